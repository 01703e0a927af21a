import type { DailyFigures, Facility, HopSession, NewResponse, QuestionnaireVersion, StoredResponse, ResponseFilter, Store } from '../ports.js';
import { matchesResponseFilter, ratingQuestions, sortDailyFigures, startedResponse, upsertAnswer } from '../rules.js';
import { createMemoryVoiceCalls } from './voice-calls.js';
import { createMemoryStaffStorage } from './staff-storage.js';
import { createMemoryStaffSessions } from './staff-sessions.js';
import { createMemoryManagerPins } from './manager-pins.js';
import { tallyCountedResponses } from '../scorecard-rules.js';
import { createMemoryOutbox, createMemoryScorecards } from './scorecard-storage.js';
import { createMemoryCharters } from './charter-storage.js';
import { createMemoryFacilityTypes } from './facility-type-storage.js';
import { createMemoryCaseContacts, createMemoryCases } from './case-storage.js';
import { createMemorySmsInbox } from './sms-inbox.js';

/**
 * In-process storage for tests and offline development. It honours the same contract as
 * the Mongo adapter, including the unique keys that make hops and counting idempotent,
 * but nothing survives a restart. Objects are cloned in and out so callers can never
 * mutate stored state by accident, as with a real database.
 *
 * `durable`: true only where the caller keeps this store across the service's restarts and
 * so stands in for MongoDB (tests that stop a service and start another on the same store);
 * false (the default) as the service's fallback, which is dropped with the process.
 */
