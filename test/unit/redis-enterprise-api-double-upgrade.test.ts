/**
 * The REST API test double's database Redis versions: `redis_version` at
 * create, `POST /v1/bdbs/{uid}/upgrade` as an action, its refusals, and the
 * nodes' `supported_database_versions` (requests/bdbs/upgrade, objects/bdb,
 * objects/node; the double's choices are in its README).
 */
import { ApiDoubleClusterRegistry, ManualClock } from '../support/redis-enterprise-api-double';
import { ADMIN, MIB, call, formCluster, running } from './support/api-double-http';

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.dispose()));
});

async function cluster3() {
  const formed = await formCluster(3);
  const api = formed.nodes[0].api;
  const create = async (body: Record<string, unknown>) => {
    const r = await call(api, 'POST', '/v1/bdbs', { body: { memory_size: MIB, ...body } });
    formed.clock.advance(60);
    return r;
  };
  return { ...formed, api, create };
}

describe('database Redis versions (test double)', () => {
  test('a new database gets the declared version, or the release\'s default; an unbundled one is refused', async () => {
    const { api, create } = await cluster3();
    expect((await create({ name: 'old', redis_version: '7.4' })).status).toBe(200);
    expect((await create({ name: 'new' })).status).toBe(200);
    const bdbs = (await call(api, 'GET', '/v1/bdbs')).body;
    // The double acts as 8.0.20 by default: "8.0.20 | 6.2, 7.2, 7.4, 8.0, 8.2, 8.4, 8.6 | 8.6".
    expect(bdbs.map((b: any) => [b.name, b.redis_version])).toEqual([['old', '7.4'], ['new', '8.6']]);
    const refused = await create({ name: 'future', redis_version: '9.0' });
    expect([refused.status, refused.body.error_code]).toEqual([406, 'unsupported_redis_version']);
    const nodes = (await call(api, 'GET', '/v1/nodes')).body;
    expect(nodes[0].supported_database_versions.filter((v: any) => v.db_type === 'redis').map((v: any) => v.version))
      .toEqual(['6.2', '7.2', '7.4', '8.0', '8.2', '8.4', '8.6']);
  });

  test('the upgrade runs as an SMUpgradeBDB action; the uid, shards and roles stay with preserve_roles', async () => {
    const { api, create, cluster, clock } = await cluster3();
    await create({ name: 'orders', redis_version: '7.4', replication: true });
    const before = cluster.bdbs.get(1)!.shards.map((s) => [s.uid, s.nodeUid, s.role]);
    const r = await call(api, 'POST', '/v1/bdbs/1/upgrade', { body: { redis_version: '8.0', preserve_roles: true } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ uid: 1, status: 'active-change-pending', redis_version: '7.4' });
    // Busy while it runs, for an update and another upgrade alike.
    expect((await call(api, 'PUT', '/v1/bdbs/1', { body: { memory_size: 2 * MIB } })).status).toBe(409);
    expect((await call(api, 'POST', '/v1/bdbs/1/upgrade', { body: { redis_version: '8.2' } })).status).toBe(409);
    clock.advance(60);
    const action = (await call(api, 'GET', `/v1/actions/${r.body.action_uid}`)).body;
    expect(action).toMatchObject({ name: 'SMUpgradeBDB', object_name: 'bdb:1', status: 'completed' });
    expect((await call(api, 'GET', '/v1/bdbs/1')).body).toMatchObject({ uid: 1, status: 'active', redis_version: '8.0' });
    expect(cluster.bdbs.get(1)!.shards.map((s) => [s.uid, s.nodeUid, s.role])).toEqual(before);
    expect(cluster.bdbs.upgrades).toEqual([{ uid: 1, from: '7.4', to: '8.0', preserveRoles: true }]);
  });

  test('without preserve_roles a replicated database ends with its roles swapped; without redis_version it goes to the default', async () => {
    const { api, create, cluster, clock } = await cluster3();
    await create({ name: 'orders', redis_version: '7.2', replication: true });
    const masterNode = cluster.bdbs.get(1)!.shards.find((s) => s.role === 'master')!.nodeUid;
    expect((await call(api, 'POST', '/v1/bdbs/1/upgrade', { body: {} })).status).toBe(200);
    clock.advance(60);
    expect((await call(api, 'GET', '/v1/bdbs/1')).body.redis_version).toBe('8.6');
    const bdb = cluster.bdbs.get(1)!;
    expect(bdb.shards.find((s) => s.role === 'master')!.nodeUid).not.toBe(masterNode);
    expect(bdb.endpointNodes).toEqual([bdb.shards.find((s) => s.role === 'master')!.nodeUid]);
  });

  test('refusals: unbundled version, downgrade, memcached, unknown field, wrong type, unknown database; PUT cannot change the version', async () => {
    const { api, create } = await cluster3();
    await create({ name: 'orders', redis_version: '8.0' });
    await create({ name: 'sessions', type: 'memcached' });
    const answers = await Promise.all([
      call(api, 'POST', '/v1/bdbs/1/upgrade', { body: { redis_version: '9.0' } }),
      call(api, 'POST', '/v1/bdbs/1/upgrade', { body: { redis_version: '7.4' } }),
      call(api, 'POST', '/v1/bdbs/2/upgrade', { body: { redis_version: '8.2' } }),
      call(api, 'POST', '/v1/bdbs/1/upgrade', { body: { redis_version: '8.2', swap_roles: true } }),
      call(api, 'POST', '/v1/bdbs/1/upgrade', { body: { redis_version: 8.2 } }),
      call(api, 'POST', '/v1/bdbs/9/upgrade', { body: { redis_version: '8.2' } }),
      call(api, 'PUT', '/v1/bdbs/1', { body: { redis_version: '8.2' } }),
    ]);
    expect(answers.map((a) => [a.status, a.body?.error_code])).toEqual([
      [400, 'unsupported_redis_version'], [400, 'redis_version_downgrade_unsupported'], [400, 'unsupported_redis_version'],
      [400, 'invalid_schema'], [400, 'invalid_schema'], [404, 'not_found'], [406, 'redis_version_immutable'],
    ]);
    expect((await call(api, 'GET', '/v1/bdbs/1')).body.redis_version).toBe('8.0');
  });

  test('an injected action failure leaves the version as it was', async () => {
    const { api, create, cluster, clock } = await cluster3();
    await create({ name: 'orders', redis_version: '7.4' });
    cluster.failNextActions(1, { name: 'SMUpgradeBDB', errorCode: 'internal_error', message: 'shard restart failed' });
    const r = await call(api, 'POST', '/v1/bdbs/1/upgrade', { body: { redis_version: '8.0', preserve_roles: true } });
    clock.advance(60);
    expect((await call(api, 'GET', `/v1/actions/${r.body.action_uid}`)).body).toMatchObject({ status: 'failed', error: 'shard restart failed' });
    expect((await call(api, 'GET', '/v1/bdbs/1')).body).toMatchObject({ status: 'active', redis_version: '7.4' });
  });
});

