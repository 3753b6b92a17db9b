/**
 * The status document the leader writes into the `<rec>-status` ConfigMap
 * (key `status.json`). It holds no timestamps and no secret values, and its
 * arrays are sorted, so an unchanged cluster gives a byte-identical document
 * and the reconciler writes nothing.
 */
import { ConfigMap } from '../io/kube-types';
import { clusterLabels } from '../../contract/labels';
import { OperationStatus } from './operations';
import { AdminCredentialsStatus } from './admin-credentials';
import { STATUS_HEALTH_KEY, STATUS_HEALTH_MESSAGE_KEY, StatusHealth } from '../../contract/status-health';

export const STATUS_KEY = 'status.json';
export const STATUS_SCHEMA_VERSION = 1;

export interface NodeStatus {
  uid: number;
  addr: string;
  pod?: string;
  role?: string;
  status?: string;
}

export interface DatabaseStatus {
  name: string;
  uid?: number;
  /** The BDB status (active, pending, ...) or `missing`. */
  status: string;
  port?: number;
  /** The Redis version the database runs (`redis_version`), as the cluster reports it. */
  redisVersion?: string;
  /** Endpoint DNS names and the pods serving them. */
  endpoints: Array<{ dnsName?: string; port?: number; pods: string[] }>;
  /** False for a retained database that left the desired state. */
  declared: boolean;
  /** While a password rotation's grace period runs: until when both passwords are valid (not a failure, unlike `message`). */
  passwordRotation?: string;
  message?: string;
}

export interface ActiveActiveStatus {
  name: string;
  guid?: string;
  status: string;
  message?: string;
}

/**
 * A cluster-wide setting from the desired state: `applied` (live equals
 * declared), `rejected` (Redis Enterprise refused it; not sent again until
 * its Secret or declaration changes), `error` (could not be read or sent;
 * retried), `incomplete` (Auto Tiering on only some nodes).
 */
export interface SettingStatus {
  state: 'applied' | 'rejected' | 'error' | 'incomplete';
  message?: string;
}

export interface CertificateStatus extends SettingStatus {
  /** Redis Enterprise certificate name (api, proxy, syncer, cm, metrics_exporter). */
  name: string;
  secret: string;
  /** resourceVersion of the Secret last compared (remembers a rejection). */
  secretVersion?: string;
  /** SHA-256 fingerprint of the certificate (public). */
  fingerprintSha256?: string;
}

export interface ClusterSettingsStatus {
  certificates?: CertificateStatus[];
  /** `version`: the bind/CA Secrets' resourceVersions and a digest of the declared settings, as applied. */
  ldap?: SettingStatus & { version?: string };
  dataInternodeEncryption?: SettingStatus & { value: boolean };
  autoTiering?: SettingStatus & { path: string; nodesEnabled: number; nodes: number };
}

export interface StatusDocument {
  schemaVersion: number;
  /**
   * `Running` once every declared node is in the cluster, else `Forming`;
   * `QuorumLost` while a majority of its nodes is down (plan/quorum.ts), or `Error`.
   */
  clusterState: string;
  desiredState: { valid: boolean; message?: string };
  nodes: NodeStatus[];
  masterPod?: string;
  databases: DatabaseStatus[];
  activeActiveDatabases: ActiveActiveStatus[];
  /** Only when the desired state declares any (so existing documents stay byte-identical). */
  clusterSettings?: ClusterSettingsStatus;
  /** Which admin Secret versions the cluster accepts (plan/admin-credentials.ts): versions, never values. */
  adminCredentials?: AdminCredentialsStatus;
  /** Day-2 operations, the latest of each kind (plan/operations.ts); only once one ran. */
  operations?: OperationStatus[];
  lastError?: string;
}

export function renderStatus(doc: StatusDocument): string {
  const sorted: StatusDocument = {
    ...doc,
    nodes: [...doc.nodes].sort((a, b) => a.uid - b.uid),
    databases: [...doc.databases].sort((a, b) => a.name.localeCompare(b.name)),
    activeActiveDatabases: [...doc.activeActiveDatabases].sort((a, b) => a.name.localeCompare(b.name)),
  };
  if (doc.clusterSettings?.certificates) {
    sorted.clusterSettings = { ...doc.clusterSettings, certificates: [...doc.clusterSettings.certificates].sort((a, b) => a.name.localeCompare(b.name)) };
  }
  return JSON.stringify(sorted, null, 2);
}

export function parseStatus(cm: ConfigMap | undefined): StatusDocument | undefined {
  const raw = cm?.data?.[STATUS_KEY];
  if (!raw) return undefined;
  try {
    const doc = JSON.parse(raw) as StatusDocument;
    return doc && typeof doc === 'object' ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** The ConfigMap to write, or undefined when the live one already says the same. */
export function statusConfigMapUpdate(
  live: ConfigMap | undefined, name: string, namespace: string, cluster: string, rendered: string,
  health?: { status: StatusHealth; message: string },
): ConfigMap | undefined {
  const healthData: Record<string, string> = health ? { [STATUS_HEALTH_KEY]: health.status, [STATUS_HEALTH_MESSAGE_KEY]: health.message } : {};
  if (live?.data?.[STATUS_KEY] === rendered && Object.entries(healthData).every(([k, v]) => live.data?.[k] === v)) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      labels: { ...live?.metadata.labels, ...clusterLabels(cluster) },
      // A PUT drops what it does not carry: keep what others set (Argo CD's tracking annotation, the owner).
      ...(live?.metadata.annotations ? { annotations: live.metadata.annotations } : {}),
      ...(live?.metadata.ownerReferences ? { ownerReferences: live.metadata.ownerReferences } : {}),
      resourceVersion: live?.metadata.resourceVersion,
    },
    data: { ...live?.data, [STATUS_KEY]: rendered, ...healthData },
  };
}
