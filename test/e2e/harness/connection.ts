/**
 * What globalSetup hands to the test workers: jest runs globalSetup in the
 * parent process, so the only channel to the workers is the environment.
 * One env var points at a JSON file with everything a test needs.
 */
import * as fs from 'fs';

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
}

export function readPlaneInfo(): PlaneInfo | undefined {
  const file = process.env[PLANE_INFO_ENV];
  if (!file) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PlaneInfo;
}
