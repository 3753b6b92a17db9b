/**
 * One simulated Redis Enterprise cluster: its nodes (one per double instance),
 * the master role, admin credentials, cluster settings, license, databases,
 * actions and Active-Active databases. Every instance that joined the cluster
 * answers from this shared object, as every real node answers for the whole
 * cluster.
 */
import { ActionFailureSpec, ActionTracker } from './actions';
import { BdbHost, BdbStore } from './bdbs';
import { CertificateStore } from './certificates';
import { isoTime } from './clock';
import { ClusterPolicyStore } from './cluster-policy';
import { CrdbHost, CrdbPeer, CrdbStore } from './crdbs';
import { ApiError, notFound, schemaError } from './errors';
import { FaultInjector } from './faults';
import { LdapStore } from './ldap';
import {
  MaintenanceHost, enterMaintenance, exitMaintenance, parseMaintenanceOff, parseMaintenanceOn, snapshotJson,
} from './maintenance';
import { NodeActionName, NodeActionTracker } from './node-actions';
import { RemovalHost, parseRemove, removeNodeFromCluster } from './node-removal';
import { UserStore } from './users';
import { RedisVersionSupport, redisVersionSupport, supportedDatabaseVersionsJson } from './redis-versions';
import type { ApiDoublePolicy, ApiDoubleTiming } from './policy';
import type { Credentials, NodeRecord } from './types';

/** What a cluster needs from the registry that holds it. */
export interface ClusterEnvironment {
  now(): number;
  readonly timing: ApiDoubleTiming;
  readonly policy: ApiDoublePolicy;
  /** A live simulated cluster by its name (FQDN) or by the host of its URL, for Active-Active participants. */
  findCluster(ref: { name?: string; url?: string }): ApiDoubleCluster | undefined;
}

export interface NodeInit {
  readonly addr: string;
  readonly name?: string;
  readonly rackId?: string;
  readonly totalMemory: number;
  readonly cores: number;
  readonly softwareVersion: string;
  readonly bigstoreEnabled: boolean;
  readonly bigstorePath?: string;
}

export interface ClusterInit {
  readonly name: string;
  readonly credentials: Credentials;
  readonly rackAware: boolean;
  /** Bootstrap `policy.shards_overbooking` (documented default true). */
  readonly shardsOverbooking?: boolean;
  readonly license?: string;
}

const LICENSE_RE = /-----\s*LICENSE START\s*-----[\s\S]+-----\s*LICENSE END\s*-----/;
const DAY_MS = 86_400_000;

/** License strings are opaque here: anything between the documented START/END markers is accepted. */
export function isPlausibleLicense(license: string): boolean {
  return LICENSE_RE.test(license);
}

export class ApiDoubleCluster implements BdbHost, CrdbHost, CrdbPeer, MaintenanceHost, RemovalHost {
  readonly name: string;
  readonly createdTime: number;
  rackAware: boolean;
  readonly actions = new ActionTracker();
  /** Node actions (maintenance_on / maintenance_off). */
  readonly nodeActions = new NodeActionTracker();
  readonly certificates: CertificateStore;
  readonly ldap = new LdapStore();
  /** GET/PUT /v1/cluster/policy (not to be confused with the double's own `policy` knobs). */
  readonly clusterPolicy: ClusterPolicyStore;
  readonly bdbs: BdbStore;
  readonly crdbs: CrdbStore;
  /** Faults for every node of this cluster (after the node joined). */
  readonly faults: FaultInjector;
  masterUid = 0;
  /** The admin user and its password list (users.ts); `/v1/users/password` changes it. */
  readonly users: UserStore;
  private settings: Record<string, unknown> = {};
  private license: string;
  private licenseInstalledAt: number;
  private readonly nodeList: NodeRecord[] = [];
  /** Only ever counts up: a removed node's uid is never given to another. */
  private nextNodeUid: number;

  constructor(private readonly env: ClusterEnvironment, init: ClusterInit, faultSeed: number) {
    this.name = init.name;
    this.nextNodeUid = env.policy.firstNodeUid;
    this.clusterPolicy = new ClusterPolicyStore({ shardsOverbooking: init.shardsOverbooking ?? true });
    this.rackAware = init.rackAware;
    this.createdTime = env.now();
    this.license = init.license ?? '';
    this.licenseInstalledAt = this.createdTime;
    // Only digests of the admin password are kept: nothing to leak in a dump of this object.
    this.users = new UserStore(init.credentials, () => env.now());
    this.bdbs = new BdbStore(this);
    this.crdbs = new CrdbStore(this);
    this.faults = new FaultInjector(faultSeed);
    this.certificates = new CertificateStore(() => env.now());
  }

  get policy(): ApiDoublePolicy {
    return this.env.policy;
  }

  now(): number {
    return this.env.now();
  }

