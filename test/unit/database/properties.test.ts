import * as fc from 'fast-check';
import { App, Chart } from 'cdk8s';
import {
  DatabasePersistence, EvictionPolicy, ExternalAccessMethod, RedisEnterpriseActiveActiveDatabase, RedisEnterpriseCluster,
  RedisEnterpriseDatabase, RedisEnterpriseDatabaseProps, RedisEnterpriseRemoteCluster, TlsMode,
} from '../../../lib';
import { formatSchemaFinding, validateObjects } from '../../support/schema';
import { configurePropertySeed } from '../../support/property-seed';
import { expectFindingsOrYaml, ruleCodes, testChart, validationErrors } from '../../support/synth';

// Fixed seed unless FC_SEED says otherwise: a failure found once is found again on every run (each property states its numRuns).
configurePropertySeed('database/properties');

type DbProps = Omit<RedisEnterpriseDatabaseProps, 'cluster'>;
interface Declaration {
  cluster: { nodes: number; memoryGi: number };
  dbs: DbProps[];
}

const MiB = 2 ** 20;
/** The README's sizing rule (REDB019): the databases, × 2 with replication, take at most 80% of the nodes' memory. */
const USABLE_SHARE = 0.8;
const labelOf = (length: number) => fc.stringMatching(new RegExp(`^[a-z][a-z0-9-]{${length - 2}}[a-z0-9]$`));

/** Names up to the 54-character limit (REDB001) that cannot collide with the cluster's Services, another database's `-headless` or the breakers' extra database. */
const dbName = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/), labelOf(54), fc.integer({ min: 40, max: 54 }).chain(labelOf))
  .filter((n) => !/^rec(-|$)/.test(n) && !n.endsWith('-headless') && n !== 'zz-copy');

/**
 * The derived port as the README documents it, written independently of
 * lib/database/port.ts: FNV-1a (32 bit) of the name, mod 10000, from 10000;
 * the reserved 10050 moves to the next port.
 */
function documentedDerivedPort(name: string): number {
  let hash = 2166136261;
  for (const byte of new TextEncoder().encode(name)) hash = Number((BigInt((hash ^ byte) >>> 0) * 16777619n) % 4294967296n);
  const port = 10000 + (hash % 10000);
  return port === 10050 ? 10051 : port;
}
const portOf = (d: DbProps): number => d.port ?? documentedDerivedPort(d.name!);

const dbSpec = fc.record({
  name: dbName,
  weight: fc.integer({ min: 1, max: 100 }),
  replication: fc.boolean(),
  shardCount: fc.integer({ min: 1, max: 8 }),
  persistence: fc.constantFrom(...Object.values(DatabasePersistence)),
  evictionPolicy: fc.constantFrom(...Object.values(EvictionPolicy)),
  tls: fc.boolean(),
  explicitPort: fc.boolean(),
});

/**
 * A cluster of 3–9 nodes with 1–8Gi each and up to 8 databases that fit, by
 * construction: each gets 100MB (× 2 with replication) first, then a share of
 * what is left of the 80% (less 100MB) by its weight, so the total never exceeds it.
 * Ports: explicit on some (from a pool clear of 10050), derived on the others;
 * declarations whose ports would collide are not generated.
 */
