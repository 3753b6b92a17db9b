/**
 * What globalSetup hands to the test workers: jest runs globalSetup in the
 * parent process, so the only channel to the workers is the environment.
 * One env var points at a JSON file with everything a test needs.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Env var holding the path of the {@link PlaneInfo} JSON file. */
export const PLANE_INFO_ENV = 'E2E_CONTROL_PLANE_INFO';
/** Env var holding the reason why e2e tests are skipped: only ever because E2E_SKIP=1 asked for it. */
export const SKIP_REASON_ENV = 'E2E_SKIP_REASON';

/**
 * The one way to skip the e2e tests: `E2E_SKIP=1`, an explicit opt-out. A
 * missing tool (Go, openssl, a failed build) never skips them, on CI or not:
 * a run that cannot start the control plane fails.
 */
export const E2E_SKIP_ENV = 'E2E_SKIP';

export function e2eSkipRequested(): boolean {
  return process.env[E2E_SKIP_ENV] === '1';
}

/**
 * Which control plane a jest project runs on: the wrapper module in tools/
 * it is built from, set as `globals.E2E_PLANE` in jest.config.js (`k8s`, the
 * newest supported Kubernetes, or `k8s-1.30`, the oldest). jest runs every
 * project's globalSetup in one process, so each plane has its own env vars.
 */
export const DEFAULT_PLANE = 'k8s';

/** The plane of the jest project this code runs in (globalSetup passes its project's value). */
export function currentPlane(globals: Record<string, unknown> = globalThis as any): string {
  const plane = globals.E2E_PLANE;
  return typeof plane === 'string' ? plane : DEFAULT_PLANE;
}

/** The env var `base` of a plane: `base` itself for the default plane, `base_K8S_1_30` for k8s-1.30. */
export function planeEnv(base: string, plane: string): string {
  return plane === DEFAULT_PLANE ? base : `${base}_${plane.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
}

export function planeInfoEnv(plane: string): string {
  return planeEnv(PLANE_INFO_ENV, plane);
}

export function skipReasonEnv(plane: string): string {
  return planeEnv(SKIP_REASON_ENV, plane);
}

export interface PlaneInfo {
  /** https://127.0.0.1:<port> */
  apiserverUrl: string;
  /** Client-cert kubeconfig (system:masters), for kube-client, kubectl and `KubeConfig.loadFromFile`. */
  kubeconfig: string;
  /** Directory with kube-apiserver, kubectl, etcd, kwok ... */
  binDir: string;
  /** Temporary directory of this run (logs in `logs/`). */
  workDir: string;
  /** Versions read from the build's versions.json (kubernetes is e.g. "v1.30.14"). */
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

export function readPlaneInfo(plane = currentPlane()): PlaneInfo | undefined {
  const file = process.env[planeInfoEnv(plane)];
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

/** "1.30" from versions.kubernetes "v1.30.14": the `kubernetesVersion` prop matching this plane. */
export function kubernetesMinorVersion(info: Pick<PlaneInfo, 'versions'>): string {
  const m = /^v?(\d+\.\d+)/.exec(info.versions.kubernetes);
  if (!m) throw new Error(`cannot read a Kubernetes minor from "${info.versions.kubernetes}"`);
  return m[1];
}
