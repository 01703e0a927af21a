import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parsePlainForm } from '../../src/http/form.js';
import { FORM_PARAMETER_LIMIT } from '../../src/http/app.js';

/**
 * The lean path's form reader gives what Express's urlencoded parser gives, for every body
 * it takes; the bodies it declines go to that parser. Checked against the parser itself
 * (an Express app that echoes req.body), over random bodies built from the pieces that
 * matter: plain and odd keys, repeats, `+`, good and broken percent escapes, escaped
 * brackets, `=` and `&` in odd places, bytes past ASCII.
 */

let server: Server;
let base = '';
beforeAll(async () => {
  const app = express();
  app.use(express.urlencoded({ extended: false, limit: 16 * 1024, parameterLimit: FORM_PARAMETER_LIMIT }));
  app.post('/echo', (req, res) => void res.json({ body: req.body ?? null }));
  app.use(((err, _req, res, _next) => void res.status(err.status ?? 500).json({ error: err.type ?? String(err) })) as express.ErrorRequestHandler);
  server = await new Promise<Server>((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const express_ = async (body: Buffer) => {
  const res = await fetch(`${base}/echo`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return { status: res.status, json: (await res.json()) as { body?: unknown; error?: string } };
};

const piece = fc.oneof(
  fc.constantFrom('sessionId', 'text', 'phoneNumber', 'a', 'A_1', '0', '12', 'constructor', '__proto__', 'toString', 'hasOwnProperty'),
  fc.constantFrom('=', '&', '+', '%', '%2', '%20', '%2B', '%26', '%3D', '%5B', '%5d', '%5D=', '[', ']', ']=', '[]', '[0]', '.', '*', '#', '%E2%82%AC', '%E0%A4%A', '%C3', '%FF', '\u00e9', '\ufeff'),
  fc.string({ maxLength: 6 }),
);
const field = fc.tuple(fc.array(piece, { minLength: 0, maxLength: 3 }), fc.boolean(), fc.array(piece, { maxLength: 4 })).map(([k, eq, v]) => `${k.join('')}${eq ? '=' : ''}${v.join('')}`);
const body = fc.array(field, { maxLength: 8 }).map((fields) => fields.join('&'));

it('reads every body it takes exactly as Express does, and declines the rest', async () => {
  let taken = 0;
  await fc.assert(
    fc.asyncProperty(body, async (text) => {
      const bytes = Buffer.from(text, 'utf8');
      const ours = parsePlainForm(bytes.toString('latin1'), FORM_PARAMETER_LIMIT);
      if (ours === null) return;
      taken++;
      const theirs = await express_(bytes);
      expect(theirs.status, text).toBe(200);
      expect(ours, text).toEqual(theirs.json.body);
    }),
    { numRuns: 1000 },
  );
  // the property is not vacuous: plain bodies are common among the random ones
  expect(taken).toBeGreaterThan(60);
});

it("reads a body as Africa's Talking sends it", async () => {
  const text = new URLSearchParams({ sessionId: 'ATUid_1', serviceCode: '*384*123#', phoneNumber: '+254711000111', networkCode: '63902', text: '1*1001*free text, with * and + signs' }).toString();
  const ours = parsePlainForm(text, FORM_PARAMETER_LIMIT);
  expect(ours).toEqual((await express_(Buffer.from(text))).json.body);
  expect(ours?.text).toBe('1*1001*free text, with * and + signs');
});

it('declines more fields than the limit (Express answers 413)', async () => {
  const text = Array.from({ length: FORM_PARAMETER_LIMIT + 1 }, (_, i) => `f${i}=1`).join('&');
  expect(parsePlainForm(text, FORM_PARAMETER_LIMIT)).toBeNull();
  expect((await express_(Buffer.from(text))).status).toBe(413);
  const most = Array.from({ length: FORM_PARAMETER_LIMIT }, (_, i) => `f${i}=1`).join('&');
  expect(parsePlainForm(most, FORM_PARAMETER_LIMIT)).toEqual((await express_(Buffer.from(most))).json.body);
});

it('takes repeated keys as arrays and drops empty keys, as Express does', async () => {
  for (const text of ['a=1&a=2&a=3', '=x&a=1', 'a&b=', '&&a=1&', 'text=%E0%A4%A&x=%2B+y']) {
    const ours = parsePlainForm(text, FORM_PARAMETER_LIMIT);
    expect(ours, text).not.toBeNull();
    expect(ours, text).toEqual((await express_(Buffer.from(text))).json.body);
  }
});
