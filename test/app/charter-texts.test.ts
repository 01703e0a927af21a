import { describe, expect, it } from 'vitest';
import { loadCharterTexts } from '../../src/app/charters/charter-texts.js';
import { requiredMessageIn } from '../../src/app/locale-messages.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';
import { placeholdersOf } from '../../src/text/messages.js';

const texts = loadCharterTexts(PROJECT_ROOT);

describe('charter page texts', () => {
  it('ship in en, sw and zu with the same keys and placeholders; sw and zu are marked as drafts', () => {
    expect(Object.keys(texts).sort()).toEqual(['en', 'sw', 'zu']);
    const keys = Object.keys(texts.en!.texts).sort();
    for (const lang of ['sw', 'zu']) {
      expect(Object.keys(texts[lang]!.texts).sort(), lang).toEqual(keys);
      for (const key of keys) expect(new Set(placeholdersOf(texts[lang]!.texts[key]!)), `${lang} ${key}`).toEqual(new Set(placeholdersOf(texts.en!.texts[key]!)));
      expect(texts[lang]!.draft).toBe(true);
    }
    expect(texts.en!.draft).toBe(false);
    for (const status of ['planned', 'in_progress', 'done', 'dropped']) expect(keys).toContain(`charter.status.${status}`);
  });

  it('agrees with the count in every language', () => {
    expect(requiredMessageIn(texts, 'en', 'en', 'charter.overdue_count', { count: 0 })).toBe('No action is overdue.');
    expect(requiredMessageIn(texts, 'en', 'en', 'charter.overdue_count', { count: 1 })).toBe('1 action is overdue.');
    expect(requiredMessageIn(texts, 'en', 'en', 'charter.overdue_count', { count: 3 })).toBe('3 actions are overdue.');
    expect(requiredMessageIn(texts, 'zu', 'en', 'charter.attended', { count: 1 })).toBe('Kwafika umuntu 1');
    expect(requiredMessageIn(texts, 'zu', 'en', 'charter.attended', { count: 40 })).toBe('Kwafika abantu 40');
    expect(requiredMessageIn(texts, 'sw', 'en', 'charter.attended', { count: 2 })).toBe('Watu 2 walihudhuria');
    expect(requiredMessageIn(texts, 'xx', 'en', 'charter.status.done')).toBe('Done');
  });
});
