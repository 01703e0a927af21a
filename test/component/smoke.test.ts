import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(() => t.stop());

it('walks a clinic report over HTTP', async () => {
  const p = t.phone();
  const hops = [await p.dial()];
  for (const input of ['1', '1001', '1', '2', '4', '1', '5', '1', '98', '1', '00', '2']) hops.push(await p.send(input));
  console.log(hops.map((h) => `> ${h.text}\n${h.body}`).join('\n\n'));
  expect(hops.at(-1)!.body).toMatch(/^END Thank you/);
});
