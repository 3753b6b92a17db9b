/**
 * What a node keeps on its persistent volume that matters to a cluster
 * recovery: the cluster configuration file `ccs/ccs-redis.rdb` under the
 * persistent path (clusters/cluster-recovery: "The cluster configuration file
 * is /ccs/ccs-redis.rdb on the persistent storage for each node"), written
 * once the node is part of a cluster. The database persistence files are
 * implied: the double keeps no data, so a recovered database comes back as it
 * was.
 *
 * A pod that comes back with the same claim gets a new double instance with
 * the old instance's volume (`new RedisEnterpriseApiDouble({ volume })`): a
 * fresh node (bootstrap `idle`) that holds the configuration. The file is a
 * live reference to the cluster the node was last part of (simplification:
 * a real file is as old as the node's last write to it).
 */
import type { ApiDoubleCluster } from './cluster-state';

/** The documented default persistent path, where `ccs/ccs-redis.rdb` lives unless the bootstrap gave another. */
export const DEFAULT_PERSISTENT_PATH = '/var/opt/redislabs/persist';

export interface ClusterConfigurationFile {
  readonly cluster: ApiDoubleCluster;
  /** The uid the node had in that cluster. */
  readonly nodeUid: number;
  /** The bootstrap `persistent_path` the node was given. */
  readonly persistentPath: string;
}

export class PersistentVolume {
  ccs?: ClusterConfigurationFile;

  /** Path of the configuration file on this volume, if there is one. */
  get recoveryFilename(): string | undefined {
    return this.ccs ? `${this.ccs.persistentPath.replace(/\/+$/, '')}/ccs/ccs-redis.rdb` : undefined;
  }
}
