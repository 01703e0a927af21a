import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/ports.js';
import type { ApiToken, AuditEntry, Draft } from '../../src/storage/staff-ports.js';

/** The staff repositories' contract (tokens, audit, drafts, districts) and the retire rule. */

const T0 = new Date('2025-03-01T08:00:00.000Z');
const t = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const token = (id: string, over: Partial<ApiToken> = {}): ApiToken => ({
  id,
  name: `token ${id}`,
  role: 'editor',
  hash: `hash-${id}`,
  createdAt: t(0),
  createdBy: 'ADMIN_TOKEN',
  revokedAt: null,
  ...over,
});
const entry = (id: string, at: Date, target: string): AuditEntry => ({ id, at, actor: 'Thandi (editor)', action: 'draft.updated', target, details: { note: id, nested: { n: 1 } } });
const draft = (id: string, over: Partial<Draft> = {}): Draft => ({
  id,
  questionnaireId: 'clinic',
  basedOn: 1,
  // drafts may be invalid: kept exactly as entered
  definition: { id: 'clinic', questions: [{ id: 'x', type: 'nonsense', empty: {} }] },
  texts: { en: { title: '<script>alert(1)</script>' } },
  createdAt: t(0),
  createdBy: 'Thandi (editor)',
  updatedAt: t(0),
  updatedBy: 'Thandi (editor)',
  revision: 0,
  ...over,
});

export function staffStorageContract(name: string, make: () => Promise<{ storage: Store; cleanup(): Promise<void> }>) {
  describe(`staff storage contract: ${name}`, () => {
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

    it('stores tokens by hash, refuses a taken id or hash, lists newest first and revokes once', async () => {
      expect(await s.tokens.insert(token('a'))).toBe(true);
      expect(await s.tokens.insert(token('b', { createdAt: t(5), role: 'viewer' }))).toBe(true);
      expect(await s.tokens.insert(token('a', { hash: 'other' }))).toBe(false);
      expect(await s.tokens.insert(token('c', { hash: 'hash-a' }))).toBe(false);
      expect(await s.tokens.findByHash('hash-a')).toStrictEqual(token('a'));
      expect(await s.tokens.findByHash('nope')).toBeNull();
      expect(await s.tokens.get('b')).toStrictEqual(token('b', { createdAt: t(5), role: 'viewer' }));
      expect((await s.tokens.list()).map((x) => x.id)).toEqual(['b', 'a']);
      // a facility manager's token keeps its facilities; the others have none (not even an empty list)
      const fm = token('fm', { hash: 'hash-fm', role: 'facility_manager', facilities: ['1001', '1002'], createdAt: t(1) });
      expect(await s.tokens.insert(fm)).toBe(true);
      expect(await s.tokens.findByHash('hash-fm')).toStrictEqual(fm);
      expect(await s.tokens.get('a')).not.toHaveProperty('facilities');
      expect(await s.tokens.revoke('a', t(9))).toBe(true);
      expect(await s.tokens.revoke('a', t(10))).toBe(false);
      expect(await s.tokens.revoke('zzz', t(10))).toBe(false);
      expect((await s.tokens.get('a'))!.revokedAt).toStrictEqual(t(9));
    });

    it('appends audit entries and lists them newest first, by target prefix, with a limit', async () => {
      await s.audit.append(entry('e1', t(1), 'questionnaire clinic@1'));
      await s.audit.append(entry('e2', t(3), 'facility 1001'));
      await s.audit.append(entry('e3', t(2), 'questionnaire clinic draft d1'));
      await s.audit.append(entry('e4', t(4), 'questionnaire police@2'));
      expect((await s.audit.list()).map((e) => e.id)).toEqual(['e4', 'e2', 'e3', 'e1']);
      expect((await s.audit.list({ targetPrefix: 'questionnaire clinic' })).map((e) => e.id)).toEqual(['e3', 'e1']);
      expect((await s.audit.list({ limit: 2 })).map((e) => e.id)).toEqual(['e4', 'e2']);
      expect((await s.audit.list({ targetPrefix: 'questionnaire clinic@1' }))[0]).toStrictEqual(entry('e1', t(1), 'questionnaire clinic@1'));
      expect(await s.audit.list({ targetPrefix: 'questionnaire.*' })).toEqual([]);
    });

    it('keeps drafts exactly as entered, saves with compare-and-set and deletes', async () => {
      expect(await s.drafts.create(draft('d1'))).toBe(true);
      expect(await s.drafts.create(draft('d1'))).toBe(false);
      expect(await s.drafts.create(draft('d2', { questionnaireId: 'police', createdAt: t(1) }))).toBe(true);
      expect(await s.drafts.get('d1')).toStrictEqual(draft('d1'));
      expect((await s.drafts.list()).map((d) => d.id)).toEqual(['d1', 'd2']);
      expect((await s.drafts.list('police')).map((d) => d.id)).toEqual(['d2']);

      const edited = { ...draft('d1'), texts: { en: { title: 'New' } }, updatedAt: t(2) };
      expect(await s.drafts.update(edited, 0)).toBe(true);
      expect(await s.drafts.update({ ...edited, texts: {} }, 0)).toBe(false);
      expect(await s.drafts.get('d1')).toStrictEqual({ ...edited, revision: 1 });
      expect(await s.drafts.update(draft('nope'), 0)).toBe(false);

      const got = await s.drafts.get('d1');
      (got!.texts as { en: { title: string } }).en.title = 'mutated';
      expect((await s.drafts.get('d1'))!.texts).toStrictEqual({ en: { title: 'New' } });

      expect(await s.drafts.delete('d1')).toBe(true);
      expect(await s.drafts.delete('d1')).toBe(false);
      expect(await s.drafts.get('d1')).toBeNull();
    });

    it('lists districts sorted and adds each once', async () => {
      expect(await s.districts.list()).toEqual([]);
      expect(await s.districts.add('Riverside')).toBe(true);
      expect(await s.districts.add('Hilltop')).toBe(true);
      expect(await s.districts.add('Riverside')).toBe(false);
      expect(await s.districts.list()).toEqual(['Hilltop', 'Riverside']);
    });
  });
}
