/**
 * The reconciler's request bodies against the REST double acting as Redis
 * Software 8.0 and 8.2: what the plan sends is accepted, what the cluster
 * answers then matches the plan (no second write: the steady state), and no
 * field outside the documented bdb object is sent. Only the REST API is a
 * double here; nothing of Kubernetes is involved (the bodies are pure).
 */
import { DesiredDatabase } from '../../../lib/contract/desired-state';
import { ReClient } from '../../../lib/reconciler/io/re-client';
import { Bdb } from '../../../lib/reconciler/io/re-types';
import { alertsToSet, desiredAlerts } from '../../../lib/reconciler/plan/alert-settings';
import { LEGACY_TAG, NO_REFERENCES, ResolvedReferences, TAG, createBdbBody, desiredBdbFields } from '../../../lib/reconciler/plan/bdb-spec';
import { diffBdb, mergeTags } from '../../../lib/reconciler/plan/bdb-diff';
import { waitForAction } from '../../../lib/reconciler/runtime/async-tasks';
import { ApiDoubleClusterRegistry, ApiDoubleSoftwareVersion, RedisEnterpriseApiDouble, selfSignedCertificate } from '../../support/redis-enterprise-api-double';

const ADMIN = { username: 'admin@example.com', password: 'fidelity-pass' };
const MiB = 1024 * 1024;
const POLL = { timeoutMs: 10_000, intervalMs: 20 };

function database(name: string, port: number, o: Partial<DesiredDatabase> = {}): DesiredDatabase {
  return {
    name, type: 'redis', memorySizeBytes: 100 * MiB, port, shardCount: 1, replication: false, persistence: 'disabled',
    evictionPolicy: 'volatile-lru', tlsMode: 'disabled', clientCertificateSecretNames: [], modules: [], passwordSecretName: `redb-${name}`,
    proxyPolicy: 'single', ossCluster: false, rolesPermissions: [], alertSettings: [], deletionPolicy: 'delete',
    serviceName: name, headlessServiceName: `${name}-headless`, ...o,
  };
}

