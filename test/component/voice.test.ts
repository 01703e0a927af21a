import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadConfig } from '../../src/entry/config.js';
import { validateQuestionnaire } from '../../src/app/questionnaires/validate-questionnaire.js';
import { textsFor } from '../../src/app/content.js';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import type { Store } from '../../src/storage/ports.js';
import { manualClock } from '../../src/gateways/clock.js';
import { content } from '../support/engine.js';
import { PRODUCTION_ENV, startTestService } from '../support/service.js';
import { atVoiceXmlProblems, describeVoiceXml, parseAtVoiceXml } from '../support/voice-xml.js';
import { recordedRoot, startVoiceService, type VoiceTestService } from '../support/voice.js';

/**
 * The real server on port 0, driven by the AT voice simulator with form posts shaped as
 * Africa's Talking sends them.
 */

const post = (url: string, form: Record<string, string>) => fetch(url, { method: 'POST', body: new URLSearchParams(form) });
const active = (sessionId: string, extra: Record<string, string> = {}) => ({
  isActive: '1',
  sessionId,
  direction: 'Inbound',
  callerNumber: '+254711002000',
  destinationNumber: '+254711082000',
  ...extra,
});

describe('voice over HTTP, three voice languages', () => {
  let t: VoiceTestService;
  beforeAll(async () => {
    t = await startVoiceService({}, { root: recordedRoot(['sw', 'zu']) });
  });
  afterAll(() => t.stop());

  it('a whole call per questionnaire and language: every reply is valid AT XML; recorded languages never use Say', async () => {
    let n = 0;
    for (const [code, qid] of [
      ['1001', 'clinic'],
      ['2001', 'police'],
      ['3001', 'social_grant'],
    ] as const) {
      for (const [key, lang] of [
        ['1', 'en'],
        ['2', 'sw'],
        ['3', 'zu'],
      ] as const) {
        const call = t.call(`+2547110030${String(++n).padStart(2, '0')}`);
        const hops = [await call.dial(), await call.press(key), await call.press(code), await call.press('1')];
        // until a reply that does not come back on silence: the end (the said thank-you still waits for *)
        while (hops.at(-1)!.body.includes('<Redirect>') && hops.length < 40) hops.push(await call.press('1'));
        for (const h of hops) {
          expect(h.status).toBe(200);
          expect(atVoiceXmlProblems(h.body), h.body).toEqual([]);
        }
        expect(hops.at(-1)!.body, `${qid} ${lang} did not end`).not.toContain('<Redirect>');
        expect(hops.at(-1)!.listening, `${qid} ${lang}`).toBe(lang === 'en' ? 'keys' : null);
        if (lang !== 'en') for (const h of hops.slice(1)) expect(h.body, `${qid} ${lang}`).not.toContain('<Say>');
        const session = await t.storage.sessions.get('voice', call.sessionId);
        const response = await t.storage.responses.get(session!.responseId!);
        expect(response).toMatchObject({ status: 'complete', channel: 'voice', language: lang, questionnaireId: qid });
      }
    }
  });

  it('answers missing fields with 400 naming the field', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ sessionId: 'ATVId_x' }, 'isActive'],
      [{ isActive: '1', direction: 'Inbound', callerNumber: '+254711002000', destinationNumber: '+254711082000' }, 'sessionId'],
      [{ isActive: '1', sessionId: 'ATVId_x', direction: 'Inbound', destinationNumber: '+254711082000' }, 'callerNumber'],
      [{ isActive: '1', sessionId: 'ATVId_x', callerNumber: '+254711002000', destinationNumber: '+254711082000' }, 'direction'],
      [{ isActive: '1', sessionId: 'ATVId_x', direction: 'Inbound', callerNumber: '+254711002000' }, 'destinationNumber'],
      [{ isActive: '1', sessionId: 'ATVId_x', direction: 'Sideways', callerNumber: '+254711002000', destinationNumber: '+1' }, 'direction'],
      [{ isActive: '0', sessionId: 'ATVId_x', currencyCode: 'shillings' }, 'currencyCode'],
      [{ isActive: '0', sessionId: 'ATVId_x', durationInSeconds: 'long' }, 'durationInSeconds'],
    ];
    for (const [form, field] of cases) {
      const res = await post(`${t.url}/voice`, form);
      const body = await res.text();
      expect(res.status, `${field}: ${body}`).toBe(400);
      expect(body).toContain(field);
    }
  });

  it('treats odd dtmfDigits at every kind of prompt as a wrong answer or silence, never an error', async () => {
    const odd = ['', '#', '4'.repeat(40), 'abc', '<Say>x</Say>', '😀', '*#*', ' ', '1'.repeat(5000), '%00', '0'];
    // the language menu, the facility code, consent, a choice question, the social-grant number question
    const routes: string[][] = [[], ['1'], ['1', '3001'], ['1', '3001', '1']];
    let n = 0;
    for (const route of routes) {
      for (const digits of odd) {
        const call = t.call(`+2547110040${String(++n).padStart(2, '0')}`);
        await call.dial();
        for (const k of route) await call.press(k);
        const h = await call.press(digits);
        expect(h.status, `${route.join('>')} then ${JSON.stringify(digits.slice(0, 20))}`).toBe(200);
        expect(atVoiceXmlProblems(h.body)).toEqual([]);
        expect(h.listening).not.toBeNull();
      }
    }
  });

  it('never answers any dtmfDigits or recordingUrl with a 5xx or malformed XML', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom('1', '2', '3', '1001', '*', '0', '#', '')), { minLength: 1, maxLength: 8 }),
        fc.option(fc.oneof(fc.webUrl(), fc.string({ maxLength: 80 }))),
        async (keys, recording) => {
          const call = t.call('+254711004999', `ATVId_prop_${++n}`);
          const hops = [await call.dial()];
          for (const k of keys) {
            if (!hops.at(-1)!.listening) break;
            hops.push(await call.press(k));
          }
          if (recording !== null) {
            const res = await post(`${t.url}/voice?seq=${hops.length}`, active(call.sessionId, { callerNumber: '+254711004999', recordingUrl: recording }));
            hops.push({ path: '', form: {}, status: res.status, body: await res.text(), listening: null });
          }
          for (const h of hops) {
            expect(h.status).toBe(200);
            expect(atVoiceXmlProblems(h.body)).toEqual([]);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('answers a callback for an earlier prompt with the current one and records nothing', async () => {
    const call = t.call('+254711005001');
    await call.dial();
    await call.press('1');
    await call.press('1001');
    const atQuestion = await call.press('1');
    const late = await post(`${t.url}/voice?seq=1`, active(call.sessionId, { callerNumber: '+254711005001', dtmfDigits: '2' }));
    expect(await late.text()).toBe(atQuestion.body);
    const session = await t.storage.sessions.get('voice', call.sessionId);
    expect(session!.engine.context.lang).toBe('en');
    expect((await t.storage.responses.get(session!.responseId!))!.answers).toEqual([]);
  });

  it('serves recordings from the language folder only', async () => {
    const ok = await fetch(`${t.url}/voice/audio/sw/system/voice/welcome.wav`);
    expect(ok.status).toBe(200);
    expect((await ok.arrayBuffer()).byteLength).toBeGreaterThan(44);
    for (const path of ['/voice/audio/sw/../../../package.json', '/voice/audio/sw/%2e%2e/%2e%2e/system.json', '/voice/audio/sw/..%2f..%2fsystem.json', '/voice/audio/xx/a.wav', '/voice/audio/sw/']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(404);
      await res.arrayBuffer();
    }
  });

  it('keys an outbound call to the number called, not our own number', async () => {
    const res = await post(`${t.url}/voice`, { ...active('ATVId_out'), direction: 'Outbound', callerNumber: '+254711082000', destinationNumber: '+254711005002' });
    expect(res.status).toBe(200);
    await res.text();
    const inbound = await post(`${t.url}/voice`, active('ATVId_in', { callerNumber: '+254711005002' }));
    await inbound.text();
    const [out, back] = await Promise.all([t.storage.sessions.get('voice', 'ATVId_out'), t.storage.sessions.get('voice', 'ATVId_in')]);
    expect(out!.respondentKey).toBe(back!.respondentKey);
  });
});

