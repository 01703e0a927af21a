import { initialTransition, transition, type StateValue } from 'xstate';
import { EFFECT_TYPES, type ConversationContext, type ConversationEvent, type ConversationInput, type ConversationMachine, type Effect } from './conversation.js';

/**
 * The only place the conversation machines are stepped: XState's pure `initialTransition`
 * and `transition`, from and to plain JSON. What the machine emitted comes back as the
 * step's effects, in order; nothing is executed here.
 */

type Snapshot = ReturnType<ConversationMachine['resolveState']>;

/** What a session stores of its conversation: plain JSON. */
// the machine's own value type knows only the states written out literally (not the compiled questions)
export type ConversationState = { value: StateValue; context: ConversationContext };

export type Step = { state: ConversationState; effects: Effect[]; done: boolean };

export function startConversation(machine: ConversationMachine, input: ConversationInput): Step {
  const [snapshot, actions] = initialTransition(machine, input);
  return outcome(snapshot, actions);
}

export function stepConversation(machine: ConversationMachine, state: ConversationState, event: ConversationEvent): Step {
  const [snapshot, actions] = transition(machine, restore(machine, state), event);
  return outcome(snapshot, actions);
}

/** A stored state as a snapshot of this machine (for reading it, e.g. to render). */
export function restore(machine: ConversationMachine, state: ConversationState): Snapshot {
  return machine.resolveState({ value: state.value, context: state.context });
}

function outcome(snapshot: Snapshot, actions: ReadonlyArray<{ type: string; params?: unknown }>): Step {
  const effects: Effect[] = [];
  for (const action of actions) {
    if (action.type !== 'xstate.emit') continue;
    const event = (action.params as { event?: unknown } | undefined)?.event;
    if (isEffect(event)) effects.push(event);
  }
  return { state: { value: snapshot.value, context: snapshot.context }, effects, done: snapshot.status === 'done' };
}

function isEffect(value: unknown): value is Effect {
  return typeof value === 'object' && value !== null && EFFECT_TYPES.has(String((value as { type?: unknown }).type));
}
