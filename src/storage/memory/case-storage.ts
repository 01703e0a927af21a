import type { Case, CaseContactRepository, CaseRepository, CaseTransition, SealedContact } from '../case-ports.js';
import { checkTransitionSeq, newestCaseFirst } from '../case-rules.js';
import { cloneData } from './memory-storage.js';
import { keypadDigits } from '../../text/reference.js';

/** Memory version of the cases repository; copies in and out, as a database would. */
export function createMemoryCases(): CaseRepository {
  const cases = new Map<string, Case>();
  // reference -> seq -> transition: the (reference, seq) key stores a step once
  const transitions = new Map<string, Map<number, CaseTransition>>();
  const append = (reference: string, t: CaseTransition) => {
    let steps = transitions.get(reference);
    if (!steps) transitions.set(reference, (steps = new Map()));
    if (!steps.has(t.seq)) steps.set(t.seq, cloneData(t));
  };
  return {
    async open(caseRecord, opening) {
      if (cases.has(caseRecord.reference)) return false;
      cases.set(caseRecord.reference, cloneData(caseRecord));
      append(caseRecord.reference, opening);
      return true;
    },
    async get(reference) {
      const c = cases.get(reference);
      return c ? cloneData(c) : null;
    },
    async findByKeypad(digits, limit) {
      return [...cases.values()]
        .filter((c) => keypadDigits(c.reference) === digits)
        .sort((a, b) => a.reference.localeCompare(b.reference))
        .slice(0, limit)
        .map(cloneData);
    },
    async list(filter, limit) {
      return [...cases.values()]
        .filter(
          (c) =>
            (!filter.facilityCodes || filter.facilityCodes.includes(c.facilityCode)) &&
            (!filter.statuses || filter.statuses.includes(c.status)) &&
            (filter.district === undefined || c.district === filter.district),
        )
        .sort(newestCaseFirst)
        .slice(0, limit)
        .map(cloneData);
    },
    async transition(next, transition, expectedRevision) {
      checkTransitionSeq(transition, expectedRevision);
      const current = cases.get(next.reference);
      if (!current || current.revision !== expectedRevision) return false;
      cases.set(next.reference, cloneData({ ...next, revision: expectedRevision + 1 }));
      append(next.reference, transition);
      return true;
    },
    async history(reference) {
      return [...(transitions.get(reference)?.values() ?? [])].sort((a, b) => a.seq - b.seq).map(cloneData);
    },
  };
}

/** Memory version of the sealed contacts, kept apart from the cases as in Mongo. */
export function createMemoryCaseContacts(): CaseContactRepository {
  const contacts = new Map<string, SealedContact>();
  return {
    async put(contact) {
      contacts.set(contact.reference, cloneData(contact));
    },
    async get(reference) {
      const c = contacts.get(reference);
      return c ? cloneData(c) : null;
    },
    async remove(reference) {
      contacts.delete(reference);
    },
    async purgeExpired(now) {
      let purged = 0;
      for (const [reference, c] of contacts) {
        if (c.purgeAfter < now) {
          contacts.delete(reference);
          purged++;
        }
      }
      return purged;
    },
    async findByNumberHash(numberHash) {
      return [...contacts.values()]
        .filter((c) => c.numberHash === numberHash)
        .sort((a, b) => b.storedAt.getTime() - a.storedAt.getTime() || (a.reference < b.reference ? -1 : 1))
        .map((c) => c.reference);
    },
  };
}
