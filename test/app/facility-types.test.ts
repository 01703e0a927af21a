import { describe, expect, it } from 'vitest';
import { addFacilityType, seedFacilityTypes, shippedFacilityTypes, typeName, typePlural } from '../../src/app/facilities/facility-types.js';
import { manualClock } from '../../src/gateways/clock.js';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import { WATER_POINT } from '../support/facility-types.js';

/** The facility types' use cases without HTTP: seeding the shipped ones, names with their fallbacks. */

const clock = manualClock('2026-10-05T08:00:00Z');
const texts = {
  publicName: (lang: string, code: string) => ({ en: { clinic: 'Clinic' }, zu: { clinic: 'Umtholampilo' } })[lang as 'en' | 'zu']?.[code as 'clinic'],
  scorecardPlural: (lang: string, code: string) => ({ en: { clinic: 'clinics' }, zu: { clinic: 'imitholampilo' } })[lang as 'en' | 'zu']?.[code as 'clinic'],
  otherPlural: (lang: string) => ({ en: 'facilities', zu: 'izikhungo' })[lang as 'en' | 'zu'],
};

describe('the shipped facility types', () => {
  it("take each language's names from the locales, the default language's where one has none", () => {
    expect(shippedFacilityTypes(['clinic'], ['en', 'sw', 'zu'], 'en', texts)).toEqual({
      types: [{ code: 'clinic', names: { en: { name: 'Clinic', plural: 'clinics' }, sw: { name: 'Clinic', plural: 'clinics' }, zu: { name: 'Umtholampilo', plural: 'imitholampilo' } } }],
      unnamed: [],
    });
  });

  it('a type the locales do not name is called by its code, and "facilities" for several, and listed as unnamed', () => {
    expect(shippedFacilityTypes(['test_point'], ['en', 'zu'], 'en', texts)).toEqual({
      types: [{ code: 'test_point', names: { en: { name: 'test_point', plural: 'facilities' }, zu: { name: 'test_point', plural: 'izikhungo' } } }],
      unnamed: ['test_point'],
    });
  });

  it('are stored once; a later start leaves names staff changed as they are', async () => {
    const storage = createMemoryStorage();
    const shipped = shippedFacilityTypes(['clinic'], ['en', 'zu'], 'en', texts).types;
    expect(await seedFacilityTypes({ storage, clock }, shipped)).toEqual(['clinic']);
    const stored = (await storage.facilityTypes.get('clinic'))!;
    expect(stored).toMatchObject({ createdBy: 'seed', revision: 0, names: shipped[0]!.names });
    await storage.facilityTypes.update({ ...stored, names: { ...stored.names, en: { name: 'Health post', plural: 'health posts' } } }, 0);
    expect(await seedFacilityTypes({ storage, clock }, shipped)).toEqual([]);
    expect((await storage.facilityTypes.get('clinic'))!.names.en).toEqual({ name: 'Health post', plural: 'health posts' });
  });
});

describe('a type by name', () => {
  it("is named in the reader's language, else the default language, else by its code", async () => {
    const storage = createMemoryStorage();
    const added = await addFacilityType({ storage, clock, languages: ['en', 'sw', 'zu'], defaultLanguage: 'en' }, WATER_POINT, 'Thandi (editor)');
    expect(added.ok).toBe(true);
    const type = (await storage.facilityTypes.get('water_point'))!;
    expect(typeName(type, 'water_point', 'zu', 'en')).toBe('Indawo yamanzi');
    expect(typePlural(type, 'sw', 'en')).toBe('vituo vya maji');
    const onlyEnglish = { ...type, names: { en: type.names.en! } };
    expect(typeName(onlyEnglish, 'water_point', 'zu', 'en')).toBe('Water point');
    expect(typePlural(onlyEnglish, 'zu', 'en')).toBe('water points');
    expect(typeName(undefined, 'borehole', 'zu', 'en')).toBe('borehole');
    expect(typePlural(undefined, 'zu', 'en')).toBeNull();
  });
});
