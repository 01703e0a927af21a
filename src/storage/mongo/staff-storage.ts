import { Schema, type Connection } from 'mongoose';
import { isDuplicateKey } from './errors.js';
import type { ApiToken, AuditEntry, AuditRepository, DistrictRepository, Draft, DraftRepository, TokenRepository } from '../staff-ports.js';
import { type Doc, docWithId, plainWithId } from './documents.js';
import { options } from './schema-options.js';

/**
 * Mongo versions of the staff repositories: schemas, unique keys and thin queries only.
 * Drafts keep their definition and texts as Mixed: they may be invalid while being edited.
 */

const { Mixed } = Schema.Types;

const tokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: String,
    role: String,
    facilities: { type: [String], default: undefined },
    hash: { type: String, required: true },
    createdAt: Date,
    createdBy: String,
    revokedAt: Date,
  },
  options('api_tokens'),
);
tokenSchema.index({ hash: 1 }, { unique: true });

const auditSchema = new Schema({ _id: { type: String, required: true }, at: Date, actor: String, action: String, target: String, details: Mixed }, options('audit_log'));
auditSchema.index({ at: -1, _id: -1 });
auditSchema.index({ target: 1, at: -1 });

const draftSchema = new Schema(
  {
    _id: { type: String, required: true },
    questionnaireId: String,
    basedOn: Number,
    definition: Mixed,
    texts: Mixed,
    createdAt: Date,
    createdBy: String,
    updatedAt: Date,
    updatedBy: String,
    revision: Number,
  },
  options('questionnaire_drafts'),
);
draftSchema.index({ questionnaireId: 1, createdAt: 1 });

const districtSchema = new Schema({ _id: { type: String, required: true } }, options('districts'));

export async function createMongoStaffStorage(conn: Connection): Promise<{
  tokens: TokenRepository;
  audit: AuditRepository;
  drafts: DraftRepository;
  districts: DistrictRepository;
}> {
  const tokens = conn.model('ApiToken', tokenSchema);
  const audit = conn.model('AuditEntry', auditSchema);
  const drafts = conn.model('QuestionnaireDraft', draftSchema);
  const districts = conn.model('District', districtSchema);
  // their indexes are built with every other collection's, in createMongoStorage (indexes.ts)

  const insert = async (model: typeof tokens, doc: Doc) => {
    try {
      await model.create(doc);
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  };
  // a draft's definition may hold undefined-free JSON only; `null` revokedAt etc. are kept as given
  return {
    tokens: {
      insert: (t) => insert(tokens, docWithId(t)),
      async findByHash(hash) {
        const d = await tokens.findOne({ hash }).lean<Doc>();
        return d ? plainWithId<ApiToken>(d) : null;
      },
      async get(id) {
        const d = await tokens.findById(id).lean<Doc>();
        return d ? plainWithId<ApiToken>(d) : null;
      },
      async list() {
        const docs = await tokens.find().sort({ createdAt: -1, _id: -1 }).lean<Doc[]>();
        return docs.map((d) => plainWithId<ApiToken>(d));
      },
      async revoke(id, at) {
        const r = await tokens.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at } });
        return r.matchedCount === 1;
      },
    },
    audit: {
      async append(entry) {
        await audit.create(docWithId(entry));
      },
      async list(filter = {}) {
        const q: Doc = {};
        if (filter.targetPrefix) q.target = { $regex: `^${filter.targetPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` };
        const docs = await audit
          .find(q)
          .sort({ at: -1, _id: -1 })
          .limit(filter.limit ?? 100)
          .lean<Doc[]>();
        return docs.map((d) => plainWithId<AuditEntry>(d));
      },
    },
    drafts: {
      create: (d) => insert(drafts as unknown as typeof tokens, docWithId(d)),
      async get(id) {
        const d = await drafts.findById(id).lean<Doc>();
        return d ? plainWithId<Draft>(d) : null;
      },
      async list(questionnaireId) {
        const docs = await drafts
          .find(questionnaireId ? { questionnaireId } : {})
          .sort({ createdAt: 1, _id: 1 })
          .lean<Doc[]>();
        return docs.map((d) => plainWithId<Draft>(d));
      },
      async update(draft, expectedRevision) {
        const r = await drafts.replaceOne({ _id: draft.id, revision: expectedRevision }, { ...docWithId(draft), revision: expectedRevision + 1 });
        return r.matchedCount === 1;
      },
      async delete(id) {
        const r = await drafts.deleteOne({ _id: id });
        return r.deletedCount === 1;
      },
    },
    districts: {
      async list() {
        const docs = await districts.find().sort({ _id: 1 }).lean<Doc[]>();
        return docs.map((d) => String(d._id));
      },
      add: (name) => insert(districts as unknown as typeof tokens, { _id: name }),
    },
  };
}
