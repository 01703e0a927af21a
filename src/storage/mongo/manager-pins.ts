import { Schema, type Connection } from 'mongoose';
import type { ManagerPin, ManagerPinRepository } from '../manager-pins.js';
import { options } from './schema-options.js';
import { type Doc, plainWithId } from './documents.js';

/**
 * Managers' PIN hashes in Mongo, kept to the portable basics (MongoDB and FerretDB alike): the
 * number is the plain unique _id, and a wrong PIN is counted with one atomic $inc, so two hops
 * at once both count.
 */
const managerPinSchema = new Schema(
  {
    _id: { type: String, required: true },
    hash: { type: String, required: true },
    salt: { type: String, required: true },
    params: { N: Number, r: Number, p: Number, keylen: Number },
    failures: Number,
    lockedUntil: Date,
    updatedAt: Date,
  },
  options('manager_pins'),
);

export function createMongoManagerPins(conn: Connection): ManagerPinRepository {
  const pins = conn.model('ManagerPin', managerPinSchema);
  const plain = (doc: Doc): ManagerPin => {
    const pin = plainWithId<ManagerPin>(doc, 'phone');
    return { ...pin, params: { N: pin.params.N, r: pin.params.r, p: pin.params.p, keylen: pin.params.keylen }, failures: pin.failures ?? 0, lockedUntil: pin.lockedUntil ?? null };
  };
  return {
    async get(phone) {
      const doc = await pins.findOne({ _id: phone }).lean<Doc>();
      return doc ? plain(doc) : null;
    },
    async set({ phone, hash, salt, params, updatedAt }) {
      await pins.replaceOne({ _id: phone }, { hash, salt, params, failures: 0, lockedUntil: null, updatedAt }, { upsert: true });
    },
    async remove(phone) {
      return (await pins.deleteOne({ _id: phone })).deletedCount === 1;
    },
    async recordFailure(phone, at) {
      const doc = await pins.findOneAndUpdate({ _id: phone }, { $inc: { failures: 1 }, $set: { updatedAt: at } }, { returnDocument: 'after' }).lean<Doc>();
      return doc ? Number(doc.failures ?? 0) : 0;
    },
    async lock(phone, until, at) {
      await pins.updateOne({ _id: phone }, { $set: { failures: 0, lockedUntil: until, updatedAt: at } });
    },
    async clearFailures(phone, at) {
      await pins.updateOne({ _id: phone }, { $set: { failures: 0, lockedUntil: null, updatedAt: at } });
    },
  };
}
