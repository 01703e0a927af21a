import { allowedCaseEvents } from '../../engine/cases/case-machine.js';
import type { Case, CaseFilter, CaseStatus, CaseTransition, Storage } from '../../storage/ports.js';
import { caseActions } from './act-on-case.js';
import { WRITTEN_NUMBER } from '../../text/phone-numbers.js';

/**
 * What staff see of a case: the case, its history and its report's answers (codes, as stored).
 * Never a phone number: a case holds none, the sealed contact is not read here, and digits
 * that look like a number in a citizen's free-text answer are blanked.
 */

export type StaffCase = {
  case: Case;
  history: CaseTransition[];
  answers: Array<{ questionId: string; value: string | number }>;
  /** what can be done next, by the case machine */
  allowed: string[];
  /** the action codes a manager can choose for "action_taken" */
  actions: string[];
};

// every written number in a text, for replace()
const WRITTEN_NUMBERS = new RegExp(WRITTEN_NUMBER.source, 'g');
export const REMOVED_NUMBER = '[number removed]';

export async function caseForStaff(storage: Storage, reference: string): Promise<StaffCase | null> {
  const c = await storage.cases.get(reference);
  if (!c) return null;
  const response = await storage.responses.get(c.responseId);
  return {
    case: c,
    history: await storage.cases.history(reference),
    answers: (response?.answers ?? []).map((a) => ({ questionId: a.questionId, value: typeof a.value === 'string' ? a.value.replace(WRITTEN_NUMBERS, REMOVED_NUMBER) : a.value })),
    allowed: allowedCaseEvents(c.status),
    actions: await caseActions(storage, c),
  };
}

export const CASE_LIST_LIMIT = 500;

/** Cases newest first, within `facilities` when the viewer is limited to some (null: all). */
export async function listCases(storage: Storage, query: { facilities: string[] | null; facility?: string; status?: CaseStatus; limit: number }): Promise<Case[]> {
  const filter: CaseFilter = {};
  if (query.facility) filter.facilityCodes = query.facilities && !query.facilities.includes(query.facility) ? [] : [query.facility];
  else if (query.facilities) filter.facilityCodes = query.facilities;
  if (query.status) filter.statuses = [query.status];
  return storage.cases.list(filter, Math.min(query.limit, CASE_LIST_LIMIT));
}
