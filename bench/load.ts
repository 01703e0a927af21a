import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

/** Load-generation helpers shared by the bench scripts: loopback only, bounded loops. */

export type Memory = { rssMb: number; heapUsedMb: number };
/** garbage-collection pauses of a server since the last ask */
export type GcPauses = {
  count: number;
  /** of which full (mark-compact) collections */
  fulls: number;
  longestMs: number;
  /** the longest young-generation (scavenge) pause */
  longestYoungMs: number;
  longestFullMs: number;
  totalMs: number;
};
/** requests a server answered since the last ask, timed inside its own process */
export type Served = {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** the longest its event loop was late (blocked by anything: a request, GC, other work, no CPU) */
  loopDelayMaxMs: number;
};
export type Started = {
  port: number;
  /** which store the service runs on, as the server described it */
  storage: string;
  child: ChildProcess;
  rssMb(): number;
  /** user + system CPU seconds the server process has used so far (from /proc) */
  cpuSeconds(): number;
  memoryAfterGc(): Promise<Memory>;
  /** the server's garbage-collection pauses since the last call */
  gcPauses(): Promise<GcPauses>;
  /** the server's own time per request (arrival to reply written) since the last call */
  served(): Promise<Served>;
  /** database commands (round trips) sent since the last call, by name */
  commands(): Promise<Record<string, number>>;
  stop(): Promise<void>;
};

/** Asks a server process (bench/servers.ts) over IPC; it answers `{ [question]: answer }`. */
function ask<T>(child: ChildProcess, question: 'gc' | 'served' | 'commands' | 'memory'): Promise<T> {
  return new Promise<T>((ok) => {
    const onMessage = (m: unknown) => {
      if (typeof m !== 'object' || m === null || !(question in m)) return;
      child.off('message', onMessage);
      ok((m as Record<string, T>)[question]!);
    };
    child.on('message', onMessage);
    child.send(question);
  });
}

export async function startServer(kind: 'service' | 'bare', env: Record<string, string> = {}): Promise<Started> {
  const root = join(import.meta.dirname, '..');
  // one node process (tsx as an import hook), so its RSS is the server's and it can be asked to collect garbage;
  // BENCH_NODE_FLAGS adds node flags to it (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), '--expose-gc', '--import', 'tsx', join(root, 'bench/servers.ts'), kind], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const { port, storage } = await new Promise<{ port: number; storage: string }>((ok, fail) => {
    let buffer = '';
    const onData = (chunk: unknown) => {
      buffer += String(chunk);
      const line = buffer.split('\n').find((l) => l.startsWith('{"port"'));
      if (!line) return;
      // whatever the server prints after (e.g. BENCH_NODE_FLAGS=--trace-gc) goes to this process's stderr
      child.stdout!.off('data', onData);
      child.stdout!.pipe(process.stderr);
      ok(JSON.parse(line) as { port: number; storage: string });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`${kind} server exited with ${code}`)));
  });
  return {
    port,
    storage: storage ?? 'none',
    child,
    rssMb: () => treeRssKb(child.pid!) / 1024,
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    gcPauses: () => ask<GcPauses>(child, 'gc'),
    served: () => ask<Served>(child, 'served'),
    commands: () => ask<Record<string, number>>(child, 'commands'),
    memoryAfterGc: () => ask<Memory>(child, 'memory'),
    stop: () =>
      new Promise<void>((ok) => {
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      }),
  };
}

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks). */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after the command name: state is field 3, so utime (14) and stime (15) are at 11 and 12
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function treeRssKb(pid: number): number {
  let total = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const c of children) total += treeRssKb(Number(c));
  } catch {
    /* the process went away */
  }
  return total;
}

