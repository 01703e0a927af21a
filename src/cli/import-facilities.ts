import { readFileSync, statSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/config.js';
import { importFacilities } from '../app/facility-registry.js';
import { createLogger } from '../log.js';
import { loadShippedContent } from '../i18n/catalog.js';
import { offeredLanguages, PROJECT_ROOT } from '../service.js';
import { selectStorage } from '../storage/select.js';

/**
 * `npm run import:facilities -- FILE.csv [--dry-run]`: loads a facility registry into the
 * configured storage. Every row is checked first; if any row is wrong, each problem is
 * listed by row and column and nothing is written.
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
  const known = { languages: offeredLanguages(content, config), facilityTypes: [...new Set(content.flows.flatMap((f) => f.facilityTypes))], defaultCountry: config.defaultCountry };
  const log = createLogger('warn');
  const selected = await selectStorage({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, production: config.production }, log);
  try {
    const memoryOnly = selected.storage.kind === 'memory';
    if (memoryOnly && !dryRun) {
      console.error('Storage is the in-memory fallback, so an import from this command would vanish when it exits.');
      console.error('Checking the file only. Set MONGODB_URI (or let the embedded MongoDB start) to import for real.');
    }
    console.log(`checking ${file}...`);
    const result = await importFacilities(selected.storage, csv, known, { dryRun: dryRun || memoryOnly });
    if (!result.ok) {
      console.error(`${result.errors.length} problem(s) in ${result.rows} row(s); nothing was imported:`);
      for (const e of result.errors) console.error(`  row ${e.row}, ${e.field}: ${e.message}`);
      return 1;
    }
    const verb = result.dryRun ? 'would import' : 'imported';
    console.log(`${verb} ${result.facilities} facilities from ${result.rows} rows (${result.inserted} new, ${result.updated} updated)`);
    return 0;
  } finally {
    await selected.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : `import failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