  actionDurationMs(): number {
    return this.env.timing.actionMs;
  }

  crdbTaskMs(): number {
    return this.env.timing.crdbTaskMs;
  }

  certificateReplacementMs(): number {
    return this.env.timing.certificateMs;
  }

  crdbTaskResultTtlMs(): number {
    return this.env.timing.crdbTaskResultTtlMs;
  }

  defaultDataInternodeEncryption(): boolean {
    return this.clusterPolicy.dataInternodeEncryption;
  }

  /** What the master node's release supports (the cluster's nodes run one release in the double). */
  redisVersions(): RedisVersionSupport {
    const master = this.node(this.masterUid) ?? this.nodeList[0];
    return redisVersionSupport(master?.softwareVersion ?? '');
  }

  shardsOverbooking(): boolean {
    return this.clusterPolicy.shardsOverbooking;
  }

  shardsLimit(): number {
    return this.env.policy.licenseShardsLimit;
  }

  resolvePeer(ref: { name?: string; url?: string }): CrdbPeer | undefined {
    return this.env.findCluster(ref);
  }

  checkCredentials(username: string, password: string): boolean {
    return this.users.authenticate(username, password);
  }

  // ---- nodes ---------------------------------------------------------------

  addNode(init: NodeInit): NodeRecord {
    const node: NodeRecord = {
      uid: this.nextNodeUid++, addr: init.addr, name: init.name ?? init.addr, rackId: init.rackId,
      status: 'active', totalMemory: init.totalMemory, cores: init.cores, softwareVersion: init.softwareVersion,
      bigstoreEnabled: init.bigstoreEnabled, bigstorePath: init.bigstorePath,
    };
    this.nodeList.push(node);
    // The first node is the master.
    if (this.masterUid === 0) this.masterUid = node.uid;
    this.bdbs.onNodeUp();
    return node;
  }

  nodes(): NodeRecord[] {
    return [...this.nodeList];
  }

  node(uid: number): NodeRecord | undefined {
    return this.nodeList.find((n) => n.uid === uid);
  }

  /** The member at `addr`; the active one when a down member still has the address too (it was replaced). */
  nodeByAddr(addr: string): NodeRecord | undefined {
    return this.nodeList.find((n) => n.addr === addr && n.status === 'active') ?? this.nodeList.find((n) => n.addr === addr);
  }

  activeNodes(): NodeRecord[] {
    return this.nodeList.filter((n) => n.status === 'active');
  }

  /** Active nodes that accept shards and endpoints: not in maintenance mode (a quorum-only node takes none), not being removed. */
  placementNodes(): NodeRecord[] {
    return this.activeNodes().filter((n) => !n.maintenance && !n.removing);
  }

  bdbRecords() {
    return this.bdbs.list();
  }

  /**
   * POST /v1/nodes/{uid}/actions/{action}: validates the body now, applies the
   * documented effect when the action ends (node-actions.ts, maintenance.ts).
   */
  startNodeAction(uid: number, name: string, body: Record<string, unknown>): Record<string, unknown> {
    const node = this.node(uid);
    if (!node) throw notFound(`node ${uid}`);
    let effect: () => void;
    if (name === 'maintenance_on') {
      const o = parseMaintenanceOn(body);
      effect = () => enterMaintenance(this, node, o);
    } else if (name === 'maintenance_off') {
      const o = parseMaintenanceOff(body);
      effect = () => exitMaintenance(this, node, o);
    } else if (name === 'remove') {
      parseRemove(body);
      effect = () => removeNodeFromCluster(this, node);
    } else {
      // enslave_node is documented too but not modelled.
      throw new ApiError(400, 'unsupported_action', `node action ${name} is not supported by this test double`);
    }
    const started = this.nodeActions.start({ nodeUid: uid, name: name as NodeActionName, durationMs: this.env.timing.nodeActionMs, effect }, this.env.now());
    // Documented: once a remove request is accepted, nothing migrates to the node any more, even if the removal fails.
    if (name === 'remove') node.removing = true;
    return started;
  }

  /** GET /v1/nodes/{uid}/snapshots: the maintenance snapshot, if any (the double keeps no other snapshots). */
  nodeSnapshotsJson(uid: number): Array<Record<string, unknown>> {
    const node = this.node(uid);
    if (!node) throw notFound(`node ${uid}`);
    const s = snapshotJson(node);
    return s ? [s] : [];
  }

  /** A node's double stopped: the node is down, the master role and shards fail over. */
  setNodeDown(uid: number): void {
    const node = this.requireNode(uid);
    if (node.status === 'down') return;
    node.status = 'down';
    if (this.masterUid === uid) {
      const next = this.activeNodes().sort((a, b) => a.uid - b.uid)[0];
      // With no live node left the cluster has no master until one comes back.
      this.masterUid = next ? next.uid : 0;
    }
    this.bdbs.onNodeDown(uid);
  }

