import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AtUssdSession, Hop } from '../../src/channels/ussd/at-simulator.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';
import { maskPhone } from '../../src/gateways/sms/port.js';
import { expectGolden, storedLine } from '../support/golden.js';
import { ADMIN, PRODUCTION_ENV, startTestService, type TestService } from '../support/service.js';

/**
 * The whole follow-up loop as one golden transcript, on the real service: a citizen's USSD
 * report with a concern and consent; the manager's digest; the manager acting by USSD; the
 * citizen's SMS; their reply "2" on POST /sms/incoming; the case reopened; escalation (the
 * reopened case at once, an unacknowledged one after N days, on a fixed clock); the district
 * SMS; and the resolution confirmed by the citizen through "Check a report". Every SMS goes
 * through the one outbox and the real Africa's Talking SDK, intercepted at AT's HTTP (nock);
 * numbers are shown masked, as staff see them. Regenerate with `npm run test:update`.
 */

const GOLDEN_DIR = join(PROJECT_ROOT, 'test/transcripts/golden/loop');
const AT = 'https://api.africastalking.com';
const TOKEN = PRODUCTION_ENV.AT_CALLBACK_TOKEN;
const CITIZEN = '+27831110001';
const NEIGHBOUR = '+27831110002';
const MANAGER = '+27820000102'; // Peter Mokoena, Market Street Clinic (1002), English
const DISTRICT = '+27820000900';

let t: TestService;
const lines: string[] = [];
const sms: Array<{ to: string; message: string }> = [];

const note = (text: string) => lines.push(`# ${text}`, '');
const heading = (text: string) => lines.push(`## ${text}`, '');

async function hop(phone: AtUssdSession, label: string, act: () => Promise<Hop>): Promise<Hop> {
  const h = await act();
  lines.push(`> ${label}   [USSD from ${maskPhone(phone.phoneNumber)}, text="${h.text}"]`, ...h.body.split('\n').map((l) => `< ${l}`));
  const session = await t.storage.sessions.get('ussd', phone.sessionId);
  if (session?.responseId) lines.push(`= ${await storedLine(t.storage, session.responseId)}`);
  lines.push('');
  return h;
}
async function say(phone: AtUssdSession, inputs: string[]): Promise<Hop> {
  let last: Hop | undefined;
  for (const input of inputs) last = await hop(phone, input, () => phone.send(input));
  return last!;
}

/** Runs the follow-up pass and sends what it queued, listing each SMS as AT was asked to send it. */
async function passAndSend(what: string) {
  const before = sms.length;
  await t.service.followUp.pass();
  await t.service.scorecards.sender.drain();
  lines.push(`# ${what}: the follow-up pass at ${t.clock.now().toISOString()}`);
  for (const s of sms.slice(before)) lines.push(`= SMS to ${maskPhone(s.to)}: ${s.message}`);
  if (sms.length === before) lines.push('= no SMS');
  lines.push('');
}

async function caseState(reference: string) {
  const c = (await t.storage.cases.get(reference))!;
  const history = await t.storage.cases.history(reference);
  const contact = await t.storage.caseContacts.get(reference);
  lines.push(
    `= case ${reference}: ${c.status}${c.resolvedByTimeout ? ' (no reply)' : ''}, ${contact ? 'contact sealed' : 'no contact kept'}`,
    ...history.map(
      (h) => `=   ${h.seq}. ${h.event} by ${h.by.kind} "${h.by.label}" on ${h.channel}: ${h.from ?? '-'} -> ${h.to}${h.actionCode ? `, did ${h.actionCode}` : ''}${h.note ? `, note "${h.note}"` : ''}`,
    ),
    '',
  );
  return c;
}

beforeAll(async () => {
  nock(AT)
    .post('/version1/messaging')
    .times(50)
    .reply((_uri, body) => {
      const form = Object.fromEntries(new URLSearchParams(String(body)));
      sms.push({ to: form.to!, message: form.message! });
      return [201, { SMSMessageData: { Message: 'Sent to 1/1', Recipients: [{ statusCode: 101, number: form.to, status: 'Success', cost: 'ZAR 0.2000', messageId: `ATXid_${sms.length}` }] } }];
    });
  t = await startTestService({ AT_USERNAME: 'crc-test', AT_API_KEY: 'at-test-api-key-0123456789', SCORECARD_SCHEDULE: 'false', AT_CALLBACK_TOKEN: TOKEN });
  // Riverside district gets a district manager (the demo registry has none there)
  const facility = (await t.storage.facilities.findByCode('1002'))!;
  await t.storage.facilities.upsertMany([
    { ...facility, managers: [...facility.managers, { name: 'Zodwa Mthembu', phone: DISTRICT, language: 'en', role: 'district', active: true, optedOut: false }] },
  ]);
  await t.service.followUp.pass(); // the pass begun at start
});
afterAll(async () => {
  nock.cleanAll();
  await t.stop();
});

