import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/entry/config.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';
import { CALLBACK_PATHS } from '../../src/http/callback-paths.js';

const readme = () => readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

/** Every environment variable the config reads is documented in the README's table. */
it('documents every environment variable in the README', () => {
  const config = readFileSync(join(PROJECT_ROOT, 'src/entry/config.ts'), 'utf8');
  const envBlock = config.slice(config.indexOf('const Env = z.object({'), config.indexOf('});', config.indexOf('const Env = z.object({')));
  const names = [...envBlock.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
  expect(names.length).toBeGreaterThan(20);
  const undocumented = names.filter((n) => !new RegExp(`^\\| \`${n}\` \\|`, 'm').test(readme()));
  expect(undocumented).toEqual([]);
});

/** What production refuses to start without, read from the config's own refusal: every "NAME: required in production". */
function requiredInProduction(): string[] {
  let message = '';
  try {
    loadConfig({ NODE_ENV: 'production' });
  } catch (e) {
    message = (e as Error).message;
  }
  return [...message.matchAll(/^ {2}([A-Z][A-Z0-9_]+): required in production/gm)].map((m) => m[1]!);
}

it("lists everything production requires in the README's production instructions: the NODE_ENV row and the docker run line", () => {
  const required = requiredInProduction();
  // the refusal itself is what this reads, so an empty list would prove nothing
  expect(required).toEqual(expect.arrayContaining(['MONGODB_URI', 'RESPONDENT_KEY_SECRET', 'STAFF_SESSION_SECRET', 'CONTACT_ENCRYPTION_KEY', 'AT_CALLBACK_TOKEN']));
  const text = readme();
  const nodeEnvRow = text.split('\n').find((l) => l.startsWith('| `NODE_ENV` |')) ?? '';
  const dockerRun = text.split('\n').find((l) => l.includes('docker run ')) ?? '';
  expect(nodeEnvRow).not.toBe('');
  expect(dockerRun).not.toBe('');
  // an operator who follows either one sets every one of them, or the process exits with code 2
  expect(required.filter((name) => !nodeEnvRow.includes(`\`${name}\``))).toEqual([]);
  expect(required.filter((name) => !dockerRun.includes(`-e ${name}=`))).toEqual([]);
});

it('names every callback where the README lists them: the callback token, the lean path, the refused-callback metric', () => {
  const lines = readme().split('\n');
  const places = {
    'AT_CALLBACK_TOKEN row': lines.find((l) => l.startsWith('| `AT_CALLBACK_TOKEN` |')),
    'crc_callbacks_refused_total row': lines.find((l) => l.startsWith('| `crc_callbacks_refused_total` |')),
    'lean path paragraph': lines
      .slice(lines.findIndex((l) => l.startsWith('- The provider callbacks (`POST /ussd`')))
      .slice(0, 3)
      .join(' '),
  };
  for (const [place, text] of Object.entries(places)) {
    expect(text, place).toBeTruthy();
    expect(
      CALLBACK_PATHS.filter((path) => !text!.includes(`\`${path}\``) && !text!.includes(`\`POST ${path}\``)),
      place,
    ).toEqual([]);
  }
});

it('names only source files that exist', () => {
  // a file moved or renamed leaves the README pointing nowhere (it once named src/metrics.ts for src/http/metrics.ts)
  const named = [...new Set([...readme().matchAll(/`(src\/[^`\s]*)`/g)].map((m) => m[1]!))];
  expect(named.length).toBeGreaterThan(10);
  expect(named.filter((path) => !existsSync(join(PROJECT_ROOT, path)))).toEqual([]);
});
