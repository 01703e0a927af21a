import { describe, expect, it } from 'vitest';
import { QuestionnaireDefinition } from '../../src/engine/definition.js';
import { FRONT_DOOR, type ResumeOffer } from '../../src/engine/conversation.js';
import { resumePointOf } from '../../src/engine/prompt.js';
import { stepConversation } from '../../src/engine/stepping.js';
import { Conversation, facility, fixture, registryFor, run, shipped } from '../support/engine.js';

const q = fixture();
const toQuestions = ['1', facility.code, '1']; // language, facility, consent

function at(inputs: string[]): Conversation {
  const c = new Conversation(q);
  c.start();
  for (const i of [...toQuestions, ...inputs]) c.send(i);
  return c;
}

describe('conversation steps', () => {
  it('starts with the language menu, then asks for the facility code', () => {
    const [first, second] = run(q, ['2']);
    expect(first!.prompt.id).toBe('language');
    expect(first!.prompt.options.map((o) => o.value)).toEqual(['en', 'sw', 'zu']);
    expect(second!.prompt.id).toBe('facility');
    expect(second!.prompt.lang).toBe('sw');
    expect(second!.effects).toEqual([{ type: 'languageChosen', lang: 'sw' }]);
  });

  it('skips the language menu for a remembered language', () => {
    const [first] = run(q, [], { input: { rememberedLanguage: 'zu' } });
    expect(first!.prompt.id).toBe('facility');
    expect(first!.prompt.lang).toBe('zu');
  });

  it('uses a pre-filled facility code from the extended dial string', () => {
    const [first, second] = run(q, ['1'], { input: { prefilledFacilityCode: facility.code } });
    expect(first!.prompt.id).toBe('language');
    expect(second!.prompt.id).toBe('consent');
    expect(second!.prompt.body[0]!.text).toContain(facility.name);
    expect(second!.effects).toEqual([
      { type: 'languageChosen', lang: 'en' },
      { type: 'lookupFacility', code: facility.code, for: 'visit' },
    ]);
  });

  it('asks the app to look a typed code up, and moves on only with its answer', () => {
    const c = new Conversation(q);
    c.start();
    c.send('1');
    const step = stepConversation(FRONT_DOOR, c.state!, { type: 'ANSWER', text: facility.code });
    expect(step.effects).toEqual([{ type: 'lookupFacility', code: facility.code, for: 'visit' }]);
    expect(step.state.value).toEqual({ facility: 'checking' });
  });

  it('gives an unknown facility code three tries, then ends politely', () => {
    const results = run(q, ['1', '4040', '4040', '4040'], { registry: () => null });
    expect(results[2]!.prompt.error?.key).toBe('system.error.facility_unknown');
    expect(results[2]!.prompt.error?.text).toContain('4040');
    expect(results[2]!.effects).toEqual([
      { type: 'lookupFacility', code: '4040', for: 'visit' },
      { type: 'facilityNotFound', code: '4040', attempt: 1 },
    ]);
    expect(results[3]!.prompt.kind).toBe('input');
    expect(results[4]!.prompt.kind).toBe('end');
    expect(results[4]!.prompt.id).toBe('end:facility_not_found');
    expect(results[4]!.prompt.body[0]!.text).toContain('0800 000 000');
    expect(results[4]!.done).toBe(true);
  });

  it('counts a badly formed code as a try too, without asking for a lookup', () => {
    const results = run(q, ['1', '12', 'x', '1']);
    expect(results[2]!.prompt.error?.key).toBe('system.error.facility_format');
    expect(results[2]!.effects).toEqual([]);
    expect(results[4]!.prompt.id).toBe('end:facility_not_found');
  });

  it('a facility whose type has no questionnaire ends with a message naming it', () => {
    const last = run(q, ['1', facility.code], { registry: (code) => ({ facility: { ...facility, code }, questionnaire: null }) }).at(-1)!;
    expect(last.prompt.id).toBe('end:no_questionnaire');
    expect(last.prompt.body[0]!.text).toContain(facility.name);
  });

  it('declining consent ends without starting a response', () => {
    const last = run(q, ['1', facility.code, '2']).at(-1)!;
    expect(last.prompt.id).toBe('end:declined');
    expect(last.effects.map((e) => e.type)).toEqual(['declined']);
  });

  it('going back from consent asks for the code again, with fresh tries', () => {
    const c = new Conversation(q, registryFor(q));
    c.start();
    c.send('1');
    c.send('4040');
    c.send(facility.code);
    const back = c.send({ type: 'BACK' });
    expect(back.prompt.id).toBe('facility');
    expect(back.state.context.facilityAttempts).toBe(0);
    expect(back.state.context.questionnaire).toBeNull();
  });

  it('accepting consent starts the response pinned to the questionnaire version', () => {
    const last = run(q, toQuestions).at(-1)!;
    expect(last.prompt.id).toBe('q:visited');
    expect(last.effects[0]).toMatchObject({ type: 'responseStarted', questionnaire: { id: 'every_type', version: 1 }, lang: 'en' });
    expect(last.state.context.questionnaire).toEqual({ id: 'every_type', version: 1 });
  });

  it('a wrong answer re-shows the question with a one-line error and records nothing', () => {
    const c = at([]);
    const before = structuredClone(c.state!);
    const r = c.send('7');
    expect(r.prompt.id).toBe('q:visited');
    expect(r.prompt.error?.text).toBe('Reply with a number from 1 to 2.');
    expect(r.effects).toEqual([]);
    expect(r.state.context.answers).toEqual(before.context.answers);
    expect(r.state.value).toEqual(before.value);
    // the error shows once: the next screen has none
    expect(c.send('1').prompt.error).toBeNull();
  });

  it('shows a conditional question only when the earlier answer matches', () => {
    expect(at(['1']).send({ type: 'REPEAT' }).prompt.id).toBe('q:times');
    expect(at(['2']).send({ type: 'REPEAT' }).prompt.id).toBe('q:service');
    expect(at(['2', '3']).send({ type: 'REPEAT' }).prompt.id).toBe('q:other_detail');
    expect(at(['2', '1']).send({ type: 'REPEAT' }).prompt.id).toBe('q:referred_to');
  });

  it('records each answer as a code', () => {
    const r = at(['1']).send('4');
    expect(r.effects).toContainEqual({ type: 'answerRecorded', questionId: 'times', value: 4 });
  });

  it('goes back along the path actually taken and withdraws the answer being revisited', () => {
    const back = at(['2']).send({ type: 'BACK' }); // visited=no, so "times" was never shown
    expect(back.prompt.id).toBe('q:visited');
    expect(back.effects).toContainEqual({ type: 'answerWithdrawn', questionId: 'visited' });
    expect(back.state.context.answers).toEqual({});
    expect(back.prompt.nav.back).toBe(false);
  });

  it('lets an optional question be skipped, but not a required one', () => {
    const skipped = at(['2', '3']).send({ type: 'SKIP' });
    expect(skipped.prompt.id).toBe('q:referred_to');
    expect(skipped.effects).toEqual([{ type: 'questionSkipped', questionId: 'other_detail' }]);
    const atRating = at(['2', '1']);
    atRating.send({ type: 'SKIP' });
    const refused = atRating.send({ type: 'SKIP' });
    expect(refused.prompt.id).toBe('q:rating');
    expect(refused.effects).toEqual([]);
  });

  it('checks a facility-code question against the registry', () => {
    expect(at(['2', '1']).send('7777').prompt.error?.key).toBe('system.error.facility_unknown');
    const found = at(['2', '1']).send(facility.code);
    expect(found.prompt.id).toBe('q:rating');
    expect(found.effects).toEqual([
      { type: 'lookupFacility', code: facility.code, for: 'answer' },
      { type: 'answerRecorded', questionId: 'referred_to', value: facility.code },
    ]);
  });

  it('completes with a thank-you that quotes the reference', () => {
    const results = run(q, [...toQuestions, '2', '1', { type: 'SKIP' }, '5'], { reference: 'AB12-CD34' });
    const last = results.at(-1)!;
    expect(last.prompt.kind).toBe('end');
    expect(last.prompt.body[0]!.text).toContain('AB12-CD34');
    expect(last.effects.map((e) => e.type)).toEqual(['answerRecorded', 'responseCompleted']);
    expect(last.state.context.answers).toEqual({ visited: 'no', service: 'a', rating: 5 });
    expect(last.done).toBe(true);
  });

  it('offers to resume from the first unanswered question', () => {
    const midway = at(['1', '3']).state!;
    const offer: ResumeOffer = { responseId: 'R1', lang: 'sw', facility, questionnaire: { id: q.id, version: 1 }, resumeAt: resumePointOf(midway)! };
    const [first, second] = run(q, ['1'], { input: { resumeOffer: offer } });
    expect(first!.prompt.id).toBe('resume');
    expect(first!.prompt.lang).toBe('sw');
    expect(second!.prompt.id).toBe('q:service');
    expect(second!.effects).toEqual([{ type: 'responseResumed', responseId: 'R1' }]);
    expect(second!.state.context.answers).toEqual({ visited: 'yes', times: 3 });
  });

  it('starting again after a resume offer abandons the old response and asks for the facility', () => {
    const offer: ResumeOffer = { responseId: 'R1', lang: 'en', facility, questionnaire: { id: q.id, version: 1 }, resumeAt: resumePointOf(at(['1']).state!)! };
    const [, second] = run(q, ['2'], { input: { resumeOffer: offer } });
    expect(second!.prompt.id).toBe('facility');
    expect(second!.effects).toEqual([{ type: 'resumeDeclined', responseId: 'R1' }]);
  });

  it('where 0 goes back, as the README says: question → previous on the path, consent → facility, facility → language only with several languages; none on the language menu, the resume offer or the first question', () => {
    const [language, fac] = run(q, ['1']);
    expect(language!.prompt.nav.back).toBe(false);
    expect(fac!.prompt.nav.back).toBe(true);
    expect(run(q, ['1', { type: 'BACK' }]).at(-1)!.prompt.id).toBe('language');
    const [onlyOne] = run(q, [], { input: { languages: ['en'] } });
    expect(onlyOne!.prompt.id).toBe('facility');
    expect(onlyOne!.prompt.nav.back).toBe(false);
    const consent = run(q, ['1', facility.code]).at(-1)!.prompt;
    expect(consent.id).toBe('consent');
    expect(consent.nav.back).toBe(true);
    const first = at([]).send({ type: 'REPEAT' }).prompt;
    expect(first.id).toBe('q:visited');
    expect(first.nav.back).toBe(false);
    // a resumed report goes back into the answers of the earlier call
    const offer: ResumeOffer = { responseId: 'R1', lang: 'en', facility, questionnaire: { id: q.id, version: 1 }, resumeAt: resumePointOf(at(['1', '3']).state!)! };
    const [resume, resumed, back] = run(q, ['1', { type: 'BACK' }], { input: { resumeOffer: offer } });
    expect(resume!.prompt.nav.back).toBe(false);
    expect(resumed!.prompt.id).toBe('q:service');
    expect(back!.prompt.id).toBe('q:times');
    expect(back!.effects).toContainEqual({ type: 'answerWithdrawn', questionId: 'times' });
  });

  it('ends politely with the answers kept when the hop fails outside the engine', () => {
    const failed = at(['1']).send({ type: 'FAILED' });
    expect(failed.prompt.id).toBe('end:error');
    expect(failed.state.context.answers).toEqual({ visited: 'yes' });
    expect(failed.done).toBe(true);
  });

  it('is deterministic: the same state and input give the same result', () => {
    const s = at(['1']).state!;
    const machine = q.machine;
    expect(stepConversation(machine, s, { type: 'ANSWER', text: '3' })).toEqual(stepConversation(machine, s, { type: 'ANSWER', text: '3' }));
  });
});