it('the whole follow-up loop', async () => {
  lines.push('# The whole follow-up loop: report, digest, the manager acting by USSD, SMS, "not solved", escalation, district SMS, "Check a report"', '');

  heading('1. A citizen reports a long wait at Market Street Clinic and agrees to SMS updates (USSD)');
  const citizen = t.phone(CITIZEN, 'ATUid_loop_1', TOKEN);
  await hop(citizen, '(dial *384*123#)', () => citizen.dial());
  const end = await say(citizen, ['1', '1002', '1', '3', '3', '2', '2', '2', '1', '00', '00', '1']);
  const reference = /ref ([0-9A-Z-]{12})/.exec(end.body)![1]!;
  note('a neighbour reports at the same clinic the same day and says No to SMS; nobody will acknowledge this one');
  const neighbour = t.phone(NEIGHBOUR, 'ATUid_loop_2', TOKEN);
  await neighbour.dial();
  for (const input of ['1', '1002', '1', '1', '4', '1', '4', '4', '2', '00', '00', '2']) await neighbour.send(input);
  const other = (await t.storage.cases.list({ facilityCodes: ['1002'] }, 5)).find((c) => c.reference !== reference)!.reference;
  await caseState(reference);

  heading("2. The manager's daily digest");
  t.clock.set('2026-10-06T05:00:00Z'); // 07:00 in Johannesburg, the next day
  await passAndSend("the day's new cases, to the facility manager");

  heading('3. The manager acts by USSD from their registered number');
  const manager = t.phone(MANAGER, 'ATUid_loop_3', TOKEN);
  await hop(manager, '(dial *384*123#)', () => manager.dial());
  await say(manager, [String(1 + (await t.storage.cases.list({ facilityCodes: ['1002'] }, 5)).findIndex((c) => c.reference === reference)), '2', '1', 'Two more nurses on the morning shift']);
  await caseState(reference);

  heading("4. The citizen's SMS");
  await passAndSend('action was taken: the citizen, who consented, is told');

  heading('5. The citizen replies "2" (not solved)');
  const reply = await fetch(`${t.url}/sms/incoming?token=${TOKEN}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ from: CITIZEN, to: '21525', text: '2', date: '2026-10-06 09:12:03', id: 'ATXid_in_1', linkId: 'link-1', networkCode: '65501' }).toString(),
  });
  lines.push(`> "2"   [POST /sms/incoming from ${maskPhone(CITIZEN)}]`, `< ${reply.status} ${await reply.text()}`, '');
  await t.service.scorecards.sender.drain();
  lines.push(`= SMS to ${maskPhone(sms.at(-1)!.to)}: ${sms.at(-1)!.message}`, '');

  heading('6. The case is reopened');
  expect((await caseState(reference)).status).toBe('reopened');

  heading('7. Escalation: the reopened case at the next pass; the unacknowledged one after 7 days (a fixed clock)');
  t.clock.set('2026-10-06T06:00:00Z');
  await passAndSend('the reopened case goes to the district');
  t.clock.set('2026-10-12T09:00:00Z');
  await passAndSend("7 days after it was opened, nobody acknowledged the neighbour's case");
  await caseState(other);

  heading('8. The district manager has the SMS (above); the district acts in the console');
  const acted = await fetch(`${t.url}/api/v1/cases/${reference}/actions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'action_taken', action: 'extra_staff', note: 'A third nurse from the district pool from Monday' }),
  });
  lines.push(`> action_taken   [POST /api/v1/cases/${reference}/actions as staff]`, `< ${acted.status}`, '');
  await passAndSend('action was taken again: the citizen is told again');

  heading('9. The citizen confirms it is solved through "Check a report"');
  t.clock.set('2026-10-13T08:00:00Z');
  const checker = t.phone(CITIZEN, 'ATUid_loop_4', TOKEN);
  await hop(checker, '(dial *384*123#)', () => checker.dial());
  await say(checker, ['9', reference.toLowerCase().replace(/-/g, ''), '1']);
  const closed = await caseState(reference);

  expectGolden(GOLDEN_DIR, 'whole-loop', lines.join('\n'));
  expect(closed).toMatchObject({ status: 'resolved', resolvedByTimeout: false });
  expect(await t.storage.caseContacts.get(reference)).toBeNull();
  // every SMS the loop sent went through the SDK once: no message was sent twice
  expect(new Set(sms.map((s) => `${s.to}|${s.message}`)).size).toBe(sms.length);
});
