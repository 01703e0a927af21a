import { Schema, type Connection } from 'mongoose';
import { outboxSchema, scorecardSchema } from './scorecard-models.js';
import { options } from './schema-options.js';

/**
 * Mongoose schemas: field types, collections and indexes only. No methods, statics, hooks
 * or virtuals: the adapter reads with `.lean()` and hands out plain objects.
 *
 * Nested engine state (definitions, texts, persisted machines, answer values) is stored as
 * Mixed: it is validated by the engine's zod schemas before it gets here, and Mongoose must
 * not reshape it.
 */

const { Mixed } = Schema.Types;

const managerSchema = new Schema(
  {
    name: String,
    phone: String,
    language: String,
    role: String,
    active: Boolean,
    optedOut: Boolean,
  },
  { _id: false, id: false, versionKey: false, minimize: false },
);

export const facilitySchema = new Schema(
  {
    code: { type: String, required: true },
    name: String,
    type: String,
    district: String,
    active: Boolean,
    managers: { type: [managerSchema], default: undefined },
    // internal: the server time of the last write, so a recovered import never overwrites a later edit
    writtenAt: Date,
  },
  options('facilities'),
);
facilitySchema.index({ code: 1 }, { unique: true });
// a caller's number among the managers: the first hop of every USSD session asks it
facilitySchema.index({ 'managers.phone': 1 });

/** An accepted import, kept until every facility in it is written (see upsertMany). */
export const facilityImportSchema = new Schema(
  {
    _id: { type: String, required: true },
    facilities: Mixed,
    startedAt: Date,
    by: String,
  },
  options('facility_imports'),
);
facilityImportSchema.index({ startedAt: 1 });

export const questionnaireVersionSchema = new Schema(
  {
    id: { type: String, required: true },
    version: { type: Number, required: true },
    status: String,
    definition: Mixed,
    texts: Mixed,
    createdAt: Date,
    publishedAt: Date,
    publishedBy: String,
  },
  options('questionnaire_versions'),
);
questionnaireVersionSchema.index({ id: 1, version: 1 }, { unique: true });
questionnaireVersionSchema.index({ 'definition.facilityTypes': 1, status: 1, version: -1 });

export const responseSchema = new Schema(
  {
    // the response id is the document _id
    _id: { type: String, required: true },
    sourceKey: { type: String, required: true },
    facilityCode: String,
    facilityType: String,
    district: String,
    questionnaireId: String,
    questionnaireVersion: Number,
    channel: String,
    language: String,
    respondentKey: String,
    // a map questionId -> { value, at }, in answer order: `$set` on answers.<questionId> records
    // or replaces one answer in a single write that a replay or a concurrent copy repeats
    // harmlessly, on every server (no update pipeline, no positional operator, no array filter)
    answers: Mixed,
    status: String,
    resumeState: Mixed,
    sessionIds: { type: [String], default: undefined },
    startedAt: Date,
    updatedAt: Date,
    completedAt: Date,
    abandonedAt: Date,
    counted: Boolean,
    duplicateOf: String,
    countKey: String,
    // internal, never handed out: the countKey while counted, else "none:<id>". Always set, so
    // one plain unique index makes "one counted report per key" hold on every server (no
    // partial index, which FerretDB and DocumentDB lack)
    countSlot: { type: String, required: true },
    // internal: the local day (TIME_ZONE) it was completed on, for the dashboard's group stage
    completedDay: String,
    // internal: increases on every write; completing is a compare-and-set on it
    rev: Number,
  },
  options('responses'),
);
responseSchema.index({ sourceKey: 1 }, { unique: true });
responseSchema.index({ countSlot: 1 }, { unique: true });
responseSchema.index({ respondentKey: 1, channel: 1, updatedAt: -1 });
// exports stream in (startedAt, _id) order, read from one of these so the server never sorts in memory
responseSchema.index({ facilityCode: 1, startedAt: 1, _id: 1 });
responseSchema.index({ district: 1, startedAt: 1, _id: 1 });
responseSchema.index({ startedAt: 1, _id: 1 });
// the scorecard tally ($match on counted and a completedAt range; see scorecard-storage.ts)
responseSchema.index({ counted: 1, completedAt: 1 });
// the dashboard ($match on a range of local days, grouped by facility and day)
responseSchema.index({ completedDay: 1, facilityCode: 1 });

export const sessionSchema = new Schema(
  {
    channel: { type: String, required: true },
    sessionId: { type: String, required: true },
    respondentKey: String,
    lastInput: String,
    lastReply: String,
    engine: Mixed,
    page: Number,
    responseId: String,
    revision: Number,
    createdAt: Date,
    updatedAt: Date,
    expiresAt: Date,
    voice: Mixed,
    // internal: expiresAt on the database server's clock (see server-clock.ts); the TTL index
    // and the sweep remove a session after it, and reads ignore it from then on
    ttlAt: Date,
  },
  options('sessions'),
);
sessionSchema.index({ channel: 1, sessionId: 1 }, { unique: true });
sessionSchema.index({ ttlAt: 1 }, { expireAfterSeconds: 0 });

/**
 * One document per compare-and-set won, where the server does not apply a conditional update
 * atomically (FerretDB 1.24): its unique _id ("<channel>:<sessionId>@<createdAt>#<revision>",
 * or "<outbox key>#<attempt>") lets exactly one writer take each step. Swept after a day.
 */
export const claimSchema = (collection: string) => {
  const schema = new Schema({ _id: { type: String, required: true }, owner: String, at: Date }, options(collection));
  schema.index({ at: 1 });
  return schema;
};

export const respondentSchema = new Schema(
  {
    // the respondent key (an HMAC of the phone number) is the document _id
    _id: { type: String, required: true },
    language: String,
    updatedAt: Date,
  },
  options('respondents'),
);
// the retention sweep removes languages not chosen again within RESPONDENT_RETENTION_DAYS
respondentSchema.index({ updatedAt: 1 });

/** Bookkeeping of the adapter itself (failed index builds); tiny. */
export const storageMetaSchema = new Schema({ _id: { type: String, required: true }, error: String, at: Date, by: String }, options('storage_meta'));

export function registerModels(conn: Connection) {
  return {
    facilities: conn.model('Facility', facilitySchema),
    facilityImports: conn.model('FacilityImport', facilityImportSchema),
    questionnaires: conn.model('QuestionnaireVersion', questionnaireVersionSchema),
    responses: conn.model('Response', responseSchema),
    sessions: conn.model('HopSession', sessionSchema),
    respondents: conn.model('Respondent', respondentSchema),
    scorecards: conn.model('Scorecard', scorecardSchema),
    outbox: conn.model('OutboxMessage', outboxSchema),
    outboxClaims: conn.model('OutboxClaim', claimSchema('sms_claims')),
    sessionClaims: conn.model('SessionClaim', claimSchema('session_claims')),
    meta: conn.model('StorageMeta', storageMetaSchema),
  };
}

export type Models = ReturnType<typeof registerModels>;
