/**
 * Redis database versions by Redis Software release, as the double's nodes
 * report and enforce them. Written down here from the docs on purpose (not
 * imported from lib/contract): the double is the oracle the reconciler and
 * the constructs are checked against.
 *
 * Source: "Upgrade a Redis Software database", table "Default Redis database
 * versions" (redis/docs `content/embeds/rs-bundled-db-versions.md`): bundled
 * versions and the default for new and upgraded databases.
 */
export interface RedisVersionSupport {
  readonly bundled: readonly string[];
  readonly defaultVersion: string;
}

const BY_RELEASE: Readonly<Record<string, RedisVersionSupport>> = {
  '8.2.0': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2', '8.4', '8.6'], defaultVersion: '8.6' },
  '8.0.20': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2', '8.4', '8.6'], defaultVersion: '8.6' },
  '8.0.18': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2', '8.4', '8.6'], defaultVersion: '8.6' },
  '8.0.16': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2', '8.4'], defaultVersion: '8.4' },
  '8.0.10': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2', '8.4'], defaultVersion: '8.4' },
  '8.0.6': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2'], defaultVersion: '8.2' },
  '8.0.2': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2'], defaultVersion: '8.2' },
  '7.22': { bundled: ['6.2', '7.2', '7.4'], defaultVersion: '7.4' },
};

/**
 * What a node of `softwareVersion` (`8.0.20-44`) supports. A release the
 * table does not list is answered like 8.0.20 (the double's choice: the
 * double acts as 8.0 or 8.2 only).
 */
export function redisVersionSupport(softwareVersion: string): RedisVersionSupport {
  const release = /^(\d+\.\d+\.\d+)/.exec(softwareVersion)?.[1] ?? '';
  return BY_RELEASE[release] ?? BY_RELEASE[release.split('.').slice(0, 2).join('.')] ?? BY_RELEASE['8.0.20'];
}

/** Negative when `a` is older (`major.minor`, compared by number). */
export function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

/**
 * The documented `supported_database_versions` of a node (objects/node,
 * requests/nodes: `[{db_type, version}]`). The memcached entry's version is
 * the one of the docs' example answer.
 */
export function supportedDatabaseVersionsJson(softwareVersion: string): Array<{ db_type: string; version: string }> {
  return [{ db_type: 'memcached', version: '1.4.17' }, ...redisVersionSupport(softwareVersion).bundled.map((version) => ({ db_type: 'redis', version }))];
}
