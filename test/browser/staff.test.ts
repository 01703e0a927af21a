import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestService, type TestService } from '../support/service.js';
import { tokenFor } from '../support/staff.js';
import { WATER_POINT } from '../support/facility-types.js';
import { reportAndOpenCase } from '../support/cases.js';
import { BROWSER_TEST_TIMEOUT, chromiumMissing, launchChromium, seen } from './chromium.js';

/**
 * The staff pages in headless Chromium against the real server: sign in, edit a draft, see
 * a validation error as you type, try the draft on the on-screen phone, publish, and watch a
 * USSD session that started before publishing finish on the old version.
 */

if (chromiumMissing) console.log(`SKIP browser tests: ${chromiumMissing}`);

describe.skipIf(Boolean(chromiumMissing))('staff pages in Chromium', { timeout: BROWSER_TEST_TIMEOUT }, () => {
  let t: TestService;
  let close: () => Promise<void>;
  let page: Page;
  let editorToken: string;
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];

  beforeAll(async () => {
    t = await startTestService();
    editorToken = await tokenFor(t, 'editor', 'Thandi');
    const launched = await launchChromium();
    close = launched.close;
    page = await launched.context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // script errors and CSP violations show up as console errors; HTTP errors are tracked by URL
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) failedRequests.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
  });
  afterAll(async () => {
    await close?.();
    await t?.stop();
  });

  it('signs in, edits a draft with live validation, tries it on the phone, publishes, and an earlier session finishes on the old version', async () => {
    // a respondent starts a clinic report before anything changes
    const early = t.phone('+254711000401');
    await early.dial();
    await early.send('1');
    await early.send('1001');
    const firstQuestion = await early.send('1');
    expect(firstQuestion.body).toContain('How long did you wait before you were helped?');

    // sign in
    const first = await page.goto(`${t.url}/staff/questionnaires/clinic`);
    expect(first!.status()).toBe(401);
    await page.getByLabel('API token').fill(editorToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${t.url}/staff/questionnaires/clinic`);
    await seen(page.getByRole('heading', { level: 1 }), /clinic/);

    // start a draft from the current version and edit it
    await page.getByRole('button', { name: 'Start draft' }).click();
    await page.waitForURL(/\/staff\/drafts\/d_[0-9a-f]{12}$/);
    await page.getByLabel('Question 1 · Wording, in English').fill('Version two: how long was your wait?');

    // clear a Kiswahili text: the error names the question and the language as one types
    const swWait = page.getByLabel('Question 1 · Wording, in Kiswahili');
    const swText = await swWait.inputValue();
    await swWait.fill('');
    await seen(page.locator('#issues'), 'Question 1 · Wording (Kiswahili): translation missing');
    await seen(page.locator('#issues-summary'), /problem\(s\) to fix/);
    await swWait.fill(swText);
    await seen(page.locator('#issues-summary'), /^No problems found: this draft can be published\.$/);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await seen(page.getByRole('status'), 'Saved.');

    // the on-screen phone runs the saved draft through the real engine as USSD
    await page.getByRole('button', { name: 'Dial' }).click();
    const screen = page.locator('#sim-screen');
    await seen(screen, '1. English');
    for (const reply of ['1', '1001', '1']) {
      await page.getByLabel('Reply').fill(reply);
      await page.getByRole('button', { name: 'Send' }).click();
      if (reply === '1001') await seen(screen, 'Riverside Clinic');
    }
    await seen(screen, /^Version two: how long was your wait\?/); // as the phone shows it: no CON prefix
    expect(await t.storage.responses.get('R000000002')).toBeNull(); // the simulator recorded nothing

    // publish, with confirmation showing the change
    await page.getByRole('link', { name: 'Publish…' }).click();
    await seen(page.getByRole('heading', { level: 1 }), /^Publish clinic version 2\?$/);
    await seen(page.locator('table.diff'), 'Version two: how long was your wait?');
    await page.getByRole('button', { name: 'Publish version 2' }).click();
    await page.waitForURL(`${t.url}/staff/questionnaires/clinic?published=2`);
    await seen(page.getByRole('status').first(), 'Published version 2');
    await seen(page.locator('table').first(), 'published (current)');
    // what the editor does not show as a question's wording (how texts are said on a voice call) is kept
    const [v1, v2] = await Promise.all([t.storage.questionnaires.getVersion('clinic', 1), t.storage.questionnaires.getVersion('clinic', 2)]);
    for (const lang of ['en', 'sw', 'zu']) expect(v2!.texts[lang]!.spoken, lang).toEqual(v1!.texts[lang]!.spoken);
    expect(v1!.texts.en!.spoken?.questions?.wait?.options?.lt30m).toBe('Under 30 minutes');

    // the session started before publishing finishes on version 1
    let last = firstQuestion;
    for (const input of ['2', '4', '1', '5', '1', '98', '1', '00', '2']) last = await early.send(input);
    expect(last.body).toMatch(/^END Thank you/);
    const earlyResponse = await t.storage.responses.get('R000000001');
    expect(earlyResponse).toMatchObject({ status: 'complete', questionnaireVersion: 1 });

    // and a new session meets version 2
    const late = t.phone('+254711000402');
    await late.dial();
    await late.send('1');
    await late.send('1001');
    expect((await late.send('1')).body).toContain('Version two: how long was your wait?');

    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
    // only the page asked for before signing in was refused (and the browser's favicon guess)
    expect(failedRequests.filter((r) => r !== '404 /favicon.ico')).toEqual(['401 /staff/questionnaires/clinic']);
  });

  it('shows script in a questionnaire text as text and never runs it', async () => {
    const api = (path: string, init: RequestInit = {}) =>
      fetch(t.url + path, { ...init, headers: { authorization: `Bearer ${editorToken}`, 'content-type': 'application/json' } }).then((r) => r.json());
    const draft = await api('/api/v1/drafts', { method: 'POST', body: JSON.stringify({ questionnaireId: 'police' }) });
    draft.texts.en.title = '<script>alert("boom")</script><img src=x onerror="alert(2)">';
    await api(`/api/v1/drafts/${draft.id}`, { method: 'PUT', body: JSON.stringify({ definition: draft.definition, texts: draft.texts, revision: draft.revision }) });
    await page.goto(`${t.url}/staff/drafts/${draft.id}`);
    expect(await page.getByLabel('Title, in English').inputValue()).toBe('<script>alert("boom")</script><img src=x onerror="alert(2)">');
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  });

  it('imports facilities with a dry run first, from a file', async () => {
    await page.goto(`${t.url}/staff/facilities`);
    const csv =
      'code,name,type,district,manager_name,manager_phone,manager_language,manager_role\n6001,Bay Clinic,clinic,Riverside,Gia Moyo,+27820006001,en,facility\n6002,Cove Clinic,clinic,Mars,Hal Moyo,12345,en,facility\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'facilities.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Check and import' }).click();
    const result = page.locator('#import-result');
    await seen(result, 'Nothing was imported');
    await seen(result.locator('table'), '"Mars" is not a known district');
    await seen(result.locator('table'), 'manager_phone');
    const good = `${csv.split('\n').slice(0, 2).join('\n')}\n`;
    await page.getByLabel('CSV file').setInputFiles({ name: 'facilities.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByRole('button', { name: 'Check and import' }).click();
    await seen(result, 'Dry run: nothing was written. 1 rows, 1 facilities: 1 new, 0 updated.');
    expect(await t.storage.facilities.findByCode('6001')).toBeNull();
    const before = (await t.storage.facilities.list()).length;
    await seen(page.locator('#facility-list caption'), new RegExp(`^${before} facilities`));
    await page.getByLabel('Dry run: check only, write nothing').uncheck();
    await page.getByRole('button', { name: 'Check and import' }).click();
    await seen(result, 'Imported.');
    expect((await t.storage.facilities.findByCode('6001'))?.name).toBe('Bay Clinic');
    // the list and its count refresh without a reload
    await seen(page.locator('#facility-list caption'), new RegExp(`^${before + 1} facilities`));
    await seen(page.locator('#facility-list'), 'Bay Clinic');
    await seen(result, 'Imported.');
  });

  it('labels every form control and keeps one h1 per page, on every page', async () => {
    const draft = await fetch(`${t.url}/api/v1/drafts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${editorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ questionnaireId: 'clinic' }),
    }).then((r) => r.json());
    const pages = [
      '/staff',
      '/staff/questionnaires',
      '/staff/questionnaires/clinic',
      '/staff/questionnaires/clinic/versions/1',
      `/staff/drafts/${draft.id}`,
      `/staff/drafts/${draft.id}/publish`,
      '/staff/languages',
      '/staff/facilities',
      '/staff/facilities/new',
      '/staff/facilities/1001',
      '/staff/facility-types',
      '/staff/facility-types/clinic',
      '/staff/responses',
      '/staff/audit',
      '/staff/scorecards',
      '/staff/scorecards/send',
      '/staff/scorecards/history',
    ];
    for (const path of pages) {
      const res = await page.goto(t.url + path);
      expect(res!.status(), path).toBe(200);
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
          .filter((el) => {
            const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
            return !(labelled || (el.tagName === 'BUTTON' && el.textContent!.trim()));
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unlabelled, path).toEqual([]);
      expect(await page.locator('h1').count(), path).toBe(1);
    }
    // the editor works from the keyboard alone: tab to a text box, type, and the checks follow
    await page.goto(`${t.url}/staff/drafts/${draft.id}`);
    await page.getByLabel('Title, in isiZulu').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await seen(page.locator('#issues'), 'Title (isiZulu): translation missing');
  });

  it('changes questions with buttons, keeping what was typed, and shows the new texts to translate', async () => {
    const draft = await fetch(`${t.url}/api/v1/drafts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${editorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ questionnaireId: 'social_grant' }),
    }).then((r) => r.json());
    await page.goto(`${t.url}/staff/drafts/${draft.id}`);
    await page.getByLabel('Title, in English').fill('Grant office report card (typed, not yet saved)');
    await page.getByLabel('Question id').fill('feedback');
    await page.getByLabel('Type', { exact: true }).selectOption('text');
    await page.getByRole('button', { name: 'Add this question' }).click();
    // a ninth question is kept in the draft but named as the problem
    await seen(page.locator('#issues'), 'questions: a report card has at most 8 questions');
    expect(await page.getByLabel('Title, in English').inputValue()).toBe('Grant office report card (typed, not yet saved)');
    await page.getByRole('button', { name: 'Remove Question 8 (age)' }).click();
    await seen(page.getByRole('status'), 'Saved.');
    expect(await page.locator('textarea[data-path="questions.age.text"]').count()).toBe(0);
    expect(await page.locator('#issues').textContent()).not.toContain('at most 8');
    for (const name of ['English', 'Kiswahili', 'isiZulu']) await seen(page.locator('#issues'), `Question 8 · Wording (${name}): translation missing`);
    expect(await page.getByLabel('Title, in English').inputValue()).toBe('Grant office report card (typed, not yet saved)');
    await page.getByLabel('Question 8 · Wording, in English').fill('Anything else to tell us?');
    await page.getByLabel('Question 8 · Wording, in Kiswahili').fill('Kuna jambo lingine?');
    await page.getByLabel('Question 8 · Wording, in isiZulu').fill('Kukhona okunye ongasitshela khona?');
    await seen(page.locator('#issues-summary'), /^No problems found/);
    await page.getByRole('button', { name: 'Move Question 8 (feedback) up' }).click();
    await seen(page.getByRole('status'), 'Saved.');
    const saved = await t.storage.drafts.get(draft.id);
    expect((saved!.definition as { questions: Array<{ id: string }> }).questions.map((q) => q.id)).toEqual(['visits', 'wait', 'staff', 'satisfaction', 'problem', 'recommend', 'feedback', 'gender']);
    expect((saved!.texts as Record<string, { title: string; questions: Record<string, unknown> }>).en!.title).toBe('Grant office report card (typed, not yet saved)');
    expect((saved!.texts as Record<string, { questions: Record<string, unknown> }>).sw!.questions.age).toBeUndefined();

    // options too: moved and removed with their own buttons, named by their wording; a removed option's texts go with it
    await page.getByRole('button', { name: "Move Option 'Other' of Question 8 (gender) up" }).click();
    await seen(page.getByRole('status'), 'Saved.');
    await seen(page.locator('table.questions tr', { hasText: 'gender' }).locator('ol.options'), /A woman.*Other.*A man/s);
    await page.getByRole('button', { name: "Remove Option 'Papers refused' from Question 5 (problem)" }).click();
    await seen(page.getByRole('status'), 'Saved.');
    expect(await page.getByRole('button', { name: /Remove Option 'Papers refused'/ }).count()).toBe(0);
    expect(await page.locator('textarea[data-path="questions.problem.options.documents"]').count()).toBe(0);
    const reordered = await t.storage.drafts.get(draft.id);
    const questions = (reordered!.definition as { questions: Array<{ id: string; options?: Array<{ code: string }> }> }).questions;
    expect(questions.find((q) => q.id === 'gender')!.options!.map((o) => o.code)).toEqual(['woman', 'other', 'man']);
    expect(questions.find((q) => q.id === 'problem')!.options!.map((o) => o.code)).not.toContain('documents');
    expect((reordered!.texts as Record<string, { questions: Record<string, { options: Record<string, string> }> }>).zu!.questions.problem!.options.documents).toBeUndefined();
    expect(await page.getByLabel('Title, in English').inputValue()).toBe('Grant office report card (typed, not yet saved)');
  });

  it('shows the question list in the chosen language as typed, and a text box grows with its text', async () => {
    // a kind of service staff added, to choose below
    const added = await fetch(`${t.url}/api/v1/facility-types`, {
      method: 'POST',
      headers: { authorization: `Bearer ${editorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(WATER_POINT),
    });
    expect(added.status).toBe(201);
    const draft = await fetch(`${t.url}/api/v1/drafts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${editorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ questionnaireId: 'clinic' }),
    }).then((r) => r.json());
    await page.goto(`${t.url}/staff/drafts/${draft.id}`);
    const wording = page.locator('[data-wording="questions.wait.options.lt30m"]');
    await seen(wording, 'Under 30 min');
    await page.getByLabel('Show the questions in').selectOption('zu');
    await seen(wording, 'Ngaphansi kwemiz 30');
    expect(page.url()).toMatch(/\?lang=zu$/);
    const box = page.getByLabel("Question 1 · Option 'Under 30 min', in isiZulu", { exact: true });
    const before = (await box.boundingBox())!.height;
    await box.fill(`Ngaphansi kwemizuzu engu-30 ${'futhi kuningi okunye okubhaliwe lapha '.repeat(5)}`);
    await seen(wording, /^Ngaphansi kwemizuzu engu-30 futhi/);
    expect((await box.boundingBox())!.height).toBeGreaterThan(before * 1.8);

    // the facility types it serves are chosen among the stored ones, not in the JSON, and saved with the draft; the typed text is kept
    await page.getByRole('checkbox', { name: /^Water point/ }).check();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await seen(page.getByRole('status'), 'Saved.');
    const saved = await t.storage.drafts.get(draft.id);
    expect((saved!.definition as { facilityTypes: string[] }).facilityTypes).toEqual(['clinic', 'water_point']);
    expect((saved!.texts as Record<string, { questions: Record<string, { options: Record<string, string> }> }>).zu!.questions.wait!.options.lt30m).toMatch(/^Ngaphansi kwemizuzu engu-30 futhi/);
    expect(page.url()).toMatch(/lang=zu/);
    expect(consoleErrors).toEqual([]);
  });

  it("shows a phone's width of cases in words: each reference on one line, each concern on screen", async () => {
    for (const [id, satisfaction] of [
      ['K7M3P9QXAB', 1],
      ['AB12CD34EF', 2],
    ] as const) {
      expect((await reportAndOpenCase(t, { id, facilityCode: '1001', answers: { wait: 'm30_1h', satisfaction, problem: 'long_wait' } })).kind).toBe('opened');
    }
    await page.setViewportSize({ width: 360, height: 780 });
    try {
      await page.goto(`${t.url}/staff/cases`);
      const reference = page.getByRole('link', { name: 'K7M3-P9QX-AB' });
      const lineHeight = await reference.evaluate((a) => Number.parseFloat(getComputedStyle(a).lineHeight) || Number.parseFloat(getComputedStyle(a).fontSize) * 1.5);
      expect((await reference.boundingBox())!.height).toBeLessThan(lineHeight * 1.5);
      const concern = page.getByText('What was the main problem today? Long wait').first();
      await seen(concern, 'Long wait');
      const box = (await concern.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(360);
      await reference.click();
      await seen(page.getByRole('heading', { level: 1 }), 'Case K7M3-P9QX-AB');
      await seen(page.locator('table.answers'), /How long did you wait before you were helped\?\s*30 min to 1 hour/);
      await seen(page.locator('table.answers'), /Overall, how was your visit\?\s*Very bad/);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      // the other lists whose last columns matter are cards too: a facility's button, a type's live questionnaire
      for (const [path, last] of [
        ['/staff/facilities', page.getByRole('button', { name: 'Deactivate Riverside Clinic' })],
        ['/staff/facility-types', page.locator('td[data-label="Live questionnaire"]').first()],
        ['/staff/questionnaires', page.locator('td[data-label="Drafts"]').first()],
      ] as const) {
        await page.goto(`${t.url}${path}`);
        const at = (await last.boundingBox())!;
        expect(at.x + at.width, path).toBeLessThanOrEqual(360);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    expect(consoleErrors).toEqual([]);
  });

  it('brings a questionnaire made in another tool as a new draft, saying what it could not keep', async () => {
    await page.goto(`${t.url}/staff/questionnaires`);
    await page.getByLabel("Questionnaire id (as in the file's form_id)").fill('water');
    await page.getByLabel('What are you uploading?').selectOption('xlsform');
    await page.getByLabel('File', { exact: true }).setInputFiles(join(import.meta.dirname, '..', 'fixtures', 'xlsform', 'water-point.xlsx'));
    await page.getByRole('button', { name: 'Upload' }).click();
    const result = page.locator('#upload-result');
    await seen(result, 'Imported as a new draft.');
    await seen(result, 'Read but not kept:');
    await seen(result, /hints were not imported \(survey row 5 \(English\)\)/);
    await page.getByRole('link', { name: 'Open the draft' }).click();
    await seen(page.getByRole('heading', { level: 1 }), 'Draft of water');
    expect(await page.getByLabel("Question 3 · Option 'Broken tap', in Kiswahili").inputValue()).toBe('Bomba limeharibika');
    expect(consoleErrors).toEqual([]);
  });
});
