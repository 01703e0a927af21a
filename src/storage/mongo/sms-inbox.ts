import { Schema, type Connection } from 'mongoose';
import { isDuplicateKey } from './errors.js';
import type { SmsInboxRepository } from '../sms-inbox.js';
import { options } from './schema-options.js';

/** Incoming SMS handled: `_id` is Africa's Talking's message id, so the insert is the claim (no index beyond _id). */
const smsInboxSchema = new Schema({ _id: { type: String, required: true }, receivedAt: Date }, options('sms_inbox'));

export function createMongoSmsInbox(conn: Connection): SmsInboxRepository {
  const inbox = conn.model('SmsInbox', smsInboxSchema);
  return {
    async claim(messageId, at) {
      try {
        await inbox.create({ _id: messageId, receivedAt: at });
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    },
    async release(messageId) {
      await inbox.deleteOne({ _id: messageId });
    },
  };
}
