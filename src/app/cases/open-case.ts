import { concernOf } from '../../engine/cases/concern.js';
import type { QuestionnaireDefinition } from '../../engine/definition.js';
import type { Clock } from '../../gateways/clock.js';
import type { ContactVault } from '../../gateways/contact-vault.js';
import { formatReference } from '../../gateways/ids.js';
import type { Case, CaseTransition, StoredResponse, Store } from '../../storage/ports.js';

export type CaseDeps = { storage: Store; clock: Clock; vault: ContactVault; contactRetentionDays: number };

export type OpenCaseInput = {
  /** a finished (complete) response */
  response: StoredResponse;
  /** the definition of the version it was answered on */
  definition: QuestionnaireDefinition;
  /** the citizen's answer to "May we SMS you about what is done?" */
  consent: boolean;
  /** the caller's number in E.164, passed only when they consented; never stored otherwise */
  e164: string | null;
};

export type OpenCaseResult = { kind: 'not_a_concern' } | { kind: 'opened' | 'already_open'; case: Case };

/**
 * A finished report that names a concern becomes a case with the report's reference,
 * whatever the citizen answered about SMS. Only when they consented is their number kept:
 * sealed, apart from the case and the answers, for this case only, until the case closes or
 * the retention period ends. Calling it again for the same report changes nothing (the
 * consent recorded is the first call's); a contact lost between the two writes is stored by
 * the repeat.
 */
export async function openCaseForReport(deps: CaseDeps, input: OpenCaseInput): Promise<OpenCaseResult> {
  const { response, definition } = input;
  if (response.status !== 'complete') throw new Error(`response ${response.id} is not complete: only a finished report opens a case`);
  const answers = Object.fromEntries(response.answers.map((a) => [a.questionId, a.value]));
  const concern = concernOf(definition, answers);
  if (!concern) return { kind: 'not_a_concern' };

  const reference = formatReference(response.id);
  const withContact = input.consent && input.e164 !== null;
  const at = response.completedAt ?? deps.clock.now();
  const record: Case = {
    reference,
    responseId: response.id,
    facilityCode: response.facilityCode,
    district: response.district,
    questionnaireId: response.questionnaireId,
    concern,
    lang: response.language,
    status: 'open',
    contactConsent: withContact,
    openedAt: at,
    updatedAt: at,
    firstActionAt: null,
    actionTakenAt: null,
    closedAt: null,
    resolvedByTimeout: false,
    revision: 0,
  };
  const opening: CaseTransition = {
    seq: 1,
    at,
    by: { kind: 'citizen', label: 'citizen report' },
    event: 'open',
    from: null,
    to: 'open',
    actionCode: null,
    note: null,
    channel: response.channel,
  };
  const opened = await deps.storage.cases.open(record, opening);
  const stored = opened ? record : await deps.storage.cases.get(reference);
  if (!stored) throw new Error(`case ${reference} was neither opened nor found`);

  if (stored.contactConsent && withContact && stored.closedAt === null && !(await deps.storage.caseContacts.get(reference))) {
    const now = deps.clock.now();
    await deps.storage.caseContacts.put({
      reference,
      sealed: deps.vault.seal(reference, input.e164!),
      keyId: deps.vault.keyId,
      numberHash: deps.vault.numberHash(input.e164!),
      storedAt: now,
      purgeAfter: new Date(now.getTime() + deps.contactRetentionDays * 86_400_000),
    });
  }
  return { kind: opened ? 'opened' : 'already_open', case: stored };
}

/** Deletes every sealed contact past its retention (run by the storage sweep); returns how many. */
export async function purgeExpiredContacts(deps: { storage: Store; clock: Clock }): Promise<number> {
  return deps.storage.caseContacts.purgeExpired(deps.clock.now());
}
