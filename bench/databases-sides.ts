/**
 * The two sides of the databases benchmark, as plain functions of the number
 * of databases so that the timing loop (databases.ts) and the memory probe (a
 * child process) run exactly the same code.
 *
 * Sizing, so that validation passes (synthYaml throws otherwise):
 * - every database is 100MB (the minimum) with an explicit port 10000 + i:
 *   derived ports would collide by the birthday effect with hundreds of
 *   databases (REDB006);
 * - single cluster: 31 nodes × 4Gi (124GiB, 80% = 99.2GiB for databases, REDB019) holds 1,000 × 100MB (97.7GiB).
 *   The same cluster serves every size so that t(1000)/t(100) compares
 *   databases only. (Its required zone anti-affinity would need 31 zones to
 *   schedule; irrelevant to synthesis, which is all this measures);
 * - Active-Active: 10 clusters, each 5 × 4Gi (20GiB, 80% = 16GiB for
 *   databases), hold 100 × 100MB (9.8GiB); they share the namespace name `redis`, told apart by
 *   kubernetesClusterName (REC008), and expose the REST API and databases
 *   through NGINX Ingress, named because HAProxy is the default (every
 *   participant needs externalAccess).
 * Names are zero-padded (`db-0042`) so that the library's name order is the
 * creation order, which the baseline then follows without sorting.
 */
import { App, Chart } from 'cdk8s';
import {
  ExternalAccessMethod, IngressController, RedisEnterpriseActiveActiveDatabase, RedisEnterpriseCluster, RedisEnterpriseDatabase,
  RedisEnterpriseRemoteCluster,
} from '../lib';
import { addPlainActiveActive, addPlainClusterWithDatabases, PlainParticipant } from './baseline/plain-databases';
import { SYNTH_BENCH_PROPS, Synthesized } from './cluster-sides';

export const SINGLE_CLUSTER_NODES = 31;
export const ACTIVE_ACTIVE_CLUSTERS = 10;
export const ACTIVE_ACTIVE_NODES = 5;
const NAMESPACE = 'redis';

const dbName = (i: number) => `db-${String(i).padStart(4, '0')}`;
const dbPort = (i: number) => 10000 + i;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** 1 cluster (31 nodes) × n plain databases. */
export function synthDatabasesOurs(n: number): Synthesized {
  const app = new App();
  const chart = new Chart(app, NAMESPACE, { namespace: NAMESPACE });
  const cluster = new RedisEnterpriseCluster(chart, 'rec', { ...SYNTH_BENCH_PROPS, nodes: SINGLE_CLUSTER_NODES });
  for (let i = 0; i < n; i++) {
    new RedisEnterpriseDatabase(chart, dbName(i), { cluster, memorySize: '100MB', port: dbPort(i) });
  }
  return { app, yaml: app.synthYaml() };
}

export function synthDatabasesBaseline(n: number): Synthesized {
  const app = new App();
  const chart = new Chart(app, NAMESPACE, { namespace: NAMESPACE });
  addPlainClusterWithDatabases(chart, NAMESPACE, SINGLE_CLUSTER_NODES, range(n).map(dbName), range(n).map(dbPort));
  return { app, yaml: app.synthYaml() };
}

/** Participant `k`: Kubernetes cluster, chart id and participant name `k8s-<k>`. */
const participantName = (k: number) => `k8s-${k}`;
const apiFqdn = (k: number) => `api.${participantName(k)}.example.com`;
const dbFqdnSuffix = (k: number) => `.db.${participantName(k)}.example.com`;

/** 10 clusters, one Chart each, × n Active-Active databases, each in all 10 clusters. */
export function synthActiveActiveOurs(n: number): Synthesized {
  const app = new App();
  const participants = range(ACTIVE_ACTIVE_CLUSTERS).map((k) => {
    const chart = new Chart(app, participantName(k), { namespace: NAMESPACE });
    const cluster = new RedisEnterpriseCluster(chart, 'rec', {
      ...SYNTH_BENCH_PROPS,
      nodes: ACTIVE_ACTIVE_NODES,
      kubernetesClusterName: participantName(k),
      externalAccess: {
        method: ExternalAccessMethod.INGRESS, ingressController: IngressController.NGINX, apiFqdn: apiFqdn(k), dbFqdnSuffix: dbFqdnSuffix(k),
      },
    });
    return new RedisEnterpriseRemoteCluster(chart, 'participant', { cluster, name: participantName(k) });
  });
  // Declared once, in the first cluster's chart; each participant's chart receives its objects.
  const declaredIn = Chart.of(participants[0]);
  for (let i = 0; i < n; i++) {
    new RedisEnterpriseActiveActiveDatabase(declaredIn, dbName(i), { participants, memorySize: '100MB', port: dbPort(i) });
  }
  return { app, yaml: app.synthYaml() };
}

export function synthActiveActiveBaseline(n: number): Synthesized {
  const app = new App();
  const participants: PlainParticipant[] = range(ACTIVE_ACTIVE_CLUSTERS).map((k) => ({
    chart: new Chart(app, participantName(k), { namespace: NAMESPACE }),
    namespace: NAMESPACE,
    name: participantName(k),
    apiFqdn: apiFqdn(k),
    dbFqdnSuffix: dbFqdnSuffix(k),
  }));
  addPlainActiveActive(participants, ACTIVE_ACTIVE_NODES, range(n).map(dbName), range(n).map(dbPort));
  return { app, yaml: app.synthYaml() };
}
