import type { Case, CaseTransition } from './case-ports.js';

/** Rules every cases adapter applies the same way. */

/** Newest opened first, then by reference, as the Mongo adapter sorts. */
export const newestCaseFirst = (a: Case, b: Case) => b.openedAt.getTime() - a.openedAt.getTime() || (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0);

/** A step's seq follows the revision it changes (the opening is seq 1 at revision 0). */
export function checkTransitionSeq(transition: CaseTransition, expectedRevision: number): void {
  if (transition.seq !== expectedRevision + 2) throw new Error(`case transition seq ${transition.seq} does not follow revision ${expectedRevision} (expected seq ${expectedRevision + 2})`);
}
