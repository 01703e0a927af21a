import fs from 'node:fs';
import { MongoBinary, MongoMemoryServer } from 'mongodb-memory-server';
import { createMemoryStorage } from './memory/memory-storage.js';
import { createMongoStorage, type WriteConcernChoice } from './mongo/mongo-storage.js';
import { IndexProblem } from './mongo/indexes.js';
import type { Store } from './ports.js';

/**
 * Chooses the storage adapter (DESIGN.md, "Storage"):
 *
 * - MONGODB_URI set: that server. If it cannot be reached this throws; it never falls back.
 * - unset: an embedded mongod (mongodb-memory-server) with a persistent data folder.
 * - the embedded mongod cannot start (e.g. its binary cannot be downloaded) and not in
 *   production: the memory adapter, with a loud warning that nothing is durable.
 * - unset in production: throws at once, asking for MONGODB_URI; the embedded mongod is not
 *   tried (it would download a binary at start).
 */

export type StorageSelectionConfig = {
  mongodbUri?: string;
  /** where the embedded mongod keeps its files */
  dataDir: string;
  production: boolean;
  now?: () => Date;
  /** how long the embedded mongod may take to appear (download included); default 20 s */
  embeddedStartTimeoutMs?: number;
  /** MONGODB_WRITE_CONCERN: acknowledged by a majority (default) or by N members, journaled */
  writeConcern?: WriteConcernChoice;
  /** while an index problem the operator must fix persists, how long to wait between checks; default 60 s */
  indexRetryMs?: number;
};

export type StorageLog = {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
};

export type StorageSelection = {
  storage: Store;
  /** one line for logs: which adapter, where */
  description: string;
  /** closes the storage and stops the embedded mongod if one was started; safe to call twice */
  stop(): Promise<void>;
  /** lines a person must see (the in-memory warning), for the caller to print as a block in the terminal */
  notice?: string[];
};

const EMBEDDED_DB_NAME = 'citizen-report-card';

/** mongodb://user:secret@host -> mongodb://user:***@host, for logs and errors */
export function redactMongoUri(uri: string): string {
  return uri.replace(/^([a-z+]+:\/\/)([^:@/]+):([^@/]*)@/i, '$1$2:***@');
}

export async function selectStorage(config: StorageSelectionConfig, log: StorageLog): Promise<StorageSelection> {
  if (config.mongodbUri) {
    const where = redactMongoUri(config.mongodbUri);
    let storage: Store;
    try {
      storage = await connectMongo(config.mongodbUri, { now: config.now, writeConcern: config.writeConcern }, config.indexRetryMs ?? 60_000, log);
    } catch (e) {
      throw new Error(
        `cannot use MongoDB at ${where} (MONGODB_URI): ${errorMessage(e)}. Check the URI and that the server is reachable; the app does not fall back to other storage when MONGODB_URI is set.`,
        { cause: e },
      );
    }
    log.info({ storage: 'mongo', uri: where }, 'storage: MongoDB from MONGODB_URI');
    return { storage, description: `mongo (MONGODB_URI ${where})`, stop: once(() => storage.close()) };
  }

  if (config.production) {
    throw new Error(
      'no MongoDB configured: MONGODB_URI is not set, and production never starts the embedded MongoDB (mongodb-memory-server would download a binary at start). ' +
        'Set MONGODB_URI to your MongoDB replica set, e.g. MONGODB_URI=mongodb://db1,db2,db3/report-cards?replicaSet=rs0',
    );
  }

  const timeoutMs = config.embeddedStartTimeoutMs ?? 20_000;
  // said before the wait: finding (or downloading) the binary can take many seconds
  log.info(
    { storage: 'mongo', embedded: true, dataDir: config.dataDir, timeoutSeconds: timeoutMs / 1000 },
    `storage: MONGODB_URI is not set, so trying the embedded MongoDB (mongodb-memory-server, data in ${config.dataDir}); this can take up to ${timeoutMs / 1000} s while it finds or downloads its binary`,
  );
  let reason: string;
  try {
    const embedded = await startEmbedded(config.dataDir, timeoutMs);
    try {
      const storage = await connectMongo(embedded.getUri(), { dbName: EMBEDDED_DB_NAME, now: config.now, writeConcern: config.writeConcern }, config.indexRetryMs ?? 60_000, log);
      log.info({ storage: 'mongo', embedded: true, dataDir: config.dataDir, uri: embedded.getUri() }, 'storage: embedded MongoDB (mongodb-memory-server)');
      return {
        storage,
        description: `mongo (embedded mongodb-memory-server, data in ${config.dataDir})`,
        stop: once(async () => {
          try {
            await storage.close();
          } finally {
            // keep the data folder: it is the embedded database's persistent store
            await embedded.stop({ doCleanup: false });
          }
        }),
      };
    } catch (e) {
      await embedded.stop({ doCleanup: false }).catch(() => undefined);
      reason = `the embedded MongoDB started but could not be used: ${errorMessage(e)}`;
    }
  } catch (e) {
    reason = errorMessage(e);
  }

  const notice = [
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '!!  STORAGE IS IN MEMORY: NOTHING IS DURABLE.',
    '!!  Every response, session and questionnaire is lost when this process stops.',
    '!!  Why: MONGODB_URI is not set and the embedded MongoDB could not start:',
    `!!    ${reason}`,
    '!!  Fix: set MONGODB_URI to a MongoDB server, or let mongodb-memory-server',
    '!!  download its binary once (needs internet access to fastdl.mongodb.org).',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
  ];
  // one readable line for log collectors; the block above is for the terminal (the caller prints it)
  log.warn(
    { storage: 'memory', durable: false, reason },
    `STORAGE IS IN MEMORY: NOTHING IS DURABLE. Everything is lost when this process stops. MONGODB_URI is not set and the embedded MongoDB could not start: ${reason}`,
  );
  const storage = createMemoryStorage({ now: config.now });
  return {
    storage,
    description: 'memory (NOT durable: MONGODB_URI unset and the embedded MongoDB could not start)',
    stop: once(() => storage.close()),
    notice,
  };
}

