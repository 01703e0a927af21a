import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUESTION_TYPES } from '../../src/engine/question-types/registry.js';
import { startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';

/** The draft editor page as a programme officer sees it, over the real server. */

let t: TestService;
let editor: string;
let draftId: string;
beforeAll(async () => {
  t = await startTestService();
  editor = await tokenFor(t, 'editor');
  draftId = (await api(t, editor).post('/api/v1/drafts', { questionnaireId: 'clinic' })).json.id;
});
afterAll(() => t.stop());

const rowHeaders = (page: string) => [...page.matchAll(/<th scope="row" data-key="([^"]+)">([^<]*)<\/th>/g)].map((m) => ({ key: m[1]!, label: m[2]! }));
const unentity = (s: string) =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe('the draft editor page', () => {
  it('labels every text by what it is, never by its key', async () => {
    const page = (await api(t, editor).get(`/staff/drafts/${draftId}`)).text;
    const rows = rowHeaders(page);
    expect(rows.length).toBeGreaterThan(20);
    const byKey = new Map(rows.map((r) => [r.key, unentity(r.label)]));
    expect(byKey.get('questions.wait.options.lt30m')).toBe("Question 1 · Option 'Under 30 min'");
    expect(byKey.get('questions.staff.text')).toBe('Question 2 · Wording');
    for (const r of rows) expect(r.label).not.toMatch(/questions\.|options\./);
    expect(unentity(page)).toContain('<label class="visually-hidden" for="t-zu-questions-wait-options-lt30m">Question 1 · Option \'Under 30 min\', in isiZulu</label>');
  });

  it('gives a long text a box tall enough for it, and has one save button', async () => {
    const draft = (await api(t, editor).get(`/api/v1/drafts/${draftId}`)).json;
    const texts = structuredClone(draft.texts);
    texts.en.intro = `${'A longer introduction that runs over several lines of the box. '.repeat(4)}{facility}`;
    const saved = await api(t, editor).put(`/api/v1/drafts/${draftId}`, { definition: draft.definition, texts, revision: draft.revision });
    expect(saved.status).toBe(200);
    const page = (await api(t, editor).get(`/staff/drafts/${draftId}`)).text;
    const rows = Number(/<textarea id="t-en-intro"[^>]* rows="(\d+)"/.exec(page)![1]);
    expect(rows).toBeGreaterThanOrEqual(7);
    expect(Number(/<textarea id="t-en-questions-staff-text"[^>]* rows="(\d+)"/.exec(page)![1])).toBeLessThan(rows);
    // one visible save button (the hidden default button only catches Enter in a one-line box)
    const saveButtons = [...page.matchAll(/<button type="submit"([^>]*)>([^<]*)<\/button>/g)].filter((m) => /save/i.test(m[2]!));
    expect(saveButtons.map((m) => m[2])).toEqual(['Save', 'Save draft']);
    expect(saveButtons[0]![1]).toContain('class="implicit-submit"');
    expect(saveButtons[0]![1]).toContain('aria-hidden="true"');
  });

  it('shows the question list in the chosen language, and keeps that language after a save', async () => {
    const sw = (await api(t, editor).get(`/staff/drafts/${draftId}?lang=sw`)).text;
    expect(sw).toContain('<option value="sw" selected>Kiswahili</option>');
    expect(sw).toContain('<span class="wording" data-wording="questions.wait.text" lang="sw">Ulisubiri kwa muda gani kabla ya kuhudumiwa?</span>');
    expect(sw).toContain('<span class="wording" data-wording="questions.wait.options.lt30m" lang="sw">Chini ya dak 30</span>');
    const en = (await api(t, editor).get(`/staff/drafts/${draftId}`)).text;
    expect(en).toContain('<span class="wording" data-wording="questions.wait.options.lt30m" lang="en">Under 30 min</span>');
    expect((await api(t, editor).get(`/staff/drafts/${draftId}?lang=xx`)).text).toContain('<option value="en" selected>English</option>');

    const draft = (await api(t, editor).get(`/api/v1/drafts/${draftId}`)).json;
    const form = new URLSearchParams({ revision: String(draft.revision), definition: JSON.stringify(draft.definition), shown_lang: 'sw', op: 'option-down:wait/lt30m' });
    for (const [lang, tx] of Object.entries(draft.texts as Record<string, { title: string; intro: string; questions: Record<string, { text: string; options?: Record<string, string> }> }>)) {
      form.set(`t:${lang}:title`, tx.title);
      form.set(`t:${lang}:intro`, tx.intro);
      for (const [id, q] of Object.entries(tx.questions)) {
        form.set(`t:${lang}:questions.${id}.text`, q.text);
        for (const [code, label] of Object.entries(q.options ?? {})) form.set(`t:${lang}:questions.${id}.options.${code}`, label);
      }
    }
    const res = await fetch(`${t.url}/staff/drafts/${draftId}/structure`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: `Bearer ${editor}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/staff/drafts/${draftId}?saved=1&lang=sw#questions-h`);
    const moved = (await api(t, editor).get(`/api/v1/drafts/${draftId}`)).json;
    expect(moved.definition.questions[0].options.map((o: { code: string }) => o.code).slice(0, 2)).toEqual(['m30_1h', 'lt30m']);
  });

  it('offers exactly the question types the engine registers, by their names', async () => {
    const page = (await api(t, editor).get(`/staff/drafts/${draftId}`)).text;
    const select = /<select id="new-type" name="new_type">(.*?)<\/select>/s.exec(page)![1]!;
    const offered = [...select.matchAll(/<option value="([^"]+)">([^<]+)<\/option>/g)].map((m) => [m[1], unentity(m[2]!)]);
    expect(offered).toEqual(QUESTION_TYPES.map((q) => [q.type, q.label]));
  });
});
