import { describe, expect, it } from 'vitest';
import { actOnCase } from '../../src/app/cases/act-on-case.js';
import { loadCaseTexts } from '../../src/app/cases/case-texts.js';
import { runCaseFollowUp, type FollowUpDeps } from '../../src/app/cases/follow-up-run.js';
import { CASE_SMS_SEGMENTS, caseSms, citizenPhoneAtSend, citizenSmsKey } from '../../src/app/cases/follow-up-sms.js';
import { openCaseForReport } from '../../src/app/cases/open-case.js';
import { DEMO_FACILITIES } from '../../src/app/facilities/demo-registry.js';
import { createOutboxSender } from '../../src/app/scorecards/send-outbox.js';
import { followUpOf } from '../../src/engine/cases/concern.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';
import { manualClock } from '../../src/gateways/clock.js';
import { createContactVault } from '../../src/gateways/contact-vault.js';
import { createPhoneTagger } from '../../src/gateways/respondent-key.js';
import type { SmsGateway } from '../../src/gateways/sms/port.js';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import type { StoredResponse } from '../../src/storage/ports.js';
import { content, shipped } from '../support/engine.js';

/** The follow-up pass: the citizen's SMS when action is taken, escalations, resolution by timeout; a fixed clock. */

const clinic = shipped('clinic');
const CITIZEN = '+254711000205';
const DISTRICT = '+254722000333';
const texts = loadCaseTexts(PROJECT_ROOT);
const DAY = 86_400_000;

