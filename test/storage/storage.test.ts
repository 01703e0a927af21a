import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import { createMongoStorage } from '../../src/storage/mongo/mongo-storage.js';
import { storageContract } from './contract.js';
import { voiceCallsContract } from './contract-voice-calls.js';
import { staffStorageContract } from './contract-staff.js';
import { staffSessionsContract } from './contract-staff-sessions.js';
import { chartersContract } from './contract-charters.js';
import { facilityTypesContract } from './contract-facility-types.js';
import { casesContract } from './contract-cases.js';
import { smsInboxContract } from './contract-sms-inbox.js';
import { managerPinsContract } from './contract-manager-pins.js';
import { MONGO_SKIP_REASON, dropDatabase, mongoTarget, uniqueDbName } from './mongo-target.js';

/**
 * Runs the storage contract on the memory adapter always, and on the Mongo adapter over the
 * wire when TEST_MONGODB_URI is set (then it must run: an unreachable server fails it). Each
 * Mongo test gets its own database and drops it. Which adapters ran, against what, is printed.
 */

const mongo = await mongoTarget();
console.log(`storage contract: ran [memory${mongo ? `, mongo on ${mongo.server}` : ''}]; skipped [${mongo ? '' : `mongo: ${MONGO_SKIP_REASON}`}]`);

storageContract('memory', async () => ({ storage: createMemoryStorage(), cleanup: async () => {} }));
voiceCallsContract('memory', async () => ({ storage: createMemoryStorage(), cleanup: async () => {} }));
staffStorageContract('memory', async () => ({ storage: createMemoryStorage(), cleanup: async () => {} }));
staffSessionsContract('memory', async () => ({ storage: createMemoryStorage(), cleanup: async () => {} }));
chartersContract('memory', async () => ({ storage: createMemoryStorage(), cleanup: async () => {} }));
facilityTypesContract('memory', async () => ({ storage: createMemoryStorage(), cleanup: async () => {} }));
casesContract('memory', async () => ({ storage: createMemoryStorage(), cleanup: async () => {} }));
smsInboxContract('memory', async () => ({ storage: createMemoryStorage(), cleanup: async () => {} }));
managerPinsContract('memory', async () => ({ storage: createMemoryStorage(), cleanup: async () => {} }));

describe.skipIf(!mongo)(`mongo adapter${mongo ? ` on ${mongo.server}` : ''}`, () => {
  const made: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const s of made) await s.close().catch(() => undefined);
  });

  const makeMongo = async () => {
    const dbName = uniqueDbName('contract');
    const storage = await createMongoStorage(mongo!.uri, { dbName, serverSelectionTimeoutMS: 10_000 });
    made.push(storage);
    return {
      storage,
      async cleanup() {
        await storage.close();
        await dropDatabase(mongo!.uri, dbName);
      },
    };
  };
  it('runs against the server TEST_MONGODB_URI names', async () => {
    const { storage, cleanup } = await makeMongo();
    expect(storage.kind).toBe('mongo');
    expect(await storage.ping()).toBe(true);
    await cleanup();
  });
  storageContract('mongo', makeMongo);
  voiceCallsContract('mongo', makeMongo);
  staffStorageContract('mongo', makeMongo);
  staffSessionsContract('mongo', makeMongo);
  chartersContract('mongo', makeMongo);
  facilityTypesContract('mongo', makeMongo);
  casesContract('mongo', makeMongo);
  smsInboxContract('mongo', makeMongo);
  managerPinsContract('mongo', makeMongo);
});
