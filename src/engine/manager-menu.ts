import { assign, emit, initialTransition, setup, transition, type StateValue } from 'xstate';
import { parseMenuPick } from './answers.js';
import { allowedCaseEvents, type CaseStatus } from './cases/case-machine.js';
import type { ConversationEvent, Message } from './conversation.js';
import { WRITTEN_NUMBER } from '../text/phone-numbers.js';

/**
 * The facility manager's menu, a machine of the same kind as the citizen's conversation: a
 * registered manager dials the service code from their own number and, from a basic phone,
 * goes through the open cases of their facilities, picks one, and records "acknowledged",
 * "action taken" (with what was done, and a short note if they like) or "cannot act here"
 * (referred up to the district).
 *
 * Like the conversation it does no I/O: the cases arrive as an event (the answer to its
 * lookupManagerCases effect), and what the manager decided leaves as a caseActed effect,
 * which the app applies after the hop is claimed. Its state is plain JSON, marked
 * `machine: 'manager'` so a hop knows which machine a stored session runs on. It is stepped
 * with XState's public transition functions: a manager's hops are few.
 *
 * Where the programme requires a PIN (MANAGER_PIN_REQUIRED), the menu opens on a PIN screen.
 * Whether the number has a PIN, or is locked out, arrives as an event (the answer to
 * lookupManagerPin); so does the check of what was typed (the answer to checkManagerPin,
 * which the app makes on the hop's own input: the PIN never enters the machine's state).
 * Three wrong PINs end the session; the lock-out across sessions is the app's to count.
 */

/** The events a manager may record from the menu, in the order the menu offers them. */
export const MANAGER_EVENTS = ['acknowledge', 'action_taken', 'refer'] as const;
export type ManagerCaseEvent = (typeof MANAGER_EVENTS)[number];

/** A case as the menu lists it: texts already in the manager's language. */
export type ManagedCase = {
  reference: string;
  facility: string;
  /** the concern in words ("Long wait") */
  problem: string;
  status: CaseStatus;
  /** what the manager can say was done (the questionnaire's follow-up actions), with their words */
  actions: Array<{ code: string; label: string }>;
};

export type ManagerMenuInput = {
  lang: string;
  /** the programme asks for the manager's PIN before the menu (absent: it does not) */
  pinRequired?: boolean;
  /** who acts, as the case history names them (never their number) */
  actor: string;
  /** the codes of the facilities this manager may act on */
  facilities: string[];
};

export type ManagerMenuContext = {
  lang: string;
  pinRequired: boolean;
  /** wrong PINs typed in this session */
  pinTries: number;
  actor: string;
  facilities: string[];
  /** null until the cases arrive */
  cases: ManagedCase[] | null;
  /** more cases than the menu lists (the newest are listed) */
  more: number;
  selected: string | null;
  event: ManagerCaseEvent | null;
  actionCode: string | null;
  error: Message | null;
  end: Message | null;
};

/** Tries at the PIN in one session before it ends. */
export const MANAGER_PIN_TRIES = 3;

/** Whether the number has a PIN it may try now: the answer to lookupManagerPin. */
export type ManagerPinStatus = 'set' | 'unset' | 'locked';
/** What the app found the typed PIN to be: the answer to checkManagerPin ('locked': wrong, and now locked out). */
export type ManagerPinOutcome = 'right' | 'wrong' | 'locked';

export type ManagerMenuEvent =
  | ConversationEvent
  | { type: 'MANAGER_CASES'; cases: ManagedCase[]; more: number }
  | { type: 'MANAGER_PIN'; status: ManagerPinStatus }
  /** `lockIn`: wrong PINs the number has left before it is locked out, when fewer than the session's tries */
  | { type: 'PIN_CHECKED'; outcome: ManagerPinOutcome; lockIn?: number };

export type ManagerMenuEffect =
  /** whether the manager's number has a PIN, or is locked out; answer with MANAGER_PIN */
  | { type: 'lookupManagerPin' }
  /** check what the manager just typed against their PIN (the app holds the hop's input); answer with PIN_CHECKED */
  | { type: 'checkManagerPin' }
  /** list the open cases of the manager's facilities; answer with MANAGER_CASES */
  | { type: 'lookupManagerCases' }
  /** record the manager's decision on a case (after the hop is claimed) */
  | { type: 'caseActed'; reference: string; event: ManagerCaseEvent; actionCode: string | null; note: string | null };

