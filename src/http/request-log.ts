import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

const GIVEN_ID = /^[\w.-]{1,64}$/;

/**
 * One log line per request, with its id (an incoming x-request-id is honoured, else a new
 * one, echoed back), the path without its query string (callback tokens travel there),
 * status and duration. Written when the response finishes and only if the level is on:
 * pino-http builds a child logger for every request, which cost more than a USSD hop.
 * Used by the Express app and by the callbacks' lean path alike; the lean path's lines say
 * `via: "lean"`, so an operator (and the callback fuzz test) can tell which path served a
 * callback, e.g. that a provider's requests stopped qualifying for it.
 */
export function logRequest(log: Logger, req: IncomingMessage, res: ServerResponse, url: string, started = process.hrtime.bigint(), via?: 'lean'): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  res.once('finish', () => {
    const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
    if (!log.isLevelEnabled(level)) return;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    log[level]({ reqId: id, method: req.method, path: url.split('?')[0], status: res.statusCode, ms: Math.round(ms * 10) / 10, via }, 'request');
  });
  return id;
}
