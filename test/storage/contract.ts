import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QuestionnaireDefinition } from '../../src/engine/definition.js';
import type { ConversationContext, ResumePoint } from '../../src/engine/conversation.js';
import type { ManagerMenuState } from '../../src/engine/manager-menu.js';
import type { ConversationState } from '../../src/engine/stepping.js';
import type { Facility, HopSession, NewResponse, QuestionnaireStatus, QuestionnaireVersion, StoredResponse, ResponseFilter, Store } from '../../src/storage/ports.js';
import { scorecardContract } from './contract-scorecards.js';

/**
 * The storage contract: every adapter must pass it. Each test gets a fresh, empty storage
 * from `make` and gives it back through `cleanup`.
 */

const T0 = new Date('2025-03-01T08:00:00.000Z');
/** T0 plus `minutes` */
const t = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const FAR_FUTURE = new Date('2100-01-01T00:00:00.000Z');
/** the local day a report completes on; the contract runs in UTC */
const utcDay = (at: Date) => at.toISOString().slice(0, 10);
const LONG_AGO = new Date('2000-01-01T00:00:00.000Z');

const isPlain = (x: unknown) => typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;

function facility(code: string, over: Partial<Facility> = {}): Facility {
  return {
    code,
    name: `Facility ${code}`,
    type: 'clinic',
    district: 'north',
    active: true,
    managers: [{ name: 'Amina Odhiambo', phone: '+254711000111', language: 'sw', role: 'facility', active: true, optedOut: false }],
    ...over,
  };
}

function definition(id: string, facilityTypes: string[]): QuestionnaireDefinition {
  return {
    id,
    facilityTypes,
    questions: [
      { id: 'waiting', type: 'rating', role: 'waiting', optional: false },
      {
        id: 'problem',
        type: 'choice',
        role: 'main_problem',
        optional: false,
        options: [{ code: 'none', none: true }, { code: 'drugs' }],
      },
      { id: 'comment', type: 'text', optional: true, maxLength: 140, showIf: { question: 'problem', anyOf: ['drugs'] } },
    ],
  };
}

function version(id: string, v: number, status: QuestionnaireStatus, facilityTypes = ['clinic']): QuestionnaireVersion {
  return {
    id,
    version: v,
    status,
    definition: definition(id, facilityTypes),
    texts: {
      en: {
        title: `Survey ${id}`,
        intro: 'Your answers are anonymous.',
        questions: {
          waiting: { text: 'How was the wait?', options: {} },
          problem: { text: 'Main problem?', options: { none: 'None', drugs: 'No drugs' } },
          comment: { text: 'Tell us more' },
        },
        // spoken forms are a tree like the texts (FerretDB refuses a dotted key)
        spoken: { questions: { problem: { options: { drugs: 'No medicines' } } } },
      },
      sw: { title: `Utafiti ${id}`, intro: 'Majibu yako ni siri.', questions: { waiting: { text: 'Ulisubiri vipi?' } } },
    },
    createdAt: t(-1000 + v),
    publishedAt: status === 'draft' ? null : t(-900 + v),
    publishedBy: status === 'draft' ? null : 'officer@example.org',
  };
}

function machine(value: string, answers: Record<string, string | number> = {}): ResumePoint {
  return { value, context: { answers, path: Object.keys(answers) } };
}

let seq = 0;
function newResponse(over: Partial<NewResponse> = {}): NewResponse {
  const n = ++seq;
  const sessionId = over.sessionIds?.[0] ?? `ATUid_${n}`;
  return {
    id: `resp-${n}`,
    sourceKey: `${over.channel ?? 'ussd'}:${sessionId}`,
    facilityCode: 'KE-001',
    facilityType: 'clinic',
    district: 'north',
    questionnaireId: 'clinic_q',
    questionnaireVersion: 2,
    channel: 'ussd',
    language: 'en',
    respondentKey: 'rk-alice',
    resumeState: machine('q_waiting'),
    sessionIds: [sessionId],
    startedAt: t(n),
    ...over,
  };
}

function engineState(): ConversationState {
  return {
    value: { questions: 'q_problem' },
    context: {
      languages: ['en', 'sw'],
      maxFacilityAttempts: 3,
      maxRetries: null,
      lang: 'sw',
      facilityAttempts: 1,
      prefilledFacilityCode: null,
      pendingCode: null,
      facility: { code: 'KE-001', name: 'Facility KE-001', type: 'clinic', district: 'north' },
      questionnaire: { id: 'clinic_q', version: 2 },
      resumeOffer: null,
      answers: { waiting: 4 },
      path: ['waiting'],
      error: { key: 'error.choice', vars: { max: 2 } },
      end: null,
      retries: 0,
    },
  };
}

function hopSession(over: Partial<HopSession> = {}): HopSession {
  return {
    channel: 'ussd',
    sessionId: 'ATUid_s1',
    respondentKey: 'rk-alice',
    lastInput: '1*4',
    lastReply: 'CON Main problem?\n1. None\n2. No drugs',
    engine: engineState(),
    page: 0,
    responseId: 'resp-x',
    revision: 0,
    createdAt: t(0),
    updatedAt: t(0),
    expiresAt: FAR_FUTURE,
    ...over,
  };
}

async function collect(it: AsyncIterable<StoredResponse>): Promise<StoredResponse[]> {
  const out: StoredResponse[] = [];
  for await (const r of it) out.push(r);
  return out;
}

