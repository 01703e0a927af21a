import { describe, expect, it } from 'vitest';
import { type CheckedCase, type CheckedStatus, CHECKED_STATUSES } from '../../src/engine/conversation.js';
import { concernRule } from '../../src/engine/concern.js';
import { QuestionnaireDefinition } from '../../src/engine/definition.js';
import { facility, fixture, run, shipped, type CaseRegistry } from '../support/engine.js';

/**
 * The citizen's side of the follow-up loop, in the one conversation machine: the offer of
 * follow-up SMS on the reference screen of a report that names a concern, and "check a
 * report" from the facility screen (the reference, its status, and "solved" or "not solved").
 */

const q = fixture();
const toQuestions = ['1', facility.code, '1']; // language, facility, consent
// visited: no, service: a, referral: skipped; then the rating (the fixture's concern: a rating of 2 or less)
const answersWithRating = (rating: string) => [...toQuestions, '2', '1', { type: 'SKIP' } as const, rating];

describe('follow-up consent', () => {
  it('a report that names a concern asks, on the reference screen, whether we may SMS; Yes is consent', () => {
    const results = run(q, [...answersWithRating('1'), '1'], { reference: 'K7M3-P9QX-AB' });
    const offer = results.at(-2)!;
    expect(offer.prompt.id).toBe('follow_up');
    expect(offer.prompt.kind).toBe('menu');
    expect(offer.prompt.body.map((b) => b.text)).toEqual(['Thank you! Your report on Riverside Clinic is saved. Ref K7M3-P9QX-AB.', 'May we SMS you about what is done?']);
    expect(offer.prompt.options.map((o) => o.label.text)).toEqual(['Yes', 'No']);
    // the report is complete before the question is asked: a drop here loses no answer
    expect(offer.effects.map((e) => e.type)).toEqual(['answerRecorded', 'responseCompleted']);
    expect(offer.done).toBe(false);
    const end = results.at(-1)!;
    expect(end.effects).toEqual([{ type: 'concernReported', consent: true }]);
    expect(end.prompt.id).toBe('end:follow_up_yes');
    expect(end.prompt.body[0]!.text).toContain('K7M3-P9QX-AB');
    expect(end.done).toBe(true);
  });

  it('No is no consent, and the report is still reported as a concern', () => {
    const end = run(q, [...answersWithRating('2'), '2'], { reference: 'K7M3-P9QX-AB' }).at(-1)!;
    expect(end.effects).toEqual([{ type: 'concernReported', consent: false }]);
    expect(end.prompt.id).toBe('end:follow_up_no');
  });

  it('is asked in the language of the report', () => {
    const offer = run(q, ['3', facility.code, '1', '2', '1', { type: 'SKIP' }, '1'], { reference: 'K7M3-P9QX-AB' }).at(-1)!;
    expect(offer.prompt.lang).toBe('zu');
    expect(offer.prompt.body[1]!.text).toBe('Singakuthumelela i-SMS ngokwenziwayo?');
    expect(offer.prompt.options.map((o) => o.label.text)).toEqual(['Yebo', 'Cha']);
  });

  it('a wrong answer asks again with an error line, and records nothing', () => {
    const wrong = run(q, [...answersWithRating('1'), '7']).at(-1)!;
    expect(wrong.prompt.id).toBe('follow_up');
    expect(wrong.prompt.error?.key).toBe('system.error.choice');
    expect(wrong.effects).toEqual([]);
  });

  it('a report without a concern ends with the thank-you as before, and asks nothing', () => {
    const end = run(q, answersWithRating('4'), { reference: 'K7M3-P9QX-AB' }).at(-1)!;
    expect(end.prompt.id).toBe('end:thanks');
    expect(end.effects.map((e) => e.type)).toEqual(['answerRecorded', 'responseCompleted']);
    expect(end.done).toBe(true);
  });

  it('voice: silence after the allowed repeats is no consent, ending with the thanks', () => {
    const input = { maxRetries: 1 };
    const results = run(q, [...answersWithRating('1'), { type: 'SILENCE' }, { type: 'SILENCE' }], { input });
    expect(results.at(-2)!.prompt.id).toBe('follow_up');
    const end = results.at(-1)!;
    expect(end.effects).toEqual([
      { type: 'gaveUp', screen: 'follow_up' },
      { type: 'concernReported', consent: false },
    ]);
    expect(end.prompt.id).toBe('end:follow_up_no');
  });
});

describe('the concern rule', () => {
  it('is the questionnaire\'s followUp rule: for the clinic, the main problem is not "no problem", or the satisfaction rating is 2 or less', () => {
    const clinic = shipped('clinic').concern;
    expect([...clinic.questions].sort()).toEqual(['problem', 'satisfaction']);
    expect(clinic.applies({ problem: 'none', satisfaction: 4 })).toBe(false);
    expect(clinic.applies({ problem: 'long_wait', satisfaction: 4 })).toBe(true);
    expect(clinic.applies({ problem: 'none', satisfaction: 2 })).toBe(true);
    expect(clinic.applies({ problem: 'none', satisfaction: 3 })).toBe(false);
  });
  it('a questionnaire with neither question never names a concern', () => {
    const rule = concernRule(QuestionnaireDefinition.parse({ id: 'plain', facilityTypes: ['clinic'], questions: [{ id: 'visited', type: 'yesno' }] }));
    expect(rule.questions).toEqual([]);
    expect(rule.applies({ visited: 'no' })).toBe(false);
  });
});

