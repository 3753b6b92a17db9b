/**
 * The reconciler as a process of its own, as it runs in the pod: the built
 * `main.js` started with the environment the pod template gives it (the
 * values a fleet node's config holds), a kubeconfig of the `<rec>`
 * ServiceAccount's token, and the node's REST API double. Its figures come
 * from outside: /readyz, /metrics, and the kernel's VmHWM of its pid.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { SIDECAR_ENV as E, SIDECAR_PATHS } from '../lib/contract/sidecar';
import { killWhenOwnerDies } from '../test/e2e/harness/owned-processes';
import { RECONCILER_MAIN } from '../test/e2e/harness/reconciler-sidecar';
import { FleetNode, InProcessFleet } from '../test/e2e/reconciler-in-process/support/fleet';

export interface ReconcilerProcess {
  readonly node: FleetNode;
  readonly proc: ChildProcess;
  readonly pid: number;
  /** /healthz, /readyz, /metrics on 127.0.0.1. */
  readonly port: number;
  /** Its stderr (JSON log lines), for the error when it dies. */
  log: string;
  readonly exited: Promise<number | null>;
}

/** What the pod template and the downward API give the container, from the fleet's config of `node`. */
function podEnv(fleet: InProcessFleet, node: FleetNode, port: number, overrides: Record<string, string>): NodeJS.ProcessEnv {
  const c = fleet.config(node);
  const caFile = path.join(fleet.dir, `${node.podName}-rest-api-ca.pem`);
  fs.writeFileSync(caFile, node.started.caCertPem);
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    [E.podName]: c.podName,
    [E.namespace]: c.namespace,
    [E.podIp]: c.podIp,
    [E.nodeName]: c.nodeName,
    [E.clusterName]: c.clusterName,
    [E.desiredStateConfigMap]: c.desiredStateConfigMap,
    [E.rackId]: c.rackId,
    [E.apiUrl]: c.apiUrl,
    [E.apiCaFile]: caFile,
    [E.httpHost]: '127.0.0.1',
    [E.httpPort]: String(port),
    [E.kubeconfig]: fleet.kubeconfig,
    [E.logLevel]: 'info',
    [E.shutdownPrestopWaitSeconds]: '0',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
}

export function spawnReconciler(fleet: InProcessFleet, node: FleetNode, port: number, overrides: Record<string, string> = {}): ReconcilerProcess {
  const proc = spawn(process.execPath, [RECONCILER_MAIN], { env: podEnv(fleet, node, port, overrides), stdio: ['ignore', 'ignore', 'pipe'] });
  // Stopped by the benchmark; this covers a kill -9 of it.
  killWhenOwnerDies([proc.pid!], RECONCILER_MAIN);
  const p: ReconcilerProcess = {
    node, proc, pid: proc.pid!, port, log: '',
    exited: new Promise((resolve) => proc.once('exit', (code) => resolve(code))),
  };
  proc.stderr!.on('data', (c: Buffer) => {
    p.log = (p.log + c.toString()).slice(-20_000);
  });
  return p;
}

function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

/** Resolves when /readyz answers 200 (polled every 5 ms: the figure's resolution); fails when the process exits first. */
export async function untilReady(p: ReconcilerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void p.exited.then(() => (dead = true));
  while (Date.now() < deadline) {
    if (dead) throw new Error(`reconciler ${p.node.podName} exited before it was ready:\n${p.log.slice(-2000)}`);
    const r = await get(p.port, SIDECAR_PATHS.readyz).catch(() => undefined);
    if (r?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`reconciler ${p.node.podName} not ready within ${timeoutMs} ms:\n${p.log.slice(-2000)}`);
}

/** One sample of a Prometheus text exposition. */
export interface Sample { name: string; labels: Record<string, string>; value: number }

export async function scrape(p: ReconcilerProcess): Promise<Sample[]> {
  const { status, body } = await get(p.port, SIDECAR_PATHS.metrics);
  if (status !== 200) throw new Error(`${p.node.podName} /metrics answered ${status}`);
  const samples: Sample[] = [];
  for (const line of body.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([^ ]+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

export function sum(samples: readonly Sample[], name: string, where: (labels: Record<string, string>) => boolean = () => true): number {
  return samples.filter((s) => s.name === name && where(s.labels)).reduce((n, s) => n + s.value, 0);
}

/** The process's peak resident set (VmHWM, the kernel's high-water mark), MiB. */
export function peakRssMiB(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

/** SIGTERM (SIGKILL after 10 s) and the exit. */
export async function stopProcess(p: ReconcilerProcess): Promise<void> {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  const timer = setTimeout(() => p.proc.kill('SIGKILL'), 10_000);
  p.proc.kill('SIGTERM');
  await p.exited;
  clearTimeout(timer);
}
