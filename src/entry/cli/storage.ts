import type { Config } from '../config.js';
import type { Store } from '../../storage/ports.js';
import { selectStorage } from '../../storage/select.js';

/**
 * The storage of a command-line job: the service's own, or none. A job opens what the
 * service opens (MONGODB_URI, else the embedded MongoDB's DATA_DIR while the server is
 * stopped). When neither is there, the selection falls back to an in-memory store that
 * belongs to this process alone: nothing written there reaches the service, and nothing the
 * service stored can be read there. So a job that would write refuses, and a job that only
 * reads says it read an empty store.
 *
 * Every command that touches storage opens it here (test/app/cli-storage.test.ts checks
 * that no command selects storage by itself), so a command added later follows the same rule.
 */

export type JobStorage = {
  storage: Store;
  description: string;
  /** false: this process's own empty in-memory store, not the service's data */
  shared: boolean;
  stop(): Promise<void>;
};

export type Job = {
  /** how a person runs it, e.g. "npm run scorecards" */
  command: string;
  /** true when this run would store, send or create something */
  writes: boolean;
  /** what the refusal says first: "Not sent", "Not created", "Not imported" */
  refused: string;
  /** what to do instead, when the service's storage cannot be reached */
  instead?: string;
};

/** Exit code 1, with a message a person can act on. */
export class NoSharedStorage extends Error {}

const EMBEDDED_TIMEOUT_MS = 15_000;

export async function openJobStorage(config: Pick<Config, 'mongodbUri' | 'dataDir' | 'production'>, job: Job, stderr: { write(s: string): unknown } = process.stderr): Promise<JobStorage> {
  if (!config.mongodbUri && !config.production) {
    stderr.write(`MONGODB_URI is not set: trying the embedded MongoDB in ${config.dataDir} (up to ${EMBEDDED_TIMEOUT_MS / 1000} s)...\n`);
  }
  // the selection's own log lines would repeat what this module says in plain words
  const quiet = { info: () => undefined, warn: () => undefined };
  const selected = await selectStorage({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, production: config.production, embeddedStartTimeoutMs: EMBEDDED_TIMEOUT_MS }, quiet);
  const shared = selected.storage.kind !== 'memory';
  if (!shared && job.writes) {
    await selected.stop();
    throw new NoSharedStorage(
      [
        `${job.refused}: no durable storage is available to this command, so it wrote nothing.`,
        `It found no MONGODB_URI, and the embedded MongoDB could not start (no binary here, or a running server holds ${config.dataDir}).`,
        `Its own in-memory store is empty, vanishes when it exits, and is not the service's data: \`${job.command}\` would have worked on nothing.`,
        `Set MONGODB_URI to the service's MongoDB (or stop the server, so this command can open ${config.dataDir}) and run it again.`,
        ...(job.instead ? [job.instead] : []),
      ].join('\n'),
    );
  }
  return { storage: selected.storage, description: selected.description, shared, stop: selected.stop };
}

/** Said by a read-only run (a dry run) on a store that is not the service's. */
export function emptyStoreNotice(command: string): string {
  return [
    `NOTE: \`${command}\` READ AN EMPTY STORE. No MONGODB_URI, and the embedded MongoDB could not start,`,
    "so it read its own empty in-memory store, not the service's data: nothing below describes the service's data.",
    "Set MONGODB_URI to the service's MongoDB to read the real data.",
  ].join('\n');
}
