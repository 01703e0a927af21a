import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeVoiceXml } from '../support/voice-xml.js';
import { recordedRoot, startVoiceService, type VoiceTestService } from '../support/voice.js';

let t: VoiceTestService;
beforeAll(async () => {
  t = await startVoiceService({}, { root: recordedRoot(['sw']) });
});
afterAll(() => t.stop());

it('smoke', async () => {
  const c = t.call();
  const hops = [await c.dial()];
  for (const d of ['1', '1001', '1', '2', '4']) hops.push(await c.press(d));
  hops.push(await c.silence());
  hops.push(await c.press('*'));
  console.log(hops.map((h) => `> ${h.path} ${JSON.stringify(h.form.dtmfDigits ?? '')}\n${h.status} ${describeVoiceXml(h.body).join('\n')}`).join('\n\n'));
  const c2 = t.call('+254711000112');
  const h = [await c2.dial(), await c2.press('2'), await c2.press('1001'), await c2.press('1')];
  console.log(h.map((x) => `> ${x.path}\n${x.body}`).join('\n\n'));
  expect(1).toBe(1);
});
