/**
 * Unit tests of the Redis Enterprise REST API TEST DOUBLE
 * (test/support/redis-enterprise-api-double). They talk HTTPS to 127.0.0.1
 * only, trusting the double's self-signed certificate through `ca`.
 */
import {
  ApiDoubleClusterRegistry, ManualClock, RedisEnterpriseApiDouble, TlsMaterial, selfSignedCertificate,
} from '../support/redis-enterprise-api-double';
import { ADMIN, MIB, call, createBody, formCluster, joinBody, eventually, running, startNode } from './support/api-double-http';

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.dispose()));
});

describe('bootstrap and cluster membership', () => {
  test('create_cluster and two join_cluster calls form a 3-node cluster through documented states', async () => {
    const clock = new ManualClock();
    const registry = new ApiDoubleClusterRegistry({ clock, timing: { bootstrapMs: 100 } });
    const [a, b, c] = [await startNode(registry), await startNode(registry), await startNode(registry)];

    const idle = await call(a.api, 'GET', '/v1/bootstrap', { auth: null });
    expect(idle.status).toBe(200);
    expect(idle.body.bootstrap_status.state).toBe('idle');
    expect(idle.body.local_node_info.available_addresses[0].address).toBe(a.double.addr);

    // Joining before the cluster exists fails asynchronously with connect_error (and may be retried).
    expect((await call(b.api, 'POST', '/v1/bootstrap/join_cluster', { auth: null, body: joinBody([a.double.addr]) })).status).toBe(200);
    clock.advance(50);
    expect((await call(a.api, 'POST', '/v1/bootstrap/create_cluster', { auth: null, body: createBody('rec.ns.svc.cluster.local') })).status).toBe(200);
    const creating = await call(a.api, 'GET', '/v1/bootstrap', { auth: null });
    expect(creating.body.bootstrap_status.state).toBe('creating_cluster');
    // Documented: a second bootstrap while one is in progress is a 409.
    expect((await call(a.api, 'POST', '/v1/bootstrap/create_cluster', { auth: null, body: createBody('x.local') })).status).toBe(409);
    clock.advance(50);
    const bStatus = await call(b.api, 'GET', '/v1/bootstrap', { auth: null });
    expect(bStatus.body.bootstrap_status).toMatchObject({ state: 'error', error_code: 'connect_error' });
    clock.advance(50);

    // The creator is now completed, and from here on bootstrap status needs auth.
    expect((await call(a.api, 'GET', '/v1/bootstrap', { auth: null })).status).toBe(401);
    const done = await call(a.api, 'GET', '/v1/bootstrap');
    expect(done.body.bootstrap_status.state).toBe('completed');
    expect(done.body.local_node_info.uid).toBe('1');

    for (const n of [b, c]) {
      expect((await call(n.api, 'POST', '/v1/bootstrap/join_cluster', { auth: null, body: joinBody(['10.9.9.9', a.double.addr]) })).status).toBe(200);
    }
    expect((await call(c.api, 'GET', '/v1/bootstrap', { auth: null })).body.bootstrap_status.state).toBe('joining_cluster');
    clock.advance(100);

    const nodes = await call(c.api, 'GET', '/v1/nodes');
    expect(nodes.status).toBe(200);
    expect(nodes.body.map((n: any) => [n.uid, n.addr, n.status])).toEqual([
      [1, a.double.addr, 'active'], [2, b.double.addr, 'active'], [3, c.double.addr, 'active'],
    ]);
    const status = await call(b.api, 'GET', '/v1/nodes/status');
    expect(Object.fromEntries(Object.entries(status.body).map(([uid, s]: [string, any]) => [uid, s.role]))).toEqual({ 1: 'master', 2: 'slave', 3: 'slave' });
    expect((await call(a.api, 'GET', '/v1/cluster')).body).toMatchObject({ name: 'rec.ns.svc.cluster.local', rack_aware: false });
  });

  test('the master moves when its node stops or by the failover hook, and a restarted node comes back on its port', async () => {
    const { nodes, cluster } = await formCluster(3);
    const [a, b] = nodes;
    await a.double.stop();
    const after = await call(b.api, 'GET', '/v1/nodes/status');
    expect(after.body['1']).toMatchObject({ role: 'slave', node_status: 'down' });
    expect(after.body['2'].role).toBe('master');
    await expect(call(a.api, 'GET', '/v1/cluster')).rejects.toThrow(/ECONNREFUSED/);

    const again = await a.double.start();
    expect(again.port).toBe(a.api.port);
    expect((await call(again, 'GET', '/v1/nodes/1')).body.status).toBe('active');
    expect(cluster.masterUid).toBe(2);

    cluster.failoverMaster(3);
    expect((await call(a.api, 'GET', '/v1/nodes/3/status')).body.role).toBe('master');
  });

  test('join errors are reported through bootstrap_status: access_denied, rack_id_required', async () => {
    const { registry, clock, nodes } = await formCluster(1, { rackIds: ['zone-a'] });
    const joiner = await startNode(registry);
    await call(joiner.api, 'POST', '/v1/bootstrap/join_cluster', {
      auth: null, body: joinBody([nodes[0].double.addr], { rack_id: 'zone-b' }, { ...ADMIN, password: 'wrong' }),
    });
    clock.advance(100);
    expect((await call(joiner.api, 'GET', '/v1/bootstrap', { auth: null })).body.bootstrap_status)
      .toMatchObject({ state: 'error', error_code: 'access_denied' });

    // Retrying after an error is allowed; no rack_id in a rack-aware cluster is refused.
    expect((await call(joiner.api, 'POST', '/v1/bootstrap/join_cluster', { auth: null, body: joinBody([nodes[0].double.addr]) })).status).toBe(200);
    clock.advance(100);
    const status = (await call(joiner.api, 'GET', '/v1/bootstrap', { auth: null })).body.bootstrap_status;
    expect(status).toMatchObject({ state: 'error', error_code: 'rack_id_required' });
    expect(status.error_details.current_rack_ids).toEqual(['zone-a']);

    await call(joiner.api, 'POST', '/v1/bootstrap/join_cluster', { auth: null, body: joinBody([nodes[0].double.addr], { rack_id: 'zone-b' }) });
    clock.advance(100);
    const joined = await call(joiner.api, 'GET', '/v1/nodes/2');
    expect(joined.body).toMatchObject({ rack_id: 'zone-b', addr: joiner.double.addr });
  });
});

