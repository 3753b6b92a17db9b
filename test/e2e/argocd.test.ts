/**
 * GitOps with a real Argo CD (tools/build-argocd.sh, v3.2.11) on the real
 * control plane: the production example is committed to a local git
 * repository, an Application made by the library's construct syncs it, and
 * one reconciler sidecar container per pod with a REST API double stands in for the
 * Redis Enterprise containers. Proves wave order, health (Progressing,
 * Healthy, Degraded with the reason), self-heal, and that the reconciler's
 * run-time writes never make the Application OutOfSync.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import { activeActiveApp } from '../../examples/active-active';
import { argoCdApplicationsChart } from '../../examples/argocd';
import { RedisEnterpriseArgoCdApplication, SYNC_WAVE_ANNOTATION } from '../../lib';
import { KubeObject, waitFor } from '../support/kube-client';
import { ApiDoubleClusterRegistry } from '../support/redis-enterprise-api-double';
import { ArgoCd, startArgoCd } from './harness/argocd';
import { describeE2E } from './harness/describe-e2e';
import { deleteNamespace } from './harness/namespaces';
import {
  ensureReconcilerBuilt, FleetDatabase, fleetQueries, launchReconcilers, productionObjectsWith, REC, ReconcilerNode, serviceAccountCredentials, stopFleet,
} from './harness/reconciler-fleet';
import { ensureAvailableVolumes } from './harness/storage';
import { synthObjects } from './harness/synth';
import { waitForReadyPods } from './harness/workloads';

const APP = 'production';
const FOLDER = 'production';
// eslint-disable-next-line no-console
const log = (m: string) => console.log(`[e2e argocd] ${m}`);
const toYaml = (objects: KubeObject[]) => objects.map((o) => yaml.dump(o, { noRefs: true })).join('---\n');
const refOf = (o: KubeObject) => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });

describeE2E('GitOps with a real Argo CD', ({ client, info }) => {
  let argo: ArgoCd;
  let ns: string;
  let tmp: string;
  let objects: KubeObject[];
  const nodes: ReconcilerNode[] = [];
  const registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 200, actionMs: 200, crdbTaskMs: 200 } });
  const { slices } = fleetQueries(client, () => ns, registry);

  const application = async () => (await argo.application(APP))!;
  const summary = (a: KubeObject | undefined) => ({
    sync: a?.status?.sync?.status, health: a?.status?.health?.status, operation: a?.status?.operationState?.phase,
    message: a?.status?.operationState?.message,
    unhealthy: (a?.status?.resources ?? []).filter((r: any) => r.health && r.health.status !== 'Healthy').map((r: any) => `${r.kind}/${r.name}: ${r.health.status} ${r.health.message ?? ''}`),
    outOfSync: (a?.status?.resources ?? []).filter((r: any) => r.status !== 'Synced').map((r: any) => `${r.kind}/${r.name}`),
  });
  const render = (dbs: FleetDatabase[]) => productionObjectsWith(ns, dbs);
  /** Distinct (sync, health, operation, status ConfigMap health) states seen, with ms since `t0`, for the log. */
  const history = (t0: number) => {
    const seen: string[] = [];
    return {
      see(a: KubeObject | undefined): void {
        const s = summary(a);
        const cm = (a?.status?.resources ?? []).find((r: any) => r.kind === 'ConfigMap' && r.name === `${REC}-status`);
        const line = `${s.sync}/${s.health}/${s.operation}${cm?.health ? ` [status: ${cm.health.status} ${cm.health.message ?? ''}]` : ''}`;
        if (!seen.length || !seen[seen.length - 1].endsWith(line)) seen.push(`+${Date.now() - t0}ms ${line}`);
      },
      toString: () => seen.join(' | '),
    };
  };

  beforeAll(async () => {
    await ensureReconcilerBuilt();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-e2e-'));
    argo = await startArgoCd(client, info, log);
    ns = `argocd-prod-${Date.now().toString(36)}`;
    await ensureAvailableVolumes(client, 4);
  });

  afterAll(async () => {
    await stopFleet({ nodes, info, logName: 'argocd-e2e-reconcilers.log', tmp });
    // Applications carry no resources finalizer: deleting the namespace deletes nothing they synced.
    if (argo) await argo.stop();
    if (ns) await deleteNamespace(client, ns).catch(() => undefined);
  });

  it('syncs the production example from git, wave by wave, Progressing until the cluster formed, then Healthy', async () => {
    objects = render([]);
    await argo.commit(FOLDER, { 'production.yaml': toYaml(objects) }, 'production example');
    const appObjects = synthObjects((app: App) => {
      const chart = new Chart(app, 'argocd', { disableResourceNameHashes: true });
      new RedisEnterpriseArgoCdApplication(chart, 'production', {
        name: APP, argoCdNamespace: argo.namespace, repoUrl: argo.repoUrl, path: FOLDER, server: argo.server, namespace: ns, clusterName: REC,
      });
    });
    const t0 = Date.now();
    await client.apply(appObjects, 'e2e-argocd');
    // Argo CD applies the StatefulSet (wave 0) only after waves -2 and -1; kwok makes its pods Ready.
    const pods = await waitForReadyPods(client, ns, [0, 1, 2].map((i) => `${REC}-${i}`), 300_000);
    // With no reconciler running, every wave is applied and the Application is Progressing: the status placeholder says why.
    const waiting = await waitFor('every object applied, the Application Progressing on the status ConfigMap', async (observe) => {
      const a = await application();
      observe(summary(a));
      const cm = (a?.status?.resources ?? []).find((r: any) => r.kind === 'ConfigMap' && r.name === `${REC}-status`);
      return cm?.health?.status === 'Progressing' && a?.status?.sync?.status === 'Synced' && a;
    }, { timeoutMs: 300_000, intervalMs: 500 });
    expect(waiting.status.health.status).toBe('Progressing');
    expect(summary(waiting).unhealthy).toEqual([`ConfigMap/${REC}-status: Progressing waiting for the reconciler's first status report`]);
    const seen: string[] = [waiting.status.health.status];
    const wavesMs = Date.now() - t0;
    const t1 = Date.now();
    const credentials = await serviceAccountCredentials(client, info, ns, tmp);
    nodes.push(...await launchReconcilers({ pods, registry, credentials, dir: tmp, env: { LEASE_DURATION_SECONDS: '6', RESYNC_SECONDS: '5' } }));
    const states = history(t1);
    const synced = await waitFor('Application Synced, Healthy, operation Succeeded', async (observe) => {
      const a = await application();
      states.see(a);
      const s = summary(a);
      if (seen[seen.length - 1] !== s.health) seen.push(s.health);
      observe(s);
      return s.sync === 'Synced' && s.health === 'Healthy' && s.operation === 'Succeeded' && a;
    }, { timeoutMs: 300_000, intervalMs: 500 });
    log(`production example: Application created -> every wave applied, waiting on the health gate, in ${wavesMs} ms; reconcilers started -> Synced and Healthy in ${Date.now() - t1} ms (health seen: ${seen.join(' -> ')}; states: ${states})`);
    expect(seen.indexOf('Progressing')).toBeLessThan(seen.lastIndexOf('Healthy'));

    // Every object in git is tracked and in sync ...
    const tracked = synced.status.resources as any[];
    const untracked = objects.filter((o) => tracked.find((r) => r.kind === o.kind && r.name === o.metadata.name)?.status !== 'Synced');
    expect(untracked.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    // ... and created in wave order: Argo CD waits for a wave to be healthy, then 2 s, before the next.
    const created = await Promise.all(objects.map(async (o) => ({
      wave: Number(o.metadata.annotations[SYNC_WAVE_ANNOTATION]), at: Date.parse((await client.get(refOf(o))).metadata.creationTimestamp), name: `${o.kind}/${o.metadata.name}`,
    })));
    const waves = [...new Set(created.map((c) => c.wave))].sort((a, b) => a - b);
    expect(waves.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < waves.length; i++) {
      const lastOfPrevious = Math.max(...created.filter((c) => c.wave === waves[i - 1]).map((c) => c.at));
      const firstOfThis = Math.min(...created.filter((c) => c.wave === waves[i]).map((c) => c.at));
      expect(firstOfThis).toBeGreaterThan(lastOfPrevious);
    }
    const statusCm = (synced.status.resources as any[]).find((r) => r.kind === 'ConfigMap' && r.name === `${REC}-status`);
    expect(statusCm.health).toMatchObject({ status: 'Healthy' });
    expect(statusCm.health.message).toMatch(/cluster Running with 3 nodes, 2 database\(s\) active/);
  });

  it('stays Synced while the reconciler writes at run time (EndpointSlices, master label, status, Secrets)', async () => {
    // The reconciler has written all of it by now: the status says Healthy only after the slices exist.
    expect((await slices('orders')).length).toBe(1);
    expect((await client.list('v1', 'Pod', ns, { labelSelector: 'redis.io/role-master=1' })).length).toBe(1);
    expect(await client.tryGet({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name: REC })).toBeDefined();
    const mark = Date.now();
    // Two full comparisons after the mark (timeout.reconciliation is 5 s).
    const a = await waitFor('two reconciliations after the run-time writes', async (observe) => {
      const app = await application();
      observe({ reconciledAt: app.status?.reconciledAt, ...summary(app) });
      return Date.parse(app.status?.reconciledAt ?? '0') > mark + 6000 && app;
    }, { timeoutMs: 120_000 });
    expect(summary(a)).toMatchObject({ sync: 'Synced', health: 'Healthy', outOfSync: [] });
    // Nothing the reconciler made at run time is tracked (it would be pruned or flagged).
    const tracked = (a.status.resources as any[]).map((r) => `${r.kind}/${r.name}`);
    expect(tracked).not.toContain(`Secret/${REC}`);
    expect(tracked.filter((t) => t.startsWith('EndpointSlice/'))).toEqual([]);
  });

  it('self-heals a scaled StatefulSet and an edited Service port, and reports both repair times beside the reconciler\'s', async () => {
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: ns, name: REC };
    let t0 = Date.now();
    await client.patch(sts, { spec: { replicas: 4 } }, 'application/merge-patch+json');
    await waitFor('replicas restored to 3', async () => (await client.get(sts)).spec.replicas === 3, { timeoutMs: 120_000, intervalMs: 100 });
    const stsMs = Date.now() - t0;

    const svc = { apiVersion: 'v1', kind: 'Service', namespace: ns, name: `${REC}-ui` };
    const port = (await client.get(svc)).spec.ports[0].targetPort;
    t0 = Date.now();
    await client.patch(svc, [{ op: 'replace', path: '/spec/ports/0/targetPort', value: port + 1 }], 'application/json-patch+json');
    await waitFor(`Service targetPort restored to ${port}`, async (observe) => {
      const live = await client.get(svc);
      observe({ ports: live.spec.ports, app: summary(await application()) });
      return live.spec.ports[0].targetPort === port;
    }, { timeoutMs: 120_000, intervalMs: 100 });
    const svcMs = Date.now() - t0;

    const [slice] = await slices('orders');
    t0 = Date.now();
    await client.delete({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace: ns, name: slice.metadata.name });
    await waitFor('EndpointSlice restored', async () => ((await slices('orders'))[0]?.metadata.uid ?? slice.metadata.uid) !== slice.metadata.uid, { timeoutMs: 60_000, intervalMs: 100 });
    const sliceMs = Date.now() - t0;
    log(`self-heal: Argo CD restored StatefulSet replicas in ${stsMs} ms and the Service targetPort in ${svcMs} ms; the reconciler restored a deleted EndpointSlice in ${sliceMs} ms`);
    await waitFor('Synced and Healthy again', async (observe) => {
      const s = summary(await application());
      observe(s);
      return s.sync === 'Synced' && s.health === 'Healthy';
    }, { timeoutMs: 180_000 });
  });

  it('shows Degraded with the reason while Redis Enterprise refuses a database, and Healthy once it accepts it', async () => {
    // Redis Enterprise refuses every creation of a database from now on.
    const refusal = registry.faults.add({ kind: 'error', status: 500, method: 'POST', path: '/v1/bdbs' });
    await argo.commit(FOLDER, { 'production.yaml': toYaml(render([{ name: 'huge' }])) }, 'add database huge');
    await argo.refresh(APP); // what a git webhook does; otherwise the repo-server's revision cache (3 min) delays it
    const states = history(Date.now());
    const a = await waitFor('Application Synced and Degraded', async (observe) => {
      const app = await application();
      states.see(app);
      observe(`${states}`);
      return app.status?.health?.status === 'Degraded' && app.status?.sync?.status === 'Synced' && app;
    }, { timeoutMs: 240_000, intervalMs: 500 });
    log(`refusal states: ${states}`);
    const statusCm = (a.status.resources as any[]).find((r) => r.kind === 'ConfigMap' && r.name === `${REC}-status`);
    expect(statusCm.health.status).toBe('Degraded');
    expect(statusCm.health.message).toMatch(/^database huge: /);
    log(`refused database: Application ${a.status.health.status}, status ConfigMap says "${statusCm.health.message}"`);
    expect(refusal.fired).toBeGreaterThan(0);
    expect(a.status.sync.status).toBe('Synced'); // git and the cluster agree; the database itself failed
    refusal.remove();
    await waitFor('Healthy again once Redis Enterprise accepts it', async (observe) => {
      const app = await application();
      states.see(app);
      observe(`${states}`);
      return app.status?.health?.status === 'Healthy';
    }, { timeoutMs: 180_000 });
    log(`refusal, then acceptance: ${states}`);
  });

  it('gives the Active-Active example one Application per Kubernetes cluster, each comparing only its own folder', async () => {
    const folders: Record<string, KubeObject[]> = {};
    const charts = activeActiveApp(scratchApp());
    for (const [id, chart] of [['us-east', charts.east], ['eu-west', charts.west]] as const) folders[id] = chart.toJson();
    for (const [id, objs] of Object.entries(folders)) await argo.commit(`active-active/${id}`, { [`${id}.yaml`]: toYaml(objs) }, `active-active ${id}`);
    const apps = synthObjects((app: App) => argoCdApplicationsChart(app, {
      repoUrl: argo.repoUrl, argoCdNamespace: argo.namespace, automated: false, namespace: `${ns}-aa`,
      servers: { production: argo.server, usEast: argo.server, euWest: argo.server },
      paths: { production: FOLDER, usEast: 'active-active/us-east', euWest: 'active-active/eu-west' },
    }));
    expect(apps.map((o) => o.metadata.name).sort()).toEqual(['redis-eu-west', 'redis-production', 'redis-us-east']);
    const aa = apps.filter((o) => o.metadata.name !== 'redis-production');
    await client.apply(aa, 'e2e-argocd');
    for (const [id, objs] of Object.entries(folders)) {
      const compared = await waitFor(`redis-${id} compared`, async () => {
        const app = await argo.application(`redis-${id}`);
        return (app?.status?.resources ?? []).length > 0 && app;
      }, { timeoutMs: 120_000 });
      const seen = (compared!.status.resources as any[]).map((r) => `${r.kind}/${r.name}`).sort();
      expect(seen).toEqual(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort());
      expect(compared!.status.sync.status).toBe('OutOfSync'); // compared, not applied (automated sync off here)
    }
  });
});

function scratchApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'aa-')) });
}
