import { performance } from 'node:perf_hooks';
import { client, percentile } from './load.js';

/**
 * Simulated phones walking a whole clinic report over HTTP, as Africa's Talking posts it:
 * saturation (closed loop, N phones at once) and a fixed offered rate (open loop). Shared by
 * `npm run bench` and the dashboard bench.
 */

// A clinic report: language, facility, consent, eight answers (the last two skipped).
export const SCRIPT = ['1', '1001', '1', '2', '4', '1', '4', '1', '2', '00', '00'];

export type Phone = { sessionId: string; phoneNumber: string; inputs: string[]; step: number };
let sessionCounter = 0;
const runTag = Date.now().toString(36);
export const newPhone = (): Phone => {
  const n = ++sessionCounter;
  // a bounded pool of callers, as in life; each call is a new AT session
  return { sessionId: `ATUid_bench_${runTag}_${n}`, phoneNumber: `+2547${String(n % 5000).padStart(8, '0')}`, inputs: [], step: -1 };
};
export const form = (p: Phone, text: string) => new URLSearchParams({ sessionId: p.sessionId, serviceCode: '*384*123#', phoneNumber: p.phoneNumber, networkCode: '63902', text }).toString();

/** The next hop's body for a phone, or null when its report is done. */
export function nextHop(p: Phone, lastReply: string | null): string | null {
  if (lastReply?.startsWith('END')) return null;
  if (p.step >= 0) {
    // a redial may be offered to resume; "2" starts again so every call runs the full script
    const input = lastReply?.includes('unfinished') ? '2' : SCRIPT[p.step];
    if (input === undefined) return null;
    p.inputs.push(input);
  }
  p.step++;
  return form(p, p.inputs.join('*'));
}

export async function saturate(port: number, total: number, concurrency: number, kind: 'service' | 'bare') {
  const http = client(port, concurrency);
  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  let completed = 0;
  const started = performance.now();
  let lastProgress = started;
  const worker = async () => {
    let phone = newPhone();
    let reply: string | null = null;
    while (sent < total) {
      const body = kind === 'bare' ? form(phone, '') : nextHop(phone, reply);
      if (body === null) {
        completed++;
        phone = newPhone();
        reply = null;
        continue;
      }
      sent++;
      const t0 = performance.now();
      const res = await http.post('/ussd', body);
      latencies.push(performance.now() - t0);
      if (res.status !== 200) errors++;
      reply = res.text;
      if (performance.now() - lastProgress > 5000) {
        lastProgress = performance.now();
        process.stderr.write(`  ${kind}: ${sent}/${total} hops\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  http.close();
  latencies.sort((a, b) => a - b);
  return { hops: latencies.length, seconds, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, completed };
}

/**
 * Open-loop load: a hop is due every 1/rate s, round-robin over open sessions; latency counts
 * from when it was due. `until` (optional) stops it early, e.g. when another task is done.
 */
export async function fixedLoad(port: number, rate: number, sessions: number, seconds: number, until?: () => boolean) {
  const http = client(port, sessions);
  const phones = Array.from({ length: sessions }, () => ({ phone: newPhone(), reply: null as string | null, busy: false }));
  const latencies: number[] = [];
  let late = 0;
  let errors = 0;
  const total = rate * seconds;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    if (until?.()) break;
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((ok) => setTimeout(ok, wait));
    const slot = phones[i % sessions]!;
    if (slot.busy) {
      late++; // this phone's previous hop has not come back yet: the service is not keeping up
      continue;
    }
    let body = nextHop(slot.phone, slot.reply);
    if (body === null) {
      slot.phone = newPhone();
      slot.reply = null;
      body = nextHop(slot.phone, null)!;
    }
    slot.busy = true;
    inflight.push(
      http.post('/ussd', body).then((res) => {
        latencies.push(performance.now() - due);
        if (res.status !== 200) errors++;
        slot.reply = res.text;
        slot.busy = false;
      }),
    );
  }
  await Promise.all(inflight);
  http.close();
  latencies.sort((a, b) => a - b);
  const elapsed = (performance.now() - start) / 1000;
  return { offered: total, done: latencies.length, achieved: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN, late, errors };
}
