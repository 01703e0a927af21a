import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

/**
 * `npm run scorecards` works on the service's storage or refuses. Here the embedded MongoDB
 * is made to fail at once (MONGODB_URI unset, mongodb-memory-server pointed at a binary
 * that does not exist, as test/storage/select.test.ts does), so the command can only reach
 * its own in-memory store: a real run must refuse, every time, and a dry run must say that
 * it read an empty store.
 */
const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

type Result = { code: number; stdout: string; stderr: string };
async function scorecards(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return run(tsx, ['src/entry/cli/scorecards.ts', ...args], { cwd: root, env }).then(
    (r) => ({ code: 0, ...r }),
    (e: Result) => e,
  );
}

it('refuses to send from a store the service does not share, and a dry run says it read an empty store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crc-scorecards-'));
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', DATA_DIR: join(dir, 'mongo'), MONGOMS_SYSTEM_BINARY: join(dir, 'no-such-mongod'), LOG_LEVEL: 'warn' };
  delete env.MONGODB_URI;

  // twice: the old command "sent" 0-report scorecards to every demo manager on each run
  for (let attempt = 0; attempt < 2; attempt++) {
    const refused = await scorecards(['--period', '2026-10'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Not sent: no durable storage is available to this command, so it wrote nothing.');
    expect(refused.stderr).toContain('MONGODB_URI');
    expect(refused.stdout).not.toMatch(/sent \d+|queued|stored/);
    expect(refused.stdout).toBe('');
  }

  const dry = await scorecards(['--period', '2026-10', '--dry-run'], env);
  expect(dry.code).toBe(0);
  expect(dry.stderr).toContain('`npm run scorecards` READ AN EMPTY STORE');
  expect(dry.stdout).toContain("DRY RUN on an EMPTY store (not the service's data), nothing stored or sent");
  expect(dry.stdout).toContain('0 facilities, 0 messages');

  const bad = await scorecards(['--period', 'October'], env);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('"October" is not a period');
}, 120_000);
