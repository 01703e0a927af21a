import { fmt, startServer, cpuSecondsOf, type Started } from './load.js';
import { fixedLoad, newPhone, nextHop, saturate } from './ussd-load.js';
import { client } from './load.js';
import mongoose from 'mongoose';

/**
 * `npm run bench`: whole USSD questionnaires over HTTP, many simulated phones at once. In the
 * same run it loads a bare Express route answering "CON ok", so the ratio can be read
 * without trusting absolute numbers on a shared 2-core machine.
 *
 * `--store memory` (default): the memory adapter. `--store mongo`: the Mongo adapter on the
 * server MONGODB_URI names, in a database of its own (crc_bench_..., dropped at the end). It
 * then also counts the database round trips (the driver's commands) per hop, hop by hop for
 * one report and on average under load, with the service's CPU seconds per hop (from /proc;
 * `--db-pid N` adds the database process's), and the latency at a fixed 200 hops/s.
 *
 * Flags: --hops N (100000; mongo 5000), --concurrency N (64; mongo 16), --fixed-seconds N (10),
 * --store memory|mongo, --db-pid N, --assume-atomic-updates (mongo: take the path MongoDB
 * takes for a session compare-and-set even on FerretDB, to count its round trips).
 */

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const argText = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? String(process.argv[i + 1]) : fallback;
};
const STORE = argText('store', 'memory');
if (STORE !== 'memory' && STORE !== 'mongo') throw new Error('--store must be memory or mongo');
const MONGO = STORE === 'mongo';
const TOTAL_HOPS = arg('hops', MONGO ? 5000 : 100_000);
const CONCURRENCY = arg('concurrency', MONGO ? 16 : 64);
const FIXED_SECONDS = arg('fixed-seconds', 10);
const FIXED_RATE = MONGO ? 200 : 1000;
const FIXED_SESSIONS = 200;
const DB_PID = arg('db-pid', 0);
const ASSUME_ATOMIC = process.argv.includes('--assume-atomic-updates');

