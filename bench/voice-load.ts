import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Callers, Conversation, Hop } from './load.js';
import { ANSWERS } from './ussd-load.js';

/**
 * Simulated voice callers walking a whole clinic report, posting what Africa's Talking
 * posts. A caller reads each XML reply (the words said, and the callbackUrl it must post the
 * keys to) and presses what the screen it heard asks for: a language, a resume offer
 * (declined), the facility code, consent, each question by its wording. At the thank-you it
 * hangs up, and AT's last request (isActive=0) is the call's last hop. Anything else is a
 * misfire, counted, and the caller hangs up.
 */

const root = join(import.meta.dirname, '..');
const system = JSON.parse(readFileSync(join(root, 'locales/en/system.json'), 'utf8')) as Record<string, string>;
const clinic = JSON.parse(readFileSync(join(root, 'locales/en/clinic.json'), 'utf8')) as { questions: Record<string, { text: string }> };
const stem = (key: string) => system[key]!.split('{')[0]!.replace(/[:.]\s*$/, '');
const QUESTIONS = Object.entries(clinic.questions).map(([id, q]) => ({ id, text: q.text }));
const ERRORS = ['voice.silence', 'voice.wrong_key', 'voice.wrong_number', 'voice.facility_unknown', 'voice.recording_failed', 'error.facility_format', 'error.text_empty'].map(stem);
const WELCOME = `${system['voice.welcome']} `;

let callCounter = 0;
const runTag = Date.now().toString(36);

export class VoiceCaller implements Conversation {
  readonly sessionId: string;
  private readonly form: string;
  private path: string | null = '/voice';
  private hungUp = false;
  completed = false;
  misfire: string | null = null;
  constructor() {
    const n = ++callCounter;
    this.sessionId = `ATVId_bench_${runTag}_${n}`;
    this.form = `sessionId=${this.sessionId}&direction=Inbound&callerNumber=%2B2547${String(10_000_000 + (n % 90_000_000))}&destinationNumber=%2B254711082000`;
  }

  next(last: { status: number; text: string } | null): Hop | null {
    if (this.hungUp) return null;
    if (last === null) return { path: this.path!, body: `isActive=1&${this.form}` };
    const keys = this.keysFor(last);
    if (keys === null) {
      this.hungUp = true;
      return { path: '/voice', body: `isActive=0&${this.form}&durationInSeconds=60&amount=1.5&currencyCode=KES&hangupCause=NORMAL_CLEARING` };
    }
    return { path: this.path!, body: `isActive=1&${this.form}&dtmfDigits=${encodeURIComponent(keys)}` };
  }

  /** The keys to press for the screen just heard; null hangs up. */
  private keysFor(last: { status: number; text: string }): string | null {
    if (last.status !== 200) return this.off(`HTTP ${last.status}`);
    const said = [...last.text.matchAll(/<Say>([^<]*)<\/Say>/g)]
      .map((m) =>
        m[1]!
          .replace(/&amp;/g, '&')
          .replace(/&apos;/g, "'")
          .replace(/&quot;/g, '"'),
      )
      .join(' ');
    const url = /callbackUrl="([^"]+)"/.exec(last.text)?.[1]?.replace(/&amp;/g, '&');
    if (said.includes(stem('spoken.end.thanks'))) {
      this.completed = true;
      return null;
    }
    if (!url) return this.off(`ended: ${said.slice(0, 60)}`);
    const { pathname, search } = new URL(url);
    this.path = pathname + search;
    const heard = said.startsWith(WELCOME) ? said.slice(WELCOME.length) : said;
    const error = ERRORS.find((e) => heard.startsWith(e));
    if (error) return this.off(`error line: ${error}`);
    if (heard.includes('English. Press 1.')) return '1';
    if (heard.includes(stem('resume.prompt'))) return '2';
    if (heard.startsWith(stem('facility.prompt'))) return '1001';
    if (heard.includes(`${system['consent.start']}. Press 1. ${system['consent.decline']}. Press 2.`)) return '1';
    const question = QUESTIONS.find((q) => heard.startsWith(q.text));
    const answer = question && ANSWERS[question.id];
    // USSD skips with 00, voice with 0
    if (answer !== undefined) return answer === '00' ? '0' : answer;
    return this.off(`unknown screen: ${heard.slice(0, 60)}`);
  }

  private off(why: string): null {
    this.misfire = why;
    return null;
  }
}

/** Voice callers; the bare server gets a mid-call hop's form (the same fields and size). */
export const voiceCallers: Callers = {
  channel: 'voice',
  start: () => new VoiceCaller(),
  bare: () => ({ path: '/voice?seq=5', body: 'isActive=1&sessionId=ATVId_bench_bare&direction=Inbound&callerNumber=%2B254711000111&destinationNumber=%2B254711082000&dtmfDigits=4' }),
};
