import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorName } from './auth.js';
import type { StaffContext } from './context.js';
import type { StaffRegistry } from './registry.js';
import { openApiDocument } from './registry.js';
import { auditSentence } from '../../app/staff/audit.js';
import { createApiToken, listApiTokens, revokeApiToken, TokenRequest } from '../../app/staff/staff-tokens.js';
import { deleteDraft, listQuestionnaires, publishDraft, retireVersion, saveDraft, startDraft, validateDraft } from '../../app/questionnaires/questionnaire-lifecycle.js';
import { diffQuestionnaires } from '../../app/questionnaires/questionnaire-diff.js';
import { SimulatorHop, simulateDraftHop } from '../../app/questionnaires/simulate-draft.js';
import { addDistrict, createFacility, facilityCsv, FacilityInput, importFacilityCsv, knownDistricts, setFacilityActive, updateFacility } from '../../app/facilities/facility-admin.js';
import { FacilityTypeCode } from '../../app/facilities/facility-types.js';
import { exportFilter, exportResponses } from '../../app/responses/export-responses.js';
import type { DashboardView } from '../../app/staff/dashboard-views.js';
import { languageCompleteness } from '../../app/questionnaires/language-completeness.js';
import { publicResponses } from '../../app/responses/public-response.js';
import { parsePeriod } from '../../app/scorecards/period.js';
import { publicOutboxMessage } from '../../app/scorecards/public-outbox-message.js';
import { isCalendarDay } from '../../text/time.js';
import { parseOr400 } from '../validation.js';
import { PinForm, removeManagerPin, setManagerPin, type PinWrite } from '../../app/cases/manager-pin.js';
import { FACILITY_CODE, IDENTIFIER } from '../../engine/codes.js';

/** The staff API under /api/v1: thin handlers over the use cases; inputs validated with zod. */

const QuestionnaireId = z.string().regex(IDENTIFIER, 'use lower-case letters, digits and _, starting with a letter');
const VersionNumber = z.coerce.number().int().min(1, 'must be a version number (1 or more)');
const VersionParams = z.object({ id: QuestionnaireId, version: VersionNumber });
const DraftParams = z.object({ draftId: z.string().regex(/^d_[0-9a-f]{12}$/, 'is not a draft id') });
const FacilityParams = z.object({ code: z.string().regex(FACILITY_CODE, 'must be a facility code of 3 to 8 digits') });
const ManagerPinParams = FacilityParams.extend({ index: z.coerce.number({ error: "must be the manager's place in the list, from 0" }).int().min(0).max(99) });
export const DraftStartBody = z.object({
  questionnaireId: QuestionnaireId,
  fromVersion: VersionNumber.optional(),
  /** a new questionnaire only: the kinds of service it serves (stored facility type codes) */
  facilityTypes: z.array(FacilityTypeCode).min(1, 'name at least one facility type').max(20).optional(),
});
export const DraftBody = z.object({ definition: z.unknown(), texts: z.unknown(), revision: z.number().int().min(0) });
export const ValidateBody = z.object({ questionnaireId: QuestionnaireId.optional(), definition: z.unknown(), texts: z.unknown() });
export const PublishBody = z.object({ revision: z.number().int().min(0).optional() });
const DiffQuery = z.object({ from: VersionNumber, to: VersionNumber }).strict();
/** A date (YYYY-MM-DD, as a date picker sends it: a whole local day in the programme's time zone) or an ISO 8601 date-time with its offset. */
const isoDate = (name: string) =>
  z
    .union([z.iso.datetime({ offset: true }), z.string().refine(isCalendarDay)], {
      error: `must be a date such as 2026-10-01 or an ISO 8601 date-time such as 2026-10-01T00:00:00Z (${name})`,
    })
    .optional();
