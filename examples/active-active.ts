/**
 * One Active-Active database written in two Kubernetes clusters. One cdk8s
 * App, one Chart per Kubernetes cluster: synth writes one folder per
 * cluster (examples/manifests/active-active/us-east/ and eu-west/), each
 * applied to its own cluster by its own Argo CD Application.
 *
 * Before the first sync, each namespace needs the other cluster's admin
 * credentials as Secret `redis-enterprise-<participant>` (keys username and
 * password), e.g. from an ExternalSecret on a shared vault path.
 */
import * as path from 'path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import { acknowledgedUnsafeChanges } from './production-cluster';
import {
  ArgoCdClusterHealth, ArgoCdSyncWaves, UnsafeChangeGuard, ExternalAccessMethod, IngressController, RedisEnterpriseActiveActiveDatabase, RedisEnterpriseCluster,
  RedisEnterpriseRemoteCluster, TlsMode,
} from '../lib';

export interface ActiveActiveOptions {
  /** Namespace of each cluster's objects (e2e tests use two namespaces of one API server). @default 'redis' */
  readonly eastNamespace?: string;
  /** @default 'redis' */
  readonly westNamespace?: string;
  /** @default 'premium-rwo' */
  readonly storageClassName?: string;
  /** The Redis version of the `carts` database (e2e tests upgrade it). @default - the clusters' default, never upgraded */
  readonly redisVersion?: string;
}

export function activeActiveApp(app: App, options: ActiveActiveOptions = {}): { east: Chart; west: Chart } {
  const storageClassName = options.storageClassName ?? 'premium-rwo';
  const east = new Chart(app, 'us-east', { namespace: options.eastNamespace ?? 'redis' });
  const eastCluster = new RedisEnterpriseCluster(east, 'rec', {
    name: 'rec-east',
    kubernetesClusterName: 'us-east',
    rackAwarenessNodeLabel: 'topology.kubernetes.io/zone',
    persistence: { storageClassName },
    externalAccess: {
      method: ExternalAccessMethod.INGRESS,
      ingressController: IngressController.HAPROXY,
      apiFqdn: 'api.rec-east.example.com',
      dbFqdnSuffix: '.db.rec-east.example.com',
    },
  });
  const west = new Chart(app, 'eu-west', { namespace: options.westNamespace ?? 'redis' });
  const westCluster = new RedisEnterpriseCluster(west, 'rec', {
    name: 'rec-west',
    kubernetesClusterName: 'eu-west',
    rackAwarenessNodeLabel: 'topology.kubernetes.io/zone',
    persistence: { storageClassName },
    externalAccess: {
      method: ExternalAccessMethod.ISTIO,
      apiFqdn: 'api.rec-west.example.com',
      dbFqdnSuffix: '.db.rec-west.example.com',
    },
  });
  const participants = [
    new RedisEnterpriseRemoteCluster(east, 'us-east-participant', { cluster: eastCluster, name: 'us-east' }),
    new RedisEnterpriseRemoteCluster(west, 'eu-west-participant', { cluster: westCluster, name: 'eu-west' }),
  ];
  new RedisEnterpriseActiveActiveDatabase(east, 'carts', {
    participants,
    memorySize: '1GB',
    replication: true,
    tlsMode: TlsMode.ENABLED,
    passwordSecretName: 'carts-password',
    ...(options.redisVersion !== undefined ? { redisVersion: options.redisVersion } : {}),
  });
  for (const [chart, cluster] of [[east, eastCluster], [west, westCluster]] as const) {
    new ArgoCdSyncWaves(chart, 'sync-waves');
    new ArgoCdClusterHealth(chart, 'health', { clusterName: cluster.name, namespace: cluster.namespace });
  }
  return { east, west };
}

/** The committed rendered folder of each Kubernetes cluster (one Argo CD Application each). */
export const ACTIVE_ACTIVE_MANIFESTS_DIR = path.join(__dirname, 'manifests', 'active-active');

export function synth(outdir: string): void {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
  for (const chart of Object.values(activeActiveApp(app))) {
    new UnsafeChangeGuard(chart, 'unsafe-changes', { previousManifestsDir: path.join(ACTIVE_ACTIVE_MANIFESTS_DIR, chart.node.id), acknowledge: acknowledgedUnsafeChanges() });
  }
  app.synth();
}
