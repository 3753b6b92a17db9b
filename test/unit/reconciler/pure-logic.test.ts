/** Decision logic of the reconciler: pure functions, no I/O. */
import { Backoff } from '../../../lib/reconciler/runtime/backoff';
import { diffBdb, matches } from '../../../lib/reconciler/plan/bdb-diff';
import { addedTag, passwordStep } from '../../../lib/reconciler/plan/database-password';
import { DEFAULT_SHARD_KEY_REGEX, NO_REFERENCES, TAG, createBdbBody, desiredBdbFields, persistenceFields } from '../../../lib/reconciler/plan/bdb-spec';
import { decideBootstrap } from '../../../lib/reconciler/plan/bootstrap-plan';
import { ConfigError, loadConfig, podOrdinal } from '../../../lib/reconciler/runtime/config';
import { desiredSlice, planSlices, sliceInLine } from '../../../lib/reconciler/plan/endpoint-slices';
import { Pod } from '../../../lib/reconciler/io/kube-types';
import { decideLease, microTime, releasedSpec } from '../../../lib/reconciler/runtime/leader-election';
import { masterLabelPatches } from '../../../lib/reconciler/plan/master-label';
import { Metrics } from '../../../lib/reconciler/runtime/metrics';
import { routeOf } from '../../../lib/reconciler/io/re-client';
import { ReApiError } from '../../../lib/reconciler/io/re-api';
import { randomPassword, secretValue, secretsToEnsure } from '../../../lib/reconciler/plan/secrets';
import { renderStatus, statusConfigMapUpdate, STATUS_KEY } from '../../../lib/reconciler/plan/status';
import { database, desiredState } from './support/desired';

const ENV = { CLUSTER_NAME: 'rec', POD_NAME: 'rec-1', POD_NAMESPACE: 'ns', POD_IP: '10.0.0.2' };

