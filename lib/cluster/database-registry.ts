import { DesiredDatabaseSettings } from '../contract/desired-state';
import { validateClusterMemory } from '../database/memory-headroom';
import { error, Finding } from '../validation/finding';
import { ClusterSpec } from './cluster-spec';

/** A database (plain or Active-Active participation) living in a cluster, as the cluster's checks see it. */
export interface RegisteredDatabase {
  /** `database` or `active-active`. */
  readonly kind: string;
  readonly name: string;
  /** Construct path, to name the databases in a finding. */
  readonly path: string;
  readonly settings: () => DesiredDatabaseSettings;
  readonly portExplicit: boolean;
  readonly serviceNames: string[];
}

/**
 * Checks across all databases of one cluster: unique names, unique ports,
 * Service names that collide with nothing, and memory that fits the nodes.
 * Findings name every database involved.
 */
export function validateDatabasesInCluster(spec: ClusterSpec, dbs: RegisteredDatabase[], reservedNames: string[] = []): Finding[] {
  return [...uniqueNames(dbs), ...uniquePorts(dbs), ...serviceNameCollisions(spec, dbs, reservedNames), ...validateClusterMemory(spec.nodes, spec.nodeMemoryBytes, dbs)];
}

function groupBy<T>(items: T[], key: (t: T) => string | number): Map<string | number, T[]> {
  const groups = new Map<string | number, T[]>();
  for (const i of items) groups.set(key(i), [...(groups.get(key(i)) ?? []), i]);
  return groups;
}

function uniqueNames(dbs: RegisteredDatabase[]): Finding[] {
  // Two Active-Active databases sharing a name are REAADB003 (checked app-wide).
  return [...groupBy(dbs, (d) => d.name)].filter(([, g]) => g.length > 1 && g.some((d) => d.kind === 'database')).map(([name, g]) =>
    error('REDB002', 'databases', `database name "${name}" is used by ${g.map((d) => `${d.kind} ${d.path}`).join(' and ')}`,
      'give each database in the cluster its own name'));
}

function uniquePorts(dbs: RegisteredDatabase[]): Finding[] {
  // Databases sharing one name also share its derived port: REDB002 already reports them.
  return [...groupBy(dbs, (d) => d.settings().port)].filter(([, g]) => new Set(g.map((d) => d.name)).size > 1).map(([port, g]) => {
    const derived = g.filter((d) => !d.portExplicit).map((d) => d.name);
    return error('REDB006', 'databases', `databases ${g.map((d) => `"${d.name}" (${d.portExplicit ? 'explicit' : 'derived'} port)`).join(' and ')} all use port ${port}`,
      derived.length > 0 ? `set an explicit port on ${derived.map((n) => `"${n}"`).join(' or ')}` : 'change the port of one of them');
  });
}

/** A database's Services (and exposure objects, named after it) must not take a name the cluster uses. */
function serviceNameCollisions(spec: ClusterSpec, dbs: RegisteredDatabase[], reservedNames: string[]): Finding[] {
  const clusterNames = new Set([spec.names.cluster, spec.names.uiService, spec.names.metricsService, spec.names.nodesService, ...reservedNames]);
  const findings: Finding[] = [];
  const seen = new Map<string, RegisteredDatabase>();
  for (const db of dbs) {
    for (const service of db.serviceNames) {
      if (clusterNames.has(service)) {
        findings.push(error('REDB014', 'name', `database "${db.name}" (${db.path}) needs Service "${service}", which the cluster already uses`, 'rename the database'));
      }
      const other = seen.get(service);
      if (other && other.name !== db.name) {
        findings.push(error('REDB014', 'name', `databases "${other.name}" and "${db.name}" both need Service "${service}"`, 'rename one of them'));
      }
      seen.set(service, db);
    }
  }
  return findings;
}
