import { type Callers, fmt, type GcPauses, loadAverage, median, openLoop, type Served, saturate, type Started } from './load.js';

/**
 * The service against bare Express, side by side in one run, for one channel: each in a
 * process of its own, loaded by this one over loopback. A round is, for each server, a
 * closed-loop run (throughput, and the CPU-seconds per hop its process used, from /proc)
 * and an open-loop run at a fixed offered rate (latency from each hop's due time, and CPU
 * per hop at that rate). The order of the two servers alternates from round to round, so
 * a drift in the machine's load does not favour one. Every round is printed; the summary
 * gives the median and every round's figure. On a shared machine only the ratios of one
 * round mean much, and the CPU figures (what the server's own process used) more than
 * throughput or latency (which the client and other work on the machine share).
 *
 * To tell where a latency tail comes from, each fixed-rate run also prints the server's
 * garbage-collection pauses, its own time per request (arrival to reply written, measured
 * inside its process through Node's http diagnostics channels), and the load generator's
 * CPU per hop and lateness (hops sent after their due time, its event loop's delays).
 */

export type CompareOptions = { hops: number; concurrency: number; rounds: number; rate: number; sessions: number; seconds: number; warmupHops: number };

type Saturation = Awaited<ReturnType<typeof saturate>> & { cpuMsPerHop: number };
type Fixed = Awaited<ReturnType<typeof openLoop>> & { cpuMsPerHop: number; gc: GcPauses; served: Served };
export type Round = { load: [number, number]; bare: Saturation; service: Saturation; bareFixed: Fixed; fixed: Fixed; cpuRatio: number; fixedCpuRatio: number };

async function timedSaturation(server: Started, callers: Callers, kind: 'service' | 'bare', o: CompareOptions): Promise<Saturation> {
  const cpu0 = server.cpuSeconds();
  const run = await saturate(server.port, callers, o.hops, o.concurrency, kind);
  return { ...run, cpuMsPerHop: ((server.cpuSeconds() - cpu0) * 1000) / run.hops };
}

async function timedFixed(server: Started, callers: Callers, kind: 'service' | 'bare', o: CompareOptions): Promise<Fixed> {
  await server.gcPauses();
  await server.served();
  const cpu0 = server.cpuSeconds();
  const run = await openLoop(server.port, callers, kind, o.rate, o.sessions, o.seconds);
  const cpuMsPerHop = ((server.cpuSeconds() - cpu0) * 1000) / run.done;
  return { ...run, cpuMsPerHop, gc: await server.gcPauses(), served: await server.served() };
}

const ms = (n: number) => fmt(n, 2).padStart(7);
const cpu = (n: number) => fmt(n, 3);

export type RoundHooks = { before?(round: number): Promise<void>; after?(round: number, result: Round): Promise<void> };

