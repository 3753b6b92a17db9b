/**
 * The reconciler on the real control plane: the production example applied
 * in a namespace, and one reconciler sidecar per simulated pod: a container of
 * the image `npm run image` builds, run as the pod's synthesized `reconciler`
 * container would be (reconciler-sidecar.ts). Each authenticates with a token
 * of the cluster's ServiceAccount (so it gets exactly the synthesized Role),
 * and talks to its own Redis Enterprise REST API test double on 127.0.0.1
 * whose node address is the pod's (fake) IP.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import { productionClusterChart } from '../../../examples/production-cluster';
import {
  DESIRED_STATE_KEY, DeletionPolicy, DesiredState, parseDesiredState, RedisEnterpriseCluster, RedisEnterpriseDatabase, RedisEnterpriseDatabaseProps,
} from '../../../lib';
import { KubeClient, KubeObject } from '../../support/kube-client';
import { ApiDoubleClusterRegistry, RedisEnterpriseApiDouble, StartedApiDouble } from '../../support/redis-enterprise-api-double';
import { PlaneInfo } from './connection';
import { createNamespace } from './namespaces';
import { freePorts } from './ports';
import { reconcilerRuntime } from './reconciler-image';
import { RECONCILER_MAIN, ServiceAccountCredentials, Sidecar, sidecarFor, startSidecar, stopSidecar } from './reconciler-sidecar';
import { readStatusDocument } from './status-document';
import { ensureAvailableVolumes, STORAGE_CLASS } from './storage';
import { synthObjects } from './synth';
import { waitForReadyPods } from './workloads';

export const REC = 'rec';
const ROOT = path.resolve(__dirname, '../../..');

export interface FleetDatabase {
  name: string; deletionPolicy?: DeletionPolicy; replication?: boolean; memorySize?: string;
  /** Any other database props (type, modules, TLS, client certificates, password Secret, ...). */
  props?: Omit<RedisEnterpriseDatabaseProps, 'cluster'>;
}

/** The production example (databases `orders` and `session-cache`) plus `dbs`, synthesized like `cdk8s synth`. */
export function productionObjectsWith(namespace: string, dbs: FleetDatabase[]): KubeObject[] {
  return synthObjects((app: App) => {
    const chart: Chart = productionClusterChart(app, { namespace, storageClassName: STORAGE_CLASS });
    const cluster = chart.node.findChild('rec') as RedisEnterpriseCluster;
    for (const d of dbs) {
      new RedisEnterpriseDatabase(chart, d.name, {
        ...d.props, cluster, memorySize: d.memorySize ?? '100MB', replication: d.replication, deletionPolicy: d.deletionPolicy,
      });
    }
  });
}

export function desiredOf(objects: KubeObject[]): DesiredState {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${REC}-desired-state`)!;
  return parseDesiredState(cm.data[DESIRED_STATE_KEY]);
}

/** Newest mtime of the TypeScript sources under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Containers: globalSetup built the image from the sources of this run.
 * Processes: `npm test` compiles first; a direct jest run after editing lib/
 * compiles the reconciler workspace here (asynchronously: the plane's
 * supervisor may share this event loop).
 */
export async function ensureReconcilerBuilt(): Promise<void> {
  if (reconcilerRuntime() === 'container') return;
  if (fs.existsSync(RECONCILER_MAIN) && fs.statSync(RECONCILER_MAIN).mtimeMs >= newestSource(path.join(ROOT, 'lib'))) return;
  const tsc = spawn(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'lib/reconciler/tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  const code = await new Promise<number | null>((r) => tsc.on('exit', r));
  if (code !== 0) throw new Error(`tsc -p lib/reconciler/tsconfig.json exited with ${code}`);
}

/** A token of the cluster's ServiceAccount (signed with the plane's key), the cluster CA, and a kubeconfig of both in `dir`. */
export async function serviceAccountCredentials(client: KubeClient, info: PlaneInfo, ns: string, dir: string): Promise<ServiceAccountCredentials> {
  const tr = await client.call('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${REC}/token`, {
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 },
  });
  const admin = yaml.load(fs.readFileSync(info.kubeconfig, 'utf8')) as any;
  const cluster = admin.clusters[0].cluster;
  const caPem = cluster['certificate-authority-data']
    ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString()
    : fs.readFileSync(cluster['certificate-authority'], 'utf8');
  const kubeconfig = path.join(dir, 'sa.kubeconfig');
  fs.writeFileSync(kubeconfig, yaml.dump({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'e2e', cluster }],
    users: [{ name: 'sa', user: { token: tr.status.token } }],
    contexts: [{ name: 'sa', context: { cluster: 'e2e', user: 'sa', namespace: ns } }],
    'current-context': 'sa',
  }), { mode: 0o600 });
  return { issuer: client, token: tr.status.token, caPem, kubeconfig, apiserverPort: Number(new URL(info.apiserverUrl).port) };
}

/** One simulated pod's reconciler sidecar and its REST API double. */
export interface ReconcilerNode extends Sidecar {
  pod: string;
  ip: string;
  double: RedisEnterpriseApiDouble;
  /** The double's URL and port on 127.0.0.1. */
  started: StartedApiDouble;
  /** The reconciler's /healthz, /readyz and /metrics port on 127.0.0.1. */
  port: number;
}

