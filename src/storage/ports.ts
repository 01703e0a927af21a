import type { AnswerValue, QuestionnaireDefinition } from '../engine/definition.js';
import type { ResumePoint } from '../engine/conversation.js';
import type { SessionState } from '../engine/session-state.js';
import type { QuestionnaireTexts } from '../engine/texts.js';
import type { VoiceCallRepository, VoiceHopState } from './voice-calls.js';
import type { OutboxRepository, ResponseTally, ScorecardRepository, TallyQuery } from './scorecard-ports.js';

export type * from './scorecard-ports.js';

/**
 * Storage ports. Repositories take and return plain objects; each adapter (memory, mongo)
 * implements every port and passes the same contract suite (test/storage/contract.ts).
 */

export type Channel = 'ussd' | 'voice';

export type Manager = {
  name: string;
  /** E.164, e.g. +254711000111; managers' numbers are contact data, not respondent data */
  phone: string;
  language: string;
  role: 'facility' | 'district';
  active: boolean;
  optedOut: boolean;
};

export type Facility = {
  code: string;
  name: string;
  type: string;
  district: string;
  active: boolean;
  managers: Manager[];
};

export interface FacilityRepository {
  findByCode(code: string): Promise<Facility | null>;
  list(filter?: { district?: string; type?: string; activeOnly?: boolean }): Promise<Facility[]>;
  count(): Promise<number>;
  /**
   * The active facilities where an active manager is registered under this E.164 number
   * (any role), by code: how the manager's menu recognises who dials.
   */
  managedBy(phone: string): Promise<Facility[]>;
  /**
   * Whether any facility, active or not, lists this E.164 number among its managers, active
   * or not: while one does, the number's PIN is still someone's (a facility can be reactivated).
   */
  listsManager(phone: string): Promise<boolean>;
  /** Adds a facility; false (and nothing written) when its code is taken, even by a concurrent insert. */
  insert(facility: Facility): Promise<boolean>;
  /**
   * Inserts or replaces facilities by code, all or nothing: once it returns, every facility is
   * written; if it fails part-way the rest is written by the next sweep (Storage.sweep), and a
   * facility edited after the import started keeps its edit. Callers validate every row first.
   */
  upsertMany(facilities: Facility[]): Promise<{ inserted: number; updated: number }>;
}

export type QuestionnaireStatus = 'draft' | 'published' | 'retired';

export type QuestionnaireVersion = {
  id: string;
  version: number;
  status: QuestionnaireStatus;
  definition: QuestionnaireDefinition;
  texts: Record<string, QuestionnaireTexts>;
  createdAt: Date;
  publishedAt: Date | null;
  publishedBy: string | null;
};

export interface QuestionnaireRepository {
  getVersion(id: string, version: number): Promise<QuestionnaireVersion | null>;
  /**
   * Which version is the newest published one that serves a facility type: its id and number
   * only. Asked on every facility screen; the version itself is compiled once and kept.
   */
  latestPublishedForFacilityType(facilityType: string): Promise<{ id: string; version: number } | null>;
  latestPublished(id: string): Promise<QuestionnaireVersion | null>;
  listVersions(id?: string): Promise<QuestionnaireVersion[]>;
  /**
   * Publishes a new immutable version numbered after the newest one. Returns null when
   * another writer took that number first (the caller reloads and retries or reports).
   */
  insertVersion(version: QuestionnaireVersion): Promise<QuestionnaireVersion | null>;
  /**
   * Marks a published version retired: new sessions stop getting it, sessions pinned to it
   * still finish on it. False when there is no such published version.
   */
  retireVersion(id: string, version: number): Promise<boolean>;
}

export type ResponseStatus = 'in_progress' | 'complete' | 'abandoned';

export type StoredAnswer = { questionId: string; value: AnswerValue; at: Date };

