/**
 * Unsafe-change detection: compares the objects a chart is about to write
 * with the ones rendered last time (the committed folder Argo CD syncs from)
 * and reports every change Kubernetes will refuse, or that loses data or
 * availability, before any YAML is written. Each finding names the object and
 * a rule code; acknowledging `<code>` or `<code>:<Kind>/<name>` lets a
 * deliberate change through.
 *
 *   REGIT001 an immutable StatefulSet field changed (volumeClaimTemplates,
 *            selector, serviceName, podManagementPolicy); a claim template
 *            whose only change is a larger storage request is not: the
 *            reconciler expands the claims and replaces the StatefulSet
 *   REGIT002 a claim template's storage request shrinks
 *   REGIT003 a scale-in leaves fewer than 3 nodes, or too little memory for
 *            the databases (replicas counted)
 *   REGIT004 the node count becomes even (no majority after one loss)
 *   REGIT005 a database's port changes
 *   REGIT006 a database is removed while its deletion policy is retain
 *            (its Services disappear; the database stays, unmanaged)
 *   REGIT007 a LoadBalancer Service changes type (its address is released)
 *   REGIT008 a cluster's StatefulSet is removed
 *   REGIT009 a claim grows on a cluster with Auto Tiering (a flash claim
 *            template): Redis documents PVC expansion as unsupported there
 *            (RED-165770)
 *   REGIT010 a database's redisVersion goes down (Redis Software upgrades
 *            a database's Redis version; it has no downgrade)
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { DESIRED_STATE_KEY, DesiredState } from '../contract/desired-state';
import { REDIS_VERSION_FORMAT, compareRedisVersions } from '../contract/redis-software';
import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { addFindingsValidation } from '../validation/register';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };

const IMMUTABLE_STATEFULSET_FIELDS = ['volumeClaimTemplates', 'selector', 'serviceName', 'podManagementPolicy'];

const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const label = (o: Obj) => `${o.kind}/${o.metadata.name}`;

/** Deterministic JSON (sorted keys), so key order never counts as a change. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
function bytes(q: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGTP]i|[kMGTP])?$/.exec(q ?? '');
  if (!m) return undefined;
  return Number(m[1]) * (m[2] ? BINARY[m[2]] ?? DECIMAL[m[2]] : 1);
}

function desiredStateOf(o: Obj): DesiredState | undefined {
  const raw = o.kind === 'ConfigMap' ? o.data?.[DESIRED_STATE_KEY] : undefined;
  try {
    return raw ? JSON.parse(raw) as DesiredState : undefined;
  } catch {
    return undefined;
  }
}

const templatesOf = (o: Obj): Obj[] => o.spec?.volumeClaimTemplates ?? [];
const storageOf = (t: Obj | undefined): string | undefined => t?.spec?.resources?.requests?.storage;

/**
 * The claim templates of `after` with every storage request that grew set
 * back to its `before` value: equal to `before` when growth is the only
 * change (what the reconciler's volume expansion carries out).
 */
function withoutGrowth(before: Obj[], after: Obj[]): Obj[] {
  return after.map((t) => {
    const was = before.find((b) => b.metadata?.name === t.metadata?.name);
    const grew = (bytes(storageOf(t)) ?? 0) > (bytes(storageOf(was)) ?? Infinity);
    return grew ? { ...t, spec: { ...t.spec, resources: { ...t.spec.resources, requests: { ...t.spec.resources.requests, storage: storageOf(was) } } } } : t;
  });
}

const FLASH_TEMPLATE = 'redis-enterprise-flash';

