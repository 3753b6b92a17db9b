import { DesiredDatabaseSettings } from '../contract/desired-state';
import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { footprintBytes } from './database-settings';
import { formatMemory, MIN_DATABASE_MEMORY_BYTES } from './memory-size';

/**
 * Share of the nodes' memory the databases may take. The rest is for Redis
 * Enterprise itself: the cluster manager, the proxies, the replication and
 * persistence forks and the replication backlogs (1% of each database, twice
 * for Active-Active). Redis's sizing guidance asks for that room without a
 * number; 80% is where the project's sizing rule and Active-Active eviction
 * (which starts at 80% of the memory limit) put it.
 */
export const DATABASE_MEMORY_SHARE = 0.8;

/** A database as the memory check sees it. */
export interface MemoryUser {
  readonly name: string;
  readonly settings: DesiredDatabaseSettings;
}

/**
 * REDB004: the databases fit in the nodes' memory; REDB019: they leave
 * Redis Enterprise its share. The node memory and database sizes that are
 * themselves invalid (REC006, REDB003) are left out, so those findings come alone.
 */
export function validateClusterMemory(nodes: number, nodeMemoryBytes: number | undefined, dbs: readonly MemoryUser[]): Finding[] {
  if (nodeMemoryBytes === undefined || nodeMemoryBytes <= 0 || !Number.isInteger(nodes) || nodes < 1) return [];
  dbs = dbs.filter((d) => d.settings.memorySizeBytes >= MIN_DATABASE_MEMORY_BYTES);
  if (dbs.length === 0) return [];
  const capacity = nodeMemoryBytes * nodes;
  const total = dbs.reduce((sum, d) => sum + footprintBytes(d.settings), 0);
  const parts = dbs.map((d) => `${d.name} ${formatMemory(d.settings.memorySizeBytes)}${d.settings.replication ? ' × 2 (replication)' : ''}`);
  const cluster = `${nodes} nodes × ${formatMemory(nodeMemoryBytes)}`;
  if (total > capacity) {
    return [finding('REDB004', 'databases', `the databases need ${formatMemory(total)} (${parts.join(', ')}) but the cluster has ${formatMemory(capacity)} (${cluster})`)];
  }
  const usable = Math.floor(capacity * DATABASE_MEMORY_SHARE);
  if (total > usable) {
    return [finding('REDB019', 'databases',
      `the databases need ${formatMemory(total)} (${parts.join(', ')}), more than the ${DATABASE_MEMORY_SHARE * 100}% (${formatMemory(usable)}) of the cluster's ` +
      `${formatMemory(capacity)} (${cluster}) they may take: Redis Enterprise needs the rest for its own processes, forks and replication backlogs`)];
  }
  return [];
}
