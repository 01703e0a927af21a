import { fmt, startServer } from './load.js';
import { fixedLoad, saturate } from './ussd-load.js';

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
