import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';

/**
 * The provider callbacks are served on a lean path in front of Express (src/http/callbacks.ts)
 * and by Express for whatever that path passes on. Here the real service answers two callers
 * who do the same things, one posting as Africa's Talking does (a form with a Content-Length:
 * the lean path) and one chunked (passed on to Express): every reply is the same.
 */

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ AT_CALLBACK_TOKEN: 'callback-token-for-paths-0123' });
});
afterAll(() => t.stop());

function post(path: string, fields: Record<string, string>, chunked: boolean): Promise<{ status: number; type: string | undefined; text: string }> {
  const body = Buffer.from(new URLSearchParams(fields).toString());
  return new Promise((ok, fail) => {
    const req = http.request(
      `${t.url}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(chunked ? {} : { 'content-length': String(body.length) }) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, type: res.headers['content-type'], text }));
      },
    );
    req.on('error', fail);
    if (chunked) req.write(body);
    req.end(chunked ? undefined : body);
  });
}

const TOKEN = '?token=callback-token-for-paths-0123';

it('answers a whole USSD report the same on the lean path and through Express', async () => {
  // the report names a concern (rated 2, a long wait): its last screen asks "May we SMS you?", answered No
  const inputs = ['', '1', '1001', '1', '3', '2', '2', '2', '2', '2', '1', '2', '2'];
  const replies = { lean: [] as string[], express: [] as string[] };
  for (const [way, chunked] of [
    ['lean', false],
    ['express', true],
  ] as const) {
    const typed: string[] = [];
    for (const input of inputs) {
      if (input !== '') typed.push(input);
      const fields = { sessionId: `ATUid_paths_${way}`, serviceCode: '*384*123#', phoneNumber: way === 'lean' ? '+254711009001' : '+254711009002', networkCode: '63902', text: typed.join('*') };
      const res = await post(`/ussd${TOKEN}`, fields, chunked);
      replies[way].push(`${res.status} ${res.type} ${res.text.replace(/R\d{3}-\d{4}-\d{2}/, 'R…')}`);
    }
  }
  expect(replies.lean).toEqual(replies.express);
  expect(replies.lean.at(-1)).toMatch(/^200 text\/plain; charset=utf-8 END Thank you/);
});

it('answers bad and refused callbacks the same on both paths, on every callback', async () => {
  const cases: Array<[string, Record<string, string>]> = [
    ['/ussd', { sessionId: 'x', serviceCode: '*384*123#', phoneNumber: 'nope', text: '' }],
    [`/ussd${TOKEN}`, { sessionId: 'x', serviceCode: '*384*123#', phoneNumber: 'nope', text: '' }],
    [`/ussd/events${TOKEN}`, { sessionId: 'ATUid_never', status: 'Incomplete' }],
    [`/ussd/events${TOKEN}`, { status: 'Incomplete' }],
    [`/voice${TOKEN}`, { isActive: '1', sessionId: 'ATVId_x', direction: 'Inbound', callerNumber: 'nope', destinationNumber: '+254711082000' }],
    [`/voice${TOKEN}`, { isActive: '0', sessionId: 'ATVId_never', durationInSeconds: '3' }],
    ['/voice', { isActive: '0', sessionId: 'ATVId_never' }],
    [`/sms/delivery-reports${TOKEN}`, { id: 'ATXid_unknown', status: 'Success' }],
    [`/sms/delivery-reports${TOKEN}`, { id: 'ATXid_unknown', status: 'Maybe' }],
    [`/sms/incoming${TOKEN}`, { id: '', from: '+254711000111', text: '1' }],
  ];
  for (const [path, fields] of cases) {
    const lean = await post(path, fields, false);
    const viaExpress = await post(path, fields, true);
    expect(lean, `${path} ${JSON.stringify(fields)}`).toEqual(viaExpress);
  }
  expect((await post('/ussd', cases[0]![1], false)).status).toBe(401);
  expect(t.logs.join('')).not.toContain('callback-token-for-paths');
  // neither caller's number: the lean path's nor the one Express served
  expect(t.logs.join('')).not.toContain('254711009001');
  expect(t.logs.join('')).not.toContain('254711009002');
});

/** A POST with a Content-Length and any Content-Type (none when null). */
function postAs(path: string, body: string, contentType: string | null): Promise<{ status: number; text: string }> {
  const data = Buffer.from(body);
  return new Promise((ok, fail) => {
    const headers: Record<string, string> = { 'content-length': String(data.length), ...(contentType ? { 'content-type': contentType } : {}) };
    const req = http.request(`${t.url}${path}`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', fail);
    req.end(data);
  });
}

it('answers 413 to a body past the limit on every callback, whatever its type, on the lean path and through Express', async () => {
  // 20 KB against the default 16 KB: AT's fields, then padding
  const big = `sessionId=ATUid_big&serviceCode=*384*123%23&phoneNumber=%2B254711009003&text=&pad=${'x'.repeat(20_000)}`;
  const types = ['application/x-www-form-urlencoded', 'text/plain', 'application/json', 'application/octet-stream', 'application/x-www-form-urlencoded; charset=utf-16', null];
  const replies: string[] = [];
  for (const path of ['/ussd', '/ussd/events', '/voice', '/sms/delivery-reports', '/sms/incoming']) {
    // as AT spells the path (the lean path's, were the body within the limit) and as only Express routes it
    for (const spelt of [path, `${path.toUpperCase()}/`]) {
      for (const type of types) {
        const res = await postAs(`${spelt}${TOKEN}`, big, type);
        replies.push(`${spelt} ${type}: ${res.status} ${res.text}`);
      }
    }
  }
  expect(replies.filter((r) => !r.endsWith(': 413 Request body too large'))).toEqual([]);
  // the controls: within the limit, the lean path answers the form and the text/plain body is a 400 for its fields
  const small = 'sessionId=ATUid_small&serviceCode=*384*123%23&phoneNumber=%2B254711009003&text=';
  expect((await postAs(`/ussd${TOKEN}`, small, 'application/x-www-form-urlencoded')).status).toBe(200);
  expect((await postAs(`/ussd${TOKEN}`, small, 'text/plain')).status).toBe(400);
  // no session was started by a refused body
  expect(await t.storage.sessions.get('ussd', 'ATUid_big')).toBeNull();
});
