import type { SchemaOptions } from 'mongoose';

/** Options every collection's schema shares: plain documents, indexes built explicitly at start. */
export const options = (collection: string): SchemaOptions => ({
  collection,
  versionKey: false,
  // keep empty objects ({} answers, {} options) exactly as given
  minimize: false,
  // the adapter builds every index explicitly at start (see createMongoStorage)
  autoIndex: false,
  autoCreate: false,
  // no `id` virtual: lean reads do not see virtuals anyway, and Response maps _id itself
  id: false,
  strict: true,
});
