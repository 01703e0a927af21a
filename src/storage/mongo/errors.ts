/**
 * A unique key said no. MongoDB answers E11000 (code 11000); FerretDB 1.24 does too for an
 * insert, but for an update or findAndModify that breaks a unique index it answers with its
 * SQLite backend's text ("UNIQUE constraint failed: index ..."), code 1.
 */
export function isDuplicateKey(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  return code === 11000 || (typeof message === 'string' && /UNIQUE constraint failed/.test(message));
}
