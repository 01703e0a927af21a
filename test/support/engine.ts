import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QuestionnaireDefinition } from '../../src/engine/definition.js';
import type { QuestionnaireTexts } from '../../src/engine/texts.js';
import {
  FRONT_DOOR,
  prepareQuestionnaire,
  versionForStep,
  type ConversationEvent,
  type CheckedCase,
  type ConversationInput,
  type Effect,
  type FacilityRef,
  type LoadedQuestionnaire,
} from '../../src/engine/conversation.js';
import { promptFor, type Prompt } from '../../src/engine/prompt.js';
import { startConversation, stepConversation, type ConversationState } from '../../src/engine/stepping.js';
import { createSystemTexts, loadShippedContent, textsFor } from '../../src/app/content.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';

export const content = loadShippedContent(PROJECT_ROOT);
export const systemTexts = createSystemTexts(content, 'en', { helpline: '0800 000 000' });
export const LANGUAGES = Object.keys(content.locales);

export function shipped(id: string, version = 1): LoadedQuestionnaire {
  const def = content.flows.find((f) => f.id === id)!;
  return prepareQuestionnaire({ id, version, definition: def, texts: textsFor(content, id) });
}

export function fixture(): LoadedQuestionnaire {
  const dir = join(PROJECT_ROOT, 'test/fixtures');
  const definition = QuestionnaireDefinition.parse(JSON.parse(readFileSync(join(dir, 'every-type.json'), 'utf8')));
  const texts = JSON.parse(readFileSync(join(dir, 'every-type.texts.json'), 'utf8')) as Record<string, QuestionnaireTexts>;
  return prepareQuestionnaire({ id: definition.id, version: 1, definition, texts });
}

export const facility: FacilityRef = { code: '1001', name: 'Riverside Clinic', type: 'clinic', district: 'Riverside' };

/** What the app's facility lookup answers: an active facility and the questionnaire serving it, or nothing. */
export type Registry = (code: string) => { facility: FacilityRef; questionnaire: LoadedQuestionnaire | null } | null;

/** A registry holding one facility (1001) whose type the questionnaire serves. */
export const registryFor =
  (q: LoadedQuestionnaire): Registry =>
  (code) =>
    code === facility.code ? { facility: { ...facility, type: q.definition.facilityTypes[0]! }, questionnaire: q } : null;

/** What the app's case lookup answers for a reference ("check a report"). */
export type CaseRegistry = (reference: string) => CheckedCase | null;

export type Turn = { state: ConversationState; prompt: Prompt; effects: Effect[]; done: boolean };

export const baseInput: ConversationInput = { languages: ['en', 'sw', 'zu'], maxFacilityAttempts: 3, maxRetries: null };

/**
 * A conversation as the app runs it, without storage: each respondent input is one hop.
 * The state is serialised to JSON and read back before every step, so nothing survives
 * that a real hop (another process, another day) would lose; lookups the machine asks for
 * are answered from the registry within the hop, as the app does.
 */
export class Conversation {
  state: ConversationState | null = null;
  constructor(
    private readonly q: LoadedQuestionnaire,
    private readonly registry: Registry = registryFor(q),
    private readonly reference: string | null = null,
    private readonly cases: CaseRegistry = () => null,
  ) {}

  private machineFor(state: ConversationState, event: ConversationEvent | null) {
    const version = versionForStep(state.context, event);
    return version ? this.q.machine : FRONT_DOOR;
  }

  start(input: Partial<ConversationInput> = {}): Turn {
    const fullInput = { ...baseInput, ...input };
    const machine = fullInput.resumeOffer ? this.q.machine : FRONT_DOOR;
    return this.settle(startConversation(machine, fullInput));
  }

  send(input: string | ConversationEvent): Turn {
    if (!this.state) throw new Error('start the conversation first');
    const event: ConversationEvent = typeof input === 'string' ? { type: 'ANSWER', text: input } : input;
    const reloaded = JSON.parse(JSON.stringify(this.state)) as ConversationState;
    return this.settle(stepConversation(this.machineFor(reloaded, event), reloaded, event));
  }

  private answer(lookup: Effect): ConversationEvent {
    if (lookup.type === 'lookupCase') {
      const found = this.cases(lookup.reference);
      return found ? { type: 'CASE_FOUND', found } : { type: 'CASE_UNKNOWN', reference: lookup.reference };
    }
    const code = lookup.type === 'lookupFacility' ? lookup.code : '';
    const found = this.registry(code);
    return found
      ? { type: 'FACILITY_FOUND', facility: found.facility, questionnaire: found.questionnaire ? { id: found.questionnaire.id, version: found.questionnaire.version } : null }
      : { type: 'FACILITY_UNKNOWN', code };
  }

  /** Answers every lookup the step asked for, then renders the screen. */
  private settle(step: { state: ConversationState; effects: Effect[]; done: boolean }): Turn {
    let current = step;
    const effects = [...step.effects];
    const lookupOf = (effects: Effect[]) => effects.find((e) => e.type === 'lookupFacility' || e.type === 'lookupCase');
    for (let lookup = lookupOf(current.effects); lookup; lookup = lookupOf(current.effects)) {
      const event = this.answer(lookup);
      const reloaded = JSON.parse(JSON.stringify(current.state)) as ConversationState;
      current = stepConversation(this.machineFor(reloaded, event), reloaded, event);
      effects.push(...current.effects);
    }
    this.state = current.state;
    const pinned = this.state.context.questionnaire ?? this.state.context.resumeOffer?.questionnaire ?? null;
    const prompt = promptFor(this.state, { questionnaire: pinned ? this.q : null, texts: systemTexts, reference: this.reference });
    return { state: current.state, prompt, effects, done: current.done };
  }
}

/** Starts a conversation and sends each input; returns every turn, the start first. */
export function run(
  q: LoadedQuestionnaire,
  inputs: Array<string | ConversationEvent>,
  options: { input?: Partial<ConversationInput>; registry?: Registry; reference?: string; cases?: CaseRegistry } = {},
): Turn[] {
  const c = new Conversation(q, options.registry ?? registryFor(q), options.reference ?? null, options.cases);
  return [c.start(options.input), ...inputs.map((i) => c.send(i))];
}