export function storageContract(name: string, make: () => Promise<{ storage: Store; cleanup(): Promise<void> }>) {
  describe(`storage contract: ${name}`, () => {
    let s: Store;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      const made = await make();
      s = made.storage;
      cleanup = made.cleanup;
    });
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    scorecardContract(() => s);

    it('answers ping', async () => {
      expect(await s.ping()).toBe(true);
    });

    describe('facilities', () => {
      it('upserts by code, counting inserts and updates, and replaces the whole facility', async () => {
        expect(await s.facilities.upsertMany([facility('KE-002'), facility('KE-001')])).toEqual({ inserted: 2, updated: 0 });
        expect(await s.facilities.count()).toBe(2);

        const replacement = facility('KE-001', { name: 'Renamed', active: false, managers: [] });
        expect(await s.facilities.upsertMany([replacement, facility('KE-003')])).toEqual({ inserted: 1, updated: 1 });
        expect(await s.facilities.count()).toBe(3);
        expect(await s.facilities.findByCode('KE-001')).toStrictEqual(replacement);
        expect(await s.facilities.findByCode('KE-002')).toStrictEqual(facility('KE-002'));
        expect(await s.facilities.findByCode('KE-404')).toBeNull();
        expect(await s.facilities.upsertMany([])).toEqual({ inserted: 0, updated: 0 });
      });

      it('inserts a new code once: a second insert, even a concurrent one, is refused and changes nothing', async () => {
        expect(await s.facilities.insert(facility('KE-001'))).toBe(true);
        expect(await s.facilities.insert(facility('KE-001', { name: 'Other' }))).toBe(false);
        expect(await s.facilities.findByCode('KE-001')).toStrictEqual(facility('KE-001'));

        const rivals = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'].map((name) => facility('KE-002', { name }));
        const results = await Promise.all(rivals.map((f) => s.facilities.insert(f)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = rivals[results.indexOf(true)]!;
        expect(await s.facilities.findByCode('KE-002')).toStrictEqual(winner);
        expect(await s.facilities.count()).toBe(2);
      });

      it('returns plain copies: changing one changes nothing stored', async () => {
        const input = facility('KE-001');
        await s.facilities.upsertMany([input]);
        input.name = 'changed after upsert';
        input.managers[0]!.phone = '+000';

        const found = await s.facilities.findByCode('KE-001');
        expect(found).not.toBeNull();
        expect(Object.getPrototypeOf(found)).toBe(Object.prototype);
        expect(isPlain(found!.managers[0])).toBe(true);
        expect(Object.keys(found!).sort()).toEqual(['active', 'code', 'district', 'managers', 'name', 'type']);
        expect(found).toStrictEqual(facility('KE-001'));

        found!.name = 'mutated';
        found!.managers.push({ ...found!.managers[0]!, name: 'Intruder' });
        const [listed] = await s.facilities.list();
        listed!.active = false;
        expect(await s.facilities.findByCode('KE-001')).toStrictEqual(facility('KE-001'));
      });

      it('lists sorted by code, filtered by district, type and activity', async () => {
        await s.facilities.upsertMany([
          facility('KE-003', { district: 'south', type: 'police' }),
          facility('KE-001'),
          facility('KE-004', { district: 'south', active: false }),
          facility('KE-002', { type: 'police' }),
        ]);
        const codes = async (filter?: Parameters<Store['facilities']['list']>[0]) => (await s.facilities.list(filter)).map((f) => f.code);
        expect(await codes()).toEqual(['KE-001', 'KE-002', 'KE-003', 'KE-004']);
        expect(await codes({})).toEqual(['KE-001', 'KE-002', 'KE-003', 'KE-004']);
        expect(await codes({ district: 'south' })).toEqual(['KE-003', 'KE-004']);
        expect(await codes({ type: 'police' })).toEqual(['KE-002', 'KE-003']);
        expect(await codes({ district: 'south', type: 'clinic' })).toEqual(['KE-004']);
        expect(await codes({ activeOnly: true })).toEqual(['KE-001', 'KE-002', 'KE-003']);
        expect(await codes({ district: 'south', activeOnly: true })).toEqual(['KE-003']);
        expect(await codes({ district: 'east' })).toEqual([]);
        const listed = await s.facilities.list({ type: 'police' });
        expect(listed[0]).toStrictEqual(facility('KE-002', { type: 'police' }));
        expect(Object.getPrototypeOf(listed[0])).toBe(Object.prototype);
      });

      it('finds the active facilities an active manager is registered at, by E.164 number', async () => {
        const manager = (phone: string, over: Partial<Facility['managers'][number]> = {}) => ({ name: 'M', phone, language: 'en', role: 'facility' as const, active: true, optedOut: false, ...over });
        await s.facilities.upsertMany([
          facility('KE-003', { managers: [manager('+254711000222'), manager('+254711000333', { role: 'district' })] }),
          facility('KE-001', { managers: [manager('+254711000222', { optedOut: true })] }),
          facility('KE-002', { managers: [manager('+254711000222', { active: false })] }),
          facility('KE-004', { active: false, managers: [manager('+254711000222')] }),
          facility('KE-005', { managers: [manager('+254711000444'), manager('+254711000333', { active: false })] }),
        ]);
        const codes = async (phone: string) => (await s.facilities.managedBy(phone)).map((f) => f.code);
        // an opted-out manager (no SMS) still acts; an inactive manager or facility does not count
        expect(await codes('+254711000222')).toEqual(['KE-001', 'KE-003']);
        expect(await codes('+254711000333')).toEqual(['KE-003']);
        expect(await codes('+254711000999')).toEqual([]);
        // the number as stored, E.164: another spelling of it is the caller's to normalise first
        expect(await codes('0711000222')).toEqual([]);
        const [found] = await s.facilities.managedBy('+254711000444');
        expect(found).toStrictEqual(facility('KE-005', { managers: [manager('+254711000444'), manager('+254711000333', { active: false })] }));
      });

      it('tells whether any facility lists a number among its managers, active or not', async () => {
        const manager = (phone: string, over: Partial<Facility['managers'][number]> = {}) => ({ name: 'M', phone, language: 'en', role: 'facility' as const, active: true, optedOut: false, ...over });
        await s.facilities.upsertMany([
          facility('KE-001', { managers: [manager('+254711000222', { active: false })] }),
          facility('KE-002', { active: false, managers: [manager('+254711000333')] }),
          facility('KE-003', { managers: [manager('+254711000444')] }),
        ]);
        expect(await s.facilities.listsManager('+254711000222')).toBe(true);
        expect(await s.facilities.listsManager('+254711000333')).toBe(true);
        expect(await s.facilities.listsManager('+254711000444')).toBe(true);
        expect(await s.facilities.listsManager('+254711000999')).toBe(false);
        expect(await s.facilities.listsManager('0711000444')).toBe(false);
        // a number removed from its facility is listed no more
        await s.facilities.upsertMany([facility('KE-003', { managers: [manager('+254711000555')] })]);
        expect(await s.facilities.listsManager('+254711000444')).toBe(false);
        expect(await s.facilities.listsManager('+254711000555')).toBe(true);
      });
    });

    describe('questionnaires', () => {
      it('stores a version exactly and refuses a second one with the same id and number', async () => {
        const v1 = version('clinic_q', 1, 'published');
        expect(await s.questionnaires.insertVersion(v1)).toStrictEqual(v1);
        expect(await s.questionnaires.getVersion('clinic_q', 1)).toStrictEqual(v1);

        const rival = { ...version('clinic_q', 1, 'draft'), publishedBy: 'someone else' };
        expect(await s.questionnaires.insertVersion(rival)).toBeNull();
        expect(await s.questionnaires.getVersion('clinic_q', 1)).toStrictEqual(v1);

        // the same number under another questionnaire id is a different version
        const other = version('police_q', 1, 'draft', ['police']);
        expect(await s.questionnaires.insertVersion(other)).toStrictEqual(other);
        expect(await s.questionnaires.getVersion('clinic_q', 2)).toBeNull();
        expect(await s.questionnaires.getVersion('nope', 1)).toBeNull();
      });

      it('finds the newest published version for a facility type, ignoring drafts and retired ones', async () => {
        await s.questionnaires.insertVersion(version('clinic_q', 1, 'published', ['clinic']));
        await s.questionnaires.insertVersion(version('clinic_q', 2, 'published', ['clinic', 'dispensary']));
        await s.questionnaires.insertVersion(version('clinic_q', 3, 'retired', ['clinic']));
        await s.questionnaires.insertVersion(version('clinic_q', 4, 'draft', ['clinic', 'police']));
        await s.questionnaires.insertVersion(version('police_q', 1, 'retired', ['police']));

        const forClinic = await s.questionnaires.latestPublishedForFacilityType('clinic');
        expect(forClinic).toStrictEqual({ id: 'clinic_q', version: 2 });
        expect((await s.questionnaires.latestPublishedForFacilityType('dispensary'))?.version).toBe(2);
        expect(await s.questionnaires.latestPublishedForFacilityType('police')).toBeNull();
        expect(await s.questionnaires.latestPublishedForFacilityType('school')).toBeNull();

        expect((await s.questionnaires.latestPublished('clinic_q'))?.version).toBe(2);
        expect(await s.questionnaires.latestPublished('police_q')).toBeNull();
        expect(await s.questionnaires.latestPublished('nope')).toBeNull();
      });

      it('retires a published version only: it stays readable but is no longer the newest published', async () => {
        await s.questionnaires.insertVersion(version('clinic_q', 1, 'published'));
        await s.questionnaires.insertVersion(version('clinic_q', 2, 'published'));
        await s.questionnaires.insertVersion(version('clinic_q', 3, 'draft'));
        expect(await s.questionnaires.retireVersion('clinic_q', 2)).toBe(true);
        expect(await s.questionnaires.retireVersion('clinic_q', 2)).toBe(false);
        expect(await s.questionnaires.retireVersion('clinic_q', 3)).toBe(false);
        expect(await s.questionnaires.retireVersion('clinic_q', 9)).toBe(false);
        expect((await s.questionnaires.getVersion('clinic_q', 2))!.status).toBe('retired');
        expect((await s.questionnaires.getVersion('clinic_q', 3))!.status).toBe('draft');
        expect((await s.questionnaires.latestPublished('clinic_q'))?.version).toBe(1);
        expect((await s.questionnaires.latestPublishedForFacilityType('clinic'))?.version).toBe(1);
      });

      it('lists versions by id then number, optionally for one id', async () => {
        await s.questionnaires.insertVersion(version('police_q', 1, 'published', ['police']));
        await s.questionnaires.insertVersion(version('clinic_q', 2, 'draft'));
        await s.questionnaires.insertVersion(version('clinic_q', 1, 'published'));
        const all = await s.questionnaires.listVersions();
        expect(all.map((v) => `${v.id}@${v.version}`)).toEqual(['clinic_q@1', 'clinic_q@2', 'police_q@1']);
        expect(all[1]).toStrictEqual(version('clinic_q', 2, 'draft'));
        expect((await s.questionnaires.listVersions('clinic_q')).map((v) => v.version)).toEqual([1, 2]);
        expect(await s.questionnaires.listVersions('nope')).toEqual([]);
      });

      it('returns plain copies: changing one changes nothing stored', async () => {
        const v1 = version('clinic_q', 1, 'published');
        const inserted = await s.questionnaires.insertVersion(v1);
        inserted!.definition.facilityTypes.push('police');
        const got = await s.questionnaires.getVersion('clinic_q', 1);
        expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
        expect(got!.createdAt).toBeInstanceOf(Date);
        got!.texts.en!.title = 'mutated';
        got!.status = 'retired';
        expect(await s.questionnaires.getVersion('clinic_q', 1)).toStrictEqual(v1);
        expect(await s.questionnaires.latestPublishedForFacilityType('police')).toBeNull();
      });
    });

    describe('responses', () => {
      it('starts a response with the full initial shape', async () => {
        const input = newResponse();
        const started = await s.responses.start(input);
        const expected: StoredResponse = {
          ...input,
          answers: [],
          status: 'in_progress',
          updatedAt: input.startedAt,
          completedAt: null,
          abandonedAt: null,
          counted: false,
          duplicateOf: null,
          countKey: null,
        };
        expect(started).toStrictEqual(expected);
        expect(Object.getPrototypeOf(started)).toBe(Object.prototype);
        expect(await s.responses.get(input.id)).toStrictEqual(expected);
        expect(await s.responses.get('nope')).toBeNull();
      });

      it('starts once per sourceKey: a repeated start returns the first response', async () => {
        const first = await s.responses.start(newResponse({ sourceKey: 'ussd:ATUid_same' }));
        const again = await s.responses.start(newResponse({ sourceKey: 'ussd:ATUid_same', language: 'sw' }));
        expect(again).toStrictEqual(first);
        expect(await collect(s.responses.stream({}))).toHaveLength(1);
        const other = await s.responses.start(newResponse({ sourceKey: 'voice:ATUid_same', channel: 'voice' }));
        expect(other.id).not.toBe(first.id);
        expect(await collect(s.responses.stream({}))).toHaveLength(2);
      });

      it('does not share state with the caller', async () => {
        const input = newResponse();
        const started = await s.responses.start(input);
        input.sessionIds.push('leak');
        input.resumeState!.context.answers.waiting = 1;
        started.answers.push({ questionId: 'x', value: 1, at: t(0) });
        started.sessionIds.push('leak');
        const got = await s.responses.get(input.id);
        expect(got!.sessionIds).toEqual([started.sessionIds[0]]);
        expect(got!.answers).toEqual([]);
        expect(got!.resumeState).toStrictEqual(machine('q_waiting'));
      });

      it('records answers, replacing a replayed or changed answer in place instead of duplicating it', async () => {
        const r = await s.responses.start(newResponse());
        await s.responses.recordAnswer(r.id, { questionId: 'waiting', value: 4, at: t(10) }, machine('q_problem', { waiting: 4 }));
        await s.responses.recordAnswer(r.id, { questionId: 'problem', value: 'drugs', at: t(11) }, machine('q_comment', { waiting: 4, problem: 'drugs' }));
        // a replayed hop, then a changed answer after going back
        await s.responses.recordAnswer(r.id, { questionId: 'problem', value: 'drugs', at: t(11) }, machine('q_comment', { waiting: 4, problem: 'drugs' }));
        await s.responses.recordAnswer(r.id, { questionId: 'waiting', value: 2, at: t(12) }, machine('q_problem', { waiting: 2 }));
        // free text that looks like operators or field paths is stored verbatim
        const text = '$set *1 {"$gt":""} $$ROOT $answers';
        await s.responses.recordAnswer(r.id, { questionId: 'comment', value: text, at: t(13) }, machine('complete', { waiting: 2, problem: 'drugs', comment: text }));

        const got = await s.responses.get(r.id);
        expect(got!.answers).toStrictEqual([
          { questionId: 'waiting', value: 2, at: t(12) },
          { questionId: 'problem', value: 'drugs', at: t(11) },
          { questionId: 'comment', value: text, at: t(13) },
        ]);
        expect(got!.resumeState).toStrictEqual(machine('complete', { waiting: 2, problem: 'drugs', comment: text }));
        expect(got!.updatedAt).toEqual(t(13));
        expect(got!.status).toBe('in_progress');
        await expect(s.responses.recordAnswer('nope', { questionId: 'waiting', value: 1, at: t(1) }, machine('q_problem'))).rejects.toThrow();
      });

      it('withdraws one answer and saves progress', async () => {
        const r = await s.responses.start(newResponse());
        await s.responses.recordAnswer(r.id, { questionId: 'waiting', value: 4, at: t(10) }, machine('q_problem', { waiting: 4 }));
        await s.responses.recordAnswer(r.id, { questionId: 'problem', value: 'none', at: t(11) }, machine('complete', { waiting: 4, problem: 'none' }));

        await s.responses.withdrawAnswer(r.id, 'problem', machine('q_problem', { waiting: 4 }), t(12));
        let got = await s.responses.get(r.id);
        expect(got!.answers).toStrictEqual([{ questionId: 'waiting', value: 4, at: t(10) }]);
        expect(got!.resumeState).toStrictEqual(machine('q_problem', { waiting: 4 }));
        expect(got!.updatedAt).toEqual(t(12));

        // withdrawing what is not there changes only the resume point
        await s.responses.withdrawAnswer(r.id, 'comment', machine('q_problem', { waiting: 4 }), t(13));
        got = await s.responses.get(r.id);
        expect(got!.answers).toHaveLength(1);
        expect(got!.updatedAt).toEqual(t(13));

        await s.responses.saveProgress(r.id, machine('q_waiting'), t(14));
        got = await s.responses.get(r.id);
        expect(got!.resumeState).toStrictEqual(machine('q_waiting'));
        expect(got!.updatedAt).toEqual(t(14));
        expect(got!.answers).toStrictEqual([{ questionId: 'waiting', value: 4, at: t(10) }]);

        await expect(s.responses.withdrawAnswer('nope', 'waiting', machine('q_waiting'), t(1))).rejects.toThrow();
        await expect(s.responses.saveProgress('nope', machine('q_waiting'), t(1))).rejects.toThrow();
      });

      it('counts the first complete report of a countKey and flags later ones as duplicates', async () => {
        const a = await s.responses.start(newResponse());
        const b = await s.responses.start(newResponse());
        const c = await s.responses.start(newResponse());

        const doneA = await s.responses.complete(a.id, t(20), 'rk-alice|KE-001|2025-03', utcDay(t(20)));
        expect(doneA).toStrictEqual({
          ...a,
          status: 'complete',
          completedAt: t(20),
          updatedAt: t(20),
          counted: true,
          countKey: 'rk-alice|KE-001|2025-03',
          duplicateOf: null,
        });

        const doneB = await s.responses.complete(b.id, t(21), 'rk-alice|KE-001|2025-03', utcDay(t(21)));
        expect(doneB).toStrictEqual({
          ...b,
          status: 'complete',
          completedAt: t(21),
          updatedAt: t(21),
          counted: false,
          countKey: null,
          duplicateOf: a.id,
        });
        expect(await s.responses.get(b.id)).toStrictEqual(doneB);
        expect(await s.responses.get(a.id)).toStrictEqual(doneA);

        const doneC = await s.responses.complete(c.id, t(22), 'rk-alice|KE-001|2025-04', utcDay(t(22)));
        expect(doneC.counted).toBe(true);
        expect(doneC.duplicateOf).toBeNull();
        expect(doneC.countKey).toBe('rk-alice|KE-001|2025-04');

        await expect(s.responses.complete('nope', t(23), 'k', utcDay(t(23)))).rejects.toThrow();
      });

      it('leaves a complete response unchanged when completed again', async () => {
        const a = await s.responses.start(newResponse());
        const first = await s.responses.complete(a.id, t(20), 'key-1', utcDay(t(20)));
        const again = await s.responses.complete(a.id, t(30), 'key-2', utcDay(t(30)));
        expect(again).toStrictEqual(first);
        expect(await s.responses.get(a.id)).toStrictEqual(first);
        // key-2 was not taken by the no-op
        const b = await s.responses.start(newResponse());
        expect((await s.responses.complete(b.id, t(31), 'key-2', utcDay(t(31)))).counted).toBe(true);
      });

      it('completes an abandoned response, clearing abandonedAt', async () => {
        const a = await s.responses.start(newResponse());
        await s.responses.markAbandoned(a.id, t(5));
        const done = await s.responses.complete(a.id, t(6), 'k', utcDay(t(6)));
        expect(done.status).toBe('complete');
        expect(done.abandonedAt).toBeNull();
        expect(done.completedAt).toEqual(t(6));
      });

      it('marks only in-progress responses abandoned', async () => {
        const a = await s.responses.start(newResponse());
        await s.responses.markAbandoned(a.id, t(5));
        let got = await s.responses.get(a.id);
        expect(got!.status).toBe('abandoned');
        expect(got!.abandonedAt).toEqual(t(5));
        // abandoning again keeps the first time
        await s.responses.markAbandoned(a.id, t(6));
        expect((await s.responses.get(a.id))!.abandonedAt).toEqual(t(5));

        const b = await s.responses.start(newResponse());
        const done = await s.responses.complete(b.id, t(7), 'k', utcDay(t(7)));
        await s.responses.markAbandoned(b.id, t(8));
        got = await s.responses.get(b.id);
        expect(got).toStrictEqual(done);

        // an unknown id is not an error: the session end may outlive its response
        await expect(s.responses.markAbandoned('nope', t(9))).resolves.toBeUndefined();
      });

      it('resumes an unfinished response in a new session, adding that session once', async () => {
        const a = await s.responses.start(newResponse({ sessionIds: ['ATUid_a1'] }));
        await s.responses.markAbandoned(a.id, t(5));
        await s.responses.resume(a.id, 'ATUid_a2', t(6));
        await s.responses.resume(a.id, 'ATUid_a2', t(7));
        const got = await s.responses.get(a.id);
        expect(got!.status).toBe('in_progress');
        expect(got!.abandonedAt).toBeNull();
        expect(got!.updatedAt).toEqual(t(7));
        expect(got!.sessionIds).toEqual(['ATUid_a1', 'ATUid_a2']);

        const b = await s.responses.start(newResponse({ sessionIds: ['ATUid_b1'] }));
        const done = await s.responses.complete(b.id, t(8), 'k', utcDay(t(8)));
        await s.responses.resume(b.id, 'ATUid_b2', t(9));
        expect(await s.responses.get(b.id)).toStrictEqual(done);

        await expect(s.responses.resume('nope', 'ATUid_x', t(9))).rejects.toThrow();
      });

      it('finds the newest resumable response of a respondent on a channel since a time', async () => {
        const inProgress = await s.responses.start(newResponse({ startedAt: t(0) }));
        await s.responses.saveProgress(inProgress.id, machine('q_problem', { waiting: 3 }), t(10));

        const abandoned = await s.responses.start(newResponse({ startedAt: t(1) }));
        await s.responses.recordAnswer(abandoned.id, { questionId: 'waiting', value: 5, at: t(20) }, machine('q_problem', { waiting: 5 }));
        await s.responses.markAbandoned(abandoned.id, t(20));

        const complete = await s.responses.start(newResponse({ startedAt: t(2) }));
        await s.responses.complete(complete.id, t(30), 'k', utcDay(t(30)));

        const noResumePoint = await s.responses.start(newResponse({ startedAt: t(40), resumeState: null }));
        const voice = await s.responses.start(newResponse({ channel: 'voice', startedAt: t(45) }));
        await s.responses.start(newResponse({ respondentKey: 'rk-bob', startedAt: t(50) }));

        const found = await s.responses.findResumable('rk-alice', 'ussd', t(0));
        expect(found?.id).toBe(abandoned.id);
        expect(found!.status).toBe('abandoned');
        expect(found!.answers).toStrictEqual([{ questionId: 'waiting', value: 5, at: t(20) }]);
        expect(Object.getPrototypeOf(found)).toBe(Object.prototype);

        expect((await s.responses.findResumable('rk-alice', 'ussd', t(20)))?.id).toBe(abandoned.id); // inclusive
        expect(await s.responses.findResumable('rk-alice', 'ussd', t(25))).toBeNull(); // complete and resume-less ones never count
        expect((await s.responses.findResumable('rk-alice', 'voice', t(0)))?.id).toBe(voice.id);
        expect((await s.responses.findResumable('rk-bob', 'ussd', t(0)))?.respondentKey).toBe('rk-bob');
        expect(await s.responses.findResumable('rk-carol', 'ussd', t(0))).toBeNull();

        // resuming the older one makes it the newest
        await s.responses.resume(inProgress.id, 'ATUid_new', t(60));
        expect((await s.responses.findResumable('rk-alice', 'ussd', t(0)))?.id).toBe(inProgress.id);
        expect(noResumePoint.resumeState).toBeNull();
      });

      it('streams responses oldest first, filtered by facility, time window and status', async () => {
        // inserted out of order
        const r3 = await s.responses.start(newResponse({ id: 'r3', facilityCode: 'KE-001', startedAt: t(30) }));
        const r1 = await s.responses.start(newResponse({ id: 'r1', facilityCode: 'KE-001', startedAt: t(10) }));
        const r4 = await s.responses.start(newResponse({ id: 'r4', facilityCode: 'KE-002', startedAt: t(40) }));
        const r2 = await s.responses.start(newResponse({ id: 'r2', facilityCode: 'KE-002', startedAt: t(20) }));
        const r5 = await s.responses.start(newResponse({ id: 'r5', facilityCode: 'KE-001', startedAt: t(50) }));
        await s.responses.complete(r1.id, t(60), 'k1', utcDay(t(60)));
        await s.responses.complete(r4.id, t(61), 'k4', utcDay(t(61)));
        await s.responses.markAbandoned(r5.id, t(62));

        const ids = async (f: ResponseFilter) => (await collect(s.responses.stream(f))).map((r) => r.id);
        expect(await ids({})).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
        expect(await ids({ facilityCode: 'KE-001' })).toEqual(['r1', 'r3', 'r5']);
        expect(await ids({ from: t(20), to: t(40) })).toEqual(['r2', 'r3']); // from inclusive, to exclusive
        expect(await ids({ from: t(30) })).toEqual(['r3', 'r4', 'r5']);
        expect(await ids({ to: t(30) })).toEqual(['r1', 'r2']);
        expect(await ids({ status: 'complete' })).toEqual(['r1', 'r4']);
        expect(await ids({ status: 'abandoned' })).toEqual(['r5']);
        expect(await ids({ status: 'in_progress' })).toEqual(['r2', 'r3']);
        expect(await ids({ facilityCode: 'KE-001', from: t(20), status: 'in_progress' })).toEqual(['r3']);
        expect(await ids({ facilityCode: 'KE-404' })).toEqual([]);

        const all = await collect(s.responses.stream({ facilityCode: 'KE-002' }));
        expect(all[0]).toStrictEqual(r2);
        expect(Object.getPrototypeOf(all[0])).toBe(Object.prototype);
        expect(all[1]!.status).toBe('complete');
        expect(r3.id).toBe('r3');
      });

      it('streams filtered by district, facility type, questionnaire, version and channel', async () => {
        await s.responses.start(newResponse({ id: 'a', district: 'north', facilityType: 'clinic', questionnaireId: 'clinic_q', questionnaireVersion: 1, channel: 'ussd' }));
        await s.responses.start(newResponse({ id: 'b', district: 'south', facilityType: 'clinic', questionnaireId: 'clinic_q', questionnaireVersion: 2, channel: 'voice' }));
        await s.responses.start(newResponse({ id: 'c', district: 'south', facilityType: 'police', questionnaireId: 'police_q', questionnaireVersion: 1, channel: 'ussd' }));
        const ids = async (f: ResponseFilter) => (await collect(s.responses.stream(f))).map((r) => r.id);
        expect(await ids({ district: 'south' })).toEqual(['b', 'c']);
        expect(await ids({ facilityType: 'clinic' })).toEqual(['a', 'b']);
        expect(await ids({ questionnaireId: 'clinic_q' })).toEqual(['a', 'b']);
        expect(await ids({ questionnaireId: 'clinic_q', questionnaireVersion: 1 })).toEqual(['a']);
        expect(await ids({ questionnaireVersion: 1 })).toEqual(['a', 'c']);
        expect(await ids({ channel: 'voice' })).toEqual(['b']);
        expect(await ids({ channel: 'ussd', district: 'south' })).toEqual(['c']);
      });

      it('never changes a complete response: late answers, withdrawals and progress are ignored', async () => {
        const r = await s.responses.start(newResponse());
        await s.responses.recordAnswer(r.id, { questionId: 'waiting', value: 4, at: t(10) }, machine('q_problem', { waiting: 4 }));
        const done = await s.responses.complete(r.id, t(11), 'k-late', utcDay(t(11)));
        await s.responses.recordAnswer(r.id, { questionId: 'problem', value: 'drugs', at: t(12) }, machine('complete', { waiting: 4, problem: 'drugs' }));
        await s.responses.recordAnswer(r.id, { questionId: 'waiting', value: 1, at: t(12) }, machine('q_problem', { waiting: 1 }));
        await s.responses.withdrawAnswer(r.id, 'waiting', machine('q_waiting'), t(13));
        await s.responses.saveProgress(r.id, machine('q_waiting'), t(14));
        expect(await s.responses.get(r.id)).toStrictEqual(done);
        expect(done.answers).toStrictEqual([{ questionId: 'waiting', value: 4, at: t(10) }]);
      });

      it('records one answer when the same answer arrives twenty times at once', async () => {
        const r = await s.responses.start(newResponse());
        await Promise.all(Array.from({ length: 20 }, () => s.responses.recordAnswer(r.id, { questionId: 'waiting', value: 3, at: t(10) }, machine('q_problem', { waiting: 3 }))));
        expect((await s.responses.get(r.id))!.answers).toStrictEqual([{ questionId: 'waiting', value: 3, at: t(10) }]);
      });

      it('completes once when the same completion arrives ten times at once', async () => {
        const r = await s.responses.start(newResponse());
        const results = await Promise.all(Array.from({ length: 10 }, () => s.responses.complete(r.id, t(20), 'k-race', utcDay(t(20)))));
        const stored = await s.responses.get(r.id);
        expect(stored).toMatchObject({ status: 'complete', counted: true, countKey: 'k-race', duplicateOf: null, completedAt: t(20) });
        for (const done of results) expect(done).toStrictEqual(stored);
      });

      it('counts one of ten different responses that complete with the same countKey at once', async () => {
        const rs = await Promise.all(Array.from({ length: 10 }, () => s.responses.start(newResponse())));
        const done = await Promise.all(rs.map((r) => s.responses.complete(r.id, t(30), 'k-same', utcDay(t(30)))));
        const counted = done.filter((d) => d.counted);
        expect(counted).toHaveLength(1);
        for (const d of done.filter((x) => !x.counted)) expect(d).toMatchObject({ countKey: null, duplicateOf: counted[0]!.id });
      });

      it('gives the dashboard its figures per facility and local day: reports, and the rating question of each version', async () => {
        const complete = async (over: Partial<NewResponse>, answers: Record<string, string | number>, day: string | null) => {
          const r = await s.responses.start(newResponse(over));
          for (const [questionId, value] of Object.entries(answers)) await s.responses.recordAnswer(r.id, { questionId, value, at: t(1) }, machine('x'));
          if (day) await s.responses.complete(r.id, t(2), `k-${r.id}`, day);
        };
        await complete({ facilityCode: 'KE-001' }, { sat: 5 }, '2025-03-01');
        await complete({ facilityCode: 'KE-001' }, { sat: 3 }, '2025-03-01');
        await complete({ facilityCode: 'KE-001' }, { sat: 4 }, '2025-03-02');
        await complete({ facilityCode: 'KE-001' }, {}, '2025-03-02'); // no rating given
        await complete({ facilityCode: 'KE-002', questionnaireVersion: 3 }, { overall: 2, sat: 5 }, '2025-03-01'); // v3 rates "overall"
        await complete({ facilityCode: 'KE-002', questionnaireId: 'police_q', questionnaireVersion: 1 }, { sat: 1 }, '2025-03-02'); // no rating question
        await complete({ facilityCode: 'KE-002' }, { sat: 'five' }, '2025-03-02'); // not a number
        await complete({ facilityCode: 'KE-001' }, { sat: 1 }, '2025-02-28'); // before the range
        await complete({ facilityCode: 'KE-001' }, { sat: 1 }, '2025-03-04'); // after it
        await complete({ facilityCode: 'KE-001' }, { sat: 1 }, null); // not complete

        const ratings = [
          { questionnaireId: 'clinic_q', questionnaireVersion: 2, questionId: 'sat' },
          { questionnaireId: 'clinic_q', questionnaireVersion: 3, questionId: 'overall' },
        ];
        expect(await s.responses.dailyFigures({ fromDay: '2025-03-01', toDay: '2025-03-03', ratings })).toStrictEqual([
          { facilityCode: 'KE-001', day: '2025-03-01', reports: 2, ratings: 2, ratingSum: 8 },
          { facilityCode: 'KE-001', day: '2025-03-02', reports: 2, ratings: 1, ratingSum: 4 },
          { facilityCode: 'KE-002', day: '2025-03-01', reports: 1, ratings: 1, ratingSum: 2 },
          { facilityCode: 'KE-002', day: '2025-03-02', reports: 2, ratings: 0, ratingSum: 0 },
        ]);
        expect(await s.responses.dailyFigures({ fromDay: '2025-03-05', toDay: '2025-03-09', ratings })).toEqual([]);
        expect((await s.responses.dailyFigures({ fromDay: '2025-02-28', toDay: '2025-03-04', ratings: [] })).map((r) => r.reports)).toEqual([1, 2, 2, 1, 1, 2]);
      });

      it('streams many responses that started at the same instant in order, each once', async () => {
        const same = t(5);
        const ids: string[] = [];
        for (let i = 0; i < 1100; i++) {
          const id = `same-${String(i).padStart(4, '0')}`;
          ids.push(id);
          await s.responses.start(newResponse({ id, startedAt: same }));
        }
        await s.responses.start(newResponse({ id: 'later-1', startedAt: t(6) }));
        await s.responses.start(newResponse({ id: 'other-facility', facilityCode: 'KE-009', startedAt: t(6) }));
        await s.responses.start(newResponse({ id: 'earlier', startedAt: t(4) }));
        const seen = (await collect(s.responses.stream({ facilityCode: 'KE-001' }))).map((r) => r.id);
        expect(seen).toEqual(['earlier', ...ids, 'later-1']);
      }, 120_000);

      it('lets a consumer stop streaming early', async () => {
        for (let i = 0; i < 5; i++) await s.responses.start(newResponse({ startedAt: t(i) }));
        const seen: string[] = [];
        for await (const r of s.responses.stream({})) {
          seen.push(r.id);
          if (seen.length === 2) break;
        }
        expect(seen).toHaveLength(2);
        expect(await collect(s.responses.stream({}))).toHaveLength(5);
      });
    });

    describe('sessions', () => {
      it('creates a session once and reads it back exactly', async () => {
        const session = hopSession();
        expect(await s.sessions.create(session)).toBe(true);
        const got = await s.sessions.get('ussd', 'ATUid_s1');
        expect(got).toStrictEqual(session);
        expect(Object.getPrototypeOf(got)).toBe(Object.prototype);

        expect(await s.sessions.create(hopSession({ lastInput: 'other hop', revision: 7 }))).toBe(false);
        expect(await s.sessions.get('ussd', 'ATUid_s1')).toStrictEqual(session);

        // the key is channel and session id together
        expect(await s.sessions.create(hopSession({ channel: 'voice' }))).toBe(true);
        expect((await s.sessions.get('voice', 'ATUid_s1'))?.channel).toBe('voice');
        expect(await s.sessions.get('ussd', 'ATUid_other')).toBeNull();
      });

      it('treats an expired session as absent', async () => {
        expect(await s.sessions.create(hopSession({ expiresAt: LONG_AGO }))).toBe(true);
        expect(await s.sessions.get('ussd', 'ATUid_s1')).toBeNull();
        const fresh = hopSession({ lastInput: 'fresh' });
        expect(await s.sessions.create(fresh)).toBe(true);
        expect(await s.sessions.get('ussd', 'ATUid_s1')).toStrictEqual(fresh);
      });

      it('updates with compare-and-set on the revision', async () => {
        await s.sessions.create(hopSession());
        const next = hopSession({ lastInput: '1*4*2', lastReply: 'CON Tell us more', page: 1, updatedAt: t(1), revision: 0 });
        next.engine = { value: { questions: 'q_comment' }, context: { ...engineState().context, answers: { waiting: 4, problem: 'drugs' }, path: ['waiting', 'problem'] } };
        expect(await s.sessions.update(next, 0)).toBe(true);
        expect(await s.sessions.get('ussd', 'ATUid_s1')).toStrictEqual({ ...next, revision: 1 });

        // a concurrent hop that read revision 0 loses
        expect(await s.sessions.update(hopSession({ lastInput: 'stale' }), 0)).toBe(false);
        expect((await s.sessions.get('ussd', 'ATUid_s1'))!.lastInput).toBe('1*4*2');

        expect(await s.sessions.update({ ...next, lastInput: 'third' }, 1)).toBe(true);
        const got = await s.sessions.get('ussd', 'ATUid_s1');
        expect(got!.revision).toBe(2);
        expect(got!.lastInput).toBe('third');

        expect(await s.sessions.update(hopSession({ sessionId: 'ATUid_missing' }), 0)).toBe(false);
        expect(await s.sessions.get('ussd', 'ATUid_missing')).toBeNull();
      });

      it('lets one of twenty concurrent updates from the same revision win', async () => {
        await s.sessions.create(hopSession());
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => s.sessions.update(hopSession({ lastInput: `hop ${i}` }), 0)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const stored = await s.sessions.get('ussd', 'ATUid_s1');
        expect(stored!.revision).toBe(1);
        expect(stored!.lastInput).toBe(`hop ${results.indexOf(true)}`);
        // the next step goes on from the winner's revision
        expect(await s.sessions.update({ ...stored!, lastInput: 'next' }, 1)).toBe(true);
        expect(await s.sessions.update({ ...stored!, lastInput: 'stale' }, 1)).toBe(false);
      });

      it('lets a new session take the id of an expired one, and goes on from revision 0', async () => {
        await s.sessions.create(hopSession({ expiresAt: LONG_AGO, revision: 0 }));
        const fresh = hopSession({ lastInput: 'new', createdAt: t(100) });
        expect(await s.sessions.create(fresh)).toBe(true);
        expect(await s.sessions.update({ ...fresh, lastInput: 'new*1' }, 0)).toBe(true);
        expect((await s.sessions.get('ussd', 'ATUid_s1'))!).toMatchObject({ lastInput: 'new*1', revision: 1 });
      });

      it('returns plain copies: changing one changes nothing stored', async () => {
        const session = hopSession();
        await s.sessions.create(session);
        session.engine.value = 'ended';
        const got = await s.sessions.get('ussd', 'ATUid_s1');
        got!.engine.context.lang = 'en';
        (got!.engine.context as ConversationContext).answers.waiting = 1;
        expect(await s.sessions.get('ussd', 'ATUid_s1')).toStrictEqual(hopSession());
      });

      it("keeps a manager's menu state as it is, marked as the manager's", async () => {
        const engine: ManagerMenuState = {
          machine: 'manager',
          value: 'note',
          context: {
            lang: 'sw',
            pinRequired: true,
            pinTries: 1,
            actor: 'Amina (manager)',
            facilities: ['1001'],
            cases: [],
            more: 0,
            selected: 'K7M3-P9QX-AB',
            event: 'refer',
            actionCode: null,
            error: null,
            end: null,
          },
        };
        await s.sessions.create(hopSession({ engine, responseId: null }));
        expect(await s.sessions.get('ussd', 'ATUid_s1')).toStrictEqual(hopSession({ engine, responseId: null }));
      });
    });

    describe('sweep', () => {
      it('removes expired sessions and forgets languages not chosen since the cutoff; running again finds nothing', async () => {
        await s.sessions.create(hopSession({ sessionId: 'ATUid_old', expiresAt: LONG_AGO }));
        await s.sessions.create(hopSession({ sessionId: 'ATUid_live' }));
        await s.respondents.setLanguage('rk-old', 'sw', t(0));
        await s.respondents.setLanguage('rk-recent', 'zu', t(100));
        expect(await s.sweep({ respondentsSince: t(50) })).toEqual({ sessions: 1, respondents: 1, imports: 0 });
        expect(await s.sessions.get('ussd', 'ATUid_live')).not.toBeNull();
        expect(await s.respondents.getLanguage('rk-old')).toBeNull();
        expect(await s.respondents.getLanguage('rk-recent')).toBe('zu');
        expect(await s.sweep({ respondentsSince: t(50) })).toEqual({ sessions: 0, respondents: 0, imports: 0 });
        // no cutoff: languages are kept
        expect(await s.sweep({ respondentsSince: null })).toEqual({ sessions: 0, respondents: 0, imports: 0 });
        expect(await s.respondents.getLanguage('rk-recent')).toBe('zu');
      });
    });

    describe('respondents', () => {
      it('remembers a language per respondent', async () => {
        expect(await s.respondents.getLanguage('rk-alice')).toBeNull();
        await s.respondents.setLanguage('rk-alice', 'sw', t(0));
        await s.respondents.setLanguage('rk-bob', 'en', t(0));
        expect(await s.respondents.getLanguage('rk-alice')).toBe('sw');
        await s.respondents.setLanguage('rk-alice', 'luo', t(1));
        expect(await s.respondents.getLanguage('rk-alice')).toBe('luo');
        expect(await s.respondents.getLanguage('rk-bob')).toBe('en');
      });
    });
  });
}
