import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Role } from '../security.js';
import type { StaffAuth } from './auth.js';
import { MAX_SPREADSHEET_BYTES } from '../../app/questionnaires/formats/spreadsheet.js';

/**
 * Every staff route is declared here with its method, path, role and shapes, so one list
 * drives the router, the guards, the OpenAPI document and the tests that check 401 and 403
 * on each route. Each route parses its own body with its own limit: forms and JSON up to
 * 256 KB, CSV and .xlsx uploads up to 2 MB (larger ones get 413).
 */

export const FORM_LIMIT = '256kb';
export const CSV_LIMIT_BYTES = 2 * 1024 * 1024;

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export type BodyKind = 'json' | 'form' | 'csv' | 'xlsx';
export type StaffRouteSpec = {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  role: Role | 'public';
  kind: 'api' | 'page';
  summary: string;
  tag?: string;
  query?: z.ZodObject;
  body?: { type: BodyKind; schema?: z.ZodType };
  /** media types of a successful answer; JSON when absent */
  produces?: string[];
};

type Handler = (req: Request, res: Response) => Promise<unknown> | unknown;

const parsers: Record<BodyKind, RequestHandler> = {
  json: express.json({ limit: FORM_LIMIT }),
  form: express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 5000 }),
  csv: express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: CSV_LIMIT_BYTES }),
  xlsx: spreadsheetParser(),
};

/** Reads a workbook into memory as a Buffer (never to disk); a file over the cap is refused with a sentence. */
function spreadsheetParser(): RequestHandler {
  const raw = express.raw({ type: [XLSX_MEDIA_TYPE, 'application/octet-stream'], limit: MAX_SPREADSHEET_BYTES });
  const megabytes = MAX_SPREADSHEET_BYTES / 1024 / 1024;
  return (req, res, next) =>
    raw(req, res, (err?: unknown) => {
      if ((err as { status?: number } | undefined)?.status === 413)
        return void res.status(413).json({ error: `The file is larger than ${megabytes} MB, the most an upload may be. Remove unused sheets or images and try again.` });
      next(err);
    });
}

export type PageErrors = { unauthorized(req: Request): string; forbidden(req: Request, message: string): string };

export function createStaffRegistry(auth: StaffAuth, pageErrors: PageErrors) {
  const router = Router();
  const specs: StaffRouteSpec[] = [];
  function route(spec: StaffRouteSpec, handler: Handler) {
    specs.push(spec);
    const chain: RequestHandler[] = [];
    if (spec.method !== 'get') {
      // a form page may also post from a script (JSON), so pages accept both
      const kinds: BodyKind[] = spec.body ? [spec.body.type] : spec.kind === 'page' ? ['form', 'json'] : ['json'];
      for (const kind of kinds) chain.push(parsers[kind]);
    }
    if (spec.role !== 'public') chain.push(auth.guard(spec.role, spec.kind, pageErrors));
    chain.push(async (req: Request, res: Response, next: NextFunction) => {
      try {
        await handler(req, res);
      } catch (err) {
        next(err);
      }
    });
    router[spec.method](spec.path, ...chain);
  }
  return { router, specs, route };
}
export type StaffRegistry = ReturnType<typeof createStaffRegistry>;

const toSchema = (schema: z.ZodType) => {
  const { $schema, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  void $schema;
  return rest;
};

/** The OpenAPI 3.1 document for the staff API (routes under /api/v1). */
export function openApiDocument(specs: StaffRouteSpec[], info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs.filter((s) => s.kind === 'api')) {
    const path = spec.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [...spec.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (spec.query) {
      for (const [name, schema] of Object.entries(spec.query.shape)) {
        const s = schema as z.ZodType;
        parameters.push({ name, in: 'query', required: !s.safeParse(undefined).success, schema: toSchema(s) });
      }
    }
    const produces = spec.produces ?? ['application/json'];
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag ?? 'staff'],
      operationId: `${spec.method}${path.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      'x-required-role': spec.role,
      parameters,
      responses: {
        '200': { description: 'OK', content: Object.fromEntries(produces.map((p) => [p, {}])) },
        '400': { description: 'Bad request: names each bad field' },
        ...(spec.role === 'public' ? {} : { '401': { description: 'No or invalid credentials' }, '403': { description: `Needs the ${spec.role} role (or a CSRF token with a session cookie)` } }),
        ...(spec.body?.type === 'csv' ? { '413': { description: `Upload larger than ${CSV_LIMIT_BYTES} bytes` } } : {}),
        ...(spec.body?.type === 'xlsx' ? { '413': { description: `Upload larger than ${MAX_SPREADSHEET_BYTES} bytes` } } : {}),
      },
      ...(spec.role === 'public' ? { security: [] } : {}),
    };
    if (spec.body) {
      const mediaType = { csv: 'text/csv', form: 'application/x-www-form-urlencoded', json: 'application/json', xlsx: XLSX_MEDIA_TYPE }[spec.body.type];
      const schema = spec.body.schema ? toSchema(spec.body.schema) : spec.body.type === 'xlsx' ? { type: 'string', format: 'binary' } : { type: 'string' };
      operation.requestBody = { required: true, content: { [mediaType]: { schema } } };
    }
    (paths[path] ??= {})[spec.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Citizen report card: staff API',
      version: info.version,
      description:
        'Questionnaires (drafts, validation, publishing, retiring, diffs), facilities and managers, responses export, dashboard and audit log. ' +
        'Authenticate with `Authorization: Bearer <token>` (tokens have the roles viewer < editor < admin). ' +
        'A browser session cookie also works; then every non-GET request must send the x-csrf-token header.',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
