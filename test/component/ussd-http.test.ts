import type { Hop } from '../../src/channels/ussd/at-simulator.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import { publishQuestionnaire } from '../../src/app/questionnaires/publish-questionnaire.js';
import { addFacilityType } from '../../src/app/facilities/facility-types.js';
import { fixture } from '../support/engine.js';
import { ADMIN, startTestService, testClock, type TestService } from '../support/service.js';

/**
 * The real server on port 0, driven with form posts shaped exactly as Africa's Talking
 * sends them.
 */

const form = (fields: Record<string, string>) => new URLSearchParams(fields);
// one caller per session unless a test says otherwise, so tests never resume each other's reports
const phoneFor = (sessionId: string) => `+2547${String([...sessionId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 100_000_000, 7)).padStart(8, '0')}`;
const atHop = (sessionId: string, text: string, phoneNumber = phoneFor(sessionId)) => form({ sessionId, serviceCode: '*384*123#', phoneNumber, networkCode: '63902', text });

describe('POST /ussd', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  const post = (body: URLSearchParams | string, headers: Record<string, string> = {}) => fetch(`${t.url}/ussd`, { method: 'POST', body, headers });

  it('answers text/plain starting with CON', async () => {
    const res = await post(atHop('ATUid_plain', ''));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/^CON Language/);
  });

  it.each([
    ['sessionId', { serviceCode: '*384*123#', phoneNumber: '+254711000300', text: '' }],
    ['phoneNumber', { sessionId: 'x1', serviceCode: '*384*123#', text: '' }],
    ['serviceCode', { sessionId: 'x2', phoneNumber: '+254711000300', text: '' }],
    ['text', { sessionId: 'x3', serviceCode: '*384*123#', phoneNumber: '+254711000300' }],
  ])('a missing %s gets a 400 naming it', async (field, fields) => {
    const res = await post(form(fields as Record<string, string>));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(field);
  });

  it('a malformed phone number gets a 400 naming the field', async () => {
    const res = await post(atHop('x4', '', 'not-a-number'));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('phoneNumber');
  });

  it('an oversized body gets a 413', async () => {
    const res = await post(atHop('x5', 'x'.repeat(20_000)));
    expect(res.status).toBe(413);
  });

  it('a body that is not a form is a 400, never a 5xx', async () => {
    const res = await post('{"sessionId": ', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
  });

  it.each([['😀'], ['*#'], ['x'.repeat(500)], ['{"$gt":""}'], ['%00'], ['1*2*3*4*5*6*7*8*9*0*1*2*3*4*5*6*7*8*9*0']])(
    'odd text %j at the facility prompt is a wrong answer, not an error',
    async (odd) => {
      const id = `ATUid_odd_${odd.length}_${odd.charCodeAt(0)}`;
      await post(atHop(id, ''));
      await post(atHop(id, '1'));
      const res = await post(atHop(id, `1*${odd}`));
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toMatch(/^CON A facility code has 3 to 8 digits\.\nEnter the facility code/);
    },
  );

  it('odd text in a menu is re-asked with an error', async () => {
    const id = 'ATUid_odd_menu';
    for (const text of ['', '1', '1*1001', '1*1001*1']) await post(atHop(id, text));
    const res = await post(atHop(id, '1*1001*1*{"$gt":""}'));
    expect(await res.text()).toMatch(/^CON Reply with a number from 1 to 5\.\nHow long did you wait/);
  });

  it('free text may contain * and is kept whole', async () => {
    const every = fixture();
    // a questionnaire serves facility types staff added: the fixture's test_point is added as they would
    const added = await addFacilityType(
      { storage: t.storage, clock: t.clock, languages: ['en'], defaultLanguage: 'en' },
      { code: 'test_point', names: { en: { name: 'Test point', plural: 'test points' } } },
      'test',
    );
    expect(added.ok).toBe(true);
    const published = await publishQuestionnaire(
      { storage: t.storage, clock: t.clock, validation: { ...t.service.validation, languages: ['en'] } },
      { definition: every.definition, texts: every.texts, by: 'test' },
    );
    expect(published.ok).toBe(true);
    await t.storage.facilities.upsertMany([{ code: '7001', name: 'Test Point', type: 'test_point', district: 'Riverside', active: true, managers: [] }]);
    const id = 'ATUid_star';
    // language, facility, consent, visited=no, service=other, then the free text "x-ray * room 2"
    const texts = ['', '1', '1*7001', '1*7001*1', '1*7001*1*2', '1*7001*1*2*3', '1*7001*1*2*3*x-ray * room 2'];
    let body = '';
    for (const text of texts) body = await (await post(atHop(id, text))).text();
    expect(body).toMatch(/^CON Code of the facility you were sent to:/);
    const session = await t.storage.sessions.get('ussd', id);
    const response = await t.storage.responses.get(session!.responseId!);
    expect(response!.answers.find((a) => a.questionId === 'other_detail')!.value).toBe('x-ray * room 2');
  });

  it('the same hop sent twice at once is answered the same and recorded once', async () => {
    const id = 'ATUid_race';
    for (const text of ['', '1', '1001', '1001*1'].map((x, i) => (i === 0 ? '' : i === 1 ? '1' : `1*${x}`))) await post(atHop(id, text, '+254711000301'));
    const [a, b] = await Promise.all([post(atHop(id, '1*1001*1*3', '+254711000301')), post(atHop(id, '1*1001*1*3', '+254711000301'))]);
    expect(await a.text()).toBe(await b.text());
    const session = await t.storage.sessions.get('ussd', id);
    const response = await t.storage.responses.get(session!.responseId!);
    expect(response!.answers).toHaveLength(1);
    expect(response!.answers[0]).toMatchObject({ questionId: 'wait', value: 'h1_2' });
  });

  it('stores the respondent as a keyed hash, never the number', async () => {
    const id = 'ATUid_privacy';
    for (const text of ['', '1', '1*1001', '1*1001*1', '1*1001*1*1']) await post(atHop(id, text, '+254722333444'));
    const session = await t.storage.sessions.get('ussd', id);
    const response = await t.storage.responses.get(session!.responseId!);
    expect(JSON.stringify(response)).not.toContain('722333444');
    expect(JSON.stringify(session)).not.toContain('722333444');
    expect(t.logs.join('')).not.toContain('722333444');
  });

  it('offers to resume only when the redial is for the same facility', async () => {
    const number = '+254711000303';
    const first = t.phone(number, 'ATUid_rf_1');
    await first.dial();
    for (const input of ['1', '1001', '1', '2']) await first.send(input);
    const other = await t.phone(number, 'ATUid_rf_2').dial(['2001']);
    expect(other.body).toMatch(/^CON Rate your visit to Riverside Police Station/);
    const same = await t.phone(number, 'ATUid_rf_3').dial(['1001']);
    expect(same.body).toMatch(/^CON You have an unfinished report for Riverside Clinic/);
  });

  it('remembers the language for the next session', async () => {
    const number = '+254711000302';
    await post(atHop('ATUid_lang_1', '', number));
    await post(atHop('ATUid_lang_1', '2', number));
    const res = await post(atHop('ATUid_lang_2', '', number));
    expect(await res.text()).toBe('CON Weka namba ya kituo iliyo kwenye bango:\n9. Angalia ripoti\n0. Rudi');
  });
});

