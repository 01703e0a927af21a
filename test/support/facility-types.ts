/** A new kind of service as staff add it in the tests: its code and its names in en, sw and zu. */
export const WATER_POINT = {
  code: 'water_point',
  names: {
    en: { name: 'Water point', plural: 'water points' },
    sw: { name: 'Kituo cha maji', plural: 'vituo vya maji' },
    zu: { name: 'Indawo yamanzi', plural: 'izindawo zamanzi' },
  },
};
