import type { Hop } from '../../src/channels/ussd/at-simulator.js';
import type { VoiceHop } from '../../src/channels/voice/at-simulator.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, Store } from '../../src/storage/ports.js';
import { startTestService, type TestService } from '../support/service.js';
import { startVoiceService, type VoiceTestService } from '../support/voice.js';

/**
 * A stale hop never becomes an answer (issue 8). Over HTTP on the real server, with
 * requests shaped as Africa's Talking sends them: a late copy of an earlier hop gets the
 * current screen and records nothing; of several hops racing for one session, at most one
 * advances it and records, and every racer gets the winner's screen.
 */

/**
 * Holds the first `n` session reads of a channel until all n have arrived (at most 2 s), so
 * n concurrent requests surely read the same revision before any of them writes.
 */
function holdSessionReads(storage: Store, channel: Channel, n: number): () => void {
  const real = storage.sessions.get;
  const waiting: Array<() => void> = [];
  storage.sessions.get = async (ch, id) => {
    const session = await real(ch, id);
    if (ch === channel && waiting.length < n) {
      await new Promise<void>((ok) => {
        waiting.push(ok);
        if (waiting.length === n) for (const release of waiting) release();
        setTimeout(ok, 2000).unref();
      });
    }
    return session;
  };
  return () => {
    storage.sessions.get = real;
  };
}

const WAIT_CODES = ['lt30m', 'm30_1h', 'h1_2', 'h2_4', 'gt4h'];

describe('USSD: stale and racing hops', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  const stored = async (sessionId: string) => {
    const session = (await t.storage.sessions.get('ussd', sessionId))!;
    const response = session.responseId ? await t.storage.responses.get(session.responseId) : null;
    return { session, response };
  };

  it('resending the previous hop after answering records nothing and returns the current screen', async () => {
    const phone = t.phone('+254711000501', 'ATUid_stale_1');
    await phone.dial();
    for (const input of ['1', '1001', '1', '2']) await phone.send(input);
    const current = await phone.send('3'); // wait = m30_1h, staff = 3
    expect(current.body).toMatch(/^CON Did you get the medicines you needed/);
    const before = await stored('ATUid_stale_1');
    expect(before.response!.answers.map((a) => [a.questionId, a.value])).toEqual([
      ['wait', 'm30_1h'],
      ['staff', 3],
    ]);

    // the previous hop's text, then older ones, as a network that delivers late copies would
    for (const late of ['1*1001*1*2', '1*1001*1', '1*1001', '1', '', '1*1001*1*3', '1*1001*1*2*4']) {
      const hop = await phone.at(late);
      expect(hop.status, late).toBe(200);
      expect(hop.body, late).toBe(current.body);
    }
    const after = await stored('ATUid_stale_1');
    expect(after.response).toStrictEqual(before.response);
    expect(after.session).toStrictEqual(before.session);

    // the session still goes on from where it was
    const next = await phone.send('1');
    expect(next.body).toMatch(/^CON Overall, how was your visit/);
    const answers = (await stored('ATUid_stale_1')).response!.answers.map((a) => [a.questionId, a.value]);
    expect(answers).toEqual([
      ['wait', 'm30_1h'],
      ['staff', 3],
      ['medicines', 'all'],
    ]);
  });

  it.each([
    ['forced to read the same revision', true],
    ['as they arrive', false],
  ])("five concurrent hops with different texts (%s) record at most one answer, and all get the winner's screen", async (_label, held) => {
    const id = `ATUid_race5_${held ? 'held' : 'free'}`;
    const phone = t.phone(held ? '+254711000502' : '+254711000503', id);
    await phone.dial();
    for (const input of ['1', '1001']) await phone.send(input);
    const question = await phone.send('1');
    expect(question.body).toMatch(/^CON How long did you wait/);
    const texts = ['1', '2', '3', '4', '5'].map((k) => `1*1001*1*${k}`);
    const release = held ? holdSessionReads(t.storage, 'ussd', texts.length) : () => undefined;
    let hops: Hop[];
    try {
      hops = await Promise.all(texts.map((text) => phone.at(text)));
    } finally {
      release();
    }
    const { session, response } = await stored(id);
    expect(hops.map((h) => h.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(hops.map((h) => h.body)).size).toBe(1);
    expect(hops[0]!.body).toBe(session.lastReply);
    expect(hops[0]!.body).toMatch(/^CON How did the staff treat you/);
    // one hop won, and the answer stored is the only one
    const answers = response!.answers.map((a) => [a.questionId, a.value]);
    expect(answers).toHaveLength(1);
    const winner = WAIT_CODES.indexOf(answers[0]![1] as (typeof WAIT_CODES)[number]) + 1;
    expect(winner).toBeGreaterThan(0);
    // the session kept the winner's text (as a digest, never the text): a loser's text taken
    // further is stale, the winner's goes on
    expect(session.lastInput).not.toContain('1001');
    const loser = winner === 1 ? 2 : 1;
    expect((await phone.at(`1*1001*1*${loser}*1`)).body).toBe(session.lastReply);
    expect((await phone.at(`1*1001*1*${winner}*1`)).body).toMatch(/^CON Did you get the medicines/);
    const after = (await stored(id)).response!.answers;
    expect(after.map((a) => a.questionId)).toEqual(['wait', 'staff']);
    expect(after[0]!.value).toBe(WAIT_CODES[winner - 1]);
  });

  it('the extended dial string (*384*123*1001#) still pre-fills the facility code', async () => {
    const phone = t.phone('+254711000504', 'ATUid_stale_ext');
    const first = await phone.dial(['1001']);
    expect(first.text).toBe('1001');
    expect(first.body).toMatch(/^CON Language/);
    const consent = await phone.send('1');
    expect(consent.text).toBe('1001*1');
    expect(consent.body).toMatch(/^CON Rate your visit to Riverside Clinic/);
    await phone.send('1');
    await phone.send('4');
    // a late copy of the pre-filled first hop changes nothing either
    const late = await phone.at('1001');
    expect(late.body).toMatch(/^CON How did the staff treat you/);
    const { response } = await stored('ATUid_stale_ext');
    expect(response!.facilityCode).toBe('1001');
    expect(response!.answers.map((a) => [a.questionId, a.value])).toEqual([['wait', 'h2_4']]);
  });
});