export const MANAGER_EFFECT_TYPES: ReadonlySet<string> = new Set<ManagerMenuEffect['type']>(['lookupManagerPin', 'checkManagerPin', 'lookupManagerCases', 'caseActed']);

/** A note a manager types on a phone: short, so it fits the citizen's SMS and the history. */
export const MANAGER_NOTE_MAX = 140;

const textOf = (event: ManagerMenuEvent): string => (event.type === 'ANSWER' ? event.text : '');

function selectedCase(context: ManagerMenuContext): ManagedCase | null {
  return context.cases?.find((c) => c.reference === context.selected) ?? null;
}

/** What the manager can do on a case: the case machine's own rule, limited to the menu's three. */
export function managerEventsFor(status: CaseStatus): ManagerCaseEvent[] {
  const allowed = allowedCaseEvents(status);
  return MANAGER_EVENTS.filter((e) => allowed.includes(e));
}

function noteProblem(text: string): Message | null {
  const note = text.trim();
  if (!note) return { key: 'error.text_empty' };
  if (note.length > MANAGER_NOTE_MAX) return { key: 'error.text_long', vars: { max: MANAGER_NOTE_MAX } };
  // the note is shown to staff and on the public page: it must not carry a phone number
  if (WRITTEN_NUMBER.test(note)) return { key: 'manager.error.note_number' };
  return null;
}

const types = {
  context: {} as ManagerMenuContext,
  events: {} as ManagerMenuEvent,
  input: {} as ManagerMenuInput,
  emitted: {} as ManagerMenuEffect,
};

