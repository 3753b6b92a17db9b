/**
 * What globalSetup hands to the test workers: jest runs globalSetup in the
 * parent process, so the only channel to the workers is the environment.
 * One env var points at a JSON file with everything a test needs.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Env var holding the path of the {@link PlaneInfo} JSON file. */
export const PLANE_INFO_ENV = 'E2E_CONTROL_PLANE_INFO';
/** Env var holding the reason why e2e tests are skipped (Go or the build unavailable, outside CI). */
export const SKIP_REASON_ENV = 'E2E_SKIP_REASON';

export interface PlaneInfo {
  /** https://127.0.0.1:<port> */
  apiserverUrl: string;
  /** Client-cert kubeconfig (system:masters), for kube-client, kubectl and `KubeConfig.loadFromFile`. */
  kubeconfig: string;
  /** Directory with kube-apiserver, kubectl, etcd, kwok ... */
  binDir: string;
  /** Temporary directory of this run (logs in `logs/`). */
  workDir: string;
  /** Versions read from the build's versions.json. */
  versions: { kubernetes: string; etcd: string; kwok: string };
  /** Names of the simulated nodes created at start (tests may add more, and must remove them). */
  baseNodes: string[];
  /** StorageClass whose statically provisioned PVs make claims bind. */
  storageClassName: string;
  /**
   * JSON file ({@link PlaneProcesses}) with the CURRENT pid of each component. It changes when the
   * parent restarts a supervised component (kube-apiserver), so read it again each time.
   */
  processesFile: string;
}

/** One component as the globalSetup process last started it. */
export interface PlaneProcess {
  /** pid of the leader = process group id. */
  pid: number;
  /** Restarted by the parent when it exits on its own (only kube-apiserver). */
  supervised: boolean;
  /** How many times the parent has started it again. */
  restarts: number;
  /** Epoch ms of the current instance's start. */
  startedAt: number;
  /** Log of every instance (appended to). */
  logFile: string;
}

/** Contents of {@link PlaneInfo.processesFile}, rewritten atomically by the globalSetup process. */
export interface PlaneProcesses {
  /** pid of the process that owns the plane (jest's parent process). */
  ownerPid: number;
  /** `<cache>/runs/<ownerPid>.json`: the record interrupted-run cleanup reads. */
  runRecord: string;
  components: Record<string, PlaneProcess>;
}

export function readPlaneInfo(): PlaneInfo | undefined {
  const file = process.env[PLANE_INFO_ENV];
  if (!file) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PlaneInfo;
}

export function readPlaneProcesses(info: PlaneInfo): PlaneProcesses {
  return JSON.parse(fs.readFileSync(info.processesFile, 'utf8')) as PlaneProcesses;
}

/**
 * Written by a test right before it kills a supervised component on purpose, removed by the parent
 * when it sees the exit: the parent then restarts it at once and does not count it as a failed start.
 */
export function restartRequestFile(info: Pick<PlaneInfo, 'workDir'>, pid: number): string {
  return path.join(info.workDir, `restart-requested.${pid}`);
}
