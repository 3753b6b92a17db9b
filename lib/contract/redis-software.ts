/**
 * Facts of Redis Software (Redis Enterprise) that both halves rely on: the
 * constructs refuse at synth what the cluster would refuse, and the
 * reconciler reads the cluster's answers by the same rules.
 */

/**
 * Modules bundled with Redis Software 8, by the name a database's
 * `module_list` reports them under (a real Redis 8 BDB lists `search`,
 * `ReJSON`, `timeseries` and `bf`). Databases created with Redis 8 enable all
 * four automatically ("Enable a module for a database": RAM-only databases);
 * modules can only be chosen when a database is created.
 */
export const BUNDLED_MODULES: Readonly<Record<string, string>> = {
  search: 'search',
  redisearch: 'search',
  rejson: 'ReJSON',
  json: 'ReJSON',
  timeseries: 'timeseries',
  redistimeseries: 'timeseries',
  bf: 'bf',
  redisbloom: 'bf',
  probabilistic: 'bf',
};

/** The `module_list` name of a declared module when Redis Software bundles it, else undefined. */
export function bundledModuleName(name: string): string | undefined {
  return BUNDLED_MODULES[name.toLowerCase()];
}

/**
 * Ports inside the database range 10000-19999 that Redis Software never gives
 * a database ("Network port configurations": 10050 is Zabbix monitoring, not
 * configurable). A database asking for one is refused with `port_unavailable`.
 */
export const SYSTEM_RESERVED_DATABASE_PORTS: readonly number[] = [10050];

/** The bootstrap `cluster_identity.name` limit ("Limited to 64 characters"). */
export const MAX_CLUSTER_NAME_LENGTH = 64;

/**
 * Redis database versions each Redis Software release bundles, and the one
 * it gives new and upgraded databases ("Upgrade a Redis Software database",
 * table "Default Redis database versions", redis/docs
 * `content/embeds/rs-bundled-db-versions.md`). Keyed by the release as the
 * table names it: an exact `major.minor.patch`, or `major.minor.x` for a
 * whole line. A release the table does not list is unknown: only the known
 * set ({@link KNOWN_REDIS_DATABASE_VERSIONS}) can be checked then.
 */
export const BUNDLED_REDIS_DATABASE_VERSIONS: Readonly<Record<string, { readonly bundled: readonly string[]; readonly defaultVersion: string }>> = {
  '8.2.0': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2', '8.4', '8.6'], defaultVersion: '8.6' },
  '8.0.20': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2', '8.4', '8.6'], defaultVersion: '8.6' },
  '8.0.18': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2', '8.4', '8.6'], defaultVersion: '8.6' },
  '8.0.16': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2', '8.4'], defaultVersion: '8.4' },
  '8.0.10': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2', '8.4'], defaultVersion: '8.4' },
  '8.0.6': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2'], defaultVersion: '8.2' },
  '8.0.2': { bundled: ['6.2', '7.2', '7.4', '8.0', '8.2'], defaultVersion: '8.2' },
  '7.22.x': { bundled: ['6.2', '7.2', '7.4'], defaultVersion: '7.4' },
  '7.8.x': { bundled: ['6.2', '7.2', '7.4'], defaultVersion: '7.4' },
  '7.4.x': { bundled: ['6.0', '6.2', '7.2'], defaultVersion: '7.2' },
  '7.2.4': { bundled: ['6.0', '6.2', '7.2'], defaultVersion: '7.2' },
  '6.4.2': { bundled: ['6.0', '6.2'], defaultVersion: '6.2' },
  '6.2.x': { bundled: ['6.0', '6.2'], defaultVersion: '6.0' },
};

/** Every Redis database version some listed release bundles, oldest first. */
export const KNOWN_REDIS_DATABASE_VERSIONS: readonly string[] = [...new Set(Object.values(BUNDLED_REDIS_DATABASE_VERSIONS).flatMap((r) => r.bundled))]
  .sort((a, b) => compareRedisVersions(a, b));

/** A declared Redis database version: `major.minor`, e.g. `7.4`, `8.0`. */
export const REDIS_VERSION_FORMAT = /^\d+\.\d+$/;

/** The `major.minor` of a version a cluster reports (`redis_version` may read `7.4`, `7.4.2` or `5.0-big`); undefined when it has none. */
export function redisMajorMinor(version: string | undefined): string | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  return m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
}

/** Orders two `major.minor` versions: negative when `a` is older. */
export function compareRedisVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

/**
 * The Redis Software release (`major.minor.patch`) of a Redis Enterprise
 * server image, from its tag `<rs-version>-<build>[.<operator build>]`
 * (`redislabs/redis:8.0.20-44.23` is 8.0.20); undefined for a digest or a tag
 * without a version (`latest`).
 */
export function redisSoftwareVersionOfImage(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const tag = image.slice(image.lastIndexOf('/') + 1).split(':')[1];
  const m = /^(\d+)\.(\d+)\.(\d+)-/.exec(tag ?? '');
  return m ? `${m[1]}.${m[2]}.${m[3]}` : undefined;
}

/** What a Redis Software release bundles, when the table lists it (exactly or by its line). */
export function bundledRedisDatabaseVersions(softwareVersion: string): { readonly bundled: readonly string[]; readonly defaultVersion: string } | undefined {
  const line = softwareVersion.split('.').slice(0, 2).join('.');
  return BUNDLED_REDIS_DATABASE_VERSIONS[softwareVersion] ?? BUNDLED_REDIS_DATABASE_VERSIONS[`${line}.x`];
}