  /** A down node's internal address changed (docs: `rladmin node addr set`, only while the node is down). */
  setNodeAddr(uid: number, addr: string): void {
    const node = this.requireNode(uid);
    if (node.status !== 'down') throw new Error(`node ${uid} is active: its internal address can change only while it is down`);
    const holder = this.nodeByAddr(addr);
    if (holder && holder !== node) throw new Error(`node ${holder.uid} of cluster ${this.name} already has address ${addr}`);
    node.addr = addr;
  }

  /** A down node restarts with other software. */
  setNodeSoftwareVersion(uid: number, version: string): void {
    const node = this.requireNode(uid);
    if (node.status !== 'down') throw new Error(`node ${uid} is active: its software can change only while it is down`);
    node.softwareVersion = version;
  }

  setNodeUp(uid: number): void {
    const node = this.requireNode(uid);
    if (node.status === 'active') return;
    node.status = 'active';
    if (this.masterUid === 0) this.masterUid = uid;
    this.bdbs.onNodeUp();
  }

  /**
   * Test hook: a dead node leaves the cluster (what the documented `remove`
   * action, not served here, ends in). Its double must be stopped and is not
   * to be started again; the node must hold no shard. Its uid is never given
   * to a node that joins later.
   */
  removeNode(uid: number): void {
    const node = this.requireNode(uid);
    if (node.status !== 'down') throw new Error(`node ${uid} is active: stop its double before removing it`);
    if (this.bdbs.list().some((b) => b.shards.some((sh) => sh.nodeUid === uid))) throw new Error(`node ${uid} still holds shards`);
    this.dropNode(uid);
  }

  /** The node leaves the member list (the end of a `remove`); its uid is never given again. */
  dropNode(uid: number): void {
    const node = this.requireNode(uid);
    this.nodeList.splice(this.nodeList.indexOf(node), 1);
    if (this.masterUid === uid) {
      const next = this.activeNodes().sort((a, b) => a.uid - b.uid)[0];
      this.masterUid = next ? next.uid : 0;
    }
  }

  // ---- recovery (clusters/cluster-recovery, bootstrap recover_cluster) -------

  /** Nodes of a recovered cluster that wait for a replacement (a join with their `identity.uid`). */
  nodesAwaitingReplacement(): NodeRecord[] {
    return this.nodeList.filter((n) => n.awaitingReplacement).sort((a, b) => a.uid - b.uid);
  }

  /**
   * recover_cluster on a new node: the cluster is rebuilt from its persisted
   * configuration (same name, credentials, settings, node uids and databases).
   * The recovering node takes `nodeUid` and becomes master; every other node
   * is down and awaits its replacement; the databases await their recovery.
   */
  recover(nodeUid: number, init: NodeInit): NodeRecord {
    for (const n of this.nodeList) {
      n.status = 'down';
      n.awaitingReplacement = true;
      // The recovered node runs no shards yet: maintenance bookkeeping of the failed cluster does not survive.
      n.maintenance = undefined;
    }
    const node = this.replaceNode(nodeUid, init);
    this.masterUid = node.uid;
    this.bdbs.markForRecovery();
    return node;
  }

  /** Documented `identity.uid` of join_cluster: the new node takes the place (uid, shards) of a node awaiting replacement. */
  replaceNode(uid: number, init: NodeInit): NodeRecord {
    const node = this.requireNode(uid);
    if (!node.awaitingReplacement) throw new Error(`node ${uid} does not await a replacement`);
    Object.assign(node, {
      addr: init.addr, name: init.name ?? init.addr, rackId: init.rackId ?? node.rackId, status: 'active', awaitingReplacement: false,
      totalMemory: init.totalMemory, cores: init.cores, softwareVersion: init.softwareVersion,
    });
    return node;
  }

  /** Test hook: move the cluster master role to another live node. */
  failoverMaster(toUid: number): void {
    const node = this.requireNode(toUid);
    if (node.status !== 'active') throw new Error(`node ${toUid} is down and cannot become master`);
    this.masterUid = toUid;
  }

  /** Test hook: bind a database's endpoint to another node. */
  moveEndpoint(bdbUid: number, toNodeUid: number): void {
    this.bdbs.moveEndpoint(bdbUid, toNodeUid);
  }

  /** Test hook: make the next `count` BDB actions fail when they end. */
  failNextActions(count: number, spec: ActionFailureSpec = {}): void {
    this.actions.failNext(count, spec);
  }

  /** Advance asynchronous work to the clock's time. */
  tick(now: number): void {
    this.actions.tick(now);
    this.nodeActions.tick(now);
    this.crdbs.tick(now);
  }