describe('POST /ussd/events', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('marks an unfinished response abandoned, and answers 200', async () => {
    const phone = t.phone('+254711000310', 'ATUid_ev_1');
    await phone.dial();
    for (const input of ['1', '1001', '1', '2']) await phone.send(input);
    expect(await phone.notifyEnd('Incomplete')).toBe(200);
    const session = await t.storage.sessions.get('ussd', 'ATUid_ev_1');
    expect((await t.storage.responses.get(session!.responseId!))!.status).toBe('abandoned');
  });

  it('leaves a complete response complete', async () => {
    const phone = t.phone('+254711000311', 'ATUid_ev_2');
    await phone.dial();
    for (const input of ['1', '1001', '1', '1', '1', '1', '1', '1', '1', '00', '00']) await phone.send(input);
    expect(await phone.notifyEnd('Success')).toBe(200);
    const session = await t.storage.sessions.get('ussd', 'ATUid_ev_2');
    expect((await t.storage.responses.get(session!.responseId!))!.status).toBe('complete');
  });

  it('answers 200 for a session it never saw, and 400 naming a missing field', async () => {
    const ok = await fetch(`${t.url}/ussd/events`, { method: 'POST', body: form({ sessionId: 'unknown', status: 'Failed' }) });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${t.url}/ussd/events`, { method: 'POST', body: form({ sessionId: 'x' }) });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('status');
  });
});

describe('counting: one report per respondent, facility and day', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  const complete = async (sessionId: string) => {
    const phone = t.phone('+254711000320', sessionId);
    await phone.dial();
    let last: Hop | undefined;
    // a rating of 1 names a concern: the last input answers "May we SMS you?" with 2 (No)
    for (const input of ['1001', '1', '1', '1', '1', '1', '1', '1', '00', '00', '2']) last = await phone.send(input);
    expect(last!.body).toMatch(/^END Thank you/);
    const session = await t.storage.sessions.get('ussd', sessionId);
    return (await t.storage.responses.get(session!.responseId!))!;
  };

  it('stores a second report the same day but does not count it; the next day counts again', async () => {
    await fetch(`${t.url}/ussd`, { method: 'POST', body: atHop('ATUid_cnt_0', '', '+254711000320') });
    await fetch(`${t.url}/ussd`, { method: 'POST', body: atHop('ATUid_cnt_0', '1', '+254711000320') });
    const first = await complete('ATUid_cnt_1');
    t.clock.advance(60 * 60_000);
    const second = await complete('ATUid_cnt_2');
    expect(first.counted).toBe(true);
    expect(second.counted).toBe(false);
    expect(second.duplicateOf).toBe(first.id);
    t.clock.advance(24 * 60 * 60_000);
    const third = await complete('ATUid_cnt_3');
    expect(third.counted).toBe(true);
  });
});

describe('callback token', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ AT_CALLBACK_TOKEN: 'callback-secret-123456' });
  });
  afterAll(() => t.stop());

  it('logs each request with its id and path, never the query string', async () => {
    const res = await fetch(`${t.url}/ussd?token=callback-secret-123456`, {
      method: 'POST',
      body: atHop('tok-log', ''),
      headers: { 'x-request-id': 'req-abc.123' },
    });
    expect(res.headers.get('x-request-id')).toBe('req-abc.123');
    const line = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reqId === 'req-abc.123');
    expect(line).toMatchObject({ msg: 'request', method: 'POST', path: '/ussd', status: 200 });
    const generated = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'not ok; injected' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects callbacks without the shared secret and accepts them with it', async () => {
    const without = await fetch(`${t.url}/ussd`, { method: 'POST', body: atHop('tok1', '') });
    expect(without.status).toBe(401);
    const wrong = await fetch(`${t.url}/ussd?token=nope`, { method: 'POST', body: atHop('tok1', '') });
    expect(wrong.status).toBe(401);
    const right = await t.phone('+254711000330', 'tok2', 'callback-secret-123456').dial();
    expect(right.status).toBe(200);
    expect(t.logs.join('')).not.toContain('callback-secret-123456');
  });
});

describe('GET /api/v1/responses', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
    for (const [i, code] of ['1001', '1001', '2001'].entries()) {
      const phone = t.phone(`+2547110004${i}0`, `ATUid_api_${i}`);
      await phone.dial();
      for (const input of ['1', code, '1', '2']) await phone.send(input);
      t.clock.advance(60_000);
    }
  });
  afterAll(() => t.stop());

  const get = (query: string, token?: string) => fetch(`${t.url}/api/v1/responses${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('needs a bearer token', async () => {
    expect((await get('')).status).toBe(401);
    expect((await get('', 'wrong-token-wrong-token-wrong')).status).toBe(401);
  });

  it('returns JSON filtered by facility', async () => {
    const res = await get('?facility=1001', ADMIN);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<{ facilityCode: string; answers: unknown[]; respondentKey: string }> };
    expect(body.items).toHaveLength(2);
    expect(body.items.every((r) => r.facilityCode === '1001')).toBe(true);
    expect(body.items[0]!.respondentKey).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(body)).not.toMatch(/\+2547/);
  });

  it('streams NDJSON filtered by time', async () => {
    const res = await get(`?format=ndjson&from=${encodeURIComponent('2026-10-05T08:01:00Z')}`, ADMIN);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { facilityCode: string });
    expect(lines.map((l) => l.facilityCode)).toEqual(['1001', '2001']);
  });

  it('rejects a bad filter with a 400 naming it', async () => {
    const res = await get('?from=yesterday', ADMIN);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { fields: Array<{ field: string }> }).fields[0]!.field).toBe('from');
  });
});

