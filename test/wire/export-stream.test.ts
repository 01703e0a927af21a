import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { streamLines } from '../../src/http/staff/api-routes.js';

/**
 * A streamed download either arrives whole or visibly broken: after the 200 is out, a
 * client that takes nothing, or a storage that fails, ends in a destroyed connection, never
 * in a clean end that would make a short file look complete. Real HTTP on port 0.
 */

let server: http.Server | null = null;
afterEach(async () => {
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  server = null;
});

async function serve(lines: () => AsyncIterable<string>, stallMs: number) {
  const app = express();
  let outcome: Promise<'ended' | 'destroyed'> = Promise.resolve('ended');
  app.get('/export', async (_req, res) => {
    res.type('text/csv').attachment('responses.csv');
    outcome = streamLines(res, lines(), stallMs).then(() => (res.destroyed && !res.writableFinished ? 'destroyed' : 'ended'));
    await outcome;
  });
  server = await new Promise<http.Server>((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  return { port: (server.address() as AddressInfo).port, outcome: () => outcome };
}

/** What the client saw: status, bytes, and whether the body ended cleanly. */
function download(port: number, options: { read: boolean }) {
  return new Promise<{ status: number; bytes: number; cleanEnd: boolean }>((ok, fail) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/export' }, (res) => {
      let bytes = 0;
      let cleanEnd = false;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => (cleanEnd = true));
      res.on('close', () => ok({ status: res.statusCode ?? 0, bytes, cleanEnd }));
      res.on('error', () => undefined);
      if (!options.read) {
        // a client that stops taking data after the headers, and comes back much later
        res.pause();
        setTimeout(() => res.resume(), 1500);
      }
    });
    req.on('error', fail);
  });
}

async function* many(n: number) {
  const line = `${'x'.repeat(200)}\n`;
  for (let i = 0; i < n; i++) yield line;
}

describe('streamed downloads', () => {
  it('arrive whole when the client reads', async () => {
    const { port, outcome } = await serve(() => many(20_000), 2000);
    const got = await download(port, { read: true });
    expect(got).toEqual({ status: 200, bytes: 20_000 * 201, cleanEnd: true });
    expect(await outcome()).toBe('ended');
  });

  it('are cut off, not ended, when the client stops taking data', async () => {
    const { port, outcome } = await serve(() => many(200_000), 300);
    const got = await download(port, { read: false });
    expect(got.status).toBe(200);
    expect(got.cleanEnd).toBe(false);
    expect(got.bytes).toBeLessThan(200_000 * 201);
    expect(await outcome()).toBe('destroyed');
  });

  it('are cut off, not ended, when storage fails part-way', async () => {
    async function* failing() {
      yield* many(1000);
      throw new Error('cursor lost');
    }
    const { port, outcome } = await serve(failing, 2000);
    const got = await download(port, { read: true });
    expect(got.status).toBe(200);
    expect(got.bytes).toBeLessThanOrEqual(1000 * 201);
    expect(got.cleanEnd).toBe(false);
    expect(await outcome()).toBe('destroyed');
  });
});