describe('authentication', () => {
  test('cluster endpoints need the admin credentials once the node is bootstrapped', async () => {
    const registry = new ApiDoubleClusterRegistry({ clock: new ManualClock() });
    const lone = await startNode(registry);
    expect((await call(lone.api, 'GET', '/v1/bdbs', { auth: null })).status).toBe(503);

    const { nodes } = await formCluster(1);
    const api = nodes[0].api;
    const none = await call(api, 'GET', '/v1/bdbs', { auth: null });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic /);
    expect((await call(api, 'GET', '/v1/bdbs', { auth: { ...ADMIN, password: 'nope' } })).status).toBe(401);
    expect((await call(api, 'GET', '/v1/bdbs', { auth: { ...ADMIN, username: 'other@example.com' } })).status).toBe(401);
    const good = await call(api, 'GET', '/v1/bdbs');
    expect(good.status).toBe(200);
    expect(good.body).toEqual([]);
  });

  test('the request log holds no credentials', async () => {
    const { nodes, registry } = await formCluster(2);
    await call(nodes[0].api, 'GET', '/v1/cluster', { auth: { ...ADMIN, password: 'guess-1' } });
    const dump = JSON.stringify(registry.requestLog.entries());
    expect(registry.requestLog.count({ path: '/v1/bootstrap/join_cluster' })).toBe(1);
    expect(dump).not.toContain(ADMIN.password);
    expect(dump).not.toContain('guess-1');
    expect(dump).not.toMatch(/Basic|authorization/i);
  });

  test('TLS is real: a client without the double CA is refused', async () => {
    const { nodes } = await formCluster(1);
    await expect(call(nodes[0].api, 'GET', '/v1/cluster', { ca: null })).rejects.toThrow(/self[- ]signed/i);
  });
});

