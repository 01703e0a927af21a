import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/**
 * Express assembly: request ids, logs without phone numbers or tokens, body limits (413),
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
  const urlencoded = express.urlencoded({ extended: false, limit: options.bodyLimitBytes, parameterLimit: 100 });
  const json = express.json({ limit: options.bodyLimitBytes });
  const own = options.ownBodyParsing;
  app.use((req, res, next) => (own?.test(req.path) ? next() : urlencoded(req, res, next)));
  app.use((req, res, next) => (own?.test(req.path) ? next() : json(req, res, next)));
  for (const router of options.routers) app.use(router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = typeof err?.status === 'number' ? err.status : 500;
    if (status === 413) return void res.status(413).type('text/plain').send('Request body too large');
    if (status >= 400 && status < 500)
      return void res
        .status(status)
        .type('text/plain')
        .send(`Bad request: ${BODY_ERRORS[err.type as string] ?? err.message}`);
    options.log.error({ err, reqId: res.getHeader('x-request-id') }, 'unhandled error');
    if (!res.headersSent) res.status(500).type('text/plain').send('Internal error');
  };
  app.use(onError);
  return app;
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

/**
 * One log line per request, with its id (an incoming x-request-id is honoured, else a new
 * one, echoed back), the path without its query string (callback tokens travel there),
 * status and duration. Written when the response finishes and only if the level is on:
 * pino-http builds a child logger for every request, which cost more than a USSD hop.
 */
function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      if (!log.isLevelEnabled(level)) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log[level]({ reqId: id, method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}
