import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtUssdSession, Hop } from '../../src/channels/ussd/at-simulator.js';
import { actOnCase } from '../../src/app/cases/act-on-case.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';
import { formatReference, sequentialIds } from '../../src/gateways/ids.js';
import { expectGolden, storedLine } from '../support/golden.js';
import { startTestService, type TestService } from '../support/service.js';

/**
 * Golden USSD conversations: what was typed, what the phone showed, and what storage held
 * after each hop. Regenerate with `npm run test:update` and review the diff.
 */

const GOLDEN_DIR = join(PROJECT_ROOT, 'test/transcripts/golden/ussd');

class Transcript {
  private lines: string[] = [];
  private lastStored = '';
  constructor(
    private t: TestService,
    title: string,
  ) {
    this.lines.push(`# ${title}`, '');
  }
  note(text: string) {
    this.lines.push(`# ${text}`, '');
  }
  async hop(label: string, phone: AtUssdSession, act: () => Promise<Hop>) {
    const h = await act();
    this.lines.push(`> ${label}   [text="${h.text}"]`);
    this.lines.push(...h.body.split('\n').map((l) => `< ${l}`));
    const stored = await this.stored(phone);
    if (stored !== this.lastStored) this.lines.push(`= ${stored}`);
    this.lastStored = stored;
    this.lines.push('');
    return h;
  }
  private async stored(phone: AtUssdSession): Promise<string> {
    const session = await this.t.storage.sessions.get('ussd', phone.sessionId);
    return storedLine(this.t.storage, session?.responseId);
  }
  check(name: string) {
    expectGolden(GOLDEN_DIR, name, this.lines.join('\n'));
  }
}

async function say(tr: Transcript, phone: AtUssdSession, inputs: string[]) {
  let last: Hop | undefined;
  for (const input of inputs) last = await tr.hop(input, phone, () => phone.send(input));
  return last!;
}

