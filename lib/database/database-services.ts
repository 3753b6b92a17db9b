import { Construct } from 'constructs';
import { ClusterSpec } from '../cluster/cluster-spec';
import { clusterObjectMeta } from '../cluster/metadata';
import { addService, servicePort } from '../cluster/service-object';

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
  const ports = [servicePort('redis', port)];
  addService(scope, 'Service', clusterObjectMeta(cluster, names.service, { [DATABASE_LABEL]: name }), { type: 'ClusterIP', ports });
  addService(scope, 'HeadlessService', clusterObjectMeta(cluster, names.headless, { [DATABASE_LABEL]: name }), { clusterIP: 'None', ports });
}
