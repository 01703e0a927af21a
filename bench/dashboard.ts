import { performance } from 'node:perf_hooks';
import http from 'node:http';
import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fmt, percentile, startServer } from './load.js';
import { fixedLoad } from './ussd-load.js';

/**
 * `npm run bench:dashboard`: the staff dashboard over a year of data. The service (memory
 * adapter) is filled with 100,000 complete reports over the last 365 days; then 100 views
 * of the 365-day dashboard are requested one after another while USSD hops arrive at a fixed
 * rate. Prints the service's RSS before and after the views, the time per view, and the USSD
 * latency without views and while they run. The views go on (back to back) until the hops
 * have run for as long as the baseline did, so both latencies rest on as many hops. The views
 * are requested from a process of their own, so receiving them does not slow the clock that
 * times the hops.
 *
 * Flags: --responses N (100000), --views N (100), --days N (365), --rate N hops/s (50),
 * --seconds N (10: how long the baseline runs, and the least time the views go on),
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

async function main() {
  console.log(
    `dashboard bench: ${RESPONSES} complete reports over ${DAYS} days (memory adapter), ${VIEWS} views of the ${DAYS}-day dashboard, USSD at ${RATE} hops/s over ${SESSIONS} sessions; figures recomputed ${MAX_AGE > 0 ? `at most every ${MAX_AGE} s per period` : 'on every view'}`,
  );
  console.log(`node ${process.version}; server and client in separate processes\n`);
  const t0 = performance.now();
  const service = await startServer('service', { ADMIN_TOKEN, BENCH_SEED_RESPONSES: String(RESPONSES), BENCH_SEED_DAYS: String(DAYS), DASHBOARD_MAX_AGE_SECONDS: String(MAX_AGE) });
  console.log(`seeded in ${fmt((performance.now() - t0) / 1000)} s`);

  // warm-up: one view and a few seconds of hops, so JIT and caches are not counted as growth
  await get(service.port, `/api/v1/dashboard?days=${DAYS}`);
  await fixedLoad(service.port, RATE, SESSIONS, 3);
  const baseline = await fixedLoad(service.port, RATE, SESSIONS, BASELINE_SECONDS);

  const rssBefore = service.rssMb();
  const gcBefore = await service.memoryAfterGc();
  // The views run in a process of their own: received in the process that times the hops,
  // 140 KB bodies back to back would delay the client's own clock and count against the service.
  const viewer = fork(fileURLToPath(import.meta.url), ['--viewer', JSON.stringify({ port: service.port, days: DAYS, views: VIEWS, minSeconds: BASELINE_SECONDS, token: ADMIN_TOKEN })], {
    execArgv: ['--import', 'tsx'],
  });
  // On a 2-core machine the viewer, the service and this process share the cores: the viewer
  // yields to this one, so that a hop's clock is read when its reply arrives, not when the
  // viewer lets go of the core. The service keeps its normal priority.
  setPriority(viewer.pid!, 19);
  const times: number[] = [];
  let bytes = 0;
  let failures = 0;
  let viewsDone = false;
  let stoppedAt: number | null = null;
  let rssAfter = NaN;
  const views = new Promise<void>((ok, fail) => {
    viewer.on('message', (m: { view?: number; ms?: number; status?: number; bytes?: number; done?: boolean }) => {
      if (m.done) {
        viewsDone = true;
        return ok();
      }
      const i = times.length;
      if (i === VIEWS) rssAfter = service.rssMb();
      times.push(m.ms!);
      bytes = m.bytes!;
      if (m.status !== 200) failures++;
      if ((i + 1) % 10 === 0) process.stderr.write(`  ${i + 1}/${VIEWS} views, RSS ${fmt(service.rssMb(), 0)} MB\n`);
      if (service.rssMb() > MAX_RSS_MB && stoppedAt === null) {
        stoppedAt = i + 1;
        viewer.send('stop');
      }
    });
    viewer.once('error', fail);
  });
  // hops for as long as the views take (an upper bound of one hour)
  const during = await fixedLoad(service.port, RATE, SESSIONS, 3600, () => viewsDone);
  await views;
  viewer.kill();
  if (Number.isNaN(rssAfter)) rssAfter = service.rssMb();
  const gcAfter = await service.memoryAfterGc();
  await service.stop();

  const sorted = [...times].sort((a, b) => a - b);
  const total = times.reduce((s, x) => s + x, 0);
  console.log(
    `views: ${times.length} back to back (${failures} failed), ${fmt(bytes / 1024, 0)} KB each${stoppedAt !== null ? `; STOPPED after ${stoppedAt} of ${VIEWS}: the service passed ${MAX_RSS_MB} MB RSS` : ''}`,
  );
  console.log(
    `time per view: mean ${fmt(total / times.length, 0)} ms, p50 ${fmt(percentile(sorted, 50), 0)} ms, p99 ${fmt(percentile(sorted, 99), 0)} ms, max ${fmt(sorted.at(-1)!, 0)} ms (target < 300 ms)`,
  );
  console.log(`service RSS: ${fmt(rssBefore, 0)} MB before the views, ${fmt(rssAfter, 0)} MB after ${Math.min(VIEWS, times.length)} views: growth ${fmt(rssAfter - rssBefore, 0)} MB (target < 20 MB)`);
  console.log(
    `  after a full GC: ${fmt(gcBefore.rssMb, 0)} MB -> ${fmt(gcAfter.rssMb, 0)} MB RSS after all ${times.length} views, live heap ${fmt(gcBefore.heapUsedMb, 0)} MB -> ${fmt(gcAfter.heapUsedMb, 0)} MB`,
  );
  console.log(
    `USSD at ${RATE} hops/s without views: p50 ${fmt(baseline.p50, 1)} ms, p99 ${fmt(baseline.p99, 1)} ms, max ${fmt(baseline.max, 0)} ms (${baseline.done} hops, ${baseline.errors} errors)`,
  );
  console.log(
    `USSD at ${RATE} hops/s while the views run: p50 ${fmt(during.p50, 1)} ms, p99 ${fmt(during.p99, 1)} ms, max ${fmt(during.max, 0)} ms (${during.done} hops, ${during.errors} errors, ${during.extraSessions} sessions opened because every open one was waiting)`,
  );
}

/** The viewer process: views back to back, at least `views` of them and for at least `minSeconds`, each reported to the bench. */
async function viewer(data: { port: number; days: number; views: number; minSeconds: number; token: string }) {
  let stop = false;
  process.on('message', () => (stop = true));
  const started = performance.now();
  for (let i = 0; !stop && (i < data.views || performance.now() - started < data.minSeconds * 1000); i++) {
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