describe('voice: racing callbacks', () => {
  let t: VoiceTestService;
  beforeAll(async () => {
    t = await startVoiceService({ LANGUAGES: 'en' });
  });
  afterAll(() => t.stop());

  it.each([
    ['forced to read the same revision', true],
    ['as they arrive', false],
  ])('five different key presses for one prompt at once (%s) record at most one answer, all answered alike', async (_label, held) => {
    const id = `ATVId_race5_${held ? 'held' : 'free'}`;
    const call = t.call(held ? '+254711000505' : '+254711000506', id);
    let hop = await call.dial();
    hop = await call.press('1001');
    hop = await call.press('1');
    expect(hop.body).toContain('How long did you wait');
    const release = held ? holdSessionReads(t.storage, 'voice', 5) : () => undefined;
    let hops: VoiceHop[];
    try {
      hops = await call.pressConcurrently(['1', '2', '3', '4', '5']);
    } finally {
      release();
    }
    const session = (await t.storage.sessions.get('voice', id))!;
    const response = (await t.storage.responses.get(session.responseId!))!;
    expect(hops.map((h) => h.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(hops.map((h) => h.body)).size).toBe(1);
    expect(hops[0]!.body).toBe(session.lastReply);
    expect(hops[0]!.body).toContain('How did the staff treat you');
    const winner = Number(/dtmf:(\d)$/.exec(session.lastInput)![1]);
    expect(response.answers.map((a) => [a.questionId, a.value])).toEqual([['wait', WAIT_CODES[winner - 1]]]);
  });
});
