import { describe, expect, it } from 'vitest';
import { loadLocaleMessages, requiredMessageIn } from '../../src/app/locale-messages.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';
import { placeholdersOf } from '../../src/text/messages.js';

const texts = loadLocaleMessages(PROJECT_ROOT, 'public.json');

describe('public page texts', () => {
  it('ship in en, sw and zu with the same keys and placeholders; sw and zu are marked as drafts', () => {
    expect(Object.keys(texts).sort()).toEqual(['en', 'sw', 'zu']);
    const keys = Object.keys(texts.en!.texts).sort();
    for (const lang of ['sw', 'zu']) {
      expect(Object.keys(texts[lang]!.texts).sort(), lang).toEqual(keys);
      for (const key of keys) expect(new Set(placeholdersOf(texts[lang]!.texts[key]!)), `${lang} ${key}`).toEqual(new Set(placeholdersOf(texts.en!.texts[key]!)));
      expect(texts[lang]!.draft).toBe(true);
    }
    expect(texts.en!.draft).toBe(false);
  });

  it('agree with the numbers they hold (ICU plural)', () => {
    expect(requiredMessageIn(texts, 'en', 'en', 'public.reports', { count: 0 })).toBe('No reports');
    expect(requiredMessageIn(texts, 'en', 'en', 'public.reports', { count: 1 })).toBe('1 report');
    expect(requiredMessageIn(texts, 'en', 'en', 'public.reports', { count: 12 })).toBe('12 reports');
    expect(requiredMessageIn(texts, 'zu', 'en', 'public.reports', { count: 1 })).toBe('Umbiko 1');
    expect(requiredMessageIn(texts, 'zu', 'en', 'public.reports', { count: 5 })).toBe('Imibiko 5');
    expect(requiredMessageIn(texts, 'en', 'en', 'public.min_rule', { min: 1 })).toMatch(/^A figure is shown only when at least 1 report stands/);
    expect(requiredMessageIn(texts, 'en', 'en', 'public.cases.days', { days: 3 })).toBe('3 days');
  });
});