export const ExportQuery = z
  .object({
    format: z.enum(['csv', 'ndjson']).default('csv'),
    lang: z
      .string()
      .regex(/^[a-z]{2,3}$/)
      .optional(),
    facility: z.string().regex(FACILITY_CODE, 'must be a facility code of 3 to 8 digits').optional(),
    district: z.string().min(1).max(60).optional(),
    type: z.string().regex(IDENTIFIER).optional(),
    questionnaire: QuestionnaireId.optional(),
    version: VersionNumber.optional(),
    from: isoDate('from'),
    to: isoDate('to'),
    channel: z.enum(['ussd', 'voice']).optional(),
    status: z.enum(['in_progress', 'complete', 'abandoned']).optional(),
  })
  .strict();
export const DashboardQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }).strict();
export const ImportQuery = z.object({ dryRun: z.enum(['true', 'false']).default('true') }).strict();
const DistrictBody = z.object({ name: z.string().trim().min(2, 'is required').max(60) });
const AuditQuery = z.object({ target: z.string().max(120).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();

export const ResponsesQuery = z
  .object({
    facility: z.string().regex(FACILITY_CODE, 'must be a facility code of 3 to 8 digits').optional(),
    from: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-10-01T00:00:00Z' }).optional(),
    to: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-11-01T00:00:00Z' }).optional(),
    status: z.enum(['in_progress', 'complete', 'abandoned']).optional(),
    format: z.enum(['json', 'ndjson']).default('json'),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .strict();
const period = z
  .string()
  .refine((p) => parsePeriod(p) !== null, 'must be a month such as 2026-10 or an ISO week such as 2026-W41')
  .optional();
const scorecardFacility = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,16}$/, 'must be a facility code such as 1001')
  .optional();
const listLimit = z.coerce.number({ error: 'must be a number from 1 to 5000' }).int().min(1).max(5000).default(500);
export const ScorecardQuery = z.object({ period, facility: scorecardFacility, district: z.string().min(1).max(64).optional(), limit: listLimit }).strict();
export const OutboxQuery = z.object({ period, facility: scorecardFacility, status: z.enum(['pending', 'sending', 'sent', 'failed']).optional(), limit: listLimit }).strict();

/** How long a download may wait for the client to take more before it is cut off. */
export const STREAM_STALL_MS = 60_000;

/**
 * Writes lines with backpressure and stops when the client goes away. Once the 200 and the
 * first bytes are out, a failure (storage, or a client that takes nothing for `stallMs`)
 * destroys the connection instead of ending the response: the client sees a broken
 * download, never a shorter file that looks complete.
 */
export async function streamLines(res: Response, lines: AsyncIterable<string>, stallMs = STREAM_STALL_MS): Promise<void> {
  let closed = false;
  res.once('close', () => (closed = true));
  const drained = () =>
    new Promise<boolean>((ok) => {
      const done = (result: boolean) => () => {
        clearTimeout(timer);
        res.off('drain', onDrain);
        res.off('close', onClose);
        ok(result);
      };
      const onDrain = done(true);
      const onClose = done(false);
      const timer = setTimeout(done(false), stallMs);
      res.once('drain', onDrain);
      res.once('close', onClose);
    });
  try {
    for await (const line of lines) {
      if (closed) return;
      if (!res.write(line) && !(await drained())) {
        if (!closed) res.destroy(new Error(`the client took nothing for ${stallMs / 1000} s`));
        return;
      }
    }
  } catch (err) {
    if (!res.headersSent) throw err;
    res.destroy(err instanceof Error ? err : new Error(String(err)));
    return;
  }
  if (!closed) res.end();
}

export function exportFileName(q: { format: string }, at: Date) {
  return `responses-${at.toISOString().slice(0, 10)}.${q.format === 'ndjson' ? 'ndjson' : 'csv'}`;
}

export function registerApiRoutes(reg: StaffRegistry, ctx: StaffContext) {
  const { route } = reg;
  const by = (req: Request) => actorName(req.principal);
  const lifecycle = { storage: ctx.storage, clock: ctx.clock, validation: ctx.validation };
  const registry = { storage: ctx.storage, clock: ctx.clock, languages: ctx.languages, defaultCountry: ctx.defaultCountry };

  route({ method: 'get', path: '/api/v1/openapi.json', role: 'public', kind: 'api', summary: 'This OpenAPI document', tag: 'meta' }, (_req, res) => {
    res.json(openApiDocument(reg.specs, { version: '1' }));
  });
  route({ method: 'get', path: '/api/v1/me', role: 'viewer', kind: 'api', summary: 'Who the credentials belong to, and their role', tag: 'meta' }, (req, res) => {
    res.json({ name: req.principal!.name, role: req.principal!.role });
  });

  // ---------------------------------------------------------------- tokens (admin)
  route({ method: 'get', path: '/api/v1/tokens', role: 'admin', kind: 'api', summary: 'List API tokens (never their secret)', tag: 'tokens' }, async (_req, res) => {
    res.json({ items: await listApiTokens(ctx.storage) });
  });
  route(
    {
      method: 'post',
      path: '/api/v1/tokens',
      role: 'admin',
      kind: 'api',
      summary: 'Create an API token; the token is in this answer only',
      tag: 'tokens',
      body: { type: 'json', schema: TokenRequest },
    },
    async (req, res) => {
      const body = parseOr400(TokenRequest, req.body, res);
      if (!body) return;
      const created = await createApiToken(ctx, { ...body, by: by(req) });
      res.status(201).json({ token: created.token, ...created.record });
    },
  );
  route({ method: 'post', path: '/api/v1/tokens/:tokenId/revoke', role: 'admin', kind: 'api', summary: 'Revoke an API token (ends its sessions too)', tag: 'tokens' }, async (req, res) => {
    const id = String(req.params.tokenId);
    if (!(await revokeApiToken(ctx, id, by(req)))) return void res.status(404).json({ error: `no active token ${id}` });
    res.json({ revoked: id });
  });

  // ---------------------------------------------------------------- questionnaires
  route(
    { method: 'get', path: '/api/v1/questionnaires', role: 'viewer', kind: 'api', summary: 'Questionnaires with their versions, current version and drafts', tag: 'questionnaires' },
    async (_req, res) => {
      const list = await listQuestionnaires(ctx.storage, ctx.defaultLanguage);
      res.json({
        items: list.map((q) => ({
          id: q.id,
          title: q.title,
          current: q.current?.version ?? null,
          versions: q.versions.map((v) => ({ version: v.version, status: v.status, publishedAt: v.publishedAt, publishedBy: v.publishedBy })),
          drafts: q.drafts.map((d) => ({ id: d.id, basedOn: d.basedOn, updatedAt: d.updatedAt, updatedBy: d.updatedBy, revision: d.revision })),
        })),
      });
    },
  );
  route({ method: 'get', path: '/api/v1/questionnaires/:id/versions/:version', role: 'viewer', kind: 'api', summary: 'One version: definition and texts', tag: 'questionnaires' }, async (req, res) => {
    const p = parseOr400(VersionParams, req.params, res);
    if (!p) return;
    const v = await ctx.storage.questionnaires.getVersion(p.id, p.version);
    if (!v) return void res.status(404).json({ error: `${p.id} has no version ${p.version}` });
    res.json(v);
  });
  route(
    {
      method: 'get',
      path: '/api/v1/questionnaires/:id/diff',
      role: 'viewer',
      kind: 'api',
      summary: 'What changed between two versions (definition and texts)',
      tag: 'questionnaires',
      query: DiffQuery,
    },
    async (req, res) => {
      const q = parseOr400(DiffQuery, req.query, res);
      const id = parseOr400(QuestionnaireId, req.params.id, res);
      if (!q || !id) return;
      const [a, b] = await Promise.all([ctx.storage.questionnaires.getVersion(id, q.from), ctx.storage.questionnaires.getVersion(id, q.to)]);
      if (!a || !b) return void res.status(404).json({ error: `${id} has no version ${!a ? q.from : q.to}` });
      res.json({ id, from: q.from, to: q.to, changes: diffQuestionnaires(a, b) });
    },
  );
  route(
    {
      method: 'post',
      path: '/api/v1/questionnaires/:id/versions/:version/retire',
      role: 'editor',
      kind: 'api',
      summary: 'Retire a published version: sessions on it finish, new ones use the newest still published',
      tag: 'questionnaires',
    },
    async (req, res) => {
      const p = parseOr400(VersionParams, req.params, res);
      if (!p) return;
      const result = await retireVersion(lifecycle, p.id, p.version, by(req));
      if (!result.ok) return void res.status(409).json({ error: result.message });
      res.json({ retired: `${p.id}@${p.version}`, nowCurrent: result.nowCurrent });
    },
  );

  // ---------------------------------------------------------------- drafts
  route({ method: 'get', path: '/api/v1/drafts', role: 'viewer', kind: 'api', summary: 'List drafts', tag: 'drafts' }, async (_req, res) => {
    res.json({ items: await ctx.storage.drafts.list() });
  });
  route(
    {
      method: 'post',
      path: '/api/v1/drafts',
      role: 'editor',
      kind: 'api',
      summary: 'Start a draft from a version (default: the current one), or a new questionnaire (then facilityTypes names the kinds of service it serves)',
      tag: 'drafts',
      body: { type: 'json', schema: DraftStartBody },
    },
    async (req, res) => {
      const body = parseOr400(DraftStartBody, req.body, res);
      if (!body) return;
      const result = await startDraft(lifecycle, body, by(req));
      if (!result.ok) return void res.status(result.reason === 'not_found' ? 404 : 400).json({ error: result.message });
      res.status(201).json(result.draft);
    },
  );
  route({ method: 'get', path: '/api/v1/drafts/:draftId', role: 'viewer', kind: 'api', summary: 'One draft with its validation report', tag: 'drafts' }, async (req, res) => {
    const p = parseOr400(DraftParams, req.params, res);
    if (!p) return;
    const draft = await ctx.storage.drafts.get(p.draftId);
    if (!draft) return void res.status(404).json({ error: `no draft ${p.draftId}` });
    const { ok, issues, paths } = validateDraft(ctx, draft);
    res.json({ ...draft, validation: { ok, issues, paths } });
  });
  route(
    {
      method: 'put',
      path: '/api/v1/drafts/:draftId',
      role: 'editor',
      kind: 'api',
      summary: 'Save a draft (send the revision you loaded; 409 if someone saved since)',
      tag: 'drafts',
      body: { type: 'json', schema: DraftBody },
    },
    async (req, res) => {
      const p = parseOr400(DraftParams, req.params, res);
      const body = p && parseOr400(DraftBody, req.body, res);
      if (!p || !body) return;
      const result = await saveDraft(lifecycle, p.draftId, body, by(req));
      if (!result.ok) return void res.status(result.reason === 'not_found' ? 404 : 409).json({ error: result.message });
      const { ok, issues, paths } = result.report;
      res.json({ ...result.draft, validation: { ok, issues, paths } });
    },
  );
  route({ method: 'delete', path: '/api/v1/drafts/:draftId', role: 'editor', kind: 'api', summary: 'Delete a draft', tag: 'drafts' }, async (req, res) => {
    const p = parseOr400(DraftParams, req.params, res);
    if (!p) return;
    if (!(await deleteDraft(lifecycle, p.draftId, by(req)))) return void res.status(404).json({ error: `no draft ${p.draftId}` });
    res.json({ deleted: p.draftId });
  });
  route(
    {
      method: 'post',
      path: '/api/v1/validate',
      role: 'editor',
      kind: 'api',
      summary: 'Validate a definition and texts without saving (schema, every path, every screen, every language)',
      tag: 'drafts',
      body: { type: 'json', schema: ValidateBody },
    },
    async (req, res) => {
      const body = parseOr400(ValidateBody, req.body, res);
      if (!body) return;
      const questionnaireId = body.questionnaireId ?? String((body.definition as { id?: unknown } | null)?.id ?? '');
      const { ok, issues, paths } = validateDraft(ctx, { questionnaireId, definition: body.definition, texts: body.texts });
      res.json({ ok, issues, paths });
    },
  );
  route(
    {
      method: 'post',
      path: '/api/v1/drafts/:draftId/publish',
      role: 'editor',
      kind: 'api',
      summary: 'Validate and publish a draft as the next immutable version',
      tag: 'drafts',
      body: { type: 'json', schema: PublishBody },
    },
    async (req, res) => {
      const p = parseOr400(DraftParams, req.params, res);
      const body = p && parseOr400(PublishBody, req.body, res);
      if (!p || !body) return;
      const result = await publishDraft(lifecycle, p.draftId, by(req), body.revision);
      if (!result.ok) return void res.status(result.notFound ? 404 : 422).json({ error: 'not published', issues: result.issues });
      res.status(201).json({ id: result.version.id, version: result.version.version, publishedAt: result.version.publishedAt });
    },
  );
  route(
    {
      method: 'post',
      path: '/api/v1/drafts/:draftId/simulate',
      role: 'editor',
      kind: 'api',
      summary: 'One USSD hop of the phone simulator over a saved draft (stores nothing)',
      tag: 'drafts',
      body: { type: 'json', schema: SimulatorHop },
    },
    async (req, res) => {
      const p = parseOr400(DraftParams, req.params, res);
      const hop = p && parseOr400(SimulatorHop, req.body, res);
      if (!p || !hop) return;
      const draft = await ctx.storage.drafts.get(p.draftId);
      if (!draft) return void res.status(404).json({ error: `no draft ${p.draftId}` });
      const reply = await simulateDraftHop({ ...ctx, screenLimit: ctx.screenLimit }, draft, hop);
      if (!reply.ok) return void res.status(422).json({ error: reply.message });
      res.json(reply);
    },
  );

  // ---------------------------------------------------------------- languages
  route({ method: 'get', path: '/api/v1/languages', role: 'viewer', kind: 'api', summary: 'How complete each language is: USSD texts and voice recordings', tag: 'languages' }, async (_req, res) => {
    res.json({ items: await languageCompleteness(ctx) });
  });

  // ---------------------------------------------------------------- facilities
  route({ method: 'get', path: '/api/v1/facilities', role: 'viewer', kind: 'api', summary: 'List facilities and their managers', tag: 'facilities' }, async (_req, res) => {
    res.json({ items: await ctx.storage.facilities.list() });
  });
  route(
    { method: 'post', path: '/api/v1/facilities', role: 'editor', kind: 'api', summary: 'Create a facility', tag: 'facilities', body: { type: 'json', schema: FacilityInput } },
    async (req, res) => {
      const result = await createFacility(registry, req.body, by(req));
      if (!result.ok) return void res.status(400).json({ error: 'not saved', fields: result.errors });
      res.status(201).json(result.facility);
    },
  );
  route(
    { method: 'get', path: '/api/v1/facilities/export', role: 'viewer', kind: 'api', summary: 'The registry as CSV, in the import format', tag: 'facilities', produces: ['text/csv'] },
    async (_req, res) => {
      res.type('text/csv; charset=utf-8').attachment('facilities.csv');
      await streamLines(res, facilityCsv(ctx.storage));
    },
  );
  route(
    {
      method: 'post',
      path: '/api/v1/facilities/import',
      role: 'editor',
      kind: 'api',
      summary: 'Import facilities and managers from CSV; dryRun=true (default) checks every row and writes nothing',
      tag: 'facilities',
      query: ImportQuery,
      body: { type: 'csv' },
    },
    async (req, res) => {
      const q = parseOr400(ImportQuery, req.query, res);
      if (!q) return;
      if (typeof req.body !== 'string') return void res.status(415).json({ error: 'send the CSV file as the body with Content-Type: text/csv' });
      const result = await importFacilityCsv(registry, req.body, q.dryRun === 'true', by(req));
      res.status(result.ok ? 200 : 422).json(result);
    },
  );
  route({ method: 'get', path: '/api/v1/facilities/:code', role: 'viewer', kind: 'api', summary: 'One facility', tag: 'facilities' }, async (req, res) => {
    const p = parseOr400(FacilityParams, req.params, res);
    if (!p) return;
    const f = await ctx.storage.facilities.findByCode(p.code);
    if (!f) return void res.status(404).json({ error: `no facility ${p.code}` });
    res.json(f);
  });
  route(
    {
      method: 'put',
      path: '/api/v1/facilities/:code',
      role: 'editor',
      kind: 'api',
      summary: 'Edit a facility and its managers (the code cannot change)',
      tag: 'facilities',
      body: { type: 'json', schema: FacilityInput.omit({ code: true }) },
    },
    async (req, res) => {
      const p = parseOr400(FacilityParams, req.params, res);
      if (!p) return;
      const result = await updateFacility(registry, p.code, req.body, by(req));
      if (!result.ok) return void res.status(result.notFound ? 404 : 400).json({ error: 'not saved', fields: result.errors });
      res.json(result.facility);
    },
  );
  /** A manager's USSD PIN (MANAGER_PIN_REQUIRED): set with the PIN twice, or removed; the answer never holds it. */
  const pinWritten = (res: Response, result: PinWrite) => {
    if (result.ok) return void res.json({ ok: true, manager: result.manager });
    res.status(result.notFound ? 404 : 400).json({ error: result.notFound ? 'no such manager' : 'not saved', fields: result.errors });
  };
  route(
    {
      method: 'put',
      path: '/api/v1/facilities/:code/managers/:index/pin',
      role: 'admin',
      kind: 'api',
      summary: "Set a manager's USSD PIN (4 to 6 digits, twice); the manager is their place in the facility's list, from 0",
      tag: 'facilities',
      body: { type: 'json', schema: PinForm },
    },
    async (req, res) => {
      const p = parseOr400(ManagerPinParams, req.params, res);
      if (!p) return;
      pinWritten(res, await setManagerPin(ctx, { facilityCode: p.code, managerIndex: p.index }, req.body, by(req)));
    },
  );
  route({ method: 'delete', path: '/api/v1/facilities/:code/managers/:index/pin', role: 'admin', kind: 'api', summary: "Remove a manager's USSD PIN", tag: 'facilities' }, async (req, res) => {
    const p = parseOr400(ManagerPinParams, req.params, res);
    if (!p) return;
    pinWritten(res, await removeManagerPin(ctx, { facilityCode: p.code, managerIndex: p.index }, by(req)));
  });
  route(
    {
      method: 'post',
      path: '/api/v1/facilities/:code/deactivate',
      role: 'editor',
      kind: 'api',
      summary: 'Deactivate a facility (respondents can no longer report on it; its reports stay)',
      tag: 'facilities',
    },
    async (req, res) => {
      const p = parseOr400(FacilityParams, req.params, res);
      if (!p) return;
      if (!(await setFacilityActive(registry, p.code, false, by(req)))) return void res.status(404).json({ error: `no facility ${p.code}` });
      res.json({ deactivated: p.code });
    },
  );
  route(
    { method: 'get', path: '/api/v1/districts', role: 'viewer', kind: 'api', summary: 'Known districts: those listed by admins and those facilities use', tag: 'facilities' },
    async (_req, res) => {
      res.json({ items: await knownDistricts(ctx.storage) });
    },
  );
  route(
    { method: 'post', path: '/api/v1/districts', role: 'admin', kind: 'api', summary: 'Add a district to the known list', tag: 'facilities', body: { type: 'json', schema: DistrictBody } },
    async (req, res) => {
      const body = parseOr400(DistrictBody, req.body, res);
      if (!body) return;
      const added = await addDistrict(registry, body.name, by(req));
      res.status(added ? 201 : 200).json({ name: body.name, added });
    },
  );

  // ---------------------------------------------------------------- responses, dashboard, audit
  route(
    {
      method: 'get',
      path: '/api/v1/responses/export',
      role: 'viewer',
      kind: 'api',
      summary: 'Stream responses as CSV or NDJSON with answer labels in a chosen language (respondent keys only)',
      tag: 'responses',
      query: ExportQuery,
      produces: ['text/csv', 'application/x-ndjson'],
    },
    async (req, res) => {
      // the download form sends every field; an empty one means "all"
      const given = Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
      const q = parseOr400(ExportQuery, given, res);
      if (!q) return;
      const lang = q.lang ?? ctx.defaultLanguage;
      if (!ctx.languages.includes(lang)) return void res.status(400).json({ error: `bad request: lang: must be one of ${ctx.languages.join(', ')}` });
      // attachment() sets a type from the file name (.ndjson is unknown: octet-stream), so the type comes after it
      res.attachment(exportFileName(q, ctx.clock.now())).type(q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
      await streamLines(res, exportResponses(ctx, exportFilter(q, ctx.timeZone), { format: q.format, lang }));
    },
  );
  route(
    {
      method: 'get',
      path: '/api/v1/responses',
      role: 'viewer',
      kind: 'api',
      summary: 'Raw responses as JSON or NDJSON (streamed), filtered by facility, period and status; respondent keys only',
      tag: 'responses',
      query: ResponsesQuery,
      produces: ['application/json', 'application/x-ndjson'],
    },
    async (req, res) => {
      const q = parseOr400(ResponsesQuery, req.query, res);
      if (!q) return;
      const filter = { facilityCode: q.facility, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, status: q.status };
      const limited = () => publicResponses(ctx.storage, filter, q.limit);
      if (q.format === 'ndjson') {
        async function* lines() {
          for await (const r of limited()) yield `${JSON.stringify(r)}\n`;
        }
        res.type('application/x-ndjson');
        await streamLines(res, lines());
        return;
      }
      const items = [];
      for await (const r of limited()) items.push(r);
      res.json({ items, count: items.length, limit: q.limit });
    },
  );
  route(
    { method: 'get', path: '/api/v1/dashboard', role: 'viewer', kind: 'api', summary: 'Reports per day and satisfaction per facility per day', tag: 'responses', query: DashboardQuery },
    async (req, res) => {
      const q = parseOr400(DashboardQuery, req.query, res);
      if (!q) return;
      const view = await ctx.dashboard.lastDays(q.days);
      res.type('json').send(dashboardJson(view));
    },
  );
  route({ method: 'get', path: '/api/v1/audit', role: 'viewer', kind: 'api', summary: 'The audit log, newest first', tag: 'audit', query: AuditQuery }, async (req, res) => {
    const q = parseOr400(AuditQuery, req.query, res);
    if (!q) return;
    res.json({ items: (await ctx.storage.audit.list({ targetPrefix: q.target, limit: q.limit })).map((e) => ({ ...e, sentence: auditSentence(e) })) });
  });
}

export function registerScorecardApiRoutes(reg: StaffRegistry, ctx: StaffContext) {
  const { route } = reg;
  route(
    {
      method: 'get',
      path: '/api/v1/scorecards',
      role: 'viewer',
      kind: 'api',
      summary: 'Computed facility scorecards, filtered by period, facility and district',
      tag: 'scorecards',
      query: ScorecardQuery,
    },
    async (req, res) => {
      const q = parseOr400(ScorecardQuery, req.query, res);
      if (!q) return;
      const items = await ctx.storage.scorecards.list({ period: q.period, facilityCode: q.facility, district: q.district, limit: q.limit });
      res.json({ items, count: items.length, limit: q.limit });
    },
  );
  route(
    { method: 'get', path: '/api/v1/outbox', role: 'viewer', kind: 'api', summary: 'SMS scorecard messages and their delivery status, phone numbers masked', tag: 'scorecards', query: OutboxQuery },
    async (req, res) => {
      const q = parseOr400(OutboxQuery, req.query, res);
      if (!q) return;
      const items = await ctx.storage.outbox.list({ period: q.period, subjectCode: q.facility, status: q.status, limit: q.limit });
      res.json({ items: items.map(publicOutboxMessage), count: items.length, limit: q.limit });
    },
  );
}

/**
 * A kept view is sent many times: serialise and encode it once. Why a Buffer, not the string:
 * Express encodes a string body into a fresh buffer on every send, and a year's view is some
 * 140 KB of external memory per view; on a process holding a large heap (the memory store),
 * that churn set off full collections that held citizens' hops for tens of milliseconds.
 */
const serialised = new WeakMap<DashboardView, Buffer>();
function dashboardJson(view: DashboardView): Buffer {
  let json = serialised.get(view);
  if (json === undefined) serialised.set(view, (json = Buffer.from(JSON.stringify({ ...view.data, asOf: view.asOf }))));
  return json;
}