  /** Test hook: finish every pending action and CRDB task now, whatever the clock says. */
  settle(): void {
    this.actions.settleAll(this.env.now());
    this.nodeActions.settleAll(this.env.now());
    this.crdbs.settleAll();
  }

  // ---- JSON views -----------------------------------------------------------

  clusterJson(): Record<string, unknown> {
    return {
      name: this.name,
      created_time: isoTime(this.createdTime),
      rack_aware: this.rackAware,
      alert_settings: {},
      email_alerts: false,
      email_from: '',
      smtp_host: '',
      smtp_port: 25,
      smtp_tls_mode: 'none',
      smtp_username: '',
      ...this.settings,
    };
  }

  /** PUT /v1/cluster: partial update of settings; the name (the cluster FQDN) is fixed. */
  updateCluster(body: Record<string, unknown>): void {
    if ('name' in body && body.name !== this.name) throw schemaError('the cluster name cannot be changed');
    if ('rack_aware' in body) {
      if (typeof body.rack_aware !== 'boolean') throw schemaError('rack_aware must be a boolean');
      this.rackAware = body.rack_aware;
    }
    const rest = { ...body };
    delete rest.name;
    delete rest.rack_aware;
    // Write-only secret: accepted, never echoed.
    delete rest.smtp_password;
    this.settings = { ...this.settings, ...rest };
  }

  nodeJson(node: NodeRecord): Record<string, unknown> {
    const shards = this.bdbs.list().flatMap((b) => b.shards).filter((s) => s.nodeUid === node.uid);
    return {
      uid: node.uid,
      addr: node.addr,
      external_addr: [],
      status: node.status,
      rack_id: node.rackId ?? '',
      shard_count: shards.length,
      shard_list: shards.map((s) => s.uid).sort((a, b) => a - b),
      total_memory: node.totalMemory,
      cores: node.cores,
      software_version: node.softwareVersion,
      supported_database_versions: supportedDatabaseVersionsJson(node.softwareVersion),
      architecture: 'x86_64',
      // A node in maintenance mode is a quorum-only node, and a node being removed takes nothing: no new shards.
      accept_servers: !node.maintenance && !node.removing,
      bigstore_enabled: node.bigstoreEnabled,
      ...(node.bigstorePath ? { bigredis_storage_path: node.bigstorePath } : {}),
      persistent_storage_path: '/var/opt/redislabs/persist',
      ephemeral_storage_path: '/var/opt/redislabs/tmp',
    };
  }

  /** GET /v1/nodes/status: documented map of node uid → status with role master/slave. */
  nodesStatusJson(): Record<string, unknown> {
    const shards = this.bdbs.list().flatMap((b) => b.shards);
    const out: Record<string, unknown> = {};
    for (const node of this.nodeList) {
      const mine = shards.filter((s) => s.nodeUid === node.uid);
      out[String(node.uid)] = {
        hostname: node.name,
        role: node.uid === this.masterUid ? 'master' : 'slave',
        node_status: node.status,
        master_shards: mine.filter((s) => s.role === 'master').map((s) => s.uid),
        slave_shards: mine.filter((s) => s.role === 'slave').map((s) => s.uid),
        cores: node.cores,
        total_memory: node.totalMemory,
        software_version: node.softwareVersion,
        // Documented: present while a maintenance snapshot exists (maintenance in progress or improperly stopped).
        ...(node.maintenance ? { maintenance_snapshot: snapshotJson(node) } : {}),
      };
    }
    return out;
  }

  licenseJson(): Record<string, unknown> {
    const trial = this.license === '';
    // A trial license lasts 30 days; an installed one is reported valid for a year.
    const expires = this.licenseInstalledAt + (trial ? 30 : 365) * DAY_MS;
    return {
      license: this.license,
      key: this.license,
      cluster_name: this.name,
      expired: this.env.now() > expires,
      activation_date: isoTime(this.licenseInstalledAt),
      expiration_date: isoTime(expires),
      shards_limit: this.env.policy.licenseShardsLimit,
      ram_shards_limit: this.env.policy.licenseShardsLimit,
      ram_shards_in_use: this.bdbs.list().reduce((n, b) => n + b.shards.length, 0),
      flash_shards_limit: 0,
      flash_shards_in_use: 0,
      features: [],
      owner: trial ? 'trial' : 'test double',
    };
  }

  /** PUT /v1/license. */
  setLicense(body: Record<string, unknown>): void {
    if (typeof body.license !== 'string' || !isPlausibleLicense(body.license)) {
      throw new ApiError(400, 'invalid_license', 'the license string is malformed or corrupted');
    }
    this.license = body.license;
    this.licenseInstalledAt = this.env.now();
  }

  private requireNode(uid: number): NodeRecord {
    const node = this.node(uid);
    if (!node) throw new Error(`node ${uid} is not part of cluster ${this.name}`);
    return node;
  }
}

