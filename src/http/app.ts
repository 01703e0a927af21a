import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Router } from 'express';
import { pinoHttp } from 'pino-http';
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
  app.set('trust proxy', true);
  app.use(
    pinoHttp({
      logger: options.log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // log the path only: query strings can carry callback tokens
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
  );
  const urlencoded = express.urlencoded({ extended: false, limit: options.bodyLimitBytes, parameterLimit: 100 });
  const json = express.json({ limit: options.bodyLimitBytes });
  const own = options.ownBodyParsing;
  app.use((req, res, next) => (own?.test(req.path) ? next() : urlencoded(req, res, next)));
  app.use((req, res, next) => (own?.test(req.path) ? next() : json(req, res, next)));
  for (const router of options.routers) app.use(router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const status = typeof err?.status === 'number' ? err.status : 500;
    if (status === 413) return void res.status(413).type('text/plain').send('Request body too large');
    if (status >= 400 && status < 500) return void res.status(status).type('text/plain').send(`Bad request: ${err.type ?? err.message}`);
    req.log?.error({ err }, 'unhandled error');
    if (!res.headersSent) res.status(500).type('text/plain').send('Internal error');
  };
  app.use(onError);
  return app;
}
