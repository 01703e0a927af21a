import type { Request } from 'express';
import { z } from 'zod';
import { MAX_SPREADSHEET_BYTES } from '../../../app/questionnaires/formats/spreadsheet.js';
import { downloadFormat, type FormatName, type FormatsDeps, importForm, importTranslations } from '../../../app/questionnaires/formats/questionnaire-formats.js';
import { listQuestionnaires } from '../../../app/questionnaires/questionnaire-lifecycle.js';
import { IDENTIFIER } from '../../../engine/codes.js';
import { actorName, hasRole } from '../auth.js';
import type { StaffContext } from '../context.js';
import { html } from '../html.js';
import { notFoundPage, page } from '../layout.js';
import type { StaffRegistry } from '../registry.js';
import { fieldProblems, sendBadRequest } from '../../validation.js';

/**
 * Questionnaires in the formats staff already use: XLSForm, a translation sheet and FLOIP
 * flows, downloaded by viewers and uploaded by editors. The page's upload forms send the
 * file's bytes to the API from formats.js (no inline script) and show each row's problem.
 */

const QuestionnaireId = z.string().regex(IDENTIFIER, 'use lower-case letters, digits and _, starting with a letter');
const DraftId = z.string().regex(/^d_[0-9a-f]{12}$/, 'is not a draft id');
export const FormatSourceQuery = z
  .object({
    draft: DraftId.optional(),
    version: z.coerce.number().int().min(1, 'must be a version number (1 or more)').optional(),
  })
  .strict()
  .refine((q) => !(q.draft && q.version), 'choose a draft or a version, not both');
const IdParams = z.object({ id: QuestionnaireId });
const DraftParams = z.object({ draftId: DraftId });

export function formatsDeps(ctx: StaffContext): FormatsDeps {
  return {
    storage: ctx.storage,
    clock: ctx.clock,
    validation: ctx.validation,
    languages: ctx.languages,
    defaultLanguage: ctx.defaultLanguage,
    languageNames: Object.fromEntries(ctx.languages.map((l) => [l, ctx.content.locales[l]?.meta.name ?? l])),
    audioFile: (lang, key) => ctx.voice.audio.entry(lang, key)?.file ?? null,
    audioUrl: (lang, key) => ctx.voice.audio.url(lang, key),
    systemText: (lang, key) => ctx.texts.system(lang, key).text,
    screenLimit: ctx.screenLimit,
  };
}