describe('voice with the shipped content (no recordings yet)', () => {
  let t: VoiceTestService;
  beforeAll(async () => {
    t = await startVoiceService();
  });
  afterAll(() => t.stop());

  it('offers English only, so the call starts at the facility code', async () => {
    expect(t.service.voice.languages).toEqual(['en']);
    const first = await t.call().dial();
    expect(describeVoiceXml(first.body)[0]).toContain('finishOnKey="#"');
    expect(first.body).toContain('Enter the facility code');
  });

  it('refuses at publishing a menu a caller cannot answer with one key', () => {
    const clinic = content.flows.find((f) => f.id === 'clinic')!;
    const wide = structuredClone(clinic);
    const problem = wide.questions.find((q) => q.id === 'problem')!;
    if (problem.type !== 'choice') throw new Error('clinic problem is a choice');
    const texts = structuredClone(textsFor(content, 'clinic'));
    for (const code of ['x1', 'x2']) {
      problem.options.push({ code });
      for (const lang of Object.keys(texts)) texts[lang]!.questions.problem!.options![code] = `Extra ${code}`;
    }
    const report = validateQuestionnaire({ definition: wide, texts }, t.service.validation);
    expect(report.issues).toContainEqual({ where: 'question "problem"', message: 'has more than 9 options: voice callers answer with one key from 1 to 9' });
    expect(validateQuestionnaire({ definition: clinic, texts: textsFor(content, 'clinic') }, t.service.validation).ok).toBe(true);
  });
});

