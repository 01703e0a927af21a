import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';
import { WATER_POINT } from '../support/facility-types.js';
import { dialReport } from '../support/reports.js';

/**
 * Facility types as staff manage them: the shipped ones stored with their locale names, a new
 * one added with its name in every language (a missing language is named), renamed with
 * compare-and-set, given to facilities (form and CSV) before any questionnaire serves it, a
 * new questionnaire started for it, and its stored names on the public pages and in the SMS.
 */

let t: TestService;
let editor: string;
let viewer: string;
beforeAll(async () => {
  t = await startTestService({ SCORECARD_SCHEDULE: 'false', SCORECARD_MIN_COUNT: '2' });
  editor = await tokenFor(t, 'editor', 'Thandi');
  viewer = await tokenFor(t, 'viewer', 'Vusi');
});
afterAll(() => t.stop());

const page = (path: string, token = editor) => fetch(t.url + path, { headers: { authorization: `Bearer ${token}` } });

describe('the shipped facility types', () => {
  it('are stored on first start with the names the locales give them, in every language', async () => {
    const items = (await api(t, viewer).get('/api/v1/facility-types')).json.items as Array<{ code: string; type: { names: Record<string, { name: string; plural: string }> } | null }>;
    expect(items.map((i) => i.code)).toEqual(['clinic', 'police', 'social_grant']);
    expect(items[0]!.type!.names).toEqual({
      en: { name: 'Clinic', plural: 'clinics' },
      sw: { name: 'Zahanati', plural: 'zahanati' },
      zu: { name: 'Umtholampilo', plural: 'imitholampilo' },
    });
    expect(items[1]).toMatchObject({ facilities: { active: 2, inactive: 0 }, live: { id: 'police', version: 1 } });
  });
});

describe('adding and renaming a kind of service', () => {
  it('refuses a type without its name in every language, naming each missing language', async () => {
    const res = await api(t, editor).post('/api/v1/facility-types', { code: 'water_point', names: { en: WATER_POINT.names.en, zu: { name: 'Indawo yamanzi', plural: '' } } });
    expect(res.status).toBe(400);
    expect(res.json.fields).toEqual([
      { field: 'names.sw.name', message: expect.stringMatching(/^the name in Kiswahili \(sw\) is missing/) },
      { field: 'names.sw.plural', message: expect.stringMatching(/^the name for several in Kiswahili \(sw\) is missing/) },
      { field: 'names.zu.plural', message: expect.stringMatching(/^the name for several in isiZulu \(zu\) is missing/) },
    ]);
    expect(await t.storage.facilityTypes.get('water_point')).toBeNull();
  });

  it('refuses a bad code, a language the programme does not offer and a name another type has, in words', async () => {
    const bad = await api(t, editor).post('/api/v1/facility-types', { ...WATER_POINT, code: 'Water Point' });
    expect(bad.status).toBe(400);
    expect(bad.json.fields).toEqual([{ field: 'code', message: 'use lower-case letters, digits and _, starting with a letter, such as water_point' }]);
    const french = await api(t, editor).post('/api/v1/facility-types', { ...WATER_POINT, names: { ...WATER_POINT.names, fr: { name: "Point d'eau", plural: "points d'eau" } } });
    expect(french.json.fields).toEqual([{ field: 'names.fr', message: 'fr is not a language the programme offers (en, sw, zu)' }]);
    const same = await api(t, editor).post('/api/v1/facility-types', { ...WATER_POINT, names: { ...WATER_POINT.names, en: { name: 'clinic', plural: 'water points' } } });
    expect(same.json.fields).toEqual([{ field: 'names.en.name', message: '"clinic" is already the name of clinic in English' }]);
  });

  it('adds a type with its names, once, and the audit log says so in a sentence', async () => {
    const res = await api(t, editor).post('/api/v1/facility-types', WATER_POINT);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ ...WATER_POINT, createdBy: 'Thandi (editor)', revision: 0 });
    expect((await api(t, editor).post('/api/v1/facility-types', WATER_POINT)).status).toBe(409);
    const audit = (await api(t, viewer).get('/api/v1/audit?target=facility%20type')).json.items;
    expect(audit.map((e: { sentence: string }) => e.sentence)).toEqual(['Thandi (editor) added the facility type water_point (Water point)']);
  });

  it('renames with the revision loaded; a stale revision is refused with who saved since', async () => {
    const names = { ...WATER_POINT.names, sw: { name: 'Kisima', plural: 'visima' } };
    const ok = await api(t, editor).put('/api/v1/facility-types/water_point', { names, revision: 0 });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ names, revision: 1, updatedBy: 'Thandi (editor)' });
    const stale = await api(t, editor).put('/api/v1/facility-types/water_point', { names: WATER_POINT.names, revision: 0 });
    expect(stale.status).toBe(409);
    expect(stale.json.fields[0].message).toMatch(/^Thandi \(editor\) changed water_point after you opened it/);
    expect((await api(t, editor).put('/api/v1/facility-types/borehole', { names, revision: 0 })).status).toBe(404);
    const audit = (await api(t, viewer).get('/api/v1/audit?target=facility%20type%20water_point')).json.items;
    expect(audit[0].sentence).toBe('Thandi (editor) changed the names of the facility type water_point (Water point) in sw');
    expect((await t.storage.facilityTypes.get('water_point'))!.names.sw).toEqual({ name: 'Kisima', plural: 'visima' });
  });

  it('adds and renames on the console page, keeping what was typed when something is missing', async () => {
    const csrf = await signedInForm();
    const missing = await csrf.post('/staff/facility-types', { code: 'market', n_en_name: 'Market', n_en_plural: 'markets', n_sw_name: 'Soko', n_sw_plural: 'masoko', n_zu_name: '', n_zu_plural: '' });
    expect(missing.status).toBe(400);
    const body = await missing.text();
    expect(body).toContain('the name in isiZulu (zu) is missing');
    expect(body).toContain('value="Soko"');
    const added = await csrf.post('/staff/facility-types', {
      code: 'market',
      n_en_name: 'Market',
      n_en_plural: 'markets',
      n_sw_name: 'Soko',
      n_sw_plural: 'masoko',
      n_zu_name: 'Imakethe',
      n_zu_plural: 'izimakethe',
    });
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe('/staff/facility-types?added=market');
    const renamed = await csrf.post('/staff/facility-types/market', {
      revision: '0',
      n_en_name: 'Market <b>stall</b>',
      n_en_plural: 'market stalls',
      n_sw_name: 'Soko',
      n_sw_plural: 'masoko',
      n_zu_name: 'Imakethe',
      n_zu_plural: 'izimakethe',
    });
    expect(renamed.status).toBe(303);
    const list = await (await page('/staff/facility-types', viewer)).text();
    expect(list).toContain('Market &lt;b&gt;stall&lt;/b&gt;');
    expect(list).not.toContain('Add a kind of service'); // a viewer reads, an editor writes
    expect(await (await page('/staff/facility-types/market', viewer)).text()).toContain('readonly');
  });
});

