import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Callers, type Conversation, type Hop, openLoop, saturate as saturateCallers } from './load.js';

/**
 * Simulated phones walking a whole clinic report over USSD, as Africa's Talking posts it.
 * A phone reads each reply and answers the screen it actually got: the language menu, a
 * resume offer (declined, so every call runs the whole report), the facility code, consent,
 * and each question by its wording. A returning caller whose language is remembered skips
 * the language menu, and is still answered right. Anything else (an error line, another
 * ending, a screen it does not know) is a misfire, counted, and the phone hangs up.
 * Shared by `npm run bench` and the dashboard bench.
 */

const root = join(import.meta.dirname, '..');
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;
const system = readJson('locales/en/system.json') as Record<string, string>;
const clinic = readJson('locales/en/clinic.json') as { questions: Record<string, { text: string }> };
/** the words of a message before its first placeholder */
const stem = (key: string) => system[key]!.split('{')[0]!;

/** The report's answers by question (eight questions; the last two skipped). */
export const ANSWERS: Record<string, string> = { wait: '2', staff: '4', medicines: '1', satisfaction: '4', problem: '1', recommend: '2', gender: '00', age: '00' };
const FACILITY = '1001';
const QUESTIONS = Object.entries(clinic.questions).map(([id, q]) => ({ id, text: q.text }));
const ERRORS = Object.keys(system)
  .filter((k) => k.startsWith('error.'))
  .map(stem);

let sessionCounter = 0;
const runTag = Date.now().toString(36);
/** callers come from a bounded pool of numbers, as in life; each call is a new AT session */
export const PHONE_POOL = 5000;

export class UssdPhone implements Conversation {
  readonly sessionId: string;
  readonly phoneNumber: string;
  readonly inputs: string[] = [];
  completed = false;
  misfire: string | null = null;
  private dialled = false;
  constructor() {
    const n = ++sessionCounter;
    this.sessionId = `ATUid_bench_${runTag}_${n}`;
    // +254710…: clear of the demo registry's managers (+2547000…), who would get the manager's menu
    this.phoneNumber = `+2547${String(10_000_000 + (n % PHONE_POOL))}`;
  }

  next(last: { status: number; text: string } | null): Hop | null {
    if (!this.dialled) {
      this.dialled = true;
      return this.hop();
    }
    if (!last) return null;
    const answer = this.answer(last);
    if (answer === null) return null;
    this.inputs.push(answer);
    return this.hop();
  }

  /** What a person following the script would type on this screen; null hangs up. */
  private answer(last: { status: number; text: string }): string | null {
    const { text } = last;
    if (last.status !== 200) return this.off(`HTTP ${last.status}`);
    if (text.startsWith('END ')) {
      if (text.startsWith(`END ${stem('end.thanks')}`)) this.completed = true;
      else this.off(`ended: ${text.slice(4, 60)}`);
      return null;
    }
    if (!text.startsWith('CON ')) return this.off(`not a USSD reply: ${text.slice(0, 60)}`);
    const error = ERRORS.find((e) => text.startsWith(`CON ${e}`));
    if (error) return this.off(`error line: ${error}`);
    if (text.startsWith(`CON ${system['language.title']}/`)) return '1';
    if (text.includes(stem('resume.prompt'))) return '2';
    if (text.includes(system['facility.prompt']!)) return FACILITY;
    if (text.includes(`\n1. ${system['consent.start']}\n2. ${system['consent.decline']}`)) return '1';
    const question = QUESTIONS.find((q) => text.startsWith(`CON ${q.text}\n`));
    if (question && ANSWERS[question.id] !== undefined) return ANSWERS[question.id]!;
    return this.off(`unknown screen: ${text.slice(4, 60).replace(/\n/g, ' | ')}`);
  }

  private off(why: string): null {
    this.misfire = why;
    return null;
  }

  private hop(): Hop {
    return { path: '/ussd', body: form(this, this.inputs.join('*')) };
  }
}

export const form = (p: { sessionId: string; phoneNumber: string }, text: string) =>
  new URLSearchParams({ sessionId: p.sessionId, serviceCode: '*384*123#', phoneNumber: p.phoneNumber, networkCode: '63902', text }).toString();

/** USSD callers; the bare server gets a mid-report hop's form (the same fields and about the same size). */
export const ussdCallers: Callers = {
  channel: 'ussd',
  start: () => new UssdPhone(),
  bare: () => ({ path: '/ussd', body: form({ sessionId: 'ATUid_bench_bare', phoneNumber: '+254711000111' }, '1*1001*1*2*4') }),
};

export const saturate = (port: number, total: number, concurrency: number, kind: 'service' | 'bare') => saturateCallers(port, ussdCallers, total, concurrency, kind);

/** Open-loop USSD at a fixed offered rate (see openLoop): latency from each hop's due time. */
export const fixedLoad = (port: number, rate: number, sessions: number, seconds: number, until?: () => boolean, kind: 'service' | 'bare' = 'service') =>
  openLoop(port, ussdCallers, kind, rate, sessions, seconds, until);
