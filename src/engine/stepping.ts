import { createActor, initialTransition, transition, type AnyActorScope, type StateValue } from 'xstate';
import { EFFECT_TYPES, type ConversationContext, type ConversationEvent, type ConversationInput, type ConversationMachine, type Effect } from './conversation.js';

/**
 * The only place the conversation machines are stepped, from and to plain JSON. What the
 * machine emitted comes back as the step's effects, in order; nothing is executed here.
 *
 * XState's pure `transition(machine, snapshot, event)` and `initialTransition()` build a
 * throwaway actor, and with it the machine's whole initial state, on every call. Measured
 * (README, *Benchmark*): `npm run bench:engine` puts stepping a whole clinic report at 52-58
 * us of CPU per hop with those functions and 17-20 us with the cache below (medians 54.7 and
 * 18.8 us, five rounds). Over HTTP, with `--stepping public` the service used 0.26-0.29 ms of
 * CPU per USSD hop against 0.19-0.22 with the cache (the ratio to bare Express 0.60-0.68
 * against 0.79-0.96; the target is 0.75), and 0.28-0.33 ms per voice hop against 0.19-0.26
 * (0.51-0.67 against 0.69-0.76). The cost shows, so the cache stays: each machine keeps one
 * inert actor scope, made once the way `transition()` makes its own, and steps through
 * `machine.transition(snapshot, event, scope)`, the method `transition()` itself calls. The
 * scope runs nothing: it only collects the actions the step returns. `reference` is XState's
 * own pure functions, and test/engine/stepping.test.ts checks, over random conversations on
 * every shipped questionnaire, that the cache gives exactly what they give, so an XState
 * upgrade that changes either fails there.
 */

// the machine's own value type knows only the states written out literally (not the compiled questions)
export type ConversationState = { value: StateValue; context: ConversationContext };

export type Step = { state: ConversationState; effects: Effect[]; done: boolean };

type Snapshot = ReturnType<ConversationMachine['resolveState']>;
type Action = { type: string; params?: unknown };

export function startConversation(machine: ConversationMachine, input: ConversationInput): Step {
  const scope = scopeOf(machine);
  return collected(scope, () => machine.getInitialSnapshot(scope.actorScope, input));
}

export function stepConversation(machine: ConversationMachine, state: ConversationState, event: ConversationEvent): Step {
  const scope = scopeOf(machine);
  const snapshot = restore(machine, state);
  return collected(scope, () => machine.transition(snapshot, event, scope.actorScope));
}

/** How the app steps the machines: `cached` (below) or XState's own `reference`. */
export type Stepper = {
  start(machine: ConversationMachine, input: ConversationInput): Step;
  step(machine: ConversationMachine, state: ConversationState, event: ConversationEvent): Step;
};

export const cached: Stepper = { start: startConversation, step: stepConversation };

/** XState's own pure functions, step for step: the reference the cached path is tested against. */
export const reference: Stepper = {
  start(machine: ConversationMachine, input: ConversationInput): Step {
    const [snapshot, actions] = initialTransition(machine, input);
    return outcome(snapshot, actions);
  },
  step(machine: ConversationMachine, state: ConversationState, event: ConversationEvent): Step {
    const [snapshot, actions] = transition(machine, restore(machine, state), event);
    return outcome(snapshot, actions);
  },
};

/** A stored state as a snapshot of this machine (for reading it, e.g. to render). */
export function restore(machine: ConversationMachine, state: ConversationState): Snapshot {
  return machine.resolveState({ value: state.value, context: state.context });
}

type InertScope = { actorScope: AnyActorScope; actions: Action[] };
const scopes = new WeakMap<ConversationMachine, InertScope>();

function scopeOf(machine: ConversationMachine): InertScope {
  let scope = scopes.get(machine);
  if (!scope) {
    // the actor is never started: it only gives the scope its `self` and `system`
    const self = createActor(machine, { input: { languages: [], maxFacilityAttempts: 1, maxRetries: null } });
    const actions: Action[] = [];
    const nothing = () => {};
    const actorScope: AnyActorScope = {
      self,
      system: self.system,
      id: '',
      sessionId: '',
      logger: nothing,
      defer: nothing,
      emit: nothing,
      stopChild: nothing,
      actionExecutor: (action) => void actions.push(action),
    };
    scope = { actorScope, actions };
    scopes.set(machine, scope);
  }
  return scope;
}

/** Runs one step on the scope and takes the actions it collected (steps never interleave: they are synchronous). */
function collected(scope: InertScope, run: () => Snapshot): Step {
  scope.actions.length = 0;
  try {
    const snapshot = run();
    return outcome(snapshot, scope.actions);
  } finally {
    scope.actions.length = 0;
  }
}

function outcome(snapshot: Snapshot, actions: ReadonlyArray<Action>): Step {
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
