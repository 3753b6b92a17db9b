/**
 * The baseline of the databases benchmark: the same objects as the
 * RedisEnterpriseDatabase and RedisEnterpriseActiveActiveDatabase cases of
 * bench/databases-sides.ts, written by hand with plain `k8s.Kube*`
 * constructs from cdk8s-plus-28.
 *
 * What "equivalent" means here:
 * - the same objects as our side: same kinds, names, count, fields and
 *   values, transcribed from the constructs' YAML (bench/databases.ts checks
 *   this field by field on every run and says so when the constructs have
 *   moved on):
 *   - per cluster, the 12 objects of baseline/plain-cluster.ts
 *     (`addPlainCluster`), reused as they are. Where our cluster differs from
 *     that one, plain cdk8s escape hatches adjust it: JSON patches for the
 *     31-node cluster of the single-cluster case and the 5-node Active-Active clusters (replicas and the Role's pod
 *     names), and the desired-state ConfigMap replaced by one whose document
 *     lists the databases;
 *   - per plain database, the Services `<db>` and `<db>-headless`;
 *   - per Active-Active cluster, the REST API Ingress `<rec>-api`, and per
 *     Active-Active database in every cluster, its 2 Services and its Ingress;
 *   - the desired-state document: the same JSON (same keys, order and
 *     values), built by a plain loop over the databases and participants in
 *     the order the library sorts them into (names are zero-padded, so loop
 *     order is name order and nothing is sorted here);
 * - one App, one Chart per (Kubernetes) cluster, `app.synthYaml()`, as on
 *   our side;
 * - none of our work: no props resolution or defaults, no validation
 *   (names, ports, memory, participants), no desired-state contributors, no
 *   registries; every value is a literal or a loop index.
 * The known gap of plain-cluster.ts (the claim template's apiVersion/kind)
 * applies here too, and nothing else.
 */
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { addPlainCluster } from './plain-cluster';

const LABELS = { 'app': 'redis-enterprise', 'redis.io/cluster': 'rec' };
const MEMORY_BYTES = 100 * 2 ** 20;
const NODE_MEMORY_BYTES = 4 * 2 ** 30;
const NGINX_PASSTHROUGH = {
  'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
  'nginx.ingress.kubernetes.io/ssl-passthrough': 'true',
};

/** The desired-state `cluster` section of addPlainCluster's cluster, with the node count and external access of this case. */
function desiredCluster(namespace: string, nodes: number, externalAccess?: { apiFqdn: string; dbFqdnSuffix: string }): object {
  return {
    name: 'rec', namespace, fqdn: `rec.${namespace}.svc.cluster.local`, nodes, adminUsername: 'demo@redis.com',
    credentialsSecretName: 'rec', rackAwarenessNodeLabel: 'topology.kubernetes.io/zone', nodeMemoryBytes: NODE_MEMORY_BYTES,
    persistentPath: '/var/opt/redislabs/persist', statusConfigMapName: 'rec-status',
    ...(externalAccess ? { externalAccess: { method: 'ingress', ...externalAccess, port: 443 } } : {}),
    volumeClaims: [{ template: 'redis-enterprise-storage', size: '20Gi' }],
    image: 'redislabs/redis:8.0.20-44.23', redisEnterpriseVersion: '8.0.20-44', upgradeNodeTimeoutSeconds: 600,
  };
}

/** The settings every benchmark database has (100MB, explicit port, defaults otherwise). */
function settings(name: string, port: number, tlsMode: string): object {
  return {
    type: 'redis', memorySizeBytes: MEMORY_BYTES, port, shardCount: 1, replication: false, persistence: 'disabled',
    evictionPolicy: 'volatile-lru', tlsMode, clientCertificateSecretNames: [], modules: [], passwordSecretName: `redb-${name}`,
    proxyPolicy: 'single', ossCluster: false, rolesPermissions: [], alertSettings: [],
  };
}

/** Replaces addPlainCluster's desired-state ConfigMap (empty lists) by one holding `doc`, at the same place. */
function replaceDesiredState(chart: Chart, namespace: string, doc: object): void {
  chart.node.tryRemoveChild('DesiredState');
  new k8s.KubeConfigMap(chart, 'DesiredState', {
    metadata: { name: 'rec-desired-state', namespace, labels: { ...LABELS } },
    data: { 'desired-state.json': JSON.stringify(doc, null, 2) },
  });
}

function addDatabaseServices(chart: Chart, namespace: string, name: string, port: number): void {
  const labels = { ...LABELS, 'redis.io/bdb': name };
  const ports = [{ name: 'redis', port, targetPort: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }];
  new k8s.KubeService(chart, `${name}-Service`, { metadata: { name, namespace, labels }, spec: { type: 'ClusterIP', ports } });
  new k8s.KubeService(chart, `${name}-HeadlessService`, {
    metadata: { name: `${name}-headless`, namespace, labels }, spec: { clusterIp: 'None', ports },
  });
}

