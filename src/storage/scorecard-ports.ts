/**
 * Ports for the scorecard pipeline: the per-facility tally of a period's counted responses,
 * the scorecards computed from it, and the SMS outbox. Exactly-once rests on unique keys
 * in storage: a scorecard per (facility, period), an outbox message per (facility or
 * district, period, recipient), and a send lease taken by an atomic find-and-update.
 */

export type AnswerCount = { questionId: string; value: string | number; count: number };

/** Counted responses of one facility and questionnaire version in a time range. */
export type ResponseTally = {
  facilityCode: string;
  facilityType: string;
  district: string;
  questionnaireId: string;
  questionnaireVersion: number;
  /** counted responses completed in the range */
  reports: number;
  /** how often each (question, value) was answered, for the questions asked about only */
  answers: AnswerCount[];
};

export type TallyQuery = {
  /** completedAt >= from */
  from: Date;
  /** completedAt < to */
  to: Date;
  /** the question ids whose answers to count; others are ignored */
  questionIds: string[];
  /**
   * Only responses that gave this answer (a disaggregation: the reports of women, of 18-34
   * year olds); absent: every counted response.
   */
  answered?: { questionId: string; value: string };
};

export type ProblemCount = { questionnaireId: string; questionId: string; code: string; count: number };

export type Scorecard = {
  facilityCode: string;
  facilityName: string;
  facilityType: string;
  district: string;
  /** "2026-10" or "2026-W41" */
  period: string;
  from: Date;
  to: Date;
  reports: number;
  /** the minimum count in force when it was computed */
  minCount: number;
  /** reports >= minCount: only then are shares, change and rank shown */
  shown: boolean;
  satisfied: number;
  satisfactionAnswers: number;
  wouldRecommend: number;
  recommendAnswers: number;
  /** whole percentages; null when not shown or nobody answered */
  satisfiedPct: number | null;
  recommendPct: number | null;
  /** the most common problem other than "no problem"; null when none was reported */
  topProblem: ProblemCount | null;
  previous: { period: string; reports: number; satisfiedPct: number | null } | null;
  /** satisfied share change in percentage points since the previous period, when both are shown */
  change: number | null;
  /** among shown facilities of the same type in the district, 1 = best */
  rank: { position: number; of: number } | null;
  computedAt: Date;
};

export type ScorecardFilter = { period?: string; facilityCode?: string; district?: string; limit?: number };

export interface ScorecardRepository {
  /** Stores the scorecard unless one exists for (facility, period); returns the stored one. */
  saveIfAbsent(scorecard: Scorecard): Promise<{ scorecard: Scorecard; created: boolean }>;
  get(facilityCode: string, period: string): Promise<Scorecard | null>;
  /** sorted by period, then facility code */
  list(filter?: ScorecardFilter): Promise<Scorecard[]>;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** Delivery report statuses Africa's Talking posts; the first five are final. */
export type DeliveryStatus = 'Success' | 'Failed' | 'Rejected' | 'AbsentSubscriber' | 'Expired' | 'Sent' | 'Submitted' | 'Buffered';

export type Delivery = {
  status: DeliveryStatus;
  final: boolean;
  failureReason: string | null;
  networkCode: string | null;
  retryCount: number | null;
  at: Date;
};

export type OutboxMessage = {
  /** `${subjectKind}:${subjectCode}|${period}|${recipientTag}`: unique */
  key: string;
  subjectKind: 'facility' | 'district';
  subjectCode: string;
  /** the facility's district, or the district itself */
  district: string;
  period: string;
  /** a keyed hash of the phone number: safe to log */
  recipientTag: string;
  recipientName: string;
  /** E.164; never logged, masked in staff output */
  phone: string;
  language: string;
  text: string;
  segments: number;
  status: OutboxStatus;
  /** send attempts started (claims) */
  attempts: number;
  /** pending messages are not claimed before this */
  nextAttemptAt: Date;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  providerMessageId: string | null;
  cost: string | null;
  /** why it failed for good, or the last transient error */
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  delivery: Delivery | null;
};

export type NewOutboxMessage = Pick<
  OutboxMessage,
  'key' | 'subjectKind' | 'subjectCode' | 'district' | 'period' | 'recipientTag' | 'recipientName' | 'phone' | 'language' | 'text' | 'segments' | 'createdAt'
>;

export type OutboxFilter = { period?: string; subjectCode?: string; status?: OutboxStatus; limit?: number };

export interface OutboxRepository {
  /** Inserts the message unless its key exists; the first text written wins. */
  enqueue(message: NewOutboxMessage): Promise<{ message: OutboxMessage; created: boolean }>;
  /**
   * Atomically takes one message to send: a pending one due at `now`, or a sending one
   * whose lease expired (its sender died). Sets status sending, the lease, attempts + 1.
   * Two callers never get the same message while a lease is live.
   */
  claimNext(owner: string, now: Date, leaseMs: number): Promise<OutboxMessage | null>;
  /** The provider accepted it. Only the lease holder can; false if the lease was lost. */
  markSent(key: string, owner: string, result: { providerMessageId: string | null; cost: string | null; at: Date }): Promise<boolean>;
  /** Failed for good. Only the lease holder can. */
  markFailed(key: string, owner: string, reason: string, at: Date): Promise<boolean>;
  /** A transient failure: back to pending, due again at `retryAt`. Only the lease holder can. */
  retryLater(key: string, owner: string, error: string, retryAt: Date, at: Date): Promise<boolean>;
  /**
   * Records a delivery report by the provider's message id. A final status is never
   * replaced, so repeated or late reports change nothing. null when the id is unknown.
   */
  recordDelivery(providerMessageId: string, delivery: Delivery): Promise<OutboxMessage | null>;
  get(key: string): Promise<OutboxMessage | null>;
  /** sorted by period, then key */
  list(filter?: OutboxFilter): Promise<OutboxMessage[]>;
}
