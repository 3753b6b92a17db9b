/**
 * The REST fidelity fixes end to end, once per Redis Software version the
 * REST API double can act as (8.0 and 8.2, where the tag rules differ): the
 * production example plus databases that use tags (deletion policy), Redis 8
 * modules, rack awareness (replicas on other zones), memcached with SASL
 * credentials and mutual TLS (a client CA Secret), applied to the real
 * control plane, with one reconciler sidecar container per pod. It shows
 * convergence, the bodies the double received (its state and the field names
 * of every write), and zero REST writes over two resync passes after that.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DatabaseType, DeletionPolicy, TlsMode } from '../../lib';
import { DesiredState } from '../../lib/contract/desired-state';
import { KubeObject, waitFor } from '../support/kube-client';
import { ApiDoubleClusterRegistry, ApiDoubleSoftwareVersion, selfSignedCertificate } from '../support/redis-enterprise-api-double';
import { describeE2E } from './harness/describe-e2e';
import { deleteNamespace } from './harness/namespaces';
import {
  deployWithReconcilers, ensureReconcilerBuilt, FleetDatabase, fleetQueries, ReconcilerNode, stopFleet,
} from './harness/reconciler-fleet';

const FIELD_MANAGER = 'cdk8s-redis-enterprise-e2e-rest-fidelity';
const SASL = { username: 'tickets-app', password: 'sasl-secret-for-e2e' };
/** The 8.2 tag key rule ("Manage database tags"): a letter or underscore, then letters, digits, underscores. */
const TAG_KEY_82 = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SYSTEM_TAG_KEYS = ['redis', 'cluster', 'db'];

const DATABASES: FleetDatabase[] = [
  // Redis 8 modules (the bundled ones the cluster adds besides) and a deletion policy tag.
  { name: 'catalog', replication: true, deletionPolicy: DeletionPolicy.DELETE, props: { modules: [{ name: 'search' }, { name: 'ReJSON' }] } },
  { name: 'tickets', replication: true, props: { type: DatabaseType.MEMCACHED, passwordSecretName: 'tickets-sasl' } },
  { name: 'payments', replication: true, props: { tlsMode: TlsMode.ENABLED, clientCertificateSecretNames: ['payments-client-ca'] } },
];

/** Sum of a counter over every label set in a Prometheus text exposition. */
function counter(text: string, name: string): number {
  let total = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'gm'))) total += Number(m[1]);
  return total;
}