export function client(port: number, maxSockets: number) {
  // keep-alive, as Africa's Talking keeps its connections; an open loop may need more sockets than it started with
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets === Number.POSITIVE_INFINITY ? 4096 : maxSockets });
  return {
    post(path: string, body: string): Promise<{ status: number; text: string }> {
      return new Promise((ok, fail) => {
        const req = http.request(
          { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c) => (text += c));
            res.on('end', () => ok({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', fail);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

export const median = (values: number[]) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};

/** The machine's 1-minute load average, as the bench prints it beside each figure. */
export const loadAverage = () => os.loadavg()[0]!;

// ------------------------------------------------------------------ simulated callers

/** One HTTP request a simulated caller makes. */
export type Hop = { path: string; body: string };

/**
 * A simulated caller (a USSD phone, a voice caller): asked for its next request with the
 * reply to its last one, it reads that reply and answers the screen it actually got.
 */
export interface Conversation {
  /** the next request, given the last reply (null on the first); null when the conversation is over */
  next(lastReply: { status: number; text: string } | null): Hop | null;
  /** true once it reached the end it was scripted for (a report saved) */
  readonly completed: boolean;
  /** why it went off script (an unexpected screen, an error line, another ending), or null */
  readonly misfire: string | null;
}

/** A channel's callers, and the request the bare server gets for it (a constant reply). */
export type Callers = { channel: string; start(): Conversation; bare(): Hop };

export type Tally = { completed: number; misfires: number; firstMisfire: string | null };

function tallied(tally: Tally, c: Conversation) {
  if (c.completed) tally.completed++;
  else if (c.misfire) {
    tally.misfires++;
    tally.firstMisfire ??= c.misfire;
  }
}

/** The bare server's caller: the same request every time, no reading. */
function bareCaller(callers: Callers): Conversation {
  return { next: () => callers.bare(), completed: false, misfire: null };
}

/**
 * Closed loop: `concurrency` callers at once, each sending its next hop as soon as the last
 * reply is in. Gives throughput, and (with the server's CPU read before and after) the CPU
 * each hop costs at saturation.
 */
export async function saturate(port: number, callers: Callers, total: number, concurrency: number, kind: 'service' | 'bare') {
  const http = client(port, concurrency);
  const latencies: number[] = [];
  const tally: Tally = { completed: 0, misfires: 0, firstMisfire: null };
  let sent = 0;
  let errors = 0;
  const started = performance.now();
  let lastProgress = started;
  const begin = () => (kind === 'bare' ? bareCaller(callers) : callers.start());
  const worker = async () => {
    let caller = begin();
    let reply: { status: number; text: string } | null = null;
    while (sent < total) {
      const hop = caller.next(reply);
      if (hop === null) {
        tallied(tally, caller);
        caller = begin();
        reply = null;
        continue;
      }
      sent++;
      const t0 = performance.now();
      reply = await http.post(hop.path, hop.body);
      latencies.push(performance.now() - t0);
      if (reply.status !== 200) errors++;
      if (performance.now() - lastProgress > 5000) {
        lastProgress = performance.now();
        process.stderr.write(`  ${callers.channel} ${kind}: ${sent}/${total} hops\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  http.close();
  latencies.sort((a, b) => a - b);
  return { hops: latencies.length, seconds, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, ...tally };
}

/**
 * Open loop at a fixed offered rate: hop i is due at start + i/rate, and it is sent when it
 * is due whatever the server is doing, by the caller at the head of the queue of callers
 * whose last reply is in. When every open caller is still waiting for a reply, a new caller
 * (a new session) takes the hop, so no hop is ever skipped or held back. Latency counts
 * from when the hop was due, not from when it could be sent, so a slow server is not
 * flattered (coordinated omission). `sessions` callers are open at the start; `until`
 * (optional) stops it early, e.g. when another task is done.
 */
export async function openLoop(port: number, callers: Callers, kind: 'service' | 'bare', rate: number, sessions: number, seconds: number, until?: () => boolean) {
  const http = client(port, Number.POSITIVE_INFINITY);
  const begin = () => (kind === 'bare' ? bareCaller(callers) : callers.start());
  type Open = { caller: Conversation; reply: { status: number; text: string } | null };
  const ready: Open[] = Array.from({ length: sessions }, () => ({ caller: begin(), reply: null }));
  let opened = sessions;
  let extra = 0;
  let lastReplyAt = 0;
  const latencies: number[] = [];
  const tally: Tally = { completed: 0, misfires: 0, firstMisfire: null };
  let errors = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const pending: Promise<void>[] = [];
  // the load generator's own stalls: a hop whose reply waits behind them is timed late
  const clientDelay = monitorEventLoopDelay({ resolution: 1 });
  clientDelay.enable();
  const clientCpu0 = process.cpuUsage();
  const sentLate: number[] = [];
  const send = (due: number) => {
    sentLate.push(performance.now() - due);
    let o = ready.shift();
    if (!o) {
      o = { caller: begin(), reply: null };
      opened++;
      extra++;
    }
    let hop = o.caller.next(o.reply);
    while (hop === null) {
      tallied(tally, o.caller);
      o = { caller: begin(), reply: null };
      opened++;
      hop = o.caller.next(null);
    }
    const held = o;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    pending.push(
      http.post(hop.path, hop.body).then(
        (res) => {
          lastReplyAt = performance.now();
          latencies.push(lastReplyAt - due);
          inFlight--;
          if (res.status !== 200) errors++;
          held.reply = res;
          ready.push(held);
        },
        () => {
          lastReplyAt = performance.now();
          latencies.push(lastReplyAt - due);
          inFlight--;
          errors++;
        },
      ),
    );
  };
  const start = performance.now() + 20;
  let i = 0;
  while (i < total && !until?.()) {
    const now = performance.now();
    // every hop due by now is sent now (a late timer sends a burst, each timed from when it was due)
    while (i < total && start + i * interval <= now) send(start + i++ * interval);
    const wait = start + i * interval - performance.now();
    await new Promise((ok) => setTimeout(ok, Math.max(0, wait)));
  }
  await Promise.all(pending);
  clientDelay.disable();
  const clientCpu = process.cpuUsage(clientCpu0);
  http.close();
  latencies.sort((a, b) => a - b);
  sentLate.sort((a, b) => a - b);
  const elapsed = (lastReplyAt - start) / 1000;
  return {
    offered: i,
    done: latencies.length,
    /** replies per second, from the first hop's due time to the last reply */
    achieved: latencies.length / Math.max(elapsed, 1e-9),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    /** sessions opened beyond the first `sessions` because every open one was waiting */
    extraSessions: extra,
    opened,
    maxInFlight,
    errors,
    /**
     * the load generator: CPU per hop, how late its event loop ran, and how late it sent hops
     * (part of every latency above, which counts from the due time, whoever was late)
     */
    client: {
      cpuMsPerHop: (clientCpu.user + clientCpu.system) / 1000 / Math.max(1, latencies.length),
      loopDelayP99Ms: clientDelay.percentile(99) / 1e6,
      loopDelayMaxMs: clientDelay.max / 1e6,
      sentLateP99Ms: percentile(sentLate, 99),
    },
    ...tally,
  };
}