export const MANAGER_MENU = setup({
  types,
  guards: {
    pinRequired: ({ context }) => context.pinRequired,
    pinIs: ({ event }, params: { status: ManagerPinStatus }) => event.type === 'MANAGER_PIN' && event.status === params.status,
    pinOutcome: ({ event }, params: { outcome: ManagerPinOutcome }) => event.type === 'PIN_CHECKED' && event.outcome === params.outcome,
    lastPinTry: ({ context }) => context.pinTries + 1 >= MANAGER_PIN_TRIES,
    noCases: ({ event }) => event.type === 'MANAGER_CASES' && event.cases.length === 0,
    pickedCase: ({ context, event }) => parseMenuPick(textOf(event), context.cases?.length ?? 0).ok,
    pickedEvent: ({ context, event }, params: { event: ManagerCaseEvent }) => {
      const c = selectedCase(context);
      if (!c) return false;
      const offered = managerEventsFor(c.status);
      const r = parseMenuPick(textOf(event), offered.length);
      return r.ok && offered[r.value] === params.event;
    },
    pickedAction: ({ context, event }) => parseMenuPick(textOf(event), selectedCase(context)?.actions.length ?? 0).ok,
    noteReadable: ({ event }) => event.type === 'ANSWER' && noteProblem(event.text) === null,
    actionChosen: ({ context }) => context.event === 'action_taken',
  },
  actions: {
    emitPinLookup: emit({ type: 'lookupManagerPin' }),
    emitPinCheck: emit({ type: 'checkManagerPin' }),
    pinWrong: assign({
      pinTries: ({ context }) => context.pinTries + 1,
      // the tries left in this session, or before the lock-out if that comes first
      error: ({ context, event }) => ({
        key: 'manager.pin.wrong',
        vars: { left: Math.min(MANAGER_PIN_TRIES - context.pinTries - 1, event.type === 'PIN_CHECKED' ? (event.lockIn ?? MANAGER_PIN_TRIES) : MANAGER_PIN_TRIES) },
      }),
    }),
    pinRight: assign({ pinTries: 0, error: null }),
    endPinWrong: assign({ pinTries: ({ context }) => context.pinTries + 1, end: { key: 'manager.end.pin_wrong' }, error: null }),
    endPinLocked: assign({ end: { key: 'manager.end.pin_locked' }, error: null }),
    endPinUnset: assign({ end: { key: 'manager.end.pin_unset' }, error: null }),
    takeCases: assign(({ event }) => (event.type === 'MANAGER_CASES' ? { cases: event.cases, more: event.more } : {})),
    enterScreen: assign({ error: null }),
    clearError: assign({ error: null }),
    emitLookup: emit({ type: 'lookupManagerCases' }),
    choiceError: assign({ error: (_, params: { max: number }) => ({ key: 'error.choice', vars: { max: params.max } }) }),
    caseChoiceError: assign({ error: ({ context }) => ({ key: 'error.choice', vars: { max: context.cases?.length ?? 0 } }) }),
    eventChoiceError: assign({
      error: ({ context }) => {
        const c = selectedCase(context);
        return { key: 'error.choice', vars: { max: c ? managerEventsFor(c.status).length : 0 } };
      },
    }),
    actionChoiceError: assign({ error: ({ context }) => ({ key: 'error.choice', vars: { max: selectedCase(context)?.actions.length ?? 0 } }) }),
    noteError: assign({ error: ({ event }) => noteProblem(textOf(event)) }),
    selectCase: assign({
      selected: ({ context, event }) => {
        const r = parseMenuPick(textOf(event), context.cases?.length ?? 0);
        return r.ok ? (context.cases?.[r.value]?.reference ?? null) : null;
      },
    }),
    forgetCase: assign({ selected: null, event: null, actionCode: null }),
    chooseEvent: assign({ event: (_, params: { event: ManagerCaseEvent }) => params.event, actionCode: null }),
    chooseAction: assign({
      actionCode: ({ context, event }) => {
        const actions = selectedCase(context)?.actions ?? [];
        const r = parseMenuPick(textOf(event), actions.length);
        return r.ok ? (actions[r.value]?.code ?? null) : null;
      },
    }),
    forgetAction: assign({ actionCode: null }),
    emitActed: emit(({ context, event }, params: { withNote: boolean }) => ({
      type: 'caseActed' as const,
      reference: context.selected ?? '',
      event: context.event ?? 'acknowledge',
      actionCode: context.actionCode,
      note: params.withNote && event.type === 'ANSWER' ? event.text.trim() : null,
    })),
    acknowledgeNow: assign({ event: 'acknowledge' as const }),
    endRecorded: assign({
      end: ({ context }) => ({ key: 'manager.end.recorded', vars: { reference: context.selected ?? '', event: context.event ?? 'acknowledge' } }),
      error: null,
    }),
    endNoCases: assign({ end: { key: 'manager.end.no_cases' }, error: null }),
    endFailed: assign({ end: { key: 'end.error' }, error: null }),
  },
}).createMachine({
  id: 'manager',
  // xstate's pure transition() builds a throwaway actor whose first snapshot has no input: it must not throw
  context: ({ input }) => ({
    lang: input?.lang ?? 'en',
    pinRequired: input?.pinRequired ?? false,
    pinTries: 0,
    actor: input?.actor ?? '',
    facilities: input?.facilities ?? [],
    cases: null,
    more: 0,
    selected: null,
    event: null,
    actionCode: null,
    error: null,
    end: null,
  }),
  initial: 'start',
  on: {
    FAILED: { target: '.ended', actions: 'endFailed' },
    // an event the screen does not take changes nothing but the error line: it showed once
    '*': { actions: 'clearError' },
  },
  states: {
    // without a PIN the menu loads at once, exactly as before there were PINs
    start: { always: [{ guard: 'pinRequired', target: 'pinLookup' }, { target: 'loading' }] },
    pinLookup: {
      entry: 'emitPinLookup',
      on: {
        MANAGER_PIN: [
          { guard: { type: 'pinIs', params: { status: 'unset' } }, target: 'ended', actions: 'endPinUnset' },
          { guard: { type: 'pinIs', params: { status: 'locked' } }, target: 'ended', actions: 'endPinLocked' },
          { target: 'pin' },
        ],
      },
    },
    pin: {
      // the typed PIN is not kept: the app checks the hop's input and answers with PIN_CHECKED
      on: { ANSWER: { target: 'pinCheck' } },
    },
    pinCheck: {
      entry: 'emitPinCheck',
      on: {
        PIN_CHECKED: [
          { guard: { type: 'pinOutcome', params: { outcome: 'right' } }, target: 'loading', actions: 'pinRight' },
          { guard: { type: 'pinOutcome', params: { outcome: 'locked' } }, target: 'ended', actions: 'endPinLocked' },
          { guard: 'lastPinTry', target: 'ended', actions: 'endPinWrong' },
          { target: 'pin', actions: 'pinWrong' },
        ],
      },
    },
    loading: {
      entry: 'emitLookup',
      on: {
        MANAGER_CASES: [
          { guard: 'noCases', target: 'ended', actions: ['takeCases', 'endNoCases'] },
          { target: 'cases', actions: 'takeCases' },
        ],
      },
    },
    cases: {
      entry: 'enterScreen',
      on: {
        ANSWER: [{ guard: 'pickedCase', target: 'case', actions: ['clearError', 'selectCase'] }, { actions: 'caseChoiceError' }],
      },
    },
    case: {
      entry: 'enterScreen',
      on: {
        BACK: { target: 'cases', actions: 'forgetCase' },
        ANSWER: [
          // acknowledging needs nothing more: it is recorded at once
          { guard: { type: 'pickedEvent', params: { event: 'acknowledge' } }, target: 'ended', actions: ['acknowledgeNow', { type: 'emitActed', params: { withNote: false } }, 'endRecorded'] },
          { guard: { type: 'pickedEvent', params: { event: 'action_taken' } }, target: 'action', actions: { type: 'chooseEvent', params: { event: 'action_taken' } } },
          { guard: { type: 'pickedEvent', params: { event: 'refer' } }, target: 'note', actions: { type: 'chooseEvent', params: { event: 'refer' } } },
          { actions: 'eventChoiceError' },
        ],
      },
    },
    action: {
      entry: 'enterScreen',
      on: {
        BACK: { target: 'case', actions: 'forgetAction' },
        ANSWER: [{ guard: 'pickedAction', target: 'note', actions: 'chooseAction' }, { actions: 'actionChoiceError' }],
      },
    },
    note: {
      entry: 'enterScreen',
      on: {
        BACK: [{ guard: 'actionChosen', target: 'action', actions: 'forgetAction' }, { target: 'case' }],
        SKIP: { target: 'ended', actions: [{ type: 'emitActed', params: { withNote: false } }, 'endRecorded'] },
        ANSWER: [{ guard: 'noteReadable', target: 'ended', actions: [{ type: 'emitActed', params: { withNote: true } }, 'endRecorded'] }, { actions: 'noteError' }],
      },
    },
    ended: { type: 'final' },
  },
});

