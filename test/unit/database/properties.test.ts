import * as fc from 'fast-check';
import { App, Chart } from 'cdk8s';
import {
  DatabasePersistence, EvictionPolicy, ExternalAccessMethod, RedisEnterpriseActiveActiveDatabase, RedisEnterpriseCluster,
  RedisEnterpriseDatabase, RedisEnterpriseDatabaseProps, RedisEnterpriseRemoteCluster, TlsMode,
} from '../../../lib';
import { formatSchemaFinding, validateObjects } from '../../support/schema';
import { expectFindingsOrYaml, ruleCodes, testChart, validationErrors } from '../../support/synth';

// Fixed seed: a failure found once is found again on every run (each property states its numRuns).
fc.configureGlobal({ seed: 20260801 });

type DbProps = Omit<RedisEnterpriseDatabaseProps, 'cluster'>;

/** Names that cannot collide with the cluster's Services, another database's `-headless` or the breakers' extra database. */
const dbName = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/)
  .filter((n) => !/^rec(-|$)/.test(n) && !n.endsWith('-headless') && n !== 'zz-copy');

/** Up to 8 databases with distinct names and explicit distinct ports, 100-600MB each: at most 9.6GB with replication, within 80% of 3 × 4Gi. */
const validDatabases: fc.Arbitrary<DbProps[]> = fc.uniqueArray(
  fc.record({
    name: dbName,
    memoryMb: fc.integer({ min: 100, max: 600 }),
    replication: fc.boolean(),
    shardCount: fc.integer({ min: 1, max: 8 }),
    persistence: fc.constantFrom(...Object.values(DatabasePersistence)),
    evictionPolicy: fc.constantFrom(...Object.values(EvictionPolicy)),
    tls: fc.boolean(),
  }),
  { minLength: 1, maxLength: 8, selector: (d) => d.name },
).map((dbs) => dbs.map((d, i) => ({
  name: d.name,
  memorySize: `${d.memoryMb}MB`,
  replication: d.replication,
  shardCount: d.shardCount,
  persistence: d.persistence,
  evictionPolicy: d.evictionPolicy,
  tlsMode: d.tls ? TlsMode.ENABLED : TlsMode.DISABLED,
  port: 10000 + i * 7,
})));

function synthDatabases(dbs: DbProps[]) {
  const app = new App();
  const chart = testChart('prop', app);
  const cluster = new RedisEnterpriseCluster(chart, 'rec', {});
  dbs.forEach((props, i) => new RedisEnterpriseDatabase(chart, `db${i}`, { cluster, ...props }));
  return chart.toJson();
}

/** Changes that each break exactly one database rule. */
const breakers: Array<[string, (dbs: DbProps[]) => DbProps[]]> = [
  ['REDB001', (dbs) => [{ ...dbs[0], name: `${dbs[0].name}_X` }, ...dbs.slice(1)]],
  ['REDB003', (dbs) => [{ ...dbs[0], memorySize: '10MB' }, ...dbs.slice(1)]],
  ['REDB004', (dbs) => [{ ...dbs[0], memorySize: '13GB' }, ...dbs.slice(1)]],
  ['REDB005', (dbs) => [{ ...dbs[0], shardCount: 1000 }, ...dbs.slice(1)]],
  ['REDB006', (dbs) => [{ ...dbs[0], port: 30000 }, ...dbs.slice(1)]],
  ['REDB006', (dbs) => [...dbs, { name: 'zz-copy', port: dbs[0].port }]],
  ['REDB002', (dbs) => [...dbs, { name: dbs[0].name, port: 19999 }]],
  ['REDB008', (dbs) => [{ ...dbs[0], tlsMode: TlsMode.DISABLED, clientCertificateSecretNames: ['ca'] }, ...dbs.slice(1)]],
];

describe('property: random database declarations', () => {
  test('valid databases give schema-valid objects and a desired state listing each with its own port', () => {
    fc.assert(fc.property(validDatabases, (dbs) => {
      const objects = synthDatabases(dbs);
      const findings = validateObjects(objects);
      if (findings.length > 0) throw new Error(findings.map(formatSchemaFinding).join('\n'));
      const doc = JSON.parse(objects.find((o) => o.kind === 'ConfigMap').data['desired-state.json']);
      expect(doc.databases.map((d: any) => d.name)).toEqual(dbs.map((d) => d.name).sort());
      expect(new Set(doc.databases.map((d: any) => d.port)).size).toBe(dbs.length);
      for (const db of dbs) {
        expect(objects.filter((o) => o.kind === 'Service' && [db.name, `${db.name}-headless`].includes(o.metadata.name))).toHaveLength(2);
      }
    }), { numRuns: 30 });
  });

  test('one broken rule gives exactly that rule code', () => {
    fc.assert(fc.property(validDatabases, fc.constantFrom(...breakers), (dbs, [code, breakIt]) => {
      const broken = breakIt(dbs);
      const errors = validationErrors((app) => {
        const chart = testChart('prop', app);
        const cluster = new RedisEnterpriseCluster(chart, 'rec', {});
        broken.forEach((props, i) => new RedisEnterpriseDatabase(chart, `db${i}`, { cluster, ...props }));
      });
      expect(ruleCodes(errors)).toEqual([code]);
    }), { numRuns: 60 });
  });
});

const methods = [ExternalAccessMethod.INGRESS, ExternalAccessMethod.ISTIO, ExternalAccessMethod.OPENSHIFT_ROUTE];

describe('property: random Active-Active declarations', () => {
  test('N participants × M databases: schema-valid, every chart has every database, one local entry, one port per database', () => {
    const decl = fc.record({
      clusters: fc.array(fc.constantFrom(...methods), { minLength: 2, maxLength: 4 }),
      databases: fc.uniqueArray(dbName, { minLength: 1, maxLength: 4 }),
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
