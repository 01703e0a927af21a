import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { actOnCase } from '../../src/app/cases/act-on-case.js';
import { openCaseForReport } from '../../src/app/cases/open-case.js';
import type { StoredResponse } from '../../src/storage/ports.js';
import { PRODUCTION_ENV, startTestService, type TestService } from '../support/service.js';
import { shipped } from '../support/engine.js';

/**
 * The follow-up loop over HTTP: the citizen's SMS through the real Africa's Talking SDK (nock
 * at AT's HTTP only), and their answer on POST /sms/incoming, shaped as AT posts it (form
 * fields from, to, text, date, id, linkId, networkCode), on the real service on port 0.
 */

const AT = 'https://api.africastalking.com';
const TOKEN = PRODUCTION_ENV.AT_CALLBACK_TOKEN;
const ENV = { AT_USERNAME: 'crc-test', AT_API_KEY: 'at-test-api-key-0123456789', SCORECARD_SCHEDULE: 'false', AT_CALLBACK_TOKEN: TOKEN };
const CITIZEN = '+254711000205';
const STRANGER = '+254733000999';

let t: TestService;
let sent: Array<{ to: string; message: string }>;

function interceptAt(times: number) {
  return nock(AT)
    .post('/version1/messaging')
    .times(times)
    .reply((_uri, body) => {
      const form = Object.fromEntries(new URLSearchParams(String(body)));
      sent.push({ to: form.to!, message: form.message! });
      return [201, { SMSMessageData: { Message: 'Sent to 1/1', Recipients: [{ statusCode: 101, number: form.to, status: 'Success', cost: 'KES 0.8000', messageId: `ATXid_out_${sent.length}` }] } }];
    });
}

function report(id: string): StoredResponse {
  const at = t.clock.now();
  return {
    id,
    sourceKey: `ussd:${id}`,
    facilityCode: '1001',
    facilityType: 'clinic',
    district: 'Riverside',
    questionnaireId: 'clinic',
    questionnaireVersion: 1,
    channel: 'ussd',
    language: 'en',
    respondentKey: 'f'.repeat(32),
    answers: [{ questionId: 'problem', value: 'long_wait', at }],
    status: 'complete',
    resumeState: null,
    sessionIds: [id],
    startedAt: at,
    updatedAt: at,
    completedAt: at,
    abandonedAt: null,
    counted: true,
    duplicateOf: null,
    countKey: id,
  };
}

/** A case at Riverside Clinic with the citizen's consent, where action was taken. */
async function caseWithAction(id = 'K7M3P9QXAB') {
  const opened = await openCaseForReport(t.service.cases, { response: report(id), definition: shipped('clinic').definition, consent: true, e164: CITIZEN });
  if (opened.kind === 'not_a_concern') throw new Error('expected a case');
  const done = await actOnCase(t.service.cases, {
    actor: { kind: 'manager', label: 'manager ***0111' },
    facilities: null,
    reference: opened.case.reference,
    event: 'action_taken',
    actionCode: 'spoke_to_staff',
    channel: 'ussd',
  });
  expect(done.ok).toBe(true);
  return opened.case.reference;
}

/** POSTs an incoming SMS as Africa's Talking does. */
function incoming(fields: Record<string, string>, token: string | null = TOKEN) {
  return fetch(`${t.url}/sms/incoming${token === null ? '' : `?token=${token}`}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}
const atForm = (id: string, from: string, text: string) => ({ from, to: '21525', text, date: '2026-10-06 09:12:03', id, linkId: `link-${id}`, networkCode: '63902' });

beforeEach(async () => {
  sent = [];
  t = await startTestService(ENV);
  await t.service.followUp.pass(); // the pass begun at start
});
afterEach(async () => {
  nock.cleanAll();
  await t.stop();
});

describe('the follow-up loop by SMS', () => {
  it("sends the citizen's SMS once through the SDK, then '2' reopens the case and a repeated callback changes nothing", async () => {
    const ref = await caseWithAction();
    interceptAt(1);
    await t.service.followUp.pass();
    await t.service.followUp.pass();
    await t.service.scorecards.sender.drain();
    expect(sent).toEqual([{ to: CITIZEN, message: `Your report ${ref} at Riverside Clinic: Spoke to the staff concerned. Reply 1 if solved, 2 if not.` }]);

    interceptAt(1);
    const first = await incoming(atForm('ATXid_in_1', CITIZEN, ' 2 '));
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('OK');
    expect((await t.storage.cases.get(ref))!.status).toBe('reopened');
    const history = await t.storage.cases.history(ref);
    expect(history.at(-1)).toMatchObject({ event: 'reopen', by: { kind: 'citizen' }, channel: 'sms' });
    expect(sent.at(-1)).toEqual({ to: CITIZEN, message: `Thank you. Report ${ref} is open again: the manager will look at it again.` });

    const again = await incoming(atForm('ATXid_in_1', CITIZEN, '2'));
    expect(again.status).toBe(200);
    expect(await t.storage.cases.history(ref)).toHaveLength(history.length);
    expect(sent).toHaveLength(2);
    expect(t.logs.join('')).not.toContain(CITIZEN.slice(4));
  });

  it("'1' resolves the case as confirmed by the citizen and deletes the contact", async () => {
    const ref = await caseWithAction();
    interceptAt(1);
    expect((await incoming(atForm('ATXid_in_2', '254711000205', '1 asante'))).status).toBe(200);
    expect(await t.storage.cases.get(ref)).toMatchObject({ status: 'resolved', resolvedByTimeout: false });
    expect(await t.storage.caseContacts.get(ref)).toBeNull();
    expect(sent).toEqual([{ to: CITIZEN, message: `Thank you. Report ${ref} is marked as solved.` }]);
  });

  it('a number with no open case gets one polite SMS, never an error; an unclear answer gets a hint', async () => {
    interceptAt(1);
    const r = await incoming(atForm('ATXid_in_3', STRANGER, '1'));
    expect(r.status).toBe(200);
    expect(await incoming(atForm('ATXid_in_3', STRANGER, '1')).then((x) => x.status)).toBe(200);
    expect(sent).toEqual([{ to: STRANGER, message: 'We found no open report for this number. To check a report, dial *384*123#.' }]);

    const ref = await caseWithAction();
    interceptAt(1);
    expect((await incoming(atForm('ATXid_in_4', CITIZEN, 'what?'))).status).toBe(200);
    expect(sent.at(-1)).toEqual({ to: CITIZEN, message: `For report ${ref}, reply 1 if solved, 2 if not.` });
    expect((await t.storage.cases.get(ref))!.status).toBe('action_taken');
    expect(t.logs.join('')).not.toContain(STRANGER.slice(4));
  });

  it('is guarded like the other callbacks and validates its form', async () => {
    expect((await incoming(atForm('ATXid_in_5', CITIZEN, '1'), null)).status).toBe(401);
    expect((await incoming(atForm('ATXid_in_5', CITIZEN, '1'), 'wrong-token-0123456789')).status).toBe(401);
    const bad = await incoming({ from: CITIZEN, text: '1' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id: is required');
    expect(sent).toEqual([]);
  });
});
