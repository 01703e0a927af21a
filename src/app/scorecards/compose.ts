import { z } from 'zod';
import { isGsm7, smsSegments, toGsm7Lookalikes, type Encoding } from '../../text/gsm.js';
import type { Scorecard } from '../../storage/scorecard-ports.js';
import { parsePeriod } from './period.js';
import { readLocaleFiles } from '../content.js';
import { formatMessage, monthName } from '../../text/messages.js';

/**
 * Scorecard SMS text, in the manager's language, from locales/<lang>/scorecard.json.
 * Aims for one GSM-7 segment (160 characters) and never goes past two (306): templates
 * are tried longest first, then names are shortened, and as a last resort the text is cut.
 * Every character is GSM-7: look-alikes (smart quotes, dashes) are replaced and anything
 * else outside the alphabet is spelled without accents or replaced, so a single character
 * never turns a message into UCS-2 (70 characters a part).
 */

export const MAX_SEGMENTS = 2;
const TWO_SEGMENTS_SEPTETS = 306;

export const ScorecardTemplates = z.object({
  'period.month': z.string().min(1),
  'period.week': z.string().min(1),
  'unit.month': z.string().min(1),
  'unit.week': z.string().min(1),
  facility: z.array(z.string().min(1)).min(1),
  'facility.few': z.array(z.string().min(1)).min(1),
  'change.up': z.string().min(1),
  'change.down': z.string().min(1),
  'change.same': z.string().min(1),
  'change.short.up': z.string().min(1),
  'change.short.down': z.string().min(1),
  'change.short.same': z.string().min(1),
  'problem.none': z.string().min(1),
  /** a problem named often enough: its label and how many of the reports named it */
  'problem.count': z.string().min(1),
  /** some reports named a problem, but none as often as the minimum count */
  'problem.few': z.string().min(1),
  /** the line on the facility's overdue charter actions (ICU plural on count) */
  'charter.overdue': z.string().min(1),
  /** the line on the facility's cases of the period: received, confirmed solved, not yet closed (ICU plural on each) */
  cases: z.string().min(1),
  not_answered: z.string().min(1),
  types: z.record(z.string(), z.string().min(1)),
  'type.other': z.string().min(1),
  district: z.array(z.string().min(1)).min(1),
  'district.item': z.string().min(1),
  'district.more': z.string().min(1),
  'district.few': z.string().min(1),
  'district.none': z.string().min(1),
});
/** A language's templates; each is an ICU message, formatted in that language. */
export type ScorecardTemplates = z.infer<typeof ScorecardTemplates> & { lang: string };

/** Every locales/<lang>/scorecard.json; a file that does not validate stops the load, naming it. */
export function loadScorecardTemplates(root: string): Record<string, ScorecardTemplates> {
  return Object.fromEntries(Object.entries(readLocaleFiles(root, 'scorecard.json', ScorecardTemplates)).map(([lang, templates]) => [lang, { ...templates, lang }]));
}

/** Makes any text GSM-7: look-alikes first, then accents dropped, then "?" for the rest. */
export function toGsm7Text(text: string): string {
  let out = '';
  for (const ch of toGsm7Lookalikes(text)) {
    if (isGsm7(ch)) {
      out += ch;
      continue;
    }
    const bare = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    out += bare && isGsm7(bare) ? bare : /\s/.test(ch) ? ' ' : '?';
  }
  return out;
}

/** A template filled in the templates' language (ICU plural and select). */
export function fill(t: ScorecardTemplates, template: string, vars: Record<string, string | number>): string {
  return formatMessage(t.lang, template, vars);
}

/** One line, single spaces, no space before punctuation left by an empty part. */
function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/ ([.,;:])/g, '$1')
    .replace(/(?<!\.)\.\.(?!\.)/g, '.')
    .replace(/([,;:])\1+/g, '$1')
    .trim();
}

function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max).join('').trimEnd();
}

export type ComposedSms = { text: string; segments: number; encoding: Encoding; units: number };

function measured(text: string): ComposedSms {
  const s = smsSegments(text);
  return { text, segments: s.segments, encoding: s.encoding, units: s.units };
}

/** Cuts a GSM-7 text to two segments' worth of septets (extension characters count twice). */
function cutToTwoSegments(text: string): string {
  let out = '';
  for (const ch of text) {
    if (smsSegments(out + ch).units > TWO_SEGMENTS_SEPTETS) break;
    out += ch;
  }
  return out;
}

/**
 * Picks the first candidate that fits one segment, else the first that fits two, else cuts
 * the last one. Candidates come longest and most complete first and are made only as
 * needed; the chosen text is made GSM-7 once more as a safety net.
 */
