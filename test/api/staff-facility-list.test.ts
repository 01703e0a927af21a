import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';

/** The facilities page: search by code, name or district, and paging, over the real server. */

let t: TestService;
let editor: string;
const HEADER = 'code,name,type,district,manager_name,manager_phone,manager_language,manager_role\n';
beforeAll(async () => {
  t = await startTestService();
  editor = await tokenFor(t, 'editor');
  // 60 more clinics: 70001..70060, half of them in Hilltop
  const rows = Array.from({ length: 60 }, (_, i) => `${70001 + i},Bulk Clinic ${i + 1},clinic,${i % 2 ? 'Hilltop' : 'Riverside'},M ${i},+2782007${String(i).padStart(4, '0')},en,facility`).join('\n');
  const imported = await api(t, editor).post('/api/v1/facilities/import?dryRun=false', `${HEADER}${rows}\n`);
  expect(imported.status).toBe(200);
});
afterAll(() => t.stop());

const codes = (page: string) => [...page.matchAll(/<tr><td data-label="Code">(\d{3,8})<\/td>/g)].map((m) => m[1]!);
const caption = (page: string) => /<caption>([^<]*)<\/caption>/.exec(page)![1]!.replace(/&quot;/g, '"');

describe('the facilities list', () => {
  it('pages the registry by code, 50 a page, with links that keep the search', async () => {
    const total = (await t.storage.facilities.list()).length;
    expect(total).toBeGreaterThan(60);
    const first = (await api(t, editor).get('/staff/facilities')).text;
    expect(codes(first)).toHaveLength(50);
    expect(caption(first)).toBe(`${total} facilities · page 1 of ${Math.ceil(total / 50)}`);
    expect(first).toContain('href="/staff/facilities?page=2" rel="next"');
    const second = (await api(t, editor).get('/staff/facilities?page=2')).text;
    expect(codes(second)).toHaveLength(total - 50);
    expect(codes(second).some((c) => codes(first).includes(c))).toBe(false);
    // a page past the end shows the last one; a page that is not a number the first
    expect(codes((await api(t, editor).get('/staff/facilities?page=99')).text)).toEqual(codes(second));
    expect(codes((await api(t, editor).get('/staff/facilities?page=x')).text)).toEqual(codes(first));
  });

  it('searches by code, name or district, in any case', async () => {
    expect(codes((await api(t, editor).get('/staff/facilities?q=70042')).text)).toEqual(['70042']);
    expect(codes((await api(t, editor).get('/staff/facilities?q=bulk%20clinic%207')).text)).toEqual(['70007']);
    const hill = (await api(t, editor).get('/staff/facilities?q=HILLTOP')).text;
    const inHilltop = (await t.storage.facilities.list()).filter((f) => f.district === 'Hilltop').length;
    expect(codes(hill)).toHaveLength(inHilltop);
    expect(caption(hill)).toMatch(new RegExp(`^${inHilltop} of \\d+ facilities match "HILLTOP"$`));
    const none = (await api(t, editor).get('/staff/facilities?q=%3Cscript%3E')).text;
    expect(codes(none)).toEqual([]);
    expect(none).toContain('No facility matches');
    expect(none).not.toContain('<script>');
  });
});
