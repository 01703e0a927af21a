import type { Request, Response } from 'express';
import { z } from 'zod';
import { QuestionnaireDefinition } from '../../../engine/definition.js';
import { requiredQuestionnaireKeys } from '../../../engine/texts.js';
import { actorName, hasRole } from '../auth.js';
import type { StaffContext } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { auditSentence } from '../../../app/staff/audit.js';
import { csrfField, fmtDate, notice, notFoundPage, page } from '../layout.js';
import type { StaffRegistry } from '../registry.js';
import {
  deleteDraft,
  listQuestionnaires,
  previewPublish,
  publishDraft,
  retireEffect,
  retireVersion,
  saveDraft,
  startDraft,
  validateDraft,
} from '../../../app/questionnaires/questionnaire-lifecycle.js';
import { diffQuestionnaires, flattenTexts, readableDiff, type ReadableChange } from '../../../app/questionnaires/questionnaire-diff.js';
import type { ValidationIssue } from '../../../app/questionnaires/validate-questionnaire.js';
import { facilityTypeIssues } from '../../../app/questionnaires/publish-questionnaire.js';
import { applyStructureEdit, readStructureEdit, type StructureEdit } from '../../../app/questionnaires/edit-draft-structure.js';
import { optionLabel, questionLabel, textIn, textKeyLabel } from '../../../app/questionnaires/text-labels.js';
import { QUESTION_TYPES } from '../../../engine/question-types/registry.js';
import type { Draft } from '../../../storage/staff-ports.js';
import type { QuestionnaireVersion } from '../../../storage/ports.js';
import { IDENTIFIER, IDENTIFIER_PATTERN } from '../../../engine/codes.js';
import { FacilityTypeCode, facilityTypeUses, type FacilityTypeUse } from '../../../app/facilities/facility-types.js';

/** A form field that may be sent once or many times (checkboxes of one name), as a list of trimmed, non-empty values. */
export function formList(body: Record<string, unknown>, name: string): string[] {
  const value = body[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Questionnaire pages: list, one questionnaire's versions, draft editor with phone, publish, retire, diff. */

const IdParam = z.string().regex(IDENTIFIER);
const VersionParam = z.coerce.number().int().min(1);
const DraftIdParam = z.string().regex(/^d_[0-9a-f]{12}$/);
/** A text the editor shows and saves; `spoken.` ones are how a text is said on a voice call (kept, or they would be lost on save). */
const TEXT_PATH = new RegExp(`^(spoken\\.)?(title|intro|questions\\.${IDENTIFIER_PATTERN}\\.(text|options\\.${IDENTIFIER_PATTERN}))$`);

/** "Question 2 · Option 'Under 30 min' (isiZulu): the screen is 14 characters over 182". */
function issueList(issues: ValidationIssue[], languageName: (lang: string) => string): SafeHtml {
  return html`${issues.map((i) => html`<li>${i.where}${i.lang ? ` (${languageName(i.lang)})` : ''}: ${i.message}</li>`)}`;
}

function statusOf(v: QuestionnaireVersion, current: QuestionnaireVersion | null): string {
  if (v.status === 'published') return current && current.version === v.version ? 'published (current)' : `published (superseded by ${current?.version ?? '?'})`;
  return v.status;
}

/** Text keys shown in the editor: those the definition needs, then any others the texts hold. */
export function editorKeys(definition: unknown, texts: unknown): string[] {
  const parsed = QuestionnaireDefinition.safeParse(definition);
  let keys: string[];
  if (parsed.success) keys = requiredQuestionnaireKeys(parsed.data);
  else {
    keys = ['title', 'intro'];
    const qs = (definition as { questions?: unknown })?.questions;
    if (Array.isArray(qs)) {
      for (const q of qs as Array<{ id?: unknown; options?: unknown }>) {
        if (typeof q?.id !== 'string') continue;
        keys.push(`questions.${q.id}.text`);
        if (Array.isArray(q.options)) for (const o of q.options as Array<{ code?: unknown }>) if (typeof o?.code === 'string') keys.push(`questions.${q.id}.options.${o.code}`);
      }
    }
  }
  for (const { path } of flattenTexts(texts).values()) if (!keys.includes(path) && TEXT_PATH.test(path)) keys.push(path);
  return keys;
}

function textAt(texts: unknown, lang: string, path: string): string {
  let node: unknown = (texts as Record<string, unknown> | null)?.[lang];
  for (const part of path.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return typeof node === 'string' ? node : '';
}

/** Reads the editor form back: the definition JSON and every `t:<lang>:<path>` field that is not empty. */
export function readEditorForm(body: Record<string, unknown>, languages: string[]): { definition?: unknown; definitionText: string; texts: Record<string, unknown>; jsonError?: string } {
  const definitionText = typeof body.definition === 'string' ? body.definition : '';
  const texts: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(body)) {
    const m = /^t:([a-z]{2,3}):(.+)$/.exec(name);
    if (!m || typeof value !== 'string' || !languages.includes(m[1]!) || !TEXT_PATH.test(m[2]!)) continue;
    const text = value.trim();
    if (!text) continue;
    let node = (texts[m[1]!] ??= {});
    const parts = m[2]!.split('.');
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]!] = text;
  }
  try {
    return { definition: withChosenTypes(JSON.parse(definitionText), body), definitionText, texts };
  } catch (e) {
    return { definitionText, texts, jsonError: (e as Error).message };
  }
}

