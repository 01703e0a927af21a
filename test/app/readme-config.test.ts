import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/entry/service.js';

/** Every environment variable the config reads is documented in the README's table. */
it('documents every environment variable in the README', () => {
  const config = readFileSync(join(PROJECT_ROOT, 'src/entry/config.ts'), 'utf8');
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const envBlock = config.slice(config.indexOf('const Env = z.object({'), config.indexOf('});', config.indexOf('const Env = z.object({')));
  const names = [...envBlock.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
  expect(names.length).toBeGreaterThan(20);
  const undocumented = names.filter((n) => !new RegExp(`^\\| \`${n}\` \\|`, 'm').test(readme));
  expect(undocumented).toEqual([]);
});
