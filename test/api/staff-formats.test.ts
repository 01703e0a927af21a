import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorkbook, writeWorkbook } from '../../src/app/questionnaires/formats/spreadsheet.js';
import { XLSX_MEDIA_TYPE } from '../../src/http/staff/registry.js';
import { startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';

/**
 * Formats over the real server: downloads for viewers, uploads for editors (401 and 403
 * otherwise), an XLSForm and a FLOIP flow round trip through the API into new drafts that
 * match the published version, a translation sheet into a draft, row errors in words, the
 * size cap, the audit log, and the page with its script from the same origin only.
 */

let t: TestService;
let viewer: string;
let editor: string;
beforeAll(async () => {
  t = await startTestService();
  viewer = await tokenFor(t, 'viewer', 'Vera');
  editor = await tokenFor(t, 'editor', 'Thandi');
});
afterAll(() => t.stop());

const upload = (path: string, token: string | null, body: Buffer | string, type = XLSX_MEDIA_TYPE) =>
  fetch(t.url + path, { method: 'POST', headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: typeof body === 'string' ? body : new Uint8Array(body) });
const download = (path: string, token: string | null) => fetch(t.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

async function published(id: string) {
  const list = (await api(t, viewer).get('/api/v1/questionnaires')).json.items as Array<{ id: string; current: number }>;
  const version = list.find((q) => q.id === id)!.current;
  return (await api(t, viewer).get(`/api/v1/questionnaires/${id}/versions/${version}`)).json as { definition: unknown; texts: unknown };
}

describe('roles', () => {
  it('downloads need a viewer, uploads an editor', async () => {
    for (const format of ['xlsform', 'translations', 'floip']) {
      expect((await download(`/api/v1/questionnaires/clinic/${format}`, null)).status).toBe(401);
      expect((await download(`/api/v1/questionnaires/clinic/${format}`, viewer)).status).toBe(200);
    }
    for (const path of ['/api/v1/questionnaires/clinic/xlsform', '/api/v1/drafts/d_000000000000/translations']) {
      expect((await upload(path, null, Buffer.from('x'))).status).toBe(401);
      expect((await upload(path, viewer, Buffer.from('x'))).status).toBe(403);
    }
    expect((await upload('/api/v1/questionnaires/clinic/floip', viewer, '{}', 'application/json')).status).toBe(403);
    expect((await download('/staff/questionnaires/clinic/formats', null)).status).toBe(401);
  });
});

describe('XLSForm over HTTP', () => {
  it('a downloaded form uploaded again becomes a draft equal to the published version, and both are audited', async () => {
    const res = await download('/api/v1/questionnaires/clinic/xlsform', viewer);
    expect(res.headers.get('content-type')).toContain(XLSX_MEDIA_TYPE);
    expect(res.headers.get('content-disposition')).toContain('clinic-version-1.xlsform.xlsx');
    const file = Buffer.from(await res.arrayBuffer());
    const up = await upload('/api/v1/questionnaires/clinic/xlsform', editor, file);
    const body = await up.json();
    expect(up.status).toBe(201);
    expect(body.report.ok).toBe(true);
    expect(body.warnings).toEqual([]);
    const current = await published('clinic');
    expect(body.draft.definition).toEqual(current.definition);
    expect(body.draft.texts).toEqual(current.texts);
    expect(body.draft.basedOn).toBe(1);
    const audit = (await api(t, viewer).get('/api/v1/audit?target=questionnaire%20clinic')).json.items as Array<{ actor: string; action: string; details: Record<string, unknown> }>;
    const imported = audit.find((e) => e.action === 'draft.imported' && (e as unknown as { target: string }).target.endsWith(body.draft.id))!;
    expect(imported).toMatchObject({ actor: 'Thandi (editor)', details: { format: 'xlsform', valid: true, basedOn: 1 } });
    expect(audit).toContainEqual(expect.objectContaining({ actor: 'Vera (viewer)', action: 'questionnaire.exported', details: { format: 'xlsform', from: 'version 1' } }));
  });

  it('a form with an unsupported type is refused row by row, and no draft is made', async () => {
    const before = (await api(t, viewer).get('/api/v1/drafts')).json.items.length;
    const file = await writeWorkbook([
      {
        name: 'survey',
        columns: ['type', 'name', 'label::en'],
        rows: [
          ['integer', 'age', 'Age'],
          ['geopoint', 'where', 'Where?'],
        ],
      },
      { name: 'settings', columns: ['form_id'], rows: [['clinic']] },
    ]);
    const res = await upload('/api/v1/questionnaires/clinic/xlsform', editor, file);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toBe('Nothing was imported. Fix these 1 problem(s) in the form and upload it again.');
    expect(body.problems).toEqual(["survey row 3, column type: 'geopoint' is not supported; use one of note, select_one, integer, range, text"]);
    expect((await api(t, viewer).get('/api/v1/drafts')).json.items.length).toBe(before);
  });

  it('refuses a file over the cap with 413 and a sentence, and a file that is not a workbook with 400', async () => {
    const big = await upload('/api/v1/questionnaires/clinic/xlsform', editor, Buffer.alloc(2 * 1024 * 1024 + 10));
    expect(big.status).toBe(413);
    expect((await big.json()).error).toContain('larger than 2 MB');
    const csv = await upload('/api/v1/questionnaires/clinic/xlsform', editor, Buffer.from('type,name\n'));
    expect(csv.status).toBe(400);
    expect((await csv.json()).error).toContain('not an Excel workbook');
  });
});

describe('translation sheet over HTTP', () => {
  it('fills a draft from the sheet: changed cells replace texts, the rest stay; bad rows change nothing', async () => {
    const draft = (await api(t, editor).post('/api/v1/drafts', { questionnaireId: 'police' })).json as { id: string; revision: number };
    const res = await download(`/api/v1/questionnaires/police/translations?draft=${draft.id}`, viewer);
    expect(res.status).toBe(200);
    const read = await readWorkbook(Buffer.from(await res.arrayBuffer()));
    if (!read.ok) throw new Error(read.message);
    const sheet = read.workbook.get('translations')!;
    const titleRow = sheet.rows.find((r) => r.cells.key === 'title')!;
    const columns = ['key', 'context', 'en', 'sw', 'zu'];
    const rows = sheet.rows.map((r) => columns.map((c) => (r === titleRow && c === 'en' ? 'Police station report card (2027)' : c === 'sw' || c === 'zu' ? '' : (r.cells[c] ?? ''))));

    const bad = await upload(`/api/v1/drafts/${draft.id}/translations`, editor, await writeWorkbook([{ name: 'translations', columns, rows: [...rows, ['questions.nope.text', '', 'x', '', '']] }]));
    expect(bad.status).toBe(400);
    expect((await bad.json()).problems).toEqual([`translations row ${rows.length + 2}, column key: 'questions.nope.text' is not a text of this questionnaire`]);

    const good = await upload(`/api/v1/drafts/${draft.id}/translations`, editor, await writeWorkbook([{ name: 'translations', columns, rows }]));
    const body = await good.json();
    expect(good.status).toBe(200);
    expect(body.changed).toBe(1);
    expect(body.draft.revision).toBe(draft.revision + 1);
    const saved = (await api(t, viewer).get(`/api/v1/drafts/${draft.id}`)).json;
    const current = (await published('police')).texts as Record<string, { title: string }>;
    expect(saved.texts.en.title).toBe('Police station report card (2027)');
    expect(saved.texts.sw).toEqual(current.sw);
  });
});

describe('FLOIP over HTTP', () => {
  it('exports the published version and imports it back as a draft equal to it', async () => {
    const res = await download('/api/v1/questionnaires/social_grant/floip', viewer);
    expect(res.status).toBe(200);
    const container = await res.json();
    expect(container.flows[0].supported_modes).toEqual(['USSD', 'IVR']);
    const up = await upload('/api/v1/questionnaires/social_grant/floip', editor, JSON.stringify(container), 'application/json');
    const body = await up.json();
    expect(up.status).toBe(201);
    const current = await published('social_grant');
    expect(body.draft.definition).toEqual(current.definition);
    expect(body.draft.texts).toEqual(current.texts);
  });

  it("refuses the spec's SelectManyResponses example in words, and a draft as the source", async () => {
    const fixture = readFileSync(join(resolve(import.meta.dirname, '../fixtures/floip'), 'spec-select-many.json'), 'utf8');
    const res = await upload('/api/v1/questionnaires/clinic/floip', editor, fixture, 'application/json');
    expect(res.status).toBe(400);
    expect((await res.json()).problems).toEqual([
      "block 2 'ice_cream_order': MobilePrimitives.SelectManyResponses is not supported; use one of MobilePrimitives.Message, MobilePrimitives.SelectOneResponse, MobilePrimitives.NumericResponse, MobilePrimitives.OpenResponse",
    ]);
    const draft = (await api(t, editor).post('/api/v1/drafts', { questionnaireId: 'clinic' })).json as { id: string };
    const fromDraft = await download(`/api/v1/questionnaires/clinic/floip?draft=${draft.id}`, viewer);
    expect(fromDraft.status).toBe(409);
    expect((await download('/api/v1/questionnaires/clinic/xlsform?version=99', viewer)).status).toBe(404);
    expect((await download('/api/v1/questionnaires/clinic/xlsform?version=x', viewer)).status).toBe(400);
  });
});

describe('the formats page', () => {
  it('offers downloads to a viewer, the upload form only to an editor, with its script from this origin', async () => {
    const asViewer = await download('/staff/questionnaires/clinic/formats', viewer);
    expect(asViewer.status).toBe(200);
    expect(asViewer.headers.get('content-security-policy')).toContain("script-src 'self'");
    const viewerHtml = await asViewer.text();
    expect(viewerHtml).toContain('href="/api/v1/questionnaires/clinic/floip"');
    expect(viewerHtml).toContain('Uploading needs the editor role.');
    expect(viewerHtml).not.toContain('id="upload-form"');
    // before any upload, the page says what a file cannot bring: hints and recordings
    expect(viewerHtml).toContain('<strong>Not kept, and listed after the upload</strong>: hints (<code>hint::&lt;language&gt;</code>)');
    expect(viewerHtml).toContain('A spreadsheet cannot bring a recording');
    const editorHtml = await (await download('/staff/questionnaires/clinic/formats', editor)).text();
    expect(editorHtml).toContain('id="upload-form"');
    expect(editorHtml).toContain('<script src="/staff/assets/formats.js" defer></script>');
    expect(editorHtml).not.toMatch(/<script>(?!<\/script>)/);
    expect((await download('/staff/assets/formats.js', null)).status).toBe(200);
    expect((await download('/staff/questionnaires/nope/formats', viewer)).status).toBe(404);
    const questionnairePage = await (await download('/staff/questionnaires/clinic', viewer)).text();
    expect(questionnairePage).toContain('href="/staff/questionnaires/clinic/formats"');
  });

  it("uploads the way formats.js does: the session cookie and the page's CSRF token", async () => {
    const signIn = await fetch(`${t.url}/staff/sign-in`, { method: 'POST', body: new URLSearchParams({ token: editor, next: '/staff/questionnaires/clinic/formats' }), redirect: 'manual' });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const pageHtml = await (await fetch(`${t.url}/staff/questionnaires/clinic/formats`, { headers: { cookie } })).text();
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(pageHtml)![1]!;
    const file = new Uint8Array(await (await download('/api/v1/questionnaires/clinic/xlsform', viewer)).arrayBuffer());
    const post = (headers: Record<string, string>) =>
      fetch(`${t.url}/api/v1/questionnaires/clinic/xlsform`, { method: 'POST', headers: { cookie, 'content-type': XLSX_MEDIA_TYPE, ...headers }, body: file });
    expect((await post({})).status).toBe(403);
    const ok = await post({ 'x-csrf-token': csrf });
    expect(ok.status).toBe(201);
    expect((await ok.json()).draft.createdBy).toBe('Thandi (editor)');
  });

  it('escapes what an uploaded form wrote when the page lists its drafts', async () => {
    const file = await writeWorkbook([
      { name: 'survey', columns: ['type', 'name', 'label::en', 'required'], rows: [['range', 'satisfaction', '<script>alert(1)</script>', 'yes']] },
      { name: 'settings', columns: ['form_id', 'form_title::en', 'facility_types'], rows: [['kiosk', '<img src=x onerror=alert(1)>', 'kiosk']] },
    ]);
    const up = await upload('/api/v1/questionnaires/kiosk/xlsform', editor, file);
    expect(up.status).toBe(201);
    const page = await (await download('/staff/questionnaires/kiosk/formats', viewer)).text();
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
