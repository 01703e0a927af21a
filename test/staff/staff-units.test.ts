import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from '../../src/http/staff/html.js';
import { diffQuestionnaires } from '../../src/app/questionnaires/questionnaire-diff.js';
import { editorKeys, readEditorForm } from '../../src/http/staff/pages/questionnaires.js';
import { readFacilityForm } from '../../src/http/staff/pages/facilities.js';
import { safeNext } from '../../src/http/staff/layout.js';
import { parseCookies } from '../../src/http/staff/auth.js';
import { lineChart } from '../../src/http/staff/charts.js';

describe('html template', () => {
  it('escapes every interpolated value, including nested arrays, and passes only its own fragments', () => {
    const evil = `<script>alert("x")</script>&'`;
    expect(escapeHtml(evil)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    const out = html`<p title="${evil}">${evil}${[evil, html`<b>${evil}</b>`]}${null}${false}${0}</p>`.value;
    expect(out).not.toContain('<script>');
    expect(out).toBe(`<p title="${escapeHtml(evil)}">${escapeHtml(evil)}${escapeHtml(evil)}<b>${escapeHtml(evil)}</b>0</p>`);
    expect(html`${raw('<hr>')}`.value).toBe('<hr>');
    // an object that merely looks like a fragment is still escaped
    expect(html`${{ value: '<i>', toString: () => '<i>' }}`.value).toBe('&lt;i&gt;');
  });

  it('escapes series names inside SVG charts', () => {
    const svg = lineChart('t', ['2026-10-01', '2026-10-02'], [{ name: '<script>x</script>', points: [3, null] }]).value;
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;x&lt;/script&gt;');
  });
});

describe('questionnaire diff', () => {
  const def = (over: object = {}) => ({
    id: 'clinic',
    facilityTypes: ['clinic'],
    questions: [
      { id: 'wait', type: 'choice', options: [{ code: 'short' }, { code: 'long' }] },
      { id: 'sat', type: 'rating', role: 'satisfaction' },
    ],
    ...over,
  });
  it('keys changes by question id and option code, and lists text changes per language', () => {
    const before = { definition: def(), texts: { en: { title: 'A', questions: { wait: { text: 'Wait?' } } }, sw: { title: 'B' } } };
    const after = {
      definition: def({
        questions: [
          { id: 'sat', type: 'rating', role: 'satisfaction', optional: true },
          { id: 'wait', type: 'choice', options: [{ code: 'short', positive: true }, { code: 'long' }, { code: 'none' }] },
        ],
      }),
      texts: { en: { title: 'A', questions: { wait: { text: 'How long?' } } }, zu: { title: 'C' } },
    };
    expect(diffQuestionnaires(before, after)).toEqual([
      { area: 'definition', path: 'question order', change: 'changed', before: 'wait, sat', after: 'sat, wait' },
      { area: 'definition', path: 'question "wait" option order', change: 'changed', before: 'short, long', after: 'short, long, none' },
      { area: 'definition', path: 'question "wait" option "short"', change: 'changed', before: '{}', after: '{"positive":true}' },
      { area: 'definition', path: 'question "sat" optional', change: 'added', before: null, after: 'true' },
      { area: 'definition', path: 'question "wait" option "none"', change: 'added', before: null, after: '{}' },
      { area: 'text', path: 'questions.wait.text', lang: 'en', change: 'changed', before: 'Wait?', after: 'How long?' },
      { area: 'text', path: 'title', lang: 'sw', change: 'removed', before: 'B', after: null },
      { area: 'text', path: 'title', lang: 'zu', change: 'added', before: null, after: 'C' },
    ]);
    expect(diffQuestionnaires(before, before)).toEqual([]);
  });
  it('reads drafts that are not valid at all', () => {
    expect(diffQuestionnaires({ definition: 'nonsense', texts: null }, { definition: def(), texts: { en: { title: 'x' } } }).length).toBeGreaterThan(3);
  });
});

describe('editor form', () => {
  it('reads texts per language and path, drops empty boxes and unknown fields, and keeps bad JSON to show again', () => {
    const body = {
      definition: '{"id":"clinic"}',
      't:en:title': ' Clinic ',
      't:sw:title': '   ',
      't:en:questions.wait.text': 'Wait?',
      't:en:questions.wait.options.short': 'Short',
      't:fr:title': 'Clinique',
      't:en:__proto__.x': 'no',
      't:en:questions.wait.bogus': 'no',
      _csrf: 'x',
    };
    const form = readEditorForm(body, ['en', 'sw']);
    expect(form.definition).toEqual({ id: 'clinic' });
    expect(form.texts).toEqual({ en: { title: 'Clinic', questions: { wait: { text: 'Wait?', options: { short: 'Short' } } } } });
    // how a text is said on a voice call is kept too: a save must not drop it
    expect(readEditorForm({ definition: '{}', 't:en:spoken.questions.wait.options.short': 'Less than half an hour', 't:en:spoken.bogus': 'no' }, ['en']).texts).toEqual({
      en: { spoken: { questions: { wait: { options: { short: 'Less than half an hour' } } } } },
    });
    const bad = readEditorForm({ definition: '{"id": ' }, ['en']);
    expect(bad.jsonError).toBeTruthy();
    expect(bad.definitionText).toBe('{"id": ');
  });
  it('lists the texts a definition needs, even a broken one, then any others present', () => {
    const keys = editorKeys({ questions: [{ id: 'wait', options: [{ code: 'a' }] }, { nope: 1 }] }, { en: { questions: { old: { text: 'x' } } } });
    expect(keys).toEqual(['title', 'intro', 'questions.wait.text', 'questions.wait.options.a', 'questions.old.text']);
    expect(editorKeys({ questions: [] }, { sw: { spoken: { questions: { wait: { options: { a: 'Chini ya nusu saa' } } } } } })).toEqual(['title', 'intro', 'spoken.questions.wait.options.a']);
  });
  it('reads managers from numbered rows, ignoring empty ones', () => {
    const f = readFacilityForm({
      code: ' 1001 ',
      name: 'X',
      type: 'clinic',
      district: 'R',
      active: 'on',
      m0_name: 'A',
      m0_phone: '+27820000001',
      m0_language: 'en',
      m0_role: 'district',
      m1_name: '',
      m1_phone: '',
    });
    expect(f.input).toEqual({
      code: '1001',
      name: 'X',
      type: 'clinic',
      district: 'R',
      active: true,
      managers: [{ name: 'A', phone: '+27820000001', language: 'en', role: 'district', active: true, optedOut: false }],
    });
  });
});

describe('small guards', () => {
  it('redirects after sign-in only to staff pages on this site', () => {
    expect(safeNext('/staff/questionnaires/clinic')).toBe('/staff/questionnaires/clinic');
    expect(safeNext('//evil.example/staff')).toBe('/staff');
    expect(safeNext('https://evil.example')).toBe('/staff');
    expect(safeNext('/staff/sign-out')).toBe('/staff');
    expect(safeNext('/staff\\@evil')).toBe('/staff');
  });
  it('parses cookies and ignores malformed ones', () => {
    expect(parseCookies('a=1; crc_staff=x.y; bad=%E0%A4%A')).toEqual({ a: '1', crc_staff: 'x.y' });
    expect(parseCookies(undefined)).toEqual({});
  });
});