function fitBest(candidates: Iterable<string>): ComposedSms {
  let two: string | undefined;
  let last = '';
  for (const candidate of candidates) {
    last = tidy(candidate);
    const segments = smsSegments(last).segments;
    if (segments === 1) return finalText(last);
    if (segments <= MAX_SEGMENTS) two ??= last;
  }
  return finalText(two ?? last);
}

function finalText(text: string): ComposedSms {
  const gsm = tidy(toGsm7Text(text));
  return measured(smsSegments(gsm).segments <= MAX_SEGMENTS ? gsm : cutToTwoSegments(gsm));
}

export function periodLabel(period: string, t: ScorecardTemplates): string {
  const p = parsePeriod(period);
  if (!p) return period;
  return p.kind === 'month' ? fill(t, t['period.month'], { month: monthName(t.lang, p.index, 'short'), year: String(p.year) }) : fill(t, t['period.week'], { week: p.index, year: String(p.year) });
}

function unitLabel(period: string, t: ScorecardTemplates): string {
  return parsePeriod(period)?.kind === 'week' ? t['unit.week'] : t['unit.month'];
}

export type FacilityMessageInput = Pick<Scorecard, 'facilityName' | 'facilityType' | 'district' | 'period' | 'reports' | 'minCount' | 'shown' | 'satisfiedPct' | 'recommendPct' | 'change' | 'rank'> & {
  /**
   * The top problem in the manager's language and how many reports named it, when that is at
   * least the minimum count (see namedTopProblem); 'too_few' when problems were named but
   * none that often; null when no report named a problem.
   */
  problem: { label: string; count: number } | 'too_few' | null;
  /** overdue actions of the facility's charter (0 leaves the line out) */
  overdueActions?: number;
  /** the facility's cases of the period (null or absent: none, and no line) */
  cases?: CasesLine | null;
  /**
   * the facility type's name for several, in the message's language, as staff stored it
   * ("water points"); absent, the templates' own name for a shipped type, else "facilities"
   */
  typePlural?: string | null;
};

/** Cases opened in the period: how many, how many the citizen confirmed solved, how many are not yet closed. */
export type CasesLine = { received: number; solved: number; open: number };

/** What the SMS may carry besides the figures, each only where it fits. */
export type FacilityMessageExtras = {
  /** the facility's public page; left out when the text with it would not fit two segments */
  link?: string | null;
};

// every template carries every metric; names are shortened before a second segment is spent
const NAME_LENGTHS = [Infinity, 24, 16, 10];

export function composeFacilityMessage(card: FacilityMessageInput, t: ScorecardTemplates, shortCode: string, extras: FacilityMessageExtras = {}): ComposedSms {
  const templates = card.shown ? t.facility : t['facility.few'];
  const unit = unitLabel(card.period, t);
  const changeIn = (up: string, down: string, same: string) => (card.change === null ? '' : fill(t, card.change > 0 ? up : card.change < 0 ? down : same, { points: Math.abs(card.change), unit }));
  const change = changeIn(t['change.up'], t['change.down'], t['change.same']);
  const changeShort = changeIn(t['change.short.up'], t['change.short.down'], t['change.short.same']);
  const facility = toGsm7Text(card.facilityName);
  const district = toGsm7Text(card.district);
  const named = card.problem !== null && card.problem !== 'too_few' ? card.problem : null;
  const problemName = named ? toGsm7Text(named.label) : null;
  const problemText = (max: number) =>
    named && problemName
      ? fill(t, t['problem.count'], { problem: shorten(problemName, max), count: named.count, reports: card.reports })
      : card.problem === 'too_few'
        ? t['problem.few']
        : t['problem.none'];
  const overdue = card.overdueActions ? fill(t, t['charter.overdue'], { count: card.overdueActions }) : '';
  const cases = card.cases && card.cases.received > 0 ? fill(t, t.cases, card.cases) : '';
  function* candidates(link: string) {
    for (const max of NAME_LENGTHS) {
      const vars = {
        facility: shorten(facility, max),
        district: shorten(district, max),
        problem: problemText(max),
        type: card.typePlural || (t.types[card.facilityType] ?? t['type.other']),
        period: periodLabel(card.period, t),
        reports: card.reports,
        min: card.minCount,
        satisfied: card.satisfiedPct ?? t.not_answered,
        recommend: card.recommendPct ?? t.not_answered,
        change,
        changeShort,
        rank: card.rank?.position ?? t.not_answered,
        of: card.rank?.of ?? t.not_answered,
        shortCode,
      };
      for (const template of templates) yield `${fill(t, template, vars)} ${cases} ${overdue} ${link}`;
    }
  }
  // the link only where the whole text still fits two segments without cutting
  if (extras.link) {
    const withLink = fitWithoutCutting(candidates(extras.link));
    if (withLink) return withLink;
  }
  return fitBest(candidates(''));
}

