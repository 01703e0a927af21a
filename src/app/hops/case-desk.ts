import type { CheckedCase } from '../../engine/conversation.js';
import type { ManagerCaseEvent } from '../../engine/manager-menu.js';
import { parseReference } from '../../gateways/ids.js';
import { toE164, type CountryCode } from '../../gateways/phone-number.js';
import type { Case, Channel, Store } from '../../storage/ports.js';
import { KEYPAD_REFERENCE } from '../../text/reference.js';
import { actOnCase } from '../cases/act-on-case.js';
import { type CaseDeps, openCaseForReport } from '../cases/open-case.js';

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
  answer(input: { reference: string; answer: 'resolve' | 'reopen'; channel: Channel }): Promise<void>;
  /** what a manager recorded from the manager's menu, on one of their facilities' cases */
  managerActed(input: { reference: string; event: ManagerCaseEvent; actionCode: string | null; note: string | null; actor: string; facilities: string[] }): Promise<void>;
};

/**
 * A case as "check a report" tells it: its status, and the name of its facility. The reference
 * as printed, or as keyed on the keypad one key a character (a voice call sends digits only):
 * ten digits that are no printed reference are looked up by their keys, and count only when
 * exactly one case has them.
 */
export async function findCaseForCitizen(storage: Store, typed: string): Promise<CheckedCase | null> {
  const reference = parseReference(typed);
  if (!reference) return null;
  const found = (await storage.cases.get(reference)) ?? (await byKeypad(storage, typed));
  if (!found) return null;
  const facility = await storage.facilities.findByCode(found.facilityCode);
  return { reference: found.reference, status: found.status, facility: facility?.name ?? found.facilityCode };
}

async function byKeypad(storage: Store, typed: string): Promise<Case | null> {
  const digits = typed.replace(/[\s-]/g, '');
  if (!KEYPAD_REFERENCE.test(digits)) return null;
  const matches = await storage.cases.findByKeypad(digits, 2);
  return matches.length === 1 ? matches[0]! : null;
}

export type CaseDeskDeps = CaseDeps & {
  defaultCountry: CountryCode;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
};

/** The desk over the cases use cases: openCaseForReport and actOnCase, acting as the citizen on USSD. */
export function createCaseDesk(deps: CaseDeskDeps): CaseDesk {
  const { storage, log } = deps;
  return {
    find: (reference) => findCaseForCitizen(storage, reference),

    async reportConcern({ responseId, consent, phone }) {
      const response = await storage.responses.get(responseId);
      if (!response) throw new Error(`response ${responseId} is not stored`);
      const version = await storage.questionnaires.getVersion(response.questionnaireId, response.questionnaireVersion);
      if (!version) throw new Error(`questionnaire ${response.questionnaireId}@${response.questionnaireVersion} is not stored`);
      const e164 = consent && phone ? toE164(phone, deps.defaultCountry, 'valid') : null;
      if (consent && !e164) log.warn({ responseId }, 'the citizen agreed to follow-up SMS, but their number cannot be read as one we can send to: the case has no contact');
      const opened = await openCaseForReport(deps, { response, definition: version.definition, consent, e164 });
      if (opened.kind !== 'not_a_concern') log.info({ reference: opened.case.reference, kind: opened.kind, contact: opened.case.contactConsent }, 'a report became a case');
    },

    async answer({ reference, answer, channel }) {
      const done = await actOnCase(deps, { actor: { kind: 'citizen', label: 'citizen (check a report)' }, facilities: null, reference, event: answer, channel });
      // the case can have moved since its status was shown (a reply by SMS, a manager): the answer then changes nothing
      if (!done.ok) log.info({ reference, answer, reason: done.reason }, "the citizen's answer did not apply to the case as it now stands");
    },

    async managerActed({ reference, event, actionCode, note, actor, facilities }) {
      const done = await actOnCase(deps, { actor: { kind: 'manager', label: actor }, facilities, reference, event, actionCode, note, channel: 'ussd' });
      // another manager or staff may have moved the case since the menu listed it: then this changes nothing, and says so in the log
      if (!done.ok) log.warn({ reference, event, reason: done.reason }, "the manager's decision did not apply to the case as it now stands");
    },
  };
}
