/**
 * The reconciler on the real control plane: the production example applied
 * in a namespace, and one reconciler PROCESS per simulated pod, as the
 * sidecar would run. Each process runs the compiled program
 * (lib/reconciler/dist/reconciler/runtime/main.js, as the image does), authenticates with a
 * token of the cluster's ServiceAccount (so it gets exactly the synthesized
 * Role), and talks to its own Redis Enterprise REST API test double on
 * 127.0.0.1 whose node address is the pod's (fake) IP.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import { productionClusterChart } from '../../../examples/production-cluster';
import { DESIRED_STATE_KEY, DeletionPolicy, DesiredState, parseDesiredState, RedisEnterpriseCluster, RedisEnterpriseDatabase } from '../../../lib';
import { KubeClient, KubeObject } from '../../support/kube-client';
import { ApiDoubleClusterRegistry, RedisEnterpriseApiDouble, StartedApiDouble } from '../../support/redis-enterprise-api-double';
import { PlaneInfo } from './connection';
import { killWhenOwnerDies } from './owned-processes';
import { createNamespace } from './namespaces';
import { freePorts } from './ports';
import { ensureAvailableVolumes, STORAGE_CLASS } from './storage';
import { synthObjects } from './synth';
import { waitForReadyPods } from './workloads';

export const REC = 'rec';
const ROOT = path.resolve(__dirname, '../../..');
export const RECONCILER_MAIN = path.join(ROOT, 'lib/reconciler/dist/reconciler/runtime/main.js');

export interface FleetDatabase { name: string; deletionPolicy?: DeletionPolicy; replication?: boolean; memorySize?: string }

/** The production example (databases `orders` and `session-cache`) plus `dbs`, synthesized like `cdk8s synth`. */
export function productionObjectsWith(namespace: string, dbs: FleetDatabase[]): KubeObject[] {
  return synthObjects((app: App) => {
    const chart: Chart = productionClusterChart(app, { namespace, storageClassName: STORAGE_CLASS });
    const cluster = chart.node.findChild('rec') as RedisEnterpriseCluster;
    for (const d of dbs) {
      new RedisEnterpriseDatabase(chart, d.name, {
        cluster, memorySize: d.memorySize ?? '100MB', replication: d.replication, deletionPolicy: d.deletionPolicy,
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
 * `npm test` compiles first; a direct jest run after editing lib/ compiles
 * here (asynchronously: the plane's supervisor may share this event loop).
 */
export async function ensureReconcilerBuilt(): Promise<void> {
  if (fs.existsSync(RECONCILER_MAIN) && fs.statSync(RECONCILER_MAIN).mtimeMs >= newestSource(path.join(ROOT, 'lib'))) return;
  const tsc = spawn(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'lib/reconciler/tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  const code = await new Promise<number | null>((r) => tsc.on('exit', r));
  if (code !== 0) throw new Error(`tsc -p lib/reconciler/tsconfig.json exited with ${code}`);
}

/** A kubeconfig in `dir` authenticating as the cluster's ServiceAccount (signed with the plane's key). */
export async function serviceAccountKubeconfig(client: KubeClient, info: PlaneInfo, ns: string, dir: string): Promise<string> {
  const tr = await client.call('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${REC}/token`, {
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 },
  });
  const admin = yaml.load(fs.readFileSync(info.kubeconfig, 'utf8')) as any;
  const file = path.join(dir, 'sa.kubeconfig');
  fs.writeFileSync(file, yaml.dump({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'e2e', cluster: admin.clusters[0].cluster }],
    users: [{ name: 'sa', user: { token: tr.status.token } }],
    contexts: [{ name: 'sa', context: { cluster: 'e2e', user: 'sa', namespace: ns } }],
    'current-context': 'sa',
  }), { mode: 0o600 });
  return file;
}

/** One simulated pod's reconciler process and its REST API double. */
export interface ReconcilerNode {
  pod: string;
  ip: string;
  double: RedisEnterpriseApiDouble;
  started: StartedApiDouble;
  env: NodeJS.ProcessEnv;
  /** The process's /healthz, /readyz and /metrics port on 127.0.0.1. */
  port: number;
  proc?: ChildProcess;
  /** Everything the process wrote to stderr (JSON log lines). */
  log: string;
}

export function startReconcilerProcess(n: ReconcilerNode): void {
  n.proc = spawn(process.execPath, [RECONCILER_MAIN], { env: n.env, stdio: ['ignore', 'ignore', 'pipe'] });
  n.proc.stderr!.on('data', (c: Buffer) => { n.log += c.toString(); });
  // afterAll stops it; this covers a kill -9 of jest.
  killWhenOwnerDies([n.proc.pid!], RECONCILER_MAIN);
}

/** Stops a process with `signal` (SIGKILL after 10 s), and waits for its exit. */
export async function stopReconcilerProcess(n: ReconcilerNode, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const p = n.proc;
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill(signal);
  const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  n.proc = undefined;
}

/**
 * Starts a REST API double and a reconciler process for each of `pods`
 * (Ready pods of the StatefulSet). `env` adds to or overrides the defaults
 * (e.g. LEASE_DURATION_SECONDS, RESYNC_SECONDS, LOG_LEVEL).
 */
export async function launchReconcilers(o: {
  pods: KubeObject[]; ns: string; registry: ApiDoubleClusterRegistry; kubeconfig: string; dir: string; env: Record<string, string>;
}): Promise<ReconcilerNode[]> {
  const ports = await freePorts(o.pods.length);
  const nodes: ReconcilerNode[] = [];
  for (const [i, p] of o.pods.entries()) {
    const double = new RedisEnterpriseApiDouble({ registry: o.registry, addr: p.status.podIP });
    const started = await double.start();
    const caFile = path.join(o.dir, `${p.metadata.name}-ca.pem`);
    fs.writeFileSync(caFile, started.caCertPem);
    const n: ReconcilerNode = {
      pod: p.metadata.name, ip: p.status.podIP, double, started, log: '', port: ports[i],
      env: {
        PATH: process.env.PATH,
        POD_NAME: p.metadata.name,
        POD_NAMESPACE: o.ns,
        POD_IP: p.status.podIP,
        NODE_NAME: p.spec.nodeName,
        CLUSTER_NAME: REC,
        // What the downward API gives the container (the pod's zone label, copied from its node).
        RACK_ID: p.metadata.labels?.['topology.kubernetes.io/zone'] ?? '',
        REDIS_ENTERPRISE_API_URL: started.url,
        REDIS_ENTERPRISE_API_CA_FILE: caFile,
        RECONCILER_HTTP_HOST: '127.0.0.1',
        RECONCILER_HTTP_PORT: String(ports[i]),
        KUBECONFIG: o.kubeconfig,
        ...o.env,
      },
    };
    nodes.push(n);
    startReconcilerProcess(n);
  }
  return nodes;
}

/**
 * The production example plus `dbs` applied in a fresh namespace, its pods
 * Ready, and a reconciler process per pod (as the ServiceAccount).
 */
export async function deployWithReconcilers(o: {
  client: KubeClient; info: PlaneInfo; namespacePrefix: string; dbs: FleetDatabase[];
  registry: ApiDoubleClusterRegistry; dir: string; env: Record<string, string>; fieldManager: string;
}): Promise<{ ns: string; desired: DesiredState; nodes: ReconcilerNode[] }> {
  const ns = await createNamespace(o.client, o.namespacePrefix);
  const objects = productionObjectsWith(ns, o.dbs);
  await ensureAvailableVolumes(o.client, 3);
  await o.client.apply(objects, o.fieldManager);
  const pods = await waitForReadyPods(o.client, ns, [0, 1, 2].map((i) => `${REC}-${i}`));
  const kubeconfig = await serviceAccountKubeconfig(o.client, o.info, ns, o.dir);
  const nodes = await launchReconcilers({ pods, ns, registry: o.registry, kubeconfig, dir: o.dir, env: o.env });
  return { ns, desired: desiredOf(objects), nodes };
}

/** What the reconciler tests read back: its status document, slices, Lease and the double's view. */
export function fleetQueries(client: KubeClient, namespace: () => string, registry: ApiDoubleClusterRegistry) {
  const cluster = () => registry.clusters()[0];
  return {
    cluster,
    status: async (): Promise<any> => {
      const cm = await client.tryGet<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: namespace(), name: `${REC}-status` });
      return cm?.data?.['status.json'] ? JSON.parse(cm.data['status.json']) : undefined;
    },
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
