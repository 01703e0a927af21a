import { randomBytes } from 'node:crypto';
import type { Clock } from '../../gateways/clock.js';
import type { QuestionnaireVersion, Store } from '../../storage/ports.js';
import type { Draft } from '../../storage/staff-ports.js';
import { recordAudit } from '../staff/audit.js';
import { nextVersionNumber, publishQuestionnaire } from './publish-questionnaire.js';
import { diffQuestionnaires, readableDiff, type ReadableChange } from './questionnaire-diff.js';
import { validateQuestionnaire, type ValidationIssue, type ValidationReport } from './validate-questionnaire.js';

/**
 * A questionnaire's life as staff see it: start a draft from the current version, edit it
 * (saves are compare-and-set, so two editors never overwrite each other unseen), validate,
 * publish it as a new immutable numbered version, and retire a version. Every change is
 * written to the audit log with who did it.
 */

export type LifecycleDeps = { storage: Store; clock: Clock; validation: Parameters<typeof validateQuestionnaire>[1] };

/** Versions of one questionnaire, the current one (newest published) and its drafts. */
export type QuestionnaireSummary = {
  id: string;
  title: string;
  current: QuestionnaireVersion | null;
  versions: QuestionnaireVersion[];
  drafts: Draft[];
};

export async function listQuestionnaires(storage: Store, defaultLanguage: string): Promise<QuestionnaireSummary[]> {
  const versions = await storage.questionnaires.listVersions();
  const drafts = await storage.drafts.list();
  const ids = [...new Set([...versions.map((v) => v.id), ...drafts.map((d) => d.questionnaireId)])].sort();
  return ids.map((id) => {
    const own = versions.filter((v) => v.id === id);
    const current = own.filter((v) => v.status === 'published').sort((a, b) => b.version - a.version)[0] ?? null;
    const newest = current ?? own[own.length - 1];
    return {
      id,
      title: newest?.texts[defaultLanguage]?.title ?? id,
      current,
      versions: own,
      drafts: drafts.filter((d) => d.questionnaireId === id),
    };
  });
}

/** `facilityTypes`: the kinds of service a new questionnaire serves (required for a new one, refused for one that has versions). */
export type DraftStart = { questionnaireId: string; fromVersion?: number; facilityTypes?: string[] };

export type DraftStartResult = { ok: true; draft: Draft } | { ok: false; reason: 'not_found' | 'invalid'; message: string };

export async function startDraft(deps: LifecycleDeps, input: DraftStart, by: string): Promise<DraftStartResult> {
  const { storage, clock } = deps;
  let basis: QuestionnaireVersion | null;
  if (input.fromVersion !== undefined) {
    basis = await storage.questionnaires.getVersion(input.questionnaireId, input.fromVersion);
    if (!basis) return { ok: false, reason: 'not_found', message: `${input.questionnaireId} has no version ${input.fromVersion}` };
  } else {
    const all = await storage.questionnaires.listVersions(input.questionnaireId);
    basis = all.filter((v) => v.status === 'published').pop() ?? all.pop() ?? null;
  }
  let facilityTypes: string[] = [];
  if (basis && input.facilityTypes !== undefined) {
    return { ok: false, reason: 'invalid', message: `${input.questionnaireId} already exists: start a draft from its own page, and change the kinds of service it serves in that draft` };
  }
  if (!basis) {
    // a new questionnaire serves what staff chose, never a type picked for them
    facilityTypes = [...new Set(input.facilityTypes ?? [])];
    if (facilityTypes.length === 0) return { ok: false, reason: 'invalid', message: 'choose which kind(s) of service the new questionnaire serves, such as water_point' };
    const stored = new Set((await storage.facilityTypes.list()).map((t) => t.code));
    const unknown = facilityTypes.filter((t) => !stored.has(t));
    if (unknown.length)
      return {
        ok: false,
        reason: 'invalid',
        message: `${unknown.map((t) => `"${t}"`).join(', ')} ${unknown.length === 1 ? 'is not a facility type' : 'are not facility types'}: add it on the Facility types page first`,
      };
  }
  const now = clock.now();
  const draft: Draft = {
    id: `d_${randomBytes(6).toString('hex')}`,
    questionnaireId: input.questionnaireId,
    basedOn: basis?.version ?? null,
    definition: basis?.definition ?? skeleton(input.questionnaireId, facilityTypes),
    texts: basis?.texts ?? Object.fromEntries(deps.validation.languages.map((l) => [l, { title: '', intro: '', questions: { satisfaction: { text: '' } } }])),
    createdAt: now,
    createdBy: by,
    updatedAt: now,
    updatedBy: by,
    revision: 0,
  };
  if (!(await storage.drafts.create(draft))) return { ok: false, reason: 'invalid', message: 'draft id collision; try again' };
  await recordAudit(deps, {
    actor: by,
    action: 'draft.created',
    target: `questionnaire ${draft.questionnaireId} draft ${draft.id}`,
    details: { basedOn: draft.basedOn },
  });
  return { ok: true, draft };
}

function skeleton(id: string, facilityTypes: string[]) {
  return { id, facilityTypes, questions: [{ id: 'satisfaction', type: 'rating', role: 'satisfaction' }] };
}

export type SaveResult = { ok: true; draft: Draft; report: ValidationReport } | { ok: false; reason: 'not_found' | 'conflict'; message: string };

