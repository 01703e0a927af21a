import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/entry/config.js';
import { CALLBACK_PATHS } from '../../src/http/callback-paths.js';
import { ADMIN, PRODUCTION_ENV, startTestService, TEST_SECRET, type TestService } from '../support/service.js';
import { servedCallbackPaths } from '../support/served-callbacks.js';

/**
 * What a stranger cannot do to a production service: sign a staff session with the
 * respondent-key secret (leaked, or the public development value), or post a callback
 * without the shared token. And what the start log tells an operator about open doors.
 */

const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url');
/** how the staff session secret used to be derived from the respondent-key secret */
const oldDerived = (respondentSecret: string) => createHmac('sha256', respondentSecret).update('staff-session-v1').digest('hex');

async function signIn(t: TestService): Promise<string> {
  const res = await fetch(`${t.url}/staff/sign-in`, { method: 'POST', body: form({ token: ADMIN }), redirect: 'manual' });
  expect(res.status).toBe(303);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

const asCookie = (t: TestService, cookie: string) => fetch(`${t.url}/api/v1/questionnaires`, { headers: { cookie } });

describe.each([
  ['production', { ...PRODUCTION_ENV }],
  ['development', {}],
] as const)('staff sessions in %s', (_mode, env) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(env);
  });
  afterAll(() => t.stop());

  it('refuse a session cookie signed with the respondent-key secret, however it is used', async () => {
    const real = await signIn(t);
    // the control: the real cookie works, so a refusal below is about the signature alone
    expect((await asCookie(t, real)).status).toBe(200);
    const [name, value] = real.split('=') as [string, string];
    const body = decodeURIComponent(value).split('.')[0]!;
    for (const secret of [TEST_SECRET, oldDerived(TEST_SECRET)]) {
      const forged = `${name}=${encodeURIComponent(`${body}.${sign(secret, body)}`)}`;
      const res = await asCookie(t, forged);
      expect(res.status).toBe(401);
    }
  });
});

describe('callbacks with AT_CALLBACK_TOKEN set', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ ...PRODUCTION_ENV });
  });
  afterAll(() => t.stop());

  const callbacks: Array<[string, Record<string, string>]> = [
    ['/ussd', { sessionId: 'ATUid_forged', serviceCode: '*384*123#', phoneNumber: '+254711000901', networkCode: '63902', text: '' }],
    [
      '/ussd/events',
      {
        sessionId: 'ATUid_forged_events',
        serviceCode: '*384*123#',
        phoneNumber: '+254711000901',
        networkCode: '63902',
        status: 'Success',
        input: '1',
        lastAppResponse: '',
        hopsCount: '2',
        durationInMillis: '3000',
        errorMessage: '',
        cost: 'KES 0.0000',
        date: '2026-10-05 08:00:00',
      },
    ],
    ['/voice', { isActive: '1', sessionId: 'ATVId_forged', direction: 'Inbound', callerNumber: '+254711000901', destinationNumber: '+254711082000' }],
    ['/sms/delivery-reports', { id: 'ATXid_forged', status: 'Success', phoneNumber: '+254711000901', networkCode: '63902', retryCount: '0' }],
    ['/sms/incoming', { id: 'ATXid_forged_incoming', from: '+254711000901', to: '21525', text: '1', date: '2026-10-05 08:00:00', linkId: 'link-1' }],
  ];

  it('covers every callback the service serves', () => {
    expect(callbacks.map(([path]) => path).sort()).toEqual(servedCallbackPaths(t.service));
  });

  it.each(callbacks)('%s answers 401 without the token or with a wrong one, and 200 with it', async (path, fields) => {
    for (const query of ['', '?token=', '?token=not-the-callback-token-0000']) {
      const res = await fetch(`${t.url}${path}${query}`, { method: 'POST', body: form(fields) });
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('invalid callback token');
    }
    // a refused hop starts no session
    if (path === '/ussd' || path === '/voice') {
      expect(await t.storage.sessions.get('ussd', fields.sessionId!)).toBeNull();
      expect(await t.storage.sessions.get('voice', fields.sessionId!)).toBeNull();
    }
    const right = await fetch(`${t.url}${path}?token=${PRODUCTION_ENV.AT_CALLBACK_TOKEN}`, { method: 'POST', body: form(fields) });
    expect(right.status).toBe(200);
  });
});