describe('databases and actions', () => {
  test('create → pending → active through an action; update; busy; port immutable; delete', async () => {
    const { nodes, clock } = await formCluster(3);
    const api = nodes[1].api;
    const created = await call(api, 'POST', '/v1/bdbs', { body: { name: 'cache', memory_size: 100 * MIB, port: 12000 } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      uid: 1, name: 'cache', status: 'pending', port: 12000, type: 'redis', replication: false,
      eviction_policy: 'volatile-lru', proxy_policy: 'single', data_persistence: 'disabled',
    });
    const actionUid = created.body.action_uid;
    expect(typeof actionUid).toBe('string');
    expect((await call(api, 'GET', `/v1/actions/${actionUid}`)).body).toMatchObject({ status: 'queued', name: 'SMCreateBDB', object_name: 'bdb:1' });
    clock.advance(30);
    expect((await call(api, 'GET', `/v1/actions/${actionUid}`)).body.status).toBe('running');
    clock.advance(30);
    expect((await call(api, 'GET', `/v1/actions/${actionUid}`)).body).toMatchObject({ status: 'completed', progress: '100' });
    const active = (await call(api, 'GET', '/v1/bdbs/1')).body;
    expect(active.status).toBe('active');
    // Placement rule: database uid 1 starts on the first node.
    expect(active.endpoints[0]).toMatchObject({ port: 12000, addr: [nodes[0].double.addr], dns_name: 'redis-12000.rec.ns.svc.cluster.local' });

    const updated = await call(api, 'PUT', '/v1/bdbs/1', { body: { memory_size: 200 * MIB, eviction_policy: 'allkeys-lru' } });
    expect(updated.body).toMatchObject({ status: 'active-change-pending', memory_size: 200 * MIB, eviction_policy: 'allkeys-lru' });
    const busy = await call(api, 'PUT', '/v1/bdbs/1', { body: { memory_size: 300 * MIB } });
    expect(busy.status).toBe(409);
    expect(busy.body.error_code).toBe('busy');
    clock.advance(60);
    expect((await call(api, 'GET', '/v1/bdbs/1')).body.status).toBe('active');

    const portChange = await call(api, 'PUT', '/v1/bdbs/1', { body: { port: 12001 } });
    expect(portChange.status).toBe(406);
    expect(portChange.body).toEqual({ error_code: 'port_immutable', description: expect.any(String) });

    const del = await call(api, 'DELETE', '/v1/bdbs/1');
    expect(del.status).toBe(200);
    expect(del.body).toBeUndefined();
    expect((await call(api, 'GET', '/v1/bdbs/1')).body.status).toBe('delete-pending');
    clock.advance(60);
    expect((await call(api, 'GET', '/v1/bdbs/1')).status).toBe(404);
    expect((await call(api, 'GET', '/v1/actions')).body['state-machines'].map((a: any) => a.name))
      .toEqual(['SMCreateBDB', 'SMUpdateBDB', 'SMDeleteBDB']);
  });

  test('documented validation errors', async () => {
    const { nodes, cluster } = await formCluster(1);
    const api = nodes[0].api;
    const post = (body: unknown) => call(api, 'POST', '/v1/bdbs', { body });
    const expectError = async (body: unknown, status: number, code: string) => {
      const r = await post(body);
      expect([r.status, r.body.error_code]).toEqual([status, code]);
    };
    await expectError({ memory_size: MIB }, 406, 'missing_db_name');
    await expectError({ name: 'a' }, 406, 'missing_memory_size');
    await expectError({ name: '1bad', memory_size: MIB }, 406, 'invalid_name');
    await expectError({ name: 'bad-', memory_size: MIB }, 406, 'invalid_name');
    await expectError({ name: 'a', memory_size: MIB, eviction_policy: 'lru' }, 400, 'invalid_schema');
    await expectError({ name: 'a', memory_size: MIB, shards_count: 2 }, 406, 'invalid_sharding');
    await expectError({ name: 'a', memory_size: MIB, replication: true }, 406, 'invalid_replication');
    await expectError({ name: 'a', memory_size: MIB, port: 9443 }, 406, 'port_unavailable');
    await expectError({ name: 'a', memory_size: MIB, rack_aware: true }, 406, 'not_rack_aware');
    await expectError({ name: 'a', memory_size: MIB, authentication_ssl_client_certs: [{ client_cert: 'junk' }] }, 406, 'invalid_certificate');

    expect((await post({ name: 'first', memory_size: MIB, port: 12000 })).status).toBe(200);
    await expectError({ name: 'second', memory_size: MIB, port: 12000 }, 406, 'port_unavailable');
    await expectError({ name: 'FIRST', memory_size: MIB }, 406, 'duplicate_name');
    await expectError({ uid: 1, name: 'other', memory_size: MIB }, 409, 'uid_exists');
    // An omitted port is assigned (the lowest free one of the range) and answered as 0, the real one in endpoints.
    const auto = (await post({ name: 'auto', memory_size: MIB })).body;
    expect(auto.port).toBe(0);
    expect(auto.endpoints[0].port).toBe(10000);
    expect(cluster.bdbs.list().map((b) => b.config.name)).toEqual(['first', 'auto']);
  });

  test('replication needs two nodes and places the replica on another node; failover moves the endpoint', async () => {
    // Three nodes: a two-node cluster loses its quorum when one node stops.
    const { nodes, clock, cluster } = await formCluster(3);
    const api = nodes[1].api;
    const r = await call(api, 'POST', '/v1/bdbs', { body: { name: 'ha', memory_size: MIB, replication: true } });
    expect(r.status).toBe(200);
    clock.advance(60);
    const status = (await call(api, 'GET', '/v1/nodes/status')).body;
    expect([status['1'].master_shards.length, status['2'].slave_shards.length]).toEqual([1, 1]);
    expect((await call(api, 'GET', '/v1/bdbs/1')).body.endpoints[0].addr).toEqual([nodes[0].double.addr]);

    await nodes[0].double.stop();
    expect((await call(api, 'GET', '/v1/bdbs/1')).body.endpoints[0].addr).toEqual([nodes[1].double.addr]);

    await nodes[0].double.start();
    cluster.moveEndpoint(1, 1);
    expect((await call(api, 'GET', '/v1/bdbs/1')).body.endpoints[0].addr).toEqual([nodes[0].double.addr]);
    await nodes[0].double.stop();
    expect((await call(api, 'PUT', '/v1/bdbs/1', { body: { replication: false } })).status).toBe(200);
    clock.advance(60);
  });

  test('adding replication on a single active node is refused', async () => {
    const { nodes, clock } = await formCluster(1);
    const api = nodes[0].api;
    expect((await call(api, 'POST', '/v1/bdbs', { body: { name: 'solo', memory_size: MIB } })).status).toBe(200);
    clock.advance(60);
    const again = await call(api, 'PUT', '/v1/bdbs/1', { body: { replication: true } });
    expect([again.status, again.body.error_code]).toEqual([406, 'replication_node_violation']);
  });

  test('a cluster with a majority of its nodes down answers only node reads, the stopped nodes down, until they return', async () => {
    const { nodes } = await formCluster(3);
    const api = nodes[0].api;
    // One of three down: the quorum holds.
    await nodes[1].double.stop();
    expect((await call(api, 'GET', '/v1/bdbs')).status).toBe(200);
    await nodes[2].double.stop();
    const refused = await call(api, 'GET', '/v1/bdbs');
    expect([refused.status, refused.body.error_code]).toEqual([503, 'quorum_lost']);
    expect(refused.body.description).toBe('the cluster lost its quorum (2 of 3 nodes down)');
    expect((await call(api, 'POST', '/v1/bdbs', { body: { name: 'x', memory_size: MIB } })).status).toBe(503);
    expect((await call(api, 'GET', '/v1/cluster')).status).toBe(503);
    const list = await call(api, 'GET', '/v1/nodes');
    expect(list.body.map((n: any) => n.status)).toEqual(['active', 'down', 'down']);
    expect(Object.values((await call(api, 'GET', '/v1/nodes/status')).body).map((n: any) => n.node_status)).toEqual(['active', 'down', 'down']);
    // Credentials are still checked first.
    expect((await call(api, 'GET', '/v1/bdbs', { auth: null })).status).toBe(401);

    await nodes[1].double.start();
    expect((await call(api, 'GET', '/v1/bdbs')).status).toBe(200);
    expect((await call(nodes[1].api, 'GET', '/v1/cluster')).status).toBe(200);
  });

  test('an injected action failure leaves the database creation-failed', async () => {
    const { nodes, clock, cluster } = await formCluster(1);
    cluster.failNextActions(1, { name: 'SMCreateBDB' });
    const r = await call(nodes[0].api, 'POST', '/v1/bdbs', { body: { name: 'doomed', memory_size: MIB } });
    clock.advance(60);
    const action = (await call(nodes[0].api, 'GET', `/v1/actions/${r.body.action_uid}`)).body;
    expect(action).toMatchObject({ status: 'failed', error_code: 'internal_error' });
    expect((await call(nodes[0].api, 'GET', '/v1/bdbs/1')).body.status).toBe('creation-failed');
  });

  test('the mutation counter stays at zero for reads (steady state) and counts writes', async () => {
    const { nodes, registry } = await formCluster(2);
    const mark = registry.requestLog.mark();
    for (const n of nodes) {
      await call(n.api, 'GET', '/v1/bdbs');
      await call(n.api, 'GET', '/v1/nodes/status');
    }
    expect(registry.requestLog.mutations({ since: mark })).toHaveLength(0);
    await call(nodes[0].api, 'POST', '/v1/bdbs?dry_run', { body: { name: 'dry', memory_size: MIB } });
    expect(registry.requestLog.mutations({ since: mark })).toHaveLength(0);
    await call(nodes[1].api, 'POST', '/v1/bdbs', { body: { name: 'wet', memory_size: MIB } });
    const writes = registry.requestLog.mutations({ since: mark });
    expect(writes.map((w) => [w.method, w.path, w.status, w.node])).toEqual([['POST', '/v1/bdbs', 200, nodes[1].double.addr]]);
    expect(nodes[1].double.requestLog.mutations({ since: mark })).toHaveLength(1);
    const totals = registry.requestLog.totals;
    await call(nodes[0].api, 'GET', '/v1/bdbs');
    expect(registry.requestLog.totals).toEqual({ requests: totals.requests + 1, mutations: totals.mutations });
  });

  test('cluster settings and license', async () => {
    const { nodes } = await formCluster(1);
    const api = nodes[0].api;
    expect((await call(api, 'PUT', '/v1/cluster', { body: { email_alerts: true } })).body.email_alerts).toBe(true);
    expect((await call(api, 'PUT', '/v1/cluster', { body: { name: 'renamed' } })).status).toBe(400);
    const trial = (await call(api, 'GET', '/v1/license')).body;
    expect(trial).toMatchObject({ expired: false, cluster_name: 'rec.ns.svc.cluster.local', shards_limit: 4 });
    expect((await call(api, 'PUT', '/v1/license', { body: { license: 'garbage' } })).status).toBe(400);
    const key = '----- LICENSE START -----\nabc\n----- LICENSE END -----\n';
    expect((await call(api, 'PUT', '/v1/license', { body: { license: key } })).body.license).toBe(key);
  });
});