export async function saveDraft(deps: LifecycleDeps, id: string, input: { definition: unknown; texts: unknown; revision: number }, by: string): Promise<SaveResult> {
  const current = await deps.storage.drafts.get(id);
  if (!current) return { ok: false, reason: 'not_found', message: `draft ${id} does not exist (it may have been published or deleted)` };
  if (current.revision !== input.revision) {
    return { ok: false, reason: 'conflict', message: `${current.updatedBy} saved this draft after you opened it; reload it to see their changes` };
  }
  const next: Draft = { ...current, definition: input.definition, texts: input.texts, updatedAt: deps.clock.now(), updatedBy: by };
  if (!(await deps.storage.drafts.update(next, input.revision))) {
    return { ok: false, reason: 'conflict', message: 'someone saved this draft at the same moment; reload it to see their changes' };
  }
  await recordAudit(deps, { actor: by, action: 'draft.updated', target: `questionnaire ${current.questionnaireId} draft ${id}`, details: { revision: input.revision + 1 } });
  return { ok: true, draft: { ...next, revision: input.revision + 1 }, report: validateDraft(deps, next) };
}

/** Validation of a draft, plus the rule that a draft keeps its questionnaire's id. */
export function validateDraft(deps: Pick<LifecycleDeps, 'validation'>, draft: Pick<Draft, 'questionnaireId' | 'definition' | 'texts'>): ValidationReport {
  const report = validateQuestionnaire({ definition: draft.definition, texts: draft.texts }, deps.validation);
  const givenId = (draft.definition as { id?: unknown } | null)?.id;
  if (givenId !== draft.questionnaireId) {
    const issue: ValidationIssue = { where: 'id', message: `must stay "${draft.questionnaireId}": start a new questionnaire to use another id` };
    return { ...report, ok: false, issues: [issue, ...report.issues] };
  }
  return report;
}

export type DraftPublish = { ok: true; version: QuestionnaireVersion } | { ok: false; issues: ValidationIssue[]; notFound?: boolean };

export async function publishDraft(deps: LifecycleDeps, id: string, by: string, expectedRevision?: number): Promise<DraftPublish> {
  const draft = await deps.storage.drafts.get(id);
  if (!draft) return { ok: false, notFound: true, issues: [{ where: 'draft', message: `draft ${id} does not exist (it may have been published already)` }] };
  if (expectedRevision !== undefined && draft.revision !== expectedRevision) {
    return { ok: false, issues: [{ where: 'draft', message: `${draft.updatedBy} changed this draft after you opened it; review it again before publishing` }] };
  }
  const report = validateDraft(deps, draft);
  if (!report.ok) return { ok: false, issues: report.issues };
  const result = await publishQuestionnaire(deps, { definition: draft.definition, texts: draft.texts, by });
  if (!result.ok) return result;
  await deps.storage.drafts.delete(id);
  await recordAudit(deps, {
    actor: by,
    action: 'questionnaire.published',
    target: `questionnaire ${result.version.id}@${result.version.version}`,
    details: { draft: id, basedOn: draft.basedOn, paths: result.paths },
  });
  return { ok: true, version: result.version };
}

/** What publishing a draft would make: the version number it gets, and what changes from the current version. */
export type PublishPreview = { nextVersion: number; current: QuestionnaireVersion | null; changes: ReadableChange[] };

export async function previewPublish(storage: Store, draft: Draft, defaultLanguage: string): Promise<PublishPreview> {
  const current = await storage.questionnaires.latestPublished(draft.questionnaireId);
  const nextVersion = nextVersionNumber(await storage.questionnaires.listVersions(draft.questionnaireId));
  const changes = current ? readableDiff(diffQuestionnaires(current, draft), current, draft, defaultLanguage) : [];
  return { nextVersion, current, changes };
}

export async function deleteDraft(deps: LifecycleDeps, id: string, by: string): Promise<boolean> {
  const draft = await deps.storage.drafts.get(id);
  if (!draft || !(await deps.storage.drafts.delete(id))) return false;
  await recordAudit(deps, { actor: by, action: 'draft.deleted', target: `questionnaire ${draft.questionnaireId} draft ${id}` });
  return true;
}

/**
 * What retiring a version would change for new reports: nothing but the list when a newer
 * version is current; else they go back to the newest other published version, or, with none
 * left, find no survey for the facility types it served. Only a published version retires.
 */
export type RetireEffect = { kind: 'not_published' } | { kind: 'superseded' } | { kind: 'falls_back'; version: number } | { kind: 'none_left'; facilityTypes: string[] };

export async function retireEffect(storage: Store, v: QuestionnaireVersion): Promise<RetireEffect> {
  if (v.status !== 'published') return { kind: 'not_published' };
  const current = (await storage.questionnaires.latestPublished(v.id))?.version === v.version;
  if (!current) return { kind: 'superseded' };
  const others = (await storage.questionnaires.listVersions(v.id)).filter((x) => x.status === 'published' && x.version !== v.version);
  const fallback = others.sort((a, b) => b.version - a.version)[0];
  return fallback ? { kind: 'falls_back', version: fallback.version } : { kind: 'none_left', facilityTypes: v.definition.facilityTypes };
}

/**
 * Retiring a version: respondents pinned to it finish on it; new sessions get the newest
 * version still published (an older one, if any), else none.
 */
export async function retireVersion(deps: LifecycleDeps, id: string, version: number, by: string): Promise<{ ok: true; nowCurrent: number | null } | { ok: false; message: string }> {
  const v = await deps.storage.questionnaires.getVersion(id, version);
  if (!v) return { ok: false, message: `${id} has no version ${version}` };
  if (v.status !== 'published') return { ok: false, message: `${id} version ${version} is ${v.status}; only a published version can be retired` };
  if (!(await deps.storage.questionnaires.retireVersion(id, version))) return { ok: false, message: `${id} version ${version} was retired meanwhile` };
  const now = await deps.storage.questionnaires.latestPublished(id);
  await recordAudit(deps, { actor: by, action: 'questionnaire.retired', target: `questionnaire ${id}@${version}`, details: { nowCurrent: now?.version ?? null } });
  return { ok: true, nowCurrent: now?.version ?? null };
}
