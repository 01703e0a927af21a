import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FacilityType, Store } from '../../src/storage/ports.js';

/** The facility types repository's contract: exact round trip, one type per code, order by code, compare-and-set. */

const T0 = new Date('2026-03-01T08:00:00.000Z');
const t = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const type = (code: string, over: Partial<FacilityType> = {}): FacilityType => ({
  code,
  names: {
    en: { name: 'Water point', plural: 'water points' },
    sw: { name: 'Kituo cha maji', plural: 'vituo vya maji' },
    // a name as staff may type it: accents, apostrophes, markup that must stay text
    zu: { name: "Indawo yamanzi 'ë' <b>", plural: 'izindawo zamanzi' },
  },
  createdAt: t(0),
  createdBy: 'Thandi (editor)',
  updatedAt: t(0),
  updatedBy: 'Thandi (editor)',
  revision: 0,
  ...over,
});

export function facilityTypesContract(name: string, make: () => Promise<{ storage: Store; cleanup(): Promise<void> }>) {
  describe(`facility types contract: ${name}`, () => {
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

    it('keeps a type exactly as saved and refuses a taken code', async () => {
      expect(await s.facilityTypes.create(type('water_point'))).toBe(true);
      expect(await s.facilityTypes.create(type('water_point', { names: { en: { name: 'Other', plural: 'others' } } }))).toBe(false);
      expect(await s.facilityTypes.get('water_point')).toStrictEqual(type('water_point'));
      expect(await s.facilityTypes.get('nope')).toBeNull();
    });

    it('lets only one of two concurrent creates of a code win', async () => {
      const results = await Promise.all([s.facilityTypes.create(type('market')), s.facilityTypes.create(type('market', { createdBy: 'Sipho (editor)' }))]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await s.facilityTypes.list()).toHaveLength(1);
    });

    it('lists every type by code', async () => {
      await s.facilityTypes.create(type('water_point'));
      await s.facilityTypes.create(type('clinic'));
      await s.facilityTypes.create(type('police'));
      expect((await s.facilityTypes.list()).map((x) => x.code)).toEqual(['clinic', 'police', 'water_point']);
      expect((await s.facilityTypes.list())[0]).toStrictEqual(type('clinic'));
    });

    it('saves with compare-and-set on the revision, so two editors cannot overwrite each other unseen', async () => {
      await s.facilityTypes.create(type('water_point'));
      const renamed = type('water_point', { names: { ...type('x').names, en: { name: 'Borehole', plural: 'boreholes' } }, updatedAt: t(5), updatedBy: 'Sipho (editor)' });
      expect(await s.facilityTypes.update(renamed, 0)).toBe(true);
      expect(await s.facilityTypes.update(type('water_point'), 0)).toBe(false);
      expect(await s.facilityTypes.get('water_point')).toStrictEqual({ ...renamed, revision: 1 });
      expect(await s.facilityTypes.update({ ...renamed, revision: 1 }, 1)).toBe(true);
      expect((await s.facilityTypes.get('water_point'))!.revision).toBe(2);
      expect(await s.facilityTypes.update(type('missing'), 0)).toBe(false);
      expect(await s.facilityTypes.get('missing')).toBeNull();
    });
  });
}
