import { describe, expect, it } from 'vitest';
import { QuestionnaireDefinition } from '../../src/engine/definition.js';
import { parseAnswer, step, type SessionState } from '../../src/engine/session.js';
import { facility, factsFor, fixture, hop, run, shipped } from '../support/engine.js';

const q = fixture();
const facts = factsFor(q);
const toQuestions = ['1', facility.code, '1']; // language, facility, consent

function stateAt(inputs: string[]): SessionState {
  return run([...toQuestions, ...inputs], facts).at(-1)!.state;
}

describe('answer parsing, one row per question type', () => {
  const byId = (id: string) => q.definition.questions.find((x) => x.id === id)!;
  const cases: Array<[string, string, string | number | null, string?]> = [
    // [question, typed, expected value or null for an error, expected error key]
    ['visited', '1', 'yes'],
    ['visited', '2', 'no'],
    ['visited', '3', null, 'error.choice'],
    ['visited', 'yes', null, 'error.choice'],
    ['times', '1', 1],
    ['times', '20', 20],
    ['times', '21', null, 'error.number'],
    ['times', '0', null, 'error.number'],
    ['times', '-3', null, 'error.number'],
    ['times', '1e3', null, 'error.number'],
    ['service', '3', 'other'],
    ['service', ' 2 ', 'b'],
    ['service', '4', null, 'error.choice'],
    ['service', '{"$gt":""}', null, 'error.choice'],
    ['other_detail', 'the x-ray * room', 'the x-ray * room'],
    ['other_detail', '  spaced\n\tout  ', 'spaced out'],
    ['other_detail', '', null, 'error.text_empty'],
    ['other_detail', '\u0000\u0007', null, 'error.text_empty'],
    ['other_detail', 'x'.repeat(41), null, 'error.text_long'],
    ['referred_to', '1001', '1001'],
    ['referred_to', '12', null, 'error.facility_format'],
    ['referred_to', '*#', null, 'error.facility_format'],
    ['rating', '5', 5],
    ['rating', '6', null, 'error.choice'],
    ['rating', '😀', null, 'error.choice'],
  ];
  it.each(cases)('%s <- %j', (id, typed, value, errorKey) => {
    const parsed = parseAnswer(byId(id), typed);
    if (value === null) {
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error.key).toBe(errorKey);
    } else {
      expect(parsed).toEqual({ ok: true, value });
    }
  });
});

