import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorName, hasRole } from '../auth.js';
import type { StaffContext } from '../context.js';
import type { StaffRegistry } from '../registry.js';
import type { Principal } from '../../security.js';
import { actOnCase, MAX_CASE_NOTE, type ActOnCaseResult } from '../../../app/cases/act-on-case.js';
import { caseForStaff, CASE_LIST_LIMIT, listCases } from '../../../app/cases/case-views.js';
import { recordAudit } from '../../../app/staff/audit.js';
import { CASE_STATUSES } from '../../../engine/cases/case-machine.js';
import { parseReference } from '../../../gateways/ids.js';

/**
 * Follow-up cases in the staff API: the list, one case with its history and its report's
 * answers, and acting on a case. A facility_manager sees and acts on its own facilities'
 * cases only; viewers read every case; editors and admins also act. Handlers read the
 * request and call the use cases in src/app/cases.
 */

export const CaseListQuery = z
  .object({
    facility: z
      .string()
      .regex(/^\d{3,8}$/, 'must be a facility code of 3 to 8 digits')
      .optional(),
    status: z.enum(CASE_STATUSES, { error: `must be one of ${CASE_STATUSES.join(', ')}` }).optional(),
    limit: z.coerce.number().int().min(1).max(CASE_LIST_LIMIT).default(100),
  })
  .strict();

/** The contract's action types (escalation and closing unresolved are the district's, by schedule). */
export const CaseActionBody = z
  .object({
    type: z.enum(['acknowledge', 'action_taken', 'refer', 'resolve', 'reopen', 'note'], { error: 'must be acknowledge, action_taken, refer, resolve, reopen or note' }),
    note: z.string().max(MAX_CASE_NOTE, `must be at most ${MAX_CASE_NOTE} characters`).optional(),
    action: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be an action code such as extra_staff')
      .optional(),
  })
  .strict();

/** The facilities a principal is limited to, or null for every facility. */
export const caseScope = (p: Principal): string[] | null => (p.role === 'facility_manager' ? (p.facilities ?? []) : null);
/** Acting on cases: a facility_manager (its facilities) or an editor and above; viewers only read. */
export const mayActOnCases = (p: Principal) => p.role === 'facility_manager' || hasRole(p, 'editor');

const failure = (res: Response, status: number, error: string, extra: object = {}) => void res.status(status).json({ error, ...extra });
const badRequest = (res: Response, error: z.ZodError) => {
  const fields = error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  res.status(400).json({ error: `bad request: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, fields });
};

export function registerCaseRoutes({ route }: StaffRegistry, ctx: StaffContext) {
  const deps = { storage: ctx.storage, clock: ctx.clock };

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
      if (!q.success) return badRequest(res, q.error);
      const scope = caseScope(req.principal!);
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
    const scope = caseScope(req.principal!);
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
      if (!body.success) return badRequest(res, body.error);
      const reference = parseReference(String(req.params.reference ?? ''));
      if (!reference) return failure(res, 404, 'not a report reference: 10 letters and digits, such as K7M3-P9QX-AB');
      const result = await actOnCase(deps, {
        actor: { kind: principal.role === 'facility_manager' ? 'manager' : 'staff', label: actorName(principal) },
        facilities: caseScope(principal),
        reference,
        event: body.data.type,
        actionCode: body.data.action ?? null,
        note: body.data.note ?? null,
        channel: 'api',
      });
      if (!result.ok) return answerFailure(res, result);
      await recordAudit(deps, {
        actor: actorName(principal),
        action: `case.${result.transition.event}`,
        target: `case ${reference}`,
        details: { facilityCode: result.case.facilityCode, from: result.transition.from, to: result.transition.to, ...(result.transition.actionCode ? { action: result.transition.actionCode } : {}) },
      });
      res.json({ case: result.case, transition: result.transition });
    },
  );
}

function answerFailure(res: Response, result: Extract<ActOnCaseResult, { ok: false }>) {
  const status = { not_found: 404, forbidden: 403, invalid: 400, not_allowed: 409, conflict: 409 }[result.reason];
  failure(res, status, result.message, result.reason === 'not_allowed' ? { allowed: result.allowed } : {});
}