describe('check a report', () => {
  const found =
    (status: CheckedStatus): CaseRegistry =>
    (reference) =>
      reference === 'K7M3-P9QX-AB' ? { reference, status, facility: 'Riverside Clinic' } : null;
  const input = { offerCheck: true };

  it('the facility screen offers it under one reserved key, so a report is no longer for anyone', () => {
    const [, facilityScreen] = run(q, ['1'], { input });
    expect(facilityScreen!.prompt.id).toBe('facility');
    expect(facilityScreen!.prompt.body.map((b) => b.text)).toEqual(['Enter the facility code shown on the poster:', '9. Check a report']);
    // a facility code is typed on the same screen as before
    const consent = run(q, ['1', facility.code], { input }).at(-1)!;
    expect(consent.prompt.id).toBe('consent');
  });

  it('is not offered where the channel cannot key a reference: 9 is then a badly formed code', () => {
    const [, facilityScreen, after] = run(q, ['1', '9']);
    expect(facilityScreen!.prompt.body.map((b) => b.key)).toEqual(['system.facility.prompt']);
    expect(after!.prompt.id).toBe('facility');
    expect(after!.prompt.error?.key).toBe('system.error.facility_format');
  });

  it('accepts the reference in lower case and without dashes, and asks the app to look it up', () => {
    const results = run(q, ['1', '9', 'k7m3p9qxab'], { input, cases: found('acknowledged') });
    expect(results[2]!.prompt.id).toBe('check');
    expect(results[2]!.prompt.kind).toBe('input');
    expect(results[3]!.effects).toEqual([{ type: 'lookupCase', reference: 'K7M3-P9QX-AB' }]);
  });

  it.each(CHECKED_STATUSES.filter((s) => s !== 'action_taken'))('tells the status %s in plain words and ends', (status) => {
    const end = run(q, ['1', '9', 'K7M3-P9QX-AB'], { input, cases: found(status) }).at(-1)!;
    expect(end.prompt.id).toBe('end:case_status');
    expect(end.prompt.body[0]!.text).toMatch(/^Report K7M3-P9QX-AB at Riverside Clinic: .+ Thank you for checking\.$/);
    expect(end.done).toBe(true);
  });

  it('gives each status its own words', () => {
    const words = CHECKED_STATUSES.filter((s) => s !== 'action_taken').map((status) => run(q, ['1', '9', 'K7M3-P9QX-AB'], { input, cases: found(status) }).at(-1)!.prompt.body[0]!.text);
    expect(new Set(words).size).toBe(words.length);
  });

  it('once action is taken, the citizen confirms it solved', () => {
    const results = run(q, ['1', '9', 'K7M3-P9QX-AB', '1'], { input, cases: found('action_taken') });
    const status = results.at(-2)!;
    expect(status.prompt.id).toBe('case_status');
    expect(status.prompt.body[0]!.text).toBe('Riverside Clinic says it acted on report K7M3-P9QX-AB. Is it solved?');
    expect(status.prompt.options.map((o) => o.label.text)).toEqual(['Solved', 'Not solved']);
    const end = results.at(-1)!;
    expect(end.effects).toEqual([{ type: 'caseAnswered', reference: 'K7M3-P9QX-AB', answer: 'resolve' }]);
    expect(end.prompt.id).toBe('end:case_solved');
  });

  it('or says it is not solved, which reopens it', () => {
    const end = run(q, ['1', '9', 'K7M3-P9QX-AB', '2'], { input, cases: found('action_taken') }).at(-1)!;
    expect(end.effects).toEqual([{ type: 'caseAnswered', reference: 'K7M3-P9QX-AB', answer: 'reopen' }]);
    expect(end.prompt.id).toBe('end:case_reopened');
    expect(end.prompt.body[0]!.text).toContain('K7M3-P9QX-AB');
  });

  it('gives unknown and malformed references three tries, as facility codes have, then ends politely', () => {
    const results = run(q, ['1', '9', 'ZZZZ-ZZZZ-ZZ', 'hello', 'YYYY-YYYY-YY'], { input, cases: found('open') });
    const [first, second, third] = results.slice(3);
    expect(first!.effects).toEqual([
      { type: 'lookupCase', reference: 'ZZZZ-ZZZZ-ZZ' },
      { type: 'caseNotFound', attempt: 1 },
    ]);
    expect(first!.prompt.error?.text).toBe('Report ZZZZ-ZZZZ-ZZ was not found. 2 tries left.');
    expect(second!.prompt.error?.key).toBe('system.error.reference_format');
    expect(second!.effects).toEqual([]);
    expect(third!.prompt.id).toBe('end:case_not_found');
    expect(third!.prompt.body[0]!.text).toContain('0800 000 000');
    expect(third!.done).toBe(true);
  });

  it('says "1 try left" in the singular', () => {
    const second = run(q, ['1', '9', 'ZZZZ-ZZZZ-ZZ', 'ZZZZ-ZZZZ-ZZ'], { input }).at(-1)!;
    expect(second.prompt.error?.text).toBe('Report ZZZZ-ZZZZ-ZZ was not found. 1 try left.');
  });

  it('back on the reference screen returns to the facility code, and a report can still be made', () => {
    const results = run(q, ['1', '9', { type: 'BACK' }, facility.code, '1'], { input });
    expect(results[3]!.prompt.id).toBe('facility');
    expect(results.at(-1)!.effects.map((e) => e.type)).toEqual(['responseStarted']);
  });

  it('a found case is shown from what the lookup said, not from any report in the session', () => {
    const c: CheckedCase = { reference: 'K7M3-P9QX-AB', status: 'escalated', facility: 'Hilltop Police Station' };
    const end = run(q, ['2', '9', 'K7M3-P9QX-AB'], { input, cases: () => c }).at(-1)!;
    expect(end.prompt.lang).toBe('sw');
    expect(end.prompt.body[0]!.text).toBe('Ripoti K7M3-P9QX-AB ya Hilltop Police Station: imepelekwa kwa wasimamizi wa wilaya. Asante kwa kuangalia.');
  });
});
