/**
 * Restarting kube-apiserver of the shared control plane from a test.
 *
 * The ControlPlane object lives in jest's globalSetup (parent) process; a test
 * cannot call it. It does not need to: the parent supervises kube-apiserver
 * and starts it again, with the same command line (same port, flags, etcd),
 * whenever it exits while the plane runs. A test therefore only kills it,
 * through the current pid that the parent publishes in `processes.json`,
 * and waits for the replacement to be ready.
 *
 * Everyone on the shared plane sees the outage. jest runs the e2e files one at
 * a time (maxWorkers 1), so only the calling file is affected, and it must
 * leave the plane healthy: this helper returns only once `/readyz` is 200.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PlaneInfo, PlaneProcess, readPlaneProcesses, restartRequestFile } from './connection';
import { tail } from './process-group';
import { probe } from './readiness';

export const API_SERVER = 'kube-apiserver';

export interface RestartOptions {
  /** SIGTERM: graceful shutdown (default). SIGKILL: a crash, nothing drained. */
  signal?: 'SIGTERM' | 'SIGKILL';
  /** Bound on the whole restart (default 120 s). */
  timeoutMs?: number;
}

export interface RestartResult {
  /** From the signal until the new instance's `/readyz` answered 200: how long the API was unavailable. */
  downMs: number;
  /** From the signal until the parent had started the replacement (the old process was gone). */
  exitMs: number;
  /** From the replacement's start until its `/readyz` answered 200. */
  startMs: number;
  oldPid: number;
  newPid: number;
  /** The parent's restart count after this restart. */
  restarts: number;
  /** Epoch ms of the signal, and of the first 200 from the new `/readyz`: the window of the outage. */
  signalledAt: number;
  readyAt: number;
}

/** The current kube-apiserver process, as the parent last recorded it. */
export function apiServerProcess(info: PlaneInfo): PlaneProcess {
  const p = readPlaneProcesses(info).components[API_SERVER];
  if (!p) throw new Error(`${info.processesFile} lists no ${API_SERVER}`);
  return p;
}

/** True when `pid` runs this plane's kube-apiserver binary (guards against a reused pid). */
export function runsApiServer(info: PlaneInfo, pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === path.join(info.binDir, API_SERVER);
  } catch {
    return false;
  }
}

async function until<T>(what: string, deadline: number, intervalMs: number, check: () => Promise<T | undefined> | T | undefined,
  detail: () => string): Promise<T> {
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`restartApiServer: ${what} not reached in time. ${detail()}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Kills kube-apiserver (its process group) and waits until the parent has
 * started it again and the new instance's `/readyz` is 200. State survives
 * (same etcd); clients reconnect to the same URL.
 */
export async function restartApiServer(info: PlaneInfo, opts: RestartOptions = {}): Promise<RestartResult> {
  const signal = opts.signal ?? 'SIGTERM';
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  const url = `${info.apiserverUrl}/readyz`;
  const before = apiServerProcess(info);
  const logTail = (): string => `Last lines of ${before.logFile}:\n${tail(before.logFile, 25)}`;
  if (!before.supervised) throw new Error(`${API_SERVER} is not supervised by this run's globalSetup; it would not come back`);
  if (!runsApiServer(info, before.pid)) throw new Error(`pid ${before.pid} from ${info.processesFile} is not ${API_SERVER}; not killing it`);
  if ((await probe(url)) !== 200) throw new Error(`${API_SERVER} is not ready before the restart; refusing to stack restarts`);

  const marker = restartRequestFile(info, before.pid);
  fs.writeFileSync(marker, `${process.pid}\n`);
  const t0 = Date.now();
  try {
    process.kill(-before.pid, signal);
  } catch (err) {
    fs.rmSync(marker, { force: true });
    throw err;
  }

  // The parent rewrites processes.json when it has started the replacement, i.e. after the old one exited.
  const after = await until('a new kube-apiserver process', deadline, 20, () => {
    const p = apiServerProcess(info);
    return p.pid !== before.pid ? p : undefined;
  }, logTail);
  // The old process is gone, so whatever answers on the port now is the new one.
  await until('/readyz 200 of the new kube-apiserver', deadline, 50, async () => ((await probe(url)) === 200 ? true : undefined),
    () => `Last lines of ${after.logFile}:\n${tail(after.logFile, 25)}`);
  const readyAt = Date.now();
  return {
    downMs: readyAt - t0,
    exitMs: after.startedAt - t0,
    startMs: readyAt - after.startedAt,
    oldPid: before.pid,
    newPid: after.pid,
    restarts: after.restarts,
    signalledAt: t0,
    readyAt,
  };
}