describe('health, failures and shutdown', () => {
  it('reports live and ready, and not ready once shutting down', async () => {
    const t = await startTestService();
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', storage: 'memory', durable: false });
    await t.stop();
  });

  it('a failure inside a hop ends with an apology in the language and keeps the answers so far', async () => {
    const clock = testClock();
    const storage = createMemoryStorage({ now: () => clock.now() });
    const t = await startTestService({}, { storage, clock });
    try {
      const phone = t.phone('+254711000340', 'ATUid_fail');
      await phone.dial();
      for (const input of ['2', '1001', '1', '2']) await phone.send(input);
      const realRecord = storage.responses.recordAnswer;
      storage.responses.recordAnswer = async () => {
        throw new Error('disk on fire');
      };
      const hop = await phone.send('3');
      storage.responses.recordAnswer = realRecord;
      expect(hop.status).toBe(200);
      expect(hop.body).toBe('END Samahani, kuna hitilafu. Majibu yako yamehifadhiwa. Piga tena kuendelea.');
      const session = await storage.sessions.get('ussd', 'ATUid_fail');
      const response = await storage.responses.get(session!.responseId!);
      expect(response!.answers.map((a) => a.questionId)).toEqual(['wait']);
      // the same hop repeated gets the same apology, and a redial offers to continue
      expect((await phone.repeat()).body).toBe(hop.body);
      const redial = await t.phone('+254711000340', 'ATUid_fail_2').dial();
      expect(redial.body).toMatch(/^CON Una ripoti ambayo haijakamilika/);
    } finally {
      await t.stop();
    }
  });

  it('finishes a hop in flight before stopping', async () => {
    const clock = testClock();
    const storage = createMemoryStorage({ now: () => clock.now() });
    const t = await startTestService({}, { storage, clock });
    const phone = t.phone('+254711000350', 'ATUid_stop');
    await phone.dial();
    const realGet = storage.facilities.findByCode;
    let release!: () => void;
    const gate = new Promise<void>((ok) => (release = ok));
    storage.facilities.findByCode = async (code) => {
      await gate;
      return realGet(code);
    };
    await phone.send('1');
    const inFlight = phone.send('1001');
    await new Promise((ok) => setTimeout(ok, 50));
    const stopping = t.stop();
    release();
    const hop = await inFlight;
    await stopping;
    expect(hop.status).toBe(200);
    expect(hop.body).toMatch(/^CON Rate your visit to Riverside Clinic/);
  });
});
