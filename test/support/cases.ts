import { openCaseForReport } from '../../src/app/cases/open-case.js';
import type { AnswerValue } from '../../src/engine/definition.js';
import type { TestService } from './service.js';

/**
 * A completed clinic report with these answers, stored as the hops would store it, and the case
 * opened for it when it names a concern. Written to storage directly, so a test of the staff
 * pages does not depend on how the conversation asks about follow-up.
 */
export async function reportAndOpenCase(t: TestService, report: { id: string; facilityCode: string; answers: Record<string, AnswerValue>; consent?: boolean; e164?: string }) {
  const s = t.storage;
  const at = t.clock.now();
  const { id } = report;
  await s.responses.start({
    id,
    sourceKey: `ussd:ATUid_${id}`,
    facilityCode: report.facilityCode,
    facilityType: 'clinic',
    district: 'Riverside',
    questionnaireId: 'clinic',
    questionnaireVersion: 1,
    channel: 'ussd',
    language: 'en',
    respondentKey: 'a'.repeat(32),
    resumeState: null,
    sessionIds: [`ATUid_${id}`],
    startedAt: at,
  });
  const resume = { value: 'thanks', context: { answers: {}, path: [] } };
  for (const [questionId, value] of Object.entries(report.answers)) await s.responses.recordAnswer(id, { questionId, value, at }, resume);
  const response = await s.responses.complete(id, at, `key-${id}`, '2026-10-05');
  const version = await s.questionnaires.getVersion('clinic', 1);
  const consent = report.consent ?? false;
  return openCaseForReport(t.service.cases, { response, definition: version!.definition, consent, e164: consent ? (report.e164 ?? null) : null });
}