describe('Active-Active (crdbs)', () => {
  async function twoClusters() {
    const clock = new ManualClock();
    const registry = new ApiDoubleClusterRegistry({ clock, timing: { bootstrapMs: 100, actionMs: 60, crdbTaskMs: 90 } });
    const east = await formCluster(1, { registry, clock, name: 'api.east.example.com' });
    const west = await formCluster(1, { registry, clock, name: 'api.west.example.com' });
    return { clock, east: east.nodes[0], west: west.nodes[0] };
  }

  const crdbBody = (westPassword = ADMIN.password) => ({
    name: 'sessions',
    default_db_config: { name: 'sessions', memory_size: 100 * MIB, port: 12100 },
    instances: [
      { cluster: { url: 'https://api.east.example.com:443', name: 'api.east.example.com', credentials: ADMIN }, compression: 6 },
      { cluster: { url: 'https://api.west.example.com:443', name: 'api.west.example.com', credentials: { ...ADMIN, password: westPassword } } },
    ],
    encryption: true,
  });

  test('create → task queued/started/finished → both clusters have the CRDB; patch; delete', async () => {
    const { clock, east, west } = await twoClusters();
    const task = await call(east.api, 'POST', '/v1/crdbs', { body: crdbBody() });
    expect(task.status).toBe(200);
    expect(task.body).toMatchObject({ status: 'queued', crdb_guid: expect.any(String), id: expect.any(String) });
    const guid = task.body.crdb_guid;
    clock.advance(30);
    expect((await call(east.api, 'GET', `/v1/crdb_tasks/${task.body.id}`)).body.status).toBe('started');
    clock.advance(60);
    expect((await call(east.api, 'GET', `/v1/crdb_tasks/${task.body.id}`)).body).toMatchObject({ status: 'finished', errors: [] });

    for (const side of [east, west]) {
      const list = (await call(side.api, 'GET', '/v1/crdbs')).body;
      expect(list.map((c: any) => c.guid)).toEqual([guid]);
      expect(JSON.stringify(list)).not.toContain(ADMIN.password);
      const bdb = (await call(side.api, 'GET', '/v1/bdbs/1')).body;
      expect(bdb).toMatchObject({ name: 'sessions', port: 12100, crdt: true, crdt_guid: guid, status: 'active' });
    }
    expect((await call(west.api, 'GET', `/v1/crdbs/${guid}`)).body.local_databases).toEqual([{ bdb_uid: '1', id: 2 }]);

    const patch = await call(west.api, 'PATCH', `/v1/crdbs/${guid}`, { body: { default_db_config: { memory_size: 200 * MIB } } });
    expect(patch.body.status).toBe('queued');
    clock.advance(90);
    expect((await call(west.api, 'GET', `/v1/crdb_tasks/${patch.body.id}`)).body.status).toBe('finished');
    for (const side of [east, west]) expect((await call(side.api, 'GET', '/v1/bdbs/1')).body.memory_size).toBe(200 * MIB);

    const del = await call(east.api, 'DELETE', `/v1/crdbs/${guid}`);
    clock.advance(90);
    expect((await call(east.api, 'GET', `/v1/crdb_tasks/${del.body.id}`)).body.status).toBe('finished');
    for (const side of [east, west]) {
      expect((await call(side.api, 'GET', '/v1/crdbs')).body).toEqual([]);
      expect((await call(side.api, 'GET', '/v1/bdbs')).body).toEqual([]);
    }
  });

  test('wrong participant credentials fail the task with documented error entries, and nothing is created', async () => {
    const { clock, east, west } = await twoClusters();
    const task = await call(east.api, 'POST', '/v1/crdbs', { body: crdbBody('not-the-password') });
    clock.advance(90);
    const done = (await call(east.api, 'GET', `/v1/crdb_tasks/${task.body.id}`)).body;
    expect(done.status).toBe('failed');
    expect(done.errors).toEqual([{ cluster_name: 'api.west.example.com', error_code: 'unauthorized', description: expect.any(String) }]);
    expect((await call(west.api, 'GET', '/v1/bdbs')).body).toEqual([]);
    expect((await call(east.api, 'GET', '/v1/crdbs')).body).toEqual([]);
  });

  test('a request without a local instance or with missing fields is a 400', async () => {
    const { east } = await twoClusters();
    const body = crdbBody();
    const r = await call(east.api, 'POST', '/v1/crdbs', { body: { ...body, instances: [body.instances[1]] } });
    expect(r.status).toBe(400);
    expect((await call(east.api, 'POST', '/v1/crdbs', { body: { name: 'x', instances: body.instances } })).status).toBe(400);
    expect((await call(east.api, 'GET', '/v1/crdbs/nope')).status).toBe(404);
  });
});

