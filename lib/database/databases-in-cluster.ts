import { AttachedDatabase } from '../cluster/attached-database';
import { RedisEnterpriseCluster } from '../cluster/cluster';
import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { validateClusterMemory } from './memory-headroom';

/**
 * Checks across all databases of one cluster: unique names, unique ports,
 * Service names that collide with nothing, and memory that fits the nodes
 * with room left for Redis Enterprise.
 * Findings name every database involved; they are reported on the cluster.
 */
export function validateDatabasesInCluster(cluster: RedisEnterpriseCluster): Finding[] {
  const dbs = cluster._attachedDatabases;
  return [...uniqueNames(dbs), ...uniquePorts(dbs), ...serviceNameCollisions(cluster._objectNamesInUse(), dbs),
    ...validateClusterMemory(cluster._spec.nodes, cluster._spec.nodeMemoryBytes, dbs)];
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
  // Databases sharing one name also share its derived port: REDB002 already reports them.
  return [...groupBy(dbs, (d) => d.settings.port)].filter(([, g]) => new Set(g.map((d) => d.name)).size > 1).map(([port, g]) => {
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
