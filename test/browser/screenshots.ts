import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openCaseForReport } from '../../src/app/cases/open-case.js';
import { manualClock } from '../../src/gateways/clock.js';
import type { IdGenerator } from '../../src/gateways/ids.js';
import { startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';
import { WATER_POINT } from '../support/facility-types.js';
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
  // the clock starts where the reports do: started later and set back, the service would send
  // September's scorecards (empty) at its start, and the history would show them sent in September
  const t = await startTestService({ LOG_LEVEL: 'silent' }, { ids: readableIds(), clock: manualClock('2026-09-21T07:00:00Z') });
  try {
    // two weeks of reports at three clinics, with satisfaction that differs by facility and drifts over time
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
      await page.setViewportSize({ width: 360, height: 780 });
      await shot('01-sign-in-360', true);
      await page.setViewportSize({ width: 1200, height: 820 });
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
      // from the top: the page's heading, the kinds of service, the checks and the phone
      await page.evaluate(() => window.scrollTo(0, 0));
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
      await page.goto(`${t.url}/staff/scorecards/send?period=2026-09`);
      await shot('11-scorecards-send-confirm');
      await page.getByRole('button', { name: 'Yes, send the scorecards of 2026-09' }).click();
      await page.waitForURL(/\/staff\/scorecards\/history/);
      await deliveryReports(t, '2026-09');
      await page.reload();
      await shot('12-scorecards-history', true);
      await page.goto(`${t.url}/staff/facilities?q=river`);
      await shot('13-facilities-search');
      await page.goto(`${draftUrl}?lang=sw`);
      await shot('14-draft-editor-sw', true);

      // the draft at a phone's width while it is still a draft (it is published next)
      await page.setViewportSize({ width: 360, height: 780 });
      for (const [name, url] of [
        ['04-draft-editor', draftUrl],
        ['05-publish-confirm', publishUrl],
      ] as const) {
        await page.goto(url);
        await shot(`${name}-360`, true);
      }
      await page.setViewportSize({ width: 1200, height: 820 });

      // the pages that had no screenshot yet: a published version and its changes, the formats,
      // cases, charters, tokens, a facility's form and the facility types
      await page.goto(publishUrl);
      await page.getByRole('button', { name: 'Publish version 2' }).click();
      await page.waitForURL(/published=2/);
      await page.goto(`${t.url}/staff/questionnaires/clinic/versions/1`);
      await shot('15-version', true);
      await page.goto(`${t.url}/staff/questionnaires/clinic/diff?from=1&to=2`);
      await shot('16-diff', true);
      await page.goto(`${t.url}/staff/questionnaires/clinic/formats`);
      await shot('17-formats', true);
      const reference = await openSomeCases(t, token);
      await page.goto(`${t.url}/staff/cases`);
      await shot('18-cases', true);
      await page.goto(`${t.url}/staff/cases/${reference}`);
      await shot('19-case', true);
      const charter = await api(t, token).post('/api/v1/facilities/1002/charters', CHARTER);
      if (charter.status !== 201) throw new Error(`charter not recorded: ${charter.text}`);
      await api(t, token).post(`/api/v1/charters/${charter.json.id}/progress`, { actionId: 'a2', note: 'Numbers printed; the committee hands them out from 7:00', revision: charter.json.revision });
      await page.goto(`${t.url}/staff/facilities/1002/charters`);
      await shot('20-charters', true);
      await page.goto(`${t.url}/staff/charters/${charter.json.id}`);
      await shot('21-charter', true);
      await page.goto(`${t.url}/staff/tokens`);
      await shot('22-tokens', true);
      await page.goto(`${t.url}/staff/facilities/1001`);
      await shot('23-facility-edit', true);
      const type = await api(t, token).post('/api/v1/facility-types', WATER_POINT);
      if (type.status !== 201) throw new Error(`facility type not added: ${type.text}`);
      await page.goto(`${t.url}/staff/facility-types`);
      await shot('24-facility-types', true);
      await page.goto(`${t.url}/staff/facility-types/water_point`);
      await shot('25-facility-type', true);
      await page.goto(`${t.url}/staff/questionnaires/clinic`);
      await shot('26-questionnaire', true);
      // last, so the log holds what every page above did: drafts, publishing, cases, charters, types, sending
      await page.goto(`${t.url}/staff/audit`);
      await shot('10-audit', true);

      // the same pages at a phone's width (360 px)
      await page.setViewportSize({ width: 360, height: 780 });
      for (const [name, path] of [
        ['02-dashboard', '/staff'],
        ['03-questionnaires', '/staff/questionnaires'],
        ['06-languages', '/staff/languages'],
        ['07-facilities', '/staff/facilities'],
        ['08-responses-export', '/staff/responses'],
        ['09-scorecard-preview', '/staff/scorecards?facility=1002&period=2026-09'],
        ['10-audit', '/staff/audit'],
        ['11-scorecards-send-confirm', '/staff/scorecards/send?period=2026-09'],
        ['12-scorecards-history', '/staff/scorecards/history?period=2026-09'],
        ['13-facilities-search', '/staff/facilities?q=river'],
        ['15-version', '/staff/questionnaires/clinic/versions/1'],
        ['16-diff', '/staff/questionnaires/clinic/diff?from=1&to=2'],
        ['17-formats', '/staff/questionnaires/clinic/formats'],
        ['18-cases', '/staff/cases'],
        ['19-case', `/staff/cases/${reference}`],
        ['20-charters', '/staff/facilities/1002/charters'],
        ['21-charter', `/staff/charters/${charter.json.id}`],
        ['22-tokens', '/staff/tokens'],
        ['23-facility-edit', '/staff/facilities/1001'],
        ['24-facility-types', '/staff/facility-types'],
        ['25-facility-type', '/staff/facility-types/water_point'],
        ['26-questionnaire', '/staff/questionnaires/clinic'],
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

/**
 * Delivery reports as Africa's Talking posts them, once the outbox has sent the period's
 * messages: Market Street Clinic's manager never got it (the phone was off), Riverside
 * Clinic's did; the history shows both.
 */
async function deliveryReports(t: TestService, period: string) {
  for (let i = 0; i < 50; i++) {
    const messages = await t.storage.outbox.list({ period });
    const sent = (code: string) => messages.find((m) => m.subjectCode === code && m.providerMessageId);
    const [failed, delivered] = [sent('1002'), sent('1001')];
    if (failed && delivered) {
      for (const [m, status] of [
        [failed, { status: 'Failed', failureReason: 'AbsentSubscriber' }],
        [delivered, { status: 'Success' }],
      ] as const) {
        const res = await fetch(`${t.url}/sms/delivery-reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ id: m.providerMessageId!, phoneNumber: m.phone, ...status }),
        });
        if (res.status !== 200) throw new Error(`delivery report refused: ${res.status}`);
      }
      await new Promise((r) => setTimeout(r, 300));
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the messages of ${period} were not sent`);
}

/**
 * Report ids as citizens read them out (10 characters of Crockford base32, so their cases
 * have real references), the same on every run so a picture changes only when its page does.
 */
function readableIds(): IdGenerator {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let state = 20261005;
  return {
    responseId() {
      let out = '';
      for (let i = 0; i < 10; i++) {
        state = (state * 1103515245 + 12345) % 2147483648;
        out += alphabet[(state >>> 16) % 32];
      }
      return out;
    },
  };
}

/** A charter as agreed at a community dialogue at Market Street Clinic: one action overdue, one under way. */
const CHARTER = {
  dialogueDate: '2026-09-14',
  attendance: [
    { group: 'community members', count: 42 },
    { group: 'facility staff', count: 7 },
  ],
  topIssues: [
    { issue: 'Long wait', votes: 25 },
    { issue: 'Rude staff at the gate', votes: 11 },
  ],
  actions: [
    { title: 'Second triage nurse on Mondays', owner: 'Facility in-charge', dueDate: '2026-09-30' },
    { title: 'Queue numbers at the gate', owner: 'Clinic committee', dueDate: '2026-12-01', status: 'in_progress' },
  ],
};

/**
 * Follow-up cases for the reports that named a concern (the conversation that opens them is
 * not in this version, so they are opened here as it would), one acknowledged and acted on.
 * Returns that one's reference.
 */
async function openSomeCases(t: TestService, token: string): Promise<string> {
  const opened: string[] = [];
  for await (const response of t.storage.responses.stream({ status: 'complete' })) {
    const version = await t.storage.questionnaires.getVersion(response.questionnaireId, response.questionnaireVersion);
    const result = await openCaseForReport(t.service.cases, { response, definition: version!.definition, consent: false, e164: null });
    if (result.kind === 'opened') opened.push(result.case.reference);
    if (opened.length === 8) break;
  }
  if (opened.length === 0) throw new Error('no report named a concern: no case to photograph');
  const reference = opened[0]!;
  await api(t, token).post(`/api/v1/cases/${reference}/actions`, { type: 'acknowledge' });
  t.clock.advance(3_600_000);
  await api(t, token).post(`/api/v1/cases/${reference}/actions`, { type: 'action_taken', action: 'extra_staff', note: 'A second nurse now triages on Mondays' });
  return reference;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
