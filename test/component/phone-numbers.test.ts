import type { Hop } from '../../src/channels/ussd/at-simulator.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { startVoiceService, type VoiceTestService } from '../support/voice.js';
import { api, tokenFor } from '../support/staff.js';

/**
 * One person is one respondent (issue 8): phone numbers are put in E.164 with the configured
 * default country before they are keyed, so the national and international spellings of a
 * number are one respondent; a number libphonenumber cannot read still gets a screen (keyed
 * by its digits, logged without the number); managers' numbers are E.164 or a field error.
 */

describe('respondents (DEFAULT_COUNTRY=KE)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ DEFAULT_COUNTRY: 'KE', LOG_LEVEL: 'debug' });
  });
  afterAll(() => t.stop());

  const keyOf = async (sessionId: string) => (await t.storage.sessions.get('ussd', sessionId))!.respondentKey;

  it('0711000205 and +254711000205 are one respondent: one key, the remembered language, one counted report a day', async () => {
    const national = t.phone('0711000205', 'ATUid_pn_1');
    await national.dial();
    let last: Hop | undefined;
    // the all-'1' report rates the visit 1, a concern: it ends on the follow-up question, answered No
    for (const input of ['2', '1001', '1', '1', '1', '1', '1', '1', '1', '00', '00', '2']) last = await national.send(input);
    expect(last!.body).toMatch(/^END /);
    const international = t.phone('+254711000205', 'ATUid_pn_2');
    // the language chosen under the national spelling is remembered under the international one
    expect((await international.dial()).body).toBe('CON Weka namba ya kituo iliyo kwenye bango:\n9. Angalia ripoti\n0. Rudi');
    for (const input of ['1001', '1', '1', '1', '1', '1', '1', '1', '00', '00', '2']) last = await international.send(input);
    expect(last!.body).toMatch(/^END /);
    expect(await keyOf('ATUid_pn_1')).toBe(await keyOf('ATUid_pn_2'));
    const withoutPlus = t.phone('254711000205', 'ATUid_pn_3');
    await withoutPlus.dial();
    expect(await keyOf('ATUid_pn_3')).toBe(await keyOf('ATUid_pn_1'));

    const first = (await t.storage.responses.get((await t.storage.sessions.get('ussd', 'ATUid_pn_1'))!.responseId!))!;
    const second = (await t.storage.responses.get((await t.storage.sessions.get('ussd', 'ATUid_pn_2'))!.responseId!))!;
    expect(first.counted).toBe(true);
    expect(second.counted).toBe(false);
    expect(second.duplicateOf).toBe(first.id);
  });

  it('a different number is a different respondent', async () => {
    await t.phone('0711000206', 'ATUid_pn_4').dial();
    await t.phone('+254711000205', 'ATUid_pn_5').dial();
    expect(await keyOf('ATUid_pn_4')).not.toBe(await keyOf('ATUid_pn_5'));
  });

  it('a caller number libphonenumber cannot read still gets a screen, keyed by its digits, logged without the number', async () => {
    const before = t.logs.length;
    for (const [i, odd] of ['+999123456', '000000', '+0123456789'].entries()) {
      const phone = t.phone(odd, `ATUid_pn_odd_${i}`);
      const hop = await phone.dial();
      expect(hop.status, odd).toBe(200);
      expect(hop.body, odd).toMatch(/^CON Language/);
      expect((await phone.send('1')).body, odd).toMatch(/^CON Enter the facility code/);
      expect(await keyOf(`ATUid_pn_odd_${i}`)).toMatch(/^[0-9a-f]{32}$/);
    }
    const logged = t.logs.slice(before).join('');
    expect(logged).toContain('keyed by its digits');
    for (const digits of ['999123456', '0123456789']) expect(logged).not.toContain(digits);
    // the same odd number is still one respondent across sessions
    await t.phone('+999123456', 'ATUid_pn_odd_again').dial();
    expect(await keyOf('ATUid_pn_odd_again')).toBe(await keyOf('ATUid_pn_odd_0'));
  });
});

describe('respondents (default DEFAULT_COUNTRY, ZA)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('0821234567 and +27821234567 are one respondent; 0711000205 is read as a South African number', async () => {
    for (const [id, number] of [
      ['ATUid_za_1', '0821234567'],
      ['ATUid_za_2', '+27821234567'],
      ['ATUid_za_3', '0711000205'],
      ['ATUid_za_4', '+254711000205'],
    ])
      await t.phone(number, id).dial();
    const key = async (id: string) => (await t.storage.sessions.get('ussd', id))!.respondentKey;
    expect(await key('ATUid_za_1')).toBe(await key('ATUid_za_2'));
    expect(await key('ATUid_za_3')).not.toBe(await key('ATUid_za_4'));
  });
});

