import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Charter, Store } from '../../src/storage/ports.js';

/** The charters repository's contract: exact round trip, order per facility, compare-and-set. */

const T0 = new Date('2026-03-01T08:00:00.000Z');
const t = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const charter = (id: string, over: Partial<Charter> = {}): Charter => ({
  id,
  facilityCode: '1001',
  dialogueDate: '2026-02-20',
  attendance: [
    { group: 'community members', count: 34 },
    { group: 'facility staff', count: 6 },
  ],
  topIssues: [
    { issue: 'Long wait', votes: 21 },
    { issue: 'No medicine', votes: null },
  ],
  actions: [
    { id: 'a1', title: 'Second triage nurse on Mondays', owner: 'Facility in-charge', dueDate: '2026-04-30', status: 'planned', droppedReason: null, caseReferences: ['K7M3-P9QX-AB'] },
    { id: 'a2', title: 'Queue numbers', owner: 'Clinic committee', dueDate: '2026-03-15', status: 'dropped', droppedReason: 'No budget this year', caseReferences: [] },
  ],
  updates: [{ id: 'u1', at: t(30), by: 'Thandi (editor)', actionId: 'a2', note: 'Dropped after the budget meeting', status: 'dropped' }],
  createdAt: t(0),
  createdBy: 'Thandi (editor)',
  updatedAt: t(30),
  updatedBy: 'Thandi (editor)',
  revision: 0,
  ...over,
});

export function chartersContract(name: string, make: () => Promise<{ storage: Store; cleanup(): Promise<void> }>) {
  describe(`charters contract: ${name}`, () => {
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

    it('keeps a charter exactly as saved and refuses a taken id', async () => {
      expect(await s.charters.create(charter('c1'))).toBe(true);
      expect(await s.charters.create(charter('c1', { facilityCode: '2002' }))).toBe(false);
      expect(await s.charters.get('c1')).toStrictEqual(charter('c1'));
      expect(await s.charters.get('nope')).toBeNull();
    });

    it("lists a facility's charters latest dialogue first, then newest created, and no other facility's", async () => {
      await s.charters.create(charter('old', { dialogueDate: '2025-11-02' }));
      await s.charters.create(charter('new', { dialogueDate: '2026-02-20', createdAt: t(1) }));
      await s.charters.create(charter('same-day-first', { dialogueDate: '2026-02-20', createdAt: t(0) }));
      await s.charters.create(charter('elsewhere', { facilityCode: '2002' }));
      expect((await s.charters.listForFacility('1001')).map((c) => c.id)).toEqual(['new', 'same-day-first', 'old']);
      expect((await s.charters.listForFacility('2002')).map((c) => c.id)).toEqual(['elsewhere']);
      expect(await s.charters.listForFacility('9999')).toEqual([]);
      expect((await s.charters.list()).map((c) => c.id)).toEqual(['new', 'same-day-first', 'old', 'elsewhere']);
    });

    it('saves with compare-and-set on the revision, so two editors cannot overwrite each other unseen', async () => {
      await s.charters.create(charter('c1'));
      const first = { ...charter('c1'), actions: [{ ...charter('c1').actions[0]!, status: 'in_progress' as const }], updatedAt: t(60) };
      expect(await s.charters.update(first, 0)).toBe(true);
      expect(await s.charters.update({ ...charter('c1'), topIssues: [] }, 0)).toBe(false);
      const stored = await s.charters.get('c1');
      expect(stored).toStrictEqual({ ...first, revision: 1 });
      expect(await s.charters.update({ ...stored!, dialogueDate: '2026-02-21' }, 1)).toBe(true);
      expect((await s.charters.get('c1'))!.revision).toBe(2);
      expect(await s.charters.update(charter('missing'), 0)).toBe(false);
      expect(await s.charters.get('missing')).toBeNull();
    });
  });
}
