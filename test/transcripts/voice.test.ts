import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtVoiceCall, VoiceHop } from '../../src/channels/voice/at-simulator.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';
import { actOnCase } from '../../src/app/cases/act-on-case.js';
import { formatReference } from '../../src/gateways/ids.js';
import { keypadDigits } from '../../src/text/reference.js';
import { expectGolden, storedLine } from '../support/golden.js';
import { atVoiceXmlProblems, describeVoiceXml } from '../support/voice-xml.js';
import { recordedRoot, rootWithEveryType, startVoiceService, TEST_POINT, type VoiceTestService } from '../support/voice.js';

/**
 * Golden voice calls: what AT posted (the caller's key, silence, a recording), the XML we
 * answered (one action per line), and what storage held after each request. English is
 * spoken with Say; Kiswahili and isiZulu play recordings (stand-in files made by the test).
 * Regenerate with `npm run test:update` and review the diff.
 */

const GOLDEN_DIR = join(PROJECT_ROOT, 'test/transcripts/golden/voice');

class Transcript {
  private lines: string[] = [];
  private lastStored = '';
  constructor(
    private t: VoiceTestService,
    title: string,
  ) {
    this.lines.push(`# ${title}`, '');
  }
  note(text: string) {
    this.lines.push(`# ${text}`, '');
  }
  async hop(label: string, call: AtVoiceCall, act: () => Promise<VoiceHop>) {
    const h = await act();
    const shown =
      h.form.isActive === '0'
        ? ' isActive=0'
        : h.form.recordingUrl !== undefined
          ? ` recordingUrl=${h.form.recordingUrl}`
          : h.form.dtmfDigits !== undefined
            ? ` dtmfDigits="${h.form.dtmfDigits}"`
            : '';
    this.lines.push(`> ${label}   [POST ${h.path}${shown}]`);
    if (h.body.startsWith('<?xml')) {
      expect(atVoiceXmlProblems(h.body)).toEqual([]);
      this.lines.push(...describeVoiceXml(h.body).map((l) => `< ${l}`));
    } else {
      this.lines.push(`< ${h.status}${h.body ? ` ${h.body}` : ' (empty)'}`);
    }
    const stored = await this.stored(call);
    if (stored !== this.lastStored) this.lines.push(...stored.split('\n').map((l) => `= ${l}`));
    this.lastStored = stored;
    this.lines.push('');
    return h;
  }
  private async stored(call: AtVoiceCall): Promise<string> {
    const session = await this.t.storage.sessions.get('voice', call.sessionId);
    const record = await this.t.storage.voiceCalls.get(call.sessionId);
    const callLine = record ? `\ncall ended: ${record.durationInSeconds} s, ${record.amount} ${record.currencyCode}, ${record.hangupCause}, response ${record.responseId ?? 'none'}` : '';
    return `${await storedLine(this.t.storage, session?.responseId)}${callLine}`;
  }
  check(name: string) {
    expectGolden(GOLDEN_DIR, name, this.lines.join('\n'));
  }
}

async function press(tr: Transcript, call: AtVoiceCall, keys: string[]) {
  let last: VoiceHop | undefined;
  for (const k of keys) last = await tr.hop(`presses ${k === '' ? '(nothing)' : k}`, call, () => call.press(k));
  return last!;
}

