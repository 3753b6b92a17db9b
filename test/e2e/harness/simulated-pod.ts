/**
 * The two containers of one simulated Redis Enterprise node pod, as the
 * simulated kubelet runs them (simulated-kubelet.ts): `redis-enterprise-node`
 * is a REST API double (one per PersistentVolumeClaim: the node's state lives
 * on the claim), `reconciler` is the reconciler in-process, configured from
 * the pod's own env (downward API resolved), serving HTTP on 127.0.0.1.
 */
import { NODE_CONTAINER_NAME, RECONCILER_CONTAINER_NAME } from '../../../lib/contract/names';
import { SIDECAR_ENV } from '../../../lib/contract/sidecar';
import { KubeClient as ReconcilerKubeClient } from '../../../lib/reconciler/io/kube-client';
import { RunningReconciler } from '../../../lib/reconciler/runtime/app';
import { loadConfig, ReconcilerConfig } from '../../../lib/reconciler/runtime/config';
import { KubeObject } from '../../support/kube-client';
import { RedisEnterpriseApiDouble, StartedApiDouble } from '../../support/redis-enterprise-api-double';
import { podContainer, resolvedEnv } from './pod-container';

export interface SimulatedNode {
  pod: string;
  podUid: string;
  ip: string;
  /** The Kubernetes node the pod is bound to. */
  nodeName: string;
  /** The redis-enterprise-storage PVC it runs on (its persistent identity). */
  claim: string;
  claimUid: string;
  /** The redis-enterprise-node container image of this pod. */
  image: string;
  double: RedisEnterpriseApiDouble;
  started: StartedApiDouble;
  /** lib/reconciler/runtime/app startReconciler, in-process, serving HTTP on 127.0.0.1 (`reconcilerPort`). */
  reconciler?: RunningReconciler;
  reconcilerPort?: number;
  /** The configuration it was started with (read from the pod's env). */
  config?: ReconcilerConfig;
  kube?: ReconcilerKubeClient;
}

/**
 * The Redis Enterprise software version a node image runs: the image tag
 * without its operator build (the RS image tag is `<rs-version>.<operator
 * build>`, e.g. `redislabs/redis:8.0.20-44.23` runs 8.0.20-44); any other
 * tag is taken as the version itself.
 */
export function softwareVersionOfImage(image: string): string {
  const name = image.split('@')[0];
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : 'latest';
  return /^(\d+\.\d+\.\d+-\d+)\.\d+$/.exec(tag)?.[1] ?? tag;
}

export function nodeImageOf(pod: KubeObject): string {
  return podContainer(pod, NODE_CONTAINER_NAME).image;
}

/**
 * The reconciler's configuration as its container would read it from the
 * pod (env with downward-API fields resolved), with what differs in-process:
 * the REST API is the double's URL, the HTTP server listens on a free port of
 * 127.0.0.1; then the test's overrides.
 */
export function reconcilerConfigOf(pod: KubeObject, apiUrl: string, overrides: Partial<ReconcilerConfig> = {}): ReconcilerConfig {
  const env = resolvedEnv(pod, podContainer(pod, RECONCILER_CONTAINER_NAME));
  const config = loadConfig({
    ...env,
    [SIDECAR_ENV.apiUrl]: apiUrl,
    [SIDECAR_ENV.httpHost]: '127.0.0.1',
    [SIDECAR_ENV.httpPort]: '0',
  });
  return { ...config, ...overrides };
}
