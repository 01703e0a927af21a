import type { SmsInboxRepository } from '../sms-inbox.js';

export function createMemorySmsInbox(): SmsInboxRepository {
  const seen = new Map<string, Date>();
  return {
    async claim(messageId, at) {
      if (seen.has(messageId)) return false;
      seen.set(messageId, at);
      return true;
    },
    async release(messageId) {
      seen.delete(messageId);
    },
  };
}
