import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { dialReport } from '../support/reports.js';
import { hashPin } from '../../src/app/cases/manager-pin.js';

/**
 * The facility manager's USSD menu over the real server, posted exactly as Africa's Talking
 * posts it: a registered manager's number (demo registry: Peter Mokoena manages Market Street
 * Clinic, 1002, in English) opens the menu of that facility's open cases; any other number,
 * or the number of a manager who is no longer active, gets the citizen's report card.
 */

let t: TestService;
const PETER = '+27820000102';
/** the same number as a South African dials it at home (DEFAULT_COUNTRY is ZA) */
const PETER_NATIONAL = '0820000102';

/** A citizen's report at Market Street Clinic rated 2 with a long wait: a concern, so it becomes a case. */
async function concern(phone: string, followUp: 'yes' | 'no') {
  t.clock.advance(60_000); // one case a minute, so the newest is listed first
  const last = await dialReport(t.phone(phone), ['1', '1002', '1', '1', '4', '1', '2', '2', '1', '00', '00'], { followUp });
  const reference = /ref ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})/.exec(last.body)?.[1];
  expect(last.body, 'the thank-you names the reference').toMatch(/^END Thank you/);
  const found = await t.storage.cases.get(reference ?? '');
  expect(found).not.toBeNull();
  return found!;
}

beforeAll(async () => {
  t = await startTestService();
});
afterAll(() => t.stop());

describe("the manager's menu", () => {
  it('tells a manager with nothing open so, and never shows the menu to a number that is not a registered manager', async () => {
    const peter = t.phone(PETER);
    expect((await peter.dial()).body).toBe('END No open cases at your facilities. Thank you.');
    // a citizen's number: the report card's language menu
    expect((await t.phone('+27820000999').dial()).body).toMatch(/^CON .*\n1\. English\n2\. Kiswahili\n3\. isiZulu$/s);
  });

  it('lists the open cases, takes "action taken" with what was done and a note, and stores it as the manager', async () => {
    const c = await concern('+27831110001', 'yes');
    const peter = t.phone(PETER_NATIONAL);
    const list = await peter.dial();
    expect(list.body).toBe(`CON 1 open case. Choose one:\n1. ${c.reference} Long wait`);

    const chosen = await peter.send('1');
    expect(chosen.body).toBe(`CON ${c.reference}: Long wait. New.\n1. Acknowledge\n2. Action taken\n3. Cannot act here (refer up)\n0. Back`);

    const what = await peter.send('2');
    expect(what.body).toMatch(new RegExp(`^CON What was done about ${c.reference}\\?\\n1\\. Spoke to the staff concerned\\n`));
    expect(what.body).toMatch(/\n0\. Back$/);

    const note = await peter.send('1');
    expect(note.body).toBe('CON Add a short note. It may be shown in public: no names or numbers.\n00. Skip\n0. Back');
    // a note holding a number is refused, in words, and nothing is stored
    const refused = await peter.send('call me on 082 000 0102');
    expect(refused.body).toBe('CON A note may not hold a phone number.\nAdd a short note. It may be shown in public: no names or numbers.\n00. Skip\n0. Back');
    expect((await t.storage.cases.get(c.reference))!.status).toBe('open');

    const done = await peter.send('Two more nurses on the morning shift');
    expect(done.body).toBe(`END Recorded: ${c.reference} action taken. The citizen is told by SMS if they asked.`);
    // Africa's Talking sends the same hop again after a timeout: the same screen, recorded once
    expect((await peter.repeat()).body).toBe(done.body);

    const stored = await t.storage.cases.get(c.reference);
    expect(stored).toMatchObject({ status: 'action_taken', facilityCode: '1002' });
    const history = await t.storage.cases.history(c.reference);
    expect(history.map((h) => h.event)).toEqual(['open', 'action_taken']);
    expect(history[1]).toMatchObject({
      by: { kind: 'manager', label: 'Peter Mokoena (manager)' },
      actionCode: 'spoke_to_staff',
      note: 'Two more nurses on the morning shift',
      channel: 'ussd',
    });
    // a case waiting for the citizen's answer is not on the manager's list any more
    expect((await t.phone(PETER).dial()).body).toBe('END No open cases at your facilities. Thank you.');
  });

  it('acknowledges at once, refers up with a note or none, and goes back where the screen offers it', async () => {
    const first = await concern('+27831110002', 'no');
    const peter = t.phone(PETER);
    await peter.dial();
    await peter.send('1');
    // back to the list, then the case again, and acknowledge
    expect((await peter.send('0')).body).toMatch(/^CON 1 open case\. Choose one:/);
    await peter.send('1');
    expect((await peter.send('1')).body).toBe(`END Recorded: ${first.reference} acknowledged.`);
    expect((await t.storage.cases.get(first.reference))!.status).toBe('acknowledged');

    // an acknowledged case offers what is left: action taken, or refer up
    const again = t.phone(PETER);
    await again.dial();
    expect((await again.send('1')).body).toBe(`CON ${first.reference}: Long wait. Acknowledged.\n1. Action taken\n2. Cannot act here (refer up)\n0. Back`);
    expect((await again.send('2')).body).toBe('CON Why can it not be solved here? A short note for the district:\n00. Skip\n0. Back');
    expect((await again.send('00')).body).toBe(`END Recorded: ${first.reference} referred to the district managers.`);
    const stored = await t.storage.cases.get(first.reference);
    expect(stored!.status).toBe('escalated');
    expect((await t.storage.cases.history(first.reference)).at(-1)).toMatchObject({ event: 'refer', note: null, by: { kind: 'manager', label: 'Peter Mokoena (manager)' } });
  });

  it('answers a wrong key with the reason, in the manager language, and changes nothing', async () => {
    const c = await concern('+27831110003', 'no');
    const peter = t.phone(PETER);
    const list = await peter.dial();
    const open = (list.body.match(/\n\d+\. /g) ?? []).length;
    expect((await peter.send('9')).body).toBe(`${list.body.replace(/^CON /, `CON Reply with a number from 1 to ${open}.\n`)}`);
    expect((await t.storage.cases.get(c.reference))!.status).toBe('open');
  });

  it('opens the menu at once when the programme requires no PIN, even for a number that has one', async () => {
    await t.storage.managerPins.set({ phone: PETER, ...(await hashPin('4829')), updatedAt: t.clock.now() });
    expect((await t.phone(PETER).dial()).body).toMatch(/^(CON \d+ open cases?\. Choose one:|END No open cases)/);
    await t.storage.managerPins.remove(PETER);
  });

  it('gives a manager who is no longer active the report card, not the menu', async () => {
    const facility = (await t.storage.facilities.findByCode('1002'))!;
    await t.storage.facilities.upsertMany([{ ...facility, managers: facility.managers.map((m) => ({ ...m, active: false })) }]);
    expect((await t.phone(PETER).dial()).body).toMatch(/^CON .*\n1\. English\n/s);
    await t.storage.facilities.upsertMany([facility]);
  });
});
