/**
 * One simulated pod's reconciler sidecar, started the way the kubelet would
 * start the synthesized `reconciler` container: a container of the built image
 * (`podman run`, attached, so its stderr is the log and its exit is the
 * process's), host network (everything it talks to is on 127.0.0.1), the pod's
 * uid/gid, read-only root filesystem and tmpfs emptyDirs, the pod template's
 * env with the downward-API values resolved, and the pod's projected token
 * volume (token, CA, namespace) where the container mounts it (the standard
 * in-cluster path /var/run/secrets/kubernetes.io/serviceaccount), its token
 * requested with the volume's expirationSeconds and replaced at 80% of its
 * lifetime as the kubelet does (projected-token.ts). What the harness adds
 * to that env is listed in {@link harnessEnv}.
 *
 * E2E_RECONCILER_RUNTIME=process (chosen explicitly, never under CI) runs
 * main.js as a node process with a kubeconfig of the same token instead.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { RECONCILER_CONTAINER_NAME } from '../../../lib/contract/names';
import { KubeClient, KubeObject } from '../../support/kube-client';
import { killWhenOwnerDies } from './owned-processes';
import { ProjectedTokenMount } from './projected-token';
import { podContainer, resolvedEnv, securityAndVolumeFlags } from './pod-container';
import { podman, removeWhenOwnerDies, spawnPodman } from './podman';
import { OWNER_LABEL, reconcilerImage, reconcilerRuntime, RUN_ENV, RUN_LABEL } from './reconciler-image';

const ROOT = path.resolve(__dirname, '../../..');
export const RECONCILER_MAIN = path.join(ROOT, 'lib/reconciler/dist/reconciler/runtime/main.js');
/** Where the container finds the CA of its REST API double. */
const REST_API_CA_DIR = '/var/run/redis-enterprise-api-double';
const POD_LABEL = 'io.cdk8s-redis-enterprise.e2e.pod';

/** What the reconciler of one pod authenticates with: a token of the cluster's ServiceAccount. */
export interface ServiceAccountCredentials {
  /** Issues the pods' projected tokens (TokenRequest), as the kubelet does. */
  issuer: KubeClient;
  /** For the process runtime: a token of the ServiceAccount (containers get their own, per pod). */
  token: string;
  /** PEM of the cluster CA (ca.crt). */
  caPem: string;
  /** For the process runtime: a kubeconfig file with the same token. */
  kubeconfig: string;
  /** The API server's port on 127.0.0.1. */
  apiserverPort: number;
}

/** Everything the harness gives one sidecar besides the pod template's own env. */
export interface SidecarSpec {
  pod: KubeObject;
  credentials: ServiceAccountCredentials;
  /** The pod's REST API double: URL on 127.0.0.1 and the PEM of its CA. */
  restApi: { url: string; caPem: string };
  /** Port of /healthz, /readyz and /metrics on 127.0.0.1 (host network: one port per pod). */
  httpPort: number;
  /** Per-file overrides (LEASE_DURATION_SECONDS, RESYNC_SECONDS, LOG_LEVEL, ...). */
  env: Record<string, string>;
  /** A directory of this test file for the mounted files (removed by the file). */
  dir: string;
}

/** A running (or stopped) sidecar. */
export interface Sidecar {
  /** The `podman run` client (attached: it exits with the container) or the node process. */
  proc?: ChildProcess;
  /** Host pid of the reconciler itself (in a container: learnt from Podman once it runs). */
  pid?: number;
  /** Container name (container runtime only). */
  container?: string;
  /** Everything it wrote to stderr (JSON log lines). */
  log: string;
  /** The pod's projected token volume, refreshed like the kubelet does (container runtime only). */
  token?: ProjectedTokenMount;
  /** How to start it again: argv of `podman run` or of node. */
  readonly command: { file: 'podman' | 'node'; args: string[]; env: NodeJS.ProcessEnv };
}

