import type { Clock } from '../../gateways/clock.js';
import type { QuestionnaireVersion, Store } from '../../storage/ports.js';
import { validateQuestionnaire, type ValidationIssue } from './validate-questionnaire.js';

/**
 * Publishing: validate everything first, then store a new immutable version numbered after
 * the newest one. Sessions already running stay pinned to the version they started on.
 */
/** The number the next published version of a questionnaire gets: one after the newest, whatever its status. */
export function nextVersionNumber(versions: readonly Pick<QuestionnaireVersion, 'version'>[]): number {
  return Math.max(0, ...versions.map((v) => v.version)) + 1;
}

export type PublishResult = { ok: true; version: QuestionnaireVersion; paths: Record<string, number> } | { ok: false; issues: ValidationIssue[] };

export async function publishQuestionnaire(
  deps: { storage: Store; clock: Clock; validation: Parameters<typeof validateQuestionnaire>[1] },
  input: { definition: unknown; texts: unknown; by: string },
): Promise<PublishResult> {
  const report = validateQuestionnaire(input, deps.validation);
  if (!report.ok) return { ok: false, issues: report.issues };
  const definition = report.definition!;
  const typeIssues = await facilityTypeIssues(deps.storage, definition);
  if (typeIssues.length) return { ok: false, issues: typeIssues };
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await deps.storage.questionnaires.listVersions(definition.id);
    const now = deps.clock.now();
    const version: QuestionnaireVersion = {
      id: definition.id,
      version: nextVersionNumber(existing),
      status: 'published',
      definition,
      texts: report.texts!,
      createdAt: now,
      publishedAt: now,
      publishedBy: input.by,
    };
    const stored = await deps.storage.questionnaires.insertVersion(version);
    if (stored) return { ok: true, version: stored, paths: report.paths };
  }
  return { ok: false, issues: [{ where: 'questionnaire', message: 'another version was published at the same moment; try again' }] };
}

/**
 * One live questionnaire per facility type: publishing refuses a type staff have not added
 * (it has no names to show), a type another live questionnaire already serves, and to drop
 * a type that active facilities have when no other live questionnaire serves it. Each issue
 * names the type and the questionnaire.
 *
 * A type with active facilities and no live questionnaire at all (a new kind of service
 * being prepared: its facilities added, its questionnaire still a draft) does not stop other
 * questionnaires from being published: only the questionnaire that would leave it without
 * one is refused.
 */
export async function facilityTypeIssues(storage: Store, definition: { id: string; facilityTypes: string[] }): Promise<ValidationIssue[]> {
  const stored = new Set((await storage.facilityTypes.list()).map((t) => t.code));
  const unknown = definition.facilityTypes.filter((t) => !stored.has(t));
  const live = new Map<string, QuestionnaireVersion>();
  for (const v of await storage.questionnaires.listVersions()) {
    if (v.status !== 'published') continue;
    if ((live.get(v.id)?.version ?? 0) < v.version) live.set(v.id, v);
  }
  const issues: ValidationIssue[] = unknown.map((type) => ({
    where: `facility type "${type}"`,
    message: `is not a facility type staff have added: add it, with its name in every language, on the Facility types page, then publish`,
  }));
  const others = [...live.values()].filter((v) => v.id !== definition.id);
  for (const type of definition.facilityTypes) {
    for (const other of others.filter((o) => o.definition.facilityTypes.includes(type)))
      issues.push({
        where: `facility type "${type}"`,
        message: `questionnaire "${other.id}" (version ${other.version}) is already live for it, and a facility type has one live questionnaire: remove "${type}" from this one, or retire ${other.id} first`,
      });
  }
  const dropped = (live.get(definition.id)?.definition.facilityTypes ?? []).filter((t) => !definition.facilityTypes.includes(t));
  if (dropped.length) {
    const facilities = await storage.facilities.list({ activeOnly: true });
    for (const type of dropped) {
      if (others.some((o) => o.definition.facilityTypes.includes(type))) continue;
      const left = facilities.filter((f) => f.type === type);
      if (left.length)
        issues.push({
          where: `facility type "${type}"`,
          message: `${left.length} active ${left.length === 1 ? 'facility has' : 'facilities have'} it (${left
            .slice(0, 5)
            .map((f) => f.code)
            .join(', ')}${left.length > 5 ? ', …' : ''}) and no other live questionnaire serves it: keep "${type}" here, or publish another questionnaire for it first`,
        });
    }
  }
  return issues;
}
