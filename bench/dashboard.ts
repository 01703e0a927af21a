import { performance } from 'node:perf_hooks';
import http from 'node:http';
import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fmt, percentile, startServer } from './load.js';
import { fixedLoad } from './ussd-load.js';

/**
 * `npm run bench:dashboard`: the staff dashboard over a year of data. The service (memory
 * adapter) is filled with 100,000 complete reports over the last 365 days. Then USSD hops
 * arrive at a fixed rate through four phases of equal length: hops alone; 100 views of the
 * 365-day dashboard spread over the phase (staff at work); views back to back (a stress far
 * past any staff team); hops alone again, so the p99's own spread on this machine is in
 * view. Prints the service's RSS before and after the 100 views, the time per view, and the
 * USSD latency and the service's GC pauses in each phase. The views are requested from a
 * process of their own, so receiving them does not slow the clock that times the hops.
 *
 * Flags: --responses N (100000), --views N (100), --days N (365), --rate N hops/s (50),
 * --seconds N (10: how long each phase runs; the spread views are spaced over it),
 * --max-age N (15: the service's DASHBOARD_MAX_AGE_SECONDS; 0 recomputes the figures on every view),
 * --max-rss-mb N (6000): the views stop early (and say so) if the service grows past this,
 * so a leak cannot take the machine down.
 */

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RESPONSES = arg('responses', 100_000);
const VIEWS = arg('views', 100);
const DAYS = arg('days', 365);
const RATE = arg('rate', 50);
const MAX_RSS_MB = arg('max-rss-mb', 6000);
// the service's DASHBOARD_MAX_AGE_SECONDS; 0 recomputes the figures on every view
const MAX_AGE = arg('max-age', 15);
const SESSIONS = 50;
// how long the baseline runs, and at least how long the views go on (more hops, a steadier p99)
const BASELINE_SECONDS = arg('seconds', 10);
const ADMIN_TOKEN = 'bench-admin-token-0123456789-abcdef';

function get(port: number, path: string, token = ADMIN_TOKEN): Promise<{ status: number; bytes: number }> {
  return new Promise((ok, fail) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', headers: { authorization: `Bearer ${token}` } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => ok({ status: res.statusCode ?? 0, bytes }));
    });
    req.on('error', fail);
    req.end();
  });
}

type Latency = Awaited<ReturnType<typeof fixedLoad>>;
type Service = Awaited<ReturnType<typeof startServer>>;
type ViewsRun = { times: number[]; bytes: number; failures: number; stoppedAt: number | null; rssAfterCounted: number };

/**
 * Views from a process of their own while hops arrive at RATE. Received in the process that
 * times the hops, 140 KB bodies back to back would delay the client's own clock and count
 * against the service. `spacingMs` 0: back to back, for at least `minSeconds`; otherwise one
 * view every `spacingMs`, `views` in all.
 */
async function viewsWithHops(service: Service, plan: { views: number; minSeconds: number; spacingMs: number; label: string }): Promise<{ run: ViewsRun; hops: Latency }> {
  const viewer = fork(fileURLToPath(import.meta.url), ['--viewer', JSON.stringify({ port: service.port, days: DAYS, token: ADMIN_TOKEN, ...plan })], { execArgv: ['--import', 'tsx'] });
  // On a 2-core machine the viewer, the service and this process share the cores: the viewer
  // yields to this one, so that a hop's clock is read when its reply arrives, not when the
  // viewer lets go of the core. The service keeps its normal priority.
  setPriority(viewer.pid!, 19);
  const run: ViewsRun = { times: [], bytes: 0, failures: 0, stoppedAt: null, rssAfterCounted: NaN };
  let viewsDone = false;
  const views = new Promise<void>((ok, fail) => {
    viewer.on('message', (m: { view?: number; ms?: number; status?: number; bytes?: number; done?: boolean }) => {
      if (m.done) {
        viewsDone = true;
        return ok();
      }
      const i = run.times.length;
      if (i === VIEWS) run.rssAfterCounted = service.rssMb();
      run.times.push(m.ms!);
      run.bytes = m.bytes!;
      if (m.status !== 200) run.failures++;
      if ((i + 1) % 500 === 0 || i + 1 === VIEWS) process.stderr.write(`  ${plan.label}: ${i + 1} views, RSS ${fmt(service.rssMb(), 0)} MB\n`);
      if (service.rssMb() > MAX_RSS_MB && run.stoppedAt === null) {
        run.stoppedAt = i + 1;
        viewer.send('stop');
      }
    });
    viewer.once('error', fail);
  });
  // hops for as long as the views take (an upper bound of one hour)
  const hops = await fixedLoad(service.port, RATE, SESSIONS, 3600, () => viewsDone);
  await views;
  viewer.kill();
  if (Number.isNaN(run.rssAfterCounted)) run.rssAfterCounted = service.rssMb();
  return { run, hops };
}