describe('voice transcripts', () => {
  let t: VoiceTestService;
  beforeAll(async () => {
    t = await startVoiceService({}, { root: recordedRoot(['sw', 'zu']) });
  });
  afterAll(() => t.stop());

  // the thank-you (or the answer to "May we SMS you?") offers its reference again (with *) only where it is said: a recording leaves the reference out
  const full: Array<[string, string, string, string[], string[], boolean]> = [
    // [name, language key, facility, answers after consent, the key for "may we SMS you" when the report names a concern, replays]
    ['full-call-en-clinic', '1', '1001', ['3', '2', '2', '2', '2', '2', '1', '2'], ['1'], true],
    ['full-call-sw-police', '2', '2002', ['1', '4', '1', '4', '1', '1', '2', '3'], [], false],
  ];
  it.each(full)('%s', async (name, lang, code, answers, followUp, replays) => {
    const call = t.call(`+2547110010${10 + Number(lang)}`);
    const title = followUp.length
      ? `A full call naming a concern (follow-up SMS: yes): language key ${lang}, facility ${code}, then AT's final request`
      : `A full call: language key ${lang}, facility ${code}, then AT's final request`;
    const tr = new Transcript(t, title);
    await tr.hop('(call connects)', call, () => call.dial());
    const end = await press(tr, call, [lang, code, '1', ...answers, ...followUp]);
    if (replays) {
      // the ending waits a moment for * to say the reference again; silence ends the call (no Redirect)
      expect(end.listening).toBe('keys');
      await expect(call.silence()).rejects.toThrow('no Redirect');
      const again = await press(tr, call, ['*']);
      expect(again.body).toBe(end.body);
    } else expect(end.listening).toBeNull();
    await tr.hop('(caller hangs up)', call, () => call.hangup({ durationInSeconds: 118, amount: 3.4, currencyCode: 'KES', hangupCause: 'NORMAL_CLEARING' }));
    tr.check(name);
  });

  it('wrong keys', async () => {
    const call = t.call('+254711001201');
    const tr = new Transcript(t, 'Wrong keys are a wrong answer, never an error: the question is asked again with a short reason; the count starts again after a good answer');
    await tr.hop('(call connects)', call, () => call.dial());
    await press(tr, call, ['1', '12', '1001', '9', '1', '#', 'AB', '1', 'x'.repeat(3), '4'.repeat(40), '4']);
    tr.check('wrong-key');
  });

  it('silence on a required question', async () => {
    const call = t.call('+254711001202');
    const tr = new Transcript(t, 'Silence: the question is repeated twice, then the call ends politely; the answers so far are kept');
    await tr.hop('(call connects)', call, () => call.dial());
    await press(tr, call, ['1', '1001', '1', '3']);
    await tr.hop('(silence)', call, () => call.silence());
    await tr.hop('(silence)', call, () => call.silence());
    const end = await tr.hop('(silence)', call, () => call.silence());
    expect(end.listening).toBeNull();
    await tr.hop('(call ends)', call, () => call.hangup({ durationInSeconds: 75, amount: 1.2, currencyCode: 'KES', hangupCause: 'NORMAL_CLEARING' }));
    tr.check('silence-required');
  });

  it('silence and 0 on optional questions', async () => {
    const call = t.call('+254711001203');
    const tr = new Transcript(t, 'Optional questions: silence three times skips the question; 0 skips at once');
    await tr.hop('(call connects)', call, () => call.dial());
    await press(tr, call, ['1', '1001', '1', '1', '5', '1', '5', '1', '1']);
    for (let i = 0; i < 3; i++) await tr.hop('(silence)', call, () => call.silence());
    await press(tr, call, ['0']);
    tr.check('silence-optional');
  });

  it('star repeats, and a repeated callback changes nothing', async () => {
    const call = t.call('+254711001204');
    const tr = new Transcript(t, '* repeats the question; AT repeating a callback gets the same XML and records nothing twice');
    await tr.hop('(call connects)', call, () => call.dial());
    await press(tr, call, ['*', '3', '1001', '1', '2', '*']);
    await tr.hop('(AT repeats the same callback)', call, () => call.repeat());
    await press(tr, call, ['4']);
    await tr.hop('(AT repeats the same callback)', call, () => call.repeat());
    tr.check('repeat');
    const session = await t.storage.sessions.get('voice', call.sessionId);
    const response = await t.storage.responses.get(session!.responseId!);
    expect(response!.answers.map((a) => `${a.questionId}=${a.value}`)).toEqual(['wait=m30_1h', 'staff=4']);
  });

  it('a drop and resume', async () => {
    const number = '+254711001205';
    const first = t.call(number, 'ATVId_drop_1');
    const tr = new Transcript(t, 'The call drops; calling back within the resume window offers to continue where it stopped');
    await tr.hop('(call connects)', first, () => first.dial());
    await press(tr, first, ['3', '1001', '1', '1', '3']);
    tr.note('the line drops; AT posts the final request');
    await tr.hop('(call drops)', first, () => first.hangup({ durationInSeconds: 61, amount: 1, currencyCode: 'KES', hangupCause: 'NETWORK_OUT_OF_ORDER' }));
    t.clock.advance(5 * 60_000);
    tr.note('five minutes later the same number calls again');
    const second = t.call(number, 'ATVId_drop_2');
    await tr.hop('(call connects)', second, () => second.dial());
    const end = await press(tr, second, ['1', '3', '4', '1', '1', '0', '0']);
    expect(end.listening).toBeNull();
    tr.check('drop-and-resume');
    const response = await t.storage.responses.get((await t.storage.sessions.get('voice', 'ATVId_drop_1'))!.responseId!);
    expect(response!.status).toBe('complete');
    expect(response!.sessionIds).toEqual(['ATVId_drop_1', 'ATVId_drop_2']);
  });

  it('the final isActive=0 request', async () => {
    const call = t.call('+254711001206');
    const tr = new Transcript(t, "AT's last request (isActive=0) stores duration, cost and hangup cause, marks the unfinished report abandoned, and gets an empty 200; a repeat changes nothing");
    await tr.hop('(call connects)', call, () => call.dial());
    await press(tr, call, ['1', '3001', '1', '2']);
    await tr.hop('(caller hangs up)', call, () => call.hangup({ durationInSeconds: 47, amount: 0.75, currencyCode: 'KES', hangupCause: 'NORMAL_CLEARING' }));
    await tr.hop('(AT repeats the final request)', call, () => call.hangup({ durationInSeconds: 99, amount: 9, currencyCode: 'KES', hangupCause: 'OTHER' }));
    tr.check('call-end');
  });
  it('check a report by keypad', async () => {
    // a report naming a concern, by voice, and the facility acting on its case
    const reporter = t.call('+254711001207');
    await reporter.dial();
    for (const k of ['1', '1001', '1', '3', '2', '2', '2', '2', '2', '1', '2', '2']) await reporter.press(k);
    const reference = formatReference((await t.storage.sessions.get('voice', reporter.sessionId))!.responseId!);
    const acted = await actOnCase(t.service.cases, {
      actor: { kind: 'staff', label: 'Thandi (editor)' },
      facilities: null,
      reference,
      event: 'action_taken',
      actionCode: 'extra_staff',
      channel: 'console',
    });
    expect(acted.ok).toBe(true);

    const call = t.call('+254711001208');
    const tr = new Transcript(
      t,
      `"Check a report" on a voice call: 9 on the facility screen, then the reference ${reference} keyed one key a character (${keypadDigits(reference)}); the facility acted, the caller says it is not solved, and the case is reopened`,
    );
    await tr.hop('(call connects)', call, () => call.dial());
    await press(tr, call, ['1', '9', '12345', keypadDigits(reference), '2']);
    tr.check('check-by-keypad');
    expect((await t.storage.cases.get(reference))!.status).toBe('reopened');
    expect((await t.storage.cases.history(reference)).at(-1)).toMatchObject({ event: 'reopen', by: { kind: 'citizen' }, channel: 'voice' });
  });
});

