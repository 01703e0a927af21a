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
  },
  options('facilities'),
);
facilitySchema.index({ code: 1 }, { unique: true });

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

const answerSchema = new Schema(
  { questionId: String, value: Mixed, at: Date },
  { _id: false, id: false, versionKey: false, minimize: false },
);

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
    answers: { type: [answerSchema], default: undefined },
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
  },
  options('responses'),
);
responseSchema.index({ sourceKey: 1 }, { unique: true });
// only counted responses carry a countKey; duplicates and unfinished ones keep it null
responseSchema.index({ countKey: 1 }, { unique: true, partialFilterExpression: { countKey: { $type: 'string' } } });
responseSchema.index({ facilityCode: 1, startedAt: 1 });
responseSchema.index({ respondentKey: 1, channel: 1, updatedAt: -1 });
// exports and the dashboard stream in this order: the index lets the cursor stream instead of sorting in memory
responseSchema.index({ startedAt: 1, _id: 1 });
// the scorecard tally ($match on counted and a completedAt range; see scorecard-storage.ts)
responseSchema.index({ counted: 1, completedAt: 1 });

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
  },
  options('sessions'),
);
sessionSchema.index({ channel: 1, sessionId: 1 }, { unique: true });
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export const respondentSchema = new Schema(
  {
    // the respondent key (an HMAC of the phone number) is the document _id
    _id: { type: String, required: true },
    language: String,
    updatedAt: Date,
  },
  options('respondents'),
);

export function registerModels(conn: Connection) {
  return {
    facilities: conn.model('Facility', facilitySchema),
    questionnaires: conn.model('QuestionnaireVersion', questionnaireVersionSchema),
    responses: conn.model('Response', responseSchema),
    sessions: conn.model('HopSession', sessionSchema),
    respondents: conn.model('Respondent', respondentSchema),
    scorecards: conn.model('Scorecard', scorecardSchema),
    outbox: conn.model('OutboxMessage', outboxSchema),
  };
}

export type Models = ReturnType<typeof registerModels>;
