/**
 * The REST double's cluster limits and long-running work, as a real cluster
 * has them: node uids (need not start at 1, never reused), the license's
 * shard limit, `shards_overbooking` (bootstrap default true), certificate
 * replacement that takes time (409 meanwhile) and CRDB task results that
 * expire after 500 s.
 */
import { ApiDoubleClusterRegistry, ManualClock, selfSignedCertificate } from '../support/redis-enterprise-api-double';
import { ADMIN, MIB, call, createBody, formCluster, joinBody, running, startNode } from './support/api-double-http';

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.dispose()));
});

const GIB = 1024 * MIB;

describe('node uids', () => {
  test('start where the policy says and are never given again after a node is removed', async () => {
    const clock = new ManualClock();
    const registry = new ApiDoubleClusterRegistry({ clock, policy: { firstNodeUid: 7 } });
    const { nodes, cluster } = await formCluster(3, { registry, clock });
    expect(cluster.nodes().map((n) => n.uid)).toEqual([7, 8, 9]);
    // The real answer carries the uid as a string.
    expect((await call(nodes[2].api, 'GET', '/v1/bootstrap')).body.local_node_info.uid).toBe('9');

    await nodes[2].double.stop();
    cluster.removeNode(9);
    const replacement = await startNode(registry);
    expect((await call(replacement.api, 'POST', '/v1/bootstrap/join_cluster', {
      auth: null, body: joinBody([nodes[0].double.addr], { addr: replacement.double.addr }),
    })).status).toBe(200);
    clock.advance(100);
    expect(replacement.double.nodeUid).toBe(10);
    expect(cluster.nodes().map((n) => n.uid)).toEqual([7, 8, 10]);
  });

  test('a node holding shards or still running cannot be removed', async () => {
    const { nodes, cluster } = await formCluster(2);
    expect(() => cluster.removeNode(2)).toThrow(/stop its double/);
    await call(nodes[0].api, 'POST', '/v1/bdbs', { body: { name: 'a', memory_size: MIB } });
    const holder = cluster.bdbs.byName('a')!.shards[0].nodeUid;
    await nodes[holder - 1].double.stop();
    expect(() => cluster.removeNode(holder)).toThrow(/holds shards/);
  });
});

describe('license shard limit', () => {
  test('a trial cluster reports 4 shards and, when enforced, refuses a write that needs more (masters and replicas)', async () => {
    const clock = new ManualClock();
    const registry = new ApiDoubleClusterRegistry({ clock, policy: { enforceShardsLimit: true } });
    const { nodes } = await formCluster(2, { registry, clock });
    const api = nodes[0].api;
    expect((await call(api, 'GET', '/v1/license')).body).toMatchObject({ shards_limit: 4 });
    expect((await call(api, 'POST', '/v1/bdbs', { body: { name: 'a', memory_size: MIB, replication: true } })).status).toBe(200);
    expect((await call(api, 'POST', '/v1/bdbs', { body: { name: 'b', memory_size: MIB } })).status).toBe(200);
    const third = await call(api, 'POST', '/v1/bdbs', { body: { name: 'c', memory_size: MIB, replication: true } });
    expect([third.status, third.body.error_code]).toEqual([406, 'insufficient_resources']);
    expect(third.body.description).toMatch(/allows 4 shards/);
    // An update counts the database's own shards once: b with replication makes 4, allowed.
    clock.advance(100);
    expect((await call(api, 'PUT', '/v1/bdbs/2', { body: { replication: true } })).status).toBe(200);
    expect((await call(api, 'POST', '/v1/bdbs', { body: { name: 'd', memory_size: MIB } })).status).toBe(406);
  });

  test('is not enforced by default', async () => {
    const { nodes } = await formCluster(2);
    for (const name of ['a', 'b', 'c']) {
      expect((await call(nodes[0].api, 'POST', '/v1/bdbs', { body: { name, memory_size: MIB, replication: true } })).status).toBe(200);
    }
  });
});

