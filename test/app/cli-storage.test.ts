import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/entry/service.js';

/**
 * Every command-line job reaches storage through src/entry/cli/storage.ts (openJobStorage), which
 * refuses to write to a store the service does not share. A command that selected or built
 * storage by itself (or built the whole service, which does) would skip that rule; this
 * test reads every command's imports so one added later cannot.
 */
it('no command opens storage except through openJobStorage', () => {
  const dir = join(PROJECT_ROOT, 'src', 'entry', 'cli');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'storage.ts');
  expect(files.length).toBeGreaterThan(5);
  const forbidden = [/from '(\.\.\/)+storage\/select\.js'/, /from '(\.\.\/)+storage\/(memory|mongo)\//, /\bcreateService\b/, /\bselectStorage\b/, /\bcreate(Memory|Mongo)Storage\b/];
  const offenders = files.flatMap((f) => {
    const source = readFileSync(join(dir, f), 'utf8');
    return forbidden.filter((re) => re.test(source)).map((re) => `${f}: ${re.source}`);
  });
  expect(offenders).toEqual([]);
  const users = files.filter((f) => readFileSync(join(dir, f), 'utf8').includes('openJobStorage('));
  expect(users.sort()).toEqual(['import-facilities.ts', 'scorecards.ts', 'token-create.ts']);
});
