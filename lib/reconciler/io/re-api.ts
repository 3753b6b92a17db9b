/**
 * The Redis Enterprise REST API calls the reconciler makes, as an interface
 * (implemented over HTTPS by `re-client.ts`, faked in unit tests).
 */
import {
  Bdb, BdbAlertSetting, BdbUpgradeRequest, BootstrapRequest, BootstrapStatus, CertificateUpdate, Crdb, CrdbInstance, CrdbTask, LdapConfig, NodeActionName,
  NodeActionStatus, ReAction, ReNode, ReNodeStatus, ReRedisAcl, ReRole,
} from './re-types';

/** A failed REST call: `status` is the HTTP status, 0 for a timeout or a broken connection. */
export class ReApiError extends Error {
  constructor(readonly status: number, message: string, readonly errorCode?: string) {
    super(message);
    this.name = 'ReApiError';
  }

  /**
   * Worth retrying as is: no answer, 5xx, 409 "busy" (documented for PUT
   * /v1/bdbs while another change runs), 429. 4xx other than these means the
   * request itself is wrong and retrying it unchanged cannot help.
   */
  get transient(): boolean {
    // 409 here also covers PUT /v1/cluster/certificates "not all nodes have been updated" while a replacement runs.
    return this.status === 0 || this.status >= 500 || this.status === 409 || this.status === 429;
  }
}

export interface ReApi {
  getBootstrap(): Promise<BootstrapStatus>;
  bootstrap(request: BootstrapRequest): Promise<void>;

  listNodes(): Promise<ReNode[]>;
  nodesStatus(): Promise<Record<string, ReNodeStatus>>;
  nodeStatus(uid: number): Promise<ReNodeStatus>;
  /** Starts a node action; the documented answer is `{status, task_id}`. */
  startNodeAction(uid: number, action: NodeActionName, body: Record<string, unknown>): Promise<NodeActionStatus>;
  /** The action's status; a 404 ReApiError when there is none (documented). */
  getNodeAction(uid: number, action: NodeActionName): Promise<NodeActionStatus>;
  /** `GET /v1/nodes/actions`: the actions of every node (running, queued or the last finished one). */
  listNodeActions(): Promise<NodeActionStatus[]>;

  /** `GET /v1/cluster/certificates`: `<name>_cert` PEMs (the answer may also hold keys: never log it). */
  getClusterCertificates(): Promise<Record<string, unknown>>;
  putClusterCertificates(certificates: CertificateUpdate[]): Promise<void>;
  getLdap(): Promise<LdapConfig>;
  putLdap(config: LdapConfig): Promise<void>;
  getClusterPolicy(): Promise<Record<string, unknown>>;
  putClusterPolicy(body: Record<string, unknown>): Promise<void>;

  listBdbs(): Promise<Bdb[]>;
  createBdb(body: Record<string, unknown>): Promise<Bdb>;
  updateBdb(uid: number, body: Record<string, unknown>): Promise<Bdb>;
  deleteBdb(uid: number): Promise<void>;
  /** `PUT /v1/bdbs/{uid}/passwords`: the default user's password list becomes this one password. */
  setBdbPassword(uid: number, password: string): Promise<void>;
  /** `POST /v1/bdbs/{uid}/passwords`: one more valid password for the default user. */
  addBdbPassword(uid: number, password: string): Promise<void>;
  /** `POST /v1/bdbs/{uid}/upgrade`: answers the BDB, whose `action_uid` follows the upgrade (documented). */
  upgradeBdb(uid: number, body: BdbUpgradeRequest): Promise<Bdb>;
  /** `GET /v1/bdbs/alerts/{uid}`: alert name → its settings and state. */
  getBdbAlerts(uid: number): Promise<Record<string, BdbAlertSetting>>;
  /** `POST /v1/bdbs/alerts/{uid}`: the alerts named in the body are set, the others stay. */
  setBdbAlerts(uid: number, alerts: Record<string, BdbAlertSetting>): Promise<void>;
  getAction(actionUid: string): Promise<ReAction>;
  /** `POST /v1/bdbs/{uid}/actions/recover` with an empty body (automatic recovery); the answer holds `action_uid`. */
  recoverBdb(uid: number): Promise<{ action_uid?: string }>;

  /** `POST /v1/users/password`: adds a password to the authenticated user's list (the old one stays valid). */
  addUserPassword(newPassword: string): Promise<void>;
  /** `DELETE /v1/users/password`: deletes one password of the authenticated user (never the last one). */
  deleteUserPassword(oldPassword: string): Promise<void>;

  listRoles(): Promise<ReRole[]>;
  listRedisAcls(): Promise<ReRedisAcl[]>;

  listCrdbs(): Promise<Crdb[]>;
  createCrdb(body: Crdb): Promise<CrdbTask>;
  patchCrdb(guid: string, body: Partial<Crdb>): Promise<CrdbTask>;
  updateCrdbInstances(guid: string, body: { add_instances?: CrdbInstance[]; remove_instances?: number[] }): Promise<CrdbTask>;
  /** `POST /v1/crdbs/{crdb_guid}/upgrade`: upgrades every instance; answers a crdb_task (documented). */
  upgradeCrdb(guid: string, body: BdbUpgradeRequest): Promise<CrdbTask>;
  getCrdbTask(id: string): Promise<CrdbTask>;
}
