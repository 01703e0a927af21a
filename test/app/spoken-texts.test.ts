import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSystemTexts, loadShippedContent, textsFor } from '../../src/app/content.js';
import { toTranslationSheet } from '../../src/app/questionnaires/formats/translation-sheet.js';
import { validateQuestionnaire } from '../../src/app/questionnaires/validate-questionnaire.js';

/** Spoken forms of questionnaire texts: a tree like the texts, checked at publishing like them. */
const content = loadShippedContent(resolve(import.meta.dirname, '../..'));
const languages = Object.keys(content.locales);
const validation = { languages, systemTexts: createSystemTexts(content, 'en'), screenLimit: 182 };
const clinic = () => ({ definition: content.flows.find((f) => f.id === 'clinic')!, texts: structuredClone(textsFor(content, 'clinic')) });

describe('spoken forms of questionnaire texts', () => {
  it('the shipped clinic questionnaire with its spoken forms validates', () => {
    expect(validateQuestionnaire(clinic(), validation).issues).toEqual([]);
  });

  it('publishing refuses an unknown placeholder in a spoken form, naming where it is', () => {
    const q = clinic();
    q.texts.en!.spoken = { questions: { wait: { options: { lt30m: 'Under 30 minutes at {facilty}' } } } };
    const report = validateQuestionnaire(q, validation);
    expect(report.ok).toBe(false);
    expect(report.issues.some((i) => i.lang === 'en' && i.where.startsWith('spoken') && i.message.includes('{facilty}'))).toBe(true);
  });

  it('the translation sheet lists each spoken form after the texts, by its dotted key', () => {
    const q = clinic();
    const keys = toTranslationSheet(q, { languages, defaultLanguage: 'en' }).rows.map((r) => r[0]);
    expect(keys).toContain('spoken.questions.wait.options.lt30m');
    expect(keys.indexOf('spoken.questions.wait.options.lt30m')).toBeGreaterThan(keys.indexOf('questions.age.options.a60p'));
  });
});