const validDeclaration: fc.Arbitrary<Declaration> = fc.record({ nodes: fc.constantFrom(3, 5, 7, 9), memoryGi: fc.integer({ min: 1, max: 8 }) })
  .chain((cluster) => {
    // 100MB of the 80% stays free for the breakers' extra database (its default size).
    const budgetMb = Math.floor(USABLE_SHARE * cluster.nodes * cluster.memoryGi * 1024) - 100;
    const maxDbs = Math.min(8, Math.floor(budgetMb / 200));
    return fc.record({ cluster: fc.constant(cluster), specs: fc.uniqueArray(dbSpec, { minLength: 1, maxLength: maxDbs, selector: (d) => d.name }), budgetMb: fc.constant(budgetMb) });
  })
  .map(({ cluster, specs, budgetMb }) => {
    const factor = (d: { replication: boolean }) => (d.replication ? 2 : 1);
    const rest = budgetMb - specs.reduce((sum, d) => sum + 100 * factor(d), 0);
    const weights = specs.reduce((sum, d) => sum + d.weight, 0);
    const dbs: DbProps[] = specs.map((d, i) => ({
      name: d.name,
      memorySize: `${100 + Math.floor((rest * d.weight) / weights / factor(d))}MB`,
      replication: d.replication,
      shardCount: d.shardCount,
      persistence: d.persistence,
      evictionPolicy: d.evictionPolicy,
      tlsMode: d.tls ? TlsMode.ENABLED : TlsMode.DISABLED,
      port: d.explicitPort ? 10001 + i * 13 : undefined,
    }));
    return { cluster, dbs };
  })
  .filter(({ dbs }) => new Set(dbs.map(portOf)).size === dbs.length);

function declare(app: App, decl: Declaration): void {
  const chart = testChart('prop', app);
  const cluster = new RedisEnterpriseCluster(chart, 'rec', { nodes: decl.cluster.nodes, nodeResources: { limits: { memory: `${decl.cluster.memoryGi}Gi` } } });
  decl.dbs.forEach((props, i) => new RedisEnterpriseDatabase(chart, `db${i}`, { cluster, ...props }));
}

function synthDeclaration(decl: Declaration) {
  const app = new App();
  declare(app, decl);
  return app.charts[0].toJson();
}

const megabytes = (d: DbProps) => Number(/^(\d+)MB$/.exec(String(d.memorySize))![1]);
const footprintMb = (dbs: DbProps[]) => dbs.reduce((sum, d) => sum + megabytes(d) * (d.replication ? 2 : 1), 0);
const capacityMb = (decl: Declaration) => decl.cluster.nodes * decl.cluster.memoryGi * 1024;
const freePort = (dbs: DbProps[]) => [19999, 19998, 19997, 19996, 19995, 19994, 19993, 19992, 19991].find((p) => !dbs.map(portOf).includes(p))!;
const withFirst = (decl: Declaration, change: Partial<DbProps>): Declaration => ({ ...decl, dbs: [{ ...decl.dbs[0], ...change }, ...decl.dbs.slice(1)] });
const withExtra = (decl: Declaration, extra: DbProps): Declaration => ({ ...decl, dbs: [...decl.dbs, extra] });

/** Changes that each break exactly one database rule; the sizes are computed from the declaration's capacity. */
const breakers: Array<[string, (decl: Declaration) => Declaration]> = [
  ['REDB001', (decl) => withFirst(decl, { name: `${decl.dbs[0].name}_X` })],
  ['REDB001', (decl) => withFirst(decl, { name: `${'d'.repeat(54)}x`, port: portOf(decl.dbs[0]) })],
  ['REDB003', (decl) => withFirst(decl, { memorySize: '10MB' })],
  ['REDB004', (decl) => withFirst(decl, { memorySize: `${capacityMb(decl) + 1}MB`, replication: false })],
  ['REDB019', (decl) => {
    // Just over 80% and within 100%: what the others take, and the first database filling the rest.
    const first = decl.dbs[0];
    const factor = first.replication ? 2 : 1;
    return withFirst(decl, { memorySize: `${Math.floor((capacityMb(decl) - footprintMb(decl.dbs.slice(1))) / factor)}MB` });
  }],
  ['REDB005', (decl) => withFirst(decl, { shardCount: 1000 })],
  ['REDB006', (decl) => withFirst(decl, { port: 30000 })],
  ['REDB006', (decl) => withExtra(decl, { name: 'zz-copy', port: portOf(decl.dbs[0]) })],
  ['REDB030', (decl) => withFirst(decl, { port: 10050 })],
  ['REDB002', (decl) => withExtra(decl, { name: decl.dbs[0].name, port: freePort(decl.dbs) })],
  ['REDB008', (decl) => withFirst(decl, { tlsMode: TlsMode.DISABLED, clientCertificateSecretNames: ['ca'] })],
];

