import { isDnsLabel, MAX_DNS_LABEL as MAX_LABEL } from '../validation/names';
import { ExternalAccessProps } from './external-access-props';

const MAX_HOST = 253;

/**
 * A fully qualified external hostname the generated objects can carry: a
 * lowercase RFC 1123 DNS name of at least two labels, at most 253 characters
 * and 63 per label, not an IP address and not a wildcard. Ingress hosts must
 * be lowercase and may not be IPs; Route hosts and SNI names follow the same
 * rules, so one check fits every method.
 */
export function isValidHost(host: string): boolean {
  if (typeof host !== 'string' || host.length === 0 || host.length > MAX_HOST) return false;
  const labels = host.split('.');
  if (labels.length < 2) return false;
  // Each label a lowercase RFC 1123 label: what Ingress `rules[].host` accepts.
  if (!labels.every(isDnsLabel)) return false;
  // A numeric top-level label means an IPv4 address (or no real domain).
  return !/^[0-9]+$/.test(labels[labels.length - 1]);
}

/**
 * A valid database hostname suffix: starts with `.` or `-`, and a database
 * name put in front of it gives a valid host.
 */
export function isValidDbFqdnSuffix(suffix: string): boolean {
  if (typeof suffix !== 'string' || !(suffix.startsWith('.') || suffix.startsWith('-'))) return false;
  // `a` stands for the shortest database name.
  return isValidHost(`a${suffix}`);
}

/** External hostname of a database: `<db name><dbFqdnSuffix>`. */
export function databaseHost(access: ExternalAccessProps, dbName: string): string {
  return `${dbName}${access.dbFqdnSuffix}`;
}

/**
 * The longest database name whose external hostname is still valid: with a
 * `-` suffix the name shares its DNS label with the suffix's first part, and
 * the whole host may not exceed 253 characters.
 */
export function maxDatabaseNameLength(access: ExternalAccessProps): number {
  const suffix = access.dbFqdnSuffix ?? '';
  const firstDot = suffix.indexOf('.');
  const sharedLabel = firstDot < 0 ? suffix.length : firstDot;
  return Math.max(0, Math.min(MAX_LABEL - sharedLabel, MAX_HOST - suffix.length));
}