describe('voice publishing check with recorded languages', () => {
  // starts a service of its own inside the test (a hook's work: every questionnaire's paths
  // walked at start), so it gets a hook's time
  it('refuses a new version that lacks a recording in a language voice offers', { timeout: 90_000 }, async () => {
    const t = await startVoiceService({}, { root: recordedRoot(['sw']) });
    try {
      expect(t.service.voice.languages).toEqual(['en', 'sw']);
      const clinic = structuredClone(content.flows.find((f) => f.id === 'clinic')!);
      const texts = structuredClone(textsFor(content, 'clinic'));
      texts.sw!.questions.staff!.text = 'Wafanyakazi walikuhudumiaje leo?';
      const medicines = clinic.questions.find((q) => q.id === 'medicines')!;
      if (medicines.type !== 'choice') throw new Error('clinic medicines is a choice');
      medicines.options.push({ code: 'expired' });
      for (const lang of Object.keys(texts)) texts[lang]!.questions.medicines!.options!.expired = `Expired (${lang})`;
      const report = validateQuestionnaire({ definition: clinic, texts }, t.service.validation);
      expect(report.ok).toBe(false);
      expect(report.issues).toContainEqual({
        where: 'recording clinic.questions.medicines.options.expired',
        lang: 'sw',
        message: 'no recording: voice offers sw, so add one to locales/sw/audio.json',
      });
      expect(report.issues.filter((i) => i.lang === 'zu' || i.lang === 'en')).toEqual([]);
    } finally {
      await t.stop();
    }
  });
});

describe('voice behind AT_CALLBACK_TOKEN', () => {
  const TOKEN = 'voice-callback-token-0123456789';
  let t: VoiceTestService;
  beforeAll(async () => {
    t = await startVoiceService({ AT_CALLBACK_TOKEN: TOKEN });
  });
  afterAll(() => t.stop());

  it('refuses callbacks without the token and carries it in every URL it hands AT', async () => {
    expect((await post(`${t.url}/voice`, active('ATVId_tok'))).status).toBe(401);
    expect((await post(`${t.url}/voice?token=wrong-token-value-000`, active('ATVId_tok'))).status).toBe(401);
    const call = t.call('+254711006001', 'ATVId_tok', TOKEN);
    const first = await call.dial();
    expect(first.status).toBe(200);
    expect(first.body).toContain(`callbackUrl="https://crc.example.org/voice?token=${TOKEN}&amp;seq=1"`);
    const next = await call.press('1001');
    expect(next.status).toBe(200);
    expect(next.body).toContain('Riverside Clinic');
    expect((await call.hangup()).status).toBe(200);
  });
});

