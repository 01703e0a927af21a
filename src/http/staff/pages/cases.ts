import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorName, facilityScope, hasRole } from '../auth.js';
import type { StaffContext } from '../context.js';
import type { StaffRegistry } from '../registry.js';
import type { Principal } from '../../security.js';
import { actOnCase, MAX_CASE_NOTE, type ActOnCaseResult } from '../../../app/cases/act-on-case.js';
import { caseForStaff, CASE_LIST_LIMIT, concernsInWords, listCases, type StaffCase } from '../../../app/cases/case-views.js';
import { loadCaseTexts } from '../../../app/cases/case-texts.js';
import { messageIn } from '../../../app/locale-messages.js';
import { html } from '../html.js';
import { csrfField, fmtDate, forbiddenPage, notFoundPage, notice, page } from '../layout.js';
import { recordAudit } from '../../../app/staff/audit.js';
import { CASE_STATUSES } from '../../../engine/cases/case-machine.js';
import { parseReference } from '../../../gateways/ids.js';
import { fieldProblems, formProblems, sendBadRequest } from '../../validation.js';
import { FACILITY_CODE, IDENTIFIER } from '../../../engine/codes.js';
import { countedNoun } from '../../../text/messages.js';

/**
 * Follow-up cases in the staff API: the list, one case with its history and its report's
 * answers, and acting on a case. A facility_manager sees and acts on its own facilities'
 * cases only; viewers read every case; editors and admins also act. Handlers read the
 * request and call the use cases in src/app/cases.
 */

export const CaseListQuery = z
  .object({
    facility: z.string().regex(FACILITY_CODE, 'must be a facility code of 3 to 8 digits').optional(),
    status: z.enum(CASE_STATUSES, { error: `must be one of ${CASE_STATUSES.join(', ')}` }).optional(),
    limit: z.coerce.number().int().min(1).max(CASE_LIST_LIMIT).default(100),
  })
  .strict();

/** The contract's action types (escalation and closing unresolved are the district's, by schedule). */
export const CaseActionBody = z
  .object({
    type: z.enum(['acknowledge', 'action_taken', 'refer', 'resolve', 'reopen', 'note'], { error: 'must be acknowledge, action_taken, refer, resolve, reopen or note' }),
    note: z.string().max(MAX_CASE_NOTE, `must be at most ${MAX_CASE_NOTE} characters`).optional(),
    action: z.string().regex(IDENTIFIER, 'must be an action code such as extra_staff').optional(),
  })
  .strict();

/** Acting on cases: a facility_manager (its facilities) or an editor and above; viewers only read. */
export const mayActOnCases = (p: Principal) => p.role === 'facility_manager' || hasRole(p, 'editor');

const failure = (res: Response, status: number, error: string, extra: object = {}) => void res.status(status).json({ error, ...extra });

export function registerCaseRoutes({ route }: StaffRegistry, ctx: StaffContext) {
  const deps = { storage: ctx.storage, clock: ctx.clock, actionWords: caseActionWords(ctx) };

  route(
    {
      method: 'get',
      path: '/api/v1/cases',
      role: 'facility_manager',
      kind: 'api',
      tag: 'cases',
      summary: 'Follow-up cases, newest first (a facility manager sees its facilities only)',
      query: CaseListQuery,
    },
    async (req, res) => {
      const q = CaseListQuery.safeParse(req.query);
      if (!q.success) return sendBadRequest(res, fieldProblems(q.error));
      const scope = facilityScope(req.principal!);
      if (q.data.facility && scope && !scope.includes(q.data.facility)) return failure(res, 403, `facility ${q.data.facility} is not one of yours`);
      const cases = await listCases(ctx.storage, { facilities: scope, ...q.data });
      res.json({ items: cases });
    },
  );

  /** The case, or an answer already sent (404, 403). */
  async function readableCase(req: Request, res: Response) {
    const reference = parseReference(String(req.params.reference ?? ''));
    if (!reference) return void failure(res, 404, 'not a report reference: 10 letters and digits, such as K7M3-P9QX-AB');
    const view = await caseForStaff(ctx.storage, reference);
    if (!view) return void failure(res, 404, `no case ${reference}`);
    const scope = facilityScope(req.principal!);
    if (scope && !scope.includes(view.case.facilityCode)) return void failure(res, 403, `case ${reference} is not at one of your facilities`);
    return view;
  }

  route(
    {
      method: 'get',
      path: '/api/v1/cases/:reference',
      role: 'facility_manager',
      kind: 'api',
      tag: 'cases',
      summary: "One case (reference with or without dashes): the case, its history and its report's answers",
    },
    async (req, res) => {
      const view = await readableCase(req, res);
      if (view) res.json(view);
    },
  );

  route(
    {
      method: 'post',
      path: '/api/v1/cases/:reference/actions',
      role: 'facility_manager',
      kind: 'api',
      tag: 'cases',
      summary: 'Act on a case: acknowledge, action taken (with what was done), refer up, resolve, reopen or add a note',
      body: { type: 'json', schema: CaseActionBody },
    },
    async (req, res) => {
      const principal = req.principal!;
      if (!mayActOnCases(principal)) return failure(res, 403, `acting on a case needs the facility_manager or editor role; you have ${principal.role}`);
      const body = CaseActionBody.safeParse(req.body ?? {});
      if (!body.success) return sendBadRequest(res, fieldProblems(body.error));
      const reference = parseReference(String(req.params.reference ?? ''));
      if (!reference) return failure(res, 404, 'not a report reference: 10 letters and digits, such as K7M3-P9QX-AB');
      const result = await actOnCase(deps, {
        actor: { kind: principal.role === 'facility_manager' ? 'manager' : 'staff', label: actorName(principal) },
        facilities: facilityScope(principal),
        reference,
        event: body.data.type,
        actionCode: body.data.action ?? null,
        note: body.data.note ?? null,
        channel: 'api',
      });
      if (!result.ok) return answerFailure(res, result);
      await auditCaseAction(deps, principal, result);
      res.json({ case: result.case, transition: result.transition });
    },
  );
}

