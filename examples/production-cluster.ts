/**
 * A production-like Redis Enterprise cluster: 3 nodes spread over 3 zones
 * (rack awareness), network-attached storage, a license from a Secret, and
 * two databases.
 *
 *   npm run synth   # writes examples/manifests/production-cluster/
 */
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as path from 'path';
import {
  ArgoCdClusterHealth, ArgoCdSyncWaves, DatabasePersistence, EvictionPolicy, RedisEnterpriseCluster, RedisEnterpriseDatabase,
  TlsMode, UnsafeChangeGuard,
} from '../lib';

/** The committed rendered folder Argo CD syncs; synth compares against it. */
export const PRODUCTION_MANIFESTS_DIR = path.join(__dirname, 'manifests', 'production-cluster');

export interface ProductionClusterOptions {
  readonly namespace: string;
  /** @default 'rec' */
  readonly name?: string;
  /** @default 'premium-rwo' */
  readonly storageClassName?: string;
  /** @default 3 */
  readonly nodes?: number;
  /** @default true */
  readonly databases?: boolean;
  /** The oldest Kubernetes minor the clusters run. @default '1.36' */
  readonly kubernetesVersion?: string;
}

export function productionClusterChart(app: App, options: ProductionClusterOptions): Chart {
  const chart = new Chart(app, 'production-cluster', { namespace: options.namespace });
  // Redis Enterprise pods should be the last to be preempted. PriorityClasses
  // are cluster-scoped: no namespace.
  const priority = new k8s.KubePriorityClass(chart, 'priority', {
    metadata: { name: 'redis-enterprise' },
    value: 1000000,
    description: 'Redis Enterprise nodes: preempt other workloads before these',
  });
  ApiObject.of(priority).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  const cluster = new RedisEnterpriseCluster(chart, 'rec', {
    name: options.name ?? 'rec',
    nodes: options.nodes ?? 3,
    rackAwarenessNodeLabel: 'topology.kubernetes.io/zone',
    // 1.35+ copies the zone label onto pods: no cluster-scoped RBAC is needed to read it.
    kubernetesVersion: options.kubernetesVersion ?? '1.36',
    nodeResources: { limits: { cpu: '2', memory: '4Gi' } },
    persistence: { storageClassName: options.storageClassName ?? 'premium-rwo', volumeSize: '20Gi' },
    licenseSecretName: 'redis-enterprise-license',
    priorityClassName: 'redis-enterprise',
    extraLabels: { 'team': 'platform', 'app.kubernetes.io/part-of': 'redis' },
    podAnnotations: { 'prometheus.io/scrape': 'false' },
  });
  if (options.databases ?? true) {
    new RedisEnterpriseDatabase(chart, 'orders', {
      cluster,
      memorySize: '1GB',
      replication: true,
      persistence: DatabasePersistence.AOF_EVERY_SECOND,
      tlsMode: TlsMode.ENABLED,
    });
    new RedisEnterpriseDatabase(chart, 'session-cache', {
      cluster,
      memorySize: '512MB',
      evictionPolicy: EvictionPolicy.ALLKEYS_LRU,
      port: 12000,
    });
  }
  // GitOps: sync waves on every object, and the status ConfigMap whose health Argo CD reads.
  new ArgoCdSyncWaves(chart, 'sync-waves');
  new ArgoCdClusterHealth(chart, 'health', { clusterName: cluster.name, namespace: cluster.namespace });
  return chart;
}

/**
 * Unsafe changes let through for one synth, e.g.
 * `ACKNOWLEDGE_UNSAFE_CHANGES=REGIT001:StatefulSet/rec npm run synth`.
 */
export function acknowledgedUnsafeChanges(): string[] {
  return (process.env.ACKNOWLEDGE_UNSAFE_CHANGES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** `npm run synth` calls this with the output directory. */
export function synth(outdir: string): void {
  const app = new App({ outdir });
  const chart = productionClusterChart(app, { namespace: 'redis' });
  // Stops the synth before anything is written when a change would wedge Argo CD's sync or lose data.
  new UnsafeChangeGuard(chart, 'unsafe-changes', { previousManifestsDir: PRODUCTION_MANIFESTS_DIR, acknowledge: acknowledgedUnsafeChanges() });
  app.synth();
}
