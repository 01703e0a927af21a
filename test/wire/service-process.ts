import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The real service as its own process (`node --import tsx src/main.ts`, what `npm start`
 * runs), on a port it picks, with its JSON log lines kept for the test to read.
 */

const ROOT = join(import.meta.dirname, '..', '..');
export const WIRE_SECRET = 'wire-test-secret-0123456789-abcdef-0123456789';

export type ServiceProcess = {
  name: string;
  url: string;
  pid: number;
  /** parsed JSON log lines, in order */
  logs: Array<Record<string, unknown>>;
  /** stops it with SIGKILL: no graceful shutdown, nothing flushed */
  kill(): Promise<void>;
  /** SIGTERM and wait for the graceful stop */
  stop(): Promise<void>;
};

export async function startServiceProcess(name: string, env: Record<string, string>, timeoutMs = 90_000): Promise<ServiceProcess> {
  const base = { ...process.env };
  for (const k of ['MONGODB_URI', 'TEST_MONGODB_URI', 'ADMIN_TOKEN', 'AT_USERNAME', 'AT_API_KEY', 'AT_CALLBACK_TOKEN']) delete base[k];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: {
      ...base,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: '0',
      HOST: '127.0.0.1',
      RESPONDENT_KEY_SECRET: WIRE_SECRET,
      SEED_DEMO: 'true',
      SCORECARD_SCHEDULE: 'false',
      SMS_GATEWAY: 'log',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += String(c)));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${timeoutMs / 1000} s; stderr: ${stderr}`)), timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      const msg = String(entry.msg ?? '');
      if (msg.startsWith('listening on ')) {
        clearTimeout(timer);
        ok(msg.slice('listening on '.length));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited with ${code} before listening; stderr: ${stderr}; last log: ${JSON.stringify(logs.slice(-3))}`));
    });
  });
  const waitExit = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await exited;
  };
  return {
    name,
    url,
    pid: child.pid!,
    logs,
    async kill() {
      child.kill('SIGKILL');
      await waitExit();
    },
    async stop() {
      child.kill('SIGTERM');
      await waitExit();
    },
  };
}
