/**
 * The REST double's `remove` node action (documented POST
 * /v1/nodes/{uid}/actions/remove): shards and endpoints move off, the node
 * leaves /v1/nodes, its uid is never given again; it is refused when the
 * shards cannot be re-homed (insufficient_resources) or the quorum of the
 * remaining nodes would be lost.
 */
import type { ApiDoubleCluster } from '../support/redis-enterprise-api-double';
import { MIB, call, formCluster, joinBody, running, startNode } from './support/api-double-http';

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.dispose()));
});

function holders(cluster: ApiDoubleCluster): Array<Array<[number, string, number]>> {
  return cluster.bdbs.list().map((b) => b.shards.map((s) => [s.index, s.role, s.nodeUid] as [number, string, number]));
}

describe('remove node action', () => {
  test('moves shards and endpoints off a live node, then the node leaves the cluster and its uid is never reused', async () => {
    const { nodes, clock, cluster, registry } = await formCluster(5);
    const api = nodes[0].api;
    for (const [name, replication] of [['a', true], ['b', true], ['c', false], ['d', false], ['e', true]] as const) {
      expect((await call(api, 'POST', '/v1/bdbs', { body: { name, memory_size: 100 * MIB, replication } })).status).toBe(200);
    }
    clock.advance(60);
    const onFive = cluster.bdbs.list().flatMap((b) => b.shards).filter((s) => s.nodeUid === 5).length;
    expect(onFive).toBeGreaterThan(0);

    const started = await call(api, 'POST', '/v1/nodes/5/actions/remove', { body: { wait_for_persistence: false } });
    expect([started.status, started.body.status]).toEqual([200, 'queued']);
    // Documented: once accepted, nothing migrates to the node any more.
    expect((await call(api, 'GET', '/v1/nodes/5')).body.accept_servers).toBe(false);
    expect((await call(api, 'POST', '/v1/nodes/5/actions/maintenance_on', { body: {} })).status).toBe(409);
    clock.advance(200);
    expect((await call(api, 'GET', '/v1/nodes/5/actions/remove')).body).toMatchObject({ name: 'remove_node', node_uid: '5', status: 'completed', progress: 100 });

    expect(cluster.nodes().map((n) => n.uid)).toEqual([1, 2, 3, 4]);
    expect((await call(api, 'GET', '/v1/nodes/5')).status).toBe(404);
    for (const b of cluster.bdbs.list()) {
      expect(b.shards.map((s) => s.nodeUid)).not.toContain(5);
      expect(b.endpointNodes).not.toContain(5);
      const byIndex = new Map<number, number[]>();
      for (const s of b.shards) byIndex.set(s.index, [...(byIndex.get(s.index) ?? []), s.nodeUid]);
      for (const h of byIndex.values()) expect(new Set(h).size).toBe(h.length);
      expect(b.shards.filter((s) => s.role === 'master')).toHaveLength(1);
    }
    // The removed node's API answers as a freshly installed node: a join gives it a new uid.
    expect((await call(nodes[4].api, 'GET', '/v1/bootstrap', { auth: null })).body.bootstrap_status.state).toBe('idle');
    expect((await call(nodes[4].api, 'POST', '/v1/bootstrap/join_cluster', { auth: null, body: joinBody([nodes[0].double.addr], { addr: nodes[4].double.addr }) })).status).toBe(200);
    clock.advance(100);
    expect(nodes[4].double.nodeUid).toBe(6);
    expect(registry.clusters()).toHaveLength(1);
  });

  test('a down node is removed once its shards have live copies: replicas are re-created elsewhere', async () => {
    const { nodes, clock, cluster } = await formCluster(4);
    const api = nodes[0].api;
    expect((await call(api, 'POST', '/v1/bdbs', { body: { name: 'a', memory_size: 100 * MIB, replication: true, sharding: true, shards_count: 2 } })).status).toBe(200);
    clock.advance(60);
    await nodes[1].double.stop();
    expect((await call(api, 'POST', '/v1/nodes/2/actions/remove', { body: {} })).status).toBe(200);
    clock.advance(200);
    expect((await call(api, 'GET', '/v1/nodes/2/actions/remove')).body.status).toBe('completed');
    expect(cluster.nodes().map((n) => n.uid)).toEqual([1, 3, 4]);
    const shards = cluster.bdbs.byName('a')!.shards;
    expect(shards).toHaveLength(4);
    expect(shards.map((s) => s.nodeUid)).not.toContain(2);
  });

  test('refuses (insufficient_resources) a down node holding the only copy of a shard, and moves nothing', async () => {
    const { nodes, clock, cluster } = await formCluster(3);
    const api = nodes[0].api;
    await call(api, 'POST', '/v1/bdbs', { body: { name: 'solo', memory_size: 100 * MIB } });
    clock.advance(60);
    const holder = cluster.bdbs.byName('solo')!.shards[0].nodeUid;
    const other = nodes.find((n) => n.double.nodeUid !== holder)!;
    await nodes.find((n) => n.double.nodeUid === holder)!.double.stop();
    const before = holders(cluster);
    expect((await call(other.api, 'POST', `/v1/nodes/${holder}/actions/remove`, { body: {} })).status).toBe(200);
    clock.advance(200);
    expect((await call(other.api, 'GET', `/v1/nodes/${holder}/actions/remove`)).body).toMatchObject({ status: 'failed', error_code: 'insufficient_resources' });
    expect(holders(cluster)).toEqual(before);
    expect(cluster.node(holder)).toBeDefined();
  });

  test('refuses when the shards have nowhere to go (two nodes, replication) or the remaining nodes would lose their majority', async () => {
    const two = await formCluster(2);
    await call(two.nodes[0].api, 'POST', '/v1/bdbs', { body: { name: 'r', memory_size: 100 * MIB, replication: true } });
    two.clock.advance(60);
    await call(two.nodes[0].api, 'POST', '/v1/nodes/2/actions/remove', { body: {} });
    two.clock.advance(200);
    expect((await call(two.nodes[0].api, 'GET', '/v1/nodes/2/actions/remove')).body).toMatchObject({ status: 'failed', error_code: 'insufficient_resources' });
    expect(two.cluster.nodes()).toHaveLength(2);

    const five = await formCluster(5);
    await five.nodes[3].double.stop();
    await five.nodes[4].double.stop();
    // 5 members, 3 active: removing an active one leaves 2 of 4 active.
    await call(five.nodes[0].api, 'POST', '/v1/nodes/3/actions/remove', { body: {} });
    five.clock.advance(200);
    expect((await call(five.nodes[0].api, 'GET', '/v1/nodes/3/actions/remove')).body).toMatchObject({ status: 'failed', error_code: 'internal_error' });
    expect(five.cluster.nodes()).toHaveLength(5);
    expect((await call(five.nodes[0].api, 'POST', '/v1/nodes/3/actions/remove', { body: { wait_for_persistence: 'yes' } })).status).toBe(400);
  });
});


test('a new node may join at the address of a down member (its pod came back empty at its old IP)', async () => {
  const { nodes, clock, cluster, registry } = await formCluster(3);
  const addr = nodes[1].double.addr;
  await nodes[1].double.dispose();
  const fresh = await startNode(registry, { addr });
  await call(fresh.api, 'POST', '/v1/bootstrap/join_cluster', { auth: null, body: joinBody([nodes[0].double.addr], { addr }) });
  clock.advance(100);
  expect(fresh.double.nodeUid).toBe(4);
  expect(cluster.nodes().map((n) => [n.uid, n.addr, n.status])).toEqual([[1, nodes[0].double.addr, 'active'], [2, addr, 'down'], [3, nodes[2].double.addr, 'active'], [4, addr, 'active']]);
  expect(cluster.nodeByAddr(addr)?.uid).toBe(4);
});
