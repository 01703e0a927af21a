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
