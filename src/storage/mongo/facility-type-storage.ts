import { Schema, type Connection } from 'mongoose';
import { isDuplicateKey } from './errors.js';
import type { FacilityType, FacilityTypeRepository } from '../facility-type-ports.js';

/**
 * Mongo version of the facility types repository: one document per type, its code as _id (so
 * the unique key is always set), its names per language as one sub-document, saved whole
 * with compare-and-set on the revision (replaceOne on {_id, revision}: no update pipelines).
 */

const { Mixed } = Schema.Types;
type Doc = Record<string, unknown>;

const facilityTypeSchema = new Schema(
  {
    _id: { type: String, required: true },
    names: Mixed,
    createdAt: Date,
    createdBy: String,
    updatedAt: Date,
    updatedBy: String,
    revision: Number,
  },
  { collection: 'facility_types', versionKey: false, minimize: false, autoIndex: false, autoCreate: false, id: false, strict: true },
);

function fromDoc(doc: Doc): FacilityType {
  const { _id, ...rest } = doc;
  return { code: String(_id), ...rest } as FacilityType;
}
function toDoc(type: FacilityType): Doc {
  const { code, ...rest } = type;
  return { _id: code, ...rest };
}

export function createMongoFacilityTypes(conn: Connection): FacilityTypeRepository {
  const types = conn.model('FacilityType', facilityTypeSchema);
  return {
    async create(type) {
      try {
        await types.create(toDoc(type));
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    },
    async get(code) {
      const d = await types.findById(code).lean<Doc>();
      return d ? fromDoc(d) : null;
    },
    async list() {
      const docs = await types.find().sort({ _id: 1 }).lean<Doc[]>();
      return docs.map(fromDoc);
    },
    async update(type, expectedRevision) {
      const r = await types.replaceOne({ _id: type.code, revision: expectedRevision }, { ...toDoc(type), revision: expectedRevision + 1 });
      return r.matchedCount === 1;
    },
  };
}
