import type { Scorecard } from '../../storage/ports.js';
import { formatPeriod, parsePeriod, periodJustEnded } from './period.js';
import type { PlannedMessage, ScorecardRunReport } from './run-scorecards.js';
import type { RunOptions } from './run-scorecards.js';

/**
 * What a facility's managers would receive for a period, without storing or sending
 * anything: a dry run of the period (ranks need the whole district), narrowed to the
 * facility, its district summary, and whether the period was already stored and queued.
 */
export type ScorecardPreview = {
  period: string;
  from: Date;
  to: Date;
  scorecard: Scorecard | null;
  /** the facility's managers' messages, and the district summaries that mention it */
  messages: Array<Pick<PlannedMessage, 'subjectKind' | 'recipientName' | 'language' | 'text' | 'segments' | 'encoding' | 'units'>>;
  /** a scorecard for this facility and period was already stored (and its messages queued) */
  alreadyStored: boolean;
  /** the most common problem in words ("Long wait"), as the questionnaire words it in the default language; null when none was named */
  topProblemLabel: string | null;
};

export type PreviewDeps = {
  run(period: string, options?: RunOptions): Promise<ScorecardRunReport>;
  storedScorecard(facilityCode: string, period: string): Promise<Scorecard | null>;
  /** an option's wording in the default language (the newest published version's), if it has one */
  optionWording?(questionnaireId: string, questionId: string, code: string): Promise<string | null>;
};

export function defaultPreviewPeriod(now: Date, kind: 'month' | 'week', timeZone: string): string {
  return formatPeriod(periodJustEnded(now, kind, timeZone));
}

export function isPeriod(key: string): boolean {
  return parsePeriod(key) !== null;
}

export async function previewScorecard(deps: PreviewDeps, facilityCode: string, period: string): Promise<ScorecardPreview> {
  const report = await deps.run(period, { dryRun: true });
  const scorecard = report.scorecards.find((s) => s.facilityCode === facilityCode) ?? null;
  const messages = report.messages
    .filter((m) => (m.subjectKind === 'facility' ? m.subjectCode === facilityCode : scorecard !== null && m.district === scorecard.district))
    .map(({ subjectKind, recipientName, language, text, segments, encoding, units }) => ({ subjectKind, recipientName, language, text, segments, encoding, units }));
  const stored = await deps.storedScorecard(facilityCode, report.period);
  const top = scorecard?.topProblem ?? null;
  const topProblemLabel = top ? ((await deps.optionWording?.(top.questionnaireId, top.questionId, top.code)) ?? humanCode(top.code)) : null;
  return { period: report.period, from: report.from, to: report.to, scorecard, messages, alreadyStored: stored !== null, topProblemLabel };
}

/** "long_wait" → "Long wait", when no wording is found. */
function humanCode(code: string): string {
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