describe("voice: silence, wrong keys and giving up are the machine's", () => {
  const voice = (inputs: string[]) => {
    const c = new Conversation(q);
    c.start({ maxRetries: 2 });
    for (const i of [...toQuestions, ...inputs]) c.send(i);
    return c;
  };

  it('says what went wrong and asks again, up to the limit, then ends a required question politely', () => {
    const c = voice([]);
    expect(c.send({ type: 'SILENCE' }).prompt.error?.key).toBe('system.voice.silence');
    expect(c.send('9').prompt.error?.key).toBe('system.error.choice');
    const gaveUp = c.send({ type: 'SILENCE' });
    expect(gaveUp.prompt.id).toBe('end:no_answer');
    expect(gaveUp.effects).toEqual([{ type: 'gaveUp', screen: 'q:visited' }]);
  });

  it('skips an optional question after the limit instead', () => {
    const c = voice(['2', '3']);
    c.send({ type: 'SILENCE' });
    c.send({ type: 'SILENCE' });
    const skipped = c.send({ type: 'SILENCE' });
    expect(skipped.prompt.id).toBe('q:referred_to');
    expect(skipped.effects).toEqual([{ type: 'questionSkipped', questionId: 'other_detail' }]);
  });

  it('hearing the question again neither counts nor shows an error; a new screen starts a new count', () => {
    const c = voice([]);
    c.send({ type: 'SILENCE' });
    c.send({ type: 'SILENCE' });
    expect(c.send({ type: 'REPEAT' }).prompt.error).toBeNull();
    c.send('1');
    c.send({ type: 'SILENCE' });
    expect(c.send({ type: 'SILENCE' }).prompt.id).toBe('q:times');
  });

  it('at a recording prompt silence means no recording; a recording is stored as its https URL', () => {
    const c = voice(['2', '3']);
    expect(c.send({ type: 'SILENCE' }).prompt.error?.key).toBe('system.voice.recording_failed');
    expect(c.send({ type: 'RECORDING', url: 'http://insecure.example.org/a.mp3' }).prompt.error?.key).toBe('system.error.text_empty');
    const voice2 = voice(['2', '3']);
    const stored = voice2.send({ type: 'RECORDING', url: 'https://media.example.org/r/1.mp3' });
    expect(stored.effects).toContainEqual({ type: 'answerRecorded', questionId: 'other_detail', value: 'https://media.example.org/r/1.mp3' });
  });

  it('USSD never gives up: a wrong answer is asked again as often as needed', () => {
    const c = at([]);
    for (let i = 0; i < 10; i++) expect(c.send('9').prompt.id).toBe('q:visited');
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
    expect(
      errorsOf([
        { id: 'a', type: 'rating', showIf: { question: 'b', anyOf: [1] } },
        { id: 'b', type: 'rating' },
      ])[0],
    ).toMatch(/not an earlier question/);
    expect(
      errorsOf([
        { id: 'a', type: 'yesno' },
        { id: 'b', type: 'rating', showIf: { question: 'a', anyOf: ['maybe'] } },
      ])[0],
    ).toMatch(/cannot give/);
  });
  it('rejects duplicate ids and option codes, and numbers that could collide with the back key', () => {
    expect(
      errorsOf([
        { id: 'a', type: 'rating' },
        { id: 'a', type: 'rating' },
      ])[0],
    ).toMatch(/used twice/);
    expect(errorsOf([{ id: 'a', type: 'choice', options: [{ code: 'x' }, { code: 'x' }] }])[0]).toMatch(/used twice/);
    expect(errorsOf([{ id: 'a', type: 'number', min: 0, max: 5 }])[0]).toMatch(/back key/);
    expect(errorsOf([{ id: 'a', type: 'number', min: 5, max: 2 }])[0]).toMatch(/max is below min/);
  });
  it('rejects a type nobody registered', () => {
    expect(errorsOf([{ id: 'a', type: 'slider' }]).length).toBeGreaterThan(0);
  });
  it('accepts every shipped questionnaire', () => {
    for (const id of ['clinic', 'police', 'social_grant']) expect(shipped(id).definition.questions.length).toBeLessThanOrEqual(8);
  });
});
