import type { Clock } from '../../gateways/clock.js';
import type { QuestionnaireVersion, Storage } from '../../storage/ports.js';
import { validateQuestionnaire, type ValidationIssue } from './validate-questionnaire.js';

/**
 * Publishing: validate everything first, then store a new immutable version numbered after
 * the newest one. Sessions already running stay pinned to the version they started on.
 */
export type PublishResult = { ok: true; version: QuestionnaireVersion; paths: Record<string, number> } | { ok: false; issues: ValidationIssue[] };

export async function publishQuestionnaire(
  deps: { storage: Storage; clock: Clock; validation: Parameters<typeof validateQuestionnaire>[1] },
  input: { definition: unknown; texts: unknown; by: string },
): Promise<PublishResult> {
  const report = validateQuestionnaire(input, deps.validation);
  if (!report.ok) return { ok: false, issues: report.issues };
  const definition = report.definition!;
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await deps.storage.questionnaires.listVersions(definition.id);
    const now = deps.clock.now();
    const version: QuestionnaireVersion = {
      id: definition.id,
      version: Math.max(0, ...existing.map((v) => v.version)) + 1,
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
