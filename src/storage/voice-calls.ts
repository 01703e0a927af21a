/**
 * The record of a finished voice call: what Africa's Talking reported in its last callback
 * (isActive=0). Kept apart from responses because a call can end before any response
 * exists, and one response can span several calls (drop and resume). No phone numbers.
 */
export type VoiceCallRecord = {
  sessionId: string;
  /** HMAC of the caller's number, when the call was seen */
  respondentKey: string | null;
  direction: 'inbound' | 'outbound' | null;
  /** the response this call worked on, if any */
  responseId: string | null;
  durationInSeconds: number | null;
  amount: number | null;
  currencyCode: string | null;
  hangupCause: string | null;
  endedAt: Date;
};

export interface VoiceCallRepository {
  /** Stores the end of a call once; a repeated end notification changes nothing and returns false. */
  recordEnd(call: VoiceCallRecord): Promise<boolean>;
  get(sessionId: string): Promise<VoiceCallRecord | null>;
}

/** Per-call voice state kept on the hop session, written with it in one compare-and-set. */
export type VoiceHopState = {
  /** sequence number of the last reply sent; its URLs carry ?seq= so AT's answer names it */
  seq: number;
};
