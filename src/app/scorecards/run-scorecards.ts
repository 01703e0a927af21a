import type { Clock } from '../../gateways/clock.js';
import { isE164, maskPhone } from '../../gateways/sms/port.js';
import type { Facility, FacilityType, Manager, QuestionnaireVersion, Scorecard, Store } from '../../storage/ports.js';
import { inLanguageOrDefault } from '../../text/messages.js';
import { typePlural } from '../facilities/facility-types.js';
import { type CasesLine, composeDistrictMessage, composeFacilityMessage, type ComposedSms, type ScorecardTemplates } from './compose.js';
import { caseFigures } from '../public/case-figures.js';
import type { Cell } from '../public/honest-cells.js';
import { computeScorecards, namedTopProblem, questionIdsToTally, roleLookup } from './metrics.js';
import { overdueByFacility } from '../charters/charter-views.js';
import { formatPeriod, parsePeriod, periodBounds, previousPeriod } from './period.js';

/**
 * Runs the scorecards of one period: tally the counted responses, compute a scorecard per
 * active facility, store it (first writer wins), compose each manager's SMS in their
 * language and put it in the outbox. Every write is keyed, so running the same period
 * again, on this instance or another, at the same time or later, adds nothing. Sending
 * is the outbox sender's job.
 */

export type ScorecardRunDeps = {
  storage: Store;
  clock: Clock;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
  templates: Record<string, ScorecardTemplates>;
  defaultLanguage: string;
  /** a keyed hash of a phone number: the recipient part of an outbox key */
  recipientTag: (phone: string) => string;
  /** publicBaseUrl: the public pages' origin; when set, each facility's SMS links to its page (if it fits) */
  settings: { timeZone: string; minCount: number; shortCode: string; publicBaseUrl?: string | null };
};

export type PlannedMessage = ComposedSms & {
  key: string;
  subjectKind: 'facility' | 'district';
  subjectCode: string;
  district: string;
  recipientName: string;
  recipientTag: string;
  phone: string;
  language: string;
};

export type SkippedRecipient = { subject: string; manager: string; reason: string };

export type ScorecardRunReport = {
  period: string;
  from: Date;
  to: Date;
  dryRun: boolean;
  scorecards: Scorecard[];
  messages: PlannedMessage[];
  /** how many were new in storage (0 on a repeated run) */
  created: { scorecards: number; messages: number };
  skipped: SkippedRecipient[];
};

export type RunOptions = { dryRun?: boolean; onProgress?: (step: string, done: number, total: number) => void };

export class PeriodError extends Error {}

export async function runScorecards(deps: ScorecardRunDeps, periodKey: string, options: RunOptions = {}): Promise<ScorecardRunReport> {
  const { storage, clock, log, settings } = deps;
  const progress = options.onProgress ?? (() => {});
  const dryRun = options.dryRun ?? false;
  const period = parsePeriod(periodKey);
  if (!period) throw new PeriodError(`"${periodKey}" is not a period: use a month such as 2026-10 or an ISO week such as 2026-W41`);
  const bounds = periodBounds(period, settings.timeZone);
  const before = previousPeriod(period);

  // answers were given to published versions, some since retired: all of them count
  const versions = (await storage.questionnaires.listVersions()).filter((v) => v.status !== 'draft');
  const questionIds = questionIdsToTally(versions);
  progress('tally', 0, 2);
  const current = await storage.responses.tallyCounted({ ...bounds, questionIds });
  progress('tally', 1, 2);
  const previous = await storage.responses.tallyCounted({ ...periodBounds(before, settings.timeZone), questionIds });
  progress('tally', 2, 2);
  const facilities = await storage.facilities.list({ activeOnly: true });

  const computed = computeScorecards({
    facilities,
    current,
    previous,
    roles: roleLookup(versions),
    period: formatPeriod(period),
    previousPeriod: formatPeriod(before),
    bounds,
    minCount: settings.minCount,
    computedAt: clock.now(),
  });

  const scorecards: Scorecard[] = [];
  let createdCards = 0;
  for (const [i, card] of computed.entries()) {
    if (dryRun) scorecards.push(card);
    else {
      // another run may have stored this period first: compose from what is stored
      const saved = await storage.scorecards.saveIfAbsent(card);
      scorecards.push(saved.scorecard);
      if (saved.created) createdCards++;
    }
    if ((i + 1) % 500 === 0 || i + 1 === computed.length) progress('scorecards', i + 1, computed.length);
  }

  const overdue = await overdueByFacility(deps);
  const cases = await casesByFacility(storage, scorecards);
  const types = new Map((await storage.facilityTypes.list()).map((t) => [t.code, t]));
  const { messages, skipped } = planMessages(deps, facilities, scorecards, latestTexts(versions), { overdue, cases }, types);
  for (const s of skipped) log.warn({ subject: s.subject, manager: s.manager, reason: s.reason, period: periodKey }, 'scorecard recipient skipped');

  let createdMessages = 0;
  if (!dryRun) {
    for (const [i, m] of messages.entries()) {
      const { created } = await storage.outbox.enqueue({
        key: m.key,
        subjectKind: m.subjectKind,
        subjectCode: m.subjectCode,
        district: m.district,
        period: formatPeriod(period),
        recipientTag: m.recipientTag,
        recipientName: m.recipientName,
        phone: m.phone,
        language: m.language,
        text: m.text,
        segments: m.segments,
        createdAt: clock.now(),
      });
      if (created) createdMessages++;
      if ((i + 1) % 500 === 0 || i + 1 === messages.length) progress('outbox', i + 1, messages.length);
    }
  }
  log.info(
    { period: periodKey, dryRun, facilities: scorecards.length, messages: messages.length, newScorecards: createdCards, newMessages: createdMessages, skipped: skipped.length },
    'scorecards run',
  );
  return { period: formatPeriod(period), ...bounds, dryRun, scorecards, messages, created: { scorecards: createdCards, messages: createdMessages }, skipped };
}

