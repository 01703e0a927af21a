import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Case, CaseTransition, SealedContact, Store } from '../../src/storage/ports.js';

/**
 * The cases and case-contacts repositories' contract: exact round trips, an opening stored
 * once, compare-and-set on the revision with each step stored once under (reference, seq),
 * list filters and order, and sealed contacts kept, found by hash, removed and purged.
 */

const T0 = new Date('2026-03-01T08:00:00.000Z');
const t = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const aCase = (reference: string, over: Partial<Case> = {}): Case => ({
  reference,
  responseId: reference.replace(/-/g, ''),
  facilityCode: '1001',
  district: 'Riverside',
  questionnaireId: 'clinic_exit',
  concern: { main_problem: 'long_wait', rating: 2 },
  lang: 'sw',
  status: 'open',
  contactConsent: true,
  openedAt: t(0),
  updatedAt: t(0),
  firstActionAt: null,
  actionTakenAt: null,
  closedAt: null,
  resolvedByTimeout: false,
  revision: 0,
  ...over,
});

const opening = (over: Partial<CaseTransition> = {}): CaseTransition => ({
  seq: 1,
  at: t(0),
  by: { kind: 'system', label: 'report' },
  event: 'open',
  from: null,
  to: 'open',
  actionCode: null,
  note: null,
  channel: 'ussd',
  ...over,
});

const step = (seq: number, over: Partial<CaseTransition> = {}): CaseTransition => ({
  seq,
  at: t(seq * 10),
  by: { kind: 'staff', label: 'Thandi (facility_manager)' },
  event: 'acknowledge',
  from: 'open',
  to: 'acknowledged',
  actionCode: null,
  note: null,
  channel: 'api',
  ...over,
});

const contact = (reference: string, over: Partial<SealedContact> = {}): SealedContact => ({
  reference,
  sealed: 'AAECAwQFBgcICQoLDA0ODxAREhM=',
  keyId: 'k1',
  numberHash: 'hash-a',
  storedAt: t(0),
  purgeAfter: t(90 * 24 * 60),
  ...over,
});

