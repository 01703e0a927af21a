import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

/**
 * The container image, without a Docker engine: the Dockerfile is read and its two stages
 * are replayed in a temporary folder, so the test and the image cannot drift apart.
 *
 * - build stage: its COPY lines copy from the repository (honouring .dockerignore), then
 *   `npm run build` runs there. Its `npm ci` is the one step not replayed: the dev
 *   dependencies come from this checkout's node_modules (the same lock file).
 * - runtime stage: its COPY lines (the build output from the build stage, flows/, locales/,
 *   package.json, package-lock.json), its `npm ci --omit=dev --ignore-scripts` (from the
 *   npm cache where it can), its ENV, and its CMD, started as the image starts it.
 *
 * Then, on that folder alone: /healthz, /readyz, a USSD hop as Africa's Talking posts it,
 * and the staff sign-in page with its stylesheet. Without TEST_MONGODB_URI the service
 * runs in development mode on the memory fallback (the embedded MongoDB is made to fail at
 * once); with it, also in production mode on a fresh database on that server, with the
 * production secrets.
 */

const exec = promisify(execFile);
const repo = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'crc-image-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

type Instruction = { op: string; args: string };
type Stage = { name: string; instructions: Instruction[] };

/** The Dockerfile's stages and instructions (continuation lines joined, comments dropped). */
function readDockerfile(text: string): Stage[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const stages: Stage[] = [];
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [, op, args] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!op) throw new Error(`cannot read Dockerfile line: ${line}`);
    if (op.toUpperCase() === 'FROM') {
      const name = /\bAS\s+(\S+)$/i.exec(args!)?.[1] ?? `stage${stages.length}`;
      stages.push({ name, instructions: [] });
    } else stages.at(-1)!.instructions.push({ op: op.toUpperCase(), args: args!.trim() });
  }
  return stages;
}

