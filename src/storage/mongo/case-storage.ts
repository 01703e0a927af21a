import { Schema, type Connection } from 'mongoose';
import { isDuplicateKey } from './errors.js';
import type { Case, CaseContactRepository, CaseRepository, CaseTransition, SealedContact } from '../case-ports.js';
import { checkTransitionSeq } from '../case-rules.js';
import { type Doc, docWithId, plainWithId } from './documents.js';
import { options } from './schema-options.js';
import { keypadDigits } from '../../text/reference.js';

/**
 * Mongo versions of the cases and their sealed contacts, in the portable subset (FerretDB 1.24:
 * no transactions, conditional updates applied as read-then-write, no dots in keys).
 *
 * - `cases`: one document per case, `_id` = the printed reference, saved whole.
 * - `case_transitions`: one document per step, unique on (reference, seq). The insert of step
 *   seq is the claim of that change: of two writers at the same revision only one inserts it,
 *   so the conditional replace of the case that follows has one writer even where the server
 *   reads then writes. The step carries the case as it is after the step (`after`), so a
 *   writer that stopped between the claim and the replace is finished by the next one that
 *   finds the claim taken (roll forward), and a case is never stuck at a revision.
 * - `case_contacts`: the sealed number of a consenting citizen, apart from cases and answers.
 *
 * Question ids (the keys of `concern`) are lower-case letters, digits and _ (no dots).
 */

const { Mixed } = Schema.Types;

const caseSchema = new Schema(
  {
    _id: { type: String, required: true },
    responseId: String,
    facilityCode: String,
    district: String,
    questionnaireId: String,
    concern: Mixed,
    lang: String,
    status: String,
    contactConsent: Boolean,
    openedAt: Date,
    updatedAt: Date,
    firstActionAt: Date,
    actionTakenAt: Date,
    closedAt: Date,
    resolvedByTimeout: Boolean,
    revision: Number,
    // internal: the reference as keyed on a phone's keypad, for a lookup from a voice call
    keypad: String,
  },
  options('cases'),
);
caseSchema.index({ facilityCode: 1, openedAt: -1 });
caseSchema.index({ status: 1, openedAt: -1 });
caseSchema.index({ openedAt: -1 });
caseSchema.index({ keypad: 1 });

const transitionSchema = new Schema(
  {
    _id: { type: String, required: true },
    reference: { type: String, required: true },
    seq: { type: Number, required: true },
    at: Date,
    by: Mixed,
    event: String,
    from: String,
    to: String,
    actionCode: String,
    note: String,
    channel: String,
    /** the case after this step, for rolling a stopped writer forward */
    after: Mixed,
  },
  options('case_transitions'),
);
transitionSchema.index({ reference: 1, seq: 1 }, { unique: true });

const contactSchema = new Schema(
  {
    _id: { type: String, required: true },
    sealed: String,
    keyId: String,
    numberHash: String,
    storedAt: Date,
    purgeAfter: Date,
  },
  options('case_contacts'),
);
contactSchema.index({ numberHash: 1, storedAt: -1 });
contactSchema.index({ purgeAfter: 1 });

const CASE_INTERNAL = ['keypad'] as const;
const caseToDoc = (c: Case): Doc => ({ ...docWithId(c, 'reference'), keypad: keypadDigits(c.reference) });
const caseFromDoc = (doc: Doc): Case => plainWithId<Case>(doc, 'reference', CASE_INTERNAL);
function transitionToDoc(reference: string, t: CaseTransition, after: Case): Doc {
  return { _id: `${reference}#${t.seq}`, reference, ...t, after: caseToDoc(after) };
}
function transitionFromDoc(doc: Doc): CaseTransition {
  const { seq, at, by, event, from, to, actionCode, note, channel } = doc;
  return { seq, at, by, event, from, to, actionCode, note, channel } as CaseTransition;
}

/** Registers the models (their indexes are built with every other collection's, in indexes.ts). */
export function createMongoCases(conn: Connection): CaseRepository {
  const cases = conn.model('Case', caseSchema);
  const transitions = conn.model('CaseTransition', transitionSchema);

  /** Inserts a step; false when (reference, seq) is taken. */
  async function claim(reference: string, t: CaseTransition, after: Case): Promise<boolean> {
    try {
      await transitions.collection.insertOne(transitionToDoc(reference, t, after) as never);
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  return {
    async open(caseRecord, opening) {
      // the opening step first: a case that exists always has its history's first line
      await claim(caseRecord.reference, opening, caseRecord);
      try {
        await cases.collection.insertOne(caseToDoc(caseRecord) as never);
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    },
    async get(reference) {
      const d = await cases.findById(reference).lean<Doc>();
      return d ? caseFromDoc(d) : null;
    },
    async findByKeypad(digits, limit) {
      const docs = await cases
        .find({ keypad: String(digits) })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<Doc[]>();
      return docs.map(caseFromDoc);
    },
    async list(filter, limit) {
      const query: Doc = {};
      if (filter.facilityCodes) query.facilityCode = { $in: filter.facilityCodes };
      if (filter.statuses) query.status = { $in: filter.statuses };
      if (filter.district !== undefined) query.district = filter.district;
      const docs = await cases.find(query).sort({ openedAt: -1, _id: 1 }).limit(limit).lean<Doc[]>();
      return docs.map(caseFromDoc);
    },
    async transition(next, transition, expectedRevision) {
      checkTransitionSeq(transition, expectedRevision);
      const current = await cases.findById(next.reference, { revision: 1 }).lean<Doc>();
      if (!current || current.revision !== expectedRevision) return false;
      const saved = { ...next, revision: expectedRevision + 1 };
      if (!(await claim(next.reference, transition, saved))) {
        // another writer took this step; finish it if it stopped before saving the case
        const taken = await transitions.findOne({ reference: next.reference, seq: transition.seq }).lean<Doc>();
        if (taken?.after) await cases.replaceOne({ _id: next.reference, revision: expectedRevision }, taken.after as Doc);
        return false;
      }
      await cases.replaceOne({ _id: next.reference, revision: expectedRevision }, caseToDoc(saved));
      return true;
    },
    async history(reference) {
      const docs = await transitions.find({ reference }).sort({ seq: 1 }).lean<Doc[]>();
      return docs.map(transitionFromDoc);
    },
  };
}

const contactFromDoc = (doc: Doc): SealedContact => plainWithId<SealedContact>(doc, 'reference');

export function createMongoCaseContacts(conn: Connection): CaseContactRepository {
  const contacts = conn.model('CaseContact', contactSchema);
  return {
    async put(contact) {
      const { reference, ...rest } = contact;
      const write = () => contacts.replaceOne({ _id: reference }, rest, { upsert: true });
      try {
        await write();
      } catch (e) {
        // two first-time upserts raced; the second one now finds the document
        if (!isDuplicateKey(e)) throw e;
        await write();
      }
    },
    async get(reference) {
      const d = await contacts.findById(reference).lean<Doc>();
      return d ? contactFromDoc(d) : null;
    },
    async remove(reference) {
      await contacts.deleteOne({ _id: reference });
    },
    async purgeExpired(now) {
      const r = await contacts.deleteMany({ purgeAfter: { $lt: now } });
      return r.deletedCount;
    },
    async findByNumberHash(numberHash) {
      const docs = await contacts.find({ numberHash }, { _id: 1 }).sort({ storedAt: -1, _id: 1 }).lean<Doc[]>();
      return docs.map((d) => String(d._id));
    },
  };
}