const total = (c: Record<string, number>) => Object.values(c).reduce((s, n) => s + n, 0);
const breakdown = (c: Record<string, number>, per: number) =>
  Object.entries(c)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${fmt(n / per, 2)}`)
    .join(', ');

/** One report, hop by hop, with the commands each hop sent. */
async function profile(service: Started) {
  const http = client(service.port, 1);
  const phone = newPhone();
  const rows: Array<{ hop: number; input: string; screen: string; commands: Record<string, number> }> = [];
  await service.commands();
  let reply: string | null = null;
  for (let hop = 0; ; hop++) {
    const body = nextHop(phone, reply);
    if (body === null) break;
    const res = await http.post('/ussd', body);
    reply = res.text;
    rows.push({ hop, input: hop === 0 ? '(dial)' : phone.inputs.at(-1)!, screen: res.text.split('\n')[0]!.slice(0, 48), commands: await service.commands() });
  }
  http.close();
  return rows;
}

async function main() {
  let mongoUri: string | null = null;
  let dbName = '';
  if (MONGO) {
    const base = process.env.MONGODB_URI;
    if (!base) throw new Error('--store mongo needs MONGODB_URI (a MongoDB or FerretDB server; the bench uses a database of its own on it)');
    dbName = `crc_bench_${Date.now().toString(36)}`;
    const u = new URL(base);
    u.pathname = `/${dbName}`;
    mongoUri = u.toString();
  }
  console.log(`USSD bench: ${TOTAL_HOPS} hops at concurrency ${CONCURRENCY}; fixed load ${FIXED_RATE} hops/s over ${FIXED_SESSIONS} sessions for ${FIXED_SECONDS} s`);
  console.log(`node ${process.version}, service log level ${process.env.BENCH_LOG_LEVEL ?? 'warn'}, server and client in separate processes`);

  const bare = await startServer('bare');
  await saturate(bare.port, 5000, CONCURRENCY, 'bare'); // warm-up
  const bareRun = await saturate(bare.port, MONGO ? 20_000 : TOTAL_HOPS, CONCURRENCY, 'bare');
  // the same open-loop harness against the bare route: the floor this machine and client allow
  const bareFixed = await fixedLoad(bare.port, FIXED_RATE, FIXED_SESSIONS, FIXED_SECONDS);
  await bare.stop();

  const service = await startServer('service', mongoUri ? { BENCH_MONGODB_URI: mongoUri, ...(ASSUME_ATOMIC ? { BENCH_ATOMIC_UPDATES: 'true' } : {}) } : {});
  console.log(
    `store: ${service.storage}${mongoUri ? ` (database ${dbName})` : ''}${ASSUME_ATOMIC ? '; session compare-and-set forced onto the conditional-update path (round trips only: FerretDB does not make it atomic)' : ''}\n`,
  );
  const rows = MONGO ? await profile(service) : [];
  await saturate(service.port, MONGO ? 500 : 5000, CONCURRENCY, 'service'); // warm-up: JIT, questionnaire cache
  await service.commands();
  const before = await service.memoryAfterGc();
  const cpu0 = service.cpuSeconds();
  const db0 = DB_PID ? cpuSecondsOf(DB_PID) : NaN;
  const run = await saturate(service.port, TOTAL_HOPS, CONCURRENCY, 'service');
  const cpu1 = service.cpuSeconds();
  const db1 = DB_PID ? cpuSecondsOf(DB_PID) : NaN;
  const runCommands = await service.commands();
  const after = await service.memoryAfterGc();
  // the same number of hops again: a leak keeps growing, stored data grows by what was stored
  const second = MONGO ? null : await saturate(service.port, TOTAL_HOPS, CONCURRENCY, 'service');
  const afterSecond = MONGO ? null : await service.memoryAfterGc();
  await service.commands();
  const fixed = await fixedLoad(service.port, FIXED_RATE, FIXED_SESSIONS, FIXED_SECONDS);
  const fixedCommands = await service.commands();
  await service.stop();

  const row = (name: string, r: typeof run) =>
    `${name.padEnd(22)} ${fmt(r.perSecond, 0).padStart(8)} hops/s   p50 ${fmt(r.p50, 2).padStart(6)} ms   p99 ${fmt(r.p99, 2).padStart(6)} ms   errors ${r.errors}`;
  if (MONGO) {
    console.log('database round trips, one report hop by hop');
    for (const r of rows) console.log(`  hop ${String(r.hop).padStart(2)} ${r.input.padEnd(7)} ${String(total(r.commands)).padStart(2)}  ${breakdown(r.commands, 1).padEnd(70)} -> ${r.screen}`);
    const answering = rows.filter((r) => r.hop >= 4 && r.hop < rows.length - 1);
    const answeringTrips = answering.reduce((s, r) => s + total(r.commands), 0) / Math.max(1, answering.length);
    console.log(
      `  answering hops (4 to ${rows.length - 2}): ${fmt(answeringTrips, 2)} round trips each on average (target <= 2); whole report: ${rows.reduce((s, r) => s + total(r.commands), 0)} round trips over ${rows.length} hops\n`,
    );
  }
  console.log('saturation');
  console.log(row('bare Express "CON ok"', bareRun));
  console.log(row('report card service', run));
  console.log(`ratio to bare Express: ${fmt(run.perSecond / bareRun.perSecond, 2)}${MONGO ? '' : ' (target >= 0.5)'}; whole reports completed: ${run.completed}`);
  console.log(
    `service CPU: ${fmt(((cpu1 - cpu0) * 1000) / run.hops, 2)} ms per hop (${fmt(cpu1 - cpu0, 1)} CPU-seconds for ${run.hops} hops)${DB_PID ? `; database process: ${fmt(((db1 - db0) * 1000) / run.hops, 2)} ms per hop` : ''}`,
  );
  if (MONGO) console.log(`database round trips under load: ${fmt(total(runCommands) / run.hops, 2)} per hop (${breakdown(runCommands, run.hops)})`);
  if (second && afterSecond) {
    const perReport = (a: { heapUsedMb: number }, b: { heapUsedMb: number }, reports: number) => fmt(((b.heapUsedMb - a.heapUsedMb) * 1024) / reports, 1);
    console.log(`second run of ${second.hops} hops: ${fmt(second.perSecond, 0)} hops/s, p99 ${fmt(second.p99, 2)} ms`);
    console.log(`service RSS after a full GC: ${fmt(before.rssMb)} MB before, ${fmt(after.rssMb)} MB after ${run.hops} hops, ${fmt(afterSecond.rssMb)} MB after ${run.hops + second.hops}`);
    console.log(
      `live JS heap: ${fmt(before.heapUsedMb)} MB, ${fmt(after.heapUsedMb)} MB, ${fmt(afterSecond.heapUsedMb)} MB: ${perReport(before, after, run.completed)} KB then ${perReport(after, afterSecond, second.completed)} KB per stored report`,
    );
    console.log(`  (the memory adapter keeps every response and session it stores; with MongoDB that data lives in the database)`);
  } else {
    console.log(`service RSS after a full GC: ${fmt(before.rssMb)} MB before, ${fmt(after.rssMb)} MB after ${run.hops} hops`);
  }
  console.log('\nfixed load');
  console.log(`bare Express, same harness: p50 ${fmt(bareFixed.p50, 2)} ms, p99 ${fmt(bareFixed.p99, 2)} ms, max ${fmt(bareFixed.max, 1)} ms`);
  console.log(
    `offered ${fixed.offered} hops at ${FIXED_RATE}/s over ${FIXED_SESSIONS} sessions: achieved ${fmt(fixed.achieved, 0)} hops/s, p50 ${fmt(fixed.p50, 2)} ms, p99 ${fmt(fixed.p99, 2)} ms${MONGO ? '' : ' (target < 20)'}, max ${fmt(fixed.max, 1)} ms, skipped because the phone was still waiting ${fixed.late}, errors ${fixed.errors}`,
  );
  if (MONGO) console.log(`database round trips at the fixed rate: ${fmt(total(fixedCommands) / Math.max(1, fixed.done), 2)} per hop`);

  if (mongoUri) {
    const conn = await mongoose.createConnection(mongoUri).asPromise();
    await conn.dropDatabase();
    await conn.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
