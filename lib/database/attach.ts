import { AttachedDatabase } from '../cluster/attached-database';
import { RedisEnterpriseCluster } from '../cluster/cluster';
import { addFindingsValidation } from '../validation/register';
import { addDatabaseServices } from './database-services';
import { validateDatabasesInCluster } from './databases-in-cluster';

/** Clusters that already carry the checks across their databases (added with the first one). */
const checkedClusters = new WeakSet<RedisEnterpriseCluster>();

/**
 * Puts a database (plain, or one participation of an Active-Active database)
 * into a cluster: its Services under `db.scope`, then the cluster's one
 * attach step (exposure and desired state). The first database of a cluster
 * also adds the checks across all of them, reported on the cluster after its
 * own findings.
 */
export function attachDatabase(cluster: RedisEnterpriseCluster, db: AttachedDatabase): void {
  addDatabaseServices(db.scope, cluster._spec, db.name, db.settings.port);
  cluster._attachDatabase(db);
  if (checkedClusters.has(cluster)) return;
  checkedClusters.add(cluster);
  addFindingsValidation(cluster, 'the databases of the cluster', () => validateDatabasesInCluster(cluster));
}
