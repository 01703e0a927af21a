import { Writable } from 'node:stream';
import nock from 'nock';
import { loadConfig } from '../../src/entry/config.js';
import { createService, type ServiceOverrides } from '../../src/entry/service.js';
import { manualClock } from '../../src/gateways/clock.js';
import { sequentialIds } from '../../src/gateways/ids.js';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import { AtUssdSession } from '../../src/channels/ussd/at-simulator.js';
import { mongoTestStorage } from '../storage/mongo-target.js';

/**
 * The real service, in process, on port 0, over the memory adapter, with a clock that
 * moves only when told and ids that read well in transcripts. Outside network is blocked;
 * only loopback is allowed. With TEST_STORAGE=mongo (the "mongo" vitest project, when
 * TEST_MONGODB_URI is set) the store is the Mongo adapter on a database of its own.
 */
export const TEST_SECRET = 'test-secret-0123456789abcdef-0123456789';
export const ADMIN = 'admin-token-for-tests-0123456789';
/**
 * What production requires before it starts (config.ts), for tests that run the service as
 * production on storage they provide: the MongoDB named here is never contacted then.
 */
export const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://127.0.0.1:9/provided-by-the-test',
  RESPONDENT_KEY_SECRET: TEST_SECRET,
  STAFF_SESSION_SECRET: 'staff-session-secret-for-tests-0123456789',
  CONTACT_ENCRYPTION_KEY: 'dGVzdC1jb250YWN0LWtleS0zMi1ieXRlcy1mb3ItdXM=',
  AT_CALLBACK_TOKEN: 'callback-token-for-tests-0123',
} as const;

/**
 * `vi.waitFor` options for work the service does after its reply (the outbox sender, a
 * delivery report recorded after the 200): generous, because on FerretDB on a loaded CI
 * machine one send takes several slow queries; a condition that never holds still fails.
 */
export const AFTER_THE_REPLY = { timeout: 15_000, interval: 20 };

export const testClock = () => manualClock('2026-10-05T08:00:00Z');

export async function startTestService(env: Record<string, string> = {}, overrides: ServiceOverrides = {}) {
  nock.disableNetConnect();
  nock.enableNetConnect(/(127\.0\.0\.1|localhost)/);
  const clock = (overrides.clock as ReturnType<typeof manualClock> | undefined) ?? testClock();
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', RESPONDENT_KEY_SECRET: TEST_SECRET, ADMIN_TOKEN: ADMIN, ...env });
  const mongo = overrides.storage ? null : await mongoTestStorage(() => clock.now());
  const storage = overrides.storage ?? mongo?.storage ?? createMemoryStorage({ now: () => clock.now() });
  const service = await createService(config, { storage, clock, ids: sequentialIds(), logDestination, ...overrides });
  const { url } = await service.start(0, '127.0.0.1');
  let n = 0;
  return {
    service,
    url,
    clock,
    storage,
    logs,
    phone(phoneNumber = '+254711000111', sessionId = `ATUid_test_${++n}`, callbackToken?: string) {
      return new AtUssdSession({ baseUrl: url, phoneNumber, sessionId, callbackToken });
    },
    async stop() {
      await service.stop(2000);
      await mongo?.drop();
      nock.enableNetConnect();
    },
  };
}
export type TestService = Awaited<ReturnType<typeof startTestService>>;
