import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';

/**
 * `npm run bench:voice`: whole voice calls over HTTP against the real service (memory
 * adapter), with many concurrent simulated callers posting what Africa's Talking posts.
 * In the same run, a bare Express route answering a constant XML gives the ceiling. The
 * servers run in a child process (its RSS is the one reported); this process only drives
 * load, over loopback, in loops bounded by count and time.
 *
 * Prints: calls/s, hops/s, p50/p99 latency, the ratio to bare Express, the server's RSS
 * before and after 100,000 hops, and p99 at a fixed offered load of 1,000 hops/s over 200
 * open calls.
 */

const TOTAL_HOPS = Number(process.env.BENCH_HOPS ?? 100_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const BARE_REQUESTS = Number(process.env.BENCH_BARE ?? 30_000);
const USSD_HOPS = Number(process.env.BENCH_USSD_HOPS ?? 30_000);
const FIXED_RATE = 1_000;
const OPEN_CALLS = 200;
const FIXED_SECONDS = Number(process.env.BENCH_FIXED_SECONDS ?? 10);
const PUBLIC_BASE = 'https://bench.example.org';
const CONSTANT_XML =
  '<?xml version="1.0" encoding="UTF-8"?><Response><GetDigits numDigits="1" timeout="10" callbackUrl="https://bench.example.org/voice?seq=1"><Say>Press 1.</Say></GetDigits></Response>';

type FromChild = { ready: { voice: number; bare: number } } | { rss: number; heap: number };

// ------------------------------------------------------------------ child: the servers
async function serve() {
  const { loadConfig } = await import('../src/entry/config.js');
  const { createService } = await import('../src/entry/service.js');
  const { createMemoryStorage } = await import('../src/storage/memory/memory-storage.js');
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_BASE_URL: PUBLIC_BASE, RESPONDENT_KEY_SECRET: 'bench-secret-0123456789abcdef-0123456789' });
  const service = await createService(config, { storage: createMemoryStorage() });
  const { port: voice } = await service.start(0, '127.0.0.1');

  const bare = express();
  bare.use(express.urlencoded({ extended: false, limit: 16 * 1024 }));
  bare.post('/voice', (_req, res) => void res.type('application/xml').send(CONSTANT_XML));
  const bareServer = await new Promise<http.Server>((ok) => {
    const s = bare.listen(0, '127.0.0.1', () => ok(s));
  });
  const send = (m: FromChild) => process.send!(m);
  process.on('message', (m: string) => {
    if (m === 'rss') {
      (globalThis as { gc?: () => void }).gc?.();
      send({ rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed });
    }
    if (m === 'stop') {
      bareServer.close();
      void service.stop(1000).then(() => process.exit(0));
    }
  });
  send({ ready: { voice, bare: (bareServer.address() as AddressInfo).port } });
}

// ------------------------------------------------------------------ parent: the callers
const agent = new http.Agent({ keepAlive: true, maxSockets: OPEN_CALLS + 16 });

function post(port: number, path: string, form: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', fail);
    req.end(form);
  });
}

/** Where AT would post next: the GetDigits callbackUrl (path and query), or null when the call ends. */
function nextPath(xml: string): string | null {
  const m = /callbackUrl="([^"]+)"/.exec(xml);
  return m ? new URL(m[1]!.replace(/&amp;/g, '&')).pathname + new URL(m[1]!.replace(/&amp;/g, '&')).search : null;
}

