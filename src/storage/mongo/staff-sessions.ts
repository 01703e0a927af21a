import { Schema, type Connection } from 'mongoose';
import type { StaffSession, StaffSessionRepository } from '../staff-sessions.js';
import { options } from './schema-options.js';
import { isDuplicateKey } from './errors.js';
import { type Doc, docWithId, plainWithId } from './documents.js';

/**
 * Staff sessions in Mongo, kept to the portable basics (MongoDB and FerretDB alike): the
 * session's hash is the plain unique _id, reads and writes are findOne/updateOne, and expiry
 * is part of every query rather than left to a TTL index. Expired sessions are deleted when a
 * new one starts (sign-ins are rare), so no index beyond _id is needed.
 */
const staffSessionSchema = new Schema(
  { _id: { type: String, required: true }, tokenId: { type: String, required: true }, createdAt: Date, expiresAt: Date, revokedAt: Date },
  options('staff_sessions'),
);

export function createMongoStaffSessions(conn: Connection): StaffSessionRepository {
  const sessions = conn.model('StaffSession', staffSessionSchema);
  const activeAt = (id: string, now: Date) => ({ _id: id, revokedAt: null, expiresAt: { $gt: now } });
  return {
    async create(session) {
      await sessions.deleteMany({ expiresAt: { $lte: session.createdAt } });
      try {
        await sessions.create(docWithId(session));
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    },
    async findActive(id, now) {
      const doc = await sessions.findOne(activeAt(id, now)).lean<Doc>();
      if (!doc) return null;
      const session = plainWithId<StaffSession>(doc);
      // a session never revoked was stored without the field
      return { ...session, revokedAt: session.revokedAt ?? null };
    },
    async revoke(id, at) {
      const result = await sessions.updateOne(activeAt(id, at), { $set: { revokedAt: at } });
      return result.modifiedCount === 1;
    },
  };
}
