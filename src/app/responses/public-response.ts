import type { StoredResponse, ResponseFilter, Store } from '../../storage/ports.js';

/** What staff may see of a response: the respondent key, never a phone number. */
export function publicResponse(r: StoredResponse) {
  return {
    id: r.id,
    facilityCode: r.facilityCode,
    facilityType: r.facilityType,
    district: r.district,
    questionnaireId: r.questionnaireId,
    questionnaireVersion: r.questionnaireVersion,
    channel: r.channel,
    language: r.language,
    respondentKey: r.respondentKey,
    status: r.status,
    counted: r.counted,
    duplicateOf: r.duplicateOf,
    answers: r.answers,
    startedAt: r.startedAt,
    updatedAt: r.updatedAt,
    completedAt: r.completedAt,
    abandonedAt: r.abandonedAt,
  };
}

/** The first `limit` responses the filter matches, as staff may see them, one at a time from the storage cursor. */
export async function* publicResponses(storage: Store, filter: ResponseFilter, limit: number): AsyncGenerator<ReturnType<typeof publicResponse>> {
  let sent = 0;
  for await (const r of storage.responses.stream(filter)) {
    if (sent++ >= limit) return;
    yield publicResponse(r);
  }
}