type TextsByQuestionnaire = Map<string, QuestionnaireVersion['texts']>;

/** Problem labels come from the newest version of each questionnaire. */
function latestTexts(versions: QuestionnaireVersion[]): TextsByQuestionnaire {
  const newest = new Map<string, QuestionnaireVersion>();
  for (const v of versions) if ((newest.get(v.id)?.version ?? -1) < v.version) newest.set(v.id, v);
  return new Map([...newest].map(([id, v]) => [id, v.texts]));
}

/**
 * "You said, we did" for each facility's manager: the cases opened in the period, how many
 * the citizen confirmed solved, and how many are not yet closed; the same figures the public
 * page shows (src/app/public/case-figures.ts), here without the minimum count, since the
 * manager is told of each case anyway.
 */
async function casesByFacility(storage: Store, cards: Scorecard[]): Promise<Map<string, CasesLine>> {
  const out = new Map<string, CasesLine>();
  for (const card of cards) {
    const f = await caseFigures(storage, { facilityCodes: [card.facilityCode] }, { from: card.from, to: card.to }, 0);
    const count = (cell: Cell) => (cell.shown ? cell.count : 0);
    if (f.received > 0) out.set(card.facilityCode, { received: f.received, solved: count(f.confirmedSolved), open: count(f.open) + count(f.escalated) });
  }
  return out;
}

function planMessages(
  deps: ScorecardRunDeps,
  facilities: Facility[],
  cards: Scorecard[],
  texts: TextsByQuestionnaire,
  lines: { overdue: Map<string, number>; cases: Map<string, CasesLine> },
  types: Map<string, FacilityType>,
) {
  const { settings } = deps;
  const messages: PlannedMessage[] = [];
  const skipped: SkippedRecipient[] = [];
  const cardOf = new Map(cards.map((c) => [c.facilityCode, c]));
  const districtManagers = new Map<string, Map<string, Manager>>();
  const languageOf = (m: Manager) => (deps.templates[m.language] ? m.language : deps.defaultLanguage);

  const recipient = (subject: string, m: Manager): { tag: string } | null => {
    if (!m.active || m.optedOut) return null;
    if (!isE164(m.phone)) {
      // reported once per run and never enqueued, so it is never retried
      skipped.push({ subject, manager: m.name, reason: `invalid phone number ${maskPhone(m.phone)}: expected E.164 such as +254711000111` });
      return null;
    }
    return { tag: deps.recipientTag(m.phone) };
  };

  for (const f of facilities) {
    const card = cardOf.get(f.code);
    if (!card) continue;
    for (const m of f.managers) {
      if (m.role === 'district') {
        const list = districtManagers.get(f.district) ?? new Map<string, Manager>();
        list.set(m.phone, m);
        districtManagers.set(f.district, list);
        continue;
      }
      const r = recipient(`facility:${f.code}`, m);
      if (!r) continue;
      const language = languageOf(m);
      const top = namedTopProblem(card);
      const problem =
        top === null || top === 'too_few'
          ? top
          : {
              label: inLanguageOrDefault(language, deps.defaultLanguage, (l) => texts.get(top.questionnaireId)?.[l]?.questions[top.questionId]?.options?.[top.code])?.text ?? top.code,
              count: top.count,
            };
      const link = settings.publicBaseUrl ? `${settings.publicBaseUrl}/public/facilities/${encodeURIComponent(f.code)}` : null;
      const typeName = typePlural(types.get(card.facilityType), language, deps.defaultLanguage);
      const sms = composeFacilityMessage(
        { ...card, problem, overdueActions: lines.overdue.get(f.code) ?? 0, cases: lines.cases.get(f.code) ?? null, typePlural: typeName },
        deps.templates[language]!,
        settings.shortCode,
        { link },
      );
      messages.push({
        ...sms,
        key: `facility:${f.code}|${card.period}|${r.tag}`,
        subjectKind: 'facility',
        subjectCode: f.code,
        district: f.district,
        recipientName: m.name,
        recipientTag: r.tag,
        phone: m.phone,
        language,
      });
    }
  }

  for (const [district, managers] of districtManagers) {
    const inDistrict = cards.filter((c) => c.district === district);
    const period = inDistrict[0]!.period;
    for (const m of managers.values()) {
      const r = recipient(`district:${district}`, m);
      if (!r) continue;
      const language = languageOf(m);
      const sms = composeDistrictMessage({ district, period, minCount: settings.minCount, facilities: inDistrict }, deps.templates[language]!, settings.shortCode);
      messages.push({
        ...sms,
        key: `district:${district}|${period}|${r.tag}`,
        subjectKind: 'district',
        subjectCode: district,
        district,
        recipientName: m.name,
        recipientTag: r.tag,
        phone: m.phone,
        language,
      });
    }
  }
  return { messages, skipped };
}
