/**
 * What the membership e2e tests (day2-scale, day2-node-replacement) share: the
 * user's program (the production example with `nodes` and databases) synthesized
 * again for each change and applied in the order of its Argo CD sync waves,
 * the status document, and the facts "nothing lost" is checked against
 * (databases, claims, Secrets).
 */
import { App, Chart } from 'cdk8s';
import { productionClusterChart } from '../../../examples/production-cluster';
import { RedisEnterpriseCluster, RedisEnterpriseDatabase } from '../../../lib';
import { SYNC_WAVE_ANNOTATION } from '../../../lib/gitops/annotations';
import { StatusDocument, STATUS_KEY } from '../../../lib/reconciler/plan/status';
import { KubeClient, KubeObject } from '../../support/kube-client';
import type { ApiDoubleCluster } from '../../support/redis-enterprise-api-double';
import { STORAGE_CLASS } from './storage';
import { synthObjects } from './synth';

export interface ProgramDatabase {
  readonly name: string;
  readonly replication: boolean;
}

/** `npm run synth` of the user's program: the production example with `nodes` nodes and these databases. */
export function synthProgram(namespace: string, nodes: number, dbs: readonly ProgramDatabase[]): KubeObject[] {
  return synthObjects((app: App) => {
    const chart: Chart = productionClusterChart(app, { namespace, storageClassName: STORAGE_CLASS, nodes, databases: false });
    const cluster = chart.node.findChild('rec') as RedisEnterpriseCluster;
    for (const d of dbs) new RedisEnterpriseDatabase(chart, d.name, { cluster, memorySize: '100MB', replication: d.replication });
  });
}

const waveOf = (o: KubeObject): number => Number(o.metadata.annotations?.[SYNC_WAVE_ANNOTATION] ?? 0);

/**
 * Applies wave by wave, lowest first, as an Argo CD sync does: the
 * desired-state ConfigMap (configuration, wave -1) is in the API before the
 * StatefulSet (cluster, wave 0) changes. Returns the waves applied, in order.
 */
export async function applyInWaves(client: KubeClient, objects: KubeObject[], fieldManager: string): Promise<number[]> {
  const waves = [...new Set(objects.map(waveOf))].sort((a, b) => a - b);
  for (const w of waves) await client.apply(objects.filter((o) => waveOf(o) === w), fieldManager);
  return waves;
}

export async function readStatus(client: KubeClient, namespace: string): Promise<StatusDocument | undefined> {
  const cm = await client.tryGet<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'rec-status' });
  const raw = cm?.data?.[STATUS_KEY];
  return raw ? JSON.parse(raw) as StatusDocument : undefined;
}

/** Database uid, name and status, and how many shards it has: what "no database lost" compares. */
export function databasesOf(cluster: ApiDoubleCluster): string[] {
  return cluster.bdbs.list().map((b) => `${b.uid}:${String(b.config.name)}:${b.status}:${b.shards.length} shards`).sort();
}

/** name → uid of every claim, and name → resourceVersion of every Secret, in the namespace. */
export async function claimsAndSecrets(client: KubeClient, namespace: string): Promise<{ claims: Record<string, string>; secrets: Record<string, string> }> {
  const claims = await client.list('v1', 'PersistentVolumeClaim', namespace);
  const secrets = await client.list('v1', 'Secret', namespace);
  return {
    claims: Object.fromEntries(claims.map((c: KubeObject) => [c.metadata.name, c.metadata.uid])),
    secrets: Object.fromEntries(secrets.map((s: KubeObject) => [s.metadata.name, s.metadata.resourceVersion])),
  };
}

/** Samples the member nodes every `everyMs` until stopped: the fewest active, as `active/members`, and whether a majority stayed active each time. */
export class QuorumSampler {
  readonly samples: Array<{ at: number; active: number; members: number }> = [];
  private timer?: NodeJS.Timeout;

  constructor(private readonly cluster: () => ApiDoubleCluster | undefined, private readonly everyMs = 25) {}

  start(): this {
    this.timer = setInterval(() => {
      const c = this.cluster();
      if (!c) return;
      const nodes = c.nodes();
      this.samples.push({ at: Date.now(), active: nodes.filter((n) => n.status === 'active').length, members: nodes.length });
    }, this.everyMs);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Samples where fewer than a majority of the members were active. */
  belowMajority(): Array<{ at: number; active: number; members: number }> {
    return this.samples.filter((s) => s.active < Math.floor(s.members / 2) + 1);
  }
}