function statefulSetFindings(before: Obj, after: Obj): Finding[] {
  const findings: Finding[] = [];
  const grown: string[] = [];
  for (const t of templatesOf(before)) {
    const next = templatesOf(after).find((n) => n.metadata?.name === t.metadata?.name);
    const was = bytes(storageOf(t));
    const now = bytes(storageOf(next));
    if (was !== undefined && now !== undefined && now < was) {
      findings.push(finding('REGIT002', `${label(after)}.spec.volumeClaimTemplates[${t.metadata.name}]`,
        `the claim size shrinks from ${t.spec.resources.requests.storage} to ${next!.spec.resources.requests.storage}; volumes never shrink`));
    }
    if (was !== undefined && now !== undefined && now > was) grown.push(`${t.metadata.name} ${storageOf(t)} -> ${storageOf(next)}`);
  }
  const growthOnly = canonical(templatesOf(before)) === canonical(withoutGrowth(templatesOf(before), templatesOf(after)));
  if (grown.length > 0 && templatesOf(after).some((t) => t.metadata?.name === FLASH_TEMPLATE)) {
    findings.push(finding('REGIT009', `${label(after)}.spec.volumeClaimTemplates`,
      `the claims grow (${grown.join(', ')}) on a cluster with Auto Tiering; Redis documents PVC expansion as not supported with Auto Tiering (RED-165770)`));
  }
  for (const field of IMMUTABLE_STATEFULSET_FIELDS) {
    if (canonical(before.spec?.[field]) === canonical(after.spec?.[field])) continue;
    // Growth alone is carried out by the reconciler (volume expansion); a shrink has its own finding.
    if (field === 'volumeClaimTemplates' && (growthOnly || findings.some((f) => f.code === 'REGIT002'))) continue;
    findings.push(finding('REGIT001', `${label(after)}.spec.${field}`,
      `spec.${field} changes (${describeChange(before.spec?.[field], after.spec?.[field])}); Kubernetes refuses updates to it and the sync stays failed`,
      field === 'volumeClaimTemplates'
        ? 'change only the sizes in the claim template (a larger persistence.volumeSize is expanded in place by the reconciler); set persistence.volumeSize explicitly to keep a derived size, and change labels with extraLabels (they stay off the claim template)'
        : 'revert the change, or delete the StatefulSet with --cascade=orphan before the sync (acknowledge the finding)'));
  }
  return findings;
}