describe('voice callers (DEFAULT_COUNTRY=KE)', () => {
  let t: VoiceTestService;
  beforeAll(async () => {
    t = await startVoiceService({ LANGUAGES: 'en', DEFAULT_COUNTRY: 'KE' });
  });
  afterAll(() => t.stop());

  it('the national and international caller numbers are one respondent, and an unreadable one still gets a prompt', async () => {
    await t.call('0711000205', 'ATVId_pn_1').dial();
    await t.call('+254711000205', 'ATVId_pn_2').dial();
    const key = async (id: string) => (await t.storage.sessions.get('voice', id))!.respondentKey;
    expect(await key('ATVId_pn_1')).toBe(await key('ATVId_pn_2'));
    const odd = await t.call('+999123456', 'ATVId_pn_3').dial();
    expect(odd.status).toBe(200);
    expect(odd.body).toContain('<GetDigits');
    // an outbound call keys the number called; one the library cannot read is keyed by its digits
    const form = { isActive: '1', sessionId: 'ATVId_pn_4', direction: 'Outbound', callerNumber: '+254711082000', destinationNumber: 'unknown-0711' };
    const outbound = await fetch(`${t.url}/voice`, { method: 'POST', body: new URLSearchParams(form) });
    expect(outbound.status).toBe(200);
    expect(await outbound.text()).toContain('<GetDigits');
    const national = { ...form, sessionId: 'ATVId_pn_5', destinationNumber: '0711000205' };
    await (await fetch(`${t.url}/voice`, { method: 'POST', body: new URLSearchParams(national) })).text();
    expect(await key('ATVId_pn_5')).toBe(await key('ATVId_pn_1'));
  });
});

describe("managers' numbers (default DEFAULT_COUNTRY, ZA)", () => {
  let t: TestService;
  let editor: string;
  beforeAll(async () => {
    t = await startTestService();
    editor = await tokenFor(t, 'editor');
  });
  afterAll(() => t.stop());

  it('are stored in E.164 from the API; a bad one is a field error naming the manager', async () => {
    const made = await api(t, editor).post('/api/v1/facilities', {
      code: '5101',
      name: 'Hill Clinic',
      type: 'clinic',
      district: 'Hilltop',
      managers: [
        { name: 'Fay', phone: '082 000 5101', language: 'zu' },
        { name: 'Gus', phone: '+27 82 000 5102', language: 'en' },
      ],
    });
    expect(made.status).toBe(201);
    expect((await t.storage.facilities.findByCode('5101'))!.managers.map((m) => m.phone)).toEqual(['+27820005101', '+27820005102']);
    const bad = await api(t, editor).put('/api/v1/facilities/5101', {
      name: 'Hill Clinic',
      type: 'clinic',
      district: 'Hilltop',
      managers: [
        { name: 'Fay', phone: '+27820005101', language: 'zu' },
        { name: 'Gus', phone: '08200', language: 'en' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.fields).toEqual([{ field: 'managers.1.phone', message: 'is not a valid phone number: write it as +27821234567, or without the country code for ZA' }]);
    expect((await t.storage.facilities.findByCode('5101'))!.managers.map((m) => m.phone)).toEqual(['+27820005101', '+27820005102']);
  });

  it('are stored in E.164 from the facility form; a bad one re-shows the form with the error', async () => {
    const signIn = await fetch(`${t.url}/staff/sign-in`, { method: 'POST', body: new URLSearchParams({ token: editor }), redirect: 'manual' });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(await (await fetch(`${t.url}/staff/facilities/new`, { headers: { cookie } })).text())![1]!;
    const post = (fields: Record<string, string>) =>
      fetch(`${t.url}/staff/facilities`, {
        method: 'POST',
        headers: { cookie },
        body: new URLSearchParams({ _csrf: csrf, type: 'clinic', district: 'Hilltop', active: 'on', m0_language: 'en', m0_role: 'facility', ...fields }),
        redirect: 'manual',
      });
    const bad = await post({ code: '5102', name: 'Form Clinic', m0_name: 'Hal', m0_phone: '12345' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('is not a valid phone number');
    expect(await t.storage.facilities.findByCode('5102')).toBeNull();
    const good = await post({ code: '5102', name: 'Form Clinic', m0_name: 'Hal', m0_phone: '0820005103' });
    expect(good.status).toBe(303);
    expect((await t.storage.facilities.findByCode('5102'))!.managers[0]!.phone).toBe('+27820005103');
  });
});
