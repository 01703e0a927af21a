import { setup, transition } from 'xstate';

/**
 * A case's life as one small XState machine: which event may change which status. It knows
 * nothing of who acted or when (the use case stores that with every transition); it only
 * answers "from this status, does this event apply, and where does it lead?".
 *
 * - A new or reopened case is acknowledged, acted on, referred up ("cannot act here") or
 *   escalated (nobody acknowledged it in time).
 * - An acknowledged case is acted on, referred up or escalated.
 * - After action is taken the citizen confirms (or M days pass without a reply: resolved)
 *   or says it is not solved (reopened).
 * - A resolved case can still be reopened by the citizen: "closed but not fixed".
 * - An escalated case is taken up (acknowledged, action taken) or closed unresolved.
 * - A note never changes the status and is allowed on every case.
 *
 * Statuses and events are declared here (the engine is the bottom layer) and re-exported by
 * the storage ports (src/storage/case-ports.ts) under the same names.
 */

export const CASE_STATUSES = ['open', 'acknowledged', 'action_taken', 'resolved', 'reopened', 'escalated', 'closed_unresolved'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** What can happen to a case. */
export const CASE_EVENTS = ['acknowledge', 'action_taken', 'refer', 'resolve', 'reopen', 'escalate', 'close_unresolved', 'note'] as const;
export type CaseEventType = (typeof CASE_EVENTS)[number];

/** The statuses in which a case is over (its contact is deleted then). */
export const CLOSED_CASE_STATUSES: readonly CaseStatus[] = ['resolved', 'closed_unresolved'];

export type CaseMachineEvent = { type: CaseEventType };

// a typed value instead of `{} as CaseMachineEvent`: setup() reads only its type
const types: { events: CaseMachineEvent } = { events: { type: 'note' } };

export const caseMachine = setup({
  types,
  actions: {
    // a note is recorded by the use case; the machine only has to accept it without moving
    noted: () => {},
  },
}).createMachine({
  id: 'case',
  initial: 'open',
  on: { note: { actions: 'noted' } },
  states: {
    open: {
      on: { acknowledge: 'acknowledged', action_taken: 'action_taken', refer: 'escalated', escalate: 'escalated' },
    },
    reopened: {
      on: { acknowledge: 'acknowledged', action_taken: 'action_taken', refer: 'escalated', escalate: 'escalated' },
    },
    acknowledged: {
      on: { action_taken: 'action_taken', refer: 'escalated', escalate: 'escalated' },
    },
    action_taken: {
      on: { resolve: 'resolved', reopen: 'reopened' },
    },
    resolved: {
      on: { reopen: 'reopened' },
    },
    escalated: {
      on: { acknowledge: 'acknowledged', action_taken: 'action_taken', close_unresolved: 'closed_unresolved' },
    },
    closed_unresolved: {},
  },
});

function snapshotAt(status: CaseStatus) {
  return caseMachine.resolveState({ value: status, context: {} });
}

/** Where `event` takes a case in `status`, or null when it does not apply there. A note leaves it where it is. */
export function nextCaseStatus(status: CaseStatus, event: CaseEventType): CaseStatus | null {
  const from = snapshotAt(status);
  if (!from.can({ type: event })) return null;
  const [next] = transition(caseMachine, from, { type: event });
  return next.value;
}

/** The events that apply to a case in `status`, in the order of CASE_EVENTS. */
export function allowedCaseEvents(status: CaseStatus): CaseEventType[] {
  const from = snapshotAt(status);
  return CASE_EVENTS.filter((event) => from.can({ type: event }));
}

export const isClosedCaseStatus = (status: CaseStatus): boolean => CLOSED_CASE_STATUSES.includes(status);