/** The first differing leaf, e.g. `[0].spec.resources.requests.storage: 20Gi -> 25Gi`. */
function describeChange(a: unknown, b: unknown, at = ''): string {
  if (canonical(a) === canonical(b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
    for (const k of keys) {
      const sub = describeChange((a as any)[k], (b as any)[k], Array.isArray(a) ? `${at}[${k}]` : `${at}.${k}`);
      if (sub) return sub;
    }
  }
  return `${at || 'value'}: ${JSON.stringify(a) ?? 'absent'} -> ${JSON.stringify(b) ?? 'absent'}`;
}

/** The fewest nodes of a cluster: a majority survives the loss of one. */
const MIN_NODES = 3;

/** Memory the declared databases take on the cluster: memory size, twice with replication. */
function footprint(state: DesiredState): number {
  return [...state.databases, ...state.activeActiveDatabases].reduce((sum, d) => sum + d.memorySizeBytes * (d.replication ? 2 : 1), 0);
}

function desiredStateFindings(where: string, before: DesiredState, after: DesiredState): Finding[] {
  const findings: Finding[] = [];
  const was = before.cluster.nodes;
  const now = after.cluster.nodes;
  // Any scale-in is safe in steps (the leaving pods' preStop removes their
  // nodes one at a time, highest ordinal first, each only when safe); what is
  // not is the end state: too few nodes for a quorum that survives a loss, or
  // for the databases' memory.
  if (now < was) {
    const needed = footprint(after);
    const capacity = after.cluster.nodeMemoryBytes * now;
    if (now < MIN_NODES) {
      findings.push(finding('REGIT003', `${where}.nodes`, `the node count goes from ${was} to ${now}; a cluster needs at least ${MIN_NODES} nodes to keep quorum after losing one`));
    } else if (after.cluster.nodeMemoryBytes > 0 && needed > capacity) {
      findings.push(finding('REGIT003', `${where}.nodes`,
        `the node count goes from ${was} to ${now}: the databases need ${needed} bytes (replicas counted) and ${now} nodes hold ${capacity}; the removals would be refused`,
        `keep at least ${Math.ceil(needed / after.cluster.nodeMemoryBytes)} nodes, or make the databases smaller first`));
    }
  }
  if (now !== was && now % 2 === 0) {
    findings.push(finding('REGIT004', `${where}.nodes`, `the node count goes from ${was} to ${now}, an even number: losing half the nodes loses quorum`));
  }
  for (const db of before.databases) {
    const next = after.databases.find((d) => d.name === db.name);
    if (next && next.port !== db.port) {
      findings.push(finding('REGIT005', `${where}.databases[${db.name}].port`, `the port of database ${db.name} changes from ${db.port} to ${next.port}; clients lose it, and a database cannot move port`,
        `keep port ${db.port}, or create a new database on the new port and move clients`));
    }
    if (!next && db.deletionPolicy !== 'delete') {
      findings.push(finding('REGIT006', `${where}.databases[${db.name}]`, `database ${db.name} is removed while its deletion policy is retain: its Services disappear and the database stays in the cluster, unmanaged`));
    }
  }
  return [...findings, ...redisVersionFindings(where, before, after)];
}

/** REGIT010, for plain and Active-Active databases alike. */
function redisVersionFindings(where: string, before: DesiredState, after: DesiredState): Finding[] {
  const findings: Finding[] = [];
  for (const list of ['databases', 'activeActiveDatabases'] as const) {
    for (const db of before[list]) {
      const from = db.redisVersion;
      const to = (after[list] as Array<{ name: string; redisVersion?: string }>).find((d) => d.name === db.name)?.redisVersion;
      if (!from || !to || !REDIS_VERSION_FORMAT.test(from) || !REDIS_VERSION_FORMAT.test(to) || compareRedisVersions(to, from) >= 0) continue;
      findings.push(finding('REGIT010', `${where}.${list}[${db.name}].redisVersion`,
        `the Redis version of database ${db.name} goes down from ${from} to ${to}; Redis Software upgrades databases and has no downgrade`,
        `keep redisVersion '${from}'; to go back, restore a backup into a new database`));
    }
  }
  return findings;
}

/** Every unsafe change from `previous` to `next`; acknowledged ones are left out. */
export function findUnsafeChanges(previous: Obj[], next: Obj[], acknowledged: readonly string[] = []): Finding[] {
  const findings: Array<{ obj: Obj; finding: Finding }> = [];
  const nextByKey = new Map(next.map((o) => [key(o), o]));
  for (const before of previous) {
    const after = nextByKey.get(key(before));
    if (before.kind === 'StatefulSet') {
      if (!after) {
        findings.push({ obj: before, finding: finding('REGIT008', label(before), `StatefulSet ${before.metadata.name} is removed; its cluster goes away with it (its claims stay)`) });
      } else {
        findings.push(...statefulSetFindings(before, after).map((f) => ({ obj: after, finding: f })));
      }
    }
    if (before.kind === 'Service' && before.spec?.type === 'LoadBalancer' && after && (after.spec?.type ?? 'ClusterIP') !== 'LoadBalancer') {
      findings.push({ obj: after, finding: finding('REGIT007', `${label(after)}.spec.type`, `Service ${before.metadata.name} changes from LoadBalancer to ${after.spec?.type ?? 'ClusterIP'}: its external address is released`) });
    }
    const desiredBefore = desiredStateOf(before);
    const desiredAfter = after && desiredStateOf(after);
    if (desiredBefore && desiredAfter) {
      findings.push(...desiredStateFindings(label(after!), desiredBefore, desiredAfter).map((f) => ({ obj: after!, finding: f })));
    }
  }
  const ack = new Set(acknowledged);
  return findings.filter(({ obj, finding: f }) => !ack.has(f.code) && !ack.has(`${f.code}:${label(obj)}`)).map((f) => f.finding);
}

/**
 * The YAML parser cdk8s itself uses (its `yaml` dependency), resolved from
 * cdk8s's own location so that the library adds no dependency. Not
 * `Yaml.load`: it starts a node process per call (to fetch URLs
 * synchronously), a quarter of a second of every synth.
 */
interface YamlParser { parseAllDocuments(text: string, options: { version: '1.1' }): Array<{ toJSON(): unknown }> }
let parser: YamlParser | undefined;
function yamlParser(): YamlParser {
  return (parser ??= require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s'))] })) as YamlParser);
}

/** The objects of every `*.yaml` under `dir` (none when it does not exist yet: a first synth). */
export function readRenderedManifests(dir: string): Obj[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.yaml')).sort();
  const text = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n---\n');
  // YAML 1.1, as cdk8s's Yaml.load reads it; empty documents dropped.
  return yamlParser().parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJSON())
    .filter((o): o is Obj => !!o && typeof o === 'object' && Object.keys(o).length > 0);
}

export interface UnsafeChangeGuardProps {
  /** The folder holding the chart's previous rendered manifests (the committed folder Argo CD syncs). */
  readonly previousManifestsDir: string;
  /** Findings let through on purpose: `<code>` or `<code>:<Kind>/<name>`, e.g. `REGIT001:StatefulSet/rec`. */
  readonly acknowledge?: string[];
}

/**
 * Stops the synth of its chart (nothing is written) when the chart's objects
 * changed unsafely since `previousManifestsDir` was rendered.
 */
export class UnsafeChangeGuard extends Construct {
  constructor(scope: Construct, id: string, props: UnsafeChangeGuardProps) {
    super(scope, id);
    addFindingsValidation(this, 'the changes since the last rendered manifests', () => {
      const chart = Chart.of(this);
      // Not chart.toJson(): it validates the whole app, and this runs inside that validation.
      const next: Obj[] = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson());
      const mine = new Set(next.map(key));
      // A folder may hold several charts' objects: compare only this chart's (and objects it no longer emits).
      const previous = readRenderedManifests(props.previousManifestsDir)
        .filter((o) => mine.has(key(o)) || (o.metadata?.namespace ?? chart.namespace) === chart.namespace);
      return findUnsafeChanges(previous, next, props.acknowledge);
    });
  }
}