export function createMemoryStorage(options: { now?: () => Date; durable?: boolean } = {}): Store {
  const now = options.now ?? (() => new Date());
  const facilities = new Map<string, Facility>();
  const versions = new Map<string, QuestionnaireVersion>();
  const responses = new Map<string, StoredResponse>();
  const responsesBySource = new Map<string, string>();
  const countKeys = new Map<string, string>();
  const sessions = new Map<string, HopSession>();
  const languages = new Map<string, { language: string; at: Date }>();
  // the dashboard's figures, kept as reports complete (a complete report never changes):
  // day -> "facility|questionnaire@version" -> reports, and per question the numeric answers
  type DayGroup = { facilityCode: string; version: string; reports: number; answers: Map<string, { n: number; sum: number }> };
  const byDay = new Map<string, Map<string, DayGroup>>();
  const countDay = (r: StoredResponse, day: string) => {
    const version = `${r.questionnaireId}@${r.questionnaireVersion}`;
    let groups = byDay.get(day);
    if (!groups) byDay.set(day, (groups = new Map()));
    let g = groups.get(`${r.facilityCode}|${version}`);
    if (!g) groups.set(`${r.facilityCode}|${version}`, (g = { facilityCode: r.facilityCode, version, reports: 0, answers: new Map() }));
    g.reports++;
    for (const a of r.answers) {
      if (typeof a.value !== 'number') continue;
      const sum = g.answers.get(a.questionId) ?? { n: 0, sum: 0 };
      sum.n++;
      sum.sum += a.value;
      g.answers.set(a.questionId, sum);
    }
  };
  // respondent -> response ids, so a resume lookup does not scan every response
  const byRespondent = new Map<string, Set<string>>();

  // like Mongo's TTL index: expired sessions are invisible at once and removed in sweeps
  let creates = 0;
  const dropExpiredSessions = () => {
    const at = now();
    for (const [key, s] of sessions) if (s.expiresAt <= at) sessions.delete(key);
  };

  const clone = cloneData;
  const versionKey = (id: string, version: number) => `${id}@${version}`;
  const sessionKey = (channel: string, sessionId: string) => `${channel}:${sessionId}`;
  const mustGet = (id: string) => {
    const r = responses.get(id);
    if (!r) throw new Error(`response ${id} not found`);
    return r;
  };
  /** the response to write to, or null when it is complete: a counted report never changes */
  const open = (id: string) => {
    const r = mustGet(id);
    return r.status === 'complete' ? null : r;
  };
  const published = () => [...versions.values()].filter((v) => v.status === 'published').sort((a, b) => b.version - a.version);

  return {
    kind: 'memory',
    durable: options.durable ?? false,
    facilities: {
      async findByCode(code) {
        const f = facilities.get(code);
        return f ? clone(f) : null;
      },
      async list(filter = {}) {
        return [...facilities.values()]
          .filter((f) => (!filter.district || f.district === filter.district) && (!filter.type || f.type === filter.type) && (!filter.activeOnly || f.active))
          .sort((a, b) => a.code.localeCompare(b.code))
          .map(clone);
      },
      async count() {
        return facilities.size;
      },
      async managedBy(phone) {
        return [...facilities.values()]
          .filter((f) => f.active && f.managers.some((m) => m.active && m.phone === phone))
          .sort((a, b) => a.code.localeCompare(b.code))
          .map(clone);
      },
      async listsManager(phone) {
        for (const f of facilities.values()) if (f.managers.some((m) => m.phone === phone)) return true;
        return false;
      },
      async insert(facility) {
        if (facilities.has(facility.code)) return false;
        facilities.set(facility.code, clone(facility));
        return true;
      },
      async upsertMany(list) {
        let inserted = 0;
        let updated = 0;
        for (const f of list) {
          if (facilities.has(f.code)) updated++;
          else inserted++;
          facilities.set(f.code, clone(f));
        }
        return { inserted, updated };
      },
    },
    questionnaires: {
      async getVersion(id, version) {
        const v = versions.get(versionKey(id, version));
        return v ? clone(v) : null;
      },
      async latestPublishedForFacilityType(type) {
        const v = published().find((x) => x.definition.facilityTypes.includes(type));
        return v ? { id: v.id, version: v.version } : null;
      },
      async latestPublished(id) {
        const v = published().find((x) => x.id === id);
        return v ? clone(v) : null;
      },
      async listVersions(id) {
        return [...versions.values()]
          .filter((v) => !id || v.id === id)
          .sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version)
          .map(clone);
      },
      async insertVersion(version) {
        const key = versionKey(version.id, version.version);
        if (versions.has(key)) return null;
        versions.set(key, clone(version));
        return clone(version);
      },
      async retireVersion(id, version) {
        const v = versions.get(versionKey(id, version));
        if (v?.status !== 'published') return false;
        v.status = 'retired';
        return true;
      },
    },
    responses: {
      async start(input: NewResponse) {
        const existing = responsesBySource.get(input.sourceKey);
        if (existing) return clone(mustGet(existing));
        const response = startedResponse(clone(input));
        responses.set(response.id, response);
        responsesBySource.set(response.sourceKey, response.id);
        const own = byRespondent.get(response.respondentKey) ?? new Set<string>();
        own.add(response.id);
        byRespondent.set(response.respondentKey, own);
        return clone(response);
      },
      async get(id) {
        const r = responses.get(id);
        return r ? clone(r) : null;
      },
      async recordAnswer(id, answer, resumeState) {
        const r = open(id);
        if (!r) return;
        r.answers = upsertAnswer(r.answers, clone(answer));
        r.resumeState = clone(resumeState);
        r.updatedAt = answer.at;
      },
      async withdrawAnswer(id, questionId, resumeState, at) {
        const r = open(id);
        if (!r) return;
        r.answers = r.answers.filter((a) => a.questionId !== questionId);
        r.resumeState = clone(resumeState);
        r.updatedAt = at;
      },
      async saveProgress(id, resumeState, at) {
        const r = open(id);
        if (!r) return;
        r.resumeState = clone(resumeState);
        r.updatedAt = at;
      },
      async complete(id, at, countKey, day) {
        const r = mustGet(id);
        if (r.status === 'complete') return clone(r);
        countDay(r, day);
        r.status = 'complete';
        r.completedAt = at;
        r.updatedAt = at;
        r.abandonedAt = null;
        const holder = countKeys.get(countKey);
        if (holder && holder !== id) {
          r.counted = false;
          r.duplicateOf = holder;
        } else {
          countKeys.set(countKey, id);
          r.counted = true;
          r.countKey = countKey;
        }
        return clone(r);
      },
      async markAbandoned(id, at) {
        const r = responses.get(id);
        if (r?.status !== 'in_progress') return;
        r.status = 'abandoned';
        r.abandonedAt = at;
      },
      async resume(id, sessionId, at) {
        const r = mustGet(id);
        if (r.status === 'complete') return;
        r.status = 'in_progress';
        r.abandonedAt = null;
        r.updatedAt = at;
        if (!r.sessionIds.includes(sessionId)) r.sessionIds.push(sessionId);
      },
      async findResumable(respondentKey, channel, since) {
        let best: StoredResponse | null = null;
        for (const id of byRespondent.get(respondentKey) ?? []) {
          const r = mustGet(id);
          if (r.channel !== channel) continue;
          if (r.status === 'complete' || r.updatedAt < since || !r.resumeState) continue;
          if (!best || r.updatedAt > best.updatedAt) best = r;
        }
        return best ? clone(best) : null;
      },
      async *stream(filter: ResponseFilter) {
        const matching = [...responses.values()].filter((r) => matchesResponseFilter(r, filter)).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.id.localeCompare(b.id));
        for (const r of matching) yield clone(r);
      },
      async tallyCounted(query) {
        return tallyCountedResponses(responses.values(), query);
      },
      async dailyFigures(query) {
        // one pass over the days in range, each holding one group per facility and version
        const rating = ratingQuestions(query);
        const rows = new Map<string, DailyFigures>();
        for (const [day, groups] of byDay) {
          if (day < query.fromDay || day > query.toDay) continue;
          for (const g of groups.values()) {
            const key = `${g.facilityCode}|${day}`;
            let row = rows.get(key);
            if (!row) rows.set(key, (row = { facilityCode: g.facilityCode, day, reports: 0, ratings: 0, ratingSum: 0 }));
            row.reports += g.reports;
            const qid = rating.get(g.version);
            const sum = qid === undefined ? undefined : g.answers.get(qid);
            if (sum) {
              row.ratings += sum.n;
              row.ratingSum += sum.sum;
            }
          }
        }
        return sortDailyFigures([...rows.values()]);
      },
    },
    sessions: {
      async get(channel, sessionId) {
        const s = sessions.get(sessionKey(channel, sessionId));
        return s && s.expiresAt > now() ? clone(s) : null;
      },
      async create(session) {
        const key = sessionKey(session.channel, session.sessionId);
        const existing = sessions.get(key);
        if (existing && existing.expiresAt > now()) return false;
        if (++creates % 1000 === 0) dropExpiredSessions();
        sessions.set(key, clone(session));
        return true;
      },
      async update(session, expectedRevision) {
        const key = sessionKey(session.channel, session.sessionId);
        const current = sessions.get(key);
        if (!current || current.revision !== expectedRevision) return false;
        sessions.set(key, clone({ ...session, revision: expectedRevision + 1 }));
        return true;
      },
    },
    respondents: {
      async getLanguage(key) {
        return languages.get(key)?.language ?? null;
      },
      async setLanguage(key, language, at) {
        languages.set(key, { language, at });
      },
    },
    voiceCalls: createMemoryVoiceCalls(),
    ...createMemoryStaffStorage(),
    staffSessions: createMemoryStaffSessions(),
    managerPins: createMemoryManagerPins(),
    scorecards: createMemoryScorecards(),
    outbox: createMemoryOutbox(),
    charters: createMemoryCharters(),
    facilityTypes: createMemoryFacilityTypes(),
    cases: createMemoryCases(),
    caseContacts: createMemoryCaseContacts(),
    smsInbox: createMemorySmsInbox(),
    async sweep({ respondentsSince }) {
      const before = sessions.size;
      dropExpiredSessions();
      let forgotten = 0;
      if (respondentsSince) {
        for (const [key, l] of languages) {
          if (l.at < respondentsSince) {
            languages.delete(key);
            forgotten++;
          }
        }
      }
      // imports are written in one synchronous step here: none is ever left part-way
      return { sessions: before - sessions.size, respondents: forgotten, imports: 0 };
    },
    async ping() {
      return true;
    },
    async close() {},
  };
}

/**
 * Deep copy of stored data (plain objects, arrays, Dates, primitives). Several times faster
 * than structuredClone for these small documents, and this runs on every hop.
 */
export function cloneData<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(cloneData) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = cloneData((value as Record<string, unknown>)[key]);
  return out as T;
}