describe('USSD transcripts', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  const full: Array<[string, string, string, string[], string | null]> = [
    // [name, language key, facility, answers after consent, the answer to "may we SMS you" (null: no concern, not asked)]
    ['full-report-en-clinic', '1', '1001', ['3', '2', '2', '2', '2', '2', '1', '2'], '1'],
    ['full-report-sw-police', '2', '2002', ['1', '4', '1', '4', '1', '1', '2', '3'], null],
    ['full-report-zu-social-grant', '3', '3001', ['3', '4', '2', '2', '3', '2', '1', '4'], '2'],
  ];
  it.each(full)('%s', async (name, lang, code, answers, followUp) => {
    const phone = t.phone(`+2547110000${10 + Number(lang)}`);
    const tr = new Transcript(
      t,
      followUp === null ? `A full report: language ${lang}, facility ${code}` : `A full report naming a concern: language ${lang}, facility ${code}, follow-up SMS ${followUp === '1' ? 'yes' : 'no'}`,
    );
    await tr.hop('(dial *384*123#)', phone, () => phone.dial());
    const last = await say(tr, phone, [lang, code, '1', ...answers]);
    if (followUp === null) expect(last.body).toMatch(/^END /);
    else {
      expect(last.body).toMatch(/^CON /);
      expect((await say(tr, phone, [followUp])).body).toMatch(/^END /);
    }
    tr.check(name);
  });

  it('back navigation', async () => {
    const phone = t.phone('+254711000201');
    const tr = new Transcript(t, 'Going back: 0 returns to the previous question and withdraws its answer');
    await tr.hop('(dial)', phone, () => phone.dial());
    await say(tr, phone, ['1', '1001', '1', '2', '4', '0', '0', '5', '3']);
    tr.check('back-navigation');
  });

  it('paging a long menu', async () => {
    const phone = t.phone('+254711000202');
    const tr = new Transcript(t, 'Paging (isiZulu problem menu): 98 shows more, 0 returns a page, numbers hold across pages');
    await tr.hop('(dial)', phone, () => phone.dial());
    const last = await say(tr, phone, ['3', '1001', '1', '1', '4', '1', '4', '98', '0', '98', '7']);
    expect(last.body).toContain('Ungawutusa');
    tr.check('paging');
  });

  it('a wrong input', async () => {
    const phone = t.phone('+254711000203');
    const tr = new Transcript(t, 'Wrong inputs are re-asked with a one-line error, in the chosen language');
    await tr.hop('(dial)', phone, () => phone.dial());
    await say(tr, phone, ['2', '1001', '1', '9', '{"$gt":""}', '😀', 'x'.repeat(500), '*#', '1']);
    tr.check('wrong-input');
  });

  it('an unknown facility', async () => {
    const phone = t.phone('+254711000204');
    const tr = new Transcript(t, 'An unknown facility code gets three tries, then a polite end with the helpline');
    await tr.hop('(dial)', phone, () => phone.dial());
    await say(tr, phone, ['1', '9999', '12', '8888']);
    tr.check('unknown-facility');
  });

  it('a repeated hop', async () => {
    const phone = t.phone('+254711000205');
    const tr = new Transcript(t, 'A repeated hop (AT retrying after a timeout) returns the same screen and records nothing twice');
    await tr.hop('(dial)', phone, () => phone.dial());
    await say(tr, phone, ['1', '1001', '1', '2']);
    await tr.hop('(same hop again)', phone, () => phone.repeat());
    await tr.hop('(and again)', phone, () => phone.repeat());
    await say(tr, phone, ['5']);
    tr.check('repeated-hop');
    const session = await t.storage.sessions.get('ussd', phone.sessionId);
    const response = await t.storage.responses.get(session!.responseId!);
    expect(response!.answers.map((a) => a.questionId)).toEqual(['wait', 'staff']);
  });

  it('a drop and resume', async () => {
    const number = '+254711000206';
    const first = t.phone(number, 'ATUid_drop_1');
    const tr = new Transcript(t, 'The network drops the session; a redial within the resume window continues where it stopped');
    await tr.hop('(dial)', first, () => first.dial());
    await say(tr, first, ['3', '1001', '1', '1', '3']);
    tr.note('the network drops the session; AT posts the end-of-session notification');
    expect(await first.notifyEnd('Incomplete')).toBe(200);
    const droppedId = (await t.storage.sessions.get('ussd', 'ATUid_drop_1'))!.responseId!;
    const dropped = await t.storage.responses.get(droppedId);
    expect(dropped!.status).toBe('abandoned');
    t.clock.advance(5 * 60_000);
    tr.note('five minutes later the same number dials again');
    const second = t.phone(number, 'ATUid_drop_2');
    await tr.hop('(redial)', second, () => second.dial());
    await say(tr, second, ['1', '3', '4', '1', '1', '00', '00']);
    tr.check('drop-and-resume');
    const resumed = await t.storage.responses.get(dropped!.id);
    expect(resumed!.status).toBe('complete');
    expect(resumed!.sessionIds).toEqual(['ATUid_drop_1', 'ATUid_drop_2']);
  });

  it('the extended dial string', async () => {
    const phone = t.phone('+254711000207');
    const tr = new Transcript(t, 'Dialling *384*123*1001# pre-fills the facility code');
    await tr.hop('(dial *384*123*1001#)', phone, () => phone.dial(['1001']));
    await say(tr, phone, ['1', '1']);
    tr.check('extended-dial-string');
  });

  it('paging after a wrong answer', async () => {
    const phone = t.phone('+254711000209');
    const tr = new Transcript(t, 'A wrong answer on a long menu: the error line shows once; 98 and 0 move between pages without it, and every option stays reachable');
    await tr.hop('(dial)', phone, () => phone.dial());
    const wrong = await say(tr, phone, ['3', '1001', '1', '1', '4', '1', '4', '99']);
    const error = 'Phendula ngenombolo 1 kuya ku-8.';
    expect(wrong.body).toContain(error);
    const seen = new Set<string>();
    const note = (body: string) => {
      for (const m of body.matchAll(/^([1-9])\. /gm)) seen.add(m[1]!);
    };
    note(wrong.body);
    for (const key of ['98', '0', '98']) {
      const moved = await say(tr, phone, [key]);
      expect(moved.body, `after ${key}`).not.toContain(error);
      note(moved.body);
    }
    expect([...seen].sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    const last = await say(tr, phone, ['7']);
    expect(last.body).toContain('Ungawutusa');
    tr.check('paging-after-error');
  });
});

