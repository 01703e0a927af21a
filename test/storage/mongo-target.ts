import mongoose from 'mongoose';
import { createMongoStorage } from '../../src/storage/mongo/mongo-storage.js';
import { redactMongoUri } from '../../src/storage/select.js';

/**
 * TEST_MONGODB_URI is the switch for every test that runs the Mongo adapter over the wire.
 * Set: those tests run against that server (MongoDB, or FerretDB as .ci/run starts it), and
 * an unreachable server fails them; they never skip. Unset: they skip with one line saying so.
 */

export type MongoTarget = {
  uri: string;
  /** e.g. "FerretDB v1.24.2 (answers as MongoDB 7.0.42)" or "MongoDB 7.0.14" */
  server: string;
  ferretdb: boolean;
};

export const MONGO_SKIP_REASON = 'TEST_MONGODB_URI is not set (set it to a MongoDB or FerretDB URI to run the Mongo adapter over the wire)';

let probed: Promise<MongoTarget | null> | undefined;

/** The server named by TEST_MONGODB_URI, asked for its version once per test file; null when unset. */
export function mongoTarget(): Promise<MongoTarget | null> {
  probed ??= (async () => {
    const uri = process.env.TEST_MONGODB_URI;
    if (!uri) return null;
    const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
    try {
      await client.connect();
      const info = await client.db('admin').command({ buildInfo: 1 });
      const ferretdb = typeof info.ferretdbVersion === 'string';
      const server = ferretdb ? `FerretDB ${info.ferretdbVersion} (answers as MongoDB ${info.version})` : `MongoDB ${info.version}`;
      return { uri, server, ferretdb };
    } catch (e) {
      throw new Error(
        `TEST_MONGODB_URI is set (${redactMongoUri(uri)}) but the server does not answer: ${e instanceof Error ? e.message : String(e)}. The Mongo tests must run, not skip, when it is set.`,
      );
    } finally {
      await client.close();
    }
  })();
  return probed;
}

/** The same server with another database name in the path (query options kept). */
export function withDatabase(uri: string, dbName: string): string {
  const u = new URL(uri);
  u.pathname = `/${dbName}`;
  return u.toString();
}

let counter = 0;
/** A database name no other test (or test process) uses. */
export function uniqueDbName(prefix: string): string {
  return `crc_${prefix}_${process.pid}_${Date.now().toString(36)}_${++counter}`;
}

export async function dropDatabase(uri: string, dbName: string): Promise<void> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    await client.db(dbName).dropDatabase();
  } finally {
    await client.close();
  }
}

/**
 * For the "mongo" vitest project (TEST_STORAGE=mongo): the Mongo adapter on a database of its
 * own, dropped by `drop()`. Null in every other run.
 */
export async function mongoTestStorage(now: () => Date) {
  if (process.env.TEST_STORAGE !== 'mongo') return null;
  const target = await mongoTarget();
  if (!target) throw new Error(`TEST_STORAGE=mongo needs TEST_MONGODB_URI: ${MONGO_SKIP_REASON}`);
  const dbName = uniqueDbName('component');
  const storage = await createMongoStorage(target.uri, { dbName, now, serverSelectionTimeoutMS: 10_000 });
  return {
    storage,
    async drop() {
      await storage.close();
      await dropDatabase(target.uri, dbName);
    },
  };
}
