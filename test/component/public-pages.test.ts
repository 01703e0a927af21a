import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCharter } from '../../src/app/charters/record-charter.js';
import { startTestService, type TestService } from '../support/service.js';
import { api } from '../support/staff.js';
import { dialReport } from '../support/reports.js';

/**
 * The public pages and open data over the real server: reports dialled in over USSD, a free
 * text answer stored beside them, a charter with an overdue action. Every route, bad periods
 * and unknown codes, caching headers, the minimum-count rule, and no phone number or free
 * text on any page or in the open data.
 */

let t: TestService;
const PHONES: string[] = [];
const FREE_TEXT = 'Sister Zanele at window 3 shouted at me';

/** One clinic report in English; gender 1 woman, 2 man, 00 skipped; age 1-4 or 00. */
async function report(facility: string, phone: string, satisfaction: number, problem: number, gender: string, age: string) {
  PHONES.push(phone);
  const last = await dialReport(t.phone(phone), ['1', facility, '1', '1', '4', '1', String(satisfaction), String(problem), '1', gender, age]);
  expect(last.body).toMatch(/^END Thank you/);
}

const get = (path: string) => fetch(`${t.url}${path}`);
const page = async (path: string) => {
  const res = await get(path);
  return { res, body: await res.text() };
};

beforeAll(async () => {
  t = await startTestService({ SCORECARD_SCHEDULE: 'false', SCORECARD_MIN_COUNT: '5' });
  // September at Hilltop: 6 reports
  t.clock.set('2026-09-10T08:00:00Z');
  for (let i = 0; i < 6; i++) await report('1003', `+2547110030${String(i).padStart(2, '0')}`, 3, 1, '00', '00');
  // October at Riverside Clinic: 12 reports, 7 women, 4 men, 1 did not say; 6 long wait, 6 no problem
  t.clock.set('2026-10-05T08:00:00Z');
  for (let i = 0; i < 12; i++) await report('1001', `+2547110010${String(i).padStart(2, '0')}`, i < 9 ? 5 : 2, i < 6 ? 2 : 1, i < 7 ? '1' : i < 11 ? '2' : '00', String(1 + (i % 4)));
  // October at Market Street Clinic: 3 reports, below the minimum
  for (let i = 0; i < 3; i++) await report('1002', `+2547110020${String(i).padStart(2, '0')}`, 5, 3, '1', '2');
  // a free text answer stored with a counted report
  const r = await t.storage.responses.start({
    id: 'free-text-1',
    sourceKey: 'ussd:free-text-1',
    facilityCode: '1001',
    facilityType: 'clinic',
    district: 'Riverside',
    questionnaireId: 'clinic',
    questionnaireVersion: 1,
    channel: 'ussd',
    language: 'en',
    respondentKey: 'rk-free-text',
    resumeState: null,
    sessionIds: ['free-text-session'],
    startedAt: t.clock.now(),
  });
  await t.storage.responses.recordAnswer(r.id, { questionId: 'comment', value: FREE_TEXT, at: t.clock.now() }, { value: 'x', context: {} } as never);
  await t.storage.responses.complete(r.id, t.clock.now(), 'free-text-count-key', '2026-10-05');
  const charter = await recordCharter(
    { storage: t.storage, clock: t.clock, settings: { timeZone: 'Africa/Johannesburg' } },
    {
      facilityCode: '1001',
      dialogueDate: '2026-09-20',
      attendance: [{ group: 'community members', count: 25 }],
      topIssues: [{ issue: 'Long wait', votes: 18 }],
      actions: [
        { title: 'Second triage nurse', owner: 'Facility in-charge', dueDate: '2026-10-15' },
        { title: 'Queue numbers', owner: 'Clinic committee', dueDate: '2026-12-20', status: 'in_progress' },
      ],
    },
    'Thandi (editor)',
  );
  expect(charter.ok).toBe(true);
  t.clock.set('2026-11-03T08:00:00Z');
});
afterAll(() => t.stop());

const h1Count = (body: string) => body.match(/<h1[\s>]/g)?.length ?? 0;

