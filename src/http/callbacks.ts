import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { Router } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { parsePlainForm } from './form.js';
import { errorReply } from './app.js';
import type { CallbackPath } from './callback-paths.js';
import { logRequest } from './request-log.js';
import { fieldProblems, summary } from './validation.js';

/**
 * The provider callbacks (POST /ussd, /ussd/events, /voice, /sms/delivery-reports,
 * /sms/incoming), written once, free of Express: the form and the query in, a reply out.
 * They are served two ways, with the same checks in the same order (the body read within
 * its limit, 413 past it; the callback token, compared in constant time; the fields
 * validated with zod, 400 naming each bad one; one log line per request, with its id and
 * the path without the query string, never a phone number):
 *
 * - the lean path (`leanCallbacks`), in front of Express: a callback's POST whose body is a
 *   plain form (as Africa's Talking sends it) is read, checked and answered here, without
 *   Express's request and response objects, its router, or the parsers the callbacks do not
 *   need. In the bench, Express alone cost more CPU per hop than the whole conversation.
 * - Express (`callbackRouter`), for everything else: another content type or encoding, a
 *   body without a Content-Length or past the limit, a form with keys qs reads its own way
 *   (src/http/form.ts), a path spelt with other case or a trailing slash. Those behave
 *   exactly as they always did, through the app's body parsers and error handler.
 */

export type CallbackReply = {
  status: number;
  /** the Content-Type (with charset=utf-8), or null for an empty reply */
  type: 'text/plain' | 'application/xml' | null;
  body: string;
  /** work done once the reply is sent (a delivery report is answered before it is recorded) */
  after?: () => Promise<void>;
};

export type CallbackRequest = { body: unknown; query: Record<string, unknown> };

/** A callback; the service's are on CALLBACK_PATHS (callback-paths.ts); what serves them takes any path, as tests do. */
export type Callback<P extends string = CallbackPath> = { path: P; handle(req: CallbackRequest): Promise<CallbackReply> };

/** true lets the request through; false has been counted (under the callback's path, however the request spelt it) and is answered 401 */
export type CallbackGuard = (query: Record<string, unknown>, path: string) => boolean;

export const textReply = (body: string, status = 200): CallbackReply => ({ status, type: 'text/plain', body });
export const xmlReply = (body: string): CallbackReply => ({ status: 200, type: 'application/xml', body });
export const emptyReply = (): CallbackReply => ({ status: 200, type: null, body: '' });
const REFUSED = textReply('invalid callback token', 401);

/** The fields as the schema reads them, or the 400 that names each bad one. */
export function validated<T>(schema: z.ZodType<T>, value: unknown): { ok: true; data: T } | { ok: false; reply: CallbackReply } {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, reply: textReply(`Bad request: ${summary(fieldProblems(parsed.error))}`, 400) };
}

async function answer(callback: Callback<string>, guard: CallbackGuard, req: CallbackRequest): Promise<CallbackReply> {
  return guard(req.query, callback.path) ? callback.handle(req) : REFUSED;
}

function write(res: ServerResponse, reply: CallbackReply) {
  res.statusCode = reply.status;
  if (reply.type === null) return void res.end();
  res.setHeader('Content-Type', `${reply.type}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(reply.body));
  res.end(reply.body);
}

/** The callbacks as Express routes, after the app's body parsers (the path for every request the lean path passes on). */
export function callbackRouter(callbacks: Callback<string>[], guard: CallbackGuard): Router {
  const router = Router();
  for (const callback of callbacks) {
    router.post(callback.path, async (req, res) => {
      const reply = await answer(callback, guard, { body: req.body, query: req.query });
      res.status(reply.status);
      if (reply.type === null) res.end();
      else res.type(reply.type).send(reply.body);
      await reply.after?.();
    });
  }
  return router;
}

const FORM = 'application/x-www-form-urlencoded';

/** A plain form in UTF-8 (the default), nothing else in the Content-Type. */
function isPlainFormType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const semi = header.indexOf(';');
  if (semi === -1) return header.trim().toLowerCase() === FORM;
  if (header.slice(0, semi).trim().toLowerCase() !== FORM) return false;
  const params = header
    .slice(semi + 1)
    .trim()
    .toLowerCase();
  return params === 'charset=utf-8' || params === 'charset="utf-8"';
}

/**
 * The request listener the server runs: callbacks on the lean path, every other request to
 * `fallback` (the Express app). A callback's POST takes the lean path when its Content-Type
 * is a plain form in UTF-8, it has no Content-Encoding or Transfer-Encoding, and its
 * Content-Length is within the limit; a body that turns out not to be a plain form is handed
 * to Express unread (put back on the stream), so body-parser reads it as it always has.
 */
export function leanCallbacks(options: {
  callbacks: Callback<string>[];
  guard: CallbackGuard;
  log: Logger;
  bodyLimitBytes: number;
  parameterLimit: number;
  fallback: RequestListener;
}): RequestListener {
  const byPath = new Map(options.callbacks.map((c) => [c.path, c]));
  const { log, fallback } = options;

  /** As the Express path does it: the log line, the guard, the callback, its reply; an error as the app's error handler answers it. */
  async function serve(callback: Callback<string>, request: CallbackRequest, req: IncomingMessage, res: ServerResponse, url: string, started: bigint) {
    const reqId = logRequest(log, req, res, url, started, 'lean');
    try {
      const reply = await answer(callback, options.guard, request);
      write(res, reply);
      await reply.after?.();
    } catch (err) {
      const reply = errorReply(err);
      if (reply.status >= 500) log.error({ err, reqId }, 'unhandled error');
      if (!res.headersSent) write(res, textReply(reply.text, reply.status));
    }
  }

  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const callback = req.method === 'POST' ? byPath.get(path) : undefined;
    const length = callback ? leanLength(req, options.bodyLimitBytes) : -1;
    if (!callback || length < 0) return fallback(req, res);

    const started = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    let size = 0;
    let form: Record<string, unknown> | null = length === 0 ? {} : null;
    const onReadable = () => {
      for (let chunk = req.read() as Buffer | null; chunk !== null; chunk = req.read() as Buffer | null) {
        chunks.push(chunk);
        size += chunk.length;
      }
      if (size < length || form !== null) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      form = parsePlainForm(body.toString('latin1'), options.parameterLimit);
      if (form === null) {
        // not a plain form: Express reads it, from the start, as it reads any other request
        req.off('readable', onReadable);
        req.off('end', onEnd);
        req.unshift(body);
        fallback(req, res);
      }
    };
    const onEnd = () => {
      if (form === null) return; // the connection ended before the body was whole: nobody to answer
      void serve(callback, { body: form, query: parseQuery(q === -1 ? '' : url.slice(q + 1)) }, req, res, url, started);
    };
    req.on('readable', onReadable);
    req.on('end', onEnd);
  };
}

/** The body's length when the request may take the lean path, else -1. */
function leanLength(req: IncomingMessage, limit: number): number {
  const h = req.headers;
  if (h['transfer-encoding'] !== undefined || h['content-encoding'] !== undefined || !isPlainFormType(h['content-type'])) return -1;
  const declared = h['content-length'];
  if (declared === undefined || !/^\d{1,9}$/.test(declared)) return -1;
  const length = Number(declared);
  return length <= limit ? length : -1;
}
