import { Schema } from 'mongoose';
import { options } from './schema-options.js';

/** Schemas for scorecards and the SMS outbox: fields and the unique keys exactly-once rests on. */

const { Mixed } = Schema.Types;

export const scorecardSchema = new Schema(
  {
    facilityCode: { type: String, required: true },
    facilityName: String,
    facilityType: String,
    district: String,
    period: { type: String, required: true },
    from: Date,
    to: Date,
    reports: Number,
    minCount: Number,
    shown: Boolean,
    satisfied: Number,
    satisfactionAnswers: Number,
    wouldRecommend: Number,
    recommendAnswers: Number,
    satisfiedPct: Number,
    recommendPct: Number,
    topProblem: Mixed,
    previous: Mixed,
    change: Number,
    rank: Mixed,
    computedAt: Date,
  },
  options('scorecards'),
);
// one scorecard per facility and period, whichever instance computes it first
scorecardSchema.index({ facilityCode: 1, period: 1 }, { unique: true });
scorecardSchema.index({ period: 1, district: 1 });

const deliverySchema = new Schema(
  { status: String, final: Boolean, failureReason: String, networkCode: String, retryCount: Number, at: Date },
  { _id: false, id: false, versionKey: false, minimize: false },
);

export const outboxSchema = new Schema(
  {
    // the message key (subject|period|recipient) is the document _id: unique by construction
    _id: { type: String, required: true },
    subjectKind: String,
    subjectCode: String,
    district: String,
    period: String,
    recipientTag: String,
    recipientName: String,
    phone: String,
    language: String,
    text: String,
    segments: Number,
    status: String,
    attempts: Number,
    nextAttemptAt: Date,
    leaseOwner: String,
    leaseExpiresAt: Date,
    providerMessageId: String,
    cost: String,
    lastError: String,
    createdAt: Date,
    updatedAt: Date,
    sentAt: Date,
    delivery: { type: deliverySchema, default: null },
    // internal: when the message can next be claimed, on the database server's clock: the
    // retry time while pending, the lease's end while sending, unset once sent or failed
    dueAt: Date,
    // internal: "id:<providerMessageId>" once sent with one, else "key:<message key>". Always
    // set and unique, so a delivery report finds one message without a partial index
    providerSlot: { type: String, required: true },
  },
  options('sms_outbox'),
);
// claimNext reads this index in order and takes the first due message: no blocking sort
outboxSchema.index({ dueAt: 1, _id: 1 });
outboxSchema.index({ providerSlot: 1 }, { unique: true });
outboxSchema.index({ period: 1, subjectCode: 1 });
