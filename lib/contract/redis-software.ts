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

// ---- Cluster software versions and upgrade paths ------------------------------

/**
 * A Redis Software cluster version, "Major1.Major2.Minor-Build" (product
 * lifecycle, "Cluster version release numbers"), e.g. `8.0.20-44`.
 */
export interface RedisSoftwareVersion {
  readonly major1: number;
  readonly major2: number;
  readonly minor: number;
  readonly build: number;
}

const VERSION_PATTERN = /^(\d+)\.(\d+)\.(\d+)-(\d+)/;

/**
 * The version at the start of `text`: a node's `software_version`
 * (`8.0.20-44`) or an image tag (`8.0.20-44.23`, where what follows the
 * build is the image's own revision). Undefined when it carries none.
 */
export function parseRedisSoftwareVersion(text: string | undefined): RedisSoftwareVersion | undefined {
  const m = VERSION_PATTERN.exec(text ?? '');
  if (!m) return undefined;
  return { major1: Number(m[1]), major2: Number(m[2]), minor: Number(m[3]), build: Number(m[4]) };
}

/**
 * The Redis Software version of an image reference: its tag, with any
 * registry (custom registries and mirrors keep working: only the tag counts)
 * and any `@sha256:` digest left out. `redislabs/redis:8.0.20-44.23` gives
 * `8.0.20-44`.
 */
export function imageRedisSoftwareVersion(image: string): RedisSoftwareVersion | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? undefined : parseRedisSoftwareVersion(withoutDigest.slice(colon + 1));
}

