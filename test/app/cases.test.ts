import { describe, expect, it } from 'vitest';
import { caseActions, actOnCase } from '../../src/app/cases/act-on-case.js';
import { loadCaseTexts } from '../../src/app/cases/case-texts.js';
import { openCaseForReport, type CaseDeps } from '../../src/app/cases/open-case.js';
import { createStorageSweeper } from '../../src/app/sweep-storage.js';
import { CASE_STATUSES } from '../../src/engine/cases/case-machine.js';
import { concernOf, DEFAULT_CASE_ACTIONS, followUpOf } from '../../src/engine/cases/concern.js';
import { QuestionnaireDefinition } from '../../src/engine/definition.js';
import { manualClock } from '../../src/gateways/clock.js';
import { createContactVault } from '../../src/gateways/contact-vault.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import type { StoredResponse } from '../../src/storage/ports.js';
import type { AnswerValue } from '../../src/engine/definition.js';
import { content, shipped } from '../support/engine.js';

/** The follow-up core: when a report is a concern, opening its case, acting on it, the contact's life. */

const clinic = shipped('clinic');
const NUMBER = '+254711000205';
const KEY = Buffer.alloc(32, 7);

function report(answers: Record<string, AnswerValue>, over: Partial<StoredResponse> = {}): StoredResponse {
  const at = new Date('2026-10-05T08:00:00Z');
  return {
    id: 'K7M3P9QXAB',
    sourceKey: 'ussd:ATUid_1',
    facilityCode: '1001',
    facilityType: 'clinic',
    district: 'Riverside',
    questionnaireId: 'clinic',
    questionnaireVersion: 1,
    channel: 'ussd',
    language: 'sw',
    respondentKey: 'f'.repeat(32),
    answers: Object.entries(answers).map(([questionId, value]) => ({ questionId, value, at })),
    status: 'complete',
    resumeState: null,
    sessionIds: ['ATUid_1'],
    startedAt: at,
    updatedAt: at,
    completedAt: at,
    abandonedAt: null,
    counted: true,
    duplicateOf: null,
    countKey: 'k',
    ...over,
  };
}

function setup() {
  const storage = createMemoryStorage();
  const clock = manualClock('2026-10-05T08:05:00Z');
  const vault = createContactVault(KEY);
  const deps: CaseDeps = { storage, clock, vault, contactRetentionDays: 90 };
  return { storage, clock, vault, deps };
}

const staff = { kind: 'staff' as const, label: 'Thandi (facility_manager)' };

