import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { z } from 'zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp, FORM_PARAMETER_LIMIT } from '../../src/http/app.js';
import { type Callback, callbackRouter, leanCallbacks, textReply, validated } from '../../src/http/callbacks.js';
import { callbackTokenGuard } from '../../src/http/security.js';

/**
 * The callbacks' lean path in front of the Express app: which requests it serves itself,
 * which it passes on (and that those reach Express whole), and that both answer alike:
 * limits, token, validation, errors, one log line per request.
 */

const logs: string[] = [];
const log = pino(
  { level: 'info' },
  new Writable({
    write(chunk, _e, done) {
      logs.push(String(chunk));
      done();
    },
  }),
);
let served: Array<'lean' | 'express'> = [];
const reachedExpress = new WeakSet<object>();
const Echo = z.object({ name: z.string().min(1, 'is required'), n: z.coerce.number().int().optional() });
let lastBody: unknown = null;

const echo: Callback<string> = {
  path: '/echo',
  async handle(req) {
    lastBody = req.body;
    const v = validated(Echo, req.body);
    if (!v.ok) return v.reply;
    if (v.data.name === 'boom') throw new Error('boom');
    return textReply(`hello ${v.data.name}${v.data.n ?? ''}`);
  },
};
const guard = callbackTokenGuard('secret-token-0123456789', () => {});

let server: Server;
let port = 0;
beforeAll(async () => {
  const app = createHttpApp({ log, bodyLimitBytes: 1024, routers: [callbackRouter([echo], guard)] });
  const viaExpress = express();
  viaExpress.use((req, _res, next) => {
    reachedExpress.add(req);
    next();
  });
  viaExpress.use(app);
  const lean = leanCallbacks({ callbacks: [echo], guard, log, bodyLimitBytes: 1024, parameterLimit: FORM_PARAMETER_LIMIT, fallback: viaExpress });
  server = http.createServer((req, res) => {
    res.once('finish', () => void served.push(reachedExpress.has(req) ? 'express' : 'lean'));
    lean(req, res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));
beforeEach(() => {
  served = [];
  logs.length = 0;
});

/** A POST as node sends it: with a Content-Length, or chunked when `chunked`. */
function post(path: string, body: string | Buffer, headers: Record<string, string> = {}, chunked = false): Promise<{ status: number; type: string | undefined; text: string; id: string | undefined }> {
  return new Promise((ok, fail) => {
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(chunked ? {} : { 'content-length': String(data.length) }), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, type: res.headers['content-type'], text, id: res.headers['x-request-id'] as string | undefined }));
      },
    );
    req.on('error', fail);
    if (chunked) req.write(data);
    req.end(chunked ? undefined : data);
  });
}
const TOKEN = '?token=secret-token-0123456789';
const requestLines = () => logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');

describe('the lean path', () => {
  it('serves a plain form itself, with the same headers Express gives', async () => {
    const lean = await post(`/echo${TOKEN}`, 'name=ada&n=7');
    const viaExpress = await post(`/echo${TOKEN}`, 'name=ada&n=7', {}, true);
    expect(served).toEqual(['lean', 'express']);
    expect(lean).toMatchObject({ status: 200, type: 'text/plain; charset=utf-8', text: 'hello ada7' });
    expect({ ...viaExpress, id: undefined }).toEqual({ ...lean, id: undefined });
    expect(lean.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['a chunked body', 'name=ada', {}, true],
    ['a JSON body', '{"name":"ada"}', { 'content-type': 'application/json' }, false],
    ['another charset', 'name=ada', { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' }, false],
    ['a compressed body', 'name=ada', { 'content-encoding': 'gzip' }, false],
    ['a body over the limit', `name=${'x'.repeat(2000)}`, {}, false],
  ])('passes %s on to Express', async (_what, body, headers, chunked) => {
    await post(`/echo${TOKEN}`, body, headers as Record<string, string>, chunked as boolean);
    expect(served).toEqual(['express']);
  });

  it('passes other methods, other spellings of the path and other paths on to Express', async () => {
    await post(`/ECHO${TOKEN}`, 'name=ada');
    await post(`/echo/${TOKEN}`, 'name=ada');
    await post('/nowhere', 'name=ada');
    expect(served).toEqual(['express', 'express', 'express']);
  });

  it('hands a body that is not a plain form to Express whole, and Express reads it as it always did', async () => {
    for (const body of ['name=ada&x[y]=1', '%5Bname%5D=ada', 'name=caf\u00e9', `${Array.from({ length: 101 }, (_, i) => `f${i}=1`).join('&')}`]) {
      served = [];
      const lean = await post(`/echo${TOKEN}`, body);
      const leanBody = lastBody;
      const viaExpress = await post(`/echo${TOKEN}`, body, {}, true);
      expect(served, body).toEqual(['express', 'express']);
      expect(lastBody, body).toEqual(leanBody);
      expect({ ...lean, id: undefined }, body).toEqual({ ...viaExpress, id: undefined });
    }
    // the too-many-fields body gets Express's 413
    expect((await post(`/echo${TOKEN}`, Array.from({ length: 101 }, (_, i) => `f${i}=1`).join('&'))).status).toBe(413);
  });

  it('answers alike on both paths: a missing token, a bad field, a thrown error, an empty body', async () => {
    for (const [path, body] of [
      ['/echo', 'name=ada'],
      ['/echo?token=wrong', 'name=ada'],
      ['/echo?token=secret-token-0123456789&token=again', 'name=ada'],
      [`/echo${TOKEN}`, 'n=1'],
      [`/echo${TOKEN}`, 'name=ada&n=x'],
      [`/echo${TOKEN}`, ''],
      [`/echo${TOKEN}`, 'name=boom'],
    ] as const) {
      served = [];
      const lean = await post(path, body);
      const viaExpress = await post(path, body, {}, true);
      expect(served, `${path} ${body}`).toEqual(['lean', 'express']);
      expect({ ...lean, id: undefined }, `${path} ${body}`).toEqual({ ...viaExpress, id: undefined });
    }
    expect((await post('/echo', 'name=ada')).status).toBe(401);
    expect((await post(`/echo${TOKEN}`, 'name=boom')).status).toBe(500);
  });

  it('writes one log line per request, with its id and the path without the query, on either path', async () => {
    await post(`/echo${TOKEN}`, 'name=ada', { 'x-request-id': 'lean-1' });
    await post(`/echo${TOKEN}`, 'name=ada&x[y]=1', { 'x-request-id': 'handed-1' });
    await post(`/echo${TOKEN}`, 'name=ada', { 'x-request-id': 'express-1' }, true);
    await post(`/echo${TOKEN}`, 'name=boom', { 'x-request-id': 'boom-1' });
    const lines = requestLines();
    expect(lines.map((l) => l.reqId)).toEqual(['lean-1', 'handed-1', 'express-1', 'boom-1']);
    // the line says which path served it: the lean path's say so, Express's do not
    expect(lines.map((l) => l.via)).toEqual(['lean', undefined, undefined, 'lean']);
    for (const l of lines) expect(l).toMatchObject({ method: 'POST', path: '/echo' });
    expect(logs.join('')).not.toContain('secret-token');
    expect(logs.filter((l) => l.includes('unhandled error'))).toHaveLength(1);
  });
});