/** The env the harness adds to the pod template's: where the API server, the REST API and the HTTP port are. */
function harnessEnv(s: SidecarSpec, restCaFile: string): Record<string, string> {
  return {
    REDIS_ENTERPRISE_API_URL: s.restApi.url,
    REDIS_ENTERPRISE_API_CA_FILE: restCaFile,
    RECONCILER_HTTP_HOST: '127.0.0.1',
    RECONCILER_HTTP_PORT: String(s.httpPort),
  };
}

/** Writes `files` into a fresh `dir` readable by any uid (the container's is the pod's), inside the file's 0700 temp dir. */
function writeMountDir(dir: string, files: Record<string, string>): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content, { mode: 0o644 });
  return dir;
}

/** The pod's projected volume holding a ServiceAccount token, if the container mounts one. */
function tokenVolumeOf(pod: KubeObject, container: any): any {
  const volumes = new Map<string, any>((pod.spec.volumes ?? []).map((v: any) => [v.name, v]));
  return (container.volumeMounts ?? []).map((m: any) => volumes.get(m.name)).find((v: any) => v?.projected?.sources?.some((src: any) => src.serviceAccountToken));
}

async function containerCommand(s: SidecarSpec): Promise<Sidecar['command'] & { container: string; token?: ProjectedTokenMount }> {
  const { pod } = s;
  const ns = pod.metadata.namespace!; // a Pod read from the API server always has one
  const c = podContainer(pod, RECONCILER_CONTAINER_NAME);
  const base = path.join(s.dir, pod.metadata.name);
  const saDir = path.join(base, 'serviceaccount');
  const volume = tokenVolumeOf(pod, c);
  const token = volume ? await ProjectedTokenMount.start(s.credentials.issuer, pod, volume, saDir) : undefined;
  const restDir = writeMountDir(path.join(base, 'rest-api'), { 'ca.pem': s.restApi.caPem });
  const run = process.env[RUN_ENV] ?? String(process.pid);
  const container = `e2e-reconciler-${run}-${ns}-${pod.metadata.name}`;
  const env = {
    ...resolvedEnv(pod, c),
    // What the kubelet sets for the in-cluster client (the `kubernetes` Service), here the API server itself.
    KUBERNETES_SERVICE_HOST: '127.0.0.1',
    KUBERNETES_SERVICE_PORT: String(s.credentials.apiserverPort),
    ...harnessEnv(s, `${REST_API_CA_DIR}/ca.pem`),
    ...s.env,
  };
  const args = [
    // --replace: a restart may come before Podman has finished removing the previous instance.
    'run', '--rm', '--replace', '--name', container, '--network=host', '--pull=never',
    '--label', `${RUN_LABEL}=${run}`, '--label', `${OWNER_LABEL}=${process.pid}`, '--label', `${POD_LABEL}=${ns}/${pod.metadata.name}`,
    ...securityAndVolumeFlags(pod, c, saDir),
    '--volume', `${restDir}:${REST_API_CA_DIR}:ro`,
    ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    // By id: another worktree may tag a newer build with the same reference meanwhile.
    reconcilerImage().id,
  ];
  return { file: 'podman', args, env: {}, container, token };
}

function processCommand(s: SidecarSpec): Sidecar['command'] {
  const c = podContainer(s.pod, RECONCILER_CONTAINER_NAME);
  const restCaFile = path.join(s.dir, `${s.pod.metadata.name}-rest-api-ca.pem`);
  fs.writeFileSync(restCaFile, s.restApi.caPem);
  const env = { PATH: process.env.PATH, ...resolvedEnv(s.pod, c), ...harnessEnv(s, restCaFile), KUBECONFIG: s.credentials.kubeconfig, ...s.env };
  return { file: 'node', args: [RECONCILER_MAIN], env };
}

export async function sidecarFor(s: SidecarSpec): Promise<Sidecar> {
  if (reconcilerRuntime() === 'process') return { log: '', command: processCommand(s) };
  const { container, token, ...command } = await containerCommand(s);
  return { log: '', container, command, token };
}

let ownerWatchdog = false;