describe('voice transcripts: a recorded answer', () => {
  let t: VoiceTestService;
  beforeAll(async () => {
    t = await startVoiceService({ LANGUAGES: 'en' }, { root: rootWithEveryType() });
    await t.storage.facilities.upsertMany([TEST_POINT]);
  });
  afterAll(() => t.stop());

  it('a free-text question answered by speaking', async () => {
    const call = t.call('+254711001301');
    const tr = new Transcript(t, 'Free text is recorded after the beep; the recording URL is stored as the answer. Keys pressed instead are not stored as text');
    await tr.hop('(call connects)', call, () => call.dial());
    await press(tr, call, [TEST_POINT.code, '1', '1', '3', '3']);
    await tr.hop('(says nothing: the Record times out and AT follows the Redirect)', call, () => call.silence());
    await tr.hop('(presses 5 instead of speaking)', call, () => call.press('5'));
    await tr.hop('(speaks, then #)', call, () => call.record('https://voice.africastalking.com/recordings/3f1c9a2e-8b7d-4c1e-9f0a-5d6b7c8e9f01.mp3'));
    await press(tr, call, ['0', '4']);
    tr.check('recording');
    const session = await t.storage.sessions.get('voice', call.sessionId);
    const response = await t.storage.responses.get(session!.responseId!);
    expect(response!.answers.find((a) => a.questionId === 'other_detail')?.value).toBe('https://voice.africastalking.com/recordings/3f1c9a2e-8b7d-4c1e-9f0a-5d6b7c8e9f01.mp3');
  });
});
