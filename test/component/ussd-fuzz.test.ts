import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';

/** Whatever a phone sends, the answer is a 200 with a CON or END screen that fits: never a 5xx. */

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ LOG_LEVEL: 'warn' });
});
afterAll(() => t.stop());

it('answers any sequence of inputs with a screen, never an error', async () => {
  let session = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.constantFrom('1', '2', '3', '0', '00', '98', '1001', '2001', '3001', '9999', '', '#', '*'),
          fc.string({ maxLength: 30 }),
          fc.string({ unit: 'grapheme', maxLength: 12 }),
          fc.integer({ min: -5, max: 100_000 }).map(String),
        ),
        { minLength: 1, maxLength: 14 },
      ),
      async (inputs) => {
        const phone = t.phone(`+2547${String(++session).padStart(8, '0')}`, `ATUid_fuzz_${session}`);
        let hop = await phone.dial();
        for (const input of inputs) {
          expect(hop.status).toBe(200);
          expect(hop.body).toMatch(/^(CON|END) /);
          if (hop.end) break;
          hop = await phone.send(input);
        }
        expect(hop.status).toBe(200);
        expect(hop.body).toMatch(/^(CON|END) /);
      },
    ),
    { numRuns: 150 },
  );
});