/**
 * Starts mongodb-memory-server on a persistent data folder, within `timeoutMs`.
 *
 * The binary is located (or downloaded) first, so a missing binary fails here with a clear
 * error instead of inside the server's start. mongodb-memory-server has no way to cancel a
 * download: when the time is up we stop waiting, and if the server comes up later after
 * all, it is stopped at once so it does not outlive the decision.
 */
async function startEmbedded(dataDir: string, timeoutMs: number): Promise<MongoMemoryServer> {
  fs.mkdirSync(dataDir, { recursive: true });
  const starting = (async () => {
    await MongoBinary.getPath();
    return MongoMemoryServer.create({ instance: { dbPath: dataDir, storageEngine: 'wiredTiger' } });
  })();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`mongodb-memory-server did not start within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([starting, timedOut]);
  } catch (e) {
    // too late for us: stop it if it ever comes up, and never leave a rejection unhandled
    starting.then((server) => server.stop({ doCleanup: false })).catch(() => undefined);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects the Mongo adapter. An index problem the operator must fix (IndexProblem: a
 * conflicting index, duplicate data under a unique key) is logged with what to do, and
 * checked again every `retryMs`; the process waits instead of exiting, so a fleet of
 * instances does not crash-loop (and rebuild) on it. Anything else fails at once.
 */
async function connectMongo(uri: string, options: Parameters<typeof createMongoStorage>[1], retryMs: number, log: StorageLog): Promise<Store> {
  for (;;) {
    try {
      const storage = await createMongoStorage(uri, options);
      if (storage.indexes.ttlNotSupported.length) {
        log.info(
          { storage: 'mongo', server: storage.server.description, ttlNotSupported: storage.indexes.ttlNotSupported },
          'storage: this server has no TTL indexes; expired sessions are removed by the storage sweep instead',
        );
      }
      return storage;
    } catch (e) {
      if (!(e instanceof IndexProblem)) throw e;
      log.warn(
        { storage: 'mongo', problems: e.problems, retryInSeconds: retryMs / 1000 },
        `${e.message}\nThe service waits (it does not exit, so it does not restart in a loop) and checks again in ${retryMs / 1000} s.`,
      );
      await new Promise((ok) => setTimeout(ok, retryMs));
    }
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

function errorMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // mongodb-memory-server's download errors span lines; keep the log line readable
  return e.message.replace(/\s*\n\s*/g, ' ').trim();
}
