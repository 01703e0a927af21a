import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { CASE_EVENTS, CASE_STATUSES, allowedCaseEvents, caseMachine, isClosedCaseStatus, nextCaseStatus, type CaseEventType, type CaseStatus } from '../../src/engine/cases/case-machine.js';

/**
 * The case machine, pair by pair: every status against every event. The table is written out
 * by hand (not derived from the machine), so a changed rule fails here and has to be meant.
 * A missing entry means "not allowed".
 */
const RULES: Record<CaseStatus, Partial<Record<CaseEventType, CaseStatus>>> = {
  open: { acknowledge: 'acknowledged', action_taken: 'action_taken', refer: 'escalated', escalate: 'escalated', note: 'open' },
  reopened: { acknowledge: 'acknowledged', action_taken: 'action_taken', refer: 'escalated', escalate: 'escalated', note: 'reopened' },
  acknowledged: { action_taken: 'action_taken', refer: 'escalated', escalate: 'escalated', note: 'acknowledged' },
  action_taken: { resolve: 'resolved', reopen: 'reopened', note: 'action_taken' },
  resolved: { reopen: 'reopened', note: 'resolved' },
  escalated: { acknowledge: 'acknowledged', action_taken: 'action_taken', close_unresolved: 'closed_unresolved', note: 'escalated' },
  closed_unresolved: { note: 'closed_unresolved' },
};

describe('case machine', () => {
  it('has a rule row for every status', () => {
    expect(Object.keys(RULES).sort()).toEqual([...CASE_STATUSES].sort());
  });

  for (const status of CASE_STATUSES) {
    for (const event of CASE_EVENTS) {
      const expected = RULES[status][event] ?? null;
      it(`${status} + ${event} -> ${expected ?? 'not allowed'}`, () => {
        expect(nextCaseStatus(status, event)).toBe(expected);
      });
    }
    it(`${status}: allowed events are exactly the rule row, in CASE_EVENTS order`, () => {
      expect(allowedCaseEvents(status)).toEqual(CASE_EVENTS.filter((e) => RULES[status][e] !== undefined));
    });
  }

  it('a running actor follows the same rules (the helpers are the machine, not a copy of it)', () => {
    const actor = createActor(caseMachine).start();
    const path: CaseEventType[] = ['acknowledge', 'action_taken', 'reopen', 'refer', 'action_taken', 'resolve', 'reopen'];
    const seen: string[] = [actor.getSnapshot().value];
    let status: CaseStatus = 'open';
    for (const event of path) {
      actor.send({ type: event });
      status = nextCaseStatus(status, event)!;
      expect(actor.getSnapshot().value).toBe(status);
      seen.push(actor.getSnapshot().value);
    }
    expect(seen).toEqual(['open', 'acknowledged', 'action_taken', 'reopened', 'escalated', 'action_taken', 'resolved', 'reopened']);
    // an event that does not apply leaves the running actor where it is
    actor.send({ type: 'resolve' });
    expect(actor.getSnapshot().value).toBe('reopened');
    actor.stop();
  });

  it('starts open; only resolved and closed_unresolved are closed', () => {
    expect(createActor(caseMachine).getSnapshot().value).toBe('open');
    expect(CASE_STATUSES.filter(isClosedCaseStatus)).toEqual(['resolved', 'closed_unresolved']);
  });
});