/** Like fitBest, but null when no candidate fits two segments whole. */
function fitWithoutCutting(candidates: Iterable<string>): ComposedSms | null {
  let two: string | undefined;
  for (const candidate of candidates) {
    const text = tidy(toGsm7Text(candidate));
    const segments = smsSegments(text).segments;
    if (segments === 1) return measured(text);
    if (segments <= MAX_SEGMENTS) two ??= text;
  }
  return two === undefined ? null : measured(two);
}

export type DistrictEntry = Pick<Scorecard, 'facilityName' | 'reports' | 'shown' | 'satisfied' | 'satisfactionAnswers' | 'satisfiedPct' | 'wouldRecommend' | 'recommendAnswers'>;

/**
 * The district manager's summary: the district's facilities ranked by satisfied share
 * (those with enough reports), as many as two segments hold, then how many were left out
 * and how many had too few reports.
 */
export function composeDistrictMessage(input: { district: string; period: string; minCount: number; facilities: DistrictEntry[] }, t: ScorecardTemplates, shortCode: string): ComposedSms {
  const share = (a: number, b: number) => (b > 0 ? a / b : -1);
  const ranked = input.facilities
    .filter((f) => f.shown && f.satisfiedPct !== null)
    .sort(
      (a, b) =>
        share(b.satisfied, b.satisfactionAnswers) - share(a.satisfied, a.satisfactionAnswers) ||
        share(b.wouldRecommend, b.recommendAnswers) - share(a.wouldRecommend, a.recommendAnswers) ||
        b.reports - a.reports ||
        a.facilityName.localeCompare(b.facilityName),
    );
  const few = input.facilities.filter((f) => !f.shown).length;
  const reports = input.facilities.reduce((n, f) => n + f.reports, 0);
  const period = periodLabel(input.period, t);
  const district = toGsm7Text(input.district);
  if (ranked.length === 0) {
    return fitBest(NAME_LENGTHS.map((max) => fill(t, t['district.none'], { district: shorten(district, max), period, reports, min: input.minCount, shortCode })));
  }
  // positions as in the ranking: equal shares share a place
  const positions: number[] = [];
  ranked.forEach((f, i) => {
    const prev = ranked[i - 1];
    const tied =
      prev &&
      share(prev.satisfied, prev.satisfactionAnswers) === share(f.satisfied, f.satisfactionAnswers) &&
      share(prev.wouldRecommend, prev.recommendAnswers) === share(f.wouldRecommend, f.recommendAnswers) &&
      prev.reports === f.reports;
    positions.push(tied ? positions[i - 1]! : i + 1);
  });
  // two segments hold about 30 entries at most: a big district is cut to its top 40 before trying
  const top = ranked.slice(0, 40);
  const names = top.map((f) => toGsm7Text(f.facilityName));
  const fewText = few > 0 ? fill(t, t['district.few'], { count: few, min: input.minCount }) : '';
  const render = (count: number, template: string, nameMax: number) => {
    const items = names
      .slice(0, count)
      .map((name, i) => fill(t, t['district.item'], { rank: positions[i]!, facility: shorten(name, nameMax), satisfied: top[i]!.satisfiedPct! }))
      .join(' ');
    const more = count < ranked.length ? fill(t, t['district.more'], { count: ranked.length - count }) : '';
    return tidy(fill(t, template, { district: shorten(district, 24), period, reports, items, more, few: fewText }));
  };
  const layouts = [Infinity, 16, 10].flatMap((nameMax) => t.district.map((template) => ({ nameMax, template })));
  const fits = (text: string, segments: number) => smsSegments(text).segments <= segments;
  // every facility in one segment, then every facility in two
  for (const limit of [1, MAX_SEGMENTS]) {
    if (ranked.length > top.length) break;
    for (const { template, nameMax } of layouts) {
      const text = render(ranked.length, template, nameMax);
      if (fits(text, limit)) return finalText(text);
    }
  }
  // else the most facilities two segments hold: the text grows with the count, so search it
  let best: { count: number; text: string } | null = null;
  for (const { template, nameMax } of layouts) {
    let [lo, hi] = [1, Math.min(ranked.length - 1, top.length)];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const text = render(mid, template, nameMax);
      if (fits(text, MAX_SEGMENTS)) {
        if (!best || mid > best.count) best = { count: mid, text };
        lo = mid + 1;
      } else hi = mid - 1;
    }
  }
  return finalText(best?.text ?? render(1, t.district.at(-1)!, 10));
}
