import mongoose from 'mongoose';
import { compare } from './compare.js';
import { client, cpuSecondsOf, fmt, loadAverage, type Memory, type Started, startServer } from './load.js';
import { UssdPhone, ussdCallers } from './ussd-load.js';

/**
 * `npm run bench`: whole USSD questionnaires over HTTP, the service against bare Express
 * ("CON ok" after parsing the same form), each in a process of its own, side by side in
 * one run (bench/compare.ts): per round, CPU-seconds per hop of each server's process (from
 * /proc) at saturation and their ratio, and p50/p99 at a fixed offered 1,000 hops/s in an
 * open loop (latency from each hop's due time; no hop is skipped while a phone waits: more
 * sessions open instead). Simulated phones read each screen and answer it
 * (bench/ussd-load.ts), so returning callers (remembered language, resume offers) are
 * answered right; completed reports and misfires are counted.
 *
 * `--store memory` (default): the memory adapter. `--store mongo`: the Mongo adapter on the
 * server MONGODB_URI names, in a database of its own (crc_bench_..., dropped at the end). It
 * then also counts the database round trips (the driver's commands) per hop, hop by hop for
 * one report and on average over each round (`--db-pid N` adds the database process's CPU
 * per hop), at a fixed 200 hops/s.
 *
 * Flags: --hops N per server per round (50000; mongo 5000), --concurrency N (64; mongo 16),
 * --rounds N (3), --rate N hops/s (1000; mongo 200), --sessions N open at the start of the
 * fixed load (200), --fixed-seconds N (10), --store memory|mongo, --db-pid N,
 * --assume-atomic-updates (mongo: take the path MongoDB takes for a session compare-and-set
 * even on FerretDB, to count its round trips), --stepping public|cached (the service steps the
 * machines with XState's transition() or with the cached scope: see src/engine/stepping.ts).
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
const STEPPING = argText('stepping', '');
const OPTIONS = {
  hops: arg('hops', MONGO ? 5000 : 50_000),
  concurrency: arg('concurrency', MONGO ? 16 : 64),
  rounds: arg('rounds', 3),
  rate: arg('rate', MONGO ? 200 : 1000),
  sessions: arg('sessions', 200),
  seconds: arg('fixed-seconds', 10),
  warmupHops: MONGO ? 500 : 5000,
};
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
  const phone = new UssdPhone();
  const rows: Array<{ hop: number; input: string; screen: string; commands: Record<string, number> }> = [];
  await service.commands();
  let reply: { status: number; text: string } | null = null;
  for (let hop = 0; ; hop++) {
    const next = phone.next(reply);
    if (next === null) break;
    reply = await http.post(next.path, next.body);
    rows.push({ hop, input: hop === 0 ? '(dial)' : phone.inputs.at(-1)!, screen: reply.text.split('\n')[0]!.slice(0, 48), commands: await service.commands() });
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
  console.log(
    `USSD bench: per round and server ${OPTIONS.hops} hops at concurrency ${OPTIONS.concurrency}, then a fixed ${OPTIONS.rate} hops/s for ${OPTIONS.seconds} s (open loop, ${OPTIONS.sessions} sessions open at the start); ${OPTIONS.rounds} rounds`,
  );
  console.log(
    `node ${process.version}, service log level ${process.env.BENCH_LOG_LEVEL ?? 'warn'}, service, bare Express and client in three processes; load average ${fmt(loadAverage(), 2)}${STEPPING ? `; stepping: ${STEPPING}` : ''}`,
  );

  const serviceEnv: Record<string, string> = {
    ...(mongoUri ? { BENCH_MONGODB_URI: mongoUri, ...(ASSUME_ATOMIC ? { BENCH_ATOMIC_UPDATES: 'true' } : {}) } : {}),
    ...(STEPPING ? { BENCH_STEPPING: STEPPING } : {}),
  };
  const [bare, service] = await Promise.all([startServer('bare'), startServer('service', serviceEnv)]);
  console.log(
    `store: ${service.storage}${mongoUri ? ` (database ${dbName})` : ''}${ASSUME_ATOMIC ? '; session compare-and-set forced onto the conditional-update path (round trips only: FerretDB does not make it atomic)' : ''}\n`,
  );
  if (MONGO) {
    const rows = await profile(service);
    console.log('database round trips, one report hop by hop');
    for (const r of rows) console.log(`  hop ${String(r.hop).padStart(2)} ${r.input.padEnd(7)} ${String(total(r.commands)).padStart(2)}  ${breakdown(r.commands, 1).padEnd(70)} -> ${r.screen}`);
    const answering = rows.filter((r) => r.hop >= 4 && r.hop < rows.length - 1);
    const answeringTrips = answering.reduce((s, r) => s + total(r.commands), 0) / Math.max(1, answering.length);
    console.log(
      `  answering hops (4 to ${rows.length - 2}): ${fmt(answeringTrips, 2)} round trips each on average (target <= 2); whole report: ${rows.reduce((s, r) => s + total(r.commands), 0)} round trips over ${rows.length} hops\n`,
    );
  }

  const memory: Array<{ after: number; m: Memory }> = [];
  let served = 0;
  let completed = 0;
  let db0 = NaN;
  await compare(ussdCallers, service, bare, OPTIONS, {
    async before(round) {
      if (round === 1 && !MONGO) memory.push({ after: 0, m: await service.memoryAfterGc() });
      if (MONGO) await service.commands();
      db0 = DB_PID ? cpuSecondsOf(DB_PID) : NaN;
    },
    async after(_round, result) {
      served += result.service.hops + result.fixed.done;
      completed += result.service.completed + result.fixed.completed;
      if (MONGO) {
        const commands = await service.commands();
        const hops = result.service.hops + result.fixed.done;
        console.log(`    database round trips over the round: ${fmt(total(commands) / hops, 2)} per hop (${breakdown(commands, hops)})`);
        if (DB_PID) console.log(`    database process CPU: ${fmt(((cpuSecondsOf(DB_PID) - db0) * 1000) / hops, 2)} ms per service hop`);
        return;
      }
      const m = await service.memoryAfterGc();
      const last = memory.at(-1)!;
      memory.push({ after: served, m });
      console.log(
        `    service after a full GC: RSS ${fmt(m.rssMb)} MB, live JS heap ${fmt(m.heapUsedMb)} MB after ${served} hops (${fmt(((m.heapUsedMb - last.m.heapUsedMb) * 1024) / Math.max(1, completed), 1)} KB more per report completed this round;`,
      );
      console.log('      the memory adapter keeps every response and session it stores; with MongoDB that data lives in the database)');
      completed = 0;
    },
  });
  await Promise.all([service.stop(), bare.stop()]);

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
