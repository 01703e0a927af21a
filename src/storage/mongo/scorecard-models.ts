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
  },
  options('sms_outbox'),
);
// claimNext: due pending messages, and sending ones whose lease ran out
outboxSchema.index({ status: 1, nextAttemptAt: 1 });
outboxSchema.index({ status: 1, leaseExpiresAt: 1 });
outboxSchema.index({ providerMessageId: 1 }, { unique: true, partialFilterExpression: { providerMessageId: { $type: 'string' } } });
outboxSchema.index({ period: 1, subjectCode: 1 });