describe('property: random database declarations', () => {
  test('valid databases give no finding and schema-valid objects; each database has its Services and its own port, explicit or derived as documented', () => {
    fc.assert(fc.property(validDeclaration, (decl) => {
      expect(footprintMb(decl.dbs)).toBeLessThanOrEqual(USABLE_SHARE * capacityMb(decl)); // the generator's own precondition
      const objects = synthDeclaration(decl);
      const findings = validateObjects(objects);
      if (findings.length > 0) throw new Error(findings.map(formatSchemaFinding).join('\n'));
      const doc = JSON.parse(objects.find((o) => o.kind === 'ConfigMap').data['desired-state.json']);
      expect(doc.databases.map((d: any) => d.name)).toEqual(decl.dbs.map((d) => d.name).sort());
      for (const db of decl.dbs) {
        expect(doc.databases.find((d: any) => d.name === db.name).port).toBe(portOf(db));
        expect(doc.databases.find((d: any) => d.name === db.name).memorySizeBytes).toBe(megabytes(db) * MiB);
        expect(objects.filter((o) => o.kind === 'Service' && [db.name, `${db.name}-headless`].includes(o.metadata.name))).toHaveLength(2);
      }
    }), { numRuns: 100 });
  });

  test('one broken rule gives exactly that rule code', () => {
    fc.assert(fc.property(validDeclaration, fc.constantFrom(...breakers), (decl, [code, breakIt]) => {
      expect(ruleCodes(validationErrors((app) => declare(app, breakIt(decl))))).toEqual([code]);
    }), { numRuns: 200 });
  });
});

const methods = [ExternalAccessMethod.INGRESS, ExternalAccessMethod.ISTIO, ExternalAccessMethod.OPENSHIFT_ROUTE];

