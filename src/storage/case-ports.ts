/**
 * Cases: a finished report that names a concern is followed up until the citizen says it is
 * solved (issue "close the loop"). A case is keyed by its report's reference, the response id
 * (src/gateways/ids.ts), so the number a citizen reads out is the key. Every change of status
 * is stored as a transition with who, when and what; the history is the list of transitions.
 *
 * The citizen's phone number is NOT part of a case. A citizen who consents to follow-up SMS
 * has an encrypted contact stored apart (CaseContactRepository), deleted when the case closes
 * or after the retention period, whichever comes first.
 */

import type { CaseEventType, CaseStatus } from '../engine/cases/case-machine.js';

// declared by the case machine (the engine is the bottom layer), kept here under the same names
export { CASE_EVENTS, CASE_STATUSES } from '../engine/cases/case-machine.js';
export type { CaseEventType, CaseStatus } from '../engine/cases/case-machine.js';

/** Who acted: a staff actor ("Thandi (editor)"), a manager ("manager ***1234"), the citizen, or the system. */
export type CaseActor = { kind: 'staff' | 'manager' | 'citizen' | 'system'; label: string };

export type CaseTransition = {
  /** 1 for the opening, then +1 per change; unique per case, so a repeated step is stored once */
  seq: number;
  at: Date;
  by: CaseActor;
  event: CaseEventType | 'open';
  from: CaseStatus | null;
  to: CaseStatus;
  /** what was done (an action code from the questionnaire's action list) for action_taken */
  actionCode: string | null;
  /** a manager's or staff member's short note; never a citizen's words */
  note: string | null;
  /** where it came from: 'ussd', 'sms', 'console', 'api', 'schedule' */
  channel: string;
};

export type Case = {
  /** the report's reference in printed form, "K7M3-P9QX-AB" */
  reference: string;
  responseId: string;
  facilityCode: string;
  district: string;
  questionnaireId: string;
  /** the concern as answer codes, e.g. { main_problem: 'long_wait' } */
  concern: Record<string, string | number>;
  /** the report's language, for the citizen's SMS */
  lang: string;
  status: CaseStatus;
  /** whether the citizen agreed to follow-up SMS (the contact itself is stored apart) */
  contactConsent: boolean;
  openedAt: Date;
  updatedAt: Date;
  /** when a manager first acknowledged or acted, for "days to action" */
  firstActionAt: Date | null;
  /** when the last action_taken happened, for "closed after no reply within M days" */
  actionTakenAt: Date | null;
  closedAt: Date | null;
  /** true when resolved because the citizen did not reply within M days */
  resolvedByTimeout: boolean;
  /** increases on every save; saves are compare-and-set */
  revision: number;
};

export type CaseFilter = { facilityCodes?: string[]; statuses?: CaseStatus[]; district?: string };

export interface CaseRepository {
  /** Opens a case with its first transition. False when a case for this reference exists (idempotent). */
  open(caseRecord: Case, opening: CaseTransition): Promise<boolean>;
  get(reference: string): Promise<Case | null>;
  /** The cases whose reference is keyed with these ten keypad digits (text/reference.ts keypadDigits), at most `limit`. */
  findByKeypad(digits: string, limit: number): Promise<Case[]>;
  /** Newest first. */
  list(filter: CaseFilter, limit: number): Promise<Case[]>;
  /**
   * Applies one change: saves `next` when the stored revision is still `expectedRevision`
   * (stored as expected + 1) and appends `transition`. False when the revision moved on.
   * `transition.seq` must be `expectedRevision + 2` (the opening is seq 1 at revision 0), so
   * the history and the revision cannot drift apart; anything else throws.
   */
  transition(next: Case, transition: CaseTransition, expectedRevision: number): Promise<boolean>;
  /** Oldest first. */
  history(reference: string): Promise<CaseTransition[]>;
}

/** A consenting citizen's number, encrypted (AES-256-GCM); the only phone number the service keeps. */
export type SealedContact = {
  reference: string;
  /** base64 of iv | ciphertext | tag; the key id says which key sealed it */
  sealed: string;
  keyId: string;
  /** keyed hash (HMAC) of the E.164 number, so an incoming SMS reply finds its case without decrypting every contact */
  numberHash: string;
  storedAt: Date;
  /** purge no later than this, even if the case is still open */
  purgeAfter: Date;
};

export interface CaseContactRepository {
  put(contact: SealedContact): Promise<void>;
  get(reference: string): Promise<SealedContact | null>;
  /** Deletes it (the case closed). */
  remove(reference: string): Promise<void>;
  /** Deletes every contact whose purgeAfter is before `now`; returns how many. */
  purgeExpired(now: Date): Promise<number>;
  /**
   * Looks up open-case references by a keyed hash of the sender's number (for replies by SMS),
   * newest stored first. Contacts go when their case closes, so every one found is open.
   */
  findByNumberHash(numberHash: string): Promise<string[]>;
}
