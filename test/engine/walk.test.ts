import { describe, expect, it } from 'vitest';
import { walkQuestionnaire } from '../../src/engine/walk.js';
import { layout, renderUssd } from '../../src/channels/ussd/render.js';
import { isGsm7, ussdLength } from '../../src/text/gsm.js';
import { missingSystemKeys } from '../../src/app/content.js';
import { missingQuestionnaireKeys } from '../../src/engine/texts.js';
import { content, fixture, LANGUAGES, shipped, systemTexts } from '../support/engine.js';

const LIMIT = 182;
const questionnaires = content.flows.map((f) => f.id);

describe.each(questionnaires)('shipped questionnaire "%s"', (id) => {
  const q = shipped(id);
  it.each(LANGUAGES)('every path ends and every USSD screen fits in %s', (lang) => {
    const walk = walkQuestionnaire(q, lang, { texts: systemTexts });
    expect(walk.stuck).toEqual([]);
    expect(walk.paths).toBeGreaterThan(0);
    expect(Object.keys(walk.endings).every((e) => e.startsWith('end:'))).toBe(true);
    // a report without a concern ends with the thank-you; one with a concern asks about follow-up, and both answers end
    expect(Object.keys(walk.endings).sort()).toEqual(['end:follow_up_no', 'end:follow_up_yes', 'end:thanks']);
    expect(walk.endings['end:follow_up_yes']).toBe(walk.endings['end:follow_up_no']);
    expect(walk.endings['end:thanks']! + walk.endings['end:follow_up_yes']! + walk.endings['end:follow_up_no']!).toBe(walk.paths);
    // "check a report", from the facility screen, in every status and with unknown references
    const ids = new Set(walk.screens.map((s) => `${s.id}|${s.error?.key ?? ''}`));
    for (const id of [
      'facility|',
      'check|',
      'check|system.error.reference_format',
      'check|system.error.reference_unknown',
      'case_status|',
      'case_status|system.error.choice',
      'follow_up|',
      'follow_up|system.error.choice',
    ])
      expect(ids, id).toContain(id);
    for (const ending of ['end:case_status', 'end:case_solved', 'end:case_reopened', 'end:case_not_found', 'end:follow_up_yes', 'end:follow_up_no'])
      expect(walk.screens.map((s) => s.id)).toContain(ending);
    // every question was seen on some path
    const seen = new Set(walk.screens.filter((s) => s.question).map((s) => s.question!.id));
    expect([...seen].sort()).toEqual(q.definition.questions.map((x) => x.id).sort());
    for (const screen of walk.screens) {
      const { pages, fits } = layout(screen, LIMIT);
      expect(fits, `${screen.id} [${lang}] ${screen.error?.key ?? ''}`).toBe(true);
      pages.forEach((_, p) => {
        const text = renderUssd(screen, p, LIMIT).text;
        expect(ussdLength(text), `${screen.id} page ${p + 1} [${lang}]`).toBeLessThanOrEqual(LIMIT);
      });
      // the languages this project ships are written in GSM-7 letters
      for (const b of [...screen.body, ...screen.options.map((o) => o.label)]) expect(isGsm7(b.text), `${b.key} [${lang}]`).toBe(true);
    }
  });
  it.each(LANGUAGES)('is fully translated in %s', (lang) => {
    expect(missingQuestionnaireKeys(q.definition, q.texts[lang])).toEqual([]);
  });
});

describe('system texts', () => {
  it.each(LANGUAGES)('%s has every system message English has', (lang) => {
    expect(missingSystemKeys(content, lang, 'en')).toEqual([]);
  });
  it('every non-English locale that no native speaker reviewed is marked draft', () => {
    for (const [lang, locale] of Object.entries(content.locales)) {
      if (lang !== 'en') expect(locale.meta.draft, lang).toBe(true);
    }
  });
});

describe('the walk itself', () => {
  it('tries every answer a condition looks at, so it finds every route of the fixture', () => {
    const walk = walkQuestionnaire(fixture(), 'en', { texts: systemTexts });
    // visited: yes (times shown) / no  x  service: a, b / other (+ detail answered or skipped)  x  referral answered / skipped
    //   x  rating: 3, 4, 5 (thanks) / 1, 2 (a concern: follow-up yes or no)
    expect(walk.paths).toBe(2 * 4 * 2 * (3 + 2 * 2));
    expect(walk.endings).toEqual({ 'end:thanks': 2 * 4 * 2 * 3, 'end:follow_up_yes': 2 * 4 * 2 * 2, 'end:follow_up_no': 2 * 4 * 2 * 2 });
    expect(walk.stuck).toEqual([]);
  });
  it('reports a screen that cannot fit', () => {
    const q = fixture();
    const long = structuredClone(q.texts);
    long.en!.questions.service!.text = 'A very long question. '.repeat(10);
    const walk = walkQuestionnaire({ ...q, texts: long }, 'en', { texts: systemTexts });
    const unfit = walk.screens.filter((s) => !layout(s, LIMIT).fits).map((s) => s.id);
    expect(unfit).toContain('q:service');
  });
  it('explores a questionnaire once for every language, and renders each screen in the language asked', () => {
    const q = shipped(questionnaires[0]!);
    const english = walkQuestionnaire(q, 'en', { texts: systemTexts });
    const swahili = walkQuestionnaire(q, 'sw', { texts: systemTexts });
    expect(swahili.screens.map((s) => `${s.id}|${s.error?.key ?? ''}`)).toEqual(english.screens.map((s) => `${s.id}|${s.error?.key ?? ''}`));
    expect(swahili.paths).toBe(english.paths);
    expect(new Set(swahili.screens.map((s) => s.lang))).toEqual(new Set(['sw']));
    const first = q.definition.questions[0]!.id;
    const wording = (w: typeof english) => w.screens.find((s) => s.id === `q:${first}` && s.error === null)!.body.map((b) => b.text);
    expect(wording(swahili)).toContain(q.texts.sw!.questions[first]!.text);
    expect(wording(english)).toContain(q.texts.en!.questions[first]!.text);
  });
  it('explores again when the options change what can be reached', () => {
    const q = fixture();
    const withCheck = walkQuestionnaire(q, 'en', { texts: systemTexts, offerCheck: true });
    const withoutCheck = walkQuestionnaire(q, 'en', { texts: systemTexts, offerCheck: false });
    expect(withCheck.screens.map((s) => s.id)).toContain('check');
    expect(withoutCheck.screens.map((s) => s.id)).not.toContain('check');
  });
});
