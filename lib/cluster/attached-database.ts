import { Construct } from 'constructs';
import { DesiredActiveActiveDatabase, DesiredDatabase, DesiredDatabaseSettings, DesiredRemoteCluster } from '../contract/desired-state';

/** What a database living in a cluster adds to the cluster's desired-state document. */
export interface DesiredStateParts {
  readonly databases?: DesiredDatabase[];
  readonly remoteClusters?: DesiredRemoteCluster[];
  readonly activeActiveDatabases?: DesiredActiveActiveDatabase[];
}

/**
 * A database living in a cluster, as the cluster sees it: a plain database or
 * one cluster's part of an Active-Active database. The cluster does not know
 * the database module (which depends on it); lib/database builds this shape
 * and hands it to {@link RedisEnterpriseCluster._attachDatabase}, and its
 * checks across the databases of a cluster read the cluster's list of them.
 */
export interface AttachedDatabase {
  /** `database` or `active-active`, how findings name it. */
  readonly kind: string;
  /** Database name in Redis Enterprise; its external host derives from it. */
  readonly name: string;
  /** Construct path of the declaration, to name it in findings. */
  readonly path: string;
  /** Where the objects exposing it are created (for Active-Active, in the participant's chart). */
  readonly scope: Construct;
  readonly serviceName: string;
  readonly headlessServiceName: string;
  /** The resolved settings (port, memory, replication...), as the desired state carries them. */
  readonly settings: DesiredDatabaseSettings;
  /** False when the port was derived from the name. */
  readonly portExplicit: boolean;
  /** Reachable from outside the Kubernetes cluster through the cluster's external access. */
  readonly exposed: boolean;
  /** Its part of the cluster's desired state, computed at synth time. */
  readonly desiredState: () => DesiredStateParts;
}