let callCounter = 0;
/** One caller's whole report: dial, facility code, consent, then key 1 until the goodbye. */
class Caller {
  private path: string | null = '/voice';
  private hop = 0;
  readonly sessionId = `ATVId_bench_${++callCounter}`;
  private readonly form = `isActive=1&sessionId=${this.sessionId}&direction=Inbound&callerNumber=%2B2547${String(10_000_000 + callCounter)}&destinationNumber=%2B254711082000`;
  constructor(private readonly port: number) {}
  get done() {
    return this.path === null;
  }
  async step(): Promise<void> {
    const keys = this.hop === 0 ? '' : this.hop === 1 ? '&dtmfDigits=1001' : '&dtmfDigits=1';
    const res = await post(this.port, this.path!, this.form + keys);
    if (res.status !== 200) throw new Error(`hop ${this.hop} of ${this.sessionId}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
    this.hop++;
    this.path = nextPath(res.body);
    if (this.hop > 40) throw new Error(`${this.sessionId} did not end`);
  }
  async hangup(): Promise<void> {
    await post(this.port, '/voice', `isActive=0&sessionId=${this.sessionId}&durationInSeconds=60&amount=1.5&currencyCode=KES&hangupCause=NORMAL_CLEARING`);
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(2)} ms`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function closedLoop(port: number): Promise<{ hops: number; calls: number; seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let hops = 0;
  let calls = 0;
  const started = performance.now();
  const worker = async () => {
    while (hops < TOTAL_HOPS) {
      const caller = new Caller(port);
      while (!caller.done && hops < TOTAL_HOPS) {
        const t0 = performance.now();
        await caller.step();
        latencies.push(performance.now() - t0);
        hops++;
      }
      if (caller.done) {
        calls++;
        await caller.hangup();
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { hops, calls, seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

/** USSD sessions on the same server, for the "same as USSD" comparison. */
async function ussdLoop(port: number): Promise<{ rate: number; latencies: number[] }> {
  const latencies: number[] = [];
  let hops = 0;
  let n = 0;
  const started = performance.now();
  const worker = async () => {
    while (hops < USSD_HOPS) {
      const session = `ATUid_bench_${++n}`;
      const phone = `%2B2548${String(10_000_000 + n)}`;
      const inputs: string[] = [];
      for (let h = 0; h < 40 && hops < USSD_HOPS; h++) {
        const t0 = performance.now();
        const res = await post(port, '/ussd', `sessionId=${session}&serviceCode=*384*123%23&phoneNumber=${phone}&networkCode=63902&text=${encodeURIComponent(inputs.join('*'))}`);
        if (res.status !== 200) throw new Error(`ussd: HTTP ${res.status} ${res.body.slice(0, 200)}`);
        latencies.push(performance.now() - t0);
        hops++;
        if (res.body.startsWith('END')) break;
        inputs.push(h === 0 ? '1' : h === 1 ? '1001' : '1');
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { rate: latencies.length / ((performance.now() - started) / 1000), latencies: latencies.sort((a, b) => a - b) };
}

async function bareLoop(port: number): Promise<{ rate: number; latencies: number[] }> {
  const latencies: number[] = [];
  let sent = 0;
  const form = 'isActive=1&sessionId=ATVId_bare&direction=Inbound&callerNumber=%2B254711000111&destinationNumber=%2B254711082000&dtmfDigits=1';
  const started = performance.now();
  const worker = async () => {
    while (sent < BARE_REQUESTS) {
      sent++;
      const t0 = performance.now();
      const res = await post(port, '/voice', form);
      if (res.status !== 200) throw new Error(`bare express: HTTP ${res.status}`);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { rate: latencies.length / ((performance.now() - started) / 1000), latencies: latencies.sort((a, b) => a - b) };
}

/**
 * Fixed offered load: OPEN_CALLS calls each due to send a hop every OPEN_CALLS/FIXED_RATE
 * seconds. Latency counts from when a hop was due, not when it could be sent, so a slow
 * server is not flattered (coordinated omission).
 */
async function fixedLoad(port: number): Promise<{ offered: number; achieved: number; latencies: number[]; late: number }> {
  const interval = (OPEN_CALLS / FIXED_RATE) * 1000;
  const latencies: number[] = [];
  let late = 0;
  const start = performance.now() + 50;
  let finished = start;
  const end = start + FIXED_SECONDS * 1000;
  const slot = async (i: number) => {
    let due = start + (i * interval) / OPEN_CALLS;
    let caller = new Caller(port);
    while (due < end) {
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else late++;
      await caller.step();
      latencies.push(performance.now() - due);
      if (caller.done) {
        await caller.hangup();
        caller = new Caller(port);
      }
      due += interval;
    }
  };
  await Promise.all(Array.from({ length: OPEN_CALLS }, (_, i) => slot(i)));
  finished = performance.now();
  return { offered: FIXED_RATE, achieved: latencies.length / ((finished - start) / 1000), latencies: latencies.sort((a, b) => a - b), late };
}

async function main() {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<FromChild>((ok) => child.once('message', (m: FromChild) => ok(m)));
  const ready = (await next()) as { ready: { voice: number; bare: number } };
  const rss = async () => {
    child.send('rss');
    return (await next()) as { rss: number; heap: number };
  };
  const { voice, bare } = ready.ready;
  console.log(`voice bench: ${CONCURRENCY} concurrent callers, memory adapter, servers in a child process, loopback only`);

  // warm up: JIT, compiled questionnaires cached
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      const c = new Caller(voice);
      while (!c.done) await c.step();
    }),
  );
  const rssBefore = await rss();
  const run = await closedLoop(voice);
  const rssAfter = await rss();
  const bareRun = await bareLoop(bare);
  const ussdRun = await ussdLoop(voice);
  const hopsPerSecond = run.hops / run.seconds;
  console.log('');
  console.log(`whole calls over HTTP: ${run.hops} hops, ${run.calls} complete calls in ${run.seconds.toFixed(1)} s`);
  console.log(`  calls/s         ${(run.calls / run.seconds).toFixed(1)}`);
  console.log(`  hops/s          ${hopsPerSecond.toFixed(0)}`);
  console.log(`  latency p50     ${ms(pct(run.latencies, 50))}`);
  console.log(`  latency p99     ${ms(pct(run.latencies, 99))}`);
  console.log(`bare Express, constant XML: ${bareRun.latencies.length} requests`);
  console.log(`  requests/s      ${bareRun.rate.toFixed(0)}`);
  console.log(`  latency p50     ${ms(pct(bareRun.latencies, 50))}`);
  console.log(`  latency p99     ${ms(pct(bareRun.latencies, 99))}`);
  console.log(`ratio voice hops/s to bare Express requests/s: ${(hopsPerSecond / bareRun.rate).toFixed(2)}`);
  console.log(`USSD sessions on the same server, for comparison: ${ussdRun.latencies.length} hops`);
  console.log(`  hops/s          ${ussdRun.rate.toFixed(0)}   (ratio to bare Express ${(ussdRun.rate / bareRun.rate).toFixed(2)})`);
  console.log(`  latency p50     ${ms(pct(ussdRun.latencies, 50))}`);
  console.log(`  latency p99     ${ms(pct(ussdRun.latencies, 99))}`);
  console.log(`server RSS before ${mb(rssBefore.rss)}, after ${run.hops} hops ${mb(rssAfter.rss)} (after a GC), growth ${mb(rssAfter.rss - rssBefore.rss)}`);
  console.log(`server JS heap before ${mb(rssBefore.heap)}, after ${mb(rssAfter.heap)}: the memory adapter keeps every session and response (${run.calls} calls), as a test store does`);

  const fixed = await fixedLoad(voice);
  console.log(`fixed offered load: ${fixed.offered} hops/s over ${OPEN_CALLS} open calls for ${FIXED_SECONDS} s`);
  console.log(`  achieved        ${fixed.achieved.toFixed(0)} hops/s (${fixed.latencies.length} hops; ${fixed.late} were due before the previous hop of their call had its reply)`);
  console.log(`  latency p50     ${ms(pct(fixed.latencies, 50))}`);
  console.log(`  latency p99     ${ms(pct(fixed.latencies, 99))}`);
  child.send('stop');
  agent.destroy();
}

if (process.argv.includes('--serve')) void serve();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