/** .dockerignore, as far as this repository uses it: paths and `*.ext`. */
function dockerIgnore(): (path: string) => boolean {
  const patterns = readFileSync(join(repo, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const tests = patterns.map((p) => {
    if (/^\*\.[\w]+$/.test(p)) return (path: string) => path.endsWith(p.slice(1));
    if (/[*?[\]!]/.test(p)) throw new Error(`.dockerignore pattern "${p}" is not understood by this test: teach it`);
    return (path: string) => path === p || path.startsWith(`${p}/`);
  });
  return (path) => tests.some((t) => t(path));
}

/** COPY as Docker does it for these forms: files into a folder (`./`), or a folder's contents into a folder. */
function copy(args: string, stageDir: string, sources: { from: string; workdirs: Record<string, string> }, ignored: (p: string) => boolean) {
  const parts = args.split(/\s+/);
  const fromStage = parts[0]!.startsWith('--from=') ? parts.shift()!.slice('--from='.length) : null;
  if (parts.some((p) => p.startsWith('--'))) throw new Error(`COPY ${args}: option not understood by this test`);
  const dest = parts.pop()!;
  const base = fromStage ? sources.workdirs[fromStage] : sources.from;
  if (!base) throw new Error(`COPY ${args}: unknown stage ${fromStage}`);
  for (const src of parts) {
    // a path in another stage is absolute inside its WORKDIR (/app)
    const from = fromStage ? join(base, relative('/app', src)) : join(base, src);
    if (!existsSync(from)) throw new Error(`COPY ${args}: ${src} does not exist`);
    const to = dest.endsWith('/') || parts.length > 1 ? join(stageDir, dest, basename(src)) : join(stageDir, dest);
    cpSync(from, to, { recursive: true, filter: (p) => fromStage !== null || !ignored(relative(repo, p)) });
  }
}

type Image = { dir: string; env: Record<string, string>; cmd: string[] };

async function replay(): Promise<Image> {
  const stages = readDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
  expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
  const ignored = dockerIgnore();
  const workdirs: Record<string, string> = {};
  let image: Image | null = null;
  for (const stage of stages) {
    const dir = join(work, stage.name);
    mkdirSync(dir, { recursive: true });
    workdirs[stage.name] = dir;
    const env: Record<string, string> = {};
    let cmd: string[] = [];
    for (const { op, args } of stage.instructions) {
      if (op === 'WORKDIR') expect(args).toBe('/app');
      else if (op === 'ENV') for (const [, k, v] of args.matchAll(/(\w+)=(\S+)/g)) env[k!] = v!;
      else if (op === 'COPY') copy(args, dir, { from: repo, workdirs }, ignored);
      else if (op === 'RUN') {
        for (const command of args.split('&&').map((c) => c.trim())) {
          if (command === 'npm ci --ignore-scripts') symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
          else if (command === 'npm run build') await exec('npm', ['run', 'build'], { cwd: dir });
          else if (command === 'npm ci --omit=dev --ignore-scripts')
            await exec('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, env: { ...process.env, ...env } });
          // it only empties the npm cache of the image layer; here it would empty this machine's
          else if (command === 'npm cache clean --force') continue;
          else throw new Error(`RUN ${command}: not reproduced by this test; teach it how`);
        }
      } else if (op === 'CMD') cmd = JSON.parse(args) as string[];
      else if (!['USER', 'EXPOSE', 'HEALTHCHECK'].includes(op)) throw new Error(`${op} ${args}: not understood by this test`);
    }
    if (stage.name === 'runtime') image = { dir, env, cmd };
  }
  return image!;
}

type Running = { url: string; out: string[]; stop(): Promise<number | null> };

/** Starts the image's CMD in its folder with `env` on top of the image's ENV, and waits for "listening on". */
function start(image: Image, env: Record<string, string>): Promise<Running> {
  const out: string[] = [];
  const child = spawn(image.cmd[0]!, image.cmd.slice(1), {
    cwd: image.dir,
    // nothing from this machine's environment but PATH and HOME: the image has only its ENV
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? work, ...image.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no "listening on" within 90 s:\n${out.join('')}`)), 90_000);
    const onData = (chunk: Buffer) => {
      out.push(String(chunk));
      const url = /"msg":"listening on (http:\/\/127\.0\.0\.1:\d+)"/.exec(out.join(''))?.[1];
      if (url) {
        clearTimeout(timer);
        ok({
          url,
          out,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`exited with ${code} before listening:\n${out.join('')}`));
    });
  });
}

/** What a deployment and its users see first; `token` is the callback token, if one is set. */
async function checkServes(running: Running, expected: { durable: boolean; token?: string }) {
  const health = await fetch(`${running.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${running.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ status: 'ready', durable: expected.durable });

  // the first hop of a session, exactly the form fields Africa's Talking posts
  const hop = () => new URLSearchParams({ sessionId: `ATUid_image_${Date.now()}`, serviceCode: '*384*123#', phoneNumber: '+254711000950', networkCode: '63902', text: '' });
  const ussd = await fetch(`${running.url}/ussd${expected.token ? `?token=${expected.token}` : ''}`, { method: 'POST', body: hop() });
  expect(ussd.status).toBe(200);
  expect(ussd.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(await ussd.text()).toMatch(/^CON .*English/s);
  if (expected.token) expect((await fetch(`${running.url}/ussd`, { method: 'POST', body: hop() })).status).toBe(401);

  const signIn = await fetch(`${running.url}/staff/sign-in`);
  expect(signIn.status).toBe(200);
  const page = await signIn.text();
  expect(page).toContain('Sign in with the API token');
  expect(page.includes('data is not durable')).toBe(!expected.durable);
  const href = /<link rel="stylesheet" href="([^"]+)">/.exec(page)?.[1];
  expect(href).toBe('/staff/assets/staff.css');
  const css = await fetch(`${running.url}${href}`);
  expect(css.status).toBe(200);
  expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  expect(await css.text()).toBe(readFileSync(join(repo, 'src/http/staff/assets/staff.css'), 'utf8'));
}

it('the image built as the Dockerfile says starts with its CMD and serves health, USSD and the staff sign-in with its stylesheet', async () => {
  const image = await replay();
  // nothing can fall back to the source folder: the image has none
  expect(existsSync(join(image.dir, 'src'))).toBe(false);
  expect(existsSync(join(image.dir, 'node_modules', 'typescript'))).toBe(false);
  expect(existsSync(join(image.dir, 'node_modules', 'prom-client'))).toBe(true);
  expect(image.cmd.join(' ')).toBe(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).scripts['start:prod']);
  expect(image.env.NODE_ENV).toBe('production');

  // the image as shipped, without the settings production requires: a clear refusal, at once
  const refused = await start(image, {}).then(
    () => null,
    (e: Error) => e.message,
  );
  expect(refused).toMatch(/^exited with 2 before listening/);
  for (const name of ['MONGODB_URI', 'RESPONDENT_KEY_SECRET', 'STAFF_SESSION_SECRET', 'CONTACT_ENCRYPTION_KEY', 'AT_CALLBACK_TOKEN']) expect(refused).toContain(`${name}: required in production`);
  expect(refused).not.toContain('mongodb-memory-server');

  // development mode: the memory fallback, made certain (and quick) by a mongod that does not exist
  const dev = await start(image, { NODE_ENV: 'development', DATA_DIR: join(work, 'data'), MONGOMS_SYSTEM_BINARY: join(work, 'no-such-mongod') });
  await checkServes(dev, { durable: false });
  expect(dev.out.join('')).toContain('STORAGE IS IN MEMORY: NOTHING IS DURABLE');
  expect(await dev.stop()).toBe(0);

  const testUri = process.env.TEST_MONGODB_URI;
  if (!testUri) {
    console.log('image layout: ran in development mode on the memory fallback; production mode on MongoDB skipped (TEST_MONGODB_URI is not set)');
    return;
  }
  const database = `crc_image_${process.pid}_${Date.now()}`;
  const uri = withDatabase(testUri, database);
  const token = 'image-test-callback-token-0123';
  try {
    const prod = await start(image, {
      MONGODB_URI: uri,
      RESPONDENT_KEY_SECRET: 'image-test-respondent-secret-0123456789',
      STAFF_SESSION_SECRET: 'image-test-staff-session-secret-0123456789',
      CONTACT_ENCRYPTION_KEY: '6d6167652d746573742d636f6e746163742d6b65792d33322d62797465732121',
      AT_CALLBACK_TOKEN: token,
      ADMIN_TOKEN: 'image-test-admin-token-0123456789',
      PUBLIC_BASE_URL: 'https://reports.example.org',
    });
    await checkServes(prod, { durable: true, token });
    expect(prod.out.join('')).not.toContain('NOTHING IS DURABLE');
    expect(await prod.stop()).toBe(0);
    console.log(`image layout: ran in development mode on the memory fallback, and in production mode on MongoDB (${database})`);
  } finally {
    await dropDatabase(uri);
  }
}, 300_000);

/** The server of TEST_MONGODB_URI, with a database of our own. */
function withDatabase(uri: string, database: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!m) throw new Error('TEST_MONGODB_URI must look like mongodb://host:port/db?options');
  return `${m[1]}/${database}${m[2] ?? ''}`;
}

async function dropDatabase(uri: string) {
  const { default: mongoose } = await import('mongoose');
  const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}