describe('property: random Active-Active declarations', () => {
  test('N participants × M databases: schema-valid, every chart has every database, one local entry, one port per database', () => {
    const decl = fc.record({
      clusters: fc.array(fc.constantFrom(...methods), { minLength: 2, maxLength: 4 }),
      databases: fc.uniqueArray(dbName.filter((n) => n.length <= 40), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(fc.property(decl, ({ clusters, databases }) => {
      const app = new App();
      const charts = clusters.map((method, i) => {
        const chart = new Chart(app, `k8s-${i}`, { namespace: 'redis' });
        const cluster = new RedisEnterpriseCluster(chart, 'rec', {
          name: `rec-${i}`,
          kubernetesClusterName: `k8s-${i}`,
          externalAccess: { method, apiFqdn: `api.c${i}.example.com`, dbFqdnSuffix: `.db.c${i}.example.com` },
        });
        return { chart, participant: new RedisEnterpriseRemoteCluster(chart, 'participant', { cluster, name: `p${i}` }) };
      });
      databases.forEach((name, j) => new RedisEnterpriseActiveActiveDatabase(charts[0].chart, `aa-${j}`, {
        name, participants: charts.map((c) => c.participant), port: 11000 + j,
      }));
      app.synthYaml(); // runs every validation: throws on any finding
      const all = charts.flatMap((c) => c.chart.toJson());
      const findings = validateObjects(all);
      if (findings.length > 0) throw new Error(findings.map(formatSchemaFinding).join('\n'));
      charts.forEach(({ chart }, i) => {
        const objects = chart.toJson();
        const doc = JSON.parse(objects.find((o: any) => o.kind === 'ConfigMap').data['desired-state.json']);
        expect(doc.remoteClusters).toHaveLength(clusters.length);
        expect(doc.remoteClusters.filter((r: any) => r.local).map((r: any) => r.name)).toEqual([`p${i}`]);
        expect(doc.activeActiveDatabases.map((d: any) => d.name)).toEqual([...databases].sort());
        for (const name of databases) {
          expect(objects.some((o: any) => o.kind === 'Service' && o.metadata.name === name)).toBe(true);
          expect(doc.activeActiveDatabases.find((d: any) => d.name === name).port).toBe(11000 + databases.indexOf(name));
        }
      });
    }), { numRuns: 20 });
  });
});

/** What a JavaScript caller may put where a database's `cluster` belongs. */
type ClusterChoice = 'real' | 'other-chart' | 'missing' | 'null' | 'junk' | 'foreign';
const clusterChoice = fc.constantFrom<ClusterChoice>('real', 'other-chart', 'missing', 'null', 'junk', 'foreign');
const junkSettings = fc.dictionary(
  fc.constantFrom('name', 'memorySize', 'port', 'shardCount', 'replication', 'modules', 'backup', 'tlsMode', 'externalAccess', 'memory', 'replicas'),
  fc.anything({ maxDepth: 2 }), { maxKeys: 5 });

describe('property: junk from JavaScript never escapes as a TypeError', () => {
  test('databases: junk as the whole props, junk settings, and a missing, null, foreign or other-Chart cluster', () => {
    fc.assert(fc.property(fc.oneof(fc.anything(), junkSettings), clusterChoice, fc.anything({ maxDepth: 1 }), (raw, choice, junk) => {
      expectFindingsOrYaml((app) => {
        const chart = testChart('junk', app);
        const cluster = new RedisEnterpriseCluster(chart, 'rec', {});
        const other = new RedisEnterpriseCluster(new Chart(app, 'other', { namespace: 'other' }), 'rec', {});
        const choices: Record<ClusterChoice, unknown> = {
          'real': cluster, 'other-chart': other, 'missing': undefined, 'null': null, 'junk': junk, 'foreign': { name: 'rec', _spec: {}, nodes: 3 },
        };
        const props = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...raw, cluster: choices[choice] } : raw;
        new RedisEnterpriseDatabase(chart, 'db', props as RedisEnterpriseDatabaseProps);
      });
    }), { numRuns: 300 });
  });

  test('Active-Active: junk props and participants mixing remote clusters, clusters, nulls and junk', () => {
    const entry = fc.oneof(fc.constantFrom('east', 'west', 'no-cluster', 'cluster-itself', 'null'), fc.anything({ maxDepth: 1 }));
    const participants = fc.oneof(fc.array(entry, { maxLength: 4 }), fc.anything({ maxDepth: 1 }));
    fc.assert(fc.property(fc.oneof(fc.anything(), junkSettings), participants, (raw, given) => {
      expectFindingsOrYaml((app) => {
        let broken = 0;
        const remotes = ['east', 'west'].map((name) => {
          const chart = new Chart(app, name, { namespace: 'redis' });
          const cluster = new RedisEnterpriseCluster(chart, 'rec', {
            name: `rec-${name}`, kubernetesClusterName: name,
            externalAccess: { method: ExternalAccessMethod.ISTIO, apiFqdn: `api.${name}.example.com`, dbFqdnSuffix: `.db.${name}.example.com` },
          });
          return { chart, cluster, remote: new RedisEnterpriseRemoteCluster(chart, 'participant', { cluster, name }) };
        });
        const pick = (e: unknown): unknown => ({
          'east': remotes[0].remote, 'west': remotes[1].remote, 'cluster-itself': remotes[0].cluster, 'null': null,
          'no-cluster': new RedisEnterpriseRemoteCluster(remotes[0].chart, `broken-${broken++}`, {} as any),
        } as Record<string, unknown>)[e as string] ?? e;
        const list = Array.isArray(given) ? given.map(pick) : given;
        const props = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...raw, participants: list } : raw;
        new RedisEnterpriseActiveActiveDatabase(remotes[0].chart, 'aa', props as any);
      });
    }), { numRuns: 200 });
  });
});