describe('concern rules', () => {
  it("uses the questionnaire's followUp: main problem not none, or a rating of at most 2", () => {
    expect(concernOf(clinic.definition, { problem: 'long_wait', satisfaction: 4 })).toEqual({ problem: 'long_wait' });
    expect(concernOf(clinic.definition, { problem: 'none', satisfaction: 2 })).toEqual({ satisfaction: 2 });
    expect(concernOf(clinic.definition, { problem: 'rude_staff', satisfaction: 1 })).toEqual({ problem: 'rude_staff', satisfaction: 1 });
    expect(concernOf(clinic.definition, { problem: 'none', satisfaction: 3 })).toBeNull();
    // an unanswered question never makes a concern
    expect(concernOf(clinic.definition, {})).toBeNull();
  });

  it('without a followUp block: main problem (by role) other than none, satisfaction at most 2, the default actions', () => {
    const { followUp: _dropped, ...bare } = clinic.definition;
    expect(followUpOf(bare)).toEqual({
      concernWhen: [
        { question: 'problem', notIn: ['none'] },
        { question: 'satisfaction', atMost: 2 },
      ],
      actions: [...DEFAULT_CASE_ACTIONS],
    });
    expect(concernOf(bare, { problem: 'dirty' })).toEqual({ problem: 'dirty' });
    expect(concernOf(bare, { problem: 'none', satisfaction: 5 })).toBeNull();
  });

  it('refuses rules that name no question, answers it cannot give, "at most" on a choice, and repeated actions', () => {
    const withFollowUp = (followUp: unknown) => QuestionnaireDefinition.safeParse({ ...clinic.definition, followUp });
    const messages = (followUp: unknown) => {
      const r = withFollowUp(followUp);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(withFollowUp({ concernWhen: [{ question: 'problem', notIn: ['none'] }], actions: ['other'] }).success).toBe(true);
    expect(messages({ concernWhen: [{ question: 'nope', notIn: ['none'] }], actions: ['other'] })).toEqual([
      'followUp.concernWhen.0.question: the concern rule names "nope", which is not a question here',
    ]);
    expect(messages({ concernWhen: [{ question: 'problem', notIn: ['no_such'] }], actions: ['other'] })).toEqual(['followUp.concernWhen.0.notIn: "problem" cannot give the answer "no_such"']);
    expect(messages({ concernWhen: [{ question: 'problem', atMost: 2 }], actions: ['other'] })).toEqual([
      'followUp.concernWhen.0.atMost: "problem" does not answer with a number, so "at most" cannot apply',
    ]);
    expect(messages({ concernWhen: [{ question: 'satisfaction', atMost: 2 }], actions: ['other', 'other'] })).toEqual(['followUp.actions: an action code is listed twice']);
    expect(withFollowUp({ concernWhen: [], actions: ['other'] }).success).toBe(false);
  });
});

describe('case texts', () => {
  const texts = loadCaseTexts(PROJECT_ROOT);
  it('name every action code of every shipped questionnaire and the defaults, and every status, in every locale', () => {
    const codes = new Set<string>(DEFAULT_CASE_ACTIONS);
    for (const id of ['clinic', 'police', 'social_grant']) for (const code of followUpOf(shipped(id).definition).actions) codes.add(code);
    const wanted = [...[...codes].map((c) => `action.${c}`), ...CASE_STATUSES.map((s) => `status.${s}`)].sort();
    expect(Object.keys(texts).sort()).toEqual(Object.keys(content.locales).sort());
    for (const lang of Object.keys(content.locales)) {
      const missing = wanted.filter((k) => !texts[lang]!.texts[k]);
      expect(missing, lang).toEqual([]);
      expect(Object.keys(texts[lang]!.texts).sort(), `${lang} has the same keys as en`).toEqual(Object.keys(texts.en!.texts).sort());
    }
  });
  it('marks the Kiswahili and isiZulu texts as drafts for native-speaker review, and English as not', () => {
    expect(texts.sw!.draft).toBe(true);
    expect(texts.zu!.draft).toBe(true);
    expect(texts.en!.draft).toBe(false);
  });
});

describe('opening a case for a report', () => {
  it('opens a case whatever the consent, and keeps no number without consent', async () => {
    const { storage, deps } = setup();
    const r = await openCaseForReport(deps, { response: report({ problem: 'long_wait', satisfaction: 3 }), definition: clinic.definition, consent: false, e164: null });
    expect(r).toMatchObject({ kind: 'opened', case: { reference: 'K7M3-P9QX-AB', status: 'open', contactConsent: false, concern: { problem: 'long_wait' }, lang: 'sw', facilityCode: '1001' } });
    expect(await storage.caseContacts.get('K7M3-P9QX-AB')).toBeNull();
    expect(await storage.cases.history('K7M3-P9QX-AB')).toMatchObject([{ seq: 1, event: 'open', from: null, to: 'open', channel: 'ussd', by: { kind: 'citizen' } }]);
  });

  it('with consent, seals the number for this case: the stored form holds no number and opens only with the key', async () => {
    const { storage, deps, vault } = setup();
    await openCaseForReport(deps, { response: report({ problem: 'no_medicine' }), definition: clinic.definition, consent: true, e164: NUMBER });
    const contact = await storage.caseContacts.get('K7M3-P9QX-AB');
    expect(contact).toMatchObject({ keyId: vault.keyId, numberHash: vault.numberHash(NUMBER), purgeAfter: new Date('2027-01-03T08:05:00Z') });
    expect(JSON.stringify(contact)).not.toContain(NUMBER.slice(1));
    expect(JSON.stringify(await storage.cases.get('K7M3-P9QX-AB'))).not.toContain(NUMBER.slice(1));
    expect(vault.open('K7M3-P9QX-AB', contact!.sealed)).toBe(NUMBER);
    expect(createContactVault(Buffer.alloc(32, 8)).open('K7M3-P9QX-AB', contact!.sealed)).toBeNull();
    expect(await storage.caseContacts.findByNumberHash(vault.numberHash(NUMBER))).toEqual(['K7M3-P9QX-AB']);
  });

  it('is idempotent: a repeat opens nothing, adds no history and no second contact', async () => {
    const { storage, deps, clock } = setup();
    const input = { response: report({ problem: 'no_medicine' }), definition: clinic.definition, consent: true, e164: NUMBER };
    expect((await openCaseForReport(deps, input)).kind).toBe('opened');
    const first = await storage.caseContacts.get('K7M3-P9QX-AB');
    clock.advance(60_000);
    expect((await openCaseForReport(deps, input)).kind).toBe('already_open');
    expect(await storage.cases.history('K7M3-P9QX-AB')).toHaveLength(1);
    expect(await storage.caseContacts.get('K7M3-P9QX-AB')).toStrictEqual(first);
  });

  it('opens nothing for a report without a concern, and refuses an unfinished one', async () => {
    const { storage, deps } = setup();
    expect(await openCaseForReport(deps, { response: report({ problem: 'none', satisfaction: 5 }), definition: clinic.definition, consent: true, e164: NUMBER })).toEqual({ kind: 'not_a_concern' });
    expect(await storage.cases.list({}, 10)).toEqual([]);
    expect(await storage.caseContacts.get('K7M3-P9QX-AB')).toBeNull();
    await expect(openCaseForReport(deps, { response: report({ problem: 'dirty' }, { status: 'in_progress' }), definition: clinic.definition, consent: false, e164: null })).rejects.toThrow(
      'not complete',
    );
  });
});

describe('acting on a case', () => {
  async function opened(consent = true) {
    const s = setup();
    await s.storage.questionnaires.insertVersion({
      id: 'clinic',
      version: 1,
      status: 'published',
      definition: clinic.definition,
      texts: clinic.texts,
      createdAt: new Date(0),
      publishedAt: new Date(0),
      publishedBy: 'seed',
    });
    await s.storage.responses.start({ ...report({}), sessionIds: ['ATUid_1'] });
    await openCaseForReport(s.deps, { response: report({ problem: 'long_wait' }), definition: clinic.definition, consent, e164: consent ? NUMBER : null });
    return s;
  }

  it('follows the machine and stores who, when and what; the contact goes when the case is resolved', async () => {
    const { storage, deps, clock } = await opened();
    const act = (event: Parameters<typeof actOnCase>[1]['event'], more: object = {}) =>
      actOnCase(deps, { actor: staff, facilities: ['1001'], reference: 'k7m3p9qxab', event, channel: 'api', ...more });
    expect(await act('acknowledge')).toMatchObject({ ok: true, case: { status: 'acknowledged', revision: 1, firstActionAt: clock.now() } });
    clock.advance(3_600_000);
    expect(await act('action_taken', { actionCode: 'extra_staff', note: 'Second nurse on Mondays' })).toMatchObject({ ok: true, case: { status: 'action_taken', actionTakenAt: clock.now() } });
    expect(await act('note', { note: 'Told the committee' })).toMatchObject({ ok: true, case: { status: 'action_taken', revision: 3 } });
    expect(await storage.caseContacts.get('K7M3-P9QX-AB')).not.toBeNull();
    expect(await act('resolve', { byTimeout: true })).toMatchObject({ ok: true, case: { status: 'resolved', resolvedByTimeout: true, closedAt: clock.now() } });
    expect(await storage.caseContacts.get('K7M3-P9QX-AB')).toBeNull();
    const history = await storage.cases.history('K7M3-P9QX-AB');
    expect(history.map((t) => [t.seq, t.event, t.from, t.to, t.actionCode, t.note])).toEqual([
      [1, 'open', null, 'open', null, null],
      [2, 'acknowledge', 'open', 'acknowledged', null, null],
      [3, 'action_taken', 'acknowledged', 'action_taken', 'extra_staff', 'Second nurse on Mondays'],
      [4, 'note', 'action_taken', 'action_taken', null, 'Told the committee'],
      [5, 'resolve', 'action_taken', 'resolved', null, null],
    ]);
    expect(history.slice(1).every((t) => t.by.label === staff.label && t.channel === 'api')).toBe(true);
    // "closed but not fixed": the citizen reopens; the case is open again, not closed
    expect(await act('reopen')).toMatchObject({ ok: true, case: { status: 'reopened', closedAt: null, resolvedByTimeout: false } });
  });

  it('refuses what the machine does not allow, naming what it does', async () => {
    const { deps } = await opened();
    expect(await actOnCase(deps, { actor: staff, facilities: null, reference: 'K7M3-P9QX-AB', event: 'resolve', channel: 'api' })).toEqual({
      ok: false,
      reason: 'not_allowed',
      message: 'a case that is open cannot take "resolve"',
      allowed: ['acknowledge', 'action_taken', 'refer', 'escalate', 'note'],
    });
  });

  it("checks the actor's facilities, the action code, and keeps numbers out of notes", async () => {
    const { deps, storage } = await opened();
    const base = { actor: staff, reference: 'K7M3-P9QX-AB', channel: 'api' };
    expect(await actOnCase(deps, { ...base, facilities: ['2002'], event: 'acknowledge' })).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(await actOnCase(deps, { ...base, facilities: [], event: 'acknowledge' })).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(await actOnCase(deps, { ...base, facilities: null, event: 'action_taken' })).toMatchObject({ ok: false, reason: 'invalid', message: expect.stringContaining('say what was done') });
    expect(await actOnCase(deps, { ...base, facilities: null, event: 'action_taken', actionCode: 'repaired' })).toMatchObject({
      ok: false,
      reason: 'invalid',
      message: expect.stringContaining('not an action of this questionnaire'),
    });
    expect(await actOnCase(deps, { ...base, facilities: null, event: 'acknowledge', actionCode: 'extra_staff' })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await actOnCase(deps, { ...base, facilities: null, event: 'note', note: 'She asked us to call 0711 000 205' })).toMatchObject({
      ok: false,
      reason: 'invalid',
      message: expect.stringContaining('phone number'),
    });
    expect(await actOnCase(deps, { ...base, facilities: null, event: 'note', note: ' ' })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await actOnCase(deps, { ...base, facilities: null, event: 'note', note: 'x'.repeat(281) })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await actOnCase(deps, { ...base, reference: 'nonsense', facilities: null, event: 'note', note: 'x' })).toMatchObject({ ok: false, reason: 'not_found' });
    expect(await actOnCase(deps, { ...base, reference: '0000-0000-00', facilities: null, event: 'note', note: 'x' })).toMatchObject({ ok: false, reason: 'not_found' });
    expect((await storage.cases.get('K7M3-P9QX-AB'))!.revision).toBe(0);
    expect(await caseActions(storage, (await storage.cases.get('K7M3-P9QX-AB'))!)).toEqual(['spoke_to_staff', 'medicines_ordered', 'extra_staff', 'cleaned', 'process_changed', 'other']);
  });

  it('closing unresolved after escalation deletes the contact too', async () => {
    const { deps, storage } = await opened();
    const base = { actor: staff, facilities: null, reference: 'K7M3-P9QX-AB', channel: 'api' };
    expect(await actOnCase(deps, { ...base, event: 'refer', note: 'Needs the district' })).toMatchObject({ ok: true, case: { status: 'escalated' } });
    expect(await storage.caseContacts.get('K7M3-P9QX-AB')).not.toBeNull();
    expect(await actOnCase(deps, { ...base, event: 'close_unresolved' })).toMatchObject({ ok: true, case: { status: 'closed_unresolved' } });
    expect(await storage.caseContacts.get('K7M3-P9QX-AB')).toBeNull();
  });
});

describe('contact retention', () => {
  it('the storage sweep purges a contact past its retention, even while the case is open', async () => {
    const { storage, deps, clock } = setup();
    await openCaseForReport(deps, { response: report({ problem: 'dirty' }), definition: clinic.definition, consent: true, e164: NUMBER });
    const logs: string[] = [];
    const log = { info: (_o: object, m: string) => logs.push(m), error: (_o: object, m: string) => logs.push(m) };
    const sweeper = createStorageSweeper({ storage, clock, log, respondentRetentionDays: 365 });
    clock.advance(89 * 86_400_000);
    expect((await sweeper.sweep()).contacts).toBe(0);
    expect(await storage.caseContacts.get('K7M3-P9QX-AB')).not.toBeNull();
    clock.advance(86_400_000 + 1);
    expect((await sweeper.sweep()).contacts).toBe(1);
    expect(await storage.caseContacts.get('K7M3-P9QX-AB')).toBeNull();
    expect((await storage.cases.get('K7M3-P9QX-AB'))!.status).toBe('open');
    expect(logs.join('\n')).not.toContain(NUMBER.slice(4));
  });
});