/**
 * The kinds of service are checkboxes beside the JSON, saved with the rest: when the officer
 * changed them, they win over the JSON's list; left as they were, the JSON's list stands (so
 * an edit made in the JSON is not undone by checkboxes nobody touched).
 */
function withChosenTypes(definition: unknown, body: Record<string, unknown>): unknown {
  if (!('facility_types_was' in body) || typeof definition !== 'object' || definition === null || Array.isArray(definition)) return definition;
  const was = formList(body, 'facility_types_was').flatMap((v) => v.split(','));
  const chosen = formList(body, 'facility_types');
  const same = was.length === chosen.length && was.every((t) => chosen.includes(t));
  return same ? definition : { ...definition, facilityTypes: chosen };
}

function diffTable(changes: ReadableChange[], caption: string, languageName: (lang: string) => string): SafeHtml {
  if (changes.length === 0) return html`<p>No differences.</p>`;
  return html`<table class="diff"><caption>${caption}</caption><thead><tr><th scope="col">Part</th><th scope="col">What</th><th scope="col">Language</th><th scope="col">Before</th><th scope="col">After</th></tr></thead><tbody>
${changes.map(
  (c) =>
    html`<tr><td>${c.area === 'text' ? 'wording' : 'structure'}</td><td>${c.what}</td><td>${c.lang ? languageName(c.lang) : ''}</td><td>${c.before === null ? html`<em>(none)</em>` : html`<del>${c.before}</del>`}</td><td>${c.after === null ? html`<em>(removed)</em>` : html`<ins>${c.after}</ins>`}</td></tr>`,
)}</tbody></table>`;
}