describe('public pages', () => {
  it('GET /public/facilities/:code: the month just ended by default, figures with counts, problems with share, rank, groups, the charter; cacheable, no script', async () => {
    const { res, body } = await page('/public/facilities/1001');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(h1Count(body)).toBe(1);
    expect(body).not.toMatch(/<script/i);
    expect(body).toContain('<h1>Riverside Clinic</h1>');
    expect(body).toContain('<option value="2026-10" selected>October 2026</option>');
    // 12 dialled + 1 stored with free text = 13 counted reports; 9 of the 12 who rated were satisfied
    expect(body).toContain('13 reports');
    expect(body).toContain('75% (9 of 12)');
    expect(body).toContain('Top problem: Long wait, 6 of 13 reports');
    expect(body).toMatch(/1 of 1 among the facilities of its kind in Riverside district/);
    expect(body).toContain('<svg class="chart"');
    expect(body).toContain('role="img"');
    // the charter, with its overdue action marked
    expect(body).toContain('Second triage nurse');
    expect(body).toContain('Owner: Facility in-charge');
    expect(body).toMatch(/<span class="status overdue">Overdue<\/span>/);
    expect(body).toContain('1 action is overdue.');
    // "you said, we did": the cases opened in October at this facility, as the cases repository has them
    const opened = (await t.storage.cases.list({ facilityCodes: ['1001'] }, 1000)).filter((c) => c.openedAt.toISOString().startsWith('2026-10'));
    expect(body).toContain('<h2 id="cases">You said, we did</h2>');
    expect(body).toContain(`<span class="label">Reports followed up</span><span class="value">${opened.length}</span>`);
  });

  it('the minimum-count rule in every cell: a facility below it shows no percentage anywhere; small groups are suppressed with a complementary cell', async () => {
    const { body } = await page('/public/facilities/1002?period=2026-10');
    expect(body).toContain('3 reports');
    expect(body).toContain('Not enough reports yet');
    expect(body).not.toMatch(/\d%/);
    expect(body).toContain('Not ranked this month: not enough reports yet.');

    const riverside = (await page('/public/facilities/1001?period=2026-10')).body;
    const row = (label: string) => riverside.match(new RegExp(`<tr><th scope="row">${label}</th>(.*?)</tr>`))?.[1] ?? '';
    // women: 7 of 13 reports shown; men (4), other (0) and did not say (2) are each below 5
    expect(row('A woman')).toContain('54% (7 of 13)');
    expect(row('A man')).toContain('Not enough reports yet');
    expect(row('A man')).not.toMatch(/\d%/);
    expect(row('Did not say')).toContain('Not enough reports yet');
    // ages: 4 bands of 3-4 reports plus 1 without: every band below the minimum
    for (const band of ['Under 18', '18-34', '35-59', '60 or over']) expect(row(band)).toContain('Not enough reports yet');
  });

  it('GET /public/districts/:district and GET /public: tables of facilities and districts, links that keep the month and language', async () => {
    const d = await page('/public/districts/Riverside?period=2026-10&lang=en');
    expect(d.res.status).toBe(200);
    expect(h1Count(d.body)).toBe(1);
    expect(d.body).toContain('<h1>Riverside district</h1>');
    expect(d.body).toContain('href="/public/facilities/1001?period=2026-10&amp;lang=en"');
    expect(d.body).toContain('16 reports');
    const n = await page('/public?period=2026-10');
    expect(n.res.status).toBe(200);
    expect(h1Count(n.body)).toBe(1);
    expect(n.body).toContain('href="/public/districts/Hilltop?period=2026-10&amp;lang=en"');
    expect(n.body).toContain('16 reports');
    // September at Hilltop appears in the trend
    const hill = await page('/public/districts/Hilltop?period=2026-10');
    expect(hill.body).toMatch(/<th scope="row">September 2026<\/th><td class="num">6<\/td><td class="num">0% \(0 of 6\)<\/td>/);
  });

  it('a bad period is a 400 that says what to write; a month not begun is refused; an unknown language too', async () => {
    for (const [q, text] of [
      ['period=2026-13', 'must be a month written YYYY-MM'],
      ['period=October', 'must be a month written YYYY-MM'],
      ['period=2026-W41', 'must be a month written YYYY-MM'],
      ['period=2027-01', 'has not started yet'],
      ['lang=fr', 'must be one of en, sw, zu'],
    ]) {
      for (const path of ['/public', '/public/districts/Riverside', '/public/facilities/1001']) {
        const { res, body } = await page(`${path}?${q}`);
        expect(res.status, `${path}?${q}`).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(body).toContain(text);
        expect(h1Count(body)).toBe(1);
      }
    }
  });

  it('unknown codes are 404 pages, not 500', async () => {
    for (const path of ['/public/facilities/9999', '/public/districts/Atlantis', '/public/facilities/%3Cscript%3E', '/public/elsewhere']) {
      const { res, body } = await page(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('public, max-age=60');
      expect(body).not.toContain('<script>');
    }
    expect((await page('/public/facilities/9999')).body).toContain('no facility has the code &quot;9999&quot;');
  });

  it('the running month is cached briefly and says its figures will change', async () => {
    const { res, body } = await page('/public/facilities/1001?period=2026-11');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(body).toContain('This month is not over yet');
    expect(body).toContain('November 2026 (so far)');
  });

  it('the visitor chooses the language; drafts say they are drafts', async () => {
    const sw = await page('/public/facilities/1001?lang=sw');
    expect(sw.body).toContain('<html lang="sw">');
    expect(sw.res.headers.get('content-language')).toBe('sw');
    expect(sw.body).toContain('Tafsiri hii ni rasimu');
    expect(sw.body).toContain('Ripoti 13');
    // group labels come from the gender question, not from a problem option with the same code
    expect(sw.body).toContain('<th scope="row">Mwanamke</th>');
    expect(sw.body).toContain('<th scope="row">Mwingine</th>');
    expect(sw.body).not.toContain('<th scope="row">Jingine</th>');
    const zu = await page('/public/facilities/1001?lang=zu');
    expect(zu.body).toContain('<html lang="zu">');
    expect(zu.body).toContain('Lokhu kuhumusha kuwuhlaka');
    const en = await page('/public/facilities/1001?lang=en');
    expect(en.body).not.toContain('class="draft"');
    // every page links to itself in every language, keeping the month
    for (const l of ['en', 'sw', 'zu']) expect(en.body).toContain(`href="/public/facilities/1001?period=2026-10&amp;lang=${l}"`);
  });

  it('serves its style sheet with a long cache', async () => {
    const res = await get('/public/assets/public.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/css/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
  });
});

describe('open data', () => {
  it('scorecards.csv: documented columns, one row per facility and complete month, suppressed figures empty with their status', async () => {
    const res = await get('/public/data/scorecards.csv?from=2026-09&to=2026-10');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(res.headers.get('link')).toContain('creativecommons.org/licenses/by/4.0');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'period,period_start,period_end,facility_code,facility_name,facility_type,district,reports,min_count,satisfied_pct,satisfaction_answers,satisfied_status,recommend_pct,recommend_answers,recommend_status,top_problem_code,top_problem_label,top_problem_count,top_problem_status,rank_position,rank_of',
    );
    // 7 demo facilities x 2 months
    expect(lines).toHaveLength(1 + 14);
    expect(lines).toContain('2026-10,2026-09-30T22:00:00.000Z,2026-10-31T22:00:00.000Z,1001,Riverside Clinic,clinic,Riverside,13,5,75,12,shown,100,12,shown,long_wait,Long wait,6,shown,1,1');
    expect(lines).toContain(
      '2026-10,2026-09-30T22:00:00.000Z,2026-10-31T22:00:00.000Z,1002,Market Street Clinic,clinic,Riverside,3,5,,,not_enough_reports,,,not_enough_reports,,,,not_enough_reports,,',
    );
  });

  it('scorecards.json: the same rows, the columns described, the licence stated; stable for past months', async () => {
    const res = await get('/public/data/scorecards.json?from=2026-10&to=2026-10');
    expect(res.status).toBe(200);
    const data = await res.json();
    expect(data.licence).toEqual({ name: 'CC-BY-4.0', title: 'Creative Commons Attribution 4.0 International', path: 'https://creativecommons.org/licenses/by/4.0/' });
    expect(data.columns.map((c: { name: string }) => c.name)).toContain('satisfied_pct');
    for (const c of data.columns) expect(c.description.length).toBeGreaterThan(5);
    expect(data.rows.find((r: { facility_code: string }) => r.facility_code === '1002')).toMatchObject({ reports: 3, satisfied_pct: null, satisfied_status: 'not_enough_reports' });
    // a report completed now does not move October
    await report('1002', '+254711002099', 1, 2, '00', '00');
    const again = await (await get('/public/data/scorecards.json?from=2026-10&to=2026-10')).json();
    expect(again).toEqual(data);
  });

  it('open data holds complete months only, at most 36 at a time, and says so', async () => {
    for (const [q, text] of [
      ['to=2026-11', 'has not ended yet'],
      ['from=2026-10&to=2026-09', 'is after'],
      ['from=2020-01&to=2026-10', 'at most 36 months'],
      ['from=2026-1', 'must be a month written YYYY-MM'],
    ]) {
      const res = await get(`/public/data/scorecards.csv?${q}`);
      expect(res.status, q).toBe(400);
      expect(await res.text()).toContain(text);
    }
    expect((await get('/public/data/scorecards.xml')).status).toBe(404);
  });
});

describe('no identifying data', () => {
  it('no seeded phone number (in any form) and no free text on any page or in the open data', async () => {
    const paths = [
      '/public',
      '/public?period=2026-09',
      '/public?period=2026-11',
      '/public/districts/Riverside',
      '/public/districts/Hilltop?period=2026-09',
      ...['1001', '1002', '1003', '2001', '3001'].flatMap((c) => [`/public/facilities/${c}`, `/public/facilities/${c}?lang=sw`, `/public/facilities/${c}?period=2026-11&lang=zu`]),
      '/public/data/scorecards.csv?from=2026-01&to=2026-10',
      '/public/data/scorecards.json?from=2026-01&to=2026-10',
    ];
    expect(PHONES.length).toBeGreaterThan(20);
    for (const path of paths) {
      const body = await (await get(path)).text();
      for (const phone of PHONES) {
        for (const form of [phone, phone.slice(1), phone.slice(-9), `0${phone.slice(-9)}`]) expect(body, `${path} holds ${form}`).not.toContain(form);
      }
      expect(body, path).not.toContain(FREE_TEXT);
      expect(body, path).not.toContain('Zanele');
      expect(body, path).not.toContain('rk-free-text');
    }
  });
});

describe('you said, we did', () => {
  it("lists what managers recorded as done on a facility's cases, with the action's words and the note, never the reference or the concern", async () => {
    const reference = 'K7M3-P9QX-AB';
    const openedAt = new Date('2026-10-20T09:00:00Z');
    const opened = await t.storage.cases.open(
      {
        reference,
        responseId: 'K7M3P9QXAB',
        facilityCode: '1001',
        district: 'Riverside',
        questionnaireId: 'clinic',
        concern: { main_problem: 'long_wait' },
        lang: 'en',
        status: 'open',
        contactConsent: false,
        openedAt,
        updatedAt: openedAt,
        firstActionAt: null,
        actionTakenAt: null,
        closedAt: null,
        resolvedByTimeout: false,
        revision: 0,
      },
      { seq: 1, at: openedAt, by: { kind: 'system', label: 'report' }, event: 'open', from: null, to: 'open', actionCode: null, note: null, channel: 'ussd' },
    );
    expect(opened).toBe(true);
    const before = t.clock.now();
    t.clock.set('2026-10-21T09:00:00Z');
    const acted = await api(t).post(`/api/v1/cases/${reference}/actions`, { type: 'action_taken', action: 'extra_staff', note: 'A second nurse now works on Mondays' });
    t.clock.set(before.toISOString());
    expect(acted.status).toBe(200);

    const { body } = await page('/public/facilities/1001?period=2026-10');
    expect(body).toContain('What was done, as managers recorded it');
    expect(body).toContain('<time datetime="2026-10-21">2026‑10‑21</time>: More staff on duty. A second nurse now works on Mondays</li>');
    expect(body).not.toContain('K7M3');
    // the district and national pages carry the counts only
    expect((await page('/public/districts/Riverside?period=2026-10')).body).not.toContain('A second nurse');
  });
});