async function main() {
  console.log(
    `dashboard bench: ${RESPONSES} complete reports over ${DAYS} days (memory adapter), views of the ${DAYS}-day dashboard, USSD at ${RATE} hops/s over ${SESSIONS} sessions; figures recomputed ${MAX_AGE > 0 ? `at most every ${MAX_AGE} s per period` : 'on every view'}`,
  );
  console.log(`phases of ${BASELINE_SECONDS} s each: hops alone; ${VIEWS} views spread over the phase (staff at work); views back to back (a stress far past any staff team); hops alone again`);
  console.log(`node ${process.version}; server and client in separate processes\n`);
  const t0 = performance.now();
  const service = await startServer('service', { ADMIN_TOKEN, BENCH_SEED_RESPONSES: String(RESPONSES), BENCH_SEED_DAYS: String(DAYS), DASHBOARD_MAX_AGE_SECONDS: String(MAX_AGE) });
  console.log(`seeded in ${fmt((performance.now() - t0) / 1000)} s`);

  // warm-up: one view and a few seconds of hops, so JIT and caches are not counted as growth
  await get(service.port, `/api/v1/dashboard?days=${DAYS}`);
  await fixedLoad(service.port, RATE, SESSIONS, 3);
  await service.gcPauses();
  const phases: Array<{ label: string; hops: Latency; gc: Awaited<ReturnType<Service['gcPauses']>> }> = [];
  const phase = async <T extends { hops: Latency }>(label: string, run: () => Promise<T>): Promise<T> => {
    const result = await run();
    phases.push({ label, hops: result.hops, gc: await service.gcPauses() });
    return result;
  };

  await phase('hops alone, before the views', async () => ({ hops: await fixedLoad(service.port, RATE, SESSIONS, BASELINE_SECONDS) }));
  const rssBefore = service.rssMb();
  const gcBefore = await service.memoryAfterGc();
  await service.gcPauses();
  const spread = await phase(`${VIEWS} views spread over ${BASELINE_SECONDS} s`, () =>
    viewsWithHops(service, { views: VIEWS, minSeconds: 0, spacingMs: (BASELINE_SECONDS * 1000) / VIEWS, label: 'spread' }),
  );
  const rssAfter = service.rssMb();
  const backToBack = await phase('views back to back', () => viewsWithHops(service, { views: VIEWS, minSeconds: BASELINE_SECONDS, spacingMs: 0, label: 'back to back' }));
  const gcAfter = await service.memoryAfterGc();
  await service.gcPauses();
  await phase('hops alone, after the views', async () => ({ hops: await fixedLoad(service.port, RATE, SESSIONS, BASELINE_SECONDS) }));
  await service.stop();

  for (const [name, { run }] of [
    ['spread', spread],
    ['back to back', backToBack],
  ] as const) {
    const sorted = [...run.times].sort((a, b) => a - b);
    const total = run.times.reduce((x, y) => x + y, 0);
    console.log(
      `views ${name}: ${run.times.length} (${run.failures} failed), ${fmt(run.bytes / 1024, 0)} KB each; time per view: mean ${fmt(total / run.times.length, 1)} ms, p50 ${fmt(percentile(sorted, 50), 1)} ms, p99 ${fmt(percentile(sorted, 99), 1)} ms, max ${fmt(sorted.at(-1)!, 0)} ms (target < 300 ms)${run.stoppedAt !== null ? `; STOPPED after ${run.stoppedAt}: the service passed ${MAX_RSS_MB} MB RSS` : ''}`,
    );
  }
  console.log(`service RSS: ${fmt(rssBefore, 0)} MB before the views, ${fmt(rssAfter, 0)} MB after ${spread.run.times.length} views: growth ${fmt(rssAfter - rssBefore, 0)} MB (target < 20 MB)`);
  console.log(
    `  after a full GC: ${fmt(gcBefore.rssMb, 0)} MB -> ${fmt(gcAfter.rssMb, 0)} MB RSS after all ${spread.run.times.length + backToBack.run.times.length} views, live heap ${fmt(gcBefore.heapUsedMb, 0)} MB -> ${fmt(gcAfter.heapUsedMb, 0)} MB`,
  );
  console.log(`USSD at ${RATE} hops/s:`);
  for (const { label, hops: l, gc } of phases) {
    console.log(
      `  ${label.padEnd(36)} p50 ${fmt(l.p50, 1).padStart(5)} ms, p99 ${fmt(l.p99, 1).padStart(5)} ms, max ${fmt(l.max, 0).padStart(3)} ms (${l.done} hops, ${l.errors} errors${l.extraSessions ? `, ${l.extraSessions} extra sessions` : ''}); service GC: ${gc.count} pauses, longest ${fmt(gc.longestMs, 1)} ms`,
    );
  }
  const alone = [phases[0]!.hops.p99, phases[3]!.hops.p99];
  const [low, high] = [Math.min(...alone), Math.max(...alone)];
  for (const p of [phases[1]!, phases[2]!]) {
    const verdict = p.hops.p99 <= high ? 'within the spread of the hops-alone phases' : `${fmt(p.hops.p99 / high, 2)}x the higher hops-alone p99`;
    console.log(`USSD p99 with ${p.label}: ${fmt(p.hops.p99, 1)} ms against ${fmt(low, 1)}-${fmt(high, 1)} ms alone: ${verdict}`);
  }
}

/** The viewer process: `views` views one every `spacingMs`, or back to back (spacing 0) for at least `minSeconds`, each reported to the bench. */
async function viewer(data: { port: number; days: number; views: number; minSeconds: number; spacingMs: number; token: string }) {
  let stop = false;
  process.on('message', () => (stop = true));
  const started = performance.now();
  for (let i = 0; !stop && (i < data.views || (data.spacingMs === 0 && performance.now() - started < data.minSeconds * 1000)); i++) {
    if (data.spacingMs > 0) {
      const due = started + i * data.spacingMs;
      if (due > performance.now()) await new Promise((ok) => setTimeout(ok, due - performance.now()));
    }
    const t0 = performance.now();
    const res = await get(data.port, `/api/v1/dashboard?days=${data.days}`, data.token);
    process.send!({ view: i, ms: performance.now() - t0, status: res.status, bytes: res.bytes });
  }
  process.send!({ done: true });
}

const viewerAt = process.argv.indexOf('--viewer');
(viewerAt >= 0 ? viewer(JSON.parse(process.argv[viewerAt + 1]!)) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
