import { assign, createActor, setup, type AnyActorScope, type SnapshotFrom } from 'xstate';
import type { AnswerValue, QuestionnaireDefinition, ShowIf } from './definition.js';

/**
 * Compiles a questionnaire definition to an XState v5 machine: one state per question,
 * a final `complete` state. Answers arrive already parsed and validated (see ./answers.ts);
 * the machine decides what comes next: conditional questions, skipping, going back.
 */

export type QuestionnaireContext = {
  /** the answers on the current path, by question id, as codes or numbers */
  answers: Record<string, AnswerValue>;
  /** questions answered or skipped, in order; BACK pops from here */
  path: string[];
};

export type QuestionnaireEvent =
  | { type: 'ANSWER'; questionId: string; value: AnswerValue }
  | { type: 'SKIP'; questionId: string }
  | { type: 'BACK' };

export const COMPLETE = 'complete';
const stateOf = (questionId: string) => `q_${questionId}`;
export const questionIdOfState = (state: string): string | undefined =>
  state.startsWith('q_') ? state.slice(2) : undefined;

function isShown(showIf: ShowIf | undefined, answers: Record<string, AnswerValue>): boolean {
  if (!showIf) return true;
  const given = answers[showIf.question];
  return given !== undefined && showIf.anyOf.includes(given);
}

export function compileQuestionnaire(def: QuestionnaireDefinition) {
  const questionStates: Record<string, object> = {};
  def.questions.forEach((q, index) => {
    const next = index + 1 < def.questions.length ? stateOf(def.questions[index + 1]!.id) : COMPLETE;
    const earlier = def.questions.slice(0, index);
    questionStates[stateOf(q.id)] = {
      // a question whose condition does not hold is passed over on the way forward
      always: q.showIf ? [{ guard: { type: 'hidden', params: { showIf: q.showIf } }, target: next }] : [],
      on: {
        ANSWER: { guard: { type: 'isFor', params: { questionId: q.id } }, target: next, actions: { type: 'record', params: { questionId: q.id } } },
        ...(q.optional
          ? { SKIP: { guard: { type: 'isFor', params: { questionId: q.id } }, target: next, actions: { type: 'skip', params: { questionId: q.id } } } }
          : {}),
        // BACK returns to the last question on the path, which can only be an earlier one
        BACK: earlier
          .map((e) => ({ guard: { type: 'lastOnPathIs', params: { questionId: e.id } }, target: stateOf(e.id), actions: 'goBack' }))
          .reverse(),
      },
    };
  });

  return setup({
    types: {
      context: {} as QuestionnaireContext,
      events: {} as QuestionnaireEvent,
    },
    guards: {
      hidden: ({ context }, params: { showIf: ShowIf }) => !isShown(params.showIf, context.answers),
      isFor: ({ event }, params: { questionId: string }) => 'questionId' in event && event.questionId === params.questionId,
      lastOnPathIs: ({ context }, params: { questionId: string }) => context.path[context.path.length - 1] === params.questionId,
    },
    actions: {
      record: assign(({ context, event }, params: { questionId: string }) => {
        if (event.type !== 'ANSWER') return {};
        return { answers: { ...context.answers, [params.questionId]: event.value }, path: [...context.path, params.questionId] };
      }),
      skip: assign(({ context }, params: { questionId: string }) => ({ path: [...context.path, params.questionId] })),
      goBack: assign(({ context }) => {
        const returnTo = context.path[context.path.length - 1]!;
        const answers = { ...context.answers };
        delete answers[returnTo];
        return { answers, path: context.path.slice(0, -1) };
      }),
    },
  }).createMachine({
    id: def.id,
    initial: stateOf(def.questions[0]!.id),
    context: { answers: {}, path: [] },
    states: { ...questionStates, [COMPLETE]: { type: 'final' } },
  } as never);
}

export type QuestionnaireMachine = ReturnType<typeof compileQuestionnaire>;

/** What a session persists of the machine: plain JSON. */
export type PersistedMachine = { value: string; context: QuestionnaireContext };

export function initialMachineState(machine: QuestionnaireMachine): PersistedMachine {
  return persist(machine.getInitialSnapshot(inertScope(machine), undefined));
}

export function sendToMachine(machine: QuestionnaireMachine, persisted: PersistedMachine, event: QuestionnaireEvent): PersistedMachine {
  const restored = machine.resolveState({ value: persisted.value, context: persisted.context });
  return persist(machine.transition(restored, event, inertScope(machine)));
}

/**
 * A scope that runs nothing. xstate's own pure `transition()` builds a throwaway actor on
 * every call (about 6x the cost of the step itself); these machines only use the built-in
 * `assign`, which the transition applies itself, so one inert scope per machine serves
 * every step. The actor is created but never started.
 */
const scopes = new WeakMap<QuestionnaireMachine, AnyActorScope>();
function inertScope(machine: QuestionnaireMachine): AnyActorScope {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    const nothing = () => {};
    scope = { self, id: '', sessionId: '', logger: nothing, defer: nothing, emit: nothing, system: self.system, stopChild: nothing, actionExecutor: nothing } as AnyActorScope;
    scopes.set(machine, scope);
  }
  return scope;
}

function persist(snapshot: SnapshotFrom<QuestionnaireMachine>): PersistedMachine {
  const value = snapshot.value;
  if (typeof value !== 'string') throw new Error('questionnaire machines are flat');
  return { value, context: snapshot.context };
}
