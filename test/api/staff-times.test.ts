import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewResponse } from '../../src/storage/ports.js';
import { startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';

/** Times in the console: in the programme's time zone (Africa/Johannesburg by default), the zone named, date pickers for days. */

let t: TestService;
let viewer: string;
beforeAll(async () => {
  t = await startTestService();
  viewer = await tokenFor(t, 'viewer', 'Vera');
});
afterAll(() => t.stop());

const response = (id: string, startedAt: string): NewResponse => ({
  id,
  sourceKey: `ussd:${id}`,
  facilityCode: '1001',
  facilityType: 'clinic',
  district: 'Riverside',
  questionnaireId: 'clinic',
  questionnaireVersion: 1,
  channel: 'ussd',
  language: 'en',
  respondentKey: `rk-${id}`,
  resumeState: null,
  sessionIds: [id],
  startedAt: new Date(startedAt),
});

describe('times in the console', () => {
  it('shows an audit time in the programme time zone with the zone named, never as UTC', async () => {
    // the test clock reads 2026-10-05T08:00:00Z: 10:00 in Johannesburg
    const page = await api(t, viewer).get('/staff/audit');
    expect(page.status).toBe(200);
    expect(page.text).toContain('2026-10-05 10:00 (Africa/Johannesburg, UTC+02:00)');
    expect(page.text).not.toContain('08:00 UTC');
  });

  it('offers date pickers on the export form, and reads a day as the local day (the "to" day included)', async () => {
    const form = await api(t, viewer).get('/staff/responses');
    expect(form.text).toMatch(/<input id="x-from" name="from" type="date">/);
    expect(form.text).toMatch(/<input id="x-to" name="to" type="date">/);

    await t.storage.responses.start(response('LATE4', '2026-10-04T21:30:00Z')); // 23:30 on the 4th in Johannesburg
    await t.storage.responses.start(response('EARLY5', '2026-10-04T22:30:00Z')); // 00:30 on the 5th
    await t.storage.responses.start(response('LATE5', '2026-10-05T21:59:00Z')); // 23:59 on the 5th
    await t.storage.responses.start(response('EARLY6', '2026-10-05T22:00:00Z')); // midnight on the 6th
    const ids = async (query: string) => {
      const res = await api(t, viewer).get(`/api/v1/responses/export?format=ndjson&${query}`);
      expect(res.status).toBe(200);
      return res.text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { id?: string; responseId?: string }).id ?? (JSON.parse(l) as { responseId: string }).responseId)
        .sort();
    };
    expect(await ids('from=2026-10-05&to=2026-10-05')).toEqual(['EARLY5', 'LATE5']);
    expect(await ids(`from=${encodeURIComponent('2026-10-04T22:30:00Z')}&to=${encodeURIComponent('2026-10-05T21:59:00Z')}`)).toEqual(['EARLY5']);
    const bad = await api(t, viewer).get('/api/v1/responses/export?from=2026-02-30');
    expect(bad.status).toBe(400);
    expect(bad.json.fields[0].field).toBe('from');
  });
});
