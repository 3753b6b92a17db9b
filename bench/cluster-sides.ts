/**
 * The two sides of the synth benchmark, as plain functions of N so that the
 * timing loop (synth-clusters.ts) and the memory probe (a child process) run
 * exactly the same code.
 */
import { App, Chart } from 'cdk8s';
import { RedisEnterpriseCluster, RedisEnterpriseClusterProps } from '../lib';
import { addPlainCluster } from './baseline/plain-cluster';

/** The cluster every namespace gets: the production example's shape. */
export const SYNTH_BENCH_PROPS: RedisEnterpriseClusterProps = {
  name: 'rec',
  rackAwarenessNodeLabel: 'topology.kubernetes.io/zone',
  persistence: { storageClassName: 'premium-rwo' },
};

export interface Synthesized {
  readonly app: App;
  readonly yaml: string;
}

/** One App, one Chart per namespace `ns-<i>`, then `app.synthYaml()`. */
function synthesize(n: number, addCluster: (chart: Chart, namespace: string) => void): Synthesized {
  const app = new App();
  for (let i = 0; i < n; i++) {
    const namespace = `ns-${i}`;
    addCluster(new Chart(app, namespace, { namespace }), namespace);
  }
  return { app, yaml: app.synthYaml() };
}

export function synthOurs(n: number): Synthesized {
  return synthesize(n, (chart, namespace) => {
    new RedisEnterpriseCluster(chart, 'rec', { ...SYNTH_BENCH_PROPS, namespace });
  });
}

export function synthBaseline(n: number): Synthesized {
  return synthesize(n, (chart, namespace) => addPlainCluster(chart, namespace));
}
