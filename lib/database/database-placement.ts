import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { RedisEnterpriseCluster } from '../cluster/cluster';
import { Finding } from '../validation/finding';
import { enclosingChart, wrongReference } from '../validation/props-shape';
import { addFindingsValidation } from '../validation/register';
import { finding } from '../validation/rules';

/**
 * Where a database is declared relative to its cluster: `cluster` must be a
 * RedisEnterpriseCluster (REPROP004), declared in the same Chart as the
 * database (REDB020), because each Chart is what one Kubernetes cluster
 * receives and the database's Services must sit beside the cluster's pods.
 * Returns the cluster when the database can attach to it.
 */
export function placeDatabase(db: Construct, dbChart: Chart | undefined, cluster: unknown): RedisEnterpriseCluster | undefined {
  if (!RedisEnterpriseCluster.isRedisEnterpriseCluster(cluster)) {
    addFindingsValidation(db, 'the database\'s cluster', () => [wrongReference('cluster', cluster, 'a RedisEnterpriseCluster')]);
    return undefined;
  }
  const clusterChart = enclosingChart(cluster);
  if (dbChart && clusterChart && dbChart !== clusterChart) {
    addFindingsValidation(db, 'the database\'s Chart', (): Finding[] => [finding('REDB020', 'cluster',
      `the database is declared in Chart ${dbChart.node.path} but its cluster ${cluster.node.path} in Chart ${clusterChart.node.path}; ` +
      'each Chart goes to one Kubernetes cluster, so the database\'s Services would be applied where its cluster is not',
      `declare the database in the cluster's Chart (${clusterChart.node.path})`)]);
  }
  return dbChart ? cluster : undefined;
}