function report(id: string, language = 'en', at = new Date('2026-10-05T08:00:00Z')): StoredResponse {
  return {
    id,
    sourceKey: `ussd:${id}`,
    facilityCode: '1001',
    facilityType: 'clinic',
    district: 'Riverside',
    questionnaireId: 'clinic',
    questionnaireVersion: 1,
    channel: 'ussd',
    language,
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

async function setup() {
  const storage = createMemoryStorage();
  const clock = manualClock('2026-10-05T08:05:00Z');
  const vault = createContactVault(Buffer.alloc(32, 7));
  await storage.facilities.insert({
    code: '1001',
    name: 'Riverside Clinic',
    type: 'clinic',
    district: 'Riverside',
    active: true,
    managers: [
      { name: 'Amina', phone: '+254711000111', language: 'sw', role: 'facility', active: true, optedOut: false },
      { name: 'Baraka', phone: DISTRICT, language: 'sw', role: 'district', active: true, optedOut: false },
    ],
  });
  await storage.questionnaires.insertVersion({
    id: 'clinic',
    version: 1,
    status: 'published',
    definition: clinic.definition,
    texts: clinic.texts,
    createdAt: clock.now(),
    publishedAt: clock.now(),
    publishedBy: 'test',
  });
  const logged: object[] = [];
  const log = { info: (o: object) => logged.push(o), warn: (o: object) => logged.push(o), error: (o: object) => logged.push(o) };
  const deps: FollowUpDeps = {
    storage,
    clock,
    log,
    texts,
    defaultLanguage: 'en',
    recipientTag: createPhoneTagger('x'.repeat(32)),
    settings: { escalateAfterDays: 7, autoResolveDays: 14, shortCode: '*384*123#' },
  };
  const sent: Array<{ to: string; text: string }> = [];
  const gateway: SmsGateway = {
    name: 'fake',
    async send(to, text) {
      sent.push({ to, text });
      return { kind: 'accepted', providerMessageId: `ATXid_${sent.length}`, cost: 'KES 0.80', status: 'Success' };
    },
  };
  const sender = createOutboxSender({
    storage,
    sms: gateway,
    clock,
    log,
    owner: 'test',
    phoneOf: citizenPhoneAtSend({ storage, vault }),
    settings: { leaseMs: 60_000, maxAttempts: 3, retryBaseMs: 1000, retryMaxMs: 10_000, sendTimeoutMs: 5000 },
  });
  const open = async (id: string, consent: boolean, language = 'en', completedAt?: Date) => {
    const r = await openCaseForReport(
      { storage, clock, vault, contactRetentionDays: 90 },
      { response: report(id, language, completedAt), definition: clinic.definition, consent, e164: consent ? CITIZEN : null },
    );
    if (r.kind === 'not_a_concern') throw new Error('expected a concern');
    return r.case.reference;
  };
  const manager = { kind: 'manager' as const, label: 'manager ***0111' };
  const act = (reference: string, event: 'acknowledge' | 'action_taken' | 'refer' | 'resolve' | 'reopen', actionCode?: string) =>
    actOnCase({ storage, clock }, { actor: manager, facilities: null, reference, event, actionCode, channel: 'ussd' });
  return { storage, clock, deps, sender, sent, open, act, logged };
}

describe("the citizen's SMS when action is taken", () => {
  it('is queued once per action step, without the number, and sent to the number opened from the sealed contact', async () => {
    const { storage, deps, sender, sent, open, act, logged } = await setup();
    const ref = await open('K7M3P9QXAB', true);
    expect((await act(ref, 'action_taken', 'spoke_to_staff')).ok).toBe(true);

    expect((await runCaseFollowUp(deps)).citizenSms).toBe(1);
    expect((await runCaseFollowUp(deps)).citizenSms).toBe(0);
    const history = await storage.cases.history(ref);
    const queued = await storage.outbox.get(citizenSmsKey(ref, history.at(-1)!.seq));
    expect(queued).toMatchObject({ subjectKind: 'case', subjectCode: ref, phone: '', segments: 1 });
    expect(queued!.text).toBe(`Your report ${ref} at Riverside Clinic: Spoke to the staff concerned. Reply 1 if solved, 2 if not.`);

    await sender.drain();
    await sender.drain();
    expect(sent).toEqual([{ to: CITIZEN, text: queued!.text }]);
    expect((await storage.outbox.get(queued!.key))!.phone).toBe('');
    expect(JSON.stringify(logged)).not.toContain(CITIZEN.slice(1));

    // reopened and acted on again: a new step, a new SMS
    await act(ref, 'reopen');
    await runCaseFollowUp(deps); // escalates the reopened case
    expect((await act(ref, 'action_taken', 'cleaned')).ok).toBe(true);
    expect((await runCaseFollowUp(deps)).citizenSms).toBe(1);
    await sender.drain();
    expect(sent.filter((s) => s.to === CITIZEN).map((s) => s.text.split(': ')[1])).toEqual(['Spoke to the staff concerned. Reply 1 if solved, 2 if not.', 'Cleaned. Reply 1 if solved, 2 if not.']);
  });

  it("is written in the report's language, and never queued without consent", async () => {
    const { storage, deps, open, act } = await setup();
    const sw = await open('SWAH0000S1', true, 'sw');
    const none = await open('N0C0NSENT1', false);
    await act(sw, 'action_taken', 'other');
    await act(none, 'action_taken', 'other');
    expect((await runCaseFollowUp(deps)).citizenSms).toBe(1);
    const [message] = (await storage.outbox.list()).filter((m) => m.subjectKind === 'case');
    expect(message!.subjectCode).toBe(sw);
    expect(message!.text).toBe(`Ripoti yako ${sw} katika Riverside Clinic: Hatua nyingine. Jibu 1 kama imetatuliwa, 2 kama bado.`);
  });

  it('is not sent when the contact is gone by send time (the case closed)', async () => {
    const { storage, deps, sender, sent, open, act } = await setup();
    const ref = await open('K7M3P9QXAB', true);
    await act(ref, 'action_taken', 'other');
    await runCaseFollowUp(deps);
    await storage.caseContacts.remove(ref);
    expect(await sender.drain()).toEqual({ sent: 0, failed: 1, retrying: 0 });
    expect(sent).toEqual([]);
  });

  it('fits 2 SMS segments in every locale, for every demo facility and every action', () => {
    const actions = new Set<string>();
    for (const id of ['clinic', 'police', 'social_grant']) for (const a of followUpOf(shipped(id).definition).actions) actions.add(a);
    const names = [...DEMO_FACILITIES.map((f) => f.name), 'Mother and Child Health Centre, Riverside']; // 41 characters
    for (const lang of Object.keys(content.locales)) {
      for (const name of names) {
        for (const a of actions) {
          const sms = caseSms({ texts, defaultLanguage: 'en' }, lang, 'sms.action_taken', { ref: 'K7M3-P9QX-AB', facility: name, action: texts[lang]!.texts[`action.${a}`]! });
          expect(sms.segments, `${lang} ${name} ${a}: ${sms.text}`).toBeLessThanOrEqual(CASE_SMS_SEGMENTS);
          const esc = caseSms({ texts, defaultLanguage: 'en' }, lang, 'sms.escalation', {
            ref: 'K7M3-P9QX-AB',
            facility: name,
            problem: 'Long waiting time',
            reason: 'unacknowledged',
            days: 14,
            code: '*384*123#',
          });
          expect(esc.segments, `${lang} ${esc.text}`).toBeLessThanOrEqual(CASE_SMS_SEGMENTS);
        }
      }
    }
  });
});

describe('escalation and resolution by timeout (a fixed clock)', () => {
  it('escalates a case nobody acknowledged within N days, once, with one SMS to each district manager', async () => {
    const { storage, clock, deps, sender, sent, open } = await setup();
    const ref = await open('K7M3P9QXAB', false);
    clock.advance(7 * DAY - 6 * 60_000);
    expect((await runCaseFollowUp(deps)).escalated).toBe(0);
    clock.advance(60_000);
    expect(await runCaseFollowUp(deps)).toMatchObject({ escalated: 1, districtSms: 1 });
    expect(await runCaseFollowUp(deps)).toMatchObject({ escalated: 0, districtSms: 0 });
    expect((await storage.cases.get(ref))!.status).toBe('escalated');
    const last = (await storage.cases.history(ref)).at(-1)!;
    expect(last).toMatchObject({ event: 'escalate', from: 'open', to: 'escalated', by: { kind: 'system' }, channel: 'schedule' });
    await sender.drain();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe(DISTRICT);
    expect(sent[0]!.text).toContain(`ripoti ${ref} katika Riverside Clinic`);
    expect(sent[0]!.text).toContain('haikupokelewa kwa siku 7');
  });

  it('does not escalate a case acknowledged in time; escalates a reopened one and one referred up', async () => {
    const { storage, clock, deps, open, act } = await setup();
    const acked = await open('ACKED00001', false);
    const reopened = await open('RE0PENED01', false);
    const referred = await open('REFERRED01', false);
    await act(acked, 'acknowledge');
    await act(reopened, 'action_taken', 'other');
    await act(reopened, 'reopen');
    await act(referred, 'refer');
    clock.advance(DAY);
    expect(await runCaseFollowUp(deps)).toMatchObject({ escalated: 1, districtSms: 2 });
    clock.advance(30 * DAY);
    expect(await runCaseFollowUp(deps)).toMatchObject({ escalated: 0, districtSms: 0 });
    expect((await storage.cases.get(acked))!.status).toBe('acknowledged');
    const texts = (await storage.outbox.list()).filter((m) => m.subjectKind === 'case').map((m) => m.text);
    expect(texts.some((t) => t.includes(reopened) && t.includes('imefunguliwa tena na mwananchi'))).toBe(true);
    expect(texts.some((t) => t.includes(referred) && t.includes('imepelekwa juu na kituo'))).toBe(true);
  });

  it('closes a case in action_taken with no reply within M days as resolved, marked resolvedByTimeout, and deletes the contact', async () => {
    const { storage, clock, deps, open, act } = await setup();
    const ref = await open('K7M3P9QXAB', true);
    await act(ref, 'action_taken', 'other');
    clock.advance(14 * DAY - 60_000);
    expect((await runCaseFollowUp(deps)).resolvedByTimeout).toBe(0);
    clock.advance(60_000);
    expect((await runCaseFollowUp(deps)).resolvedByTimeout).toBe(1);
    expect(await storage.cases.get(ref)).toMatchObject({ status: 'resolved', resolvedByTimeout: true });
    expect(await storage.caseContacts.get(ref)).toBeNull();
    expect((await runCaseFollowUp(deps)).resolvedByTimeout).toBe(0);
  });
});

describe("the facility managers' daily digest", () => {
  const ids = ['K7M3P9QXAB', 'A0000000B1', 'A0000000B2', 'A0000000B3', 'A0000000B4', 'A0000000B5', 'A0000000B6', 'A0000000B7', 'A0000000B8', 'A0000000B9', 'A0000000BA', 'A0000000BB'];

  it("sends the day's new cases once per facility, day and manager, in the manager's language, within 2 segments", async () => {
    const { storage, clock, deps, open } = await setup();
    const withDigest = { ...deps, settings: { ...deps.settings, timeZone: 'Africa/Nairobi' } };
    const refs: string[] = [];
    for (const id of ids.slice(0, 2)) refs.push(await open(id, false));
    // the same local day: no digest yet
    expect((await runCaseFollowUp(withDigest)).digests).toBe(0);
    clock.set('2026-10-06T00:30:00+03:00');
    expect((await runCaseFollowUp(withDigest)).digests).toBe(1);
    expect((await runCaseFollowUp(withDigest)).digests).toBe(0);
    const [digest] = (await storage.outbox.list()).filter((m) => m.key.startsWith('digest:'));
    expect(digest).toMatchObject({ subjectKind: 'facility', subjectCode: '1001', period: '2026-10-05', phone: '+254711000111', language: 'sw' });
    expect(digest!.text).toBe(`Riverside Clinic, 2026-10-05: ripoti 2 mpya za kufuatilia: ${refs[1]} Kusubiri sana; ${refs[0]} Kusubiri sana. Piga *384*123# kuzishughulikia.`);
    expect(digest!.key).toMatch(/^digest:1001\|2026-10-05\|/);
  });

  it('catches up the days no pass ran for, up to three ended days back, each once', async () => {
    const { storage, clock, deps, open } = await setup();
    const utc = { ...deps, settings: { ...deps.settings, timeZone: 'UTC' } };
    // a case on each of four days, and no pass ran on any of them
    for (const [i, day] of ['2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05'].entries()) {
      await open(ids[i]!, false, 'en', new Date(`${day}T10:00:00Z`));
    }
    clock.set('2026-10-06T07:00:00Z');
    expect((await runCaseFollowUp(utc)).digests).toBe(3);
    const days = (await storage.outbox.list()).filter((m) => m.key.startsWith('digest:')).map((m) => m.period);
    expect(days.sort()).toEqual(['2026-10-03', '2026-10-04', '2026-10-05']);
    // the next pass, and one the day after, send none of them again
    expect((await runCaseFollowUp(utc)).digests).toBe(0);
    clock.set('2026-10-07T07:00:00Z');
    expect((await runCaseFollowUp(utc)).digests).toBe(0);
  });

  it('lists as many cases as fit 2 segments and counts the rest, in every language', async () => {
    for (const lang of Object.keys(content.locales)) {
      const { storage, clock, deps, open } = await setup();
      const f = (await storage.facilities.findByCode('1001'))!;
      await storage.facilities.upsertMany([{ ...f, managers: f.managers.map((m) => ({ ...m, language: lang })) }]);
      for (const id of ids) await open(id, false);
      clock.set('2026-10-06T06:00:00Z');
      expect((await runCaseFollowUp({ ...deps, settings: { ...deps.settings, timeZone: 'UTC' } })).digests).toBe(1);
      const [digest] = (await storage.outbox.list()).filter((m) => m.key.startsWith('digest:'));
      expect(digest!.segments, digest!.text).toBeLessThanOrEqual(CASE_SMS_SEGMENTS);
      expect(digest!.text).toContain('12');
      expect(digest!.text).not.toContain(`${ids.at(-1)!.slice(0, 4)}-${ids.at(-1)!.slice(4, 8)}-${ids.at(-1)!.slice(8)}`);
    }
  });
});
