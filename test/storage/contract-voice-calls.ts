import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HopSession, Store } from '../../src/storage/ports.js';
import type { VoiceCallRecord } from '../../src/storage/voice-calls.js';

/** The voice part of the storage contract: call records and the voice state on hop sessions. */

const T0 = new Date('2025-03-01T08:00:00.000Z');
const FAR_FUTURE = new Date('2100-01-01T00:00:00.000Z');

function call(over: Partial<VoiceCallRecord> = {}): VoiceCallRecord {
  return {
    sessionId: 'ATVId_1',
    respondentKey: 'rk-alice',
    direction: 'inbound',
    responseId: 'resp-1',
    durationInSeconds: 95,
    amount: 2.5,
    currencyCode: 'KES',
    hangupCause: 'NORMAL_CLEARING',
    endedAt: T0,
    ...over,
  };
}

function voiceSession(over: Partial<HopSession> = {}): HopSession {
  return {
    channel: 'voice',
    sessionId: 'ATVId_1',
    respondentKey: 'rk-alice',
    lastInput: '3|dtmf:2',
    lastReply: '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello</Say></Response>',
    engine: {
      value: { facility: 'awaiting' },
      context: {
        languages: ['en'],
        maxFacilityAttempts: 3,
        maxRetries: null,
        lang: 'en',
        facilityAttempts: 0,
        prefilledFacilityCode: null,
        pendingCode: null,
        facility: null,
        questionnaire: null,
        resumeOffer: null,
        answers: {},
        path: [],
        error: null,
        end: null,
        retries: 0,
      },
    },
    page: 0,
    responseId: null,
    revision: 0,
    createdAt: T0,
    updatedAt: T0,
    expiresAt: FAR_FUTURE,
    voice: { seq: 4 },
    ...over,
  };
}

export function voiceCallsContract(name: string, make: () => Promise<{ storage: Store; cleanup(): Promise<void> }>) {
  describe(`storage contract (voice): ${name}`, () => {
    let s: Store;
    let cleanup: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      const made = await make();
      s = made.storage;
      cleanup = made.cleanup;
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('stores the end of a call once; a repeated end notification changes nothing', async () => {
      expect(await s.voiceCalls.get('ATVId_1')).toBeNull();
      expect(await s.voiceCalls.recordEnd(call())).toBe(true);
      expect(await s.voiceCalls.recordEnd(call({ durationInSeconds: 999, hangupCause: 'OTHER' }))).toBe(false);
      const got = await s.voiceCalls.get('ATVId_1');
      expect(got).toStrictEqual(call());
      expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    });

    it('keeps unknown figures as null', async () => {
      const bare = call({ sessionId: 'ATVId_2', respondentKey: null, direction: null, responseId: null, durationInSeconds: null, amount: null, currencyCode: null, hangupCause: null });
      expect(await s.voiceCalls.recordEnd(bare)).toBe(true);
      expect(await s.voiceCalls.get('ATVId_2')).toStrictEqual(bare);
    });

    it('keeps the voice state of a hop session through create and compare-and-set update', async () => {
      const session = voiceSession();
      expect(await s.sessions.create(session)).toBe(true);
      expect(await s.sessions.get('voice', 'ATVId_1')).toStrictEqual(session);
      const next = { ...session, lastInput: '4|dtmf:', voice: { seq: 5 } };
      expect(await s.sessions.update(next, 0)).toBe(true);
      expect(await s.sessions.update({ ...next, voice: { seq: 9 } }, 0)).toBe(false);
      expect(await s.sessions.get('voice', 'ATVId_1')).toStrictEqual({ ...next, revision: 1 });
    });
  });
}