/** A citizen's report as stored (named so it never shadows Express's or the DOM's Response). */
export type StoredResponse = {
  id: string;
  /** channel:sessionId of the session that started it; makes starting idempotent */
  sourceKey: string;
  facilityCode: string;
  facilityType: string;
  district: string;
  questionnaireId: string;
  questionnaireVersion: number;
  channel: Channel;
  language: string;
  /** HMAC of the phone number: never the number itself */
  respondentKey: string;
  answers: StoredAnswer[];
  status: ResponseStatus;
  /** where to continue after a dropped session */
  resumeState: ResumePoint | null;
  sessionIds: string[];
  startedAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  abandonedAt: Date | null;
  /** counted in scorecards: the first complete report per respondent, facility and window */
  counted: boolean;
  /** set when a complete report was not counted because an earlier one already was */
  duplicateOf: string | null;
  /** respondent|facility|window bucket; unique among counted responses */
  countKey: string | null;
};

export type NewResponse = Omit<StoredResponse, 'answers' | 'status' | 'completedAt' | 'abandonedAt' | 'counted' | 'duplicateOf' | 'countKey' | 'updatedAt'>;

export type ResponseFilter = {
  facilityCode?: string;
  district?: string;
  facilityType?: string;
  questionnaireId?: string;
  questionnaireVersion?: number;
  channel?: Channel;
  from?: Date;
  to?: Date;
  status?: ResponseStatus;
};

/** The dashboard's query: complete reports per facility and local day, and one rating question's answers. */
export type DailyFiguresQuery = {
  /** first local day, YYYY-MM-DD (inclusive) */
  fromDay: string;
  /** last local day, YYYY-MM-DD (inclusive) */
  toDay: string;
  /** per questionnaire version, the rating question to sum (its role is satisfaction) */
  ratings: Array<{ questionnaireId: string; questionnaireVersion: number; questionId: string }>;
};

export type DailyFigures = {
  facilityCode: string;
  day: string;
  /** complete reports (counted or not) */
  reports: number;
  /** how many of them answered the rating question, and the sum of those answers */
  ratings: number;
  ratingSum: number;
};

export interface ResponseRepository {
  /** Starts a response, or returns the one this sourceKey already started. */
  start(response: NewResponse): Promise<StoredResponse>;
  get(id: string): Promise<StoredResponse | null>;
  /**
   * Sets (or replaces) one answer and the resume point. Replaying it changes nothing. A
   * complete response is never changed: a late write to one does nothing (as do the next two).
   */
  recordAnswer(id: string, answer: StoredAnswer, resumeState: ResumePoint): Promise<void>;
  withdrawAnswer(id: string, questionId: string, resumeState: ResumePoint, at: Date): Promise<void>;
  saveProgress(id: string, resumeState: ResumePoint, at: Date): Promise<void>;
  /**
   * Marks a response complete on local day `day` (YYYY-MM-DD in the programme's time zone,
   * fixed from then on). It is counted unless another counted response holds the same
   * countKey, in which case it is stored, flagged with duplicateOf, and not counted.
   */
  complete(id: string, at: Date, countKey: string, day: string): Promise<StoredResponse>;
  /** Marks an in-progress response abandoned; other statuses are left alone. */
  markAbandoned(id: string, at: Date): Promise<void>;
  /** Re-attaches a resumed response to a new session. */
  resume(id: string, sessionId: string, at: Date): Promise<void>;
  /** The newest unfinished response of a respondent on a channel, updated at or after `since`. */
  findResumable(respondentKey: string, channel: Channel, since: Date): Promise<StoredResponse | null>;
  /** Streams responses oldest first, so exports run in constant memory. */
  stream(filter: ResponseFilter): AsyncIterable<StoredResponse>;
  /** Counted responses completed in [from, to), tallied per facility and questionnaire version. */
  tallyCounted(query: TallyQuery): Promise<ResponseTally[]>;
  /** Complete reports per facility and local day in the range, sorted by facility then day; days without reports are left out. */
  dailyFigures(query: DailyFiguresQuery): Promise<DailyFigures[]>;
}

/**
 * Per-session hop state for a channel. Short-lived: expires after `expiresAt`. The adapter
 * places `expiresAt` on its own clock (the database server's, for Mongo), so instances whose
 * clocks disagree still agree on which sessions are live.
 */