export async function compare(callers: Callers, service: Started, bare: Started, o: CompareOptions, hooks: RoundHooks = {}): Promise<Round[]> {
  const ch = callers.channel.toUpperCase();
  // warm-up: JIT, the questionnaire cache, the prompt caches
  await saturate(bare.port, callers, o.warmupHops, o.concurrency, 'bare');
  await saturate(service.port, callers, o.warmupHops, o.concurrency, 'service');
  const rounds: Round[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    await hooks.before?.(r);
    const load0 = loadAverage();
    const serviceFirst = r % 2 === 0;
    let bareRun: Saturation;
    let serviceRun: Saturation;
    if (serviceFirst) {
      serviceRun = await timedSaturation(service, callers, 'service', o);
      bareRun = await timedSaturation(bare, callers, 'bare', o);
    } else {
      bareRun = await timedSaturation(bare, callers, 'bare', o);
      serviceRun = await timedSaturation(service, callers, 'service', o);
    }
    let bareFixed: Fixed;
    let fixed: Fixed;
    if (serviceFirst) {
      fixed = await timedFixed(service, callers, 'service', o);
      bareFixed = await timedFixed(bare, callers, 'bare', o);
    } else {
      bareFixed = await timedFixed(bare, callers, 'bare', o);
      fixed = await timedFixed(service, callers, 'service', o);
    }
    const round: Round = {
      load: [load0, loadAverage()],
      bare: bareRun,
      service: serviceRun,
      bareFixed,
      fixed,
      cpuRatio: bareRun.cpuMsPerHop / serviceRun.cpuMsPerHop,
      fixedCpuRatio: bareFixed.cpuMsPerHop / fixed.cpuMsPerHop,
    };
    rounds.push(round);
    console.log(`${ch} round ${r} of ${o.rounds} (load average ${fmt(round.load[0], 2)} -> ${fmt(round.load[1], 2)}; ${serviceFirst ? 'service' : 'bare'} ran first)`);
    console.log(
      `  saturation, ${o.concurrency} at once   bare ${fmt(bareRun.perSecond, 0).padStart(5)} hops/s  CPU ${cpu(bareRun.cpuMsPerHop)} ms/hop | service ${fmt(serviceRun.perSecond, 0).padStart(5)} hops/s  CPU ${cpu(serviceRun.cpuMsPerHop)} ms/hop | CPU ratio bare/service ${fmt(round.cpuRatio, 2)} (target >= 0.75), throughput ratio ${fmt(serviceRun.perSecond / bareRun.perSecond, 2)}`,
    );
    console.log(
      `    service: ${serviceRun.hops} hops, p50 ${fmt(serviceRun.p50, 2)} ms, p99 ${fmt(serviceRun.p99, 2)} ms, ${serviceRun.completed} reports completed, ${serviceRun.misfires} misfires${serviceRun.firstMisfire ? ` (first: ${serviceRun.firstMisfire})` : ''}, ${serviceRun.errors} HTTP errors`,
    );
    console.log(
      `  fixed ${o.rate} hops/s, open loop    bare p50 ${ms(bareFixed.p50)} p99 ${ms(bareFixed.p99)} max ${fmt(bareFixed.max, 1)} ms  CPU ${cpu(bareFixed.cpuMsPerHop)} ms/hop | service p50 ${ms(fixed.p50)} p99 ${ms(fixed.p99)} max ${fmt(fixed.max, 1)} ms  CPU ${cpu(fixed.cpuMsPerHop)} ms/hop (p99 target < 10 ms)`,
    );
    const gc = (g: GcPauses) =>
      `${g.count} pauses (${g.fulls} full), longest ${fmt(g.longestYoungMs, 1)} ms young / ${g.fulls ? `${fmt(g.longestFullMs, 1)} ms full` : 'no full'}, ${fmt(g.totalMs, 0)} ms in all`;
    console.log(`    garbage collection during the fixed load: bare ${gc(bareFixed.gc)}; service ${gc(fixed.gc)}`);
    const inside = (s: Served) => `p50 ${fmt(s.p50Ms, 2)} p99 ${fmt(s.p99Ms, 2)} max ${fmt(s.maxMs, 1)} ms, event loop late at most ${fmt(s.loopDelayMaxMs, 1)} ms`;
    console.log(`    time inside the server process (arrival to reply written): bare ${inside(bareFixed.served)}; service ${inside(fixed.served)}`);
    const gen = (f: Fixed) =>
      `CPU ${cpu(f.client.cpuMsPerHop)} ms/hop, hops sent late p99 ${fmt(f.client.sentLateP99Ms, 1)} ms, event loop late p99 ${fmt(f.client.loopDelayP99Ms, 1)} max ${fmt(f.client.loopDelayMaxMs, 1)} ms`;
    console.log(`    load generator while loading: bare ${gen(bareFixed)}; service ${gen(fixed)}`);
    console.log(
      `    service: ${fixed.done} of ${fixed.offered} hops answered (${fmt(fixed.achieved, 0)}/s), ${fixed.opened} sessions (${fixed.extraSessions} opened because every open one was waiting, at most ${fixed.maxInFlight} hops in flight), ${fixed.completed} reports completed, ${fixed.misfires} misfires${fixed.firstMisfire ? ` (first: ${fixed.firstMisfire})` : ''}, ${fixed.errors} HTTP errors`,
    );
    await hooks.after?.(r, round);
  }
  const all = (f: (x: Round) => number, digits: number) => `median ${fmt(median(rounds.map(f)), digits)} (${rounds.map((x) => fmt(f(x), digits)).join(', ')})`;
  console.log(`\n${ch} summary over ${rounds.length} rounds (median, then each round)`);
  console.log(`  CPU per hop at saturation, bare       ${all((x) => x.bare.cpuMsPerHop, 3)} ms`);
  console.log(`  CPU per hop at saturation, service    ${all((x) => x.service.cpuMsPerHop, 3)} ms`);
  console.log(`  CPU ratio bare/service, saturation    ${all((x) => x.cpuRatio, 2)}  (target >= 0.75)`);
  console.log(`  CPU ratio bare/service, ${o.rate} hops/s  ${all((x) => x.fixedCpuRatio, 2)}`);
  console.log(`  throughput, bare                      ${all((x) => x.bare.perSecond, 0)} hops/s`);
  console.log(`  throughput, service                   ${all((x) => x.service.perSecond, 0)} hops/s`);
  console.log(`  p50 at ${o.rate} hops/s, bare          ${all((x) => x.bareFixed.p50, 2)} ms`);
  console.log(`  p99 at ${o.rate} hops/s, bare          ${all((x) => x.bareFixed.p99, 2)} ms`);
  console.log(`  p50 at ${o.rate} hops/s, service       ${all((x) => x.fixed.p50, 2)} ms`);
  console.log(`  p99 at ${o.rate} hops/s, service       ${all((x) => x.fixed.p99, 2)} ms  (target < 10)`);
  console.log(`  p99 inside the process, bare          ${all((x) => x.bareFixed.served.p99Ms, 2)} ms`);
  console.log(`  p99 inside the process, service       ${all((x) => x.fixed.served.p99Ms, 2)} ms`);
  console.log(`  load average at the start of rounds   ${rounds.map((x) => fmt(x.load[0], 2)).join(', ')}`);
  return rounds;
}
