/**
 * Database ports. Redis Enterprise allocates database ports from 10000-19999;
 * the library fixes each port at synth time so that it never changes
 * silently: an explicit port, or one derived from the database name alone
 * (FNV-1a hash). Because the derivation ignores every other database, adding
 * or removing a database never moves another one's port. Two names that
 * hash to the same port are a validation error (REDB006) asking for an
 * explicit port on one of them.
 */
export const MIN_DATABASE_PORT = 10000;
export const MAX_DATABASE_PORT = 19999;

export function derivePort(databaseName: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(databaseName, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return MIN_DATABASE_PORT + (hash % (MAX_DATABASE_PORT - MIN_DATABASE_PORT + 1));
}
