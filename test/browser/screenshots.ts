import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startTestService } from '../support/service.js';
import { tokenFor } from '../support/staff.js';
import { chromiumMissing, launchChromium } from './chromium.js';

/**
 * `npm run screenshots`: takes the screenshots in the README's staff section from the real server
 * (memory storage, demo facilities, two weeks of simulated USSD reports) in headless Chromium.
 */

const OUT = resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots');

async function main() {
  if (chromiumMissing) {
    console.log(`not taken: ${chromiumMissing}`);
    return;
  }
  mkdirSync(OUT, { recursive: true });
  const t = await startTestService({ LOG_LEVEL: 'silent' });
  try {
    // two weeks of reports at three clinics, with satisfaction that differs by facility and drifts over time
    t.clock.set('2026-09-21T07:00:00Z');
    let n = 0;
    for (let day = 0; day < 14; day++) {
      for (const [code, base] of [
        ['1001', 4],
        ['1002', 2],
        ['1003', 3],
      ] as const) {
        const count = 1 + ((day * day + Number(code)) % 4);
        for (let i = 0; i < count; i++) {
          const rating = Math.min(5, Math.max(1, base + ((day + i) % 3) - 1 + (code === '1002' && day > 8 ? 2 : 0)));
          const p = t.phone(`+2782${String(++n).padStart(7, '0')}`);
          await p.dial();
          for (const input of ['1', code, '1', '2', '4', '1', String(rating), '1', '98', '1', '00', '2']) await p.send(input);
          t.clock.advance(20 * 60_000);
        }
      }
      t.clock.set(new Date(Date.parse('2026-09-21T07:00:00Z') + (day + 1) * 86_400_000));
    }
    t.clock.set('2026-10-05T08:00:00Z');

    const token = await tokenFor(t, 'admin', 'Programme officer');
    const { context, close } = await launchChromium({ viewport: { width: 1200, height: 820 } });
    try {
      const page = await context.newPage();
      const shot = async (name: string, fullPage = false) => {
        const file = join(OUT, `${name}.png`);
        await page.screenshot({ path: file, fullPage });
        console.log(`${file} (${Math.round(statSync(file).size / 1024)} KB)`);
      };
      await page.goto(`${t.url}/staff/sign-in`);
      await shot('01-sign-in');
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${t.url}/staff`);
      await shot('02-dashboard', true);
      await page.goto(`${t.url}/staff/questionnaires`);
      await shot('03-questionnaires');
      await page.goto(`${t.url}/staff/questionnaires/clinic`);
      await page.getByRole('button', { name: 'Start draft' }).click();
      await page.waitForURL(/\/staff\/drafts\//);
      await page.getByLabel('Question 1 · Wording, in English').fill('How long did you wait before someone helped you?');
      await page.getByLabel('Question 1 · Wording, in isiZulu').fill('');
      await page.locator('#issues li').first().waitFor();
      await page.getByRole('button', { name: 'Dial' }).click();
      for (const reply of ['1', '1001', '1']) {
        await page.locator('#sim-screen').filter({ hasNotText: 'Press Dial.' }).waitFor();
        await page.getByLabel('Reply').fill(reply);
        await page.getByRole('button', { name: 'Send' }).click();
        await page.waitForTimeout(150);
      }
      await page.locator('#sim-screen').filter({ hasText: 'wait' }).waitFor();
      await shot('04-draft-editor');
      await page.getByLabel('Question 1 · Wording, in isiZulu').fill('Ulinde isikhathi esingakanani ngaphambi kokusizwa?');
      await page.locator('#issues-summary').filter({ hasText: 'No problems' }).waitFor();
      await page.getByRole('button', { name: 'Save draft' }).click();
      const draftUrl = page.url().replace(/\?.*$/, '');
      await page.getByRole('link', { name: 'Publish…' }).click();
      const publishUrl = page.url();
      await shot('05-publish-confirm');
      await page.goto(`${t.url}/staff/languages`);
      await shot('06-languages');
      await page.goto(`${t.url}/staff/facilities`);
      await page.getByLabel('CSV file').setInputFiles({
        name: 'facilities.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(
          'code,name,type,district,manager_name,manager_phone,manager_language,manager_role\n7001,Bay Clinic,clinic,Riverside,Gia Moyo,+27820007001,en,facility\n7002,Cove Clinic,clinic,Lakeside,Hal Moyo,08200,zu,facility\n',
        ),
      });
      await page.getByRole('button', { name: 'Check and import' }).click();
      await page.locator('#import-result table').waitFor();
      await page.locator('#import-result').scrollIntoViewIfNeeded();
      await shot('07-facilities-import');
      await page.goto(`${t.url}/staff/responses`);
      await shot('08-responses-export');
      await page.goto(`${t.url}/staff/scorecards?facility=1002&period=2026-09`);
      await shot('09-scorecard-preview', true);
      await page.goto(`${t.url}/staff/audit`);
      await shot('10-audit');
      await page.goto(`${t.url}/staff/scorecards/send?period=2026-09`);
      await shot('11-scorecards-send-confirm');
      await page.getByRole('button', { name: 'Yes, send the scorecards of 2026-09' }).click();
      await page.waitForURL(/\/staff\/scorecards\/history/);
      await page.waitForTimeout(300);
      await page.reload();
      await shot('12-scorecards-history', true);
      await page.goto(`${t.url}/staff/facilities?q=river`);
      await shot('13-facilities-search');
      await page.goto(`${draftUrl}?lang=sw`);
      await shot('14-draft-editor-sw', true);

      // the same pages at a phone's width (360 px)
      await page.setViewportSize({ width: 360, height: 780 });
      for (const [name, path] of [
        ['02-dashboard', '/staff'],
        ['04-draft-editor', new URL(draftUrl).pathname],
        ['05-publish-confirm', new URL(publishUrl).pathname],
        ['07-facilities', '/staff/facilities'],
        ['08-responses-export', '/staff/responses'],
        ['09-scorecard-preview', '/staff/scorecards?facility=1002&period=2026-09'],
        ['10-audit', '/staff/audit'],
        ['11-scorecards-send-confirm', '/staff/scorecards/send?period=2026-09'],
        ['12-scorecards-history', '/staff/scorecards/history?period=2026-09'],
      ] as const) {
        await page.goto(`${t.url}${path}`);
        await shot(`${name}-360`, true);
      }
    } finally {
      await close();
    }
  } finally {
    await t.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
