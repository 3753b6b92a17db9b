/**
 * A real Argo CD (v3.2.11, built by tools/build-argocd.sh) against the shared
 * control plane: Redis, the repo-server and the application controller, each
 * its own process group on 127.0.0.1 with free ports, logging to
 * `<plane work dir>/logs/argocd-*.log`; Argo CD's CRDs and configuration in a
 * namespace of its own; the plane registered as a cluster Secret; and a bare
 * git repository in the plane's work dir, served as `file://`, that tests
 * commit rendered manifests to. `stop()` ends every process and removes the
 * namespace. A build failure fails the test file (CI or not): it needs
 * nothing the control plane does not already need.
 */
import { execFile, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { promisify } from 'util';
import * as yaml from 'js-yaml';
import { argoCdResourceCustomizations } from '../../../lib';
import { KubeClient, KubeObject, waitFor } from '../../support/kube-client';
import { PlaneInfo } from './connection';
import { createNamespace, deleteNamespace } from './namespaces';
import { killWhenOwnerDies } from './owned-processes';
import { freePorts } from './ports';
import { Component, startComponent, stopGroup, tail } from './process-group';

const run = promisify(execFile);
const SCRIPT = path.resolve(__dirname, '../../../tools/build-argocd.sh');
const FIELD_MANAGER = 'e2e-argocd-harness';
/** Name of the plane in Argo CD's cluster Secret. */
export const PLANE_CLUSTER_NAME = 'e2e-plane';

export interface ArgoCd {
  /** Namespace of Argo CD's configuration and Applications. */
  namespace: string;
  /** `file://` URL of the bare repository Applications point at. */
  repoUrl: string;
  /** The plane's API URL, as registered in Argo CD (an Application's destination server). */
  server: string;
  /** Replaces `folder` in the repository with `files` (relative path -> YAML) and commits it; answers the commit. */
  commit(folder: string, files: Record<string, string>, message: string): Promise<string>;
  /** Asks Argo CD to resolve the revision again now (what a git webhook triggers), instead of after its cache expires. */
  refresh(name: string): Promise<void>;
  /** The Application, or undefined. */
  application(name: string): Promise<KubeObject | undefined>;
  /** Tail of each process's log, for failure messages. */
  logTails(): string;
  stop(): Promise<void>;
}

/** Runs the build script (instant when cached) and answers the bin dir and the CRD folder. */
export async function buildArgoCd(log: (m: string) => void): Promise<{ binDir: string; crdsDir: string }> {
  const t0 = Date.now();
  const child = spawn('bash', [SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => { stderr += d; process.stderr.write(d); });
  const heartbeat = setInterval(() => log(`still building Argo CD (${Math.round((Date.now() - t0) / 1000)} s)`), 60_000);
  const code = await new Promise<number>((r) => { child.on('error', () => r(127)); child.on('close', (c) => r(c ?? 1)); });
  clearInterval(heartbeat);
  const binDir = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !fs.existsSync(path.join(binDir, '.complete'))) {
    throw new Error(`tools/build-argocd.sh failed (exit ${code}); the Argo CD e2e test cannot run:\n${stderr.split('\n').slice(-15).join('\n')}`);
  }
  const versions = JSON.parse(fs.readFileSync(path.join(binDir, 'versions.json'), 'utf8'));
  log(`Argo CD ${versions.argocd} ready in ${Math.round((Date.now() - t0) / 1000)} s: ${binDir}`);
  return { binDir, crdsDir: versions.crds };
}

async function waitForPort(port: number, comp: Component, timeoutMs = 120_000): Promise<void> {
  await waitFor(`${comp.name} listening on 127.0.0.1:${port}`, async (observe) => {
    if (comp.exited) throw new Error(`${comp.name} exited (${JSON.stringify(comp.exited)}):\n${tail(comp.logFile)}`);
    observe(tail(comp.logFile, 5));
    return new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
  }, { timeoutMs, intervalMs: 250 });
}

/** Starts `bin` with `env` added (through env(1), which execs it: the group leader is the program itself). */
function startWithEnv(name: string, bin: string, args: string[], env: Record<string, string>, logDir: string): Component {
  return startComponent(name, '/usr/bin/env', [...Object.entries(env).map(([k, v]) => `${k}=${v}`), bin, ...args], logDir);
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@127.0.0.1', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@127.0.0.1' } });
  return stdout.trim();
}

function argoCdConfig(namespace: string, info: PlaneInfo): KubeObject[] {
  const kc = yaml.load(fs.readFileSync(info.kubeconfig, 'utf8')) as any;
  const partOf = { 'app.kubernetes.io/part-of': 'argocd' };
  const cm = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: partOf }, data });
  return [
    cm('argocd-cm', {
      // Short timers: the defaults (180 s) are for production, not for a test that waits on them.
      'timeout.reconciliation': '5s',
      'timeout.reconciliation.jitter': '0s',
      ...argoCdResourceCustomizations(),
    }),
    cm('argocd-rbac-cm', {}),
    cm('argocd-cmd-params-cm', {}),
    {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'argocd-secret', namespace, labels: partOf }, type: 'Opaque',
      stringData: { 'server.secretkey': randomBytes(32).toString('base64') },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'default', namespace },
      spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] },
    },
    {
      // Out of the cluster, https://kubernetes.default.svc does not exist: register the plane by URL.
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
      metadata: { name: PLANE_CLUSTER_NAME, namespace, labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
      stringData: {
        name: PLANE_CLUSTER_NAME,
        server: info.apiserverUrl,
        config: JSON.stringify({ tlsClientConfig: {
          caData: kc.clusters[0].cluster['certificate-authority-data'],
          certData: kc.users[0].user['client-certificate-data'],
          keyData: kc.users[0].user['client-key-data'],
        } }),
      },
    },
  ];
}