const DOWNLOADS: Array<{ format: FormatName; summary: string; produces: string }> = [
  { format: 'xlsform', summary: 'The questionnaire as an XLSForm workbook (survey, choices, settings)', produces: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  { format: 'translations', summary: 'Every text in one sheet for translators: key, context, a column per language', produces: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  { format: 'floip', summary: 'A published version as a FLOIP Flow Spec container (USSD and IVR)', produces: 'application/json' },
];

/** A draft's own title, as its texts hold it (a draft may have none yet). */
function draftTitle(texts: unknown, lang: string): string {
  const title = (texts as Record<string, { title?: unknown }> | null)?.[lang]?.title;
  return typeof title === 'string' && title ? ` "${title}"` : '';
}

export function registerFormatRoutes(reg: StaffRegistry, ctx: StaffContext) {
  const { route } = reg;
  const deps = formatsDeps(ctx);
  const by = (req: Request) => actorName(req.principal);

  for (const d of DOWNLOADS) {
    route(
      { method: 'get', path: `/api/v1/questionnaires/:id/${d.format}`, role: 'viewer', kind: 'api', summary: d.summary, tag: 'formats', query: FormatSourceQuery, produces: [d.produces] },
      async (req, res) => {
        const params = IdParams.safeParse(req.params);
        if (!params.success) return sendBadRequest(res, fieldProblems(params.error, '(query)'));
        const query = FormatSourceQuery.safeParse(req.query);
        if (!query.success) return sendBadRequest(res, fieldProblems(query.error, '(query)'));
        const out = await downloadFormat(deps, params.data.id, d.format, query.data, by(req));
        if (!out.ok) return void res.status(out.status).json({ error: out.message });
        res.attachment(out.fileName).type(out.contentType).send(out.body);
      },
    );
  }

  route(
    {
      method: 'post',
      path: '/api/v1/questionnaires/:id/xlsform',
      role: 'editor',
      kind: 'api',
      summary: 'Upload an XLSForm (.xlsx): it becomes a new draft, validated like any other',
      tag: 'formats',
      body: { type: 'xlsx' },
    },
    async (req, res) => {
      const params = IdParams.safeParse(req.params);
      if (!params.success) return sendBadRequest(res, fieldProblems(params.error, '(query)'));
      const out = await importForm(deps, params.data.id, 'xlsform', req.body, by(req));
      if (!out.ok) return void res.status(out.status).json(out);
      res.status(201).json(out);
    },
  );
  route(
    {
      method: 'post',
      path: '/api/v1/questionnaires/:id/floip',
      role: 'editor',
      kind: 'api',
      summary: 'Upload a FLOIP Flow Spec container (JSON): its flow becomes a new draft',
      tag: 'formats',
      body: { type: 'json' },
    },
    async (req, res) => {
      const params = IdParams.safeParse(req.params);
      if (!params.success) return sendBadRequest(res, fieldProblems(params.error, '(query)'));
      const out = await importForm(deps, params.data.id, 'floip', req.body, by(req));
      if (!out.ok) return void res.status(out.status).json(out);
      res.status(201).json(out);
    },
  );
  route(
    {
      method: 'post',
      path: '/api/v1/drafts/:draftId/translations',
      role: 'editor',
      kind: 'api',
      summary: 'Upload a translation sheet (.xlsx) into a draft: filled cells replace texts, empty cells keep them',
      tag: 'formats',
      body: { type: 'xlsx' },
    },
    async (req, res) => {
      const params = DraftParams.safeParse(req.params);
      if (!params.success) return sendBadRequest(res, fieldProblems(params.error, '(query)'));
      const out = await importTranslations(deps, params.data.draftId, req.body, by(req));
      if (!out.ok) return void res.status(out.status).json(out);
      res.json(out);
    },
  );

  route({ method: 'get', path: '/staff/questionnaires/:id/formats', role: 'viewer', kind: 'page', summary: 'Download and upload XLSForm, translation sheets and FLOIP flows' }, async (req, res) => {
    const id = QuestionnaireId.safeParse(req.params.id);
    const q = id.success ? (await listQuestionnaires(ctx.storage, ctx.defaultLanguage)).find((x) => x.id === id.data) : undefined;
    if (!q)
      return void res
        .status(404)
        .type('html')
        .send(notFoundPage(req, `There is no questionnaire ${String(req.params.id)}.`));
    const editor = hasRole(req.principal!, 'editor');
    const base = `/api/v1/questionnaires/${q.id}`;
    const megabytes = MAX_SPREADSHEET_BYTES / 1024 / 1024;
    const links = (query: string, floip: boolean) =>
      html`<a href="${base}/xlsform${query}" download>XLSForm</a> · <a href="${base}/translations${query}" download>Translation sheet</a>${floip ? html` · <a href="${base}/floip${query}" download>FLOIP flow</a>` : ''}`;
    const body = html`<p><a href="/staff/questionnaires/${q.id}">Back to ${q.title}</a></p>
<h2>Download</h2>
<table><thead><tr><th scope="col">What</th><th scope="col">Files</th></tr></thead><tbody>
${q.current ? html`<tr><td>Version ${q.current.version} (published, current)</td><td>${links('', true)}</td></tr>` : ''}
${q.drafts.map((d) => html`<tr><td>Draft ${d.id}${draftTitle(d.texts, ctx.defaultLanguage)}, last saved by ${d.updatedBy}</td><td>${links(`?draft=${d.id}`, false)}</td></tr>`)}
</tbody></table>
${q.current || q.drafts.length ? '' : html`<p>Nothing to download yet.</p>`}
<p>A FLOIP flow is made from a published version. The XLSForm keeps everything a draft holds, so you can edit it in a spreadsheet and upload it back.</p>
<h2 id="what-travels">What a file keeps, and what it cannot</h2>
<ul>
<li><strong>XLSForm</strong>: <code>survey</code> (type, name, <code>label::&lt;language&gt;</code>, required, relevant, constraint), <code>choices</code> (list_name, name, <code>label::&lt;language&gt;</code>) and <code>settings</code> (form_id, form_title, default_language, facility_types). A column headed <code>label</code> without a language is in the form's default_language. This service adds <code>role</code>, <code>spoken::&lt;language&gt;</code> (how a text is said on a call), <code>positive</code> and <code>none</code>, so a downloaded form uploads back the same.</li>
<li><strong>Recordings</strong>: a download names, under <code>audio::&lt;language&gt;</code>, the recording the server plays for each text. A spreadsheet cannot bring a recording: a file the server does not already play for that text is listed after the upload and not kept. Recordings are added on the server.</li>
<li><strong>Not kept, and listed after the upload</strong>: hints (<code>hint::&lt;language&gt;</code>), because a USSD screen has no room beside the question and a call says only the question and its options (put what a respondent must know in the label); images and video; columns and settings made for phone apps (constraint_message, version, …). Question types USSD and voice cannot ask (select_multiple, geopoint, groups, …) are refused with their row and column.</li>
<li><strong>Translation sheet</strong>: one row per text (key, what it is, a column per language, headed by its code or name). A filled cell replaces the text; an empty cell keeps it.</li>
<li><strong>FLOIP flow</strong>: Message, SelectOneResponse, NumericResponse and OpenResponse blocks, with each language's text per mode (USSD, IVR) and the recordings' addresses. Other block types are refused with the block's number and name.</li>
</ul>
${
  editor
    ? html`<h2>Upload</h2>
<p>Files up to ${megabytes} MB. Nothing is changed unless the whole file can be read; each problem is listed with its row.</p>
<form id="upload-form" class="stack" data-questionnaire="${q.id}" data-language-names="${JSON.stringify(deps.languageNames)}">
  <label for="upload-kind">What are you uploading?</label>
  <select id="upload-kind" name="kind">
    <option value="xlsform">XLSForm (.xlsx): becomes a new draft</option>
    <option value="floip">FLOIP flow (.json): becomes a new draft</option>
    ${q.drafts.map((d) => html`<option value="translations:${d.id}">Translation sheet (.xlsx) into draft ${d.id}</option>`)}
  </select>
  <label for="upload-file">File</label>
  <input id="upload-file" name="file" type="file" accept=".xlsx,.json,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required>
  <button type="submit">Upload</button>
</form>
<div id="upload-result" aria-live="polite"></div>`
    : html`<p>Uploading needs the editor role.</p>`
}`;
    res.type('html').send(page({ title: `Formats: ${q.title} (${q.id})`, req, current: '/staff/questionnaires', scripts: ['formats.js'] }, body));
  });
}
