import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { stdin, stdout } from 'node:process';
import { AtUssdSession, type Hop } from '../../channels/ussd/at-simulator.js';
import { ussdLength } from '../../text/gsm.js';

/**
 * `npm run dial`: an interactive USSD phone in the terminal, against the running service.
 * It posts exactly what Africa's Talking posts, so what you see is what a phone shows.
 *
 *   npm run dial                                  dial *384*123# as +254700000001
 *   npm run dial -- --dial '*384*123*1001#'       an extended dial string pre-fills the facility
 *   npm run dial -- --phone +27820000999 --url http://localhost:3000
 *
 * While dialled in: type an answer and press Enter. ":repeat" re-sends the last hop (as AT
 * does after a timeout), ":drop" drops the session (AT's end notification), ":quit" leaves.
 */

type Options = { url: string; phone: string; dial: string; token?: string };

function parseArgs(argv: string[]): Options {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    url: (get('--url') ?? process.env.DIAL_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, ''),
    phone: get('--phone') ?? '+254700000001',
    dial: get('--dial') ?? '*384*123#',
    token: get('--token') ?? process.env.AT_CALLBACK_TOKEN,
  };
}

/** "*384*123*1001#" -> service code "*384*123#" and pre-filled inputs ["1001"]. */
export function splitDialString(dial: string): { serviceCode: string; prefilled: string[] } {
  const parts = dial.replace(/#$/, '').replace(/^\*/, '').split('*').filter(Boolean);
  const base = parts.slice(0, 2);
  return { serviceCode: `*${base.join('*')}#`, prefilled: parts.slice(2) };
}

/** Wraps at spaces, as a handset does; a word longer than the line is cut. */
function wrap(line: string, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    for (let w = word; w.length > 0; w = w.slice(width)) {
      const piece = w.slice(0, width);
      if (current && `${current} ${piece}`.length > width) {
        out.push(current);
        current = piece;
      } else current = current ? `${current} ${piece}` : piece;
    }
  }
  out.push(current);
  return out;
}

function show(hop: Hop) {
  const [kind, ...rest] = hop.body.split(' ');
  const screen = rest.join(' ');
  const width = 34;
  const lines = screen.split('\n').flatMap((l) => wrap(l, width));
  console.log(`┌${'─'.repeat(width + 2)}┐`);
  for (const l of lines) console.log(`│ ${l.padEnd(width)} │`);
  console.log(`└${'─'.repeat(width + 2)}┘`);
  console.log(`  ${kind === 'END' ? 'session ended' : 'reply expected'} · ${ussdLength(screen)} chars`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const { serviceCode, prefilled } = splitDialString(options.dial);
  const rl = createInterface({ input: stdin, output: stdout, terminal: stdin.isTTY });
  // read lines through one iterator, so typed-ahead or piped input is never lost
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string | null> => {
    stdout.write(prompt);
    const next = await lines.next();
    if (next.done) return null;
    if (!stdin.isTTY) stdout.write(`${next.value}\n`);
    return next.value;
  };
  const newSession = () => new AtUssdSession({ baseUrl: options.url, phoneNumber: options.phone, sessionId: `ATUid_dial_${randomUUID()}`, serviceCode, callbackToken: options.token });
  console.log(`Dialling ${options.dial} as ${options.phone} against ${options.url}`);
  let session = newSession();
  let hop: Hop;
  try {
    hop = await session.dial(prefilled);
  } catch {
    console.error(`No service answers at ${options.url}. Start it first with: npm start`);
    rl.close();
    process.exitCode = 1;
    return;
  }
  for (;;) {
    if (hop.status !== 200) console.log(`  (HTTP ${hop.status})`);
    show(hop);
    if (hop.end || hop.status !== 200) {
      const again = ((await ask('Dial again? [y/N] ')) ?? '').trim().toLowerCase();
      if (again !== 'y') break;
      session = newSession();
      hop = await session.dial(prefilled);
      continue;
    }
    const input = await ask('> ');
    if (input === null || input === ':quit') break;
    if (input === ':repeat') {
      hop = await session.repeat();
      continue;
    }
    if (input === ':drop') {
      await session.notifyEnd('Incomplete');
      console.log('  (network dropped the session; redialling)');
      session = newSession();
      hop = await session.dial(prefilled);
      continue;
    }
    hop = await session.send(input);
  }
  rl.close();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
