/**
 * A database password rotation, decided from the BDB's tags (pure). Redis
 * databases: add the new password beside the old one (`POST
 * /v1/bdbs/{uid}/passwords`), so clients that still use the old one keep
 * authenticating, then after the grace period make the new one the only one
 * (`PUT`, which "sets a single password": the old value need not be known,
 * and the Secret no longer holds it). The tags remember where the rotation
 * stands, so a new leader continues it. Memcached has one SASL password
 * (bdb fields): it is replaced at once.
 */
import { Bdb } from '../io/re-types';
import { ownedTagValue } from './bdb-spec';

export type PasswordStep =
  /** In line with the Secret: nothing to do. */
  | { action: 'none' }
  /** Add the new password; the previous ones stay valid. */
  | { action: 'add' }
  /** Both valid; the grace period ends in `remainingMs`. */
  | { action: 'wait'; remainingMs: number; until: number }
  /** Make the new password the only one. */
  | { action: 'replace' };

/** `<version>:<unix seconds>` of the passwordAdded tag. */
export function addedTag(version: string, atMs: number): string {
  // Rounded up: the grace period is never cut short by the rounding.
  return `${version}:${Math.ceil(atMs / 1000)}`;
}

function parseAdded(value: string | undefined): { version: string; atMs: number } | undefined {
  const m = value ? /^(.+):(\d+)$/.exec(value) : null;
  return m ? { version: m[1], atMs: Number(m[2]) * 1000 } : undefined;
}

export function passwordStep(bdb: Bdb, secretVersion: string, nowMs: number, graceMs: number): PasswordStep {
  if (ownedTagValue(bdb.tags, 'passwordVersion') === secretVersion) return { action: 'none' };
  if (graceMs <= 0) return { action: 'replace' };
  const added = parseAdded(ownedTagValue(bdb.tags, 'passwordAdded'));
  // A Secret that changed again during the grace period starts it again with the newest password.
  if (!added || added.version !== secretVersion) return { action: 'add' };
  const until = added.atMs + graceMs;
  return nowMs >= until ? { action: 'replace' } : { action: 'wait', remainingMs: until - nowMs, until };
}
