import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialReport } from '../support/reports.js';
import { ADMIN, startTestService, type TestService } from '../support/service.js';

/**
 * The one phone number this service keeps is that of a citizen who said Yes to "May we SMS you
 * about what is done?": sealed (AES-256-GCM) beside its case, apart from the answers. Here a
 * citizen consents over USSD exactly as Africa's Talking posts it, and then their number is
 * looked for, in every spelling, everywhere staff, partners and the public can read: logs,
 * exports, API replies, the audit, the outbox, the public pages and open data.
 */

let t: TestService;
const NUMBER = '+27831234567';
const SPELLINGS = ['27831234567', '0831234567', '831234567', '083 123 4567'];
let reference = '';

const get = async (path: string, token: string | null = ADMIN) => {
  const res = await fetch(`${t.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status, path).toBe(200);
  return res.text();
};

beforeAll(async () => {
  t = await startTestService({ SCORECARD_SCHEDULE: 'false' });
  // rated 2 with a long wait at Riverside Clinic: a concern; Yes to SMS updates
  const last = await dialReport(t.phone(NUMBER), ['1', '1001', '1', '1', '4', '1', '2', '2', '1', '00', '00'], { followUp: 'yes' });
  expect(last.body).toMatch(/^END Thank you\. We will SMS you about ref /);
  reference = /ref ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})/.exec(last.body)![1]!;
});
afterAll(() => t.stop());

describe("a consenting citizen's number", () => {
  it('is kept sealed beside the case, and only there', async () => {
    const c = await t.storage.cases.get(reference);
    expect(c).toMatchObject({ contactConsent: true, status: 'open' });
    const sealed = await t.storage.caseContacts.get(reference);
    expect(sealed).not.toBeNull();
    expect(JSON.stringify(sealed)).not.toContain('831234567');
    // the vault opens it for this case
    expect(t.service.cases.vault.open(reference, sealed!.sealed)).toBe(NUMBER);
  });

  it('appears in no log, export, API reply, audit entry, outbox message, public page or open data', async () => {
    const places: Record<string, string> = {
      logs: t.logs.join('\n'),
      'responses CSV': await get('/api/v1/responses/export?format=csv'),
      'responses NDJSON': await get('/api/v1/responses/export?format=ndjson'),
      'responses API': await get('/api/v1/responses'),
      'Flow Results': await get('/api/v1/flow-results/clinic/responses?key=privacy-check'),
      'cases API': await get('/api/v1/cases'),
      'the case': await get(`/api/v1/cases/${reference}`),
      'the case page': await get(`/staff/cases/${reference}`),
      audit: await get('/api/v1/audit'),
      outbox: await get('/api/v1/outbox'),
      'public facility page': await get('/public/facilities/1001', null),
      'open data': await get('/public/data/scorecards.csv', null),
    };
    for (const [where, text] of Object.entries(places)) for (const spelling of SPELLINGS) expect(text, `${where}: ${spelling}`).not.toContain(spelling);
    // the case itself is there, so the search above looked at the right records
    expect(places['the case']).toContain(reference);
    expect(places['responses CSV']).toContain('long_wait');
  });
});