export function registerQuestionnairePages(reg: StaffRegistry, ctx: StaffContext) {
  const { route } = reg;
  const lifecycle = { storage: ctx.storage, clock: ctx.clock, validation: ctx.validation };
  const by = (req: Request) => actorName(req.principal);
  const canEdit = (req: Request) => hasRole(req.principal!, 'editor');
  const send = (res: Response, body: string, status = 200) => res.status(status).type('html').send(body);
  // the language the question list was shown in stays chosen after a save
  const languageName = (l: string) => ctx.content.locales[l]?.meta.name ?? l;
  const langQuery = (req: Request) => (ctx.languages.includes(String(req.body?.shown_lang)) ? `&lang=${req.body.shown_lang}` : '');

  /** The list, and for editors the form that starts a new questionnaire: its id and the kind(s) of service it serves. */
  async function listPage(req: Request, form: { id: string; types: string[] }, error: SafeHtml | string = '') {
    const list = await listQuestionnaires(ctx.storage, ctx.defaultLanguage);
    const uses = canEdit(req) ? (await facilityTypeUses(ctx.storage)).filter((u) => u.type) : [];
    return page(
      { title: 'Questionnaires', req, current: '/staff/questionnaires', scripts: canEdit(req) ? ['formats.js'] : [] },
      html`${error ? notice('error', error) : ''}<table class="cards"><caption>Each questionnaire, its current published version and its drafts</caption>
<thead><tr><th scope="col">Questionnaire</th><th scope="col">Current version</th><th scope="col">All versions</th><th scope="col">Drafts</th></tr></thead><tbody>
${list.map(
  (q) => html`<tr><td data-label="Questionnaire"><a href="/staff/questionnaires/${q.id}">${q.title}</a> <code>${q.id}</code></td>
<td data-label="Current version">${q.current ? html`version ${q.current.version}, published ${fmtDate(q.current.publishedAt, ctx.timeZone)}` : html`<span class="status-bad">none published</span>`}</td>
<td data-label="All versions">${q.versions.length}</td>
<td data-label="Drafts">${q.drafts.length ? q.drafts.map((d) => html`<a href="/staff/drafts/${d.id}">draft from v${d.basedOn ?? '-'} (${d.updatedBy})</a> `) : 'none'}</td></tr>`,
)}</tbody></table>
${
  canEdit(req)
    ? html`<h2 id="new-questionnaire">Start a new questionnaire</h2>
<form method="post" action="/staff/questionnaires" class="stack">${csrfField(req)}
<div><label for="new-id">Questionnaire id (lower-case letters, digits and _, such as water_point)</label><input id="new-id" name="questionnaireId" type="text" pattern="${IDENTIFIER_PATTERN}" value="${form.id}" required></div>
<fieldset class="type-choice"><legend>Which kind(s) of service it serves</legend>
${uses.map(
  (u) =>
    html`<label for="new-type-${u.code}" class="check"><input id="new-type-${u.code}" name="facility_types" type="checkbox" value="${u.code}"${form.types.includes(u.code) ? html` checked` : ''}> ${u.type!.names[ctx.defaultLanguage]?.name ?? u.code} <code>${u.code}</code>${
      u.live ? html` <span class="meta">(served by ${u.live.id} v${u.live.version} now: one live questionnaire per type)</span>` : html` <span class="meta">(no live questionnaire yet)</span>`
    }</label>`,
)}
<p class="meta">A kind of service not listed here is added on the <a href="/staff/facility-types">Facility types</a> page first.</p></fieldset>
<p><button type="submit">Start draft</button></p></form>
<h2 id="bring-questionnaire">Or bring one you already have</h2>
<p>An XLSForm (.xlsx, from ODK, Kobo or a spreadsheet) or a FLOIP flow (.json) becomes a new draft, checked like any other. Its <code>form_id</code> must be the id you give here. What USSD and voice cannot keep (hints, images, phone-app columns) is listed after the upload${
        list[0] ? html`; see <a href="/staff/questionnaires/${list[0].id}/formats#what-travels">what a file keeps</a>` : ''
      }.</p>
<form id="upload-form" class="stack" data-language-names="${JSON.stringify(Object.fromEntries(ctx.languages.map((l) => [l, languageName(l)])))}">
<label for="upload-id">Questionnaire id (as in the file's form_id)</label><input id="upload-id" name="questionnaireId" type="text" pattern="${IDENTIFIER_PATTERN}" required>
<label for="upload-kind">What are you uploading?</label><select id="upload-kind" name="kind"><option value="xlsform">XLSForm (.xlsx)</option><option value="floip">FLOIP flow (.json)</option></select>
<label for="upload-file">File</label><input id="upload-file" name="file" type="file" accept=".xlsx,.json,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required>
<button type="submit">Upload</button></form>
<div id="upload-result" aria-live="polite"></div>`
    : ''
}`,
    );
  }

  route({ method: 'get', path: '/staff/questionnaires', role: 'viewer', kind: 'page', summary: 'Questionnaires' }, async (req, res) => {
    const chosen = FacilityTypeCode.safeParse(req.query.for);
    send(res, await listPage(req, { id: chosen.success ? chosen.data : '', types: chosen.success ? [chosen.data] : [] }));
  });

  route({ method: 'post', path: '/staff/questionnaires', role: 'editor', kind: 'page', summary: 'Start a draft of a new questionnaire' }, async (req, res) => {
    const typed = String(req.body?.questionnaireId ?? '').trim();
    const types = formList(req.body ?? {}, 'facility_types');
    const id = IdParam.safeParse(typed);
    if (!id.success) return send(res, await listPage(req, { id: typed, types }, 'Not started: a questionnaire id uses lower-case letters, digits and _, and starts with a letter.'), 400);
    const result = await startDraft(lifecycle, { questionnaireId: id.data, facilityTypes: types }, by(req));
    if (!result.ok) return send(res, await listPage(req, { id: typed, types }, `Not started: ${result.message}.`), result.reason === 'not_found' ? 404 : 400);
    res.redirect(303, `/staff/drafts/${result.draft.id}`);
  });

  route({ method: 'get', path: '/staff/questionnaires/:id', role: 'viewer', kind: 'page', summary: 'One questionnaire: versions, drafts, history' }, async (req, res) => {
    const id = IdParam.safeParse(req.params.id);
    const q = id.success ? (await listQuestionnaires(ctx.storage, ctx.defaultLanguage)).find((x) => x.id === id.data) : undefined;
    if (!q) return send(res, notFoundPage(req, `There is no questionnaire ${String(req.params.id)}.`), 404);
    const history = await ctx.storage.audit.list({ targetPrefix: `questionnaire ${q.id}`, limit: 20 });
    const flash =
      typeof req.query.published === 'string'
        ? notice('ok', `Published version ${req.query.published}. New reports use it from now on; reports already under way finish on the version they started.`)
        : typeof req.query.retired === 'string'
          ? notice('ok', `Retired version ${req.query.retired}.`)
          : '';
    send(
      res,
      page(
        { title: `${q.title} (${q.id})`, req, current: '/staff/questionnaires' },
        html`${flash}
<h2>Versions</h2>
<table><thead><tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Published</th><th scope="col">By</th><th scope="col">Actions</th></tr></thead><tbody>
${[...q.versions].reverse().map(
  (v) => html`<tr><td>${v.version}</td><td>${statusOf(v, q.current)}</td><td>${fmtDate(v.publishedAt, ctx.timeZone)}</td><td>${v.publishedBy ?? ''}</td>
<td><a href="/staff/questionnaires/${q.id}/versions/${v.version}">View</a>${v.version > 1 ? html` · <a href="/staff/questionnaires/${q.id}/diff?from=${v.version - 1}&amp;to=${v.version}">Changes from v${v.version - 1}</a>` : ''}${
    canEdit(req) && v.status === 'published' ? html` · <a href="/staff/questionnaires/${q.id}/versions/${v.version}/retire">Retire…</a>` : ''
  }</td></tr>`,
)}</tbody></table>
<h2>Drafts</h2>
${
  q.drafts.length
    ? html`<ul>${q.drafts.map((d) => html`<li><a href="/staff/drafts/${d.id}">Draft ${d.id}</a>, from version ${d.basedOn ?? '(new)'}, last saved ${fmtDate(d.updatedAt, ctx.timeZone)} by ${d.updatedBy}</li>`)}</ul>`
    : html`<p>No drafts.</p>`
}
${
  canEdit(req)
    ? html`<form method="post" action="/staff/questionnaires/${q.id}/drafts" class="row">${csrfField(req)}<div><label for="from">Start a draft from version</label><select id="from" name="fromVersion">${[
        ...q.versions,
      ]
        .reverse()
        .map(
          (v) => html`<option value="${v.version}"${q.current?.version === v.version ? html` selected` : ''}>${v.version} (${v.status})</option>`,
        )}</select></div><div><button type="submit">Start draft</button></div></form>`
    : ''
}
<p><a href="/staff/questionnaires/${q.id}/formats">Download or upload as XLSForm, translation sheet or FLOIP flow</a></p>
<h2>History</h2>
${history.length ? html`<ul>${history.map((e) => html`<li>${fmtDate(e.at, ctx.timeZone)}: ${auditSentence(e)}</li>`)}</ul>` : html`<p>Nothing recorded yet.</p>`}`,
      ),
    );
  });

  route({ method: 'post', path: '/staff/questionnaires/:id/drafts', role: 'editor', kind: 'page', summary: 'Start a draft from a version' }, async (req, res) => {
    const id = IdParam.safeParse(req.params.id);
    const from = VersionParam.optional().safeParse(req.body?.fromVersion || undefined);
    if (!id.success || !from.success) return send(res, notFoundPage(req, 'No such questionnaire or version.'), 404);
    const result = await startDraft(lifecycle, { questionnaireId: id.data, fromVersion: from.data }, by(req));
    if (!result.ok) return send(res, notFoundPage(req, result.message), 404);
    res.redirect(303, `/staff/drafts/${result.draft.id}`);
  });

  route({ method: 'get', path: '/staff/questionnaires/:id/versions/:version', role: 'viewer', kind: 'page', summary: 'One version, every language side by side' }, async (req, res) => {
    const id = IdParam.safeParse(req.params.id);
    const version = VersionParam.safeParse(req.params.version);
    const v = id.success && version.success ? await ctx.storage.questionnaires.getVersion(id.data, version.data) : null;
    if (!v) return send(res, notFoundPage(req, 'No such version.'), 404);
    const keys = editorKeys(v.definition, v.texts);
    const types = (await facilityTypeUses(ctx.storage)).filter((u) => u.type);
    send(
      res,
      page(
        { title: `${v.id} version ${v.version} (${v.status})`, req, current: '/staff/questionnaires' },
        html`<p><a href="/staff/questionnaires/${v.id}">Back to ${v.id}</a>. Published ${fmtDate(v.publishedAt, ctx.timeZone)} by ${v.publishedBy ?? ''}. A published version never changes; start a draft to make a new one.</p>
${facilityTypesField(v.definition, false, v.id, types, ctx.defaultLanguage)}
<h2>Texts</h2><table class="texts"><thead><tr><th scope="col">Text</th>${ctx.languages.map((l) => html`<th scope="col" lang="${l}">${languageName(l)}</th>`)}</tr></thead><tbody>
${keys.map((k) => html`<tr><th scope="row">${textKeyLabel(k, { definition: v.definition, texts: v.texts, lang: ctx.defaultLanguage })} <code class="key">${k}</code></th>${ctx.languages.map((l) => html`<td lang="${l}">${textAt(v.texts, l, k)}</td>`)}</tr>`)}</tbody></table>
<details><summary>Advanced: the questions as JSON</summary><pre>${JSON.stringify(v.definition, null, 2)}</pre></details>`,
      ),
    );
  });

  route({ method: 'get', path: '/staff/questionnaires/:id/diff', role: 'viewer', kind: 'page', summary: 'Changes between two versions' }, async (req, res) => {
    const id = IdParam.safeParse(req.params.id);
    const from = VersionParam.safeParse(req.query.from);
    const to = VersionParam.safeParse(req.query.to);
    const [a, b] =
      id.success && from.success && to.success ? await Promise.all([ctx.storage.questionnaires.getVersion(id.data, from.data), ctx.storage.questionnaires.getVersion(id.data, to.data)]) : [null, null];
    if (!a || !b) return send(res, notFoundPage(req, 'Choose two versions that exist (from and to).'), 404);
    send(
      res,
      page(
        { title: `${a.id}: version ${a.version} → ${b.version}`, req, current: '/staff/questionnaires' },
        html`<p><a href="/staff/questionnaires/${a.id}">Back to ${a.id}</a></p>${diffTable(readableDiff(diffQuestionnaires(a, b), a, b, ctx.defaultLanguage), `Changes from version ${a.version} to ${b.version}`, languageName)}`,
      ),
    );
  });

  async function retireTarget(req: Request) {
    const id = IdParam.safeParse(req.params.id);
    const version = VersionParam.safeParse(req.params.version);
    return id.success && version.success ? ctx.storage.questionnaires.getVersion(id.data, version.data) : null;
  }

  route({ method: 'get', path: '/staff/questionnaires/:id/versions/:version/retire', role: 'editor', kind: 'page', summary: 'Confirm retiring a version' }, async (req, res) => {
    const v = await retireTarget(req);
    if (!v) return send(res, notFoundPage(req, 'No such version.'), 404);
    const effect = await retireEffect(ctx.storage, v);
    if (effect.kind === 'not_published')
      return send(
        res,
        page({ title: 'Retire', req }, notice('error', html`Version ${v.version} is ${v.status}; only a published version can be retired. <a href="/staff/questionnaires/${v.id}">Back</a>`)),
        409,
      );
    const outcome =
      effect.kind === 'superseded'
        ? html`New reports already use a newer version; this only takes version ${v.version} off the list.`
        : effect.kind === 'falls_back'
          ? html`New reports will use version ${effect.version} again.`
          : html`<strong>No version will be left published</strong>: respondents at ${effect.facilityTypes.join(', ')} facilities will be told there is no survey for their facility until a new version is published.`;
    send(
      res,
      page(
        { title: `Retire ${v.id} version ${v.version}?`, req, current: '/staff/questionnaires' },
        html`${notice('info', html`<p>Respondents who already started on version ${v.version} will finish on it. ${outcome}</p>`)}
<form method="post" action="/staff/questionnaires/${v.id}/versions/${v.version}/retire">${csrfField(req)}<button type="submit" class="danger">Retire version ${v.version}</button> <a href="/staff/questionnaires/${v.id}">Cancel</a></form>`,
      ),
    );
  });

  route({ method: 'post', path: '/staff/questionnaires/:id/versions/:version/retire', role: 'editor', kind: 'page', summary: 'Retire a version' }, async (req, res) => {
    const v = await retireTarget(req);
    if (!v) return send(res, notFoundPage(req, 'No such version.'), 404);
    const result = await retireVersion(lifecycle, v.id, v.version, by(req));
    if (!result.ok) return send(res, page({ title: 'Retire', req }, notice('error', html`${result.message}. <a href="/staff/questionnaires/${v.id}">Back</a>`)), 409);
    res.redirect(303, `/staff/questionnaires/${v.id}?retired=${v.version}`);
  });

  // ---------------------------------------------------------------- draft editor

  async function loadDraft(req: Request): Promise<Draft | null> {
    const id = DraftIdParam.safeParse(req.params.draftId);
    return id.success ? ctx.storage.drafts.get(id.data) : null;
  }

  async function editorPage(req: Request, draft: Draft, shown: { definitionText: string; texts: unknown }, issues: ValidationIssue[], message: SafeHtml | string = '', jsonOpen = false) {
    const definition = safeJson(shown.definitionText) ?? draft.definition;
    const keys = editorKeys(definition, shown.texts);
    const editable = canEdit(req);
    const shownLang = ctx.languages.includes(String(req.query.lang)) ? String(req.query.lang) : ctx.defaultLanguage;
    const languageName = (l: string) => ctx.content.locales[l]?.meta.name ?? l;
    const source = { definition, texts: shown.texts, lang: shownLang };
    const types = (await facilityTypeUses(ctx.storage)).filter((u) => u.type);
    return page(
      { title: `Draft of ${draft.questionnaireId}`, req, scripts: editable ? ['editor.js', 'simulator.js'] : [], current: '/staff/questionnaires' },
      html`${message}
<p class="jump"><a href="#checks-h">Go to the checks and the phone ↓</a></p>
<p>Started from version ${draft.basedOn ?? '(new questionnaire)'} · last saved ${fmtDate(draft.updatedAt, ctx.timeZone)} by ${draft.updatedBy} · <a href="/staff/questionnaires/${draft.questionnaireId}">all versions</a></p>
<form method="get" action="/staff/drafts/${draft.id}" class="row language-picker"><div><label for="shown-lang">Show the questions in</label><select id="shown-lang" name="lang">${ctx.languages.map(
        (l) => html`<option value="${l}"${l === shownLang ? html` selected` : ''}>${languageName(l)}</option>`,
      )}</select></div><div><button type="submit" class="secondary" id="shown-lang-go">Show</button></div></form>
<div class="editor">
<div>
<form id="draft-form" method="post" action="/staff/drafts/${draft.id}" data-questionnaire="${draft.questionnaireId}" data-language-names="${JSON.stringify(Object.fromEntries(ctx.languages.map((l) => [l, languageName(l)])))}">
${csrfField(req)}<input type="hidden" name="revision" value="${draft.revision}"><input type="hidden" name="shown_lang" id="shown-lang-kept" value="${shownLang}">
${editable ? html`<button type="submit" class="implicit-submit" tabindex="-1" aria-hidden="true">Save</button>` : ''}
${facilityTypesField(definition, editable, draft.questionnaireId, types, ctx.defaultLanguage)}
${questionTable(draft, safeJson(shown.definitionText), editable, source)}
<h2>Texts in every language</h2>
<p>Each row is one text a respondent sees; the columns are the languages. An empty box is a missing translation.</p>
<table class="texts"><thead><tr><th scope="col">Text</th>${ctx.languages.map((l) => html`<th scope="col" lang="${l}">${languageName(l)}</th>`)}</tr></thead><tbody>
${keys.map((k) => {
  const label = textKeyLabel(k, source);
  return html`<tr><th scope="row" data-key="${k}">${label}</th>${ctx.languages.map((l) => {
    const fid = `t-${l}-${k.replace(/\./g, '-')}`;
    const value = textAt(shown.texts, l, k);
    return html`<td><label class="visually-hidden" for="${fid}">${label}, in ${languageName(l)}</label><textarea id="${fid}" name="t:${l}:${k}" data-lang="${l}" data-path="${k}" lang="${l}" rows="${rowsFor(value)}"${editable ? '' : html` readonly`}>${value}</textarea></td>`;
  })}</tr>`;
})}</tbody></table>
<details${jsonOpen ? html` open` : ''}><summary>Advanced: the questions as JSON</summary>
<p><label for="definition">Questions and structure (JSON)</label> Question ids, types (${QUESTION_TYPES.map((t) => t.type).join(', ')}), options, which are optional, scorecard roles (role, positive, none) and show-if rules. Save to add rows for new questions and options to the texts table.</p>
<textarea id="definition" name="definition" class="code" spellcheck="false"${editable ? '' : html` readonly`}>${shown.definitionText}</textarea>
</details>
${editable ? html`<p class="save-bar"><button type="submit" id="save">Save draft</button> <a class="button secondary" href="/staff/drafts/${draft.id}/publish">Publish…</a></p>` : ''}
</form>
${editable ? html`<form method="post" action="/staff/drafts/${draft.id}/delete">${csrfField(req)}<button type="submit" class="secondary">Delete this draft</button></form>` : ''}
</div>
<aside aria-labelledby="checks-h">
<h2 id="checks-h">Checks</h2>
<div role="status" aria-live="polite"><p id="issues-summary" class="${issues.length ? 'status-bad' : 'status-ok'}">${issues.length ? `${issues.length} problem(s) to fix before publishing:` : 'No problems found: this draft can be published.'}</p>
<ul id="issues" class="issues">${issueList(issues, languageName)}</ul></div>
${
  editable
    ? html`<h2 id="phone-h">Try it on a phone</h2>
<div id="phone" class="phone" data-draft="${draft.id}" aria-labelledby="phone-h">
<p>Runs the saved draft as USSD (save first). Nothing is recorded.</p>
<pre id="sim-screen" aria-live="polite" aria-label="Phone screen">Press Dial.</pre>
<p id="sim-end" class="end-note" hidden>Last screen: the session ends here.</p>
<form id="sim-form"><label for="sim-input">Reply</label><input id="sim-input" name="reply" type="text" autocomplete="off" inputmode="numeric">
<div class="row"><button type="submit">Send</button><button type="button" id="sim-dial" class="secondary">Dial</button></div></form>
<p id="sim-status" role="status"></p>
</div>`
    : ''
}
</aside>
</div>`,
    );
  }

  route({ method: 'get', path: '/staff/drafts/:draftId', role: 'viewer', kind: 'page', summary: 'Draft editor with validation and phone simulator' }, async (req, res) => {
    const draft = await loadDraft(req);
    if (!draft) return send(res, notFoundPage(req, 'No such draft: it may have been published or deleted.'), 404);
    const report = validateDraft(ctx, draft);
    const saved = req.query.saved ? notice('ok', 'Saved.') : '';
    send(res, await editorPage(req, draft, { definitionText: JSON.stringify(draft.definition, null, 2), texts: draft.texts }, report.issues, saved));
  });

  route({ method: 'post', path: '/staff/drafts/:draftId', role: 'editor', kind: 'page', summary: 'Save a draft' }, async (req, res) => {
    const draft = await loadDraft(req);
    if (!draft) return send(res, notFoundPage(req, 'No such draft: it may have been published or deleted.'), 404);
    const form = readEditorForm(req.body ?? {}, ctx.languages);
    const revision = Number(req.body?.revision);
    if (form.jsonError) {
      // nothing is saved, and nothing typed is lost: the page comes back with the officer's text
      return send(
        res,
        await editorPage(
          req,
          draft,
          form,
          [{ where: 'questions and structure (JSON)', message: `not valid JSON: ${form.jsonError}` }],
          notice('error', 'Not saved: the questions and structure are not valid JSON.'),
          true,
        ),
        400,
      );
    }
    const result = await saveDraft(lifecycle, draft.id, { definition: form.definition, texts: form.texts, revision: Number.isInteger(revision) ? revision : -1 }, by(req));
    if (!result.ok) return send(res, await editorPage(req, draft, form, [], notice('error', `Not saved: ${result.message}. Copy your changes before reloading.`)), 409);
    res.redirect(303, `/staff/drafts/${draft.id}?saved=1${langQuery(req)}`);
  });

  route({ method: 'post', path: '/staff/drafts/:draftId/structure', role: 'editor', kind: 'page', summary: 'Add, remove or move a question or option (saves the texts too)' }, async (req, res) => {
    const draft = await loadDraft(req);
    if (!draft) return send(res, notFoundPage(req, 'No such draft: it may have been published or deleted.'), 404);
    const form = readEditorForm(req.body ?? {}, ctx.languages);
    if (form.jsonError) {
      return send(
        res,
        await editorPage(
          req,
          draft,
          form,
          [{ where: 'questions and structure (JSON)', message: `not valid JSON: ${form.jsonError}` }],
          notice('error', 'Not changed: the questions JSON is not valid.'),
          true,
        ),
        400,
      );
    }
    const edit = readStructureEdit(req.body ?? {});
    const applied = 'error' in edit ? { ok: false as const, message: edit.error } : applyStructureEdit(form.definition, edit);
    const shownAgain = { definitionText: JSON.stringify(form.definition, null, 2), texts: form.texts };
    if (!applied.ok)
      return send(
        res,
        await editorPage(
          req,
          draft,
          shownAgain,
          validateDraft(ctx, { ...draft, definition: form.definition, texts: form.texts }).issues,
          notice('error', `Not changed: ${applied.message}. Your texts are still here; nothing was saved.`),
        ),
        400,
      );
    const texts = 'error' in edit ? form.texts : dropTextsOf(form.texts, edit);
    const revision = Number(req.body?.revision);
    const result = await saveDraft(lifecycle, draft.id, { definition: applied.definition, texts, revision: Number.isInteger(revision) ? revision : -1 }, by(req));
    if (!result.ok) return send(res, await editorPage(req, draft, shownAgain, [], notice('error', `Not saved: ${result.message}. Copy your changes before reloading.`)), 409);
    res.redirect(303, `/staff/drafts/${draft.id}?saved=1${langQuery(req)}#questions-h`);
  });

  route({ method: 'post', path: '/staff/drafts/:draftId/delete', role: 'editor', kind: 'page', summary: 'Delete a draft' }, async (req, res) => {
    const draft = await loadDraft(req);
    if (!draft) return send(res, notFoundPage(req, 'No such draft.'), 404);
    await deleteDraft(lifecycle, draft.id, by(req));
    res.redirect(303, `/staff/questionnaires/${draft.questionnaireId}`);
  });

  async function publishPage(req: Request, draft: Draft, issues: ValidationIssue[]) {
    const languageName = (l: string) => ctx.content.locales[l]?.meta.name ?? l;
    const { nextVersion: next, current, changes } = await previewPublish(ctx.storage, draft, ctx.defaultLanguage);
    return page(
      { title: `Publish ${draft.questionnaireId} version ${next}?`, req, current: '/staff/questionnaires' },
      issues.length
        ? html`${notice('error', html`<p>This draft cannot be published until these are fixed:</p><ul class="issues">${issueList(issues, languageName)}</ul>`)}<p><a href="/staff/drafts/${draft.id}">Back to the draft</a></p>`
        : html`${notice('info', html`<p>Version ${next} will be fixed for good once published. New reports will use it at once; respondents already part-way through finish on the version they started.</p>`)}
${current ? diffTable(changes, `Changes from the current version ${current.version}`, languageName) : html`<p>This will be the first published version.</p>`}
<form method="post" action="/staff/drafts/${draft.id}/publish">${csrfField(req)}<input type="hidden" name="revision" value="${draft.revision}"><button type="submit">Publish version ${next}</button> <a href="/staff/drafts/${draft.id}">Cancel</a></form>`,
    );
  }

  route({ method: 'get', path: '/staff/drafts/:draftId/publish', role: 'editor', kind: 'page', summary: 'Confirm publishing a draft' }, async (req, res) => {
    const draft = await loadDraft(req);
    if (!draft) return send(res, notFoundPage(req, 'No such draft: it may have been published already.'), 404);
    // the facility-type rules are checked here too, so the confirmation never offers a publish that will be refused
    const report = validateDraft(ctx, draft);
    send(res, await publishPage(req, draft, report.ok && report.definition ? await facilityTypeIssues(ctx.storage, report.definition) : report.issues));
  });

  route({ method: 'post', path: '/staff/drafts/:draftId/publish', role: 'editor', kind: 'page', summary: 'Publish a draft' }, async (req, res) => {
    const draft = await loadDraft(req);
    if (!draft) return send(res, notFoundPage(req, 'No such draft: it may have been published already.'), 404);
    const revision = Number(req.body?.revision);
    const result = await publishDraft(lifecycle, draft.id, by(req), Number.isInteger(revision) ? revision : undefined);
    if (!result.ok) return send(res, await publishPage(req, draft, result.issues), 422);
    res.redirect(303, `/staff/questionnaires/${result.version.id}?published=${result.version.version}`);
  });
}

/** Texts of a removed question or option go with it, so no orphan rows are left behind. */
function dropTextsOf(texts: Record<string, unknown>, edit: StructureEdit): Record<string, unknown> {
  if (edit.op !== 'remove' && edit.op !== 'remove-option') return texts;
  type Tree = { questions?: Record<string, { options?: Record<string, unknown> }> };
  const copy = structuredClone(texts) as Record<string, Tree & { spoken?: Tree }>;
  for (const lang of Object.values(copy)) {
    // the spoken form goes with its text
    for (const tree of [lang, lang.spoken]) {
      if (edit.op === 'remove') delete tree?.questions?.[edit.question];
      else if (edit.op === 'remove-option') delete tree?.questions?.[edit.question]?.options?.[edit.code];
    }
  }
  return copy;
}

/**
 * The kinds of service the questionnaire serves, chosen among the stored facility types and
 * saved with the draft (see withChosenTypes). A type the definition names that was never added
 * stays on screen, checked and marked, so saving does not drop it unseen.
 */
function facilityTypesField(definition: unknown, editable: boolean, questionnaireId: string, uses: FacilityTypeUse[], defaultLanguage: string): SafeHtml {
  const given = (definition as { facilityTypes?: unknown })?.facilityTypes;
  const chosen = Array.isArray(given) ? given.map(String) : [];
  const nameOf = (code: string) => uses.find((u) => u.code === code)?.type?.names[defaultLanguage]?.name;
  const label = (code: string) =>
    nameOf(code) ? html`${nameOf(code)} <code>${code}</code>` : html`<code>${code}</code> <span class="missing">(not an added facility type: add it on the Facility types page)</span>`;
  if (!editable) return html`<p>Serves: ${chosen.length ? chosen.map((c, i) => html`${i ? ', ' : ''}${label(c)}`) : html`<strong>no kind of service yet</strong>`}</p>`;
  const unknown = chosen.filter((c) => !uses.some((u) => u.code === c));
  const serving = (u: FacilityTypeUse) =>
    u.live && u.live.id !== questionnaireId ? html` <span class="meta">(served by ${u.live.id} v${u.live.version} now: publishing this one for it is refused while that one is live)</span>` : '';
  return html`<fieldset class="type-choice"><legend>Which kind(s) of service this questionnaire serves</legend>
${uses.map((u) => html`<label for="ft-${u.code}" class="check"><input id="ft-${u.code}" name="facility_types" type="checkbox" value="${u.code}"${chosen.includes(u.code) ? html` checked` : ''}> ${label(u.code)}${serving(u)}</label>`)}
${unknown.map((c) => html`<label for="ft-${c}" class="check"><input id="ft-${c}" name="facility_types" type="checkbox" value="${c}" checked> ${label(c)}</label>`)}
<p class="meta">Saved with the draft. Each kind of service has one live questionnaire. A kind not listed here is added on the <a href="/staff/facility-types">Facility types</a> page.</p>
<input type="hidden" name="facility_types_was" value="${chosen.join(',')}"></fieldset>`;
}

/** Rows a text box starts with: enough for its text (about 36 characters a line), at least two; CSS field-sizing grows it as one types where the browser can. */
export function rowsFor(text: string): number {
  const lines = text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 36)), 0);
  return Math.min(12, Math.max(2, lines));
}