describe('config', () => {
  it('applies documented defaults', () => {
    const c = loadConfig(ENV);
    expect(c).toMatchObject({
      apiUrl: 'https://localhost:9443', httpPort: 8090, desiredStateConfigMap: 'rec-desired-state',
      leaseName: 'rec-leader', leaseDurationSeconds: 15, resyncSeconds: 60,
    });
  });
  it('reports every problem at once', () => {
    let err: unknown;
    try { loadConfig({ RECONCILER_HTTP_PORT: 'x', LOG_LEVEL: 'loud' }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const v of ['CLUSTER_NAME', 'POD_NAME', 'POD_NAMESPACE', 'POD_IP', 'RECONCILER_HTTP_PORT', 'LOG_LEVEL']) expect(msg).toContain(v);
  });
  it('derives the StatefulSet ordinal', () => {
    expect(podOrdinal('rec-0', 'rec')).toBe(0);
    expect(podOrdinal('rec-12', 'rec')).toBe(12);
    expect(podOrdinal('rec-01', 'rec')).toBeUndefined();
    expect(podOrdinal('other-0', 'rec')).toBeUndefined();
  });
});

describe('backoff', () => {
  it('grows exponentially up to the cap, never below the floor, and resets', () => {
    const b = new Backoff({ baseMs: 100, capMs: 1000, random: () => 0.999 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([99, 199, 399, 799, 999]);
    b.reset();
    expect(b.next()).toBe(99);
    const low = new Backoff({ baseMs: 100, capMs: 1000, random: () => 0 });
    expect(low.next()).toBe(50);
  });
  it('spreads retries (full jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => new Backoff({ baseMs: 1000, capMs: 1000 }).next()));
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('BDB translation and diff', () => {
  it('maps the persistence enum', () => {
    expect(persistenceFields('aofAlways')).toEqual({ data_persistence: 'aof', aof_policy: 'appendfsync-always' });
    expect(persistenceFields('snapshotEvery6Hour')).toEqual({ data_persistence: 'snapshot', snapshot_policy: [{ secs: 21600, writes: 1 }] });
    expect(persistenceFields('disabled')).toEqual({ data_persistence: 'disabled' });
  });
  it('builds a create body with port, sharding rules, tags and the password', () => {
    const body = createBdbBody(database('a', 12000, { shardCount: 3, deletionPolicy: 'delete' }), 'ns', NO_REFERENCES, { password: 's3cret' }, '42');
    expect(body).toMatchObject({ name: 'a', port: 12000, sharding: true, shards_count: 3, shard_key_regex: DEFAULT_SHARD_KEY_REGEX, authentication_redis_pass: 's3cret' });
    expect(body.tags).toEqual(expect.arrayContaining([{ key: TAG.deletionPolicy, value: 'delete' }, { key: TAG.passwordVersion, value: '42' }]));
  });
  /**
   * Database `a` (100MB, port 12000) of namespace `ns` as a Redis Enterprise
   * cluster answers GET /v1/bdbs/1 once the reconciler has created it: a
   * literal, not derived from desiredBdbFields, so a change in what the plan
   * wants shows up as a difference here.
   */
  const liveA = (overrides: Record<string, unknown> = {}) => ({
    uid: 1, status: 'active', name: 'a', type: 'redis', memory_size: 104857600, port: 12000, replication: false, rack_aware: false,
    sharding: false, shards_count: 1, data_persistence: 'disabled', eviction_policy: 'volatile-lru', tls_mode: 'disabled',
    enforce_client_authentication: 'disabled', authentication_ssl_client_certs: [], proxy_policy: 'single', oss_cluster: false,
    roles_permissions: [], backup: false, module_list: [], shards_placement: 'dense', default_user: true,
    tags: [
      { key: 'managed_by', value: 'redis-enterprise-reconciler' }, { key: 'redb_name', value: 'a' }, { key: 'redb_namespace', value: 'ns' },
      { key: 'redb_deletion_policy', value: 'retain' }, { key: 'redb_password_secret', value: 'redb-a' },
    ],
    ...overrides,
  });
  it('finds nothing to change when the live BDB carries extra defaults, foreign tags and reordered arrays', () => {
    const desired = desiredBdbFields(database('a', 12000, { modules: [{ name: 'search' }, { name: 'json' }] }), 'ns', NO_REFERENCES, '7');
    const live = liveA({
      module_list: [{ module_name: 'json', module_id: 'x', semantic_version: '2.0.0' }, { module_name: 'search', semantic_version: '2.8.0' }],
      tags: [{ key: 'team', value: 'x' }, { key: 'redb_password_version', value: '7' }, ...liveA().tags.reverse()],
    });
    expect(diffBdb(desired, live)).toEqual({ changed: [], missingModules: [] });
  });
  it('puts only the differing fields into the update, keeping foreign tags', () => {
    const desired = desiredBdbFields(database('a', 12000, { memorySizeBytes: 200 }), 'ns', NO_REFERENCES);
    const d = diffBdb(desired, liveA({ memory_size: 100, tags: [{ key: 'team', value: 'x' }] }));
    expect(d.changed).toEqual(['memory_size', 'tags']);
    expect(d.update).toEqual({
      memory_size: 200,
      tags: [{ key: 'team', value: 'x' }, ...liveA().tags],
    });
  });
  it('reports a port that differs instead of changing it', () => {
    const d = diffBdb(desiredBdbFields(database('a', 12000), 'ns', NO_REFERENCES), liveA({ port: 13000 }));
    expect(d.portMismatch).toEqual({ desired: 12000, observed: 13000 });
    expect(d.update).toBeUndefined();
  });
  it('adds hashing rules when sharding is switched on', () => {
    const d = diffBdb(desiredBdbFields(database('a', 12000, { shardCount: 2 }), 'ns', NO_REFERENCES), liveA());
    expect(d.update).toEqual({
      sharding: true, shards_count: 2, shard_key_regex: [{ regex: '.*\\{(?<tag>.*)\\}.*' }, { regex: '(?<tag>.*)' }],
    });
  });
  it('matches an absent live field against an empty desired value only', () => {
    expect(matches([], undefined)).toBe(true);
    expect(matches(false, undefined)).toBe(true);
    expect(matches(true, undefined)).toBe(false);
    expect(matches(5, '5')).toBe(true);
  });
  it('rotates a database password only when the Secret version differs from the applied one: add, wait out the grace period, replace', () => {
    const live = { name: 'a', tags: [{ key: TAG.passwordVersion, value: '7' }] };
    expect(passwordStep(live, '7', 0, 60_000)).toEqual({ action: 'none' });
    expect(passwordStep(live, '8', 0, 60_000)).toEqual({ action: 'add' });
    expect(passwordStep({ name: 'a' }, '1', 0, 60_000)).toEqual({ action: 'add' });
    // No grace period: replaced at once, as before multiple passwords.
    expect(passwordStep(live, '8', 0, 0)).toEqual({ action: 'replace' });
    const added = { name: 'a', tags: [...live.tags, { key: TAG.passwordAdded, value: addedTag('8', 1_000_000) }] };
    expect(passwordStep(added, '8', 1_030_000, 60_000)).toEqual({ action: 'wait', remainingMs: 30_000, until: 1_060_000 });
    expect(passwordStep(added, '8', 1_060_000, 60_000)).toEqual({ action: 'replace' });
    // The Secret changed again during the grace period: the newest password is added, the period starts again.
    expect(passwordStep(added, '9', 1_030_000, 60_000)).toEqual({ action: 'add' });
  });
  it('drops the rotation tag once the managed tags leave it out', () => {
    const observed = [{ key: TAG.passwordVersion, value: '7' }, { key: TAG.passwordAdded, value: '8:1000' }, { key: 'team', value: 'x' }];
    const d = diffBdb({ tags: [{ key: TAG.passwordVersion, value: '8' }] }, { name: 'a', tags: observed });
    expect(d.update?.tags).toEqual([{ key: 'team', value: 'x' }, { key: TAG.passwordVersion, value: '8' }]);
    expect(diffBdb({ tags: [{ key: TAG.passwordVersion, value: '7' }] }, { name: 'a', tags: observed }).changed).toEqual(['tags']);
  });
});

function pod(name: string, ip: string, ready = true, labels: Record<string, string> = {}): Pod {
  return { metadata: { name, uid: `u-${name}`, labels }, spec: { nodeName: `n-${name}` }, status: { podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } };
}

describe('EndpointSlices', () => {
  const pods = [pod('rec-0', '10.0.0.1'), pod('rec-1', '10.0.0.2', false), pod('rec-2', '10.0.0.3')];
  const bdb = { name: 'db', port: 12000, endpoints: [{ port: 12000, addr: ['10.0.0.2', '10.9.9.9'] }] };

  it('points at the pods whose IP serves the endpoint, skipping unknown addresses', () => {
    const s = desiredSlice({ serviceName: 'db', bdb }, pods, 'rec', 'ns');
    expect(s.metadata.labels).toMatchObject({ 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': 'redis-enterprise-reconciler', 'redis.io/cluster': 'rec' });
    expect(s.endpoints).toEqual([{
      addresses: ['10.0.0.2'], conditions: { ready: false, serving: false, terminating: false },
      targetRef: { kind: 'Pod', name: 'rec-1', namespace: 'ns', uid: 'u-rec-1' }, nodeName: 'n-rec-1',
    }]);
    expect(s.addressType).toBe('IPv4');
    expect(s.ports).toEqual([{ name: 'redis', port: 12000, protocol: 'TCP' }]);
  });
  it('plans create, replace (with the live resourceVersion) and delete, and nothing when in line', () => {
    const want = desiredSlice({ serviceName: 'db', bdb }, pods, 'rec', 'ns');
    const stale = { ...want, metadata: { ...want.metadata, resourceVersion: '9' }, endpoints: [] };
    const orphan = { ...want, metadata: { ...want.metadata, name: 'gone' } };
    const plan = planSlices([want, { ...want, metadata: { ...want.metadata, name: 'db-headless' } }], [stale, orphan]);
    expect(plan.create.map((s) => s.metadata.name)).toEqual(['db-headless']);
    expect(plan.replace.map((s) => [s.metadata.name, s.metadata.resourceVersion])).toEqual([['db', '9']]);
    expect(plan.delete).toEqual(['gone']);
    const live = { ...want, metadata: { ...want.metadata, resourceVersion: '3', labels: { ...want.metadata.labels, extra: 'x' } } };
    expect(sliceInLine(want, live)).toBe(true);
    expect(planSlices([want], [live])).toEqual({ create: [], replace: [], delete: [] });
  });
});

describe('master label', () => {
  it('removes before it adds, and changes nothing when the master is unknown', () => {
    const pods = [pod('rec-0', '10.0.0.1', true, { 'redis.io/role-master': '1' }), pod('rec-1', '10.0.0.2')];
    expect(masterLabelPatches(pods, '10.0.0.2')).toEqual([
      { pod: 'rec-0', labels: { 'redis.io/role-master': null } },
      { pod: 'rec-1', labels: { 'redis.io/role-master': '1' } },
    ]);
    expect(masterLabelPatches(pods, '10.0.0.1')).toEqual([]);
    expect(masterLabelPatches(pods, undefined)).toEqual([]);
  });
});

describe('leader election', () => {
  it('creates, renews, follows, and takes over only after the lease went unrenewed for its duration', () => {
    const c = decideLease(undefined, 'a', 15, 0, 0, undefined);
    expect(c.action).toBe('create');
    const lease = { metadata: { name: 'l' }, spec: c.spec };
    expect(decideLease(lease, 'a', 15, 1000, 1000, c.observation).action).toBe('renew');
    const seen = decideLease(lease, 'b', 15, 1000, 1000, undefined);
    expect(seen.action).toBe('follow');
    expect(decideLease(lease, 'b', 15, 9999999, 15_999, seen.observation).action).toBe('follow');
    const take = decideLease(lease, 'b', 15, 0, 16_000, seen.observation);
    expect(take.action).toBe('acquire');
    expect(take.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    // A renewal by the holder resets the follower's clock.
    const renewed = { metadata: { name: 'l' }, spec: { ...c.spec, renewTime: microTime(5000) } };
    expect(decideLease(renewed, 'b', 15, 0, 16_000, seen.observation).action).toBe('follow');
  });
  it('takes a released lease at once', () => {
    const released = { metadata: { name: 'l' }, spec: releasedSpec({ holderIdentity: 'a', leaseTransitions: 2 }, 0) };
    expect(decideLease(released, 'b', 15, 0, 0, undefined)).toMatchObject({ action: 'acquire', spec: { leaseTransitions: 3 } });
  });
  it('writes MicroTime with six fraction digits', () => {
    expect(microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05.678000Z');
  });
});

describe('bootstrap decisions', () => {
  const base = { podIp: '10.0.0.1', knownClusterAddrs: [] as string[], readyPeerIps: [] as string[] };
  it('leaves a completed node alone and waits while bootstrap runs', () => {
    expect(decideBootstrap({ ...base, state: 'completed', ordinal: 0 })).toEqual({ action: 'none' });
    expect(decideBootstrap({ ...base, state: 'joining_cluster', ordinal: 1 }).action).toBe('wait');
  });
  it('lets the first pod create and the others join a ready peer', () => {
    expect(decideBootstrap({ ...base, state: 'idle', ordinal: 0 })).toEqual({ action: 'create' });
    expect(decideBootstrap({ ...base, state: 'idle', ordinal: 2, readyPeerIps: ['10.0.0.5'] })).toEqual({ action: 'join', nodes: ['10.0.0.5'] });
    expect(decideBootstrap({ ...base, state: 'idle', ordinal: 2 }).action).toBe('wait');
  });
  it('makes a first pod with empty storage join the existing cluster instead of creating a second one', () => {
    expect(decideBootstrap({ ...base, state: 'idle', ordinal: 0, knownClusterAddrs: ['10.0.0.1', '10.0.0.2'] })).toEqual({ action: 'join', nodes: ['10.0.0.2'] });
  });
});

describe('secrets', () => {
  it('generates distinct 192-bit URL-safe passwords', () => {
    const a = randomPassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(randomPassword()).not.toBe(a);
  });
  it('lists the admin Secret and one per plain database, never Active-Active ones', () => {
    const state = desiredState('rec', 'ns', 3, [{ name: 'a', port: 12000 }]);
    const list = secretsToEnsure(state, 'ns');
    expect(list.map((s) => s.name)).toEqual(['rec', 'redb-a']);
    const admin = list[0].build();
    expect(admin.stringData).toMatchObject({ username: 'demo@redis.com' });
    expect(secretValue({ metadata: { name: 'x' }, data: { k: Buffer.from('v').toString('base64') } }, 'k')).toBe('v');
  });
});

describe('status document', () => {
  const doc = {
    schemaVersion: 1, clusterState: 'Running', desiredState: { valid: true }, nodes: [{ uid: 2, addr: 'b' }, { uid: 1, addr: 'a' }],
    databases: [{ name: 'z', status: 'active', endpoints: [], declared: true }, { name: 'a', status: 'active', endpoints: [], declared: true }],
    activeActiveDatabases: [],
  };
  it('renders deterministically (sorted) and writes only on change', () => {
    const text = renderStatus(doc);
    expect(text).toBe(renderStatus({ ...doc, nodes: [...doc.nodes].reverse(), databases: [...doc.databases].reverse() }));
    expect(JSON.parse(text).databases.map((d: { name: string }) => d.name)).toEqual(['a', 'z']);
    const live = { metadata: { name: 's', resourceVersion: '4' }, data: { [STATUS_KEY]: text } };
    expect(statusConfigMapUpdate(live, 's', 'ns', 'rec', text)).toBeUndefined();
    expect(statusConfigMapUpdate(live, 's', 'ns', 'rec', text + ' ')!.metadata.resourceVersion).toBe('4');
  });
});

describe('metrics and REST helpers', () => {
  it('renders Prometheus text with labels', () => {
    const m = new Metrics();
    m.inc('x_total', { verb: 'create' }, 1, 'help text');
    m.inc('x_total', { verb: 'create' });
    m.set('y', 3);
    expect(m.render()).toBe('# HELP x_total help text\n# TYPE x_total counter\nx_total{verb="create"} 2\n# TYPE y gauge\ny 3\n');
  });
  it('answers every label set of a metric, as copies', () => {
    const m = new Metrics();
    m.inc('w_total', { verb: 'create', resource: 'events' }, 2);
    m.inc('w_total', { verb: 'update', resource: 'leases' });
    const samples = m.samples('w_total');
    expect(samples).toEqual([{ labels: { verb: 'create', resource: 'events' }, value: 2 }, { labels: { verb: 'update', resource: 'leases' }, value: 1 }]);
    samples[0].labels.verb = 'changed';
    expect(m.get('w_total', { verb: 'create', resource: 'events' })).toBe(2);
    expect(m.samples('absent_total')).toEqual([]);
  });
  it('keeps ids out of metric routes', () => {
    expect(routeOf('/v1/bdbs/12')).toBe('/v1/bdbs/{uid}');
    expect(routeOf('/v1/actions/159ca2f8-7bf3-4cda-97e8-4eb560665c28')).toBe('/v1/actions/{id}');
  });
  it('classifies transient REST failures', () => {
    expect(new ReApiError(409, 'busy').transient).toBe(true);
    expect(new ReApiError(0, 'timeout').transient).toBe(true);
    expect(new ReApiError(503, 'x').transient).toBe(true);
    expect(new ReApiError(406, 'invalid').transient).toBe(false);
  });
});
