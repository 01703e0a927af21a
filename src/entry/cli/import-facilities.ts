import { readFileSync, statSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config.js';
import { importFacilities, parseFacilityCsv, type RowError } from '../../app/facilities/facility-registry.js';
import { loadShippedContent } from '../../app/content.js';
import { releasePinsOfFormerManagers } from '../../app/cases/manager-pin.js';
import { systemClock } from '../../gateways/clock.js';
import { knownFacilityTypeCodes } from '../../app/facilities/facility-types.js';
import { offeredLanguages, PROJECT_ROOT } from '../service.js';
import { emptyStoreNotice, NoSharedStorage, openJobStorage } from './storage.js';

/**
 * `npm run import:facilities -- FILE.csv [--dry-run]`: loads a facility registry into the
 * configured storage. Every row is checked first; if any row is wrong, each problem is
 * listed by row and column and nothing is written. Without the service's storage it
 * refuses to import (a dry run still checks the file, and says it read an empty store).
 */
const MAX_BYTES = 20 * 1024 * 1024;

async function main(argv: string[]): Promise<number> {
  const dryRun = argv.includes('--dry-run');
  const files = argv.filter((a) => !a.startsWith('--'));
  if (files.length !== 1) {
    console.error('usage: npm run import:facilities -- FILE.csv [--dry-run]');
    console.error('columns: code,name,type,district,manager_name,manager_phone,manager_language,manager_role');
    return 2;
  }
  const file = files[0]!;
  let csv: string;
  try {
    if (statSync(file).size > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES / 1024 / 1024} MB`);
    csv = readFileSync(file, 'utf8');
  } catch (err) {
    console.error(`cannot read ${file}: ${(err as Error).message}`);
    return 2;
  }
  const config = loadConfig();
  const content = loadShippedContent(PROJECT_ROOT);
  const known = { languages: offeredLanguages(content, config), defaultCountry: config.defaultCountry };
  // the rows are checked before storage is opened (a wrong file should not wait for it), the
  // facility types once storage is open: they are the ones staff added there
  console.log(`checking ${file}...`);
  const checked = parseFacilityCsv(csv, known);
  if (checked.errors.length) return problems(checked.errors, checked.rows);
  let selected: Awaited<ReturnType<typeof openJobStorage>>;
  try {
    selected = await openJobStorage(config, {
      command: 'npm run import:facilities',
      writes: !dryRun,
      refused: 'Not imported',
      instead: `To check the file only: npm run import:facilities -- ${file} --dry-run. Or import it on the staff Facilities page of the running service.`,
    });
  } catch (e) {
    if (!(e instanceof NoSharedStorage)) throw e;
    console.error(e.message);
    return 1;
  }
  try {
    if (!selected.shared) console.error(`${emptyStoreNotice('npm run import:facilities')}\n(the rows are checked, but "new" and "updated" are counted against no stored facility)\n`);
    // a store no service has started on yet holds no types: it will hold the shipped ones after the first start
    const stored = await knownFacilityTypeCodes(selected.storage);
    const facilityTypes = stored.length ? stored : [...new Set(content.flows.flatMap((f) => f.facilityTypes))];
    const { result, formerManagers } = await importFacilities(selected.storage, csv, { ...known, facilityTypes }, { dryRun });
    if (!result.ok) return problems(result.errors, result.rows);
    const verb = result.dryRun ? 'would import' : 'imported';
    console.log(`${verb} ${result.facilities} facilities from ${result.rows} rows (${result.inserted} new, ${result.updated} updated)`);
    if (!result.dryRun) {
      const released = await releasePinsOfFormerManagers({ storage: selected.storage, clock: systemClock }, formerManagers, 'import:facilities (command line)');
      if (released > 0) console.log(`removed ${released} manager PIN(s): no facility lists those numbers any more`);
    }
    return 0;
  } finally {
    await selected.stop();
  }
}

function problems(errors: RowError[], rows: number): number {
  console.error(`${errors.length} problem(s) in ${rows} row(s); nothing was imported:`);
  for (const e of errors) console.error(`  row ${e.row}, ${e.field}: ${e.message}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : `import failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
