import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestService, type TestService } from '../support/service.js';
import { tokenFor } from '../support/staff.js';
import { BROWSER_TEST_TIMEOUT, chromiumMissing, launchChromium, seen } from './chromium.js';

/**
 * Issue 13's editor test, as a programme officer who is not a developer goes through it in
 * Chromium: (1) a questionnaire for a new kind of service (the type added first, on its page,
 * and a facility of it), (2) a question with options added with buttons, (3) a too-long
 * option fixed where the checks point, (4) simulated on the on-screen phone, (5) published,
 * (6) dialled over USSD from a facility of that type, exactly as Africa's Talking posts it.
 * Each page is photographed at desktop and 360 px width (SHOTS_DIR, else a temporary folder).
 */

const SHOTS = process.env.SHOTS_DIR ?? join(tmpdir(), 'crc-new-service-shots');

if (chromiumMissing) console.log(`SKIP browser tests: ${chromiumMissing}`);

describe.skipIf(Boolean(chromiumMissing))('a new kind of service, from its type to a USSD report', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  let t: TestService;
  let close: () => Promise<void>;
  let page: Page;
  let token: string;
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  let shot = 0;

  /** The page as it is now, at desktop width and at a phone's 360 px, whole. */
  async function photograph(name: string) {
    const n = String(++shot).padStart(2, '0');
    await page.screenshot({ path: join(SHOTS, `${n}-${name}.png`), fullPage: true });
    const desktop = page.viewportSize()!;
    await page.setViewportSize({ width: 360, height: 780 });
    await page.screenshot({ path: join(SHOTS, `${n}-${name}-360.png`), fullPage: true });
    await page.setViewportSize(desktop);
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestService();
    token = await tokenFor(t, 'editor', 'Thandi');
    const launched = await launchChromium();
    close = launched.close;
    page = await launched.context.newPage();
    // a control that is not there fails the step in seconds, naming it, instead of at the test's time-out
    page.setDefaultTimeout(8000);
    page.on('dialog', (d) => void d.dismiss());
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) failedRequests.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
  });
  afterAll(async () => {
    console.log(`new-service screenshots: ${SHOTS}`);
    await close?.();
    await t?.stop();
  });

  it('adds the type and a facility, builds, fixes, simulates and publishes a questionnaire, and a citizen reports on it by USSD', async () => {
    // sign in and find the facility types page from the navigation
    await page.goto(`${t.url}/staff`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${t.url}/staff`);
    await page.getByRole('link', { name: 'Facility types' }).click();
    await seen(page.getByRole('heading', { level: 1 }), 'Facility types');

    // (1) the new kind of service, with its name in every language; a missing language is named
    await page.getByLabel(/^Code/).fill('water_point');
    await page.getByLabel('Name (one), in English').fill('Water point');
    await page.getByLabel('Several, as a sentence says them, in English').fill('water points');
    await page.getByLabel('Name (one), in Kiswahili').fill('Kituo cha maji');
    await page.getByLabel('Several, as a sentence says them, in Kiswahili').fill('vituo vya maji');
    await page.getByRole('button', { name: 'Add facility type' }).click();
    await seen(page.getByRole('alert'), 'the name in isiZulu (zu) is missing');
    expect(await page.getByLabel('Name (one), in Kiswahili').inputValue()).toBe('Kituo cha maji');
    await photograph('type-missing-language');
    await page.getByLabel('Name (one), in isiZulu').fill('Indawo yamanzi');
    await page.getByLabel('Several, as a sentence says them, in isiZulu').fill('izindawo zamanzi');
    await page.getByRole('button', { name: 'Add facility type' }).click();
    await seen(page.getByRole('status'), 'Added facility type water_point');
    await seen(page.locator('table'), /Water point.*none yet/s);
    await photograph('type-added');

    // a facility of that type, before any questionnaire serves it: the page says it cannot be dialled yet
    await page.getByRole('link', { name: 'add a facility of this type' }).click();
    await seen(page.getByRole('heading', { level: 1 }), 'Add a facility');
    expect(await page.getByLabel('Type (kind of service)').inputValue()).toBe('water_point');
    await seen(page.locator('#f-type-note'), /No live questionnaire serves Water point \(water_point\) yet/);
    await page.getByLabel(/^Code \(3 to 8 digits/).fill('9001');
    await page.getByLabel('Name', { exact: true }).fill('Riverside Borehole');
    await page.getByLabel('District').selectOption('Riverside');
    await photograph('facility-form-new-type');
    await page.getByRole('button', { name: 'Add facility' }).click();
    await seen(page.getByRole('status'), 'No live questionnaire serves its type (Water point) yet: citizens who dial 9001 are told there is no survey for it');
    await seen(page.locator('#facility-list'), /Riverside Borehole\s*Water point/);
    await photograph('facility-saved-not-dialable');

    // a questionnaire for it: the start form asks for the kind(s) of service
    await page.getByRole('link', { name: 'Questionnaires' }).click();
    await page.getByLabel(/^Questionnaire id \(lower-case/).fill('water');
    await page.getByRole('button', { name: 'Start draft' }).click();
    await seen(page.getByRole('alert'), 'Not started: choose which kind(s) of service the new questionnaire serves');
    await photograph('questionnaire-start');
    await page.getByRole('checkbox', { name: /^Water point/ }).check();
    await page.getByRole('button', { name: 'Start draft' }).click();
    await page.waitForURL(/\/staff\/drafts\/d_[0-9a-f]{12}$/);
    await seen(page.getByRole('heading', { level: 1 }), 'Draft of water');
    expect(await page.getByRole('checkbox', { name: /^Water point/ }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: /^Clinic/ }).isChecked()).toBe(false);

    // (2) a question with options, through buttons: two options with the question, a third with its own button
    await page.getByLabel('Question id (letters, digits and _)').fill('source');
    await page.getByLabel('Type', { exact: true }).selectOption('choice');
    await page.getByLabel(/^Option codes/).fill('tap, borehole');
    await page.getByRole('button', { name: 'Add this question' }).click();
    await seen(page.getByRole('status'), 'Saved.');
    await page.getByLabel('New option code for Question 2 (source)').fill('river');
    await page.getByRole('button', { name: 'Add the new option to Question 2 (source)' }).click();
    await seen(page.getByRole('status'), 'Saved.');
    await seen(page.locator('table.questions'), /tap.*borehole.*river/s);

    // the texts, in every language, in the boxes labelled by what they are
    const texts: Record<string, Record<string, string>> = {
      English: {
        Title: 'Water point report card',
        Introduction: 'Rate the water point {facility}. It is free.',
        'Question 1 · Wording': 'How satisfied are you with the water point?',
        'Question 2 · Wording': 'Where else do you get water?',
        "Question 2 · Option 'tap'": 'A tap at home',
        "Question 2 · Option 'borehole'": 'Another borehole',
        "Question 2 · Option 'river'": 'A river or dam',
      },
      Kiswahili: {
        Title: 'Kadi ya ripoti ya kituo cha maji',
        Introduction: 'Pima kituo cha maji {facility}. Ni bure.',
        'Question 1 · Wording': 'Umeridhika kiasi gani na kituo cha maji?',
        'Question 2 · Wording': 'Unapata maji wapi kwingine?',
        "Question 2 · Option 'tap'": 'Bomba nyumbani',
        "Question 2 · Option 'borehole'": 'Kisima kingine',
        "Question 2 · Option 'river'": 'Mto au bwawa',
      },
      isiZulu: {
        Title: 'Ikhadi lombiko lendawo yamanzi',
        Introduction: 'Linganisa indawo yamanzi {facility}. Mahhala.',
        'Question 1 · Wording': 'Wanelise kangakanani ngendawo yamanzi?',
        'Question 2 · Wording': 'Uwathola kuphi amanye amanzi?',
        "Question 2 · Option 'tap'": 'Umpompi ekhaya',
        "Question 2 · Option 'borehole'": 'Omunye umthombo',
        // (3) too long for one USSD screen: the checks will point at it
        "Question 2 · Option 'river'": `Umfula noma idamu ${'elikude kakhulu nekhaya lami '.repeat(6)}`.trim(),
      },
    };
    for (const [language, byLabel] of Object.entries(texts)) for (const [label, text] of Object.entries(byLabel)) await page.getByLabel(`${label}, in ${language}`).fill(text);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await seen(page.getByRole('status'), 'Saved.');

    // (3) the checks name the option, its language and by how much it is over; fixing it there clears them
    const issues = page.locator('#issues');
    await seen(issues, /^Question 2 · Option 'A river or dam' \(isiZulu\): the screen is \d+ characters? over 182/);
    expect(await issues.locator('li').count()).toBe(1);
    await photograph('draft-too-long-option');
    const over = Number(
      /over (\d+)|(\d+) characters? over/
        .exec((await issues.textContent())!)!
        .slice(1)
        .find(Boolean),
    );
    expect(over).toBeGreaterThan(0);
    await page.getByLabel("Question 2 · Option 'A river or dam', in isiZulu").fill('Umfula noma idamu');
    await seen(page.locator('#issues-summary'), /^No problems found: this draft can be published\.$/);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await seen(page.getByRole('status'), 'Saved.');
    await seen(page.locator('#issues-summary'), /^No problems found/);

    // (4) the on-screen phone: dial, English, the new facility's code, the questions as a phone shows them
    await page.getByRole('button', { name: 'Dial' }).click();
    const screen = page.locator('#sim-screen');
    await seen(screen, '1. English');
    const reply = async (input: string) => {
      await page.getByLabel('Reply').fill(input);
      await page.getByRole('button', { name: 'Send' }).click();
    };
    await reply('1');
    await seen(screen, /facility/i);
    await reply('9001');
    await seen(screen, 'Riverside Borehole');
    await reply('1');
    await seen(screen, /^How satisfied are you with the water point\?/);
    await reply('4');
    // what the phone would store, in words
    await seen(page.locator('#sim-status'), 'Recorded: Question 1: Good');
    await seen(screen, /^Where else do you get water\?\n1\. A tap at home\n2\. Another borehole\n3\. A river or dam/);
    await photograph('draft-simulated');
    await reply('3');
    await seen(page.locator('#sim-end'), 'Last screen');
    expect(await screen.textContent()).not.toMatch(/^(CON|END) /);
    expect(await t.storage.responses.get('R000000001')).toBeNull(); // the simulator recorded nothing

    // (5) publish: the confirmation, then the questionnaire's page; the type page now names it
    await page.getByRole('link', { name: 'Publish…' }).click();
    await seen(page.getByRole('heading', { level: 1 }), /^Publish water version 1\?$/);
    await seen(page.locator('main'), 'This will be the first published version.');
    await photograph('publish-confirm');
    await page.getByRole('button', { name: 'Publish version 1' }).click();
    await page.waitForURL(`${t.url}/staff/questionnaires/water?published=1`);
    await seen(page.getByRole('status').first(), 'Published version 1');
    await photograph('published');
    await page.goto(`${t.url}/staff/facility-types`);
    await seen(page.locator('table'), /Water point.*water v1/s);

    // (6) a citizen dials from the borehole over USSD, as Africa's Talking posts it
    const citizen = t.phone('+254711000777');
    expect((await citizen.dial()).body).toMatch(/^CON .*1\. English/s);
    await citizen.send('1');
    expect((await citizen.send('9001')).body).toContain('Riverside Borehole');
    expect((await citizen.send('1')).body).toBe('CON How satisfied are you with the water point?\n1. Very bad\n2. Bad\n3. OK\n4. Good\n5. Very good');
    expect((await citizen.send('5')).body).toMatch(/^CON Where else do you get water\?\n1\. A tap at home\n2\. Another borehole\n3\. A river or dam/);
    expect((await citizen.send('2')).body).toMatch(/^END /);
    const reports = [];
    for await (const r of t.storage.responses.stream({ questionnaireId: 'water' })) reports.push(r);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ status: 'complete', facilityCode: '9001', facilityType: 'water_point', questionnaireVersion: 1, language: 'en' });
    expect(reports[0]!.answers.map((a) => [a.questionId, a.value])).toEqual([
      ['satisfaction', 5],
      ['source', 'borehole'],
    ]);

    expect(consoleErrors).toEqual([]);
    // refused on purpose: the console before signing in, the type without its isiZulu names, the questionnaire without a kind of service
    expect(failedRequests.filter((r) => r !== '404 /favicon.ico')).toEqual(['401 /staff', '400 /staff/facility-types', '400 /staff/questionnaires']);
  });
});
