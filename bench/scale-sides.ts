/**
 * The two sides of the scale benchmark: `clusters` clusters, one Chart and
 * namespace each, each with `DATABASES_PER_CLUSTER` databases, in one App;
 * ours with the constructs, the baseline with plain k8s.Kube* objects
 * (baseline/plain-databases.ts). 5 nodes × 4Gi hold 100 × 100MB (REDB019);
 * ports from 10000 up without the reserved 10050, names zero-padded.
 */
import { App, Chart } from 'cdk8s';
import { RedisEnterpriseCluster, RedisEnterpriseDatabase } from '../lib';
import { addPlainClusterWithDatabases } from './baseline/plain-databases';
import { SYNTH_BENCH_PROPS, Synthesized } from './cluster-sides';

export const DATABASES_PER_CLUSTER = 100;
const NODES = 5;
const names = Array.from({ length: DATABASES_PER_CLUSTER }, (_, i) => `db-${String(i).padStart(4, '0')}`);
const ports = names.map((_, i) => (10000 + i >= 10050 ? 10001 + i : 10000 + i));

export function synthFleetOurs(clusters: number): Synthesized {
  const app = new App();
  for (let c = 0; c < clusters; c++) {
    const namespace = `ns-${c}`;
    const chart = new Chart(app, namespace, { namespace });
    const cluster = new RedisEnterpriseCluster(chart, 'rec', { ...SYNTH_BENCH_PROPS, nodes: NODES });
    names.forEach((name, i) => new RedisEnterpriseDatabase(chart, name, { cluster, memorySize: '100MB', port: ports[i] }));
  }
  return { app, yaml: app.synthYaml() };
}

export function synthFleetBaseline(clusters: number): Synthesized {
  const app = new App();
  for (let c = 0; c < clusters; c++) {
    const namespace = `ns-${c}`;
    addPlainClusterWithDatabases(new Chart(app, namespace, { namespace }), namespace, NODES, names, ports);
  }
  return { app, yaml: app.synthYaml() };
}
