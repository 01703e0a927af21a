import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';

/**
 * Staff set and remove a manager's USSD PIN (admins only), on the facility's page and in the
 * API: 4 to 6 digits typed twice, bad input answered in words, an audit sentence that names who
 * and which facility's manager with the number masked, never the PIN. With MANAGER_PIN_REQUIRED
 * the PIN set here is the one the manager's phone is asked for (demo registry: Peter Mokoena is
 * the first manager of Market Street Clinic, 1002).
 */

let t: TestService;
let alice: string;
let editor: string;
const PIN_PATH = '/api/v1/facilities/1002/managers/0/pin';
const PAGE_PATH = '/staff/facilities/1002/managers/0/pin';
const form = (fields: Record<string, string>) => ({ body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

beforeAll(async () => {
  t = await startTestService({ MANAGER_PIN_REQUIRED: 'true' });
  alice = await tokenFor(t, 'admin', 'Alice');
  editor = await tokenFor(t, 'editor', 'Eddie');
});
afterAll(() => t.stop());

describe("a manager's USSD PIN, set by staff", () => {
  it('needs an admin: 401 without credentials, 403 for an editor, on the API and the page form', async () => {
    expect((await fetch(t.url + PIN_PATH, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"pin":"4829","confirm":"4829"}' })).status).toBe(401);
    expect((await api(t, editor).put(PIN_PATH, { pin: '4829', confirm: '4829' })).status).toBe(403);
    expect((await api(t, editor).delete(PIN_PATH)).status).toBe(403);
    const f = form({ pin: '4829', confirm: '4829' });
    expect((await fetch(t.url + PAGE_PATH, { method: 'POST', ...f })).status).toBe(401);
    expect((await fetch(t.url + PAGE_PATH, { method: 'POST', body: f.body, headers: { ...f.headers, authorization: `Bearer ${editor}` } })).status).toBe(403);
    expect(await t.storage.managerPins.get('+27820000102')).toBeNull();
    // an editor sees no PIN forms on the facility page
    expect((await api(t, editor).get('/staff/facilities/1002')).text).not.toContain('USSD PINs');
  });

  it('answers bad input in words and stores nothing', async () => {
    const short = await api(t, alice).put(PIN_PATH, { pin: '12', confirm: '12' });
    expect(short.status).toBe(400);
    expect(short.json.fields).toEqual([{ field: 'pin', message: 'A PIN is 4 to 6 digits (0 to 9), nothing else.' }]);
    const differ = await api(t, alice).put(PIN_PATH, { pin: '4829', confirm: '4828' });
    expect(differ.json.fields).toEqual([{ field: 'confirm', message: 'The two PINs are not the same. Type the same PIN twice.' }]);
    expect((await api(t, alice).put('/api/v1/facilities/1002/managers/7/pin', { pin: '4829', confirm: '4829' })).status).toBe(404);
    const onPage = await fetch(t.url + PAGE_PATH, { method: 'POST', ...form({ pin: '48a9', confirm: '48a9' }), headers: { ...form({}).headers, authorization: `Bearer ${alice}` } });
    expect(onPage.status).toBe(400);
    expect(await onPage.text()).toContain('The PIN was not set');
    expect(await t.storage.managerPins.get('+27820000102')).toBeNull();
  });

  it('sets a PIN on the page, which the manager then types on USSD, with an audit sentence that holds neither the PIN nor the number', async () => {
    const set = await fetch(t.url + PAGE_PATH, {
      method: 'POST',
      body: form({ pin: '482913', confirm: '482913' }).body,
      headers: { ...form({}).headers, authorization: `Bearer ${alice}` },
      redirect: 'manual',
    });
    expect(set.status).toBe(303);
    expect(set.headers.get('location')).toBe('/staff/facilities/1002?pin=set&m=0#pins');
    const facilityPage = (await api(t, alice).get('/staff/facilities/1002?pin=set&m=0')).text;
    expect(facilityPage).toContain('Set the PIN of Peter Mokoena.');
    expect(facilityPage).toContain('PIN set');
    expect(facilityPage).toContain('Remove PIN');
    expect(facilityPage).not.toContain('482913');

    const peter = t.phone('+27820000102');
    expect((await peter.dial()).body).toBe('CON Enter your PIN:');
    expect((await peter.send('482913')).body).toMatch(/^(CON \d+ open cases?|END No open cases)/);

    const items = (await api(t, alice).get('/api/v1/audit?target=facility%201002')).json.items as Array<{ action: string; sentence: string; details: unknown }>;
    const entry = items.find((i) => i.action === 'manager_pin.set')!;
    expect(entry.sentence).toBe('Alice (admin) set the USSD PIN of the manager of facility 1002 (Peter Mokoena, +2782*****02)');
    const everything = JSON.stringify(items) + (await api(t, alice).get('/staff/audit')).text + t.logs.join('');
    expect(everything).not.toContain('482913');
    expect(everything).not.toContain('+27820000102');
  });

  it('removes a PIN, after which the number is refused until a new one is set', async () => {
    const removed = await api(t, alice).delete(PIN_PATH);
    expect(removed.json).toEqual({ ok: true, manager: 'Peter Mokoena' });
    expect((await t.phone('+27820000102').dial()).body).toBe('END Your manager menu needs a PIN. Please ask programme staff to set one for you.');
    expect((await api(t, alice).delete(PIN_PATH)).json.fields).toEqual([{ field: 'pin', message: 'Peter Mokoena has no PIN to remove.' }]);
    const items = (await api(t, alice).get('/api/v1/audit?target=facility%201002')).json.items as Array<{ action: string; sentence: string }>;
    expect(items.find((i) => i.action === 'manager_pin.removed')!.sentence).toBe('Alice (admin) removed the USSD PIN of the manager of facility 1002 (Peter Mokoena, +2782*****02)');
    // set again by the API
    expect((await api(t, alice).put(PIN_PATH, { pin: '7391', confirm: '7391' })).json).toEqual({ ok: true, manager: 'Peter Mokoena' });
    expect(await t.storage.managerPins.get('+27820000102')).toMatchObject({ failures: 0, lockedUntil: null });
  });
});

describe("a PIN goes with the manager's number", () => {
  const NOMSA = '+27820000101'; // the manager of 1001
  const AMINA = '+254700000103'; // the manager of 1003
  const managerAt = (name: string, phone: string, language = 'en') => ({ name, phone, language, role: 'facility', active: true, optedOut: false });
  const edit = (code: string, facility: { name: string; type: string; district: string }, managers: unknown[]) =>
    api(t, alice).put(`/api/v1/facilities/${code}`, { ...facility, active: true, managers });
  const RIVERSIDE_CLINIC = { name: 'Riverside Clinic', type: 'clinic', district: 'Riverside' };
  const RIVERSIDE_POLICE = { name: 'Riverside Police Station', type: 'police', district: 'Riverside' };

  it('stays while any facility still lists the number, and is removed (and audited) once none does', async () => {
    expect((await api(t, alice).put('/api/v1/facilities/1001/managers/0/pin', { pin: '5150', confirm: '5150' })).status).toBe(200);
    // Nomsa also manages the police station
    expect((await edit('2001', RIVERSIDE_POLICE, [managerAt('Capt. Sipho Ndlovu', '+27820000201', 'zu'), managerAt('Nomsa Dlamini', NOMSA, 'zu')])).status).toBe(200);

    // the clinic gets a new manager: the police station still lists Nomsa, so her PIN stays
    expect((await edit('1001', RIVERSIDE_CLINIC, [managerAt('Lindiwe Zulu', '+27820000199', 'en')])).status).toBe(200);
    expect(await t.storage.managerPins.get(NOMSA)).not.toBeNull();
    expect((await t.phone(NOMSA).dial()).body).toBe('CON Faka i-PIN yakho:'); // she reads isiZulu
    // the new number has no PIN of its own
    expect((await t.phone('+27820000199').dial()).body).toBe('END Your manager menu needs a PIN. Please ask programme staff to set one for you.');

    // the police station drops her too: no facility lists the number, so its PIN goes
    expect((await edit('2001', RIVERSIDE_POLICE, [managerAt('Capt. Sipho Ndlovu', '+27820000201', 'zu')])).status).toBe(200);
    expect(await t.storage.managerPins.get(NOMSA)).toBeNull();
    const items = (await api(t, alice).get('/api/v1/audit')).json.items as Array<{ action: string; sentence: string }>;
    expect(items.filter((i) => i.action === 'manager_pin.released').map((i) => i.sentence)).toEqual([
      'Alice (admin) changed the managers so that no facility lists +2782*****01 any more: its USSD PIN was removed',
    ]);
    expect(JSON.stringify(items)).not.toContain(NOMSA);
  });

  it('keeps the PIN of a number whose facility is only switched off (it may be switched on again)', async () => {
    const HILLTOP_POLICE = { name: 'Hilltop Police Station', type: 'police', district: 'Hilltop' };
    const grace = managerAt('Insp. Grace Wanjiku', '+254700000202', 'sw');
    expect((await api(t, alice).put('/api/v1/facilities/1003/managers/0/pin', { pin: '2468', confirm: '2468' })).status).toBe(200);
    expect((await edit('2002', HILLTOP_POLICE, [grace, managerAt('Amina Juma', AMINA, 'sw')])).status).toBe(200);
    expect((await api(t, alice).post('/api/v1/facilities/1003/deactivate')).status).toBe(200);
    // the police station drops her; the clinic, switched off, still lists her number
    expect((await edit('2002', HILLTOP_POLICE, [grace])).status).toBe(200);
    expect(await t.storage.managerPins.get(AMINA)).not.toBeNull();
  });

  it('is removed when an import replaces the managers, and kept on a dry run', async () => {
    const csv = ['code,name,type,district,manager_name,manager_phone,manager_language,manager_role', '1003,Hilltop Community Clinic,clinic,Hilltop,Baraka Mwangi,+254700000199,sw,facility'].join('\n');
    expect((await api(t, alice).post('/api/v1/facilities/import', csv)).json).toMatchObject({ ok: true, dryRun: true, updated: 1 });
    expect(await t.storage.managerPins.get(AMINA)).not.toBeNull();
    expect((await api(t, alice).post('/api/v1/facilities/import?dryRun=false', csv)).json).toMatchObject({ ok: true, dryRun: false, updated: 1 });
    expect(await t.storage.managerPins.get(AMINA)).toBeNull();
    expect((await t.phone(AMINA).dial()).body).not.toMatch(/PIN/);
  });
});
