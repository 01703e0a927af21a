import { Schema, type Connection } from 'mongoose';
import { isDuplicateKey } from './errors.js';
import type { VoiceCallRecord, VoiceCallRepository } from '../voice-calls.js';
import { type Doc, plainFromDoc } from './documents.js';
import { options } from './schema-options.js';

/** Finished voice calls; the unique sessionId makes a repeated end notification a no-op. */
const voiceCallSchema = new Schema(
  {
    sessionId: { type: String, required: true },
    respondentKey: String,
    direction: String,
    responseId: String,
    durationInSeconds: Number,
    amount: Number,
    currencyCode: String,
    hangupCause: String,
    endedAt: Date,
  },
  options('voice_calls'),
);
voiceCallSchema.index({ sessionId: 1 }, { unique: true });
voiceCallSchema.index({ responseId: 1 });

export async function createMongoVoiceCalls(conn: Connection): Promise<VoiceCallRepository> {
  // its indexes are built with every other collection's, in createMongoStorage (indexes.ts)
  const calls = conn.model('VoiceCall', voiceCallSchema);
  return {
    async recordEnd(call) {
      try {
        await calls.create({ ...call });
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    },
    async get(sessionId) {
      const doc = await calls.findOne({ sessionId }).lean<Doc>();
      return doc ? plainFromDoc<VoiceCallRecord>(doc) : null;
    },
  };
}