/** A case as its page shows it: with its facility's name. */
type CaseOnPage = StaffCase & { facilityName?: string };

const FAILURE_STATUS = { not_found: 404, forbidden: 403, invalid: 400, not_allowed: 409, conflict: 409 } as const;

function answerFailure(res: Response, result: Extract<ActOnCaseResult, { ok: false }>) {
  const status = FAILURE_STATUS[result.reason];
  failure(res, status, result.message, result.reason === 'not_allowed' ? { allowed: result.allowed } : {});
}

/**
 * The console's case pages: the list with status and facility filters, one case with its
 * history and the action form, and the reference search every page's header carries.
 */
export function registerCasePages({ route }: StaffRegistry, ctx: StaffContext) {
  const deps = { storage: ctx.storage, clock: ctx.clock, actionWords: caseActionWords(ctx) };
  const texts = loadCaseTexts(ctx.root);
  const label = (key: string, fallback: string) => messageIn(texts, 'en', 'en', key) ?? fallback;
  const statusLabel = (s: string) => label(`status.${s}`, s);
  const actionLabel = (a: string) => label(`action.${a}`, a);
  const send = (res: Response, body: string, status = 200) => res.status(status).type('html').send(body);
  const EVENT_LABEL: Record<string, string> = {
    acknowledge: 'Acknowledge',
    action_taken: 'Action taken',
    refer: 'Refer up (cannot act here)',
    resolve: 'Resolved',
    reopen: 'Reopen',
    note: 'Add a note',
  };
  // the history also names what the schedule did, which no one chooses in the form
  const HISTORY_WORDS: Record<string, string> = {
    acknowledge: 'acknowledged it',
    action_taken: 'recorded what was done',
    refer: 'referred it up (cannot act here)',
    resolve: 'marked it resolved',
    reopen: 'reopened it',
    escalate: 'escalated it to the district',
    close_unresolved: 'closed it, not resolved',
    note: 'added a note',
  };
  const CHANNEL_WORDS: Record<string, string> = {
    ussd: 'by USSD',
    voice: 'by phone call',
    sms: 'by SMS',
    api: 'through the API',
    console: 'on the console',
    schedule: 'on schedule',
  };
  // questions and answers in the console's language, as the responses export labels them
  const wording = { texts: ctx.texts, lang: ctx.defaultLanguage };

  route({ method: 'get', path: '/staff/cases', role: 'facility_manager', kind: 'page', summary: 'Follow-up cases, with status and facility filters' }, async (req, res) => {
    const q = CaseListQuery.safeParse(req.query);
    const scope = facilityScope(req.principal!);
    const query = q.success ? q.data : { limit: 100 };
    const refused = q.success && q.data.facility && scope && !scope.includes(q.data.facility);
    const cases = refused ? [] : await listCases(ctx.storage, { facilities: scope, ...query });
    const concerns = await concernsInWords(ctx.storage, cases, wording);
    const facilityNames = new Map((await ctx.storage.facilities.list()).map((f) => [f.code, f.name]));
    const notFound = typeof req.query.notFound === 'string' ? req.query.notFound : '';
    send(
      res,
      page(
        { title: 'Cases', req, current: '/staff/cases' },
        html`${q.success ? '' : notice('error', 'That filter is not one this page knows; showing every case.')}${refused ? notice('error', 'That facility is not one of yours.') : ''}${notFound ? notice('error', html`No case has the reference ${notFound}. A reference is 10 letters and digits, such as K7M3-P9QX-AB.`) : ''}
<p>Reports that named a concern, newest first. ${scope ? `You see the cases of your facilities: ${scope.join(', ')}.` : ''}</p>
<form method="get" action="/staff/cases" class="row">
<div><label for="f-status">Status</label><select id="f-status" name="status"><option value="">Any</option>${CASE_STATUSES.map((s) => html`<option value="${s}"${q.success && q.data.status === s ? html` selected` : ''}>${statusLabel(s)}</option>`)}</select></div>
<div><label for="f-facility">Facility code</label><input id="f-facility" name="facility" type="text" inputmode="numeric" maxlength="8" value="${q.success ? (q.data.facility ?? '') : ''}"></div>
<div><button type="submit">Filter</button></div></form>
${
  cases.length
    ? html`<table class="cards"><caption>${countedNoun(cases.length, 'case')}</caption><thead><tr><th scope="col">Reference</th><th scope="col">Facility</th><th scope="col">Status</th><th scope="col">Concern</th><th scope="col">Opened</th></tr></thead><tbody>
${cases.map(
  (c) =>
    html`<tr><td data-label="Reference"><a class="reference" href="/staff/cases/${c.reference}">${c.reference}</a></td><td data-label="Facility">${facilityNames.get(c.facilityCode) ?? ''} <code>${c.facilityCode}</code></td><td data-label="Status">${statusLabel(c.status)}</td><td data-label="Concern"><ul class="concerns">${(
      concerns.get(c.reference) ?? []
    ).map((w) => html`<li>${w.question} <strong>${w.answer}</strong></li>`)}</ul></td><td data-label="Opened">${fmtDate(c.openedAt, ctx.timeZone)}</td></tr>`,
)}</tbody></table>`
    : html`<p>No cases.</p>`
}`,
      ),
    );
  });

  route({ method: 'get', path: '/staff/cases/find', role: 'facility_manager', kind: 'page', summary: 'Find a case by its reference, as a citizen reads it out' }, async (req, res) => {
    const typed = typeof req.query.reference === 'string' ? req.query.reference.slice(0, 40) : '';
    const reference = parseReference(typed);
    if (reference && (await ctx.storage.cases.get(reference))) return void res.redirect(303, `/staff/cases/${reference}`);
    res.redirect(303, `/staff/cases?notFound=${encodeURIComponent(reference ?? typed)}`);
  });

  function casePage(req: Request, view: CaseOnPage, error = '', flash = '') {
    const c = view.case;
    const acting = mayActOnCases(req.principal!) && view.allowed.some((e) => e in EVENT_LABEL);
    return page(
      { title: `Case ${c.reference}`, req, current: '/staff/cases' },
      html`${flash ? notice('ok', flash) : ''}${error ? notice('error', error) : ''}
<p><a href="/staff/cases">All cases</a></p>
<p>Facility ${view.facilityName ? `${view.facilityName} ` : ''}${c.facilityCode} (${c.district}). Status: <strong>${statusLabel(c.status)}</strong>${c.resolvedByTimeout ? ' (closed after no reply)' : ''}. Opened ${fmtDate(c.openedAt, ctx.timeZone)}. ${c.contactConsent ? 'The citizen agreed to SMS updates.' : 'The citizen did not ask for SMS updates.'}</p>
<h2>The report</h2>
<table class="answers"><thead><tr><th scope="col">Question</th><th scope="col">Answer</th></tr></thead><tbody>${view.answers.map(
        (a) =>
          html`<tr><td>${a.question ?? a.questionId}</td><td>${a.answer ?? String(a.value)}${a.answer !== undefined && a.answer !== String(a.value) ? html` <code class="key">${String(a.value)}</code>` : ''}${a.questionId in c.concern ? html` <strong class="status-bad">concern</strong>` : ''}</td></tr>`,
      )}</tbody></table>
<h2>History</h2>
<ol class="history">${view.history.map(
        (h) =>
          html`<li><time datetime="${h.at.toISOString()}">${fmtDate(h.at, ctx.timeZone)}</time>, ${h.by.label} ${CHANNEL_WORDS[h.channel] ?? `(${h.channel})`}: ${h.event === 'open' ? 'opened' : (HISTORY_WORDS[h.event] ?? h.event)}${h.from !== h.to ? html`, now <strong>${statusLabel(h.to)}</strong>` : ''}${h.actionCode ? html`. What was done: ${actionLabel(h.actionCode)}` : ''}${h.note ? html`. Note: ${h.note}` : ''}</li>`,
      )}</ol>
${
  acting
    ? html`<h2>Act on this case</h2>
<form method="post" action="/staff/cases/${c.reference}/actions" class="stack">${csrfField(req)}
<label for="a-type">What happened</label><select id="a-type" name="type">${view.allowed.filter((e) => e in EVENT_LABEL).map((e) => html`<option value="${e}">${EVENT_LABEL[e]}</option>`)}</select>
<label for="a-action">What was done (with "Action taken")</label><select id="a-action" name="action"><option value="">—</option>${view.actions.map((a) => html`<option value="${a}">${actionLabel(a)}</option>`)}</select>
<label for="a-note">Note (optional, no phone numbers)</label><input id="a-note" name="note" type="text" maxlength="${MAX_CASE_NOTE}">
<button type="submit">Save</button></form>`
    : ''
}`,
    );
  }

  async function pageCase(req: Request, res: Response): Promise<CaseOnPage | null> {
    const reference = parseReference(String(req.params.reference ?? ''));
    const view = reference ? await caseForStaff(ctx.storage, reference, wording) : null;
    if (!view) {
      send(res, notFoundPage(req, 'No such case.'), 404);
      return null;
    }
    const scope = facilityScope(req.principal!);
    if (scope && !scope.includes(view.case.facilityCode)) {
      send(res, forbiddenPage(req, 'This case is not at one of your facilities'), 403);
      return null;
    }
    return { ...view, facilityName: (await ctx.storage.facilities.findByCode(view.case.facilityCode))?.name };
  }

  route({ method: 'get', path: '/staff/cases/:reference', role: 'facility_manager', kind: 'page', summary: 'One case: the report, its history and the action form' }, async (req, res) => {
    const view = await pageCase(req, res);
    if (view) send(res, casePage(req, view, '', req.query.saved === '1' ? 'Saved.' : ''));
  });

  route({ method: 'post', path: '/staff/cases/:reference/actions', role: 'facility_manager', kind: 'page', summary: 'Act on a case from its page' }, async (req, res) => {
    const view = await pageCase(req, res);
    if (!view) return;
    const principal = req.principal!;
    if (!mayActOnCases(principal)) return send(res, forbiddenPage(req, `Acting on a case needs the facility_manager or editor role; you have ${principal.role}`), 403);
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const body = CaseActionBody.safeParse({
      type: raw.type,
      ...(typeof raw.note === 'string' && raw.note.trim() ? { note: raw.note } : {}),
      ...(typeof raw.action === 'string' && raw.action ? { action: raw.action } : {}),
    });
    if (!body.success) return send(res, casePage(req, view, formProblems(body.error).join('; ')), 400);
    const result = await actOnCase(deps, {
      actor: { kind: principal.role === 'facility_manager' ? 'manager' : 'staff', label: actorName(principal) },
      facilities: facilityScope(principal),
      reference: view.case.reference,
      event: body.data.type,
      actionCode: body.data.action ?? null,
      note: body.data.note ?? null,
      channel: 'console',
    });
    if (!result.ok) {
      const status = FAILURE_STATUS[result.reason];
      const fresh = { ...((await caseForStaff(ctx.storage, view.case.reference, wording)) ?? view), facilityName: view.facilityName };
      return send(res, casePage(req, fresh, result.message), status);
    }
    await auditCaseAction(deps, principal, result);
    res.redirect(303, `/staff/cases/${view.case.reference}?saved=1`);
  });
}

/** "More staff on duty" for the action code extra_staff, as the console (English) names it. */
function caseActionWords(ctx: StaffContext): (code: string) => string {
  const texts = loadCaseTexts(ctx.root);
  return (code) => messageIn(texts, 'en', 'en', `action.${code}`) ?? code;
}

async function auditCaseAction(
  deps: { storage: StaffContext['storage']; clock: StaffContext['clock']; actionWords: (code: string) => string },
  principal: Principal,
  result: Extract<ActOnCaseResult, { ok: true }>,
) {
  const { actionCode } = result.transition;
  await recordAudit(deps, {
    actor: actorName(principal),
    action: `case.${result.transition.event}`,
    target: `case ${result.case.reference}`,
    // what was done in words too, so the audit log reads as a sentence whatever the texts say later
    details: {
      facilityCode: result.case.facilityCode,
      from: result.transition.from,
      to: result.transition.to,
      ...(actionCode ? { action: actionCode, actionLabel: deps.actionWords(actionCode) } : {}),
    },
  });
}