/** (Re)starts a node's reconciler: a container of the image, or a node process (E2E_RECONCILER_RUNTIME=process). */
export const startReconciler = startSidecar;
/** Stops it with `signal` (SIGKILL after 10 s) and waits for its exit. */
export const stopReconciler = stopSidecar;

/**
 * Starts a REST API double and a reconciler sidecar for each of `pods`
 * (Ready pods of the StatefulSet). `env` adds to or overrides the pod
 * template's env (e.g. LEASE_DURATION_SECONDS, RESYNC_SECONDS, LOG_LEVEL).
 */
export async function launchReconcilers(o: {
  pods: KubeObject[]; registry: ApiDoubleClusterRegistry; credentials: ServiceAccountCredentials; dir: string; env: Record<string, string>;
}): Promise<ReconcilerNode[]> {
  const ports = await freePorts(o.pods.length);
  const nodes: ReconcilerNode[] = [];
  for (const [i, pod] of o.pods.entries()) {
    const double = new RedisEnterpriseApiDouble({ registry: o.registry, addr: pod.status.podIP });
    const started = await double.start();
    let sidecar: Sidecar;
    try {
      sidecar = await sidecarFor({
        pod, credentials: o.credentials, restApi: { url: started.url, caPem: started.caCertPem }, httpPort: ports[i], env: o.env, dir: o.dir,
      });
    } catch (e) {
      // Nothing was handed to the caller's afterAll yet: an open double would keep jest alive.
      for (const n of nodes) await stopSidecar(n);
      for (const d of [double, ...nodes.map((n) => n.double)]) await d.dispose();
      throw e;
    }
    const n: ReconcilerNode = Object.assign(sidecar, { pod: pod.metadata.name, ip: pod.status.podIP, double, started, port: ports[i] });
    nodes.push(n);
    startReconciler(n);
  }
  return nodes;
}

/**
 * Stops a fleet's sidecars, then its doubles, keeps the sidecars' logs beside
 * the harness logs (`<workDir>/logs/<logName>`) and removes the fleet's temp
 * dir. Safe with a fleet that was only partly started.
 */
export async function stopFleet(o: { nodes: ReconcilerNode[]; info: PlaneInfo; logName: string; tmp?: string }): Promise<void> {
  for (const n of o.nodes) await stopReconciler(n);
  for (const n of o.nodes) await n.double.dispose();
  if (o.nodes.length > 0) fs.writeFileSync(path.join(o.info.workDir, 'logs', o.logName), o.nodes.map((n) => `==== ${n.pod}\n${n.log}`).join('\n'));
  if (o.tmp) fs.rmSync(o.tmp, { recursive: true, force: true });
}

/**
 * The production example plus `dbs` applied in a fresh namespace, its pods
 * Ready, and a reconciler sidecar per pod (as the ServiceAccount).
 */
export async function deployWithReconcilers(o: {
  client: KubeClient; info: PlaneInfo; namespacePrefix: string; dbs: FleetDatabase[];
  registry: ApiDoubleClusterRegistry; dir: string; env: Record<string, string>; fieldManager: string;
  /** Objects the user provides before the first apply (e.g. Secrets the databases name). */
  userObjects?: (namespace: string) => KubeObject[];
  /** Instead of the production example: the objects to apply in `ns` (a cluster `rec` of 3 nodes). */
  objects?: (namespace: string) => KubeObject[];
}): Promise<{ ns: string; desired: DesiredState; nodes: ReconcilerNode[]; objects: KubeObject[] }> {
  const ns = await createNamespace(o.client, o.namespacePrefix);
  for (const u of o.userObjects?.(ns) ?? []) await o.client.create({ ...u, metadata: { ...u.metadata, namespace: ns } });
  const objects = o.objects ? o.objects(ns) : productionObjectsWith(ns, o.dbs);
  await ensureAvailableVolumes(o.client, 3);
  await o.client.apply(objects, o.fieldManager);
  const pods = await waitForReadyPods(o.client, ns, [0, 1, 2].map((i) => `${REC}-${i}`));
  const credentials = await serviceAccountCredentials(o.client, o.info, ns, o.dir);
  const nodes = await launchReconcilers({ pods, registry: o.registry, credentials, dir: o.dir, env: o.env });
  return { ns, desired: desiredOf(objects), nodes, objects };
}

/** What the reconciler tests read back: its status document, slices, Lease and the double's view. */
export function fleetQueries(client: KubeClient, namespace: () => string, registry: ApiDoubleClusterRegistry) {
  const cluster = () => registry.clusters()[0];
  return {
    cluster,
    status: (): Promise<any> => readStatusDocument(client, namespace(), REC),
    slices: async (service: string): Promise<KubeObject[]> =>
      client.list('discovery.k8s.io/v1', 'EndpointSlice', namespace(), { labelSelector: `kubernetes.io/service-name=${service}` }),
    /** Addresses of the Redis Enterprise nodes serving a database's endpoint, per the REST API double. */
    servingIps: (db: string): string[] => {
      const c = cluster();
      return c.bdbs.byName(db)!.endpointNodes.map((uid) => c.nodes().find((n) => n.uid === uid)!.addr).sort();
    },
    leaseHolder: async (): Promise<string | undefined> =>
      (await client.tryGet<KubeObject>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: namespace(), name: `${REC}-leader` }))?.spec?.holderIdentity,
  };
}