describe.each<ApiDoubleSoftwareVersion>(['8.0', '8.2'])('reconciler bodies against Redis Software %s (REST double)', (version) => {
  const registry = new ApiDoubleClusterRegistry({ policy: { softwareVersion: version }, timing: { bootstrapMs: 10, actionMs: 20 } });
  const nodes = [0, 1, 2].map(() => new RedisEnterpriseApiDouble({ registry }));
  let re: ReClient;
  let clientCert: string;

  async function converge(db: DesiredDatabase, refs: ResolvedReferences, creds = { password: 'db-pass' }): Promise<Bdb> {
    const created = await re.createBdb(createBdbBody(db, 'redis', refs, creds, '1'));
    await waitForAction(re, created.action_uid!, POLL);
    const live = (await re.listBdbs()).find((b) => b.name === db.name)!;
    expect(live.status).toBe('active');
    return live;
  }

  beforeAll(async () => {
    const apis = await Promise.all(nodes.map((n) => n.start()));
    re = new ReClient({ baseUrl: apis[0].url, credentials: () => ADMIN, ca: apis[0].caCertPem, timeoutMs: 5000 });
    await re.bootstrap({ action: 'create_cluster', cluster: { name: 'rec.redis.svc.cluster.local' }, node: { identity: { addr: nodes[0].addr, rack_id: 'zone-a' } }, credentials: ADMIN, policy: { rack_aware: true } });
    await waitFor(() => nodes[0].bootstrapState === 'completed');
    for (const [i, n] of nodes.slice(1).entries()) {
      const peer = new ReClient({ baseUrl: apis[i + 1].url, credentials: () => ADMIN, ca: apis[i + 1].caCertPem, timeoutMs: 5000 });
      await peer.bootstrap({ action: 'join_cluster', cluster: { name: 'rec.redis.svc.cluster.local', nodes: [nodes[0].addr] }, node: { identity: { addr: n.addr, rack_id: `zone-${'bc'[i]}` } }, credentials: ADMIN });
      peer.close();
    }
    await waitFor(() => nodes.every((n) => n.bootstrapState === 'completed'));
    clientCert = (await selfSignedCertificate('client-ca')).certPem;
  });
  afterAll(async () => {
    re?.close();
    await Promise.all(nodes.map((n) => n.dispose()));
  });
  afterEach(() => {
    // A real cluster ignores or refuses fields the bdb object does not document: the plan sends none.
    expect(nodes[0].cluster!.bdbs.undocumentedFields).toEqual([]);
  });

  it('creates a rack-aware replicated database with Redis 8 modules and mTLS, then has nothing to change', async () => {
    const db = database('orders', 12000, { replication: true, modules: [{ name: 'search' }, { name: 'ReJSON' }], tlsMode: 'enabled', clientCertificateSecretNames: ['ca'] });
    const refs = { ...NO_REFERENCES, clientCertificates: [clientCert], rackAware: true };
    const live = await converge(db, refs);
    expect(live).toMatchObject({ rack_aware: true, enforce_client_authentication: 'enabled', tls_mode: 'enabled' });
    expect((live.module_list ?? []).map((m) => m.module_name).sort()).toEqual(['ReJSON', 'bf', 'search', 'timeseries']);
    const diff = diffBdb(desiredBdbFields(db, 'redis', refs, '1'), live);
    expect(diff).toEqual({ changed: [], missingModules: [] });
  });

  it('turns client authentication off explicitly when no certificate is declared', async () => {
    const db = database('plain', 12001);
    const live = await converge(db, NO_REFERENCES);
    expect(live.enforce_client_authentication).toBe('disabled');
    expect(diffBdb(desiredBdbFields(db, 'redis', NO_REFERENCES, '1'), live).update).toBeUndefined();
  });

  it('gives a memcached database SASL credentials, not a Redis password', async () => {
    const db = database('sessions', 12002, { type: 'memcached', evictionPolicy: 'allkeys-lru' });
    const live = await converge(db, NO_REFERENCES, { password: 'sasl-pass', username: 'app' } as never);
    expect(live.authentication_sasl_uname).toBe('app');
    expect(live.module_list ?? []).toEqual([]);
    expect(diffBdb(desiredBdbFields(db, 'redis', NO_REFERENCES, '1'), live).update).toBeUndefined();
  });

  it('sets alerts through their own endpoint, and then has none to set', async () => {
    const db = database('alerting', 12003, { alertSettings: [{ name: 'bdb_size', enabled: true, threshold: '80' }, { name: 'bdb_high_latency', enabled: false }] });
    const live = await converge(db, NO_REFERENCES);
    const want = desiredAlerts(db.alertSettings);
    expect(Object.keys(alertsToSet(want, await re.getBdbAlerts(live.uid!)))).toEqual(['bdb_size']);
    await re.setBdbAlerts(live.uid!, alertsToSet(want, await re.getBdbAlerts(live.uid!)));
    expect(alertsToSet(want, await re.getBdbAlerts(live.uid!))).toEqual({});
    expect(live).not.toHaveProperty('alert_settings');
  });

  it('rewrites tags without system tags or legacy keys, and the cluster accepts the write', async () => {
    const db = database('tagged', 12004);
    const live = await converge(db, NO_REFERENCES);
    if (version === '8.2') expect(live.tags).toEqual(expect.arrayContaining([expect.objectContaining({ isSystem: true })]));
    // A user tag and a new password version: the merge keeps the user tag and never resends a system tag.
    const desired = desiredBdbFields(db, 'redis', NO_REFERENCES, '2');
    const diff = diffBdb(desired, { ...live, tags: [...(live.tags ?? []), ...(version === '8.0' ? [{ key: 'team', value: 'x' }] : [])] });
    expect(diff.changed).toEqual(['tags']);
    const sent = diff.update!.tags as Array<{ key: string; isSystem?: boolean }>;
    expect(sent.some((t) => t.isSystem || t.key === 'db')).toBe(false);
    const updated = await re.updateBdb(live.uid!, diff.update!);
    await waitForAction(re, updated.action_uid!, POLL);
    const after = (await re.listBdbs()).find((b) => b.name === 'tagged')!;
    expect(after.tags).toEqual(expect.arrayContaining([{ key: TAG.passwordVersion, value: '2' }]));
    expect(diffBdb(desired, after).update).toBeUndefined();
  });

  it('drops tag keys earlier builds wrote (read as a fallback until then)', () => {
    const legacy = [{ key: LEGACY_TAG.deletionPolicy!, value: 'delete' }, { key: 'team', value: 'x' }, { key: 'db', value: '1', isSystem: true }];
    const merged = mergeTags(legacy, [{ key: TAG.deletionPolicy, value: 'delete' }]);
    expect(merged).toEqual([{ key: 'team', value: 'x' }, { key: TAG.deletionPolicy, value: 'delete' }]);
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 3000 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!cond()) throw new Error('condition not reached');
}
