import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

/** Load-generation helpers shared by the bench scripts: loopback only, bounded loops. */

export type Memory = { rssMb: number; heapUsedMb: number };
export type Started = {
  port: number;
  /** which store the service runs on, as the server described it */
  storage: string;
  child: ChildProcess;
  rssMb(): number;
  /** user + system CPU seconds the server process has used so far (from /proc) */
  cpuSeconds(): number;
  memoryAfterGc(): Promise<Memory>;
  /** database commands (round trips) sent since the last call, by name */
  commands(): Promise<Record<string, number>>;
  stop(): Promise<void>;
};

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
    child.stdout!.on('data', (chunk) => {
      buffer += String(chunk);
      const line = buffer.split('\n').find((l) => l.startsWith('{"port"'));
      if (line) ok(JSON.parse(line) as { port: number; storage: string });
    });
    child.once('exit', (code) => fail(new Error(`${kind} server exited with ${code}`)));
  });
  return {
    port,
    storage: storage ?? 'none',
    child,
    rssMb: () => treeRssKb(child.pid!) / 1024,
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    commands: () =>
      new Promise<Record<string, number>>((ok) => {
        const onMessage = (m: unknown) => {
          if (typeof m !== 'object' || m === null || !('commands' in m)) return;
          child.off('message', onMessage);
          ok((m as { commands: Record<string, number> }).commands);
        };
        child.on('message', onMessage);
        child.send('commands');
      }),
    memoryAfterGc: () =>
      new Promise<Memory>((ok) => {
        const onMessage = (m: unknown) => {
          if (typeof m !== 'object' || m === null || !('rssMb' in m)) return;
          child.off('message', onMessage);
          ok(m as Memory);
        };
        child.on('message', onMessage);
        child.send('memory');
      }),
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
  const agent = new http.Agent({ keepAlive: true, maxSockets });
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