export function formatRedisSoftwareVersion(v: RedisSoftwareVersion): string {
  return `${v.major1}.${v.major2}.${v.minor}-${v.build}`;
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareRedisSoftwareVersions(a: RedisSoftwareVersion, b: RedisSoftwareVersion): number {
  return a.major1 - b.major1 || a.major2 - b.major2 || a.minor - b.minor || a.build - b.build;
}

/**
 * A row or column of the documented upgrade matrix: one Major1.Major2
 * release, or the part of it (a range of Minor numbers) the matrix lists
 * apart.
 */
interface VersionFamily {
  readonly name: string;
  readonly major: string;
  readonly minors?: readonly [number, number];
}

/**
 * The matrix "Supported cluster version upgrade paths" of the Redis Software
 * product lifecycle page
 * (https://redis.io/docs/latest/operate/rs/installing-upgrading/product-lifecycle/,
 * also https://redis.io/docs/latest/operate/rs/8.0/references/upgrade-paths/):
 * for each current cluster version, the versions it upgrades to directly.
 * A family upgrades to itself (a newer Minor or Build of the same release).
 */
const FAMILIES: readonly VersionFamily[] = [
  { name: '6.0.x', major: '6.0' },
  { name: '6.2.4-6.2.8', major: '6.2', minors: [0, 9] },
  { name: '6.2.10-6.2.18', major: '6.2', minors: [10, 99] },
  { name: '6.4.x', major: '6.4' },
  { name: '7.2.x', major: '7.2' },
  { name: '7.4.x', major: '7.4' },
  { name: '7.8.x', major: '7.8' },
  { name: '7.22.x', major: '7.22' },
  { name: '8.0.2-8.0.10', major: '8.0', minors: [0, 15] },
  { name: '8.0.16-8.0.20', major: '8.0', minors: [16, 99] },
  { name: '8.2.x', major: '8.2' },
];

/** Current family -> the families the matrix marks supported (✅). */
const SUPPORTED_UPGRADES: Readonly<Record<string, readonly string[]>> = {
  '6.0.x': ['7.2.x'],
  '6.2.4-6.2.8': ['7.2.x', '7.4.x'],
  '6.2.10-6.2.18': ['7.2.x', '7.4.x', '7.8.x'],
  '6.4.x': ['7.2.x', '7.4.x', '7.8.x', '7.22.x', '8.0.2-8.0.10'],
  '7.2.x': ['7.2.x', '7.4.x', '7.8.x', '7.22.x', '8.0.2-8.0.10', '8.0.16-8.0.20', '8.2.x'],
  '7.4.x': ['7.4.x', '7.8.x', '7.22.x', '8.0.2-8.0.10', '8.0.16-8.0.20', '8.2.x'],
  '7.8.x': ['7.8.x', '7.22.x', '8.0.2-8.0.10', '8.0.16-8.0.20', '8.2.x'],
  '7.22.x': ['7.22.x', '8.0.2-8.0.10', '8.0.16-8.0.20', '8.2.x'],
  '8.0.2-8.0.10': ['8.0.2-8.0.10', '8.0.16-8.0.20', '8.2.x'],
  '8.0.16-8.0.20': ['8.0.16-8.0.20', '8.2.x'],
  '8.2.x': ['8.2.x'],
};

/**
 * Paths the matrix allows but a release note excludes, build against build.
 * Redis Software 8.0.20-26 release notes: "Upgrading directly from … 7.22.2-43
 * to 8.0.20-26 is not supported".
 */
const UNSUPPORTED_BUILD_PATHS: ReadonlyArray<{ from: string; to: string; source: string }> = [
  { from: '7.22.2-43', to: '8.0.20-26', source: 'Redis Software 8.0.20-26 release notes' },
];

/**
 * Redis Enterprise for Kubernetes release notes (8.0.x): "Upgrades from
 * versions earlier than 7.4.2-2 are not supported". On Kubernetes this is
 * the oldest cluster version a roll may start from.
 */
export const OLDEST_UPGRADABLE_ON_KUBERNETES = '7.4.2-2';

function familyOf(v: RedisSoftwareVersion): VersionFamily | undefined {
  const major = `${v.major1}.${v.major2}`;
  return FAMILIES.find((f) => f.major === major && (!f.minors || (v.minor >= f.minors[0] && v.minor <= f.minors[1])));
}

/**
 * What the documentation says of upgrading a cluster from `from` to `to`:
 * `same` (nothing to do), `supported`, `downgrade` (never supported),
 * `unsupported` (with the documented reason), or `unknown` (a version the
 * matrix does not list, e.g. newer than this library).
 */
export type UpgradePathVerdict =
  | { readonly verdict: 'same' | 'supported' }
  | { readonly verdict: 'downgrade' | 'unsupported' | 'unknown'; readonly reason: string };

export function upgradePath(from: RedisSoftwareVersion, to: RedisSoftwareVersion): UpgradePathVerdict {
  const f = formatRedisSoftwareVersion(from);
  const t = formatRedisSoftwareVersion(to);
  const order = compareRedisSoftwareVersions(to, from);
  if (order === 0) return { verdict: 'same' };
  if (order < 0) return { verdict: 'downgrade', reason: `${t} is older than ${f}: Redis Software does not support downgrades` };
  if (compareRedisSoftwareVersions(from, parseRedisSoftwareVersion(OLDEST_UPGRADABLE_ON_KUBERNETES)!) < 0) {
    return { verdict: 'unsupported', reason: `upgrades from versions earlier than ${OLDEST_UPGRADABLE_ON_KUBERNETES} are not supported (Redis Enterprise for Kubernetes release notes)` };
  }
  const excluded = UNSUPPORTED_BUILD_PATHS.find((p) => p.from === f && p.to === t);
  if (excluded) return { verdict: 'unsupported', reason: `upgrading directly from ${f} to ${t} is not supported (${excluded.source})` };
  const ff = familyOf(from);
  const tf = familyOf(to);
  if (!ff || !tf) {
    return { verdict: 'unknown', reason: `${ff ? t : f} is not in the documented upgrade matrix this library knows (the Redis Software product lifecycle page)` };
  }
  if (SUPPORTED_UPGRADES[ff.name]?.includes(tf.name)) return { verdict: 'supported' };
  return { verdict: 'unsupported', reason: `the documented upgrade matrix does not support ${ff.name} -> ${tf.name} directly (${f} -> ${t}); upgrade to a supported intermediate version first` };
}

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
  const v = image.includes('@') ? undefined : imageRedisSoftwareVersion(image);
  return v ? `${v.major1}.${v.major2}.${v.minor}` : undefined;
}

/** What a Redis Software release bundles, when the table lists it (exactly or by its line). */
export function bundledRedisDatabaseVersions(softwareVersion: string): { readonly bundled: readonly string[]; readonly defaultVersion: string } | undefined {
  const line = softwareVersion.split('.').slice(0, 2).join('.');
  return BUNDLED_REDIS_DATABASE_VERSIONS[softwareVersion] ?? BUNDLED_REDIS_DATABASE_VERSIONS[`${line}.x`];
}