/** The questions as a table with buttons; the buttons submit the whole editor form, so typed texts are kept. */
function questionTable(draft: Draft, definition: unknown, editable: boolean, source: { definition: unknown; texts: unknown; lang: string }): SafeHtml {
  const questions = (definition as { questions?: unknown })?.questions;
  if (!Array.isArray(questions)) return html`<h2 id="questions-h">Questions</h2><p>The questions JSON below is not in a shape this table can show; fix it there.</p>`;
  const action = `/staff/drafts/${draft.id}/structure`;
  const button = (op: string, label: string, aria: string) => html`<button type="submit" class="secondary" formaction="${action}" name="op" value="${op}" aria-label="${aria}">${label}</button>`;
  const typeLabel = new Map(QUESTION_TYPES.map((t) => [t.type as string, t.label]));
  const words = (path: string) => textIn(source.texts, source.lang, path);
  const wordingCell = (path: string, fallback: SafeHtml) => html`<span class="wording" data-wording="${path}" lang="${source.lang}">${words(path) ?? ''}</span>${words(path) ? '' : fallback}`;
  return html`<h2 id="questions-h">Questions</h2>
<p>Each change here is saved at once, with the texts below. Respondents see the questions in this order; a question shown only after a given answer keeps its rule (see the JSON).</p>
<table class="questions cards"><thead><tr><th scope="col">#</th><th scope="col">Question</th><th scope="col">Type</th><th scope="col">Optional</th><th scope="col">Options</th>${editable ? html`<th scope="col">Change</th>` : ''}</tr></thead><tbody>
${(questions as Array<Record<string, unknown>>).map((q, i) => {
  const id = String(q?.id ?? '?');
  const name = `${questionLabel(id, definition)} (${id})`;
  const options = Array.isArray(q?.options) ? (q.options as Array<{ code?: unknown }>).map((o) => String(o?.code ?? '?')) : null;
  return html`<tr><td data-label="Question ${i + 1}" class="number">${i + 1}</td><td data-label="Wording">${wordingCell(`questions.${id}.text`, html`<em class="missing">no wording yet</em>`)} <code class="key">${id}</code>${q?.showIf ? html`<br><em>shown only after certain answers</em>` : ''}</td><td data-label="Type">${typeLabel.get(String(q?.type)) ?? String(q?.type ?? '?')}</td>
<td data-label="Optional">${q?.optional ? 'yes' : 'no'}${editable ? html` ${button(`optional:${id}`, q?.optional ? 'Make required' : 'Make optional', `Make ${name} ${q?.optional ? 'required' : 'optional'}`)}` : ''}</td>
<td data-label="Options">${
    options === null
      ? '—'
      : html`<ol class="options">${options.map((code, j) => {
          const option = optionLabel(id, code, source);
          return html`<li>${wordingCell(`questions.${id}.options.${code}`, html`<em class="missing">no wording yet</em>`)} <code class="key">${code}</code>${
            editable
              ? html` ${j > 0 ? button(`option-up:${id}/${code}`, '↑', `Move ${option} of ${name} up`) : ''}${j < options.length - 1 ? button(`option-down:${id}/${code}`, '↓', `Move ${option} of ${name} down`) : ''}${button(`remove-option:${id}/${code}`, '×', `Remove ${option} from ${name}`)}`
              : ''
          }</li>`;
        })}</ol>${
          editable
            ? html`<label class="visually-hidden" for="new-option-${id}">New option code for ${name}</label><input id="new-option-${id}" name="new_option_${id}" type="text" placeholder="new_option_code" pattern="${IDENTIFIER_PATTERN}"> ${button(`add-option:${id}`, 'Add option', `Add the new option to ${name}`)}`
            : ''
        }`
  }</td>
${editable ? html`<td data-label="Change">${button(`up:${id}`, '↑', `Move ${name} up`)} ${button(`down:${id}`, '↓', `Move ${name} down`)} ${button(`remove:${id}`, 'Remove', `Remove ${name}`)}</td>` : ''}</tr>`;
})}</tbody></table>
${
  editable
    ? html`<fieldset><legend>Add a question at the end</legend><div class="row">
<div><label for="new-id">Question id (letters, digits and _)</label><input id="new-id" name="new_id" type="text" pattern="${IDENTIFIER_PATTERN}"></div>
<div><label for="new-type">Type</label><select id="new-type" name="new_type">${QUESTION_TYPES.map((t) => html`<option value="${t.type}">${t.label}</option>`)}</select></div>
<div><label for="new-options">Option codes (choice only; separated by spaces or commas)</label><input id="new-options" name="new_options" type="text"></div>
<div><label for="new-optional"><input id="new-optional" name="new_optional" type="checkbox"> Optional</label></div>
<div>${button('add', 'Add question', 'Add this question')}</div></div></fieldset>`
    : ''
}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
