import { expect, it } from 'vitest';
import { countedNoun, inLanguageOrDefault } from '../../src/text/messages.js';

it('counts a noun in English for the staff console: "1 rating", "2 ratings"', () => {
  expect(countedNoun(1, 'rating')).toBe('1 rating');
  expect(countedNoun(0, 'rating')).toBe('0 ratings');
  expect(countedNoun(2, 'facility', 'facilities')).toBe('2 facilities');
  expect(countedNoun(1, 'facility', 'facilities')).toBe('1 facility');
});

it('looks a text up in a language, else the default, and says which', () => {
  const texts: Record<string, Record<string, string>> = { en: { a: 'A', b: 'B' }, sw: { a: 'Aa' } };
  const find = (key: string) => (lang: string) => texts[lang]?.[key];
  expect(inLanguageOrDefault('sw', 'en', find('a'))).toEqual({ lang: 'sw', text: 'Aa' });
  expect(inLanguageOrDefault('sw', 'en', find('b'))).toEqual({ lang: 'en', text: 'B' });
  expect(inLanguageOrDefault('zu', 'en', find('a'))).toEqual({ lang: 'en', text: 'A' });
  expect(inLanguageOrDefault('sw', 'en', find('c'))).toBeUndefined();
});
