import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPin, PIN_LOCK_MINUTES } from '../../src/app/cases/manager-pin.js';
import { startTestService, type TestService } from '../support/service.js';
import { dialReport } from '../support/reports.js';

/**
 * The manager's PIN over the real server, posted exactly as Africa's Talking posts it, with
 * MANAGER_PIN_REQUIRED=true: a registered manager's number (demo registry: Peter Mokoena,
 * Market Street Clinic, 1002, in English) is asked for the PIN before the menu; three wrong
 * PINs end the session; five in a row, across sessions, lock the number for 30 minutes on the
 * fixed clock; a number without a PIN is sent to programme staff; a number that is not a
 * manager's never sees the PIN screen.
 */

let t: TestService;
const PETER = '+27820000102';
const PIN = '482913';
const ASK = 'CON Enter your PIN:';

async function setPin(phone: string, pin: string) {
  await t.storage.managerPins.set({ phone, ...(await hashPin(pin)), updatedAt: t.clock.now() });
}

/** A citizen's report at Market Street Clinic rated 2 with a long wait: a case for Peter. */
async function concern(phone: string) {
  t.clock.advance(60_000);
  const last = await dialReport(t.phone(phone), ['1', '1002', '1', '1', '4', '1', '2', '2', '1', '00', '00'], { followUp: 'no' });
  const reference = /ref ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})/.exec(last.body)?.[1];
  return (await t.storage.cases.get(reference ?? ''))!;
}

beforeAll(async () => {
  t = await startTestService({ MANAGER_PIN_REQUIRED: 'true' });
});
afterAll(() => t.stop());

describe("the manager's PIN, when the programme requires one", () => {
  it('never shows the PIN screen or the menu to a number that is not a registered manager', async () => {
    await setPin('+27820000999', '1234');
    const stranger = await t.phone('+27820000999').dial();
    expect(stranger.body).toMatch(/^CON .*\n1\. English\n2\. Kiswahili\n3\. isiZulu$/s);
    await t.storage.managerPins.remove('+27820000999');
  });

  it('refuses a manager whose number has no PIN yet, sending them to programme staff, and shows no menu', async () => {
    const hop = await t.phone(PETER).dial();
    expect(hop.body).toBe('END Your manager menu needs a PIN. Please ask programme staff to set one for you.');
  });

  it('opens the menu on the right PIN, and keeps only a hash', async () => {
    await setPin(PETER, PIN);
    const c = await concern('+27831120001');
    const peter = t.phone(PETER);
    expect((await peter.dial()).body).toBe(ASK);
    expect((await peter.send(PIN)).body).toBe(`CON 1 open case. Choose one:\n1. ${c.reference} Long wait`);
    expect((await peter.send('1')).body).toMatch(new RegExp(`^CON ${c.reference}: Long wait\\. New\\.\\n1\\. Acknowledge`));
    expect((await peter.send('1')).body).toBe(`END Recorded: ${c.reference} acknowledged.`);
    expect((await t.storage.cases.get(c.reference))!.status).toBe('acknowledged');
    const stored = await t.storage.managerPins.get(PETER);
    expect(JSON.stringify(stored)).not.toContain(PIN);
    expect(stored).toMatchObject({ failures: 0, lockedUntil: null });
    expect(t.logs.join('')).not.toContain(PIN);
    // nor does the hop session keep what was typed (Africa's Talking's text holds the PIN)
    expect(JSON.stringify(await t.storage.sessions.get('ussd', peter.sessionId))).not.toContain(PIN);
  });

  it('ends after three wrong PINs in a session, saying how many tries are left, and records nothing', async () => {
    await setPin(PETER, PIN);
    const c = await concern('+27831120002');
    const peter = t.phone(PETER);
    await peter.dial();
    expect((await peter.send('1111')).body).toBe(`CON Wrong PIN. 2 tries left.\nEnter your PIN:`);
    // a repeated hop counts once
    expect((await peter.repeat()).body).toBe(`CON Wrong PIN. 2 tries left.\nEnter your PIN:`);
    expect((await peter.send('abc')).body).toBe(`CON Wrong PIN. 1 try left.\nEnter your PIN:`);
    expect((await peter.send('1')).body).toBe('END Wrong PIN. Please try again later, or ask programme staff for help.');
    expect((await t.storage.cases.get(c.reference))!.status).toBe('open');
    expect((await t.storage.cases.history(c.reference)).map((h) => h.event)).toEqual(['open']);
    expect(await t.storage.managerPins.get(PETER)).toMatchObject({ failures: 3, lockedUntil: null });
  });

  it('locks the number for 30 minutes after five wrong PINs in a row across sessions, then lets the right PIN in', async () => {
    await setPin(PETER, PIN);
    const first = t.phone(PETER);
    await first.dial();
    for (const wrong of ['1111', '2222']) await first.send(wrong);
    expect((await first.send('3333')).body).toMatch(/^END Wrong PIN\./);
    const second = t.phone(PETER);
    await second.dial();
    // the session would allow two more, but the lock-out comes first, and the screen says so
    expect((await second.send('4444')).body).toBe(`CON Wrong PIN. 1 try left.\nEnter your PIN:`);
    const LOCKED = 'END Too many wrong PINs. The menu is locked for now: please try again later.';
    expect((await second.send('5555')).body, 'the fifth wrong PIN in a row').toBe(LOCKED);

    // locked: not even asked, so not even the right PIN gets in
    expect((await t.phone(PETER).dial()).body).toBe(LOCKED);
    t.clock.advance((PIN_LOCK_MINUTES - 1) * 60_000);
    expect((await t.phone(PETER).dial()).body).toBe(LOCKED);
    t.clock.advance(60_000);
    const released = t.phone(PETER);
    expect((await released.dial()).body).toBe(ASK);
    expect((await released.send(PIN)).body).toMatch(/^(CON \d+ open cases?|END No open cases)/);
    expect(await t.storage.managerPins.get(PETER)).toMatchObject({ failures: 0, lockedUntil: null });
  });

  it('counts wrong PINs only in a row: a right PIN starts the count again', async () => {
    await setPin(PETER, PIN);
    for (let session = 0; session < 2; session++) {
      const peter = t.phone(PETER);
      await peter.dial();
      await peter.send('0001');
      await peter.send('0002');
      expect((await peter.send(PIN)).body).toMatch(/^(CON \d+ open cases?|END No open cases)/);
    }
    expect(await t.storage.managerPins.get(PETER)).toMatchObject({ failures: 0, lockedUntil: null });
  });
});