describe('fault injection', () => {
  test('fail the next 3 POST /v1/bdbs with 503, leaving other requests alone', async () => {
    const { nodes } = await formCluster(1);
    const d = nodes[0];
    const rule = d.double.faults.failNext(3, 503, { method: 'POST', path: '/v1/bdbs' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await call(d.api, 'POST', '/v1/bdbs', { body: { name: `db${i}`, memory_size: MIB } })).status);
      expect((await call(d.api, 'GET', '/v1/bdbs')).status).toBe(200);
    }
    expect(statuses).toEqual([503, 503, 503, 200]);
    expect(rule.fired).toBe(3);
    expect(rule.active).toBe(false);
    expect(d.double.requestLog.entries({ method: 'POST', path: '/v1/bdbs' }).map((e) => e.fault)).toEqual(['error', 'error', 'error', undefined]);
  });

  test('rate-based errors follow the seed', async () => {
    async function pattern(seed: number): Promise<number[]> {
      const registry = new ApiDoubleClusterRegistry({ clock: new ManualClock(), seed });
      const d = await startNode(registry);
      d.double.faults.errorRate(0.5, 500);
      const out: number[] = [];
      for (let i = 0; i < 16; i++) out.push((await call(d.api, 'GET', '/v1/bootstrap', { auth: null })).status);
      return out;
    }
    const first = await pattern(42);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await pattern(42)).toEqual(first);
    expect(await pattern(7)).not.toEqual(first);
  });

  test('latency delays the matching answer only: a later request on another path is answered first', async () => {
    const { nodes, registry } = await formCluster(1);
    // Long enough that the undelayed request (a fresh TLS connection) comes back first even on a loaded machine.
    nodes[0].double.faults.latency(3000, { path: '/v1/cluster' });
    const order: string[] = [];
    const delayed = call(nodes[0].api, 'GET', '/v1/cluster').then((r) => { order.push('/v1/cluster'); return r; });
    expect((await call(nodes[0].api, 'GET', '/v1/nodes')).status).toBe(200);
    order.push('/v1/nodes');
    expect((await delayed).status).toBe(200);
    expect(order).toEqual(['/v1/nodes', '/v1/cluster']);
    expect(registry.requestLog.entries({ path: '/v1/cluster' }).map((e) => e.fault)).toEqual(['latency']);
    expect(registry.requestLog.entries({ path: '/v1/nodes' }).map((e) => e.fault)).toEqual([undefined]);
  });

  test('busy answers 409 busy', async () => {
    const { nodes } = await formCluster(1);
    nodes[0].double.faults.busyNext(1, { method: 'PUT' });
    await call(nodes[0].api, 'POST', '/v1/bdbs', { body: { name: 'a', memory_size: MIB } });
    const r = await call(nodes[0].api, 'PUT', '/v1/bdbs/1', { body: { memory_size: 2 * MIB } });
    expect([r.status, r.body.error_code]).toEqual([409, 'busy']);
  });

  test('drop destroys the connection without an answer; afterHandling applies the write first', async () => {
    const { nodes, cluster } = await formCluster(1);
    const d = nodes[0];
    d.double.faults.dropNext(1, { path: '/v1/cluster' });
    await expect(call(d.api, 'GET', '/v1/cluster')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await call(d.api, 'GET', '/v1/cluster')).status).toBe(200);

    d.double.faults.add({ kind: 'drop', method: 'POST', path: '/v1/bdbs', times: 1, afterHandling: true });
    await expect(call(d.api, 'POST', '/v1/bdbs', { body: { name: 'ghost', memory_size: MIB } })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(cluster.bdbs.byName('ghost')).toBeDefined();
    expect(d.double.requestLog.entries({ method: 'POST', path: '/v1/bdbs' })[0]).toMatchObject({ status: 'dropped', fault: 'drop', mutating: true });
  });

  test('timeout never answers until the client gives up', async () => {
    const { nodes, registry } = await formCluster(1);
    nodes[0].double.faults.timeoutNext(1, { path: '/v1/nodes' });
    await expect(call(nodes[0].api, 'GET', '/v1/nodes', { timeoutMs: 200 })).rejects.toThrow(/client timeout/);
    // The log entry is written when the server sees the client close: wait for that event.
    const entry = await eventually(() => registry.requestLog.entries({ path: '/v1/nodes' })[0]);
    expect(entry).toMatchObject({ status: 'timeout', fault: 'timeout' });
    expect((await call(nodes[0].api, 'GET', '/v1/nodes')).status).toBe(200);
  });

  test('cluster-wide and registry-wide faults reach every node', async () => {
    const { nodes, cluster, registry } = await formCluster(2);
    cluster.faults.failNext(2, 500, { path: '/v1/bdbs' });
    expect((await call(nodes[0].api, 'GET', '/v1/bdbs')).status).toBe(500);
    expect((await call(nodes[1].api, 'GET', '/v1/bdbs')).status).toBe(500);
    expect((await call(nodes[1].api, 'GET', '/v1/bdbs')).status).toBe(200);

    registry.faults.failNext(1, 503);
    const r = await call(nodes[1].api, 'GET', '/v1/license');
    expect([r.status, r.body.error_code]).toEqual([503, 'service_unavailable']);
  });

  test('fault specs are validated', () => {
    const registry = new ApiDoubleClusterRegistry();
    const d = new RedisEnterpriseApiDouble({ registry });
    running.push(d);
    expect(() => d.faults.add({ kind: 'latency' })).toThrow(/latencyMs/);
    expect(() => d.faults.add({ kind: 'error', rate: 2 })).toThrow(/rate/);
    expect(() => d.faults.add({ kind: 'busy', afterHandling: true })).toThrow(/afterHandling/);
  });
});

