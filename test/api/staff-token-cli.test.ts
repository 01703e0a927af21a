import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

/**
 * `npm run token:create` must never print a token it could not store where the server reads:
 * without MONGODB_URI and without an embedded MongoDB (as on this machine) it refuses.
 * When an embedded MongoDB can start here, that path is exercised instead.
 */
const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');

it('refuses without durable storage, or stores the token where the server will read it', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'crc-token-')), NODE_ENV: 'development' };
  delete env.MONGODB_URI;
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const result = await run(tsx, ['src/entry/cli/token-create.ts', '--role', 'admin', '--name', 'Lead'], { cwd: root, env }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  if (result.code === 0) {
    console.log('token:create ran against an embedded MongoDB');
    expect(result.stdout.trim()).toMatch(/^crc_[A-Za-z0-9_-]{32}$/);
    expect(result.stderr).toContain('only its hash is stored');
  } else {
    console.log('token:create refused (no durable storage here), as it must');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Not created: no durable storage');
    expect(result.stderr).toContain('ADMIN_TOKEN');
  }

  const bad = await run(tsx, ['src/entry/cli/token-create.ts', '--role', 'boss'], { cwd: root, env }).catch((e) => e);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--role: must be admin, editor, viewer or facility_manager');
}, 90_000);
