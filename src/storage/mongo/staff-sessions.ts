import { Schema, type Connection } from 'mongoose';
import type { StaffSession, StaffSessionRepository } from '../staff-sessions.js';
import { options } from './schema-options.js';
import { isDuplicateKey } from './errors.js';

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

type Doc = Record<string, unknown>;

export function createMongoStaffSessions(conn: Connection): StaffSessionRepository {
  const sessions = conn.model('StaffSession', staffSessionSchema);
  const activeAt = (id: string, now: Date) => ({ _id: id, revokedAt: null, expiresAt: { $gt: now } });
  return {
    async create(session) {
      await sessions.deleteMany({ expiresAt: { $lte: session.createdAt } });
      const { id, ...rest } = session;
      try {
        await sessions.create({ _id: id, ...rest });
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    },
    async findActive(id, now) {
      const doc = await sessions.findOne(activeAt(id, now)).lean<Doc>();
      if (!doc) return null;
      const { _id, ...rest } = doc;
      return { id: _id, ...rest, revokedAt: (rest.revokedAt as Date | undefined) ?? null } as StaffSession;
    },
    async revoke(id, at) {
      const result = await sessions.updateOne(activeAt(id, at), { $set: { revokedAt: at } });
      return result.modifiedCount === 1;
    },
  };
}
