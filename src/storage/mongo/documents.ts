/**
 * Between stored documents and the ports' plain objects, one way for every collection: the
 * ports never see Mongo's `_id` or `__v`, nor the fields the adapter keeps for itself, and a
 * type whose identity is the `_id` (a response's id, a case's reference) gets it back under
 * its own name.
 */

/** A document as the driver hands it back (lean) or takes it. */
export type Doc = Record<string, unknown>;

/** A stored document as the port's object: `_id`, `__v` and the adapter's `internal` fields dropped. */
export function plainFromDoc<T>(doc: Doc, internal: readonly string[] = []): T {
  const { _id, __v, ...rest } = doc;
  void _id;
  void __v;
  for (const field of internal) delete rest[field];
  return rest as T;
}

/** The same for a type whose identity is the `_id`: it comes back first, as `key` (`id`, or `reference` for cases). */
export function plainWithId<T>(doc: Doc, key = 'id', internal: readonly string[] = []): T {
  return { [key]: String(doc._id), ...plainFromDoc<Doc>(doc, internal) } as T;
}

/** A port's object as a document: its identity (`key`) is stored as the `_id`. */
export function docWithId(value: object, key = 'id'): Doc {
  const { [key]: id, ...rest } = value as Doc;
  return { _id: id, ...rest };
}