describe('USSD transcripts: check a report', () => {
  let t: TestService;
  // references a citizen can type: ten characters, as real ones are
  beforeAll(async () => {
    t = await startTestService({}, { ids: sequentialIds('K7M3') });
  });
  afterAll(() => t.stop());

  it('an unknown or malformed reference three times', async () => {
    const phone = t.phone('+254711000301');
    const tr = new Transcript(t, 'Check a report: 9 on the facility screen; unknown and malformed references get three tries, as facility codes do');
    await tr.hop('(dial)', phone, () => phone.dial());
    await say(tr, phone, ['1', '9', 'K7M3-0000-99', 'hello', 'k7m3000098']);
    tr.check('check-unknown-reference');
    expect(await t.storage.cases.list({}, 10)).toEqual([]);
  });

  it('a case where action was taken, and the citizen says it is not solved', async () => {
    const reporter = t.phone('+254711000302');
    const tr = new Transcript(t, 'A report names a concern and becomes a case; the facility acts; the citizen checks it from another phone and says it is not solved: the case is reopened');
    await tr.hop('(dial)', reporter, () => reporter.dial());
    const reference = 'K7M3-0000-01';
    await say(tr, reporter, ['1', '1001', '1', '3', '2', '2', '2', '2', '2', '1', '2', '2']);
    expect((await t.storage.cases.get(reference))?.status).toBe('open');
    t.clock.advance(2 * 86_400_000);
    const acted = await actOnCase(
      { storage: t.storage, clock: t.clock },
      { actor: { kind: 'manager', label: 'manager ***0100' }, facilities: null, reference: reference, event: 'action_taken', actionCode: 'spoke_to_staff', channel: 'ussd' },
    );
    expect(acted.ok).toBe(true);
    tr.note(`two days later the manager records action taken (spoke to staff); the case is ${(await t.storage.cases.get(reference))!.status}`);
    tr.note('the citizen dials from another phone and checks the reference, typed in lower case without dashes');
    const checker = t.phone('+254711000303');
    await tr.hop('(dial)', checker, () => checker.dial());
    await say(tr, checker, ['1', '9', 'k7m3000001', '2']);
    const reopened = await t.storage.cases.get(reference);
    const history = await t.storage.cases.history(reference);
    tr.note(`case ${reference}: ${history.map((h) => `${h.event} by ${h.by.kind} (${h.channel}) -> ${h.to}`).join('; ')}`);
    tr.check('check-not-solved-reopened');
    expect(reopened!.status).toBe('reopened');
    expect(history.at(-1)).toMatchObject({ event: 'reopen', by: { kind: 'citizen' }, from: 'action_taken', to: 'reopened', channel: 'ussd' });
  });

  it('a concern left on "May we SMS you?" when the session drops', async () => {
    const phone = t.phone('+254711000304', 'ATUid_follow_up_drop');
    const tr = new Transcript(t, 'The session drops on the follow-up question: the report is complete and becomes a case all the same, with no contact (no answer is no consent)');
    await tr.hop('(dial)', phone, () => phone.dial());
    await say(tr, phone, ['1', '1001', '1', '3', '2', '2', '2', '2', '2', '1', '2']);
    tr.note('the network drops the session; AT posts the end-of-session notification (twice: the second changes nothing)');
    expect(await phone.notifyEnd('Incomplete')).toBe(200);
    expect(await phone.notifyEnd('Incomplete')).toBe(200);
    const session = await t.storage.sessions.get('ussd', phone.sessionId);
    const reference = formatReference(session!.responseId!);
    tr.note(`after the notification: ${(await storedLine(t.storage, session!.responseId)).replace(/^stored: /, '')}`);
    tr.check('follow-up-dropped');
    const c = await t.storage.cases.get(reference);
    expect(c).toMatchObject({ status: 'open', contactConsent: false });
    expect(await t.storage.caseContacts.get(reference)).toBeNull();
    expect(await t.storage.cases.history(reference)).toHaveLength(1);
  });
});
