/**
 * The reconciler on a real control plane: the synthesized production example
 * (with databases) is applied; one reconciler sidecar per simulated node pod
 * (a container of the image `npm run image` builds), authenticated with a token of the
 * cluster's own ServiceAccount (so the synthesized Role is what it gets), each
 * pointed at its own REST API double instance on 127.0.0.1 whose node address
 * is the pod's IP. Pod IPs are only data: nothing dials them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DeletionPolicy } from '../../lib/database/database-props';
import { DesiredState } from '../../lib/contract/desired-state';
import { waitFor } from '../support/kube-client';
import { ApiDoubleClusterRegistry } from '../support/redis-enterprise-api-double';
import { describeE2E } from './harness/describe-e2e';
import { deleteNamespace } from './harness/namespaces';
import { podContainer, runAsOf } from './harness/pod-container';
import { podman } from './harness/podman';
import { reconcilerImage } from './harness/reconciler-image';
import { execInSidecar, sidecarContainers } from './harness/reconciler-sidecar';
import { RECONCILER_CONTAINER_NAME } from '../../lib/contract/names';
import {
  deployWithReconcilers, desiredOf, ensureReconcilerBuilt, FleetDatabase, fleetQueries, productionObjectsWith, REC, ReconcilerNode, startReconciler, stopFleet, stopReconciler,
} from './harness/reconciler-fleet';

const FIELD_MANAGER = 'cdk8s-redis-enterprise-e2e';
const LEASE_SECONDS = 6;


describeE2E('reconciler on a real control plane', ({ client, info }) => {
  let ns: string;
  let tmp: string;
  const registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 200, actionMs: 200, crdbTaskMs: 200 } });
  const nodes: ReconcilerNode[] = [];
  const initial: FleetDatabase[] = [{ name: 'cache' }, { name: 'sessions', replication: true, deletionPolicy: DeletionPolicy.DELETE }];
  let desired: DesiredState;

  const { status, cluster, slices, servingIps } = fleetQueries(client, () => ns, registry);

  async function converged(dbNames: string[]): Promise<boolean> {
    const s = await status();
    if (!s || s.clusterState !== 'Running' || s.lastError || !s.desiredState.valid) return false;
    return dbNames.every((d) => s.databases.some((x: any) => x.name === d && x.status === 'active' && x.declared && x.endpoints[0]?.pods.length > 0));
  }

  beforeAll(async () => {
    await ensureReconcilerBuilt();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reconciler-e2e-'));
    // The example ships its PriorityClass; the reconcilers run with a token of the ServiceAccount: exactly the synthesized Role.
    const deployed = await deployWithReconcilers({
      client, info, namespacePrefix: 'rec-reconciler', dbs: initial, registry, dir: tmp, fieldManager: FIELD_MANAGER,
      env: { LEASE_DURATION_SECONDS: String(LEASE_SECONDS), RESYNC_SECONDS: '5', LOG_LEVEL: 'info' },
    });
    ({ ns, desired } = deployed);
    nodes.push(...deployed.nodes);
  });

  afterAll(async () => {
    await stopFleet({ nodes, info, logName: 'reconciler-e2e.log', tmp });
    if (ns) await deleteNamespace(client, ns);
  });

  it('forms one Redis Enterprise cluster from all three nodes, with rack ids from the zones', async () => {
    await waitFor('cluster of 3 nodes, status Running', async (observe) => {
      const s = await status();
      observe(s ?? nodes.map((n) => n.log.split('\n').slice(-3).join(' | ')));
      return s?.clusterState === 'Running';
    }, { timeoutMs: 120_000 });
    const c = cluster();
    expect(registry.clusters()).toHaveLength(1);
    expect(c.nodes().map((n) => n.addr).sort()).toEqual(nodes.map((n) => n.ip).sort());
    expect(new Set(c.nodes().map((n) => n.rackId)).size).toBe(3);
    // readiness of each sidecar says "in the cluster"
    for (const n of nodes) {
      await waitFor(`${n.pod} /readyz 200`, async (observe) => {
        const res = await fetch(`http://127.0.0.1:${n.port}/readyz`);
        observe(`${res.status} ${(await res.text()).trim()}; log tail: ${n.log.split('\n').slice(-4).join(' | ')}`);
        return res.status === 200;
      }, { timeoutMs: 60_000 });
    }
    // The leader created the admin Secret (nothing else provides it here) and said so, once.
    const created = (await client.events(ns, { kind: 'ConfigMap', name: `${REC}-desired-state` })).filter((e) => e.reason === 'SecretCreated');
    expect(created.filter((e) => e.message === `Secret ${REC} was missing and was created with a random value`)).toHaveLength(1);
  });

  it('runs each sidecar as a container of the built image, as the pod\'s user, on a read-only root filesystem', async () => {
    const image = reconcilerImage();
    const facts = await sidecarContainers(ns);
    expect(facts.map((f) => f.pod).sort()).toEqual(nodes.map((n) => n.pod).sort());
    for (const f of facts) {
      const pod = await client.get({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name: f.pod });
      const { uid, gid } = runAsOf(pod, podContainer(pod, RECONCILER_CONTAINER_NAME));
      expect(uid).not.toBe(0);
      expect(f).toEqual({ pod: f.pod, imageId: image.id, running: true, user: `${uid}:${gid}`, readOnlyRootfs: true, processUid: uid, processGid: gid });
    }
    // Read-only really: the reconciler's own files cannot be written, /tmp (the pod's emptyDir) can.
    const write = (file: string) => `require('fs').writeFileSync(${JSON.stringify(file)}, 'x'); console.log('written')`;
    expect(await execInSidecar(nodes[0], write('/app/dist/reconciler/runtime/main.js'))).toMatchObject({ code: 1, output: expect.stringMatching(/EROFS|read-only/) });
    expect(await execInSidecar(nodes[0], write('/tmp/probe'))).toEqual({ code: 0, output: 'written\n' });
    // The image reports the release it was built from.
    const rootVersion = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')).version;
    expect((await podman(['run', '--rm', '--read-only', '--network=none', '--pull=never', image.id, '--version'])).trim()).toBe(rootVersion);
  });

  it('creates every declared database with its declared port and settings', async () => {
    await waitFor('databases active', async () => converged(desired.databases.map((d) => d.name)), { timeoutMs: 120_000 });
    expect(desired.databases.map((d) => d.name).sort()).toEqual(['cache', 'orders', 'session-cache', 'sessions']);
    for (const d of desired.databases) {
      const bdb = cluster().bdbs.byName(d.name)!;
      expect(bdb).toBeDefined();
      expect(bdb.config.port).toBe(d.port);
      expect(bdb.config.memory_size).toBe(d.memorySizeBytes);
      expect(bdb.config.replication).toBe(d.replication);
      expect(bdb.config.eviction_policy).toBe(d.evictionPolicy);
    }
    const secret = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name: REC });
    expect(Object.keys(secret.data).sort()).toEqual(['password', 'username']);
  });

  it('points each database Service\'s EndpointSlice at the serving pod and labels the master pod', async () => {
    for (const d of desired.databases) {
      for (const svc of [d.serviceName, d.headlessServiceName]) {
        const [slice, ...more] = await slices(svc);
        expect(more).toEqual([]);
        expect(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by']).toBe('redis-enterprise-reconciler');
        expect(slice.endpoints.map((e: any) => e.addresses[0]).sort()).toEqual(servingIps(d.name));
        expect(slice.ports[0].port).toBe(d.port);
      }
    }
    const masterAddr = cluster().nodes().find((n) => n.uid === cluster().masterUid)!.addr;
    const labelled = await client.list('v1', 'Pod', ns, { labelSelector: 'redis.io/role-master=1' });
    expect(labelled.map((p) => p.status.podIP)).toEqual([masterAddr]);
    const s = await status();
    expect(s.masterPod).toBe(labelled[0].metadata.name);
    expect(s.databases.map((d: any) => [d.name, d.port]).sort()).toEqual(desired.databases.map((d) => [d.name, d.port]).sort());
  });

  it('restores a deleted EndpointSlice', async () => {
    const [slice] = await slices('cache');
    const t0 = Date.now();
    await client.delete({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace: ns, name: slice.metadata.name });
    const back = await waitFor('slice restored', async () => {
      const [s] = await slices('cache');
      return s && s.metadata.uid !== slice.metadata.uid ? s : undefined;
    }, { timeoutMs: 30_000, intervalMs: 50 });
    // eslint-disable-next-line no-console
    console.log(`[e2e] EndpointSlice restored ${Date.now() - t0} ms after its deletion`);
    expect(back.endpoints.map((e: any) => e.addresses[0]).sort()).toEqual(servingIps('cache'));
  });

  it('creates a database added in code and re-applied', async () => {
    const objects = productionObjectsWith(ns, [...initial, { name: 'carts' }]);
    desired = desiredOf(objects);
    await client.apply(objects, FIELD_MANAGER);
    await waitFor('carts active', async () => converged(['cache', 'sessions', 'orders', 'carts']), { timeoutMs: 60_000 });
    expect(cluster().bdbs.byName('carts')!.config.port).toBe(desired.databases.find((d) => d.name === 'carts')!.port);
    expect(await slices('carts')).toHaveLength(1);
  });

  it('hands leadership over once the killed leader\'s Lease has expired, never before', async () => {
    const lease = () => client.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: ns, name: `${REC}-leader` });
    const held = await lease();
    const holder = held.spec.holderIdentity;
    const leader = nodes.find((n) => n.pod === holder)!;
    expect(nodes.map((n) => n.pod)).toContain(holder);
    const t0 = Date.now();
    await stopReconciler(leader, 'SIGKILL');
    // The ceiling only catches a hang: on a loaded machine a takeover may come late, never early.
    const taken = await waitFor('new lease holder', async () => {
      const l = await lease();
      return l.spec.holderIdentity && l.spec.holderIdentity !== holder ? l : undefined;
    }, { timeoutMs: 120_000, intervalMs: 100 });
    // eslint-disable-next-line no-console
    console.log(`[e2e] leader ${holder} killed; ${taken.spec.holderIdentity} took over after ${Date.now() - t0} ms (Lease ${LEASE_SECONDS} s)`);
    // The order that matters: a follower counts the duration from the last renewal it saw, which is no
    // earlier than the renewTime read above (the killed leader may have renewed once more), so the new
    // holder acquired no sooner than a whole Lease duration after it. One clock: every process is on this host.
    expect(taken.spec.leaseTransitions).toBe((held.spec.leaseTransitions ?? 0) + 1);
    expect(Date.parse(taken.spec.acquireTime) - Date.parse(held.spec.renewTime)).toBeGreaterThanOrEqual(LEASE_SECONDS * 1000 - 1);
    startReconciler(leader);
    // The new leader keeps the cluster in line: a deleted slice comes back.
    const [slice] = await slices('carts');
    await client.delete({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace: ns, name: slice.metadata.name });
    await waitFor('slice restored by the new leader', async () => ((await slices('carts'))[0]?.metadata.uid ?? slice.metadata.uid) !== slice.metadata.uid, { timeoutMs: 30_000 });
  });

  it('keeps a removed database, and deletes one whose policy is delete', async () => {
    const objects = productionObjectsWith(ns, [{ name: 'carts' }]);
    await client.apply(objects, FIELD_MANAGER);
    await waitFor('sessions deleted, cache retained', async () => {
      const s = await status();
      return cluster().bdbs.byName('sessions') === undefined && s?.databases.some((d: any) => d.name === 'cache' && d.declared === false);
    }, { timeoutMs: 60_000 });
    expect(cluster().bdbs.byName('cache')).toBeDefined();
    expect(cluster().bdbs.byName('orders')).toBeDefined();
    expect(cluster().bdbs.byName('carts')).toBeDefined();
    const events = await client.events(ns);
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['DatabaseRetained', 'DatabaseDeleted', 'DatabaseCreated']));
  });

  it('ends in the same converged state after REST faults, with no Secret overwritten and no database lost', async () => {
    const secretsBefore = await client.list('v1', 'Secret', ns);
    const rv = new Map(secretsBefore.map((s) => [s.metadata.name, s.metadata.resourceVersion]));
    const uids = new Map(cluster().bdbs.list().map((b) => [String(b.config.name), b.uid]));
    const rules = [
      registry.faults.add({ kind: 'error', status: 503, rate: 0.3 }),
      registry.faults.add({ kind: 'busy', method: 'PUT', rate: 0.5 }),
      registry.faults.add({ kind: 'drop', method: 'GET', path: '/v1/bdbs', times: 3 }),
      registry.faults.add({ kind: 'latency', latencyMs: 200, rate: 0.2 }),
    ];
    // Changes to make while the API misbehaves: a new database and an edited slice.
    const objects = productionObjectsWith(ns, [{ name: 'carts', memorySize: '200MB' }, { name: 'wishlists' }]);
    await client.apply(objects, FIELD_MANAGER);
    const [slice] = await slices('carts');
    await client.patch({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace: ns, name: slice.metadata.name },
      { endpoints: [{ addresses: ['10.250.0.1'] }] }, 'application/merge-patch+json');
    // The faults stay on until the reconcilers have met a 503, a dropped GET /v1/bdbs and a delayed answer
    // (a pass fails on its first fault, so busy answers, which need a PUT to coincide, are not waited for):
    // the event, not a span of time.
    const [error, , drop, latency] = rules;
    await waitFor('a 503, a drop and a delayed answer', async (observe) => {
      observe(rules.map((r) => `${r.spec.kind}: ${r.fired}`));
      return error.fired > 0 && drop.fired > 0 && latency.fired > 0;
    }, { timeoutMs: 120_000 });
    for (const r of rules) r.remove();
    await waitFor('converged after faults', async () => converged(['orders', 'session-cache', 'carts', 'wishlists']), { timeoutMs: 120_000 });
    expect(cluster().bdbs.byName('carts')!.config.memory_size).toBe(200 * 1024 * 1024);
    for (const [name, uid] of uids) expect(cluster().bdbs.byName(name)?.uid).toBe(uid);
    const secretsAfter = await client.list('v1', 'Secret', ns);
    for (const s of secretsAfter) if (rv.has(s.metadata.name)) expect(s.metadata.resourceVersion).toBe(rv.get(s.metadata.name));
    const [repaired] = await slices('carts');
    expect(repaired.endpoints.map((e: any) => e.addresses[0]).sort()).toEqual(servingIps('carts'));
  });

  it('writes nothing to Kubernetes at steady state but the Lease renewals, over two resync passes of every reconciler, and was never forbidden', async () => {
    /** Per reconciler: its writes other than Lease renewals, and its successful passes so far. */
    const counters = () => Promise.all(nodes.map(async (n) => {
      const text = await (await fetch(`http://127.0.0.1:${n.port}/metrics`)).text();
      let writes = 0;
      for (const m of text.matchAll(/^redis_enterprise_reconciler_kube_writes_total\{([^}]*)\} (\d+)/gm)) {
        if (!m[1].includes('resource="leases"')) writes += Number(m[2]);
      }
      const passes = Number(/^redis_enterprise_reconciler_reconciles_total\{result="success"\} (\d+)/m.exec(text)?.[1] ?? 0);
      return { pod: n.pod, writes, passes };
    }));
    await waitFor('settled', async () => converged(['orders', 'session-cache', 'carts', 'wishlists']), { timeoutMs: 60_000 });
    const before = await counters();
    // Two more successful passes on each reconciler: at least one pass started and finished inside the
    // window on every node (RESYNC_SECONDS=5 triggers them). The ceiling only catches a hang.
    const after = await waitFor('two more successful passes on every reconciler', async () => {
      const now = await counters();
      return now.every((c, i) => c.passes >= before[i].passes + 2) ? now : undefined;
    }, { timeoutMs: 120_000, intervalMs: 500 });
    expect(after.map(({ pod, writes }) => ({ pod, writes }))).toEqual(before.map(({ pod, writes }) => ({ pod, writes })));
    for (const n of nodes) expect(n.log).not.toMatch(/forbidden/i);
  });
});