describe('shards_overbooking', () => {
  test('defaults to true at bootstrap: memory sizes are ignored; false makes the memory check apply', async () => {
    const { nodes } = await formCluster(1);
    const api = nodes[0].api;
    expect((await call(api, 'GET', '/v1/cluster/policy')).body.shards_overbooking).toBe(true);
    // 64 GiB on a 4 GiB node: accepted with overbooking.
    expect((await call(api, 'POST', '/v1/bdbs', { body: { name: 'big', memory_size: 64 * GIB } })).status).toBe(200);
    expect((await call(api, 'PUT', '/v1/cluster/policy', { body: { shards_overbooking: false } })).status).toBe(200);
    const refused = await call(api, 'POST', '/v1/bdbs', { body: { name: 'more', memory_size: MIB } });
    expect([refused.status, refused.body.error_code]).toEqual([406, 'insufficient_resources']);
    expect((await call(api, 'PUT', '/v1/cluster/policy', { body: { shards_overbooking: 'no' } })).status).toBe(400);
  });

  test('bootstrap policy.shards_overbooking false is the cluster policy from the start', async () => {
    const clock = new ManualClock();
    const registry = new ApiDoubleClusterRegistry({ clock });
    const node = await startNode(registry);
    await call(node.api, 'POST', '/v1/bootstrap/create_cluster', {
      auth: null, body: createBody('rec.ns.svc.cluster.local', { policy: { shards_overbooking: false } }, { addr: node.double.addr }),
    });
    clock.advance(1000);
    expect((await call(node.api, 'GET', '/v1/cluster/policy')).body.shards_overbooking).toBe(false);
    const refused = await call(node.api, 'POST', '/v1/bdbs', { body: { name: 'big', memory_size: 64 * GIB } });
    expect(refused.body.error_code).toBe('insufficient_resources');
  });
});

describe('certificate replacement', () => {
  test('answers when every node is updated; a PUT meanwhile gets 409 and changes nothing', async () => {
    const clock = new ManualClock();
    const registry = new ApiDoubleClusterRegistry({ clock, timing: { certificateMs: 60_000 } });
    const { nodes, cluster } = await formCluster(1, { registry, clock });
    const [first, second] = await Promise.all([selfSignedCertificate('proxy.one', 30), selfSignedCertificate('proxy.two', 30)]);
    const put = (m: { certPem: string; keyPem: string }) => call(nodes[0].api, 'PUT', '/v1/cluster/certificates', {
      body: { certificates: [{ name: 'proxy', certificate: m.certPem, key: m.keyPem }] }, timeoutMs: 10_000,
    });
    const before = cluster.certificates.fingerprint('proxy');
    let answered = false;
    const long = put(first).then((r) => { answered = true; return r; });
    // The PUT is in flight until the clock passes 60 s.
    await waitUntil(() => cluster.certificates.replacing);
    const meanwhile = await put(second);
    expect([meanwhile.status, meanwhile.body.error_code]).toEqual([409, 'not_all_nodes_updated']);
    expect(meanwhile.body.description).toMatch(/not all nodes have been updated/);
    expect(answered).toBe(false);
    expect(cluster.certificates.fingerprint('proxy')).toBe(before);
    clock.advance(60_000);
    expect((await long).status).toBe(200);
    expect(cluster.certificates.fingerprint('proxy')).not.toBe(before);
    expect(cluster.certificates.updates).toBe(1);
  });
});

describe('CRDB task results', () => {
  test('are kept 500 s after the task ended, then answer 404', async () => {
    const clock = new ManualClock();
    const registry = new ApiDoubleClusterRegistry({ clock, timing: { crdbTaskMs: 90 } });
    const { nodes } = await formCluster(1, { registry, clock, name: 'api.east.example.com' });
    const api = nodes[0].api;
    const task = (await call(api, 'POST', '/v1/crdbs', {
      body: {
        name: 'carts', default_db_config: { name: 'carts', memory_size: 100 * MIB },
        instances: [{ cluster: { url: 'https://api.east.example.com:443', name: 'api.east.example.com', credentials: ADMIN } }],
      },
    })).body;
    clock.advance(90);
    expect((await call(api, 'GET', `/v1/crdb_tasks/${task.id}`)).body.status).toBe('finished');
    clock.advance(499_999);
    expect((await call(api, 'GET', `/v1/crdb_tasks/${task.id}`)).status).toBe(200);
    clock.advance(1);
    expect((await call(api, 'GET', `/v1/crdb_tasks/${task.id}`)).status).toBe(404);
    // The database itself stays.
    expect((await call(api, 'GET', '/v1/crdbs')).body.map((c: { name: string }) => c.name)).toEqual(['carts']);
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error('condition not reached within 2 s');
}
