import { createHmac } from 'node:crypto';
import type { Question } from '../../engine/definition.js';
import { lookupPath } from '../../engine/texts.js';
import type { FlowResultsAnswers } from '../../engine/question-types/question-type.js';
import { questionType } from '../../engine/question-types/registry.js';
import type { QuestionnaireVersion, StoredResponse, Store } from '../../storage/ports.js';
import { timestampWithOffset } from '../../text/time.js';

/**
 * FLOIP Flow Results export (https://github.com/FLOIP/flow-results, specification.md): a
 * Frictionless Data Package descriptor with one resource, and its rows as JSON row arrays
 * [timestamp, row_id, contact_id, session_id, question_id, response, response_metadata],
 * one row per stored answer.
 *
 * Exports cannot be joined: contact_id, session_id and row_id are HMACs under a secret of
 * this export key alone (the key staff name when they hand an export to a partner), so the
 * same respondent has unrelated ids in two exports with different keys, and no id in any
 * export is a respondent key or a report reference stored here. One package per
 * questionnaire covers all its published versions (the spec's versioning option 2): every
 * question any version asked is listed, with the newest version's metadata.
 */

export const FLOW_RESULTS_SPEC_VERSION = '1.0.0-rc1';
export const FLOW_RESULTS_FIELDS = [
  { name: 'timestamp', title: 'Timestamp', type: 'datetime' },
  { name: 'row_id', title: 'Row ID', type: 'string' },
  { name: 'contact_id', title: 'Contact ID', type: 'string' },
  { name: 'session_id', title: 'Session ID', type: 'string' },
  { name: 'question_id', title: 'Question ID', type: 'string' },
  { name: 'response', title: 'Response', type: 'any' },
  { name: 'response_metadata', title: 'Response Metadata', type: 'object' },
] as const;

export type FlowResultsQuestion = { type: FlowResultsAnswers['type']; label: string; type_options: FlowResultsAnswers['type_options'] };

export type FlowResultsDeps = { storage: Store; settings: { timeZone: string; defaultLanguage: string; exportSecret: string } };

/** The export key's own secret: one HMAC step away from the service's, so keys cannot be turned into one another. */
function keySecret(deps: FlowResultsDeps, exportKey: string): Buffer {
  return createHmac('sha256', deps.settings.exportSecret).update(`flow-results-key:${exportKey}`).digest();
}
const pseudonym = (secret: Buffer, kind: string, value: string) => createHmac('sha256', secret).update(`${kind}:${value}`).digest('hex').slice(0, 32);

/** A stable version 4 UUID for the questionnaire's package (RFC 4122 bits set on a keyed hash). */
function packageId(deps: FlowResultsDeps, questionnaireId: string): string {
  const b = createHmac('sha256', deps.settings.exportSecret).update(`flow-results-package:${questionnaireId}`).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A question as the package lists it: its type says how its answers are described. */
function question(q: Question, label: string): FlowResultsQuestion {
  const { type, type_options } = questionType(q).flowResults(q);
  return { type, label, type_options };
}

async function publishedVersions(deps: FlowResultsDeps, questionnaireId: string): Promise<QuestionnaireVersion[]> {
  return (await deps.storage.questionnaires.listVersions(questionnaireId)).filter((v) => v.status !== 'draft').sort((a, b) => a.version - b.version);
}

export type FlowResultsPackage = ReturnType<typeof describe>;

/** The package descriptor, or null when the questionnaire was never published. `dataUrl` is where the rows are served. */
export async function flowResultsPackage(deps: FlowResultsDeps, questionnaireId: string, dataUrl: string): Promise<FlowResultsPackage | null> {
  const versions = await publishedVersions(deps, questionnaireId);
  if (versions.length === 0) return null;
  return describe(deps, questionnaireId, versions, dataUrl);
}

function describe(deps: FlowResultsDeps, questionnaireId: string, versions: QuestionnaireVersion[], dataUrl: string) {
  const lang = deps.settings.defaultLanguage;
  const questions: Record<string, FlowResultsQuestion> = {};
  // oldest first, so the newest version's metadata wins and no question ever asked drops out
  for (const v of versions) {
    for (const q of v.definition.questions) {
      const label = lookupPath(v.texts[lang], `questions.${q.id}.text`) ?? q.id;
      questions[q.id] = question(q, label);
    }
  }
  const published = versions.map((v) => (v.publishedAt ?? v.createdAt).getTime());
  const when = (ms: number) => timestampWithOffset(new Date(ms), 'UTC');
  const title = lookupPath(versions.at(-1)!.texts[lang], 'title');
  return {
    profile: 'flow-results-package' as const,
    name: `${questionnaireId.replace(/_/g, '-')}-flow-results`,
    flow_results_specification_version: FLOW_RESULTS_SPEC_VERSION,
    id: packageId(deps, questionnaireId),
    title: title ?? `Report cards: ${questionnaireId}`,
    created: when(Math.min(...published)),
    // a new version may add questions: its publication is the package's modification
    modified: when(Math.max(...published)),
    resources: [
      {
        name: `${questionnaireId.replace(/_/g, '-')}-responses`,
        path: dataUrl,
        mediatype: 'application/json',
        encoding: 'utf-8',
        schema: { language: ISO_639_3[lang] ?? lang, fields: FLOW_RESULTS_FIELDS.map((f) => ({ ...f })), questions },
      },
    ],
  };
}

/** The labels' language, as ISO 639-3 (the spec's choice). */
const ISO_639_3: Record<string, string> = { en: 'eng', sw: 'swa', zu: 'zul' };

export type FlowResultsRow = [string, string, string, string, string, string | number, Record<string, string | number>];

/**
 * Every answer to the questionnaire as a row, one response at a time from the storage's
 * keyset pages, facility by facility (the export index {facilityCode, startedAt, _id}).
 * Null when the questionnaire was never published.
 */
export async function flowResultsRows(deps: FlowResultsDeps, questionnaireId: string, exportKey: string): Promise<AsyncGenerator<FlowResultsRow> | null> {
  const versions = await publishedVersions(deps, questionnaireId);
  if (versions.length === 0) return null;
  const secret = keySecret(deps, exportKey);
  const facilities = (await deps.storage.facilities.list()).map((f) => f.code).sort();
  const { timeZone } = deps.settings;
  async function* rows(): AsyncGenerator<FlowResultsRow> {
    for (const facilityCode of facilities) {
      for await (const r of deps.storage.responses.stream({ facilityCode, questionnaireId })) yield* rowsOf(r);
    }
  }
  function* rowsOf(r: StoredResponse): Generator<FlowResultsRow> {
    const contact = pseudonym(secret, 'contact', r.respondentKey);
    const session = pseudonym(secret, 'session', r.id);
    const metadata = { facility_code: r.facilityCode, district: r.district, questionnaire_version: r.questionnaireVersion, channel: r.channel, language: r.language, status: r.status };
    for (const a of r.answers) {
      yield [timestampWithOffset(a.at, timeZone), `${session}.${a.questionId}`, contact, session, a.questionId, a.value as string | number, metadata];
    }
  }
  return rows();
}

/** The rows as one JSON array, a chunk of rows at a time (constant memory). */
export async function* flowResultsJson(rows: AsyncIterable<FlowResultsRow>): AsyncGenerator<string> {
  let first = true;
  let chunk = '[';
  for await (const row of rows) {
    chunk += `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
    first = false;
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}\n]\n`;
}