export function casesContract(name: string, make: () => Promise<{ storage: Store; cleanup(): Promise<void> }>) {
  describe(`cases contract: ${name}`, () => {
    let s: Store;
    let cleanup: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      const made = await make();
      s = made.storage;
      cleanup = made.cleanup;
    });
    afterEach(async () => {
      await cleanup?.();
    });

    it('opens a case once, keeps it exactly as saved, with its opening as the first line of history', async () => {
      expect(await s.cases.open(aCase('K7M3-P9QX-AB'), opening())).toBe(true);
      expect(await s.cases.open(aCase('K7M3-P9QX-AB', { facilityCode: '2002' }), opening({ channel: 'voice' }))).toBe(false);
      expect(await s.cases.get('K7M3-P9QX-AB')).toStrictEqual(aCase('K7M3-P9QX-AB'));
      expect(await s.cases.history('K7M3-P9QX-AB')).toStrictEqual([opening()]);
      expect(await s.cases.get('0000-0000-00')).toBeNull();
      expect(await s.cases.history('0000-0000-00')).toEqual([]);
    });

    it('finds cases by their reference as keyed on a phone keypad, every one that shares the keys', async () => {
      // K7M3-P9QX-AB and J7M3-P9QX-AB share their keys (K and J are both on 5): 5763 7979 22; K7M3-P9QX-AD ends on 3
      await s.cases.open(aCase('K7M3-P9QX-AB'), opening());
      await s.cases.open(aCase('J7M3-P9QX-AB'), opening());
      await s.cases.open(aCase('K7M3-P9QX-AD'), opening());
      expect((await s.cases.findByKeypad('5763797922', 5)).map((c) => c.reference)).toEqual(['J7M3-P9QX-AB', 'K7M3-P9QX-AB']);
      expect(await s.cases.findByKeypad('5763797922', 1)).toHaveLength(1);
      expect(await s.cases.findByKeypad('5763797923', 5)).toStrictEqual([aCase('K7M3-P9QX-AD')]);
      expect(await s.cases.findByKeypad('0000000000', 5)).toEqual([]);
      // after a change the case is still found by its keys, as saved
      const acknowledged = aCase('K7M3-P9QX-AD', { status: 'acknowledged', updatedAt: t(10), firstActionAt: t(10) });
      await s.cases.transition(acknowledged, step(2), 0);
      expect(await s.cases.findByKeypad('5763797923', 5)).toStrictEqual([{ ...acknowledged, revision: 1 }]);
    });

    it('applies a change with compare-and-set on the revision and stores each step once', async () => {
      await s.cases.open(aCase('K7M3-P9QX-AB'), opening());
      const acknowledged = aCase('K7M3-P9QX-AB', { status: 'acknowledged', updatedAt: t(10), firstActionAt: t(10) });
      expect(await s.cases.transition(acknowledged, step(2), 0)).toBe(true);
      // the same step again (a repeated request), or another writer at the same revision: refused, stored once
      expect(await s.cases.transition(acknowledged, step(2), 0)).toBe(false);
      expect(await s.cases.transition(aCase('K7M3-P9QX-AB', { status: 'escalated' }), step(2, { event: 'refer', to: 'escalated' }), 0)).toBe(false);
      expect(await s.cases.get('K7M3-P9QX-AB')).toStrictEqual({ ...acknowledged, revision: 1 });

      const acted = { ...acknowledged, status: 'action_taken' as const, actionTakenAt: t(30), updatedAt: t(30), revision: 1 };
      const actionStep = step(3, { event: 'action_taken', from: 'acknowledged', to: 'action_taken', actionCode: 'extra_staff', note: 'Second nurse on Mondays' });
      expect(await s.cases.transition(acted, actionStep, 1)).toBe(true);
      expect((await s.cases.get('K7M3-P9QX-AB'))!.revision).toBe(2);
      expect(await s.cases.history('K7M3-P9QX-AB')).toStrictEqual([opening(), step(2), actionStep]);

      expect(await s.cases.transition(aCase('MISS-INGC-AS'), step(2), 0)).toBe(false);
      expect(await s.cases.get('MISS-INGC-AS')).toBeNull();
    });

    it('refuses a step whose seq does not follow the revision', async () => {
      await s.cases.open(aCase('K7M3-P9QX-AB'), opening());
      await expect(s.cases.transition(aCase('K7M3-P9QX-AB', { status: 'acknowledged' }), step(5), 0)).rejects.toThrow(/seq 5 does not follow revision 0/);
      expect((await s.cases.get('K7M3-P9QX-AB'))!.status).toBe('open');
    });

    it('of two writers at the same revision exactly one wins', async () => {
      await s.cases.open(aCase('K7M3-P9QX-AB'), opening());
      const results = await Promise.all([
        s.cases.transition(aCase('K7M3-P9QX-AB', { status: 'acknowledged' }), step(2), 0),
        s.cases.transition(aCase('K7M3-P9QX-AB', { status: 'escalated' }), step(2, { event: 'refer', to: 'escalated' }), 0),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const stored = await s.cases.get('K7M3-P9QX-AB');
      const history = await s.cases.history('K7M3-P9QX-AB');
      expect(history).toHaveLength(2);
      expect(stored!.status).toBe(history[1]!.to);
      expect(stored!.revision).toBe(1);
    });

    it('lists newest opened first, filtered by facilities, statuses and district, up to the limit', async () => {
      await s.cases.open(aCase('AAAA-AAAA-A1', { openedAt: t(1) }), opening());
      await s.cases.open(aCase('AAAA-AAAA-A2', { openedAt: t(3), facilityCode: '2002', district: 'Hilltop' }), opening());
      await s.cases.open(aCase('AAAA-AAAA-A3', { openedAt: t(2), status: 'resolved' }), opening({ to: 'resolved' }));
      await s.cases.open(aCase('AAAA-AAAA-A4', { openedAt: t(2) }), opening());
      const refs = (cs: Case[]) => cs.map((c) => c.reference);
      expect(refs(await s.cases.list({}, 10))).toEqual(['AAAA-AAAA-A2', 'AAAA-AAAA-A3', 'AAAA-AAAA-A4', 'AAAA-AAAA-A1']);
      expect(refs(await s.cases.list({}, 2))).toEqual(['AAAA-AAAA-A2', 'AAAA-AAAA-A3']);
      expect(refs(await s.cases.list({ facilityCodes: ['1001'] }, 10))).toEqual(['AAAA-AAAA-A3', 'AAAA-AAAA-A4', 'AAAA-AAAA-A1']);
      expect(refs(await s.cases.list({ facilityCodes: [] }, 10))).toEqual([]);
      expect(refs(await s.cases.list({ statuses: ['open', 'escalated'] }, 10))).toEqual(['AAAA-AAAA-A2', 'AAAA-AAAA-A4', 'AAAA-AAAA-A1']);
      expect(refs(await s.cases.list({ district: 'Hilltop' }, 10))).toEqual(['AAAA-AAAA-A2']);
      expect(refs(await s.cases.list({ facilityCodes: ['1001'], statuses: ['resolved'] }, 10))).toEqual(['AAAA-AAAA-A3']);
    });
  });

  describe(`case contacts contract: ${name}`, () => {
    let s: Store;
    let cleanup: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      const made = await make();
      s = made.storage;
      cleanup = made.cleanup;
    });
    afterEach(async () => {
      await cleanup?.();
    });

    it('keeps a sealed contact exactly, replaces it on a second put, and removes it', async () => {
      await s.caseContacts.put(contact('K7M3-P9QX-AB'));
      expect(await s.caseContacts.get('K7M3-P9QX-AB')).toStrictEqual(contact('K7M3-P9QX-AB'));
      await s.caseContacts.put(contact('K7M3-P9QX-AB', { sealed: 'bmV3', keyId: 'k2' }));
      expect(await s.caseContacts.get('K7M3-P9QX-AB')).toStrictEqual(contact('K7M3-P9QX-AB', { sealed: 'bmV3', keyId: 'k2' }));
      await s.caseContacts.remove('K7M3-P9QX-AB');
      expect(await s.caseContacts.get('K7M3-P9QX-AB')).toBeNull();
      await s.caseContacts.remove('K7M3-P9QX-AB');
    });

    it('finds references by number hash, newest stored first', async () => {
      await s.caseContacts.put(contact('AAAA-AAAA-A1', { storedAt: t(1) }));
      await s.caseContacts.put(contact('AAAA-AAAA-A2', { storedAt: t(5) }));
      await s.caseContacts.put(contact('AAAA-AAAA-A3', { numberHash: 'hash-b' }));
      expect(await s.caseContacts.findByNumberHash('hash-a')).toEqual(['AAAA-AAAA-A2', 'AAAA-AAAA-A1']);
      expect(await s.caseContacts.findByNumberHash('hash-b')).toEqual(['AAAA-AAAA-A3']);
      expect(await s.caseContacts.findByNumberHash('nobody')).toEqual([]);
    });

    it('purges every contact past its purge time, and only those', async () => {
      await s.caseContacts.put(contact('AAAA-AAAA-A1', { purgeAfter: t(10) }));
      await s.caseContacts.put(contact('AAAA-AAAA-A2', { purgeAfter: t(20) }));
      await s.caseContacts.put(contact('AAAA-AAAA-A3', { purgeAfter: t(30) }));
      expect(await s.caseContacts.purgeExpired(t(20))).toBe(1);
      expect(await s.caseContacts.get('AAAA-AAAA-A1')).toBeNull();
      expect(await s.caseContacts.get('AAAA-AAAA-A2')).not.toBeNull();
      expect(await s.caseContacts.purgeExpired(t(31))).toBe(2);
      expect(await s.caseContacts.findByNumberHash('hash-a')).toEqual([]);
      expect(await s.caseContacts.purgeExpired(t(31))).toBe(0);
    });
  });
}
