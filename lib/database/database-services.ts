import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { ClusterSpec } from '../cluster/cluster-spec';
import { clusterObjectMeta } from '../cluster/metadata';

/** Label on a database's Services; the reconciler finds them by it. */
export const DATABASE_LABEL = 'redis.io/bdb';

export function databaseServiceNames(name: string): { service: string; headless: string } {
  return { service: name, headless: `${name}-headless` };
}

/**
 * The database Services `<db>` (ClusterIP, port name `redis`) and
 * `<db>-headless`, like the operator's services rigger creates them. They
 * have NO selector: the pods that serve a database are known only at run time
 * (the node holding its proxy endpoint), so the reconciler owns their
 * EndpointSlices and repoints them when the endpoint moves.
 */
export function addDatabaseServices(scope: Construct, cluster: ClusterSpec, name: string, port: number): void {
  const names = databaseServiceNames(name);
  const ports = [{ name: 'redis', port, targetPort: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }];
  new k8s.KubeService(scope, 'Service', {
    metadata: clusterObjectMeta(cluster, names.service, { [DATABASE_LABEL]: name }),
    spec: { type: 'ClusterIP', ports },
  });
  new k8s.KubeService(scope, 'HeadlessService', {
    metadata: clusterObjectMeta(cluster, names.headless, { [DATABASE_LABEL]: name }),
    spec: { clusterIp: 'None', ports },
  });
}
