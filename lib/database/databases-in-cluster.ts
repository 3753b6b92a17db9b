import { AttachedDatabase } from '../cluster/attached-database';
import { RedisEnterpriseCluster } from '../cluster/cluster';
import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { footprintBytes } from './database-settings';
import { formatMemory } from './memory-size';

/**
 * Checks across all databases of one cluster: unique names, unique ports,
 * Service names that collide with nothing, and memory that fits the nodes.
 * Findings name every database involved; they are reported on the cluster.
 */
export function validateDatabasesInCluster(cluster: RedisEnterpriseCluster): Finding[] {
  const dbs = cluster._attachedDatabases;
  return [...uniqueNames(dbs), ...uniquePorts(dbs), ...serviceNameCollisions(cluster._objectNamesInUse(), dbs), ...memoryFits(cluster, dbs)];
}

function groupBy<T>(items: readonly T[], key: (t: T) => string | number): Map<string | number, T[]> {
  const groups = new Map<string | number, T[]>();
  for (const i of items) groups.set(key(i), [...(groups.get(key(i)) ?? []), i]);
  return groups;
}

function uniqueNames(dbs: readonly AttachedDatabase[]): Finding[] {
  // Two Active-Active databases sharing a name are REAADB003 (checked app-wide).
  return [...groupBy(dbs, (d) => d.name)].filter(([, g]) => g.length > 1 && g.some((d) => d.kind === 'database')).map(([name, g]) =>
    finding('REDB002', 'databases', `database name "${name}" is used by ${g.map((d) => `${d.kind} ${d.path}`).join(' and ')}`));
}

function uniquePorts(dbs: readonly AttachedDatabase[]): Finding[] {
  return [...groupBy(dbs, (d) => d.settings.port)].filter(([, g]) => g.length > 1).map(([port, g]) => {
    const derived = g.filter((d) => !d.portExplicit).map((d) => d.name);
    return finding('REDB006', 'databases', `databases ${g.map((d) => `"${d.name}" (${d.portExplicit ? 'explicit' : 'derived'} port)`).join(' and ')} all use port ${port}`,
      derived.length > 0 ? `set an explicit port on ${derived.map((n) => `"${n}"`).join(' or ')}` : 'change the port of one of them');
  });
}

/** A database's Services (and exposure objects, named after it) must not take a name the cluster uses. */
function serviceNameCollisions(namesInUse: string[], dbs: readonly AttachedDatabase[]): Finding[] {
  const clusterNames = new Set(namesInUse);
  const findings: Finding[] = [];
  const seen = new Map<string, AttachedDatabase>();
  for (const db of dbs) {
    for (const service of [db.serviceName, db.headlessServiceName]) {
      if (clusterNames.has(service)) {
        findings.push(finding('REDB014', 'name', `database "${db.name}" (${db.path}) needs Service "${service}", which the cluster already uses`));
      }
      const other = seen.get(service);
      if (other && other.name !== db.name) {
        findings.push(finding('REDB014', 'name', `databases "${other.name}" and "${db.name}" both need Service "${service}"`, 'rename one of them'));
      }
      seen.set(service, db);
    }
  }
  return findings;
}

function memoryFits(cluster: RedisEnterpriseCluster, dbs: readonly AttachedDatabase[]): Finding[] {
  const { nodeMemoryBytes, nodes } = cluster._spec;
  if (nodeMemoryBytes === undefined || !Number.isInteger(nodes) || dbs.length === 0) return [];
  const capacity = nodeMemoryBytes * nodes;
  const total = dbs.reduce((sum, d) => sum + footprintBytes(d.settings), 0);
  if (total <= capacity) return [];
  const parts = dbs.map((d) => `${d.name} ${formatMemory(d.settings.memorySizeBytes)}${d.settings.replication ? ' × 2 (replication)' : ''}`);
  return [finding('REDB004', 'databases',
    `the databases need ${formatMemory(total)} (${parts.join(', ')}) but the cluster has ${formatMemory(capacity)} (${nodes} nodes × ${formatMemory(nodeMemoryBytes)})`)];
}
