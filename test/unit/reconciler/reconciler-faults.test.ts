/**
 * The reconciler under REST faults (busy, 5xx, dropped connections, lost
 * answers to writes that happened) and with an Active-Active database.
 */
import { DesiredState } from '../../../lib/contract/desired-state';
import { Secret } from '../../../lib/reconciler/io/kube-types';
import { STATUS_KEY, StatusDocument } from '../../../lib/reconciler/plan/status';
import { database, desiredState } from './support/desired';
import { Sim } from './support/sim';

jest.setTimeout(60_000);

function status(sim: Sim): StatusDocument | undefined {
  const cm = sim.kube.get<{ data?: Record<string, string> }>('configmaps', 'rec-status');
  return cm?.data?.[STATUS_KEY] ? JSON.parse(cm.data[STATUS_KEY]) as StatusDocument : undefined;
}

describe('REST faults', () => {
  let sim: Sim;
  afterEach(async () => { await sim?.stop(); });

  it('converges through busy answers, 5xx, dropped connections and lost answers, creating each database once', async () => {
    sim = await Sim.create({ state: desiredState('rec', 'redis', 3, [database('a', 12000), database('b', 12001), database('c', 12002)]) });
    const f = sim.registry.faults;
    f.add({ kind: 'error', status: 503, method: 'GET', path: '/v1/bdbs', times: 3 });
    f.add({ kind: 'busy', method: 'POST', path: '/v1/bdbs', times: 2 });
    f.add({ kind: 'drop', method: 'GET', path: '/v1/nodes', times: 2 });
    // The write happens, its answer is lost: the next pass must find the database, not create a second one.
    f.add({ kind: 'error', status: 500, method: 'POST', path: '/v1/bdbs', times: 1, afterHandling: true });
    f.add({ kind: 'latency', latencyMs: 30, rate: 0.3 });
    await sim.startAll();
    await sim.until('converged', () => {
      const s = status(sim);
      return s?.clusterState === 'Running' && !s.lastError && s.databases.filter((d) => d.status === 'active').length === 3;
    }, 45_000);
    const cluster = sim.nodes[0].double.cluster!;
    expect(cluster.bdbs.list().map((b) => b.config.name).sort()).toEqual(['a', 'b', 'c']);
    expect(cluster.bdbs.list().map((b) => b.config.port).sort()).toEqual([12000, 12001, 12002]);
    // Admin Secret created once, never rewritten.
    expect(sim.kube.writes.filter((w) => w.endsWith('secrets/rec'))).toEqual(['create secrets/rec']);
  });

  it('survives a REST API that times out, without a hot loop', async () => {
    sim = await Sim.create({ state: desiredState('rec', 'redis', 3, [database('a', 12000)]) });
    await sim.startAll();
    await sim.until('converged', () => status(sim)?.databases[0]?.status === 'active', 30_000);
    const leader = sim.leaderNode()!;
    const rule = leader.double.faults.add({ kind: 'timeout', method: 'GET', path: '/v1/nodes' });
    const seen = () => leader.double.requestLog.entries({ method: 'GET', path: '/v1/nodes' }).length;
    const before = seen();
    leader.reconciler!.controller.trigger('test');
    await new Promise((r) => setTimeout(r, 6000));
    // 2 s client timeout plus backoff: a handful of attempts in 6 s, not hundreds.
    expect(seen() - before).toBeLessThanOrEqual(5);
    rule.remove();
    await sim.until('recovered', () => { const s = status(sim); return s?.clusterState === 'Running' && !s.lastError; }, 70_000);
  });
});

describe('Active-Active', () => {
  let sim: Sim;
  afterEach(async () => { await sim?.stop(); });

  it('creates the CRDB from the remote-cluster entries and their credential Secrets', async () => {
    const base = desiredState('rec', 'redis', 3, []);
    const remote = (name: string, rec: string, ns: string, local: boolean) => ({
      name, recName: rec, recNamespace: ns, apiFqdn: `api-${rec}-${ns}.example.com`, apiPort: 443,
      dbFqdnSuffix: `-db-${rec}-${ns}.example.com`, credentialsSecretName: `redis-enterprise-${name}`, local,
    });
    const { serviceName: _s, headlessServiceName: _h, deletionPolicy: _d, ...settings } = database('aadb', 12010);
    const state: DesiredState = {
      ...base,
      remoteClusters: [remote('rerc-a', 'rec', 'redis', true), remote('rerc-b', 'rec2', 'other', false)],
      activeActiveDatabases: [{
        ...settings, name: 'aadb', participants: ['rerc-a', 'rerc-b'], deletionPolicy: 'retain',
        serviceName: 'aadb', headlessServiceName: 'aadb-headless', externalHostname: 'aadb-db-rec-redis.example.com',
      }],
    };
    sim = await Sim.create({ state });
    const secret = (name: string, data: Record<string, string>): Secret => ({ metadata: { name }, stringData: data });
    sim.kube.put('secrets', secret('redb-aadb', { password: 'shared-by-the-user' }) as never);
    sim.kube.put('secrets', secret('redis-enterprise-rerc-b', { username: 'admin@other', password: 'remote' }) as never);
    await sim.startAll();
    await sim.until('crdb active', () => status(sim)?.activeActiveDatabases[0]?.status === 'active', 30_000);
    const cluster = sim.nodes[0].double.cluster!;
    const crdb = cluster.crdbs.list()[0];
    expect(crdb).toBeDefined();
    const json = cluster.crdbs.json(crdb) as { name: string; instances: Array<{ cluster: { name: string; url: string } }> };
    expect(json.name).toBe('aadb');
    expect(json.instances.map((i) => i.cluster.name).sort()).toEqual(['rec.redis.svc.cluster.local', 'rec2.other.svc.cluster.local']);
    expect(json.instances.map((i) => i.cluster.url)).toContain('https://api-rec2-other.example.com:443');
    await sim.until('slices for the local instance', () => sim.kube.get('endpointslices', 'aadb') !== undefined, 10_000);
  });
});
