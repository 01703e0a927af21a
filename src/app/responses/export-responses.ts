import type { AnswerValue, Question } from '../../engine/definition.js';
import type { SystemTextSource } from '../../engine/prompt.js';
import { exportLabelFor } from '../../engine/labels.js';
import type { QuestionnaireVersion, StoredResponse, ResponseFilter, Store } from '../../storage/ports.js';
import { csvLine } from '../../text/csv.js';
import { isCalendarDay, localDay, startOfLocalDay } from '../../text/time.js';
import { publicResponse } from './public-response.js';

/**
 * Responses for analysis, as CSV (one row per response, a code and a label column per
 * question) or NDJSON (one object per line). Lines are produced one response at a time
 * from the storage cursor, so an export of any size runs in constant memory. Respondents
 * appear only as their keyed hash; phone numbers are never stored, so never exported.
 */

export type ExportFormat = 'csv' | 'ndjson';

const FIXED_COLUMNS = [
  'response_id',
  'facility_code',
  'facility_type',
  'district',
  'questionnaire',
  'questionnaire_version',
  'channel',
  'language',
  'respondent_key',
  'status',
  'counted',
  'duplicate_of',
  'started_at',
  'completed_at',
  'abandoned_at',
] as const;

type Labeller = (questionId: string, value: AnswerValue) => string;

export function createAnswerLabeller(texts: SystemTextSource, lang: string) {
  return (version: QuestionnaireVersion): Labeller => {
    const questions = new Map<string, Question>(version.definition.questions.map((q) => [q.id, q]));
    return (questionId, value) => {
      const q = questions.get(questionId);
      return q ? exportLabelFor(q, value, version.texts, lang, texts) : String(value);
    };
  };
}

/** What staff ask an export for: codes and names as the download form and the API take them. */
export type ExportRequest = {
  facility?: string;
  district?: string;
  type?: string;
  questionnaire?: string;
  version?: number;
  /** a date-time with its offset, or a calendar day (YYYY-MM-DD) */
  from?: string;
  to?: string;
  channel?: ResponseFilter['channel'];
  status?: ResponseFilter['status'];
};

/** A bound of the export: a date-time as given; a date is its local day in the programme's time zone, `to` included. */
function exportBound(value: string | undefined, timeZone: string, end: boolean): Date | undefined {
  if (!value) return undefined;
  if (!isCalendarDay(value)) return new Date(value);
  const start = startOfLocalDay(value, timeZone);
  return end ? startOfLocalDay(localDay(new Date(start.getTime() + 36 * 3_600_000), timeZone), timeZone) : start;
}

export function exportFilter(q: ExportRequest, timeZone: string): ResponseFilter {
  return {
    facilityCode: q.facility,
    district: q.district,
    facilityType: q.type,
    questionnaireId: q.questionnaire,
    questionnaireVersion: q.version,
    from: exportBound(q.from, timeZone, false),
    to: exportBound(q.to, timeZone, true),
    channel: q.channel,
    status: q.status,
  };
}

/** Question columns for an export: every question of every version the filter can match, in order. */
export function exportQuestionIds(versions: QuestionnaireVersion[], filter: ResponseFilter): string[] {
  const matching = versions.filter(
    (v) =>
      v.status !== 'draft' &&
      (!filter.questionnaireId || v.id === filter.questionnaireId) &&
      (filter.questionnaireVersion === undefined || v.version === filter.questionnaireVersion) &&
      (!filter.facilityType || v.definition.facilityTypes.includes(filter.facilityType)),
  );
  return [...new Set(matching.flatMap((v) => v.definition.questions.map((q) => q.id)))];
}

export async function* exportResponses(deps: { storage: Store; texts: SystemTextSource }, filter: ResponseFilter, options: { format: ExportFormat; lang: string }): AsyncGenerator<string> {
  const versions = await deps.storage.questionnaires.listVersions();
  const labellerFor = createAnswerLabeller(deps.texts, options.lang);
  // one labeller per questionnaire version: a handful, however many responses there are
  const labellers = new Map<string, Labeller>(versions.map((v) => [`${v.id}@${v.version}`, labellerFor(v)]));
  const label = (r: StoredResponse, questionId: string, value: AnswerValue) => labellers.get(`${r.questionnaireId}@${r.questionnaireVersion}`)?.(questionId, value) ?? String(value);

  if (options.format === 'ndjson') {
    for await (const r of deps.storage.responses.stream(filter)) {
      yield `${JSON.stringify({
        ...publicResponse(r),
        answers: r.answers.map((a) => ({ questionId: a.questionId, value: a.value, label: label(r, a.questionId, a.value), at: a.at })),
      })}\n`;
    }
    return;
  }
  const questionIds = exportQuestionIds(versions, filter);
  yield csvLine([...FIXED_COLUMNS, ...questionIds.flatMap((id) => [id, `${id}_label`])]);
  for await (const r of deps.storage.responses.stream(filter)) {
    const byQuestion = new Map(r.answers.map((a) => [a.questionId, a.value]));
    const answers = questionIds.flatMap((id) => {
      const value = byQuestion.get(id);
      return value === undefined ? ['', ''] : [value, label(r, id, value)];
    });
    yield csvLine([
      r.id,
      r.facilityCode,
      r.facilityType,
      r.district,
      r.questionnaireId,
      r.questionnaireVersion,
      r.channel,
      r.language,
      r.respondentKey,
      r.status,
      r.counted,
      r.duplicateOf,
      r.startedAt,
      r.completedAt,
      r.abandonedAt,
      ...answers,
    ]);
  }
}