describe('a type no live questionnaire serves yet', () => {
  it('may be given to a facility, and the page says it cannot be dialled yet; an unknown type is refused in words', async () => {
    const created = await api(t, editor).post('/api/v1/facilities', { code: '9001', name: 'Riverside Borehole', type: 'water_point', district: 'Riverside' });
    expect(created.status).toBe(201);
    const unknown = await api(t, editor).post('/api/v1/facilities', { code: '9002', name: 'Hill Borehole', type: 'borehole', district: 'Riverside' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.fields).toEqual([
      { field: 'type', message: '"borehole" is not a facility type: add it on the Facility types page first; known types: clinic, market, police, social_grant, water_point' },
    ]);
    const list = await (await page('/staff/facilities?saved=9001')).text();
    expect(list).toContain('No live questionnaire serves its type (Water point) yet: citizens who dial 9001 are told there is no survey for it');
    const form = await (await page('/staff/facilities/new?type=water_point')).text();
    expect(form).toContain('<option value="water_point" selected>Water point (water_point)</option>');
    expect(form).toMatch(/No live questionnaire serves .*Water point \(water_point\).* yet/);
    const types = (await api(t, viewer).get('/api/v1/facility-types')).json.items.find((i: { code: string }) => i.code === 'water_point');
    expect(types).toMatchObject({ facilities: { active: 1, inactive: 0 }, live: null });
    // dialled now, the facility is found and the citizen is told there is no survey for it
    const p = t.phone('+254711000901');
    await p.dial();
    await p.send('1');
    const end = await p.send('9001');
    expect(end.body).toMatch(/^END /);
    expect(end.body).toContain('Riverside Borehole');
  });

  it('is accepted by the CSV import, where an unknown type is a row error', async () => {
    const header = 'code,name,type,district,manager_name,manager_phone,manager_language,manager_role\n';
    const bad = await api(t, editor).post('/api/v1/facilities/import?dryRun=true', `${header}9003,Hill Borehole,water_point,Hilltop,,,,\n9004,Dam,dam,Hilltop,,,,\n`);
    expect(bad.status).toBe(422);
    expect(bad.json.errors).toEqual([{ row: 3, field: 'type', message: expect.stringMatching(/^"dam" is not a facility type: add it on the Facility types page first/) }]);
    const good = await api(t, editor).post('/api/v1/facilities/import?dryRun=false', `${header}9003,Hill Borehole,water_point,Hilltop,Lindiwe,+27821119003,zu,facility\n`);
    expect(good.json).toMatchObject({ ok: true, inserted: 1 });
  });
});

describe('a new questionnaire', () => {
  it('must say which kinds of service it serves: none, or one never added, is refused in words', async () => {
    const none = await api(t, editor).post('/api/v1/drafts', { questionnaireId: 'water' });
    expect(none.status).toBe(400);
    expect(none.json.error).toMatch(/^choose which kind\(s\) of service the new questionnaire serves/);
    const unknown = await api(t, editor).post('/api/v1/drafts', { questionnaireId: 'water', facilityTypes: ['dam'] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatch(/^"dam" is not a facility type/);
    const existing = await api(t, editor).post('/api/v1/drafts', { questionnaireId: 'clinic', facilityTypes: ['clinic'] });
    expect(existing.status).toBe(400);
    expect(existing.json.error).toMatch(/^clinic already exists/);
    const started = await api(t, editor).post('/api/v1/drafts', { questionnaireId: 'water', facilityTypes: ['water_point'] });
    expect(started.status).toBe(201);
    expect(started.json.definition.facilityTypes).toEqual(['water_point']);
  });

  it('is started on the console from the kinds of service offered as checkboxes, never getting clinic unasked', async () => {
    const list = await (await page('/staff/questionnaires?for=water_point')).text();
    expect(list).toContain('<input id="new-type-water_point" name="facility_types" type="checkbox" value="water_point" checked>');
    expect(list).toMatch(/new-type-clinic[^>]*>[^<]*Clinic <code>clinic<\/code> <span class="meta">\(served by clinic v1 now/);
    const csrf = await signedInForm();
    const unchosen = await csrf.post('/staff/questionnaires', { questionnaireId: 'water_two' });
    expect(unchosen.status).toBe(400);
    expect(await unchosen.text()).toContain('Not started: choose which kind(s) of service the new questionnaire serves');
    const res = await csrf.post('/staff/questionnaires', { questionnaireId: 'water_two', facility_types: ['water_point', 'market'] });
    expect(res.status).toBe(303);
    const draft = (await t.storage.drafts.list('water_two'))[0]!;
    expect((draft.definition as { facilityTypes: string[] }).facilityTypes).toEqual(['water_point', 'market']);
  });
});

describe('names where citizens and managers read them', () => {
  it("public pages call a facility's type by its stored name in the reader's language", async () => {
    const sw = await (await fetch(`${t.url}/public/facilities/9001?lang=sw`)).text();
    expect(sw).toContain('Kisima');
    const en = await (await fetch(`${t.url}/public/districts/Riverside?lang=en`)).text();
    expect(en).toContain('Water point');
    expect(en).not.toContain('water_point');
  });

  it("the scorecard SMS names the type as stored, for several, in the manager's language", async () => {
    // reports at Riverside Clinic (1001), whose manager now reads English; then clinics are renamed in English
    const clinic1001 = (await t.storage.facilities.findByCode('1001'))!;
    const { code, ...rest } = clinic1001;
    expect((await api(t, editor).put(`/api/v1/facilities/${code}`, { ...rest, managers: rest.managers.map((m) => ({ ...m, language: 'en' })) })).status).toBe(200);
    for (const [phone, answers] of [
      // no problem named and rated 4 or 5: no case, so the fullest template (the one that names the type) still fits one segment
      ['+254711000951', ['1', '4', '1', '4', '1', '1', '00', '00']],
      ['+254711000952', ['2', '5', '1', '5', '1', '2', '00', '00']],
    ] as const) {
      const last = await dialReport(t.phone(phone), ['1', '1001', '1', ...answers]);
      expect(last.body).toMatch(/^END Thank you/);
    }
    t.clock.set('2026-11-02T09:00:00Z');
    const smsToManager = async () =>
      (await api(t, viewer).get('/api/v1/scorecards/preview?facility=1001&period=2026-10')).json.messages.find((m: { subjectKind: string }) => m.subjectKind === 'facility').text as string;
    expect(await smsToManager()).toContain('Rank 1 of 1 clinics in Riverside.');
    const clinic = (await t.storage.facilityTypes.get('clinic'))!;
    const renamed = await api(t, editor).put('/api/v1/facility-types/clinic', { names: { ...clinic.names, en: { name: 'Health post', plural: 'health posts' } }, revision: clinic.revision });
    expect(renamed.status).toBe(200);
    expect(await smsToManager()).toContain('Rank 1 of 1 health posts in Riverside.');
  });
});

/** A signed-in browser session: posts forms with its cookie and CSRF token, as the console does. */
async function signedInForm() {
  const signIn = await fetch(`${t.url}/staff/sign-in`, { method: 'POST', body: new URLSearchParams({ token: editor, next: '/staff' }), redirect: 'manual' });
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  const html = await (await fetch(`${t.url}/staff`, { headers: { cookie } })).text();
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(html)![1]!;
  return {
    post: (path: string, fields: Record<string, string | string[]>) => {
      const body = new URLSearchParams({ _csrf: csrf });
      for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
      return fetch(t.url + path, { method: 'POST', body, headers: { cookie }, redirect: 'manual' });
    },
  };
}
