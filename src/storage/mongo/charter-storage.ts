import { Schema, type Connection } from 'mongoose';
import { isDuplicateKey } from './errors.js';
import type { Charter, CharterRepository } from '../charter-ports.js';
import { type Doc, docWithId, plainWithId } from './documents.js';
import { options } from './schema-options.js';

/**
 * Mongo version of the charters repository: one document per charter, its actions and
 * updates as arrays (validated by the use cases), saved whole with compare-and-set on the
 * revision (replaceOne on {_id, revision}: no update pipelines).
 */

const { Mixed } = Schema.Types;

const charterSchema = new Schema(
  {
    _id: { type: String, required: true },
    facilityCode: { type: String, required: true },
    dialogueDate: { type: String, required: true },
    attendance: Mixed,
    topIssues: Mixed,
    actions: Mixed,
    updates: Mixed,
    createdAt: Date,
    createdBy: String,
    updatedAt: Date,
    updatedBy: String,
    revision: Number,
  },
  options('charters'),
);
charterSchema.index({ facilityCode: 1, dialogueDate: -1, createdAt: -1, _id: -1 });

function fromDoc(doc: Doc): Charter {
  const charter = plainWithId<Charter>(doc);
  // dates inside Mixed arrays come back as Dates from the driver; keep the type exact anyway
  charter.updates = charter.updates.map((u) => ({ ...u, at: new Date(u.at) }));
  return charter;
}
const toDoc = (charter: Charter): Doc => docWithId(charter);

/** Registers the model (its index is built with every other collection's, in indexes.ts). */
export function createMongoCharters(conn: Connection): CharterRepository {
  const charters = conn.model('Charter', charterSchema);
  return {
    async create(charter) {
      try {
        await charters.create(toDoc(charter));
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    },
    async get(id) {
      const d = await charters.findById(id).lean<Doc>();
      return d ? fromDoc(d) : null;
    },
    async listForFacility(facilityCode) {
      const docs = await charters.find({ facilityCode }).sort({ dialogueDate: -1, createdAt: -1, _id: -1 }).lean<Doc[]>();
      return docs.map(fromDoc);
    },
    async list() {
      const docs = await charters.find().sort({ facilityCode: 1, dialogueDate: -1, createdAt: -1, _id: -1 }).lean<Doc[]>();
      return docs.map(fromDoc);
    },
    async update(charter, expectedRevision) {
      const r = await charters.replaceOne({ _id: charter.id, revision: expectedRevision }, { ...toDoc(charter), revision: expectedRevision + 1 });
      return r.matchedCount === 1;
    },
  };
}
