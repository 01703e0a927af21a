import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { recordCharter } from '../../src/app/charters/record-charter.js';
import { startTestService, type TestService } from '../support/service.js';
import { BROWSER_TEST_TIMEOUT, chromiumMissing, launchChromium } from './chromium.js';

/**
 * The public pages in headless Chromium at a phone's width (360 px) with JavaScript off: every
 * page renders, fits the width, has one h1, switches language by its links, chooses a month
 * with its form, and is saved as a screenshot in test/browser/screenshots (look at them).
 */

const SHOTS = resolve(import.meta.dirname, 'screenshots');

if (chromiumMissing) console.log(`SKIP public browser tests: ${chromiumMissing}`);

describe.skipIf(Boolean(chromiumMissing))('public pages in Chromium at 360 px, JavaScript off', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  let t: TestService;
  let close: () => Promise<void>;
  let page: Page;
  const failed: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestService({ SCORECARD_SCHEDULE: 'false', SCORECARD_MIN_COUNT: '5', LOG_LEVEL: 'warn' });
    let n = 0;
    // August to October at Riverside's two clinics; Market Street stays below the minimum in August
    for (const [month, counts] of [
      ['2026-08-12T08:00:00Z', { '1001': 8, '1002': 3 }],
      ['2026-09-12T08:00:00Z', { '1001': 10, '1002': 7 }],
      ['2026-10-12T08:00:00Z', { '1001': 14, '1002': 9 }],
    ] as const) {
      t.clock.set(month);
      for (const [code, count] of Object.entries(counts)) {
        for (let i = 0; i < count; i++) {
          const p = t.phone(`+2547120${String(++n).padStart(5, '0')}`);
          await p.dial();
          const rating = code === '1001' ? (i % 4 === 0 ? 3 : 5) : i % 2 ? 2 : 4;
          const problem = i % 3 === 0 ? '1' : code === '1001' ? '2' : '3';
          for (const input of ['1', code, '1', '1', '4', '1', String(rating), problem, '1', i % 2 ? '1' : '2', String(1 + (i % 2))]) await p.send(input);
        }
      }
    }
    await recordCharter(
      { storage: t.storage, clock: t.clock, settings: { timeZone: 'Africa/Johannesburg' } },
      {
        facilityCode: '1001',
        dialogueDate: '2026-09-20',
        attendance: [
          { group: 'community members', count: 25 },
          { group: 'clinic staff', count: 6 },
        ],
        topIssues: [
          { issue: 'Long wait', votes: 18 },
          { issue: 'Rude staff', votes: 7 },
        ],
        actions: [
          { title: 'Second triage nurse on Mondays', owner: 'Facility in-charge', dueDate: '2026-10-15' },
          { title: 'Queue numbers at the gate', owner: 'Clinic committee', dueDate: '2026-12-20', status: 'in_progress' },
          { title: 'Repaint the waiting room', owner: 'District works', dueDate: '2026-10-01', status: 'done' },
        ],
      },
      'Thandi (editor)',
    );
    t.clock.set('2026-11-03T08:00:00Z');
    const launched = await launchChromium({ viewport: { width: 360, height: 740 } });
    close = launched.close;
    page = await launched.context.newPage();
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  });
  afterAll(async () => {
    await close?.();
    await t?.stop();
  });

  async function visit(path: string, shot: string) {
    const res = await page.goto(`${t.url}${path}`);
    expect(res?.status(), path).toBe(200);
    expect(await page.locator('h1').count(), `${path}: one h1`).toBe(1);
    // nothing wider than the phone: no sideways scrolling of the page itself
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
  }

  it('national, district and facility pages render at 360 px; screenshots saved', async () => {
    await visit('/public', 'public-national');
    expect(await page.getByRole('link', { name: 'Riverside', exact: true }).count()).toBe(1);
    await visit('/public/districts/Riverside', 'public-district');
    await visit('/public/facilities/1001', 'public-facility');
    expect(await page.locator('.status.overdue').count()).toBe(1);
    expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(2);
    await visit('/public/facilities/1002?period=2026-08', 'public-facility-too-few');
    expect(await page.locator('main').textContent()).not.toMatch(/\d%/);
    expect(await page.locator('main').textContent()).toContain('Not enough reports yet');
    expect(failed).toEqual([]);
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
  });

  it('switches language by its links and keeps the month; the draft is marked', async () => {
    await page.goto(`${t.url}/public/facilities/1001?period=2026-09`);
    await page.getByRole('link', { name: 'Kiswahili' }).click();
    await page.waitForURL(/lang=sw/);
    expect(page.url()).toContain('period=2026-09');
    expect(await page.getAttribute('html', 'lang')).toBe('sw');
    expect(await page.locator('.draft').textContent()).toContain('rasimu');
    await page.screenshot({ path: join(SHOTS, 'public-facility-sw.png'), fullPage: true });
    await page.getByRole('link', { name: 'isiZulu' }).click();
    await page.waitForURL(/lang=zu/);
    expect(await page.getAttribute('html', 'lang')).toBe('zu');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    expect(await page.locator('.draft').count()).toBe(0);
  });

  it('chooses a month with the form by keyboard alone, with no script', async () => {
    await page.goto(`${t.url}/public/districts/Riverside?lang=en`);
    await page.getByLabel('Month', { exact: true }).selectOption('2026-09');
    await page.getByLabel('Month', { exact: true }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Show');
    await page.keyboard.press('Enter');
    await page.waitForURL(/period=2026-09/);
    expect(page.url()).toContain('lang=en');
    expect(await page.locator('select#period').inputValue()).toBe('2026-09');
  });
});

describe.skipIf(Boolean(chromiumMissing))('public pages with JavaScript disabled', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  it('render the same content without scripts', async () => {
    const t = await startTestService({ SCORECARD_SCHEDULE: 'false', LOG_LEVEL: 'warn' });
    const { chromium } = await import('playwright-core');
    const { CHROMIUM } = await import('./chromium.js');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
      const p = await ctx.newPage();
      for (const path of ['/public', '/public/districts/Hilltop', '/public/facilities/1003']) {
        const res = await p.goto(`${t.url}${path}`);
        expect(res?.status(), path).toBe(200);
        expect(await p.locator('h1').count()).toBe(1);
        expect(await p.locator('main').textContent()).toContain('Not enough reports yet');
      }
      // the month form works as a plain GET form
      await p.goto(`${t.url}/public/facilities/1003`);
      await p.getByLabel('Month', { exact: true }).selectOption('2026-09');
      await p.getByRole('button', { name: 'Show' }).click();
      await p.waitForURL(/period=2026-09/);
      expect(await p.locator('h1').textContent()).toBe('Hilltop Community Clinic');
      await ctx.close();
    } finally {
      await browser.close();
      await t.stop();
    }
  });
});
