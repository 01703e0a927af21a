import { expect, it, describe } from 'vitest';
import type { NewOutboxMessage, NewResponse, Scorecard, Store } from '../../src/storage/ports.js';

/** Contract for the scorecard ports: tally, scorecards, outbox. Called inside storageContract's suite. */

const T0 = new Date('2026-10-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const utcDay = (d: Date) => d.toISOString().slice(0, 10);

function newResponse(n: number, over: Partial<NewResponse> = {}): NewResponse {
  return {
    id: `tally-${n}`,
    sourceKey: `ussd:tally-${n}`,
    facilityCode: '1001',
    facilityType: 'clinic',
    district: 'north',
    questionnaireId: 'clinic',
    questionnaireVersion: 1,
    channel: 'ussd',
    language: 'en',
    respondentKey: `rk-${n}`,
    resumeState: null,
    sessionIds: [`s${n}`],
    startedAt: at(n),
    ...over,
  };
}

async function report(s: Store, n: number, answers: Record<string, string | number>, completedAt: Date | null, over: Partial<NewResponse> = {}, countKey = `ck-${n}`) {
  const r = await s.responses.start(newResponse(n, over));
  for (const [questionId, value] of Object.entries(answers)) {
    await s.responses.recordAnswer(r.id, { questionId, value, at: at(n) }, { value: 'x', context: {} } as never);
  }
  if (completedAt) await s.responses.complete(r.id, completedAt, countKey, utcDay(completedAt));
  return r.id;
}

export function scorecard(over: Partial<Scorecard> = {}): Scorecard {
  return {
    facilityCode: '1001',
    facilityName: 'Riverside Clinic',
    facilityType: 'clinic',
    district: 'north',
    period: '2026-10',
    from: T0,
    to: new Date('2026-11-01T00:00:00.000Z'),
    reports: 12,
    minCount: 10,
    shown: true,
    satisfied: 9,
    satisfactionAnswers: 12,
    wouldRecommend: 8,
    recommendAnswers: 12,
    satisfiedPct: 75,
    recommendPct: 67,
    topProblem: { questionnaireId: 'clinic', questionId: 'problem', code: 'long_wait', count: 4 },
    previous: { period: '2026-09', reports: 3, satisfiedPct: null },
    change: null,
    rank: { position: 1, of: 2 },
    computedAt: at(1),
    ...over,
  };
}

export function outboxMessage(over: Partial<NewOutboxMessage> = {}): NewOutboxMessage {
  return {
    key: 'facility:1001|2026-10|tagA',
    subjectKind: 'facility',
    subjectCode: '1001',
    district: 'north',
    period: '2026-10',
    recipientTag: 'tagA',
    recipientName: 'Amina',
    phone: '+254711000111',
    language: 'sw',
    text: 'Riverside Clinic, Okt 2026: ripoti 12.',
    segments: 1,
    createdAt: at(0),
    ...over,
  };
}

export function scorecardContract(get: () => Store) {
  describe('responses.tallyCounted', () => {
    it('counts only counted responses completed in [from, to), per facility and version, with the asked questions only', async () => {
      const s = get();
      await report(s, 1, { satisfaction: 5, problem: 'long_wait', recommend: 'likely', wait: 'lt30m' }, at(10));
      await report(s, 2, { satisfaction: 2, problem: 'none', recommend: 'unlikely' }, at(20));
      await report(s, 3, { satisfaction: 5, problem: 'long_wait' }, at(30), { questionnaireVersion: 2 });
      await report(s, 4, { satisfaction: 4 }, at(40), { facilityCode: '1002' });
      // a flagged duplicate: same countKey as report 1
      await report(s, 5, { satisfaction: 1 }, at(50), {}, 'ck-1');
      // unfinished, before the range, at the exclusive end
      await report(s, 6, { satisfaction: 1 }, null);
      await report(s, 7, { satisfaction: 1 }, at(-1));
      await report(s, 8, { satisfaction: 1 }, at(24 * 60));

      const tallies = await s.responses.tallyCounted({ from: at(0), to: at(24 * 60), questionIds: ['satisfaction', 'problem', 'recommend'] });
      expect(tallies).toEqual([
        {
          facilityCode: '1001',
          facilityType: 'clinic',
          district: 'north',
          questionnaireId: 'clinic',
          questionnaireVersion: 1,
          reports: 2,
          answers: [
            { questionId: 'problem', value: 'long_wait', count: 1 },
            { questionId: 'problem', value: 'none', count: 1 },
            { questionId: 'recommend', value: 'likely', count: 1 },
            { questionId: 'recommend', value: 'unlikely', count: 1 },
            { questionId: 'satisfaction', value: 2, count: 1 },
            { questionId: 'satisfaction', value: 5, count: 1 },
          ],
        },
        {
          facilityCode: '1001',
          facilityType: 'clinic',
          district: 'north',
          questionnaireId: 'clinic',
          questionnaireVersion: 2,
          reports: 1,
          answers: [
            { questionId: 'problem', value: 'long_wait', count: 1 },
            { questionId: 'satisfaction', value: 5, count: 1 },
          ],
        },
        {
          facilityCode: '1002',
          facilityType: 'clinic',
          district: 'north',
          questionnaireId: 'clinic',
          questionnaireVersion: 1,
          reports: 1,
          answers: [{ questionId: 'satisfaction', value: 4, count: 1 }],
        },
      ]);
    });

    it('with `answered`, tallies only the counted responses that gave that answer (a disaggregation)', async () => {
      const s = get();
      await report(s, 1, { satisfaction: 5, gender: 'woman' }, at(10));
      await report(s, 2, { satisfaction: 2, gender: 'man' }, at(20));
      await report(s, 3, { satisfaction: 4, gender: 'woman' }, at(30), { facilityCode: '1002' });
      await report(s, 4, { satisfaction: 1 }, at(40));
      // a flagged duplicate of report 1 gave the answer too: still not counted
      await report(s, 5, { satisfaction: 1, gender: 'woman' }, at(50), {}, 'ck-1');
      const women = await s.responses.tallyCounted({ from: at(0), to: at(24 * 60), questionIds: ['satisfaction'], answered: { questionId: 'gender', value: 'woman' } });
      expect(women.map((t) => [t.facilityCode, t.reports, t.answers])).toEqual([
        ['1001', 1, [{ questionId: 'satisfaction', value: 5, count: 1 }]],
        ['1002', 1, [{ questionId: 'satisfaction', value: 4, count: 1 }]],
      ]);
      expect(await s.responses.tallyCounted({ from: at(0), to: at(24 * 60), questionIds: ['satisfaction'], answered: { questionId: 'gender', value: 'other' } })).toEqual([]);
    });

    it('returns nothing for an empty range', async () => {
      const s = get();
      await report(s, 1, { satisfaction: 5 }, at(10));
      expect(await s.responses.tallyCounted({ from: at(100), to: at(200), questionIds: ['satisfaction'] })).toEqual([]);
    });
  });

  describe('scorecards', () => {
    it('stores one scorecard per facility and period: the first writer wins', async () => {
      const s = get();
      const first = await s.scorecards.saveIfAbsent(scorecard());
      expect(first).toEqual({ scorecard: scorecard(), created: true });
      const second = await s.scorecards.saveIfAbsent(scorecard({ reports: 99 }));
      expect(second).toEqual({ scorecard: scorecard(), created: false });
      await s.scorecards.saveIfAbsent(scorecard({ period: '2026-09' }));
      await s.scorecards.saveIfAbsent(scorecard({ facilityCode: '1002', district: 'south' }));
      expect(await s.scorecards.get('1001', '2026-10')).toEqual(scorecard());
      expect(await s.scorecards.get('1001', '2025-01')).toBeNull();
      expect((await s.scorecards.list()).map((c) => `${c.period}/${c.facilityCode}`)).toEqual(['2026-09/1001', '2026-10/1001', '2026-10/1002']);
      expect((await s.scorecards.list({ period: '2026-10' })).length).toBe(2);
      expect((await s.scorecards.list({ facilityCode: '1002' })).map((c) => c.district)).toEqual(['south']);
      expect((await s.scorecards.list({ district: 'north', limit: 1 })).length).toBe(1);
    });

    it('keeps one scorecard when two writers race', async () => {
      const s = get();
      const results = await Promise.all([s.scorecards.saveIfAbsent(scorecard({ reports: 1 })), s.scorecards.saveIfAbsent(scorecard({ reports: 2 }))]);
      expect(results.filter((r) => r.created).length).toBe(1);
      expect(results[0]!.scorecard).toEqual(results[1]!.scorecard);
      expect((await s.scorecards.list()).length).toBe(1);
    });
  });

  describe('outbox', () => {
    it('enqueues once per key, with the full initial shape', async () => {
      const s = get();
      const first = await s.outbox.enqueue(outboxMessage());
      expect(first.created).toBe(true);
      expect(first.message).toEqual({
        ...outboxMessage(),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: at(0),
        leaseOwner: null,
        leaseExpiresAt: null,
        providerMessageId: null,
        cost: null,
        lastError: null,
        updatedAt: at(0),
        sentAt: null,
        delivery: null,
      });
      const again = await s.outbox.enqueue(outboxMessage({ text: 'different' }));
      expect(again).toEqual({ message: first.message, created: false });
      const raced = await Promise.all([s.outbox.enqueue(outboxMessage({ key: 'k2' })), s.outbox.enqueue(outboxMessage({ key: 'k2' }))]);
      expect(raced.filter((r) => r.created).length).toBe(1);
    });

    it("keeps a follow-up case's message (subjectKind case) with an empty phone: a citizen's number is opened only when it is sent", async () => {
      const s = get();
      const message = outboxMessage({
        key: 'case:K7M3-P9QX-AB|step-2|citizen',
        subjectKind: 'case',
        subjectCode: 'K7M3-P9QX-AB',
        period: 'step-2',
        recipientTag: 'citizen',
        recipientName: 'citizen',
        phone: '',
      });
      expect((await s.outbox.enqueue(message)).created).toBe(true);
      expect(await s.outbox.get(message.key)).toMatchObject({ subjectKind: 'case', subjectCode: 'K7M3-P9QX-AB', phone: '', period: 'step-2' });
      expect((await s.outbox.enqueue(message)).created).toBe(false);
      const claimed = await s.outbox.claimNext('w1', at(1), 60_000);
      expect(claimed).toMatchObject({ key: message.key, subjectKind: 'case', phone: '' });
      expect((await s.outbox.list({ subjectCode: 'K7M3-P9QX-AB' })).map((m) => m.key)).toEqual([message.key]);
    });

    it('claims a due message once; a live lease keeps others off; an expired lease can be reclaimed', async () => {
      const s = get();
      await s.outbox.enqueue(outboxMessage());
      expect(await s.outbox.claimNext('A', at(-1), 60_000)).toBeNull(); // not due before createdAt
      const [a, b] = await Promise.all([s.outbox.claimNext('A', at(1), 60_000), s.outbox.claimNext('B', at(1), 60_000)]);
      const winner = a ?? b;
      expect([a, b].filter(Boolean).length).toBe(1);
      expect(winner).toMatchObject({ status: 'sending', attempts: 1, leaseExpiresAt: new Date(at(1).getTime() + 60_000) });
      expect(await s.outbox.claimNext('C', at(1.5), 60_000)).toBeNull();
      const taken = await s.outbox.claimNext('C', at(2), 60_000);
      expect(taken).toMatchObject({ key: winner!.key, leaseOwner: 'C', attempts: 2 });
      // the first owner lost its lease: it can no longer record an outcome
      expect(await s.outbox.markSent(winner!.key, winner!.leaseOwner!, { providerMessageId: 'x', cost: null, at: at(2) })).toBe(false);
      expect(await s.outbox.markSent(winner!.key, 'C', { providerMessageId: 'ATXid_1', cost: 'KES 0.80', at: at(2) })).toBe(true);
      expect(await s.outbox.get(winner!.key)).toMatchObject({ status: 'sent', providerMessageId: 'ATXid_1', cost: 'KES 0.80', sentAt: at(2), leaseOwner: null });
      expect(await s.outbox.claimNext('C', at(100), 60_000)).toBeNull();
    });

    it('lets exactly one of ten senders claim a message at once', async () => {
      const s = get();
      await s.outbox.enqueue(outboxMessage());
      const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => s.outbox.claimNext(`sender-${i}`, at(1), 60_000)));
      const won = claims.filter(Boolean);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ status: 'sending', attempts: 1, leaseOwner: `sender-${claims.indexOf(won[0]!)}` });
      expect(await s.outbox.claimNext('late', at(1), 60_000)).toBeNull();
    });

    it('orders claims by when each became due: a lease that ran out at 2 waits behind a message due at 1.5', async () => {
      const s = get();
      await s.outbox.enqueue(outboxMessage({ key: 'a', createdAt: at(0) }));
      expect((await s.outbox.claimNext('A', at(1), 60_000))!.key).toBe('a'); // its lease ends at 2
      await s.outbox.enqueue(outboxMessage({ key: 'b', createdAt: at(1.5) }));
      expect((await s.outbox.claimNext('B', at(3), 60_000))!.key).toBe('b');
      expect((await s.outbox.claimNext('B', at(3), 60_000))!).toMatchObject({ key: 'a', attempts: 2, leaseOwner: 'B' });
    });

    it('marks a message sent even when its provider id is already recorded on another; reports for the id stay with the first', async () => {
      const s = get();
      await s.outbox.enqueue(outboxMessage({ key: 'first' }));
      await s.outbox.enqueue(outboxMessage({ key: 'second' }));
      const one = (await s.outbox.claimNext('A', at(1), 60_000))!;
      const two = (await s.outbox.claimNext('A', at(1), 60_000))!;
      expect(await s.outbox.markSent(one.key, 'A', { providerMessageId: 'ATXid_same', cost: null, at: at(2) })).toBe(true);
      expect(await s.outbox.markSent(two.key, 'A', { providerMessageId: 'ATXid_same', cost: null, at: at(2) })).toBe(true);
      expect(await s.outbox.get(two.key)).toMatchObject({ status: 'sent', providerMessageId: 'ATXid_same', lastError: expect.stringContaining('already recorded on another message') });
      // never claimed (so never sent) again
      expect(await s.outbox.claimNext('B', at(10_000), 60_000)).toBeNull();
      const delivered = { status: 'Success' as const, final: true, failureReason: null, networkCode: null, retryCount: 0, at: at(3) };
      expect((await s.outbox.recordDelivery('ATXid_same', delivered))!.key).toBe(one.key);
      expect((await s.outbox.get(two.key))!.delivery).toBeNull();
    });

    it('claims the earliest due first and honours retry times', async () => {
      const s = get();
      await s.outbox.enqueue(outboxMessage({ key: 'b', createdAt: at(2) }));
      await s.outbox.enqueue(outboxMessage({ key: 'a', createdAt: at(1) }));
      const first = await s.outbox.claimNext('A', at(5), 60_000);
      expect(first!.key).toBe('a');
      expect(await s.outbox.retryLater('a', 'B', 'not mine', at(50), at(5))).toBe(false);
      expect(await s.outbox.retryLater('a', 'A', 'HTTP 503', at(50), at(5))).toBe(true);
      expect(await s.outbox.get('a')).toMatchObject({ status: 'pending', lastError: 'HTTP 503', nextAttemptAt: at(50), leaseOwner: null, attempts: 1 });
      expect((await s.outbox.claimNext('A', at(6), 60_000))!.key).toBe('b');
      expect(await s.outbox.claimNext('A', at(6.5), 60_000)).toBeNull();
      expect(await s.outbox.markSent('b', 'A', { providerMessageId: null, cost: null, at: at(6.5) })).toBe(true);
      expect((await s.outbox.claimNext('A', at(50), 60_000))!).toMatchObject({ key: 'a', attempts: 2 });
      expect(await s.outbox.markFailed('a', 'A', 'InvalidPhoneNumber (403)', at(51))).toBe(true);
      expect(await s.outbox.get('a')).toMatchObject({ status: 'failed', lastError: 'InvalidPhoneNumber (403)' });
      expect(await s.outbox.claimNext('A', at(10_000), 60_000)).toBeNull(); // sent and failed messages are never claimed
    });

    it('records delivery reports by provider id; a final status is never replaced', async () => {
      const s = get();
      await s.outbox.enqueue(outboxMessage());
      const m = (await s.outbox.claimNext('A', at(1), 60_000))!;
      await s.outbox.markSent(m.key, 'A', { providerMessageId: 'ATXid_9', cost: null, at: at(1) });
      const buffered = { status: 'Buffered' as const, final: false, failureReason: null, networkCode: '63902', retryCount: 0, at: at(2) };
      expect((await s.outbox.recordDelivery('ATXid_9', buffered))!.delivery).toEqual(buffered);
      const success = { ...buffered, status: 'Success' as const, final: true, at: at(3) };
      expect((await s.outbox.recordDelivery('ATXid_9', success))!.delivery).toEqual(success);
      expect((await s.outbox.recordDelivery('ATXid_9', { ...buffered, at: at(4) }))!.delivery).toEqual(success);
      expect((await s.outbox.recordDelivery('ATXid_9', { ...success, status: 'Failed', at: at(5) }))!.delivery).toEqual(success);
      expect(await s.outbox.recordDelivery('ATXid_unknown', success)).toBeNull();
    });

    it('records one of many copies of one final report that arrive at once, and tells only that copy it was recorded', async () => {
      const s = get();
      await s.outbox.enqueue(outboxMessage());
      const m = (await s.outbox.claimNext('A', at(1), 60_000))!;
      await s.outbox.markSent(m.key, 'A', { providerMessageId: 'ATXid_10', cost: null, at: at(1) });
      const copies = Array.from({ length: 10 }, (_, i) => ({ status: 'Success' as const, final: true, failureReason: null, networkCode: '63902', retryCount: 0, at: at(2 + i) }));
      const replies = await Promise.all(copies.map((d) => s.outbox.recordDelivery('ATXid_10', d)));
      const stored = (await s.outbox.get(m.key))!.delivery!;
      // exactly one copy comes back as the one recorded (the delivery route counts that one), and it is the one stored
      const recordedAsSent = copies.filter((d, i) => replies[i]!.delivery?.at.getTime() === d.at.getTime());
      expect(recordedAsSent).toHaveLength(1);
      expect(stored).toEqual(recordedAsSent[0]);
    });

    it('lists by period, subject and status, sorted by period then key', async () => {
      const s = get();
      await s.outbox.enqueue(outboxMessage({ key: 'facility:1002|2026-10|t', subjectCode: '1002' }));
      await s.outbox.enqueue(outboxMessage({ key: 'facility:1001|2026-10|t' }));
      await s.outbox.enqueue(outboxMessage({ key: 'facility:1001|2026-09|t', period: '2026-09' }));
      expect((await s.outbox.list()).map((m) => m.key)).toEqual(['facility:1001|2026-09|t', 'facility:1001|2026-10|t', 'facility:1002|2026-10|t']);
      expect((await s.outbox.list({ period: '2026-10', subjectCode: '1001' })).map((m) => m.key)).toEqual(['facility:1001|2026-10|t']);
      expect(await s.outbox.list({ status: 'sent' })).toEqual([]);
      expect((await s.outbox.list({ limit: 2 })).length).toBe(2);
    });
  });
}
