import express, { type ErrorRequestHandler, type Router } from 'express';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { logRequest } from './request-log.js';

/**
 * Express assembly: request ids, logs without phone numbers or tokens, body limits (413
 * for any body past the limit, whatever its type, outside the routes that parse their own),
 * and an error handler that turns a malformed body into a 400 rather than a 5xx.
 */
export function createHttpApp(options: {
  log: Logger;
  bodyLimitBytes: number;
  routers: Router[];
  /** paths whose routes parse their own bodies, with their own limits (staff forms, CSV upload) */
  ownBodyParsing?: RegExp;
}) {
  const app = express();
  app.disable('x-powered-by');
  // replies are per-session conversation screens and API reads: nothing to revalidate, so no ETag hashing
  app.set('etag', false);
  app.set('trust proxy', true);
  app.use(requestLog(options.log));
  const urlencoded = express.urlencoded({ extended: false, limit: options.bodyLimitBytes, parameterLimit: FORM_PARAMETER_LIMIT });
  const json = express.json({ limit: options.bodyLimitBytes });
  const own = options.ownBodyParsing;
  // body-parser measures only the types it reads: without this, a 20 KB text/plain body reached
  // a callback unread and was answered 400 for its missing fields instead of 413
  app.use((req, _res, next) => (own?.test(req.path) || !declaredPast(req.headers['content-length'], options.bodyLimitBytes) ? next() : next(TOO_LARGE)));
  app.use((req, res, next) => (own?.test(req.path) ? next() : urlencoded(req, res, next)));
  app.use((req, res, next) => (own?.test(req.path) ? next() : json(req, res, next)));
  for (const router of options.routers) app.use(router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const reply = errorReply(err);
    if (reply.status >= 500) options.log.error({ err, reqId: res.getHeader('x-request-id') }, 'unhandled error');
    if (!res.headersSent) res.status(reply.status).type('text/plain').send(reply.text);
  };
  app.use(onError);
  return app;
}

/** A declared Content-Length past the limit (an unreadable one is left to body-parser, which answers 400). */
function declaredPast(contentLength: string | undefined, limit: number): boolean {
  return contentLength !== undefined && /^\d+$/.test(contentLength) && Number(contentLength) > limit;
}
const TOO_LARGE = Object.freeze({ status: 413, type: 'entity.too.large' });

/** Fields a form may have (more is a 413, as body-parser counts them). */
export const FORM_PARAMETER_LIMIT = 100;

/**
 * What an error thrown while serving a request is answered with: a body too large is a 413,
 * another client error (a body that cannot be read) a 400 saying why, anything else a 500
 * (which the caller logs).
 */
export function errorReply(err: unknown): { status: number; text: string } {
  const e = err as { status?: unknown; type?: unknown; message?: unknown } | null | undefined;
  const status = typeof e?.status === 'number' ? e.status : 500;
  if (status === 413) return { status, text: 'Request body too large' };
  if (status >= 400 && status < 500) return { status, text: `Bad request: ${BODY_ERRORS[e?.type as string] ?? e?.message}` };
  return { status: 500, text: 'Internal error' };
}

/** What the body parsers' error types mean, in plain words for whoever sent the request. */
const BODY_ERRORS: Record<string, string> = {
  'entity.parse.failed': 'the body could not be read: it is not valid JSON (or not the form its Content-Type says)',
  'entity.verify.failed': 'the body could not be verified',
  'charset.unsupported': 'the body is in a character set this service does not read; send UTF-8',
  'encoding.unsupported': 'the body is compressed in a way this service does not read',
  'parameters.too.many': 'the form has too many fields',
  'request.aborted': 'the request was cut off before its body arrived',
  'request.size.invalid': 'the body is not as long as its Content-Length says',
};

function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    logRequest(log, req, res, req.originalUrl);
    next();
  };
}
