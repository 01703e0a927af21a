import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSystemTexts, loadShippedContent, textsFor } from '../../src/app/content.js';
import { diffQuestionnaires, readableDiff } from '../../src/app/questionnaires/questionnaire-diff.js';
import { validateQuestionnaire } from '../../src/app/questionnaires/validate-questionnaire.js';

/** The too-long check names the exact text and language and by how much; the publish diff shows an option's wording. */

type Lang = { questions: { gender: { text: string; options: Record<string, string> }; staff: { text: string } } };
const content = loadShippedContent(resolve(import.meta.dirname, '../..'));
const validation = { languages: ['en', 'sw', 'zu'], systemTexts: createSystemTexts(content, 'en'), screenLimit: 182 };
const clinic = () => ({
  definition: structuredClone(content.flows.find((f) => f.id === 'clinic')!),
  texts: structuredClone(textsFor(content, 'clinic')) as unknown as Record<'en' | 'sw' | 'zu', Lang>,
});

const screenIssues = (q: ReturnType<typeof clinic>) => validateQuestionnaire(q, validation).issues.filter((i) => i.message.startsWith('the screen is'));
const overBy = (message: string) => Number(/^the screen is (\d+) characters? over 182( with its error line)?$/.exec(message)![1]);

describe('the too-long check', () => {
  it('blames the option that is too long, in its language, by exactly how much', () => {
    const q = clinic();
    q.texts.zu.questions.gender.options.woman = `Owesifazane ${'kakhulu '.repeat(20)}`.trim();
    const issues = screenIssues(q);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ where: "Question 7 · Option 'A woman'", lang: 'zu' });
    const over = overBy(issues[0]!.message);
    expect(over).toBeGreaterThan(0);
    // shorter by exactly that much fits; one character less does not
    const text = q.texts.zu.questions.gender.options.woman as string;
    q.texts.zu.questions.gender.options.woman = text.slice(0, text.length - over + 1);
    expect(screenIssues(q).map((i) => overBy(i.message))).toEqual([1]);
    q.texts.zu.questions.gender.options.woman = text.slice(0, text.length - over);
    expect(screenIssues(q)).toEqual([]);
  });

  it('blames the wording when even the shortest option cannot join it', () => {
    const q = clinic();
    q.texts.sw.questions.staff.text = 'Wafanyakazi '.repeat(14).trim();
    const issues = screenIssues(q);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.where === 'Question 2 · Wording' && i.lang === 'sw')).toBe(true);
  });
});

describe('the publish diff', () => {
  it("shows a new option's wording and what it means instead of {}", () => {
    const before = clinic();
    const after = clinic();
    (after.definition.questions[6] as { options: unknown[] }).options.push({ code: 'prefer_not', none: true });
    for (const [lang, words] of [
      ['en', 'Prefer not to say'],
      ['sw', 'Sipendi kusema'],
      ['zu', 'Angithandi ukusho'],
    ] as const)
      after.texts[lang].questions.gender.options.prefer_not = words;
    const rows = readableDiff(diffQuestionnaires(before, after), before, after, 'en');
    expect(rows).toContainEqual({ area: 'definition', what: "Question 7 · Option 'Prefer not to say'", before: null, after: "'Prefer not to say' (means no problem)" });
    expect(rows).toContainEqual({ area: 'text', what: "Question 7 · Option 'Prefer not to say'", lang: 'zu', before: null, after: 'Angithandi ukusho' });
    expect(JSON.stringify(rows)).not.toContain('{}');
  });
});