export type ManagerMenuMachine = typeof MANAGER_MENU;

/** A manager's session as stored: the machine's state, marked as the manager's. */
export type ManagerMenuState = { machine: 'manager'; value: StateValue; context: ManagerMenuContext };

export type ManagerMenuStep = { state: ManagerMenuState; effects: ManagerMenuEffect[]; done: boolean };

export function startManagerMenu(input: ManagerMenuInput): ManagerMenuStep {
  const [snapshot, actions] = initialTransition(MANAGER_MENU, input);
  return stepOf(snapshot, actions);
}

export function stepManagerMenu(state: ManagerMenuState, event: ManagerMenuEvent): ManagerMenuStep {
  const [snapshot, actions] = transition(MANAGER_MENU, MANAGER_MENU.resolveState({ value: state.value, context: state.context }), event);
  return stepOf(snapshot, actions);
}

function stepOf(snapshot: ReturnType<typeof MANAGER_MENU.resolveState>, actions: ReadonlyArray<{ type: string; params?: unknown }>): ManagerMenuStep {
  const effects: ManagerMenuEffect[] = [];
  for (const action of actions) {
    if (action.type !== 'xstate.emit') continue;
    const event = (action.params as { event?: { type?: unknown } } | undefined)?.event;
    if (event && MANAGER_EFFECT_TYPES.has(String(event.type))) effects.push(event as ManagerMenuEffect);
  }
  return { state: { machine: 'manager', value: snapshot.value, context: snapshot.context }, effects, done: snapshot.status === 'done' };
}

/** Which screen a manager's stored state is on. */
export type ManagerScreen = 'pinLookup' | 'pin' | 'pinCheck' | 'loading' | 'cases' | 'case' | 'action' | 'note' | 'ended';

const SCREENS: ReadonlySet<string> = new Set<ManagerScreen>(['pinLookup', 'pin', 'pinCheck', 'loading', 'cases', 'case', 'action', 'note']);

export function managerScreenOf(state: Pick<ManagerMenuState, 'value'>): ManagerScreen {
  const v = state.value;
  return typeof v === 'string' && SCREENS.has(v) ? (v as ManagerScreen) : 'ended';
}