function addPassthroughIngress(chart: Chart, id: string, namespace: string, name: string, host: string, serviceName: string, port: number): void {
  new k8s.KubeIngress(chart, id, {
    metadata: { name, namespace, labels: { ...LABELS }, annotations: { ...NGINX_PASSTHROUGH } },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: serviceName, port: { number: port } } } }] } }],
    },
  });
}

/**
 * One cluster of `nodes` nodes in `namespace` with the databases `names`
 * (ports `ports`), each 100MB: plain-cluster.ts's objects, then 2 Services
 * per database.
 */
export function addPlainClusterWithDatabases(chart: Chart, namespace: string, nodes: number, names: readonly string[], ports: readonly number[]): void {
  addPlainCluster(chart, namespace, ['rec', ...names.map((n) => `redb-${n}`)]);
  resizePlainCluster(chart, nodes);
  const databases: object[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    databases.push({ name, ...settings(name, ports[i], 'disabled'), deletionPolicy: 'retain', serviceName: name, headlessServiceName: `${name}-headless` });
  }
  replaceDesiredState(chart, namespace, {
    schemaVersion: 1, cluster: desiredCluster(namespace, nodes), databases, remoteClusters: [], activeActiveDatabases: [],
  });
  for (let i = 0; i < names.length; i++) addDatabaseServices(chart, namespace, names[i], ports[i]);
}

/** plain-cluster.ts's objects are for 3 nodes: the StatefulSet's replicas and the Role's pod and claim names follow `nodes`. */
function resizePlainCluster(chart: Chart, nodes: number): void {
  if (nodes === 3) return;
  ApiObject.of(chart.node.findChild('StatefulSet')).addJsonPatch(JsonPatch.replace('/spec/replicas', nodes));
  ApiObject.of(chart.node.findChild('Role')).addJsonPatch(
    JsonPatch.replace('/rules/6/resourceNames', Array.from({ length: nodes }, (_, i) => `rec-${i}`)),
    JsonPatch.replace('/rules/7/resourceNames', Array.from({ length: nodes }, (_, i) => `rec-${i}`)),
    JsonPatch.replace('/rules/8/resourceNames', Array.from({ length: nodes }, (_, i) => `redis-enterprise-storage-rec-${i}`)));
}

/** One participant of the Active-Active case: its chart, name and external hostnames. */
export interface PlainParticipant {
  readonly chart: Chart;
  readonly namespace: string;
  /** Participant name (RemoteCluster name). */
  readonly name: string;
  readonly apiFqdn: string;
  readonly dbFqdnSuffix: string;
}

/**
 * The Active-Active case: in every participant's chart, plain-cluster.ts's
 * objects with external access (API Ingress), a desired state listing every
 * participant and database, and per database 2 Services and an Ingress.
 */
export function addPlainActiveActive(participants: readonly PlainParticipant[], nodes: number, names: readonly string[], ports: readonly number[]): void {
  const participantNames = participants.map((p) => p.name);
  for (const self of participants) {
    const { chart, namespace, apiFqdn, dbFqdnSuffix } = self;
    addPlainCluster(chart, namespace, ['rec', ...names.map((n) => `redb-${n}`), ...participants.map((p) => `redis-enterprise-${p.name}`)]);
    resizePlainCluster(chart, nodes);
    const remoteClusters: object[] = [];
    for (const p of participants) {
      remoteClusters.push({
        name: p.name, recName: 'rec', recNamespace: p.namespace, apiFqdn: p.apiFqdn, apiPort: 443, dbFqdnSuffix: p.dbFqdnSuffix,
        credentialsSecretName: `redis-enterprise-${p.name}`, local: p === self,
      });
    }
    const activeActiveDatabases: object[] = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      activeActiveDatabases.push({
        name, ...settings(name, ports[i], 'replica_ssl'), participants: [...participantNames], deletionPolicy: 'retain',
        serviceName: name, headlessServiceName: `${name}-headless`, externalHostname: `${name}${dbFqdnSuffix}`,
      });
    }
    replaceDesiredState(chart, namespace, {
      schemaVersion: 1, cluster: desiredCluster(namespace, nodes, { apiFqdn, dbFqdnSuffix }), databases: [], remoteClusters, activeActiveDatabases,
    });
    addPassthroughIngress(chart, 'ApiIngress', namespace, 'rec-api', apiFqdn, 'rec', 9443);
    for (let i = 0; i < names.length; i++) {
      addDatabaseServices(chart, namespace, names[i], ports[i]);
      addPassthroughIngress(chart, `${names[i]}-Ingress`, namespace, names[i], `${names[i]}${dbFqdnSuffix}`, names[i], ports[i]);
    }
  }
}