export type HopSession = {
  channel: Channel;
  sessionId: string;
  respondentKey: string;
  /** the USSD `text` (or voice input) of the last hop handled */
  lastInput: string;
  /** the reply sent for that hop, returned as-is when the same hop is repeated */
  lastReply: string;
  /** the conversation's (or the manager's menu's) state after that hop */
  engine: SessionState;
  /** which page of a long menu is on screen */
  page: number;
  responseId: string | null;
  /** increases on every write; writes are compare-and-set on it */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  /** voice calls only: reply sequence and retry count (see voice-calls.ts) */
  voice?: VoiceHopState;
};

export interface SessionRepository {
  get(channel: Channel, sessionId: string): Promise<HopSession | null>;
  /** Creates the session if absent; false when another hop created it first. */
  create(session: HopSession): Promise<boolean>;
  /** Saves if the stored revision is still `expectedRevision`; false when another hop won. */
  update(session: HopSession, expectedRevision: number): Promise<boolean>;
}

export interface RespondentRepository {
  getLanguage(respondentKey: string): Promise<string | null>;
  setLanguage(respondentKey: string, language: string, at: Date): Promise<void>;
}

export type { ApiToken, AuditEntry, AuditRepository, Draft, DraftRepository, DistrictRepository, TokenRepository } from './staff-ports.js';
import type { AuditRepository, DistrictRepository, DraftRepository, TokenRepository } from './staff-ports.js';
import type { StaffSessionRepository } from './staff-sessions.js';
import type { ManagerPinRepository } from './manager-pins.js';
export type { ManagerPin, ManagerPinRepository, ScryptParams } from './manager-pins.js';
import type { CharterRepository } from './charter-ports.js';
export type * from './charter-ports.js';
import type { FacilityTypeRepository } from './facility-type-ports.js';
export type * from './facility-type-ports.js';
import type { CaseContactRepository, CaseRepository } from './case-ports.js';
import type { SmsInboxRepository } from './sms-inbox.js';
export type { SmsInboxRepository } from './sms-inbox.js';
export type * from './case-ports.js';

/** Every repository of one storage adapter (named so it never shadows the DOM's Storage). */
export type Store = {
  /** which adapter this is, for logs and test output */
  kind: 'memory' | 'mongo';
  /**
   * Whether what is stored outlives the process: false for the memory adapter, whose data
   * (the outbox's exactly-once keys included) is gone at every restart. /readyz and the staff
   * pages say so, and work that must remember it was done (the scorecard catch-up at start)
   * is not run on it.
   */
  durable: boolean;
  facilities: FacilityRepository;
  /** the kinds of service staff manage, with their names in every language */
  facilityTypes: FacilityTypeRepository;
  questionnaires: QuestionnaireRepository;
  responses: ResponseRepository;
  sessions: SessionRepository;
  respondents: RespondentRepository;
  voiceCalls: VoiceCallRepository;
  /** staff pages: API tokens, audit log, questionnaire drafts, known districts */
  tokens: TokenRepository;
  audit: AuditRepository;
  drafts: DraftRepository;
  districts: DistrictRepository;
  /** signed-in staff browsers, so signing out ends a session on the server */
  staffSessions: StaffSessionRepository;
  /** managers' USSD PINs (a scrypt hash only), for programmes that require one */
  managerPins: ManagerPinRepository;
  scorecards: ScorecardRepository;
  outbox: OutboxRepository;
  /** commitment charters agreed at community dialogues */
  charters: CharterRepository;
  /** follow-up cases (a report that names a concern) and their history */
  cases: CaseRepository;
  /** the sealed number of a citizen who consented to follow-up SMS, kept apart from cases and answers */
  caseContacts: CaseContactRepository;
  /** the ids of incoming SMS already handled, so a repeated callback changes nothing twice */
  smsInbox: SmsInboxRepository;
  /**
   * Housekeeping, safe to run on every instance at any time, on every supported server: removes
   * expired sessions (where the server has no TTL index, this is their only expiry), forgets
   * the remembered language of respondents not seen since `respondentsSince`, and finishes
   * facility imports that stopped part-way. Works in small batches.
   */
  sweep(options: { respondentsSince: Date | null }): Promise<SweepResult>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
};

export type SweepResult = { sessions: number; respondents: number; imports: number };
