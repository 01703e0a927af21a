import type { Connection, Model } from 'mongoose';
import type { Doc } from './documents.js';

/**
 * Builds the indexes each schema declares, explicitly, once per start, and checks what the
 * server then holds. Declared indexes use only what every supported server has (no partial
 * filters; unique keys are always set). A TTL index the server does not implement (FerretDB
 * 1.24) is built as a plain index and the expiry sweep does the TTL's work.
 *
 * A problem the operator must fix (an index of the same name with other keys or options,
 * or documents that break a unique key) is an IndexProblem: it names the index and says
 * what to do. A failed build is recorded in `storage_meta`, so other instances (and this
 * one, restarted) do not rebuild it over and over: they report the recorded failure until
 * `REBUILD_AFTER_MS` has passed, then try once more.
 */

export type DeclaredIndex = { collection: string; name: string; key: Record<string, 1 | -1>; unique: boolean; ttl: boolean };

export type IndexReport = {
  /** indexes whose TTL the server does not implement: expiry of these collections depends on the sweep alone */
  ttlNotSupported: string[];
};

export class IndexProblem extends Error {
  constructor(readonly problems: string[]) {
    super(`storage indexes are not in place:\n  - ${problems.join('\n  - ')}`);
    this.name = 'IndexProblem';
  }
}

/** Another failed build of the same index is not tried before this long (any instance). */
export const REBUILD_AFTER_MS = 10 * 60_000;

type ServerError = { code?: number; codeName?: string; message?: string };

export function declaredIndexes(models: Array<Model<unknown>>): DeclaredIndex[] {
  const out: DeclaredIndex[] = [];
  for (const model of models) {
    const collection = model.collection.collectionName;
    for (const [key, options] of model.schema.indexes()) {
      const k = key as Record<string, 1 | -1>;
      const o = options as { unique?: boolean; expireAfterSeconds?: number; partialFilterExpression?: unknown; name?: string };
      if (o.partialFilterExpression)
        throw new Error(`index on ${collection} ${JSON.stringify(k)} uses partialFilterExpression, which FerretDB and DocumentDB lack: use a unique key that is always set`);
      if (o.expireAfterSeconds !== undefined && o.expireAfterSeconds !== 0) throw new Error(`TTL index on ${collection} must expire at the field's own date (expireAfterSeconds: 0)`);
      out.push({ collection, name: o.name ?? indexName(k), key: k, unique: Boolean(o.unique), ttl: o.expireAfterSeconds === 0 });
    }
  }
  return out;
}

/** The name the server gives an index by default: field_1_other_-1. */
export function indexName(key: Record<string, number>): string {
  return Object.entries(key)
    .map(([field, dir]) => `${field}_${dir}`)
    .join('_');
}

const sameKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(Object.entries(a).map(([k, v]) => [k, Number(v)])) === JSON.stringify(Object.entries(b).map(([k, v]) => [k, Number(v)]));

export async function ensureIndexes(conn: Connection, wanted: DeclaredIndex[], serverNow: () => Promise<Date>, owner: string): Promise<IndexReport> {
  const db = conn.db!;
  const meta = db.collection<{ _id: string; error: string; at: Date; by: string }>('storage_meta');
  const problems: string[] = [];
  const report: IndexReport = { ttlNotSupported: [] };
  const byCollection = new Map<string, DeclaredIndex[]>();
  for (const w of wanted) byCollection.set(w.collection, [...(byCollection.get(w.collection) ?? []), w]);

  for (const [collection, list] of byCollection) {
    const existing = await listIndexes(conn, collection);
    for (const w of list) {
      const where = `${collection}.${w.name} ${JSON.stringify(w.key)}${w.unique ? ' unique' : ''}`;
      const found = existing.find((e) => e.name === w.name) ?? existing.find((e) => sameKey(e.key as Doc, w.key));
      if (found) {
        const mismatch = describeMismatch(found, w);
        if (mismatch)
          problems.push(`index ${where}: the database holds ${mismatch}. Drop it (db.${collection}.dropIndex('${String(found.name)}')) and start the service again; it builds the index it needs`);
        else if (w.ttl && found.expireAfterSeconds === undefined) report.ttlNotSupported.push(`${collection}.${w.name}`);
        continue;
      }
      const metaId = `index:${collection}.${w.name}`;
      const failed = await meta.findOne({ _id: metaId });
      const now = await serverNow();
      if (failed && now.getTime() - failed.at.getTime() < REBUILD_AFTER_MS) {
        problems.push(
          `index ${where} could not be built (by ${failed.by} at ${failed.at.toISOString()}): ${failed.error}. Not retried before ${new Date(failed.at.getTime() + REBUILD_AFTER_MS).toISOString()}; delete the document {_id: '${metaId}'} in storage_meta to retry at once`,
        );
        continue;
      }
      try {
        await build(conn, w, report);
        await meta.deleteOne({ _id: metaId });
      } catch (e) {
        const error = explainBuildError(e as ServerError, w);
        problems.push(`index ${where} could not be built: ${error}`);
        await meta.updateOne({ _id: metaId }, { $set: { error, at: await serverNow(), by: owner } }, { upsert: true }).catch(() => undefined);
      }
    }
    // what the server now holds must be what the contract rests on (FerretDB accepts a same-named index with other options silently)
    const after = await listIndexes(conn, collection);
    for (const w of list) {
      const found = after.find((e) => e.name === w.name) ?? after.find((e) => sameKey(e.key as Doc, w.key));
      if (!found) continue; // already reported above
      const mismatch = describeMismatch(found, w);
      if (mismatch && !problems.some((p) => p.includes(`${collection}.${w.name} `))) {
        problems.push(
          `index ${collection}.${w.name} ${JSON.stringify(w.key)}${w.unique ? ' unique' : ''}: the database holds ${mismatch}. Drop it (db.${collection}.dropIndex('${String(found.name)}')) and start the service again`,
        );
      }
    }
  }
  if (problems.length) throw new IndexProblem(problems);
  return report;
}

