import { compare } from './compare.js';
import { fmt, loadAverage, type Memory, startServer } from './load.js';
import { voiceCallers } from './voice-load.js';

/**
 * `npm run bench:voice`: whole voice calls over HTTP, the service (memory adapter) against
 * bare Express (a constant XML reply after parsing the same form), each in a process of its
 * own, side by side in one run (bench/compare.ts): CPU-seconds per hop of each process at
 * saturation and their ratio, and p50/p99 at a fixed offered 1,000 hops/s in an open loop
 * (latency from each hop's due time; more calls open instead of a hop being held back).
 * Simulated callers read each reply and press what it asks for (bench/voice-load.ts); a
 * call's last hop is AT's isActive=0.
 *
 * Flags (or the environment variables in brackets): --hops N per server per round
 * (BENCH_HOPS, 50000), --concurrency N (BENCH_CONCURRENCY, 64), --rounds N (3), --rate N
 * (1000), --sessions N (200), --fixed-seconds N (BENCH_FIXED_SECONDS, 10),
 * --stepping public|cached (see src/engine/stepping.ts).
 */

const arg = (name: string, env: string | null, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return Number(process.argv[i + 1]);
  return env && process.env[env] ? Number(process.env[env]) : fallback;
};
const steppingAt = process.argv.indexOf('--stepping');
const STEPPING = steppingAt >= 0 ? String(process.argv[steppingAt + 1]) : '';
const OPTIONS = {
  hops: arg('hops', 'BENCH_HOPS', 50_000),
  concurrency: arg('concurrency', 'BENCH_CONCURRENCY', 64),
  rounds: arg('rounds', null, 3),
  rate: arg('rate', null, 1000),
  sessions: arg('sessions', null, 200),
  seconds: arg('fixed-seconds', 'BENCH_FIXED_SECONDS', 10),
  warmupHops: 5000,
};

async function main() {
  console.log(
    `voice bench: per round and server ${OPTIONS.hops} hops at concurrency ${OPTIONS.concurrency}, then a fixed ${OPTIONS.rate} hops/s for ${OPTIONS.seconds} s (open loop, ${OPTIONS.sessions} calls open at the start); ${OPTIONS.rounds} rounds`,
  );
  console.log(
    `node ${process.version}, memory adapter; service, bare Express and client in three processes, loopback only; load average ${fmt(loadAverage(), 2)}${STEPPING ? `; stepping: ${STEPPING}` : ''}\n`,
  );
  const [bare, service] = await Promise.all([startServer('bare'), startServer('service', STEPPING ? { BENCH_STEPPING: STEPPING } : {})]);
  let first: Memory | null = null;
  let served = 0;
  await compare(voiceCallers, service, bare, OPTIONS, {
    async before(round) {
      if (round === 1) first = await service.memoryAfterGc();
    },
    async after(_round, result) {
      served += result.service.hops + result.fixed.done;
      const m = await service.memoryAfterGc();
      console.log(
        `    service after a full GC: RSS ${fmt(m.rssMb)} MB, live JS heap ${fmt(m.heapUsedMb)} MB after ${served} hops (${fmt(first!.rssMb)} MB and ${fmt(first!.heapUsedMb)} MB before; the memory adapter keeps every session and response)`,
      );
    },
  });
  await Promise.all([service.stop(), bare.stop()]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