describe('the start log names the open doors', () => {
  const messages = (t: TestService) => t.logs.map((l) => JSON.parse(l) as { level: number; msg: string });

  it('in development: callbacks are open and the secrets are the public development ones', async () => {
    const t = await startTestService({ RESPONDENT_KEY_SECRET: '' });
    await t.stop();
    const warnings = messages(t)
      .filter((l) => l.level === 40)
      .map((l) => l.msg);
    expect(warnings.find((m) => m.startsWith('callbacks are OPEN'))).toContain('AT_CALLBACK_TOKEN is not set');
    expect(warnings.find((m) => m.includes('PUBLIC development'))).toMatch(/^RESPONDENT_KEY_SECRET and STAFF_SESSION_SECRET are not set/);
    expect(warnings.find((m) => m.startsWith('CONTACT_ENCRYPTION_KEY is not set'))).toContain('PUBLIC development key');
  });

  it('serves exactly the callbacks of the one list the warnings below are built from', async () => {
    const t = await startTestService({});
    await t.stop();
    // a callback served but missing from the list would be left out of every warning
    expect(servedCallbackPaths(t.service)).toEqual([...CALLBACK_PATHS].sort());
    expect(CALLBACK_PATHS).toContain('/sms/incoming');
  });

  it('names every served callback path: the open-callbacks warning, the proxy warning and the production refusal', async () => {
    const open = await startTestService({});
    await open.stop();
    const { AT_CALLBACK_TOKEN: _dropped, ...rest } = PRODUCTION_ENV;
    const proxy = await startTestService({ ...rest, AT_CALLBACK_AUTH: 'proxy' });
    await proxy.stop();
    let refusal = '';
    try {
      loadConfig(rest);
    } catch (e) {
      refusal = (e as Error).message;
    }
    const warning = (t: TestService, start: string) => messages(t).find((l) => l.level === 40 && l.msg.startsWith(start))?.msg ?? '';
    const texts = {
      open: warning(open, 'callbacks are OPEN'),
      proxy: warning(proxy, 'AT_CALLBACK_AUTH=proxy'),
      refusal: refusal.split('\n').find((l) => l.trim().startsWith('AT_CALLBACK_TOKEN:')) ?? '',
    };
    const served = servedCallbackPaths(open.service);
    expect(served.length).toBeGreaterThanOrEqual(5);
    for (const [which, text] of Object.entries(texts)) {
      // an operator who opens only the paths named leaves none of the others open
      const named = new Set(text.match(/\/[a-z/-]+[a-z]/g));
      expect(
        served.filter((path) => !named.has(path)),
        `${which}: ${text}`,
      ).toEqual([]);
    }
  });

  it('in production with AT_CALLBACK_AUTH=proxy: a warning at every start, and no open-callback claim', async () => {
    const { AT_CALLBACK_TOKEN: _dropped, ...rest } = PRODUCTION_ENV;
    for (let start = 0; start < 2; start++) {
      const t = await startTestService({ ...rest, AT_CALLBACK_AUTH: 'proxy' });
      const hop = await fetch(`${t.url}/ussd`, { method: 'POST', body: form(callbacks0) });
      await t.stop();
      expect(hop.status).toBe(200);
      const warnings = messages(t)
        .filter((l) => l.level === 40)
        .map((l) => l.msg);
      expect(warnings.filter((m) => m.startsWith('AT_CALLBACK_AUTH=proxy: this service does not check callbacks itself'))).toHaveLength(1);
      expect(warnings.some((m) => m.includes('PUBLIC development'))).toBe(false);
    }
  });
});

const callbacks0 = { sessionId: 'ATUid_proxy', serviceCode: '*384*123#', phoneNumber: '+254711000902', networkCode: '63902', text: '' };