describe.each<ApiDoubleSoftwareVersion>(['8.0', '8.2'])('REST fidelity, REST API double as Redis Software %s', (version) => {
  describeE2E(`reconciler against Redis Software ${version} behaviour`, ({ client, info }) => {
    let ns: string;
    let tmp: string;
    let desired: DesiredState;
    const nodes: ReconcilerNode[] = [];
    const registry = new ApiDoubleClusterRegistry({
      policy: { softwareVersion: version, firstNodeUid: 3 },
      timing: { bootstrapMs: 200, actionMs: 200, crdbTaskMs: 200 },
    });
    const { status, cluster, leaseHolder } = fleetQueries(client, () => ns, registry);
    const metricsOf = async (n: ReconcilerNode) => (await fetch(`http://127.0.0.1:${n.port}/metrics`)).text();

    beforeAll(async () => {
      await ensureReconcilerBuilt();
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rest-fidelity-e2e-'));
      const clientCa = await selfSignedCertificate('payments-clients-ca', 30);
      const userObjects = (): KubeObject[] => [
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tickets-sasl' }, stringData: SASL },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'payments-client-ca' }, stringData: { cert: clientCa.certPem } },
      ];
      const deployed = await deployWithReconcilers({
        client, info, namespacePrefix: `rest-fidelity-${version.replace('.', '')}`, dbs: DATABASES, registry, dir: tmp,
        fieldManager: FIELD_MANAGER, userObjects, env: { RESYNC_SECONDS: '3', LOG_LEVEL: 'info' },
      });
      ({ ns, desired } = deployed);
      nodes.push(...deployed.nodes);
    });

    afterAll(async () => {
      await stopFleet({ nodes, info, logName: `rest-fidelity-${version}.log`, tmp });
      if (ns) await deleteNamespace(client, ns);
    });

    it('converges: the status ConfigMap reports every database active on its port', async () => {
      const names = desired.databases.map((d) => d.name).sort();
      expect(names).toEqual(['catalog', 'orders', 'payments', 'session-cache', 'tickets']);
      await waitFor('every database active', async (observe) => {
        const s = await status();
        observe(s ? { clusterState: s.clusterState, lastError: s.lastError, databases: s.databases?.map((d: any) => [d.name, d.status]) }
          : nodes.map((n) => n.log.split('\n').slice(-3).join(' | ')));
        return s?.clusterState === 'Running' && !s.lastError
          && names.every((n) => s.databases.some((d: any) => d.name === n && d.status === 'active'));
      }, { timeoutMs: 240_000 });
      const s = await status();
      for (const d of desired.databases) expect(s.databases.find((x: any) => x.name === d.name)).toMatchObject({ status: 'active', port: d.port });
      // Node uids that do not start at 1 are no problem.
      expect(cluster().nodes().map((n) => n.uid)).toEqual([3, 4, 5]);
    });

    it('sent each database the documented fields: tags, modules at create, rack awareness, SASL, mutual TLS', async () => {
      const c = cluster();
      expect(c.rackAware).toBe(true);
      expect(new Set(c.nodes().map((n) => n.rackId)).size).toBe(3);
      for (const d of desired.databases) {
        const bdb = c.bdbs.byName(d.name)!;
        const tags = bdb.config.tags as Array<{ key: string; value: string }>;
        // Valid keys on 8.2 (and so on 8.0), no system tag ever sent back.
        for (const t of tags) expect(t.key).toMatch(TAG_KEY_82);
        expect(tags.filter((t) => SYSTEM_TAG_KEYS.includes(t.key))).toEqual([]);
        expect(tags).toEqual(expect.arrayContaining([
          { key: 'redb_name', value: d.name },
          { key: 'redb_deletion_policy', value: d.name === 'catalog' ? 'delete' : 'retain' },
        ]));
        expect(bdb.config.rack_aware).toBe(d.replication);
        expect(bdb.config.enforce_client_authentication).toBe(d.name === 'payments' ? 'enabled' : 'disabled');
      }
      const catalog = c.bdbs.byName('catalog')!;
      const modules = (catalog.config.module_list as Array<{ module_name: string }>).map((m) => m.module_name).sort();
      expect(modules).toEqual(['ReJSON', 'bf', 'search', 'timeseries']);
      const tickets = c.bdbs.byName('tickets')!;
      expect(tickets.config).toMatchObject({ type: 'memcached', authentication_sasl_uname: SASL.username, authentication_sasl_pass: SASL.password });
      expect(tickets.config.authentication_redis_pass ?? '').toBe('');
      expect((c.bdbs.byName('payments')!.config.authentication_ssl_client_certs as unknown[]).length).toBe(1);
      // module_list at create only: no PUT ever named it.
      const writes = c.bdbs.writtenFields;
      expect(writes.filter((w) => w.method === 'PUT' && w.fields.includes('module_list'))).toEqual([]);
      expect(writes.find((w) => w.method === 'POST' && w.uid === catalog.uid)?.fields).toContain('module_list');
      expect(c.bdbs.undocumentedFields).toEqual([]);
    });

    it('writes nothing to the REST API over two resync passes of the leader, and sends no undocumented field', async () => {
      const holder = await leaseHolder();
      const leader = nodes.find((n) => n.pod === holder)!;
      expect(leader).toBeDefined();
      const mark = registry.requestLog.mark();
      const passesBefore = counter(await metricsOf(leader), 'redis_enterprise_reconciler_reconciles_total');
      await waitFor('two more reconcile passes of the leader', async (observe) => {
        const passes = counter(await metricsOf(leader), 'redis_enterprise_reconciler_reconciles_total');
        observe(`passes ${passes}, before ${passesBefore}`);
        return passes >= passesBefore + 2;
      }, { timeoutMs: 60_000, intervalMs: 250 });
      // The passes read the databases (so the comparison really ran), and wrote nothing.
      expect(registry.requestLog.count({ since: mark, method: 'GET', path: /^\/v1\/bdbs/ })).toBeGreaterThanOrEqual(2);
      expect(registry.requestLog.mutations({ since: mark }).map((e) => `${e.method} ${e.path}`)).toEqual([]);
      expect(cluster().bdbs.undocumentedFields).toEqual([]);
      for (const n of nodes) expect(n.log).not.toMatch(/invalid_bdb_tags|modules_immutable|port_unavailable/);
    });
  });
});
