/**
 * Incoming SMS already handled, by Africa's Talking's message id: the unique key that makes a
 * repeated incoming-SMS callback change nothing twice. Only the id and when it came are kept:
 * never the sender's number or the text.
 */
export type SmsInboxRepository = {
  /** Records the id; false when it was recorded before (a repeat), even by a concurrent call. */
  claim(messageId: string, at: Date): Promise<boolean>;
  /** Forgets a claim whose handling failed, so the provider's retry is handled. */
  release(messageId: string): Promise<void>;
};