describe('Active-Active upgrades (test double)', () => {
  async function crdb(redisVersion: string) {
    const clock = new ManualClock();
    const registry = new ApiDoubleClusterRegistry({ clock, timing: { bootstrapMs: 100, actionMs: 60, crdbTaskMs: 90 } });
    const east = (await formCluster(1, { registry, clock, name: 'api.east.example.com' })).nodes[0];
    const west = (await formCluster(1, { registry, clock, name: 'api.west.example.com' })).nodes[0];
    const task = await call(east.api, 'POST', '/v1/crdbs', {
      body: {
        name: 'carts',
        default_db_config: { name: 'carts', memory_size: 100 * MIB, port: 12100, redis_version: redisVersion },
        instances: [
          { cluster: { url: 'https://api.east.example.com:443', name: 'api.east.example.com', credentials: ADMIN } },
          { cluster: { url: 'https://api.west.example.com:443', name: 'api.west.example.com', credentials: ADMIN } },
        ],
      },
    });
    clock.advance(90);
    return { clock, east, west, guid: task.body.crdb_guid as string };
  }
  const versions = async (nodes: Array<{ api: any }>) => Promise.all(nodes.map(async (n) => (await call(n.api, 'GET', '/v1/bdbs/1')).body.redis_version));

  test('POST /v1/crdbs/{guid}/upgrade is a task that upgrades every instance; default_db_config follows', async () => {
    const { clock, east, west, guid } = await crdb('7.4');
    expect(await versions([east, west])).toEqual(['7.4', '7.4']);
    const task = await call(west.api, 'POST', `/v1/crdbs/${guid}/upgrade`, { body: { redis_version: '8.0', preserve_roles: true } });
    expect(task.body).toMatchObject({ status: 'queued', crdb_guid: guid });
    clock.advance(90);
    expect((await call(west.api, 'GET', `/v1/crdb_tasks/${task.body.id}`)).body).toMatchObject({ status: 'finished', errors: [] });
    expect(await versions([east, west])).toEqual(['8.0', '8.0']);
    expect((await call(east.api, 'GET', `/v1/crdbs/${guid}`)).body.default_db_config.redis_version).toBe('8.0');
  });

  test('a downgrade fails the task on every instance with no effect; an undocumented field is 400', async () => {
    const { clock, east, west, guid } = await crdb('8.0');
    const task = await call(east.api, 'POST', `/v1/crdbs/${guid}/upgrade`, { body: { redis_version: '7.4' } });
    clock.advance(90);
    const done = (await call(east.api, 'GET', `/v1/crdb_tasks/${task.body.id}`)).body;
    expect(done.status).toBe('failed');
    expect(done.errors.map((e: any) => e.error_code)).toEqual(['redis_version_downgrade_unsupported', 'redis_version_downgrade_unsupported']);
    expect(await versions([east, west])).toEqual(['8.0', '8.0']);
    const bad = await call(east.api, 'POST', `/v1/crdbs/${guid}/upgrade`, { body: { redis_version: '8.2', keep_redis_version: true } });
    expect([bad.status, bad.body.error_code]).toEqual([400, 'invalid_schema']);
  });
});
