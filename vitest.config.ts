import { defineConfig } from 'vitest/config';

/**
 * With TEST_MONGODB_URI set, the component, API and transcript tests run twice: once on the
 * memory adapter ("memory") and once on the Mongo adapter over the wire ("mongo",
 * TEST_STORAGE=mongo, see test/support/service.ts). Left out of "mongo": the USSD fuzz
 * property test (hundreds of runs: too slow on FerretDB, whose SQLite backend scans a
 * collection for every query) and ussd-http, whose readiness test names the memory adapter.
 */
const ON_MONGO = ['test/component/**/*.test.ts', 'test/api/**/*.test.ts', 'test/transcripts/**/*.test.ts', 'test/app/facility-registry.test.ts'];
const NOT_ON_MONGO = ['test/component/ussd-fuzz.test.ts', 'test/component/ussd-http.test.ts'];

const shared = {
  globalSetup: ['test/support/global-setup.ts'],
  // no test times anything (performance is measured by bench/): these bound a hang. A service
  // start walks every questionnaire's paths (about 12 CPU-seconds on a busy 2-core machine),
  // and several tests start one or two inside the test
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    ...shared,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // (each project lists its own files: a project that extends this config adds to its include)
    ...(process.env.TEST_MONGODB_URI
      ? {
          projects: [
            { extends: true, test: { name: 'memory', include: ['test/**/*.test.ts'] } },
            { extends: true, test: { name: 'mongo', include: ON_MONGO, exclude: NOT_ON_MONGO, env: { TEST_STORAGE: 'mongo' }, testTimeout: 60_000 } },
          ],
        }
      : { include: ['test/**/*.test.ts'] }),
  },
});
