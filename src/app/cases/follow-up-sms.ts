import { messageIn, requiredMessageIn } from '../locale-messages.js';
import type { ContactVault } from '../../gateways/contact-vault.js';
import type { Case, NewOutboxMessage, OutboxMessage, Store } from '../../storage/ports.js';
import { smsSegments } from '../../text/gsm.js';
import type { CaseTexts } from './case-texts.js';

/**
 * The follow-up SMS of a case go through the scorecards' outbox, so they are sent exactly once
 * by unique keys and leases like every other SMS. A message to a citizen is stored WITHOUT
 * their number (`phone` is empty): the sender opens the case's sealed contact at send time
 * (citizenPhoneAtSend), so the outbox never holds a citizen's number at rest, and a contact
 * deleted before the send (the case closed, the retention ended) means the message is not
 * sent at all.
 */

/** What the SMS may spend: 2 segments (306 GSM-7 characters, 134 UCS-2). */
export const CASE_SMS_SEGMENTS = 2;

export type CaseSmsDeps = { storage: Store; texts: CaseTexts; defaultLanguage: string };

export type CaseSms = { text: string; segments: number };

/** A text of cases.json in `lang` (falling back to the default language), with its SMS segments. */
export function caseSms(deps: Pick<CaseSmsDeps, 'texts' | 'defaultLanguage'>, lang: string, key: string, values: Record<string, string | number>): CaseSms {
  const text = requiredMessageIn(deps.texts, lang, deps.defaultLanguage, key, values);
  return { text, segments: smsSegments(text).segments };
}

/** The language a case's SMS is written in: the report's, when cases.json exists in it. */
export const caseLanguage = (deps: Pick<CaseSmsDeps, 'texts' | 'defaultLanguage'>, c: Case) => (deps.texts[c.lang] ? c.lang : deps.defaultLanguage);

/** The key of the citizen's SMS about the step `seq` of a case: one per case and step. */
export const citizenSmsKey = (reference: string, seq: number) => `case:${reference}|step-${seq}|citizen`;

/** The action's words in `lang`, or its code when no text names it. */
function actionWords(deps: Pick<CaseSmsDeps, 'texts' | 'defaultLanguage'>, lang: string, code: string): string {
  return messageIn(deps.texts, lang, deps.defaultLanguage, `action.${code}`) ?? code;
}

/**
 * "Your report K7M3-P9QX-AB at Riverside Clinic: <action>. Reply 1 if solved, 2 if not.",
 * queued once for the case's latest action_taken step when the citizen consented and their
 * contact is still kept. Safe to call any number of times (the key is per case and step);
 * returns whether this call queued it.
 */
export async function queueCitizenActionSms(deps: CaseSmsDeps, c: Case): Promise<boolean> {
  if (c.status !== 'action_taken' || !c.contactConsent) return false;
  const history = await deps.storage.cases.history(c.reference);
  const step = [...history].reverse().find((t) => t.event === 'action_taken');
  if (!step) return false;
  const key = citizenSmsKey(c.reference, step.seq);
  if (await deps.storage.outbox.get(key)) return false;
  if (!(await deps.storage.caseContacts.get(c.reference))) return false;
  const facility = await deps.storage.facilities.findByCode(c.facilityCode);
  const language = caseLanguage(deps, c);
  const sms = caseSms(deps, language, 'sms.action_taken', {
    ref: c.reference,
    facility: facility?.name ?? c.facilityCode,
    action: actionWords(deps, language, step.actionCode ?? 'other'),
  });
  const { created } = await deps.storage.outbox.enqueue(citizenMessage(c, key, `step-${step.seq}`, language, sms, step.at));
  return created;
}

/** An outbox message to the citizen of a case: no number in it (it is opened at send time). */
export function citizenMessage(c: Case, key: string, period: string, language: string, sms: CaseSms, at: Date): NewOutboxMessage {
  return {
    key,
    subjectKind: 'case',
    subjectCode: c.reference,
    district: c.district,
    period,
    recipientTag: 'citizen',
    recipientName: 'citizen',
    phone: '',
    language,
    text: sms.text,
    segments: sms.segments,
    createdAt: at,
  };
}

/**
 * Where the sender sends a message: a case message to the number opened from the case's sealed
 * contact (null when it is gone or this key cannot open it: not sent), any other to its phone.
 */
export function citizenPhoneAtSend(deps: { storage: Store; vault: ContactVault }) {
  return async (message: OutboxMessage): Promise<string | null> => {
    if (message.subjectKind !== 'case' || message.phone !== '') return message.phone;
    const contact = await deps.storage.caseContacts.get(message.subjectCode);
    return contact ? deps.vault.open(message.subjectCode, contact.sealed) : null;
  };
}
