import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import { ADMIN, startTestService, testClock, type TestService } from '../support/service.js';
import { fillPath } from '../support/staff.js';

/**
 * What a newcomer is told: where the staff console is and how to get in, and, on the
 * in-memory store, that nothing is durable (on /readyz and on every staff page).
 */

const messages = (t: TestService) => t.logs.map((l) => JSON.parse(l) as { level: number; msg: string });

describe('the start log', () => {
  it('says where the staff console is and that ADMIN_TOKEN gets you in', async () => {
    const t = await startTestService();
    await t.stop();
    const line = messages(t).find((l) => l.msg.startsWith('staff console:'))!;
    expect(line.msg).toBe(`staff console: ${t.url}/staff (sign in with the ADMIN_TOKEN this server was started with; it creates further tokens on the Tokens page)`);
    expect(t.logs.join('')).not.toContain(ADMIN);
  });

  it('without ADMIN_TOKEN, says how to set one', async () => {
    const t = await startTestService({ ADMIN_TOKEN: '' });
    await t.stop();
    const line = messages(t).find((l) => l.msg.startsWith('staff console:'))!;
    expect(line.msg).toContain('ADMIN_TOKEN is not set, so no admin can sign in');
    expect(line.msg).toContain('openssl rand -hex 24 prints one), restart with ADMIN_TOKEN=<that secret> npm start, and sign in with it');
  });
});

async function htmlStaffPages(t: TestService): Promise<Array<{ path: string; status: number; body: string }>> {
  const pages = t.service.staffRoutes.filter((r) => r.kind === 'page' && r.method === 'get' && !r.path.startsWith('/staff/assets/'));
  const out = [];
  for (const route of pages) {
    const path = fillPath(route.path);
    const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    if (!res.headers.get('content-type')?.startsWith('text/html')) continue;
    out.push({ path, status: res.status, body: await res.text() });
  }
  // and a page seen signed out
  const signedOut = await fetch(`${t.url}/staff/facilities`);
  out.push({ path: '/staff/facilities (signed out)', status: signedOut.status, body: await signedOut.text() });
  return out;
}

describe('on the in-memory store', () => {
  let t: TestService;
  beforeAll(async () => {
    // the memory adapter whichever store the other tests run on (TEST_STORAGE)
    const clock = testClock();
    t = await startTestService({}, { storage: createMemoryStorage({ now: () => clock.now() }), clock });
  });
  afterAll(() => t.stop());

  it('/readyz reports durable: false', async () => {
    expect(await (await fetch(`${t.url}/readyz`)).json()).toEqual({ status: 'ready', storage: 'memory', durable: false });
  });

  it('every staff page shows the banner "data is not durable"', async () => {
    const pages = await htmlStaffPages(t);
    expect(pages.length).toBeGreaterThan(10);
    const without = pages.filter((p) => !p.body.includes('<div class="banner not-durable" role="alert"><strong>This data is not durable.</strong>')).map((p) => `${p.path} (${p.status})`);
    expect(without).toEqual([]);
    console.log(`banner checked on ${pages.length} staff pages`);
  });
});

describe('on a durable store', () => {
  it('/readyz reports durable: true and no page shows the banner', async () => {
    // the rule reads only the storage's durable flag (here a memory store standing in for MongoDB, named as one);
    // a real MongoDB is exercised by test/production/image-layout.test.ts when TEST_MONGODB_URI is set
    const clock = testClock();
    const t = await startTestService({}, { storage: { ...createMemoryStorage({ now: () => clock.now(), durable: true }), kind: 'mongo' }, clock });
    try {
      expect(await (await fetch(`${t.url}/readyz`)).json()).toEqual({ status: 'ready', storage: 'mongo', durable: true });
      const pages = await htmlStaffPages(t);
      expect(pages.length).toBeGreaterThan(10);
      expect(pages.filter((p) => p.body.includes('not durable')).map((p) => p.path)).toEqual([]);
    } finally {
      await t.stop();
    }
  });
});