export function startSidecar(n: Sidecar): void {
  const { file, args, env } = n.command;
  n.pid = undefined;
  if (file === 'podman') {
    // afterAll stops it; this covers a kill -9 of jest (one watchdog per test process).
    if (!ownerWatchdog) removeWhenOwnerDies(`${OWNER_LABEL}=${process.pid}`);
    ownerWatchdog = true;
    const proc = spawnPodman(args, { stdio: ['ignore', 'ignore', 'pipe'] });
    n.proc = proc;
    learnContainerPid(n, proc).catch(() => undefined);
  } else {
    n.proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    n.pid = n.proc.pid;
    killWhenOwnerDies([n.proc.pid!], RECONCILER_MAIN);
  }
  n.proc.stderr!.on('data', (c: Buffer) => { n.log += c.toString(); });
}

/**
 * The host pid of the container's reconciler, once it runs: stopSidecar
 * signals it directly, as fast as a process is signalled (a `podman kill`
 * takes a second or more on a loaded machine, and a Lease takeover is timed
 * from the kill).
 */
async function learnContainerPid(n: Sidecar, proc: ChildProcess): Promise<void> {
  for (let i = 0; i < 240 && n.proc === proc && proc.exitCode === null; i++) {
    const pid = Number((await podman(['inspect', '--format', '{{.State.Pid}}', n.container!]).catch(() => '0')).trim());
    if (pid > 0 && n.proc === proc) {
      n.pid = pid;
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Is `pid` still the reconciler (not a reused pid)? */
function runsReconciler(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('main.js');
  } catch {
    return false;
  }
}

/** Stops it with `signal` (SIGKILL after 10 s), and waits for the exit (and, for a container, its removal). */
export async function stopSidecar(n: Sidecar, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const p = n.proc;
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  let timer: NodeJS.Timeout;
  if (n.container) {
    // The signal goes to the reconciler itself, never to the podman client (a SIGKILL of that would orphan the container).
    if (n.pid && runsReconciler(n.pid)) process.kill(n.pid, signal);
    else await podman(['kill', '--signal', signal, n.container]).catch(() => undefined);
    const name = n.container;
    timer = setTimeout(() => { podman(['rm', '-f', '-t', '0', name]).catch(() => undefined); }, 10_000);
  } else {
    p.kill(signal);
    timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
  }
  await exited;
  clearTimeout(timer);
  n.proc = undefined;
  n.pid = undefined;
}

/** What Podman and the kernel say about a sidecar container: its image, user, root filesystem and process credentials. */
export interface SidecarContainerFacts {
  pod: string;
  imageId: string;
  running: boolean;
  user: string;
  readOnlyRootfs: boolean;
  /** Real uid and gid of the container's main process, from /proc/<pid>/status. */
  processUid: number;
  processGid: number;
}

/** The facts of every container of this run labelled with a pod of `namespace`. */
export async function sidecarContainers(namespace: string): Promise<SidecarContainerFacts[]> {
  const run = process.env[RUN_ENV] ?? String(process.pid);
  const ids = (await podman(['ps', '-q', '--filter', `label=${RUN_LABEL}=${run}`])).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const inspected = JSON.parse(await podman(['inspect', ...ids])) as any[];
  return inspected
    .filter((c) => String(c.Config.Labels?.[POD_LABEL] ?? '').startsWith(`${namespace}/`))
    .map((c) => {
      const status = fs.readFileSync(`/proc/${c.State.Pid}/status`, 'utf8');
      const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)![1]);
      return {
        pod: c.Config.Labels[POD_LABEL].slice(namespace.length + 1),
        imageId: c.Image,
        running: c.State.Running,
        user: c.Config.User,
        readOnlyRootfs: c.HostConfig.ReadonlyRootfs,
        processUid: field('Uid'),
        processGid: field('Gid'),
      };
    });
}

/** Runs `node -e script` inside a running sidecar container, as its user; answers exit code and output. */
export async function execInSidecar(n: Sidecar, script: string): Promise<{ code: number; output: string }> {
  if (!n.container) throw new Error('execInSidecar: this sidecar is a process (E2E_RECONCILER_RUNTIME=process), not a container');
  return podman(['exec', n.container, '/usr/local/bin/node', '-e', script])
    .then((output) => ({ code: 0, output }), (e: Error) => ({ code: 1, output: e.message }));
}
