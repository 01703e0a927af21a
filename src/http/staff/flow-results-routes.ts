import type { Request } from 'express';
import { z } from 'zod';
import type { StaffContext } from './context.js';
import type { StaffRegistry } from './registry.js';
import { streamLines } from './api-routes.js';
import { fieldProblems, sendBadRequest } from '../validation.js';
import { flowResultsJson, flowResultsPackage, flowResultsRows } from '../../app/responses/flow-results.js';
import { IDENTIFIER } from '../../engine/codes.js';

/**
 * FLOIP Flow Results for staff (never public): the package descriptor and its rows. The
 * export key names who the export is for; pseudonyms differ per key (see flow-results.ts).
 */

const Params = z.object({ questionnaireId: z.string().regex(IDENTIFIER, 'is not a questionnaire id') });
export const FlowResultsQuery = z
  .object({
    key: z.string({ error: 'is required: name the export, e.g. key=partner-2026 (ids differ per key)' }).regex(/^[A-Za-z0-9_-]{3,64}$/, 'use 3 to 64 letters, digits, - or _'),
  })
  .strict();

export function registerFlowResultsRoutes(reg: StaffRegistry, ctx: StaffContext) {
  const { route } = reg;
  const deps = { storage: ctx.storage, settings: { timeZone: ctx.timeZone, defaultLanguage: ctx.defaultLanguage, exportSecret: ctx.flowResultsSecret } };
  const parse = (req: Request) => {
    const params = Params.safeParse(req.params);
    const query = FlowResultsQuery.safeParse(req.query);
    const fields = [...(params.success ? [] : fieldProblems(params.error, 'questionnaireId')), ...(query.success ? [] : fieldProblems(query.error, 'key'))];
    return params.success && query.success ? { ok: true as const, id: params.data.questionnaireId, key: query.data.key } : { ok: false as const, fields };
  };

  route(
    {
      method: 'get',
      path: '/api/v1/flow-results/:questionnaireId',
      role: 'viewer',
      kind: 'api',
      tag: 'flow-results',
      summary: 'FLOIP Flow Results package descriptor (Frictionless Data Package) for a questionnaire; ids are pseudonyms of this export key',
      query: FlowResultsQuery,
    },
    async (req, res) => {
      const p = parse(req);
      if (!p.ok) return sendBadRequest(res, p.fields);
      const dataUrl = `${req.protocol}://${req.host}/api/v1/flow-results/${p.id}/responses?key=${encodeURIComponent(p.key)}`;
      const descriptor = await flowResultsPackage(deps, p.id, dataUrl);
      if (!descriptor) return void res.status(404).json({ error: `no published questionnaire ${p.id}` });
      res.type('application/json').json(descriptor);
    },
  );

  route(
    {
      method: 'get',
      path: '/api/v1/flow-results/:questionnaireId/responses',
      role: 'viewer',
      kind: 'api',
      tag: 'flow-results',
      summary: "The package's rows as the spec's JSON row arrays, streamed",
      query: FlowResultsQuery,
    },
    async (req, res) => {
      const p = parse(req);
      if (!p.ok) return sendBadRequest(res, p.fields);
      const rows = await flowResultsRows(deps, p.id, p.key);
      if (!rows) return void res.status(404).json({ error: `no published questionnaire ${p.id}` });
      res.type('application/json');
      await streamLines(res, flowResultsJson(rows));
    },
  );
}
