/**
 * Database ports. Redis Enterprise allocates database ports from 10000-19999;
 * the library fixes each port at synth time so that it never changes
 * silently: an explicit port, or one derived from the database name alone
 * (FNV-1a hash). Because the derivation ignores every other database, adding
 * or removing a database never moves another one's port. Two names that
 * hash to the same port are a validation error (REDB006) asking for an
 * explicit port on one of them. Ports Redis Software reserves (10050,
 * Zabbix) are never derived and refused when declared (REDB030).
 */
import { SYSTEM_RESERVED_DATABASE_PORTS } from '../contract/redis-software';

export const MIN_DATABASE_PORT = 10000;
export const MAX_DATABASE_PORT = 19999;

export function isReservedPort(port: number): boolean {
  return SYSTEM_RESERVED_DATABASE_PORTS.includes(port);
}

export function derivePort(databaseName: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(databaseName, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  let port = MIN_DATABASE_PORT + (hash % (MAX_DATABASE_PORT - MIN_DATABASE_PORT + 1));
  // A reserved port moves to the next free one; every other name keeps the port it always had
  // (a collision this makes is REDB006 like any other).
  while (isReservedPort(port)) port = port === MAX_DATABASE_PORT ? MIN_DATABASE_PORT : port + 1;
  return port;
}
