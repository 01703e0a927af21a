import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FRONT_DOOR, versionForStep, type ConversationEvent, type ConversationInput, type LoadedQuestionnaire } from '../../src/engine/conversation.js';
import { resumePointOf, screenOf } from '../../src/engine/prompt.js';
import { reference, startConversation, stepConversation, type ConversationState, type Step } from '../../src/engine/stepping.js';
import { facility, fixture, shipped } from '../support/engine.js';

/**
 * The stepping module steps machines on a cached inert actor scope instead of XState's
 * `transition()`, which builds a new actor on every call. This checks that, for random
 * conversations over every shipped questionnaire and the every-type fixture, both give
 * the same states and the same effects at every step: an XState upgrade that changes what
 * the cache relies on fails here.
 */

const questionnaires: LoadedQuestionnaire[] = [fixture(), shipped('clinic'), shipped('police'), shipped('social_grant')];

function eventsFor(state: ConversationState, q: LoadedQuestionnaire): ConversationEvent[] {
  if (JSON.stringify(state.value).includes('"checking"')) {
    const code = state.context.pendingCode ?? '';
    return [
      { type: 'FACILITY_FOUND', facility: { ...facility, code, type: q.definition.facilityTypes[0]! }, questionnaire: { id: q.id, version: q.version } },
      { type: 'FACILITY_UNKNOWN', code },
      { type: 'FACILITY_FOUND', facility: { ...facility, code }, questionnaire: null },
    ];
  }
  const keys = ['1', '2', '3', '4', '5', '9', '0', '00', '98', 'abc', '1001', '12', 'x'.repeat(200), ''];
  return [
    ...keys.map((text): ConversationEvent => ({ type: 'ANSWER', text })),
    { type: 'BACK' },
    { type: 'SKIP' },
    { type: 'REPEAT' },
    { type: 'SILENCE' },
    { type: 'NOT_A_RECORDING' },
    { type: 'RECORDING', url: 'https://media.example.org/r.mp3' },
    { type: 'FAILED' },
  ];
}

const same = (a: Step, b: Step) => {
  expect(JSON.parse(JSON.stringify(a))).toEqual(JSON.parse(JSON.stringify(b)));
};

describe("the cached stepping path gives what XState's transition() gives", () => {
  for (const q of questionnaires) {
    it(`${q.id}: random conversations, compared step by step`, () => {
      const machineFor = (state: ConversationState, event: ConversationEvent | null) => (versionForStep(state.context, event) ? q.machine : FRONT_DOOR);
      fc.assert(
        fc.property(
          fc.record({ maxRetries: fc.constantFrom(null, 1, 2), remembered: fc.constantFrom(null, 'sw'), prefilled: fc.constantFrom(null, '1001', '4040') }),
          fc.array(fc.nat(40), { minLength: 1, maxLength: 40 }),
          (options, picks) => {
            const input: ConversationInput = {
              languages: ['en', 'sw', 'zu'],
              rememberedLanguage: options.remembered,
              prefilledFacilityCode: options.prefilled,
              maxFacilityAttempts: 3,
              maxRetries: options.maxRetries,
            };
            let fast = startConversation(FRONT_DOOR, input);
            same(fast, reference.start(FRONT_DOOR, input));
            for (const pick of picks) {
              if (fast.done) break;
              const events = eventsFor(fast.state, q);
              const event = events[pick % events.length]!;
              const machine = machineFor(fast.state, event);
              const slow = reference.step(machine, fast.state, event);
              fast = stepConversation(machine, fast.state, event);
              same(fast, slow);
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('starts a resume offer the same way, and a step that throws leaves nothing behind for the next', () => {
    const q = shipped('clinic');
    let s = startConversation(FRONT_DOOR, { languages: ['en'], maxFacilityAttempts: 3, maxRetries: null });
    s = stepConversation(FRONT_DOOR, s.state, { type: 'ANSWER', text: '1001' });
    s = stepConversation(q.machine, s.state, { type: 'FACILITY_FOUND', facility, questionnaire: { id: q.id, version: q.version } });
    s = stepConversation(q.machine, s.state, { type: 'ANSWER', text: '1' });
    expect(screenOf(s.state).kind).toBe('question');
    const input: ConversationInput = {
      languages: ['en'],
      maxFacilityAttempts: 3,
      maxRetries: null,
      resumeOffer: { responseId: 'R1', lang: 'en', facility, questionnaire: { id: q.id, version: q.version }, resumeAt: resumePointOf(s.state)! },
    };
    same(startConversation(q.machine, input), reference.start(q.machine, input));
    // a state that is not this machine's throws; the next step still collects only its own effects
    expect(() => stepConversation(q.machine, { ...s.state, value: { questions: 'q_nope' } }, { type: 'ANSWER', text: '1' })).toThrow();
    const next = stepConversation(q.machine, s.state, { type: 'ANSWER', text: '1' });
    expect(next.effects).toEqual(reference.step(q.machine, s.state, { type: 'ANSWER', text: '1' }).effects);
  });
});
