import type { CheckedCase } from '../../engine/conversation.js';
import { parseReference } from '../../gateways/ids.js';
import type { Storage } from '../../storage/ports.js';

/**
 * What the conversation needs from the follow-up loop, as the hop applies it: the case of a
 * reference ("check a report"), a finished report that names a concern becoming a case
 * (with the caller's number only when they consented), and the citizen's "solved" or "not
 * solved". The composition root wires it to the cases use cases (src/app/cases/).
 */
export type CaseDesk = {
  find(reference: string): Promise<CheckedCase | null>;
  /** `phone` as the provider gave it, only with consent; it is sealed with the case, never logged */
  reportConcern(input: { responseId: string; consent: boolean; phone: string | null }): Promise<void>;
  answer(input: { reference: string; answer: 'resolve' | 'reopen' }): Promise<void>;
};

/** A case as "check a report" tells it: its status, and the name of its facility. */
export async function findCaseForCitizen(storage: Storage, typed: string): Promise<CheckedCase | null> {
  const reference = parseReference(typed);
  if (!reference) return null;
  const found = await storage.cases.get(reference);
  if (!found) return null;
  const facility = await storage.facilities.findByCode(found.facilityCode);
  return { reference: found.reference, status: found.status, facility: facility?.name ?? found.facilityCode };
}