describe('conversation steps', () => {
  it('starts with the language menu, then asks for the facility code', () => {
    const [first, second] = run(['2'], facts);
    expect(first!.prompt.id).toBe('language');
    expect(first!.prompt.options.map((o) => o.value)).toEqual(['en', 'sw', 'zu']);
    expect(second!.prompt.id).toBe('facility');
    expect(second!.prompt.lang).toBe('sw');
    expect(second!.effects).toEqual([{ type: 'languageChosen', lang: 'sw' }]);
  });

  it('skips the language menu for a remembered language', () => {
    const [first] = run([], facts, { type: 'start', rememberedLanguage: 'zu' });
    expect(first!.prompt.id).toBe('facility');
    expect(first!.prompt.lang).toBe('zu');
  });

  it('uses a pre-filled facility code from the extended dial string', () => {
    const [first, second] = run(['1'], facts, { type: 'start', prefilledFacilityCode: facility.code });
    expect(first!.prompt.id).toBe('language');
    expect(second!.prompt.id).toBe('consent');
    expect(second!.prompt.body[0]!.text).toContain(facility.name);
  });

  it('gives an unknown facility code three tries, then ends politely', () => {
    const noSuch = factsFor(q, { facilityLookup: { code: '4040', facility: null, questionnaire: null } });
    const results = run(['1', '4040', '4040', '4040'], noSuch);
    expect(results[2]!.prompt.error?.key).toBe('system.error.facility_unknown');
    expect(results[2]!.prompt.error?.text).toContain('4040');
    expect(results[3]!.prompt.kind).toBe('input');
    expect(results[4]!.prompt.kind).toBe('end');
    expect(results[4]!.prompt.id).toBe('end:facility_not_found');
    expect(results[4]!.prompt.body[0]!.text).toContain('0800 000 000');
  });

  it('declining consent ends without starting a response', () => {
    const last = run(['1', facility.code, '2'], facts).at(-1)!;
    expect(last.prompt.id).toBe('end:declined');
    expect(last.effects.map((e) => e.type)).toEqual(['declined']);
  });

  it('accepting consent starts the response pinned to the questionnaire version', () => {
    const last = run(toQuestions, facts).at(-1)!;
    expect(last.prompt.id).toBe('q:visited');
    expect(last.effects[0]).toMatchObject({ type: 'responseStarted', questionnaire: { id: 'every_type', version: 1 }, lang: 'en' });
    expect(last.state.questionnaire).toEqual({ id: 'every_type', version: 1 });
  });

  it('a wrong answer re-shows the question with a one-line error and records nothing', () => {
    const before = stateAt([]);
    const r = hop(before, { type: 'answer', text: '7' }, facts);
    expect(r.prompt.id).toBe('q:visited');
    expect(r.prompt.error?.text).toBe('Reply with a number from 1 to 2.');
    expect(r.effects).toEqual([]);
    expect(r.state.machine).toEqual(before.machine);
  });

  it('shows a conditional question only when the earlier answer matches', () => {
    expect(run([...toQuestions, '1'], facts).at(-1)!.prompt.id).toBe('q:times');
    expect(run([...toQuestions, '2'], facts).at(-1)!.prompt.id).toBe('q:service');
    expect(run([...toQuestions, '2', '3'], facts).at(-1)!.prompt.id).toBe('q:other_detail');
    expect(run([...toQuestions, '2', '1'], facts).at(-1)!.prompt.id).toBe('q:referred_to');
  });

  it('records each answer as a code with the injected time', () => {
    const r = hop(stateAt(['1']), { type: 'answer', text: '4' }, facts);
    expect(r.effects).toContainEqual({ type: 'answerRecorded', questionId: 'times', value: 4, at: facts.now });
  });

  it('goes back along the path actually taken and withdraws the answer being revisited', () => {
    const atService = stateAt(['2']); // visited=no, so "times" was never shown
    const back = hop(atService, { type: 'back' }, facts);
    expect(back.prompt.id).toBe('q:visited');
    expect(back.effects).toContainEqual({ type: 'answerWithdrawn', questionId: 'visited', at: facts.now });
    expect(back.state.machine!.context.answers).toEqual({});
    expect(back.prompt.nav.back).toBe(false);
  });

  it('lets an optional question be skipped, but not a required one', () => {
    const atDetail = stateAt(['2', '3']);
    const skipped = hop(atDetail, { type: 'skip' }, facts);
    expect(skipped.prompt.id).toBe('q:referred_to');
    const atRating = stateAt(['2', '1', { type: 'skip' } as never]);
    expect(hop(atRating, { type: 'skip' }, facts).prompt.id).toBe('q:rating');
  });

  it('checks a facility-code question against the registry', () => {
    const atReferral = stateAt(['2', '1']);
    expect(hop(atReferral, { type: 'answer', text: '7777' }, facts).prompt.error?.key).toBe('system.error.facility_unknown');
    expect(hop(atReferral, { type: 'answer', text: facility.code }, facts).prompt.id).toBe('q:rating');
  });

  it('completes with a thank-you that quotes the reference', () => {
    const withRef = factsFor(q, { responseRef: 'AB12-CD34' });
    const results = run([...toQuestions, '2', '1', { type: 'skip' }, '5'], withRef);
    const last = results.at(-1)!;
    expect(last.prompt.kind).toBe('end');
    expect(last.prompt.body[0]!.text).toContain('AB12-CD34');
    expect(last.effects.map((e) => e.type)).toEqual(['answerRecorded', 'progress', 'responseCompleted']);
    expect(last.state.machine!.context.answers).toEqual({ visited: 'no', service: 'a', rating: 5 });
  });

  it('offers to resume from the first unanswered question', () => {
    const midway = stateAt(['1', '3']);
    const offer = { responseId: 'R1', lang: 'sw', facility, questionnaire: { id: q.id, version: 1 }, machine: midway.machine! };
    const [first, second] = run(['1'], facts, { type: 'start', resumable: offer });
    expect(first!.prompt.id).toBe('resume');
    expect(first!.prompt.lang).toBe('sw');
    expect(second!.prompt.id).toBe('q:service');
    expect(second!.effects).toEqual([{ type: 'responseResumed', responseId: 'R1', at: facts.now }]);
  });

  it('starting again after a resume offer abandons the old response and asks for the facility', () => {
    const offer = { responseId: 'R1', lang: 'en', facility, questionnaire: { id: q.id, version: 1 }, machine: stateAt(['1']).machine! };
    const [, second] = run(['2'], facts, { type: 'start', resumable: offer });
    expect(second!.prompt.id).toBe('facility');
    expect(second!.effects).toEqual([{ type: 'resumeDeclined', responseId: 'R1', at: facts.now }]);
  });

  it('is deterministic: the same state and input give the same result', () => {
    const s = stateAt(['1']);
    expect(step(s, { type: 'answer', text: '3' }, facts)).toEqual(step(s, { type: 'answer', text: '3' }, facts));
  });
});

describe('definition schema', () => {
  const base = { id: 'x', facilityTypes: ['clinic'] };
  const errorsOf = (questions: unknown[]) => {
    const r = QuestionnaireDefinition.safeParse({ ...base, questions });
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };
  it('rejects more than 8 questions', () => {
    expect(errorsOf(Array.from({ length: 9 }, (_, i) => ({ id: `q${i}`, type: 'rating' })))).toContain('a report card has at most 8 questions');
  });
  it('rejects a condition on a later or unknown question, and on an impossible answer', () => {
    expect(errorsOf([{ id: 'a', type: 'rating', showIf: { question: 'b', anyOf: [1] } }, { id: 'b', type: 'rating' }])[0]).toMatch(/not an earlier question/);
    expect(errorsOf([{ id: 'a', type: 'yesno' }, { id: 'b', type: 'rating', showIf: { question: 'a', anyOf: ['maybe'] } }])[0]).toMatch(/cannot give/);
  });
  it('rejects duplicate ids and option codes, and numbers that could collide with the back key', () => {
    expect(errorsOf([{ id: 'a', type: 'rating' }, { id: 'a', type: 'rating' }])[0]).toMatch(/used twice/);
    expect(errorsOf([{ id: 'a', type: 'choice', options: [{ code: 'x' }, { code: 'x' }] }])[0]).toMatch(/used twice/);
    expect(errorsOf([{ id: 'a', type: 'number', min: 0, max: 5 }])[0]).toMatch(/back key/);
  });
  it('accepts every shipped questionnaire', () => {
    for (const id of ['clinic', 'police', 'social_grant']) expect(shipped(id).definition.questions.length).toBeLessThanOrEqual(8);
  });
});
