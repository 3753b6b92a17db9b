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