async function listIndexes(conn: Connection, collection: string): Promise<Doc[]> {
  try {
    return (await conn.db!.collection(collection).listIndexes().toArray()) as Doc[];
  } catch (e) {
    // a collection that does not exist yet has no indexes
    if ((e as ServerError).code === 26 || (e as ServerError).codeName === 'NamespaceNotFound') return [];
    throw e;
  }
}

function describeMismatch(found: Doc, w: DeclaredIndex): string | null {
  const keys = found.key as Doc;
  if (!sameKey(keys, w.key)) return `an index named ${String(found.name)} on ${JSON.stringify(keys)}`;
  if (Boolean(found.unique) !== w.unique) return `${String(found.name)} ${found.unique ? 'unique' : 'not unique'}, while it must ${w.unique ? 'be unique' : 'not be unique'}`;
  if (found.partialFilterExpression) return `${String(found.name)} with a partialFilterExpression, which this version does not use`;
  if (found.expireAfterSeconds !== undefined && (!w.ttl || found.expireAfterSeconds !== 0)) return `${String(found.name)} with expireAfterSeconds ${String(found.expireAfterSeconds)}`;
  return null;
}

async function build(conn: Connection, w: DeclaredIndex, report: IndexReport): Promise<void> {
  const collection = conn.db!.collection(w.collection);
  const options = { name: w.name, ...(w.unique ? { unique: true } : {}) };
  if (!w.ttl) {
    await collection.createIndex(w.key, options);
    return;
  }
  try {
    await collection.createIndex(w.key, { ...options, expireAfterSeconds: 0 });
  } catch (e) {
    // FerretDB 1.24: 'Index option "expireAfterSeconds" is not implemented yet' (NotImplemented, 238)
    if ((e as ServerError).code !== 238) throw e;
    await collection.createIndex(w.key, options);
    report.ttlNotSupported.push(`${w.collection}.${w.name}`);
  }
}

function explainBuildError(e: ServerError, w: DeclaredIndex): string {
  const message = (e.message ?? String(e)).replace(/\s+/g, ' ');
  const duplicate = e.code === 11000 || /duplicate key|UNIQUE constraint failed/i.test(message);
  if (duplicate && w.unique) {
    const group = Object.fromEntries(Object.keys(w.key).map((k) => [k.replace(/\./g, '_'), `$${k}`]));
    return (
      `documents in ${w.collection} share a value of ${Object.keys(w.key).join(', ')}, so the unique index cannot exist (${message}). ` +
      `List them with db.${w.collection}.aggregate([{$group: {_id: ${JSON.stringify(group)}, n: {$sum: 1}}}, {$match: {n: {$gt: 1}}}]), ` +
      'resolve the duplicates, then delete the storage_meta record named here (or wait) and start again'
    );
  }
  if (e.code === 85 || e.code === 86 || e.codeName === 'IndexOptionsConflict' || e.codeName === 'IndexKeySpecsConflict') {
    return `an index with the same keys or name but other options exists (${message}). Drop it and start again`;
  }
  return `${message}${e.code !== undefined ? ` (code ${e.code})` : ''}`;
}
