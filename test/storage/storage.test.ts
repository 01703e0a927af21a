import { afterAll, describe } from 'vitest';
import mongoose from 'mongoose';
import { MongoBinary, MongoMemoryServer } from 'mongodb-memory-server';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import { createMongoStorage } from '../../src/storage/mongo/mongo-storage.js';
import { storageContract } from './contract.js';
import { voiceCallsContract } from './contract-voice-calls.js';
import { staffStorageContract } from './contract-staff.js';
import { staffSessionsContract } from './contract-staff-sessions.js';

/**
 * Runs the storage contract on every adapter that can run here: memory always; Mongo when
 * MONGODB_URI is set or mongodb-memory-server can start. Which ones ran is printed.
 */

const PROBE_TIMEOUT_MS = 15_000;

type MongoTarget = { uri: string; source: string; server?: MongoMemoryServer };

async function findMongo(): Promise<MongoTarget | { skip: string }> {
  const fromEnv = process.env.MONGODB_URI;
  if (fromEnv) return { uri: fromEnv, source: 'MONGODB_URI' };
  // locate (or download) the binary first, so a missing one fails quietly and fast
  const starting = MongoBinary.getPath().then(() => MongoMemoryServer.create());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no start within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
  });
  try {
    const server = await Promise.race([starting, timeout]);
    return { uri: server.getUri(), source: 'mongodb-memory-server', server };
  } catch (e) {
    starting.then((late) => late.stop()).catch(() => undefined);
    const reason = e instanceof Error ? e.message.replace(/\s*\n\s*/g, ' ') : String(e);
    return { skip: `no MONGODB_URI and mongodb-memory-server could not start: ${reason}` };
  } finally {
    clearTimeout(timer);
  }
}

const mongo = await findMongo();
const mongoTarget = 'skip' in mongo ? null : mongo;

const ran = ['memory', ...(mongoTarget ? [`mongo (${mongoTarget.source})`] : [])];
const skipped = 'skip' in mongo ? [`mongo: ${mongo.skip}`] : [];
console.log(`storage contract: ran [${ran.join(', ')}]; skipped [${skipped.join('; ')}]`);

storageContract('memory', async () => ({ storage: createMemoryStorage(), cleanup: async () => {} }));
voiceCallsContract('memory', async () => ({ storage: createMemoryStorage(), cleanup: async () => {} }));
staffStorageContract('memory', async () => ({ storage: createMemoryStorage(), cleanup: async () => {} }));
staffSessionsContract('memory', async () => ({ storage: createMemoryStorage(), cleanup: async () => {} }));

describe.skipIf(!mongoTarget)('mongo adapter', () => {
  const run = `${process.pid}_${Date.now().toString(36)}`;
  let n = 0;

  afterAll(async () => {
    await mongoTarget?.server?.stop();
  });

  const makeMongo = async () => {
    const uri = mongoTarget!.uri;
    const dbName = `crc_contract_${run}_${++n}`;
    const storage = await createMongoStorage(uri, { dbName, serverSelectionTimeoutMS: 5_000 });
    return {
      storage,
      async cleanup() {
        await storage.close();
        const admin = await mongoose.createConnection(uri, { dbName, serverSelectionTimeoutMS: 5_000 }).asPromise();
        try {
          await admin.dropDatabase();
        } finally {
          await admin.close();
        }
      },
    };
  };
  storageContract('mongo', makeMongo);
  voiceCallsContract('mongo', makeMongo);
  staffStorageContract('mongo', makeMongo);
  staffSessionsContract('mongo', makeMongo);
});