describe('voice when the engine fails', () => {
  let t: VoiceTestService;
  let failOn: string | null = null;
  beforeAll(async () => {
    const clock = manualClock('2026-10-05T08:00:00Z');
    const memory = createMemoryStorage({ now: () => clock.now() });
    // storage that fails on one answer, as a database outage mid-call would
    const storage: Store = {
      ...memory,
      responses: {
        ...memory.responses,
        async recordAnswer(id, answer, resumeState) {
          if (answer.questionId === failOn) throw new Error('storage unavailable');
          return memory.responses.recordAnswer(id, answer, resumeState);
        },
      },
    };
    t = await startVoiceService({}, { storage, clock });
  });
  afterAll(() => t.stop());

  it('apologises briefly and hangs up, keeps the answers so far, and offers to resume on the next call', async () => {
    const call = t.call('+254711007001');
    await call.dial();
    for (const k of ['1001', '1', '1', '4', '2']) await call.press(k);
    failOn = 'satisfaction';
    const failed = await call.press('3');
    expect(atVoiceXmlProblems(failed.body)).toEqual([]);
    expect(parseAtVoiceXml(failed.body).children.map((c) => `${c.name}:${c.text}`)).toEqual(['Say:Sorry, something went wrong. Your answers so far are saved. Dial again to continue.']);
    expect(failed.listening).toBeNull();
    expect((await call.repeat()).body).toBe(failed.body);
    const session = await t.storage.sessions.get('voice', call.sessionId);
    const response = await t.storage.responses.get(session!.responseId!);
    expect(response!.answers.map((a) => a.questionId)).toEqual(['wait', 'staff', 'medicines']);
    expect(t.logs.some((l) => l.includes('voice hop failed'))).toBe(true);

    failOn = null;
    expect((await call.hangup()).status).toBe(200);
    expect((await t.storage.responses.get(response!.id))!.status).toBe('abandoned');
    const again = t.call('+254711007001');
    const offer = await again.dial();
    expect(offer.body).toContain('You have an unfinished report for Riverside Clinic.');
    const resumed = await again.press('1');
    expect(resumed.body).toContain('Overall, how was your visit?');
  });
});

describe('voice config', () => {
  it('requires an https PUBLIC_BASE_URL in production', () => {
    const base = { ...PRODUCTION_ENV, RESPONDENT_KEY_SECRET: 'x'.repeat(40) };
    expect(() => loadConfig({ ...base, PUBLIC_BASE_URL: 'http://reports.example.org' })).toThrow(/PUBLIC_BASE_URL: must start with https/);
    expect(() => loadConfig({ ...base, PUBLIC_BASE_URL: 'not a url' })).toThrow(/PUBLIC_BASE_URL/);
    expect(loadConfig({ ...base, PUBLIC_BASE_URL: 'https://reports.example.org/' }).publicBaseUrl).toBe('https://reports.example.org');
  });

  it('turns calls away cleanly when production has no PUBLIC_BASE_URL, and still takes the final request', async () => {
    const t = await startTestService({ ...PRODUCTION_ENV });
    const token = `?token=${PRODUCTION_ENV.AT_CALLBACK_TOKEN}`;
    try {
      const res = await post(`${t.url}/voice${token}`, active('ATVId_off'));
      const body = await res.text();
      expect(res.status).toBe(200);
      expect(atVoiceXmlProblems(body)).toEqual([]);
      expect(parseAtVoiceXml(body).children.map((c) => c.name)).toEqual(['Reject']);
      expect((await post(`${t.url}/voice${token}`, { isActive: '0', sessionId: 'ATVId_off' })).status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});