/** Node uids holding each shard of the cluster's databases, by shard uid. */
function placementOf(cluster: NonNullable<RedisEnterpriseApiDouble['cluster']>): Record<number, [number, string]> {
  const out: Record<number, [number, string]> = {};
  for (const b of cluster.bdbs.list()) for (const sh of b.shards) out[sh.uid] = [sh.nodeUid, sh.role];
  return out;
}

describe('node maintenance (node actions)', () => {
  // Node actions take 150 ms of clock time (DEFAULT_TIMING.nodeActionMs): queued for 50, running until 150.
  test('maintenance_on moves shards and endpoints off the node, survives a restart, and maintenance_off brings them back', async () => {
    const { nodes, clock, cluster } = await formCluster(3);
    const api = nodes[0].api;
    // uid 1 starts on node 1 (replica on node 2); uid 2 on node 2 (replica on node 3); uid 3 on node 3, no replica.
    for (const [name, replication] of [['a', true], ['b', true], ['c', false]] as const) {
      expect((await call(api, 'POST', '/v1/bdbs', { body: { name, memory_size: 100 * MIB, replication } })).status).toBe(200);
    }
    clock.advance(60);
    const before = placementOf(cluster);
    const endpointsBefore = cluster.bdbs.list().map((b) => [...b.endpointNodes]);
    expect((await call(api, 'GET', '/v1/nodes/2')).body.shard_count).toBe(2);

    const started = await call(api, 'POST', '/v1/nodes/2/actions/maintenance_on', { body: {} });
    expect(started.status).toBe(200);
    expect(started.body).toEqual({ status: 'queued', task_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    // Documented: one instance of an action type at a time.
    expect((await call(api, 'POST', '/v1/nodes/2/actions/maintenance_on', { body: {} })).status).toBe(409);
    clock.advance(60);
    const running = (await call(api, 'GET', '/v1/nodes/2/actions/maintenance_on')).body;
    expect(running).toMatchObject({ name: 'maintenance_on', node_uid: '2', status: 'running', task_id: started.body.task_id });
    expect(running.progress).toBeGreaterThan(0);
    // Nothing has moved while the action runs.
    expect(placementOf(cluster)).toEqual(before);
    clock.advance(90);
    expect((await call(api, 'GET', '/v1/nodes/2/actions/maintenance_on')).body).toMatchObject({ status: 'completed', progress: 100 });

    const status = (await call(api, 'GET', '/v1/nodes/2/status')).body;
    expect(status).toMatchObject({ node_status: 'active', master_shards: [], slave_shards: [] });
    expect(status.maintenance_snapshot).toEqual({
      name: expect.stringMatching(/^maintenance_mode_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d$/),
      created_time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      node_uid: '2',
    });
    expect((await call(api, 'GET', '/v1/nodes/1/status')).body.maintenance_snapshot).toBeUndefined();
    expect((await call(api, 'GET', '/v1/nodes/2')).body).toMatchObject({ status: 'active', shard_count: 0, accept_servers: false });
    expect((await call(api, 'GET', '/v1/nodes/2/snapshots')).body).toEqual([status.maintenance_snapshot]);
    // Master and replica of one shard never share a node; no endpoint is left on node 2.
    for (const b of cluster.bdbs.list()) {
      const byIndex = new Map<number, number[]>();
      for (const sh of b.shards) byIndex.set(sh.index, [...(byIndex.get(sh.index) ?? []), sh.nodeUid]);
      for (const holders of byIndex.values()) expect(new Set(holders).size).toBe(holders.length);
      expect(b.endpointNodes).not.toContain(2);
    }
    const bdbB = (await call(api, 'GET', '/v1/bdbs/2')).body;
    expect(bdbB.endpoints[0].addr).not.toContain(nodes[1].double.addr);
    // No new shard lands on a node in maintenance.
    await call(api, 'POST', '/v1/bdbs', { body: { name: 'd', memory_size: 100 * MIB, replication: true } });
    clock.advance(60);
    expect(cluster.bdbs.byName('d')!.shards.map((sh) => sh.nodeUid)).not.toContain(2);
    await call(api, 'DELETE', '/v1/bdbs/4');
    clock.advance(60);

    // Maintenance is kept in the cluster's configuration: a restart of the node does not end it.
    await nodes[1].double.stop();
    await nodes[1].double.start();
    expect((await call(nodes[1].api, 'GET', '/v1/nodes/2/status')).body.maintenance_snapshot).toBeDefined();

    expect((await call(api, 'POST', '/v1/nodes/2/actions/maintenance_off', { body: {} })).status).toBe(200);
    clock.advance(150);
    expect((await call(api, 'GET', '/v1/nodes/2/actions/maintenance_off')).body.status).toBe('completed');
    expect((await call(api, 'GET', '/v1/nodes/2/status')).body.maintenance_snapshot).toBeUndefined();
    expect((await call(api, 'GET', '/v1/nodes/2')).body).toMatchObject({ shard_count: 2, accept_servers: true });
    expect(placementOf(cluster)).toEqual(before);
    expect(cluster.bdbs.list().map((b) => [...b.endpointNodes])).toEqual(endpointsBefore);

    // Without a snapshot maintenance_off fails and changes nothing.
    await call(api, 'POST', '/v1/nodes/2/actions/maintenance_off', { body: {} });
    clock.advance(150);
    expect((await call(api, 'GET', '/v1/nodes/2/actions/maintenance_off')).body).toMatchObject({ status: 'failed', error_code: 'internal_error' });
    expect((await call(api, 'GET', '/v1/nodes/2/actions')).body.actions.map((a: any) => a.name).sort()).toEqual(['maintenance_off', 'maintenance_on']);
    expect((await call(api, 'GET', '/v1/nodes/actions')).body).toHaveLength(2);
    // DELETE of a finished action removes its status.
    expect((await call(api, 'DELETE', '/v1/nodes/2/actions/maintenance_off')).status).toBe(200);
    expect((await call(api, 'GET', '/v1/nodes/2/actions/maintenance_off')).status).toBe(404);
  });

  test('quorum check, stacked activations, cancel, kept replicas, and a node that cannot be emptied', async () => {
    const two = await formCluster(2);
    await call(two.nodes[0].api, 'POST', '/v1/nodes/2/actions/maintenance_on');
    two.clock.advance(150);
    expect((await call(two.nodes[0].api, 'GET', '/v1/nodes/2/actions/maintenance_on')).body)
      .toMatchObject({ status: 'failed', error_code: 'internal_error', error_message: expect.stringMatching(/quorum/) });
    expect((await call(two.nodes[0].api, 'GET', '/v1/nodes/2/status')).body.maintenance_snapshot).toBeUndefined();

    const { nodes, clock, cluster } = await formCluster(3);
    const api = nodes[0].api;
    expect((await call(api, 'POST', '/v1/nodes/9/actions/maintenance_on')).status).toBe(404);
    expect((await call(api, 'POST', '/v1/nodes/1/actions/enslave_node')).status).toBe(400);
    expect((await call(api, 'POST', '/v1/nodes/1/actions/maintenance_on', { body: { evict_dbs: [1] } })).body.error_code).toBe('invalid_schema');

    // Cancelled while queued: no effect.
    await call(api, 'POST', '/v1/nodes/3/actions/maintenance_on');
    expect((await call(api, 'DELETE', '/v1/nodes/3/actions/maintenance_on')).status).toBe(200);
    clock.advance(150);
    expect((await call(api, 'GET', '/v1/nodes/3/actions/maintenance_on')).body.status).toBe('cancelled');
    expect(cluster.node(3)!.maintenance).toBeUndefined();

    // Documented: activations stack; two maintenance_on need two maintenance_off.
    for (const action of ['maintenance_on', 'maintenance_on', 'maintenance_off']) {
      await call(api, 'POST', `/v1/nodes/3/actions/${action}`);
      clock.advance(150);
      expect((await call(api, 'GET', `/v1/nodes/3/actions/${action}`)).body.status).toBe('completed');
    }
    expect((await call(api, 'GET', '/v1/nodes/3/status')).body.maintenance_snapshot).toBeDefined();
    await call(api, 'POST', '/v1/nodes/3/actions/maintenance_off');
    clock.advance(150);
    expect((await call(api, 'GET', '/v1/nodes/3/status')).body.maintenance_snapshot).toBeUndefined();

    // Replicas kept: the master on node 1 is demoted in place, its replica on node 2 promoted.
    await call(api, 'POST', '/v1/bdbs', { body: { name: 'a', memory_size: 100 * MIB, replication: true } });
    clock.advance(60);
    await call(api, 'POST', '/v1/nodes/1/actions/maintenance_on', { body: { evict_ha_replica: false, evict_active_active_replica: false } });
    clock.advance(150);
    // (State is brought up to the clock lazily, by the next request.)
    expect((await call(api, 'GET', '/v1/nodes/1/actions/maintenance_on')).body.status).toBe('completed');
    expect(cluster.bdbs.byName('a')!.shards.map((sh) => [sh.nodeUid, sh.role])).toEqual([[1, 'slave'], [2, 'master']]);

    // Node 1 is in maintenance; a database on nodes 2 and 3 cannot leave node 2 (node 3 holds its other shard).
    await call(api, 'POST', '/v1/bdbs', { body: { name: 'b', memory_size: 100 * MIB, replication: true } });
    clock.advance(60);
    expect(cluster.bdbs.byName('b')!.shards.map((sh) => sh.nodeUid).sort()).toEqual([2, 3]);
    await call(api, 'POST', '/v1/nodes/2/actions/maintenance_on');
    clock.advance(150);
    expect((await call(api, 'GET', '/v1/nodes/2/actions/maintenance_on')).body).toMatchObject({ status: 'failed', error_code: 'insufficient_resources' });
    // Improperly stopped: the node is in maintenance with shards left on it.
    expect((await call(api, 'GET', '/v1/nodes/2/status')).body.maintenance_snapshot).toBeDefined();
    expect((await call(api, 'GET', '/v1/nodes/2')).body.shard_count).toBeGreaterThan(0);
  });
});

describe('cluster settings: certificates, LDAP, policy, Auto Tiering at bootstrap', () => {
  let certA: TlsMaterial;
  let certB: TlsMaterial;
  beforeAll(async () => {
    [certA, certB] = await Promise.all([selfSignedCertificate('proxy.test', 30), selfSignedCertificate('api.test', 30)]);
  });

  test('PUT /v1/cluster/certificates validates everything first, then replaces; GET never returns keys', async () => {
    const { nodes, cluster, clock } = await formCluster(1);
    const api = nodes[0].api;
    const initial = (await call(api, 'GET', '/v1/cluster/certificates')).body;
    expect(Object.keys(initial).sort()).toEqual(['api_cert', 'cm_cert', 'metrics_exporter_cert', 'proxy_cert', 'syncer_cert']);
    expect(initial.api_cert).toBe(nodes[0].api.caCertPem);
    const put = (certificates: unknown[]) => call(api, 'PUT', '/v1/cluster/certificates', { body: { certificates } });
    const proxy = { name: 'proxy', certificate: certA.certPem, key: certA.keyPem };

    // One bad entry: nothing changes.
    let r = await put([proxy, { name: 'api', certificate: certB.certPem, key: certA.keyPem }]);
    expect([r.status, r.body.error_code]).toEqual([400, 'invalid_certificate']);
    expect(cluster.certificates.fingerprint('proxy')).toBe(cluster.certificates.fingerprint('api'));
    r = await put([{ name: 'nope', certificate: certA.certPem, key: certA.keyPem }]);
    expect([r.status, r.body.error_code]).toEqual([403, 'unknown_certificate']);
    r = await put([{ name: 'proxy', certificate: 'not a certificate', key: certA.keyPem }]);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).not.toContain('PRIVATE KEY');

    r = await put([proxy]);
    expect(r.status).toBe(200);
    expect(r.body).toBeUndefined();
    const after = (await call(api, 'GET', '/v1/cluster/certificates')).body;
    expect(after.proxy_cert).toBe(certA.certPem);
    expect(after.api_cert).toBe(initial.api_cert);
    expect(JSON.stringify(after)).not.toMatch(/_key|PRIVATE KEY/);
    expect(cluster.certificates.fingerprint('proxy')).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cluster.certificates.updates).toBe(1);

    clock.advance(400 * 86_400_000);
    r = await put([{ name: 'syncer', certificate: certB.certPem, key: certB.keyPem }]);
    expect([r.status, r.body.error_code]).toEqual([406, 'certificate_expired']);
  });

  test('LDAP: set, masked password, documented field rules, delete', async () => {
    const { nodes, cluster } = await formCluster(1);
    const api = nodes[0].api;
    expect((await call(api, 'GET', '/v1/cluster/ldap')).body).toMatchObject({ uris: [], control_plane: false, bind_pass: '' });
    const body = {
      uris: ['ldaps://ldap.example.org:636'], bind_dn: 'cn=reader,dc=example,dc=org', bind_pass: 'ldap-bind-secret',
      user_dn_template: 'cn=%u,ou=people,dc=example,dc=org', dn_group_attr: 'memberOf', control_plane: true, data_plane: false,
      starttls: false, ca_cert: certA.certPem,
    };
    expect((await call(api, 'PUT', '/v1/cluster/ldap', { body })).status).toBe(200);
    const got = (await call(api, 'GET', '/v1/cluster/ldap')).body;
    expect(got).toMatchObject({ ...body, bind_pass: '***' });
    expect(cluster.ldap.bindPasswordIs('ldap-bind-secret')).toBe(true);
    expect(cluster.ldap.bindPasswordIs('other')).toBe(false);

    const bad = async (patch: Record<string, unknown>, code: string) => {
      const r = await call(api, 'PUT', '/v1/cluster/ldap', { body: patch });
      expect([r.status, r.body.error_code]).toEqual([400, code]);
    };
    await bad({ dn_group_query: { base: 'dc=example,dc=org', filter: 'member=%D', scope: 'subtree' } }, 'illegal_fields_combination');
    await bad({ uris: ['ldap.example.org'] }, 'invalid_schema');
    await bad({ directory_timeout_s: 2 }, 'invalid_schema');
    await bad({ control_plane: 'yes' }, 'invalid_schema');
    expect(cluster.ldap.updates).toBe(1);

    expect((await call(api, 'DELETE', '/v1/cluster/ldap')).status).toBe(200);
    expect((await call(api, 'GET', '/v1/cluster/ldap')).body).toMatchObject({ uris: [], bind_pass: '', control_plane: false });
  });

  test('policy data_internode_encryption is the default of new databases', async () => {
    const { nodes, clock } = await formCluster(1);
    const api = nodes[0].api;
    expect((await call(api, 'GET', '/v1/cluster/policy')).body).toMatchObject({ data_internode_encryption: false, default_shards_placement: 'dense' });
    expect((await call(api, 'PUT', '/v1/cluster/policy', { body: { data_internode_encryption: 'yes' } })).status).toBe(400);
    await call(api, 'POST', '/v1/bdbs', { body: { name: 'before', memory_size: MIB } });
    expect((await call(api, 'PUT', '/v1/cluster/policy', { body: { data_internode_encryption: true } })).status).toBe(200);
    expect((await call(api, 'GET', '/v1/cluster/policy')).body.data_internode_encryption).toBe(true);
    await call(api, 'POST', '/v1/bdbs', { body: { name: 'after', memory_size: MIB } });
    await call(api, 'POST', '/v1/bdbs', { body: { name: 'explicit', memory_size: MIB, data_internode_encryption: false } });
    clock.advance(60);
    const bdbs = (await call(api, 'GET', '/v1/bdbs')).body;
    expect(bdbs.map((b: any) => [b.name, b.data_internode_encryption])).toEqual([['before', false], ['after', true], ['explicit', false]]);
  });

  test('bootstrap node.bigstore_enabled and paths.bigstore_path are reported on the node', async () => {
    const clock = new ManualClock();
    const registry = new ApiDoubleClusterRegistry({ clock });
    const a = await startNode(registry);
    const b = await startNode(registry);
    await call(a.api, 'POST', '/v1/bootstrap/create_cluster', {
      auth: null,
      body: { ...createBody('flash.ns.svc.cluster.local'), node: { identity: {}, bigstore_enabled: true, paths: { bigstore_path: '/var/opt/redislabs/flash' } } },
    });
    clock.advance(100);
    await call(b.api, 'POST', '/v1/bootstrap/join_cluster', { auth: null, body: { ...joinBody([a.double.addr]), node: { identity: {}, bigstore_enabled: 'yes' } } });
    clock.advance(100);
    expect((await call(a.api, 'GET', '/v1/nodes/1')).body).toMatchObject({ bigstore_enabled: true, bigredis_storage_path: '/var/opt/redislabs/flash' });
    expect((await call(b.api, 'GET', '/v1/bootstrap', { auth: null })).body.bootstrap_status).toMatchObject({ state: 'error', error_code: 'config_error' });
  });
});
