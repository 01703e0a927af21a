import { performance } from 'node:perf_hooks';
import { client, fmt, percentile, startServer } from './load.js';

/**
 * `npm run bench`: whole USSD questionnaires over HTTP, many simulated phones at once, on the
 * memory adapter. In the same run it loads a bare Express route answering "CON ok", so the
 * ratio can be read without trusting absolute numbers on a shared 2-core machine.
 *
 * Flags: --hops N (default 100000), --concurrency N (default 64), --fixed-seconds N (default 10).
 */

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TOTAL_HOPS = arg('hops', 100_000);
const CONCURRENCY = arg('concurrency', 64);
const FIXED_SECONDS = arg('fixed-seconds', 10);
const FIXED_RATE = 1000;
const FIXED_SESSIONS = 200;

// A clinic report: language, facility, consent, eight answers (the last two skipped).
const SCRIPT = ['1', '1001', '1', '2', '4', '1', '4', '1', '2', '00', '00'];

type Phone = { sessionId: string; phoneNumber: string; inputs: string[]; step: number };
let sessionCounter = 0;
const newPhone = (): Phone => {
  const n = ++sessionCounter;
  // a bounded pool of callers, as in life; each call is a new AT session
  return { sessionId: `ATUid_bench_${n}`, phoneNumber: `+2547${String(n % 5000).padStart(8, '0')}`, inputs: [], step: -1 };
};
const form = (p: Phone, text: string) =>
  new URLSearchParams({ sessionId: p.sessionId, serviceCode: '*384*123#', phoneNumber: p.phoneNumber, networkCode: '63902', text }).toString();

/** The next hop's body for a phone, or null when its report is done. */
function nextHop(p: Phone, lastReply: string | null): string | null {
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

async function saturate(port: number, total: number, concurrency: number, kind: 'service' | 'bare') {
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

/** Open-loop load: a hop is due every 1/rate s, round-robin over open sessions; latency counts from when it was due. */
async function fixedLoad(port: number, rate: number, sessions: number, seconds: number) {
  const http = client(port, sessions);
  const phones = Array.from({ length: sessions }, () => ({ phone: newPhone(), reply: null as string | null, busy: false }));
  const latencies: number[] = [];
  let late = 0;
  let errors = 0;
  const total = rate * seconds;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
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

async function main() {
  console.log(`USSD bench: ${TOTAL_HOPS} hops at concurrency ${CONCURRENCY}; fixed load ${FIXED_RATE} hops/s over ${FIXED_SESSIONS} sessions for ${FIXED_SECONDS} s`);
  console.log(`node ${process.version}, service log level ${process.env.BENCH_LOG_LEVEL ?? 'warn'}, memory adapter, server and client in separate processes\n`);

  const bare = await startServer('bare');
  await saturate(bare.port, 5000, CONCURRENCY, 'bare'); // warm-up
  const bareRun = await saturate(bare.port, TOTAL_HOPS, CONCURRENCY, 'bare');
  // the same open-loop harness against the bare route: the floor this machine and client allow
  const bareFixed = await fixedLoad(bare.port, FIXED_RATE, FIXED_SESSIONS, FIXED_SECONDS);
  await bare.stop();

  const service = await startServer('service');
  await saturate(service.port, 5000, CONCURRENCY, 'service'); // warm-up: JIT, questionnaire cache
  const before = await service.memoryAfterGc();
  const run = await saturate(service.port, TOTAL_HOPS, CONCURRENCY, 'service');
  const after = await service.memoryAfterGc();
  // the same number of hops again: a leak keeps growing, stored data grows by what was stored
  const second = await saturate(service.port, TOTAL_HOPS, CONCURRENCY, 'service');
  const afterSecond = await service.memoryAfterGc();
  const fixed = await fixedLoad(service.port, FIXED_RATE, FIXED_SESSIONS, FIXED_SECONDS);
  await service.stop();

  const row = (name: string, r: typeof run) => `${name.padEnd(22)} ${fmt(r.perSecond, 0).padStart(8)} hops/s   p50 ${fmt(r.p50, 2).padStart(6)} ms   p99 ${fmt(r.p99, 2).padStart(6)} ms   errors ${r.errors}`;
  console.log('saturation');
  console.log(row('bare Express "CON ok"', bareRun));
  console.log(row('report card service', run));
  console.log(`ratio to bare Express: ${fmt(run.perSecond / bareRun.perSecond, 2)} (target >= 0.5); whole reports completed: ${run.completed}`);
  const perReport = (a: { heapUsedMb: number }, b: { heapUsedMb: number }, reports: number) => fmt(((b.heapUsedMb - a.heapUsedMb) * 1024) / reports, 1);
  console.log(`second run of ${second.hops} hops: ${fmt(second.perSecond, 0)} hops/s, p99 ${fmt(second.p99, 2)} ms`);
  console.log(`service RSS after a full GC: ${fmt(before.rssMb)} MB before, ${fmt(after.rssMb)} MB after ${run.hops} hops, ${fmt(afterSecond.rssMb)} MB after ${run.hops + second.hops}`);
  console.log(`live JS heap: ${fmt(before.heapUsedMb)} MB, ${fmt(after.heapUsedMb)} MB, ${fmt(afterSecond.heapUsedMb)} MB: ${perReport(before, after, run.completed)} KB then ${perReport(after, afterSecond, second.completed)} KB per stored report`);
  console.log(`  (the memory adapter keeps every response and session it stores; with MongoDB that data lives in the database)`);
  console.log('\nfixed load');
  console.log(`bare Express, same harness: p50 ${fmt(bareFixed.p50, 2)} ms, p99 ${fmt(bareFixed.p99, 2)} ms, max ${fmt(bareFixed.max, 1)} ms`);
  console.log(`offered ${fixed.offered} hops at ${FIXED_RATE}/s over ${FIXED_SESSIONS} sessions: achieved ${fmt(fixed.achieved, 0)} hops/s, p50 ${fmt(fixed.p50, 2)} ms, p99 ${fmt(fixed.p99, 2)} ms (target < 20), max ${fmt(fixed.max, 1)} ms, skipped because the phone was still waiting ${fixed.late}, errors ${fixed.errors}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