async function applyCrds(client: KubeClient, crdsDir: string): Promise<void> {
  const crds = ['application-crd.yaml', 'applicationset-crd.yaml', 'appproject-crd.yaml']
    .map((f) => yaml.load(fs.readFileSync(path.join(crdsDir, f), 'utf8')) as KubeObject);
  await client.apply(crds, FIELD_MANAGER);
  for (const crd of crds) {
    await waitFor(`CRD ${crd.metadata.name} established`, async () => {
      const live = await client.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crd.metadata.name });
      return (live.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True');
    });
  }
}

export async function startArgoCd(client: KubeClient, info: PlaneInfo, log: (m: string) => void): Promise<ArgoCd> {
  const { binDir, crdsDir } = await buildArgoCd(log);
  const logDir = path.join(info.workDir, 'logs');
  const home = fs.mkdtempSync(path.join(info.workDir, 'argocd-'));
  const components: Component[] = [];
  let namespace = '';
  const stop = async () => {
    for (const c of [...components].reverse()) await stopGroup(c.pid);
    if (namespace) await deleteNamespace(client, namespace);
  };
  try {
    const [redisPort, repoPort, repoMetrics, controllerMetrics] = await freePorts(4);
    const redis = startComponent('argocd-redis', 'redis-server', [
      '--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', home,
    ], logDir);
    components.push(redis);
    killWhenOwnerDies([redis.pid], `127.0.0.1:${redisPort}`);
    await waitForPort(redisPort, redis);

    await applyCrds(client, crdsDir);
    namespace = await createNamespace(client, 'argocd');
    await client.apply(argoCdConfig(namespace, info), FIELD_MANAGER);

    // Repository: a bare repository and a work tree that commits are pushed from.
    const bare = path.join(home, 'manifests.git');
    const work = path.join(home, 'work');
    await git(home, 'init', '--bare', '--initial-branch=main', bare);
    await git(home, 'clone', bare, work);
    await git(work, 'commit', '--allow-empty', '-m', 'empty');
    await git(work, 'push', 'origin', 'HEAD:main');

    const paths: Record<string, string> = {};
    for (const d of ['ssh', 'tls', 'gpg', 'plugins', 'tmp']) {
      paths[d] = path.join(home, d);
      fs.mkdirSync(paths[d], { recursive: true, mode: 0o700 });
    }
    const env = {
      HOME: home, TMPDIR: paths.tmp, PATH: process.env.PATH ?? '/usr/bin:/bin',
      ARGOCD_GPG_ENABLED: 'false', ARGOCD_SSH_DATA_PATH: paths.ssh, ARGOCD_TLS_DATA_PATH: paths.tls,
      ARGOCD_GNUPGHOME: paths.gpg, ARGOCD_PLUGINSOCKFILEPATH: paths.plugins,
    };
    const repoServer = startWithEnv('argocd-repo-server', path.join(binDir, 'argocd-repo-server'), [
      '--redis', `127.0.0.1:${redisPort}`, '--port', String(repoPort), '--address', '127.0.0.1',
      '--metrics-port', String(repoMetrics), '--metrics-address', '127.0.0.1', '--disable-tls', '--loglevel', 'info',
    ], env, logDir);
    components.push(repoServer);
    killWhenOwnerDies([repoServer.pid], binDir);
    await waitForPort(repoPort, repoServer);

    const controller = startWithEnv('argocd-application-controller', path.join(binDir, 'argocd-application-controller'), [
      '--namespace', namespace, '--redis', `127.0.0.1:${redisPort}`,
      '--repo-server', `127.0.0.1:${repoPort}`, '--repo-server-plaintext',
      '--metrics-port', String(controllerMetrics), '--app-resync', '10', '--loglevel', 'info',
      // Since v3.0 resource health lives in Redis only; the tests read it from the Application, as `argocd app get` shows it.
      '--persist-resource-health',
    ], { ...env, KUBECONFIG: info.kubeconfig }, logDir);
    components.push(controller);
    killWhenOwnerDies([controller.pid], binDir);
    await waitForPort(controllerMetrics, controller);
    log(`Argo CD running in namespace ${namespace} (redis :${redisPort}, repo-server :${repoPort})`);

    return {
      namespace,
      repoUrl: `file://${bare}`,
      server: info.apiserverUrl,
      async commit(folder, files, message) {
        const dir = path.join(work, folder);
        fs.rmSync(dir, { recursive: true, force: true });
        for (const [rel, text] of Object.entries(files)) {
          fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
          fs.writeFileSync(path.join(dir, rel), text);
        }
        await git(work, 'add', '-A');
        await git(work, 'commit', '--allow-empty', '-m', message);
        await git(work, 'push', 'origin', 'HEAD:main');
        return git(work, 'rev-parse', 'HEAD');
      },
      async refresh(name) {
        await client.patch({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace, name },
          { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'hard' } } }, 'application/merge-patch+json');
      },
      application: (name) => client.tryGet({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace, name }),
      logTails: () => components.map((c) => `==== ${c.name}\n${tail(c.logFile, 15)}`).join('\n'),
      stop,
    };
  } catch (e) {
    const tails = components.map((c) => `==== ${c.name}\n${tail(c.logFile, 20)}`).join('\n');
    await stop();
    throw new Error(`${(e as Error).message}\n${tails}`);
  }
}
