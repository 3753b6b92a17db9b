/**
 * Databases (BDBs) of one simulated cluster: create/update/delete with the
 * documented validation and status codes, asynchronous actions, shard
 * placement and endpoints. The HTTP layer is in routes-bdbs.ts.
 */
import { ActionTracker } from './actions';
import { checkBdbSchema, checkBdbSemantics, withBdbDefaults, withoutReadOnly } from './bdb-validation';
import { bundledModules, checkTags, systemTags, undocumentedBdbFields, withoutUndocumented } from './bdb-fidelity';
import { isoTime } from './clock';
import { ApiError, busy, notAcceptable, notFound, schemaError } from './errors';
import { endpointNodesFor, failoverFromNode, placeShards, refreshEndpoints } from './placement';
import type { ApiDoublePolicy } from './policy';
import { RedisVersionSupport, compareVersions } from './redis-versions';
import type { BdbRecord, NodeRecord } from './types';

type UpgradeFields = Readonly<Record<string, 'boolean' | 'number' | 'string' | 'array'>>;

/** The documented fields of the CRDB upgrade request body (requests/crdbs/upgrade), by JSON type. */
export const CRDB_UPGRADE_FIELDS: UpgradeFields = {
  force_discard: 'boolean', force_restart: 'boolean', keep_crdt_protocol_version: 'boolean', may_discard_data: 'boolean',
  modules: 'array', parallel_shards_upgrade: 'number', preserve_roles: 'boolean', redis_version: 'string',
};

/** The documented fields of the bdb upgrade request body (requests/bdbs/upgrade): the CRDB ones and two deprecated ones. */
const BDB_UPGRADE_FIELDS: UpgradeFields = { ...CRDB_UPGRADE_FIELDS, keep_redis_version: 'boolean', latest_with_modules: 'boolean' };

/** Wrong types, and fields the request does not document (the double's choice: a typo must not pass silently), are 400 `invalid_schema`. */
export function checkUpgradeBody(body: Record<string, unknown>, fields: UpgradeFields): Record<string, unknown> {
  for (const [key, value] of Object.entries(body)) {
    const type = fields[key];
    if (!type) throw schemaError(`"${key}" is not a field of the upgrade request`);
    const ok = type === 'array' ? Array.isArray(value) : typeof value === type;
    if (!ok) throw schemaError(`${key} must be a ${type}`);
  }
  return body;
}

/** What the store needs from its cluster (kept narrow to avoid a dependency cycle). */
export interface BdbHost {
  readonly name: string;
  readonly rackAware: boolean;
  readonly policy: ApiDoublePolicy;
  readonly actions: ActionTracker;
  readonly masterUid: number;
  now(): number;
  actionDurationMs(): number;
  /** Nodes that may hold shards and endpoints (active, not in maintenance). */
  placementNodes(): NodeRecord[];
  /** Cluster policy `data_internode_encryption`: the default of a new database. */
  defaultDataInternodeEncryption(): boolean;
  /** Cluster policy `shards_overbooking`: memory sizes are ignored in placement. */
  shardsOverbooking(): boolean;
  /** The license's `shards_limit`. */
  shardsLimit(): number;
  /** The Redis database versions the cluster's release bundles, and its default. */
  redisVersions(): RedisVersionSupport;
  node(uid: number): NodeRecord | undefined;
}

export interface WriteOptions {
  readonly dryRun?: boolean;
}

/** A write whose body carried fields the bdb object does not document (recorded, not stored). */
export interface UndocumentedFieldsRecord { readonly method: 'POST' | 'PUT'; readonly uid?: number; readonly fields: string[] }

/** The field names (never values) of one POST/PUT /v1/bdbs body. */
export interface WrittenFieldsRecord { readonly method: 'POST' | 'PUT'; readonly uid: number; readonly fields: string[] }

/** One accepted `POST /v1/bdbs/{uid}/upgrade`. */
export interface UpgradeRecord { readonly uid: number; readonly from: string; readonly to: string; readonly preserveRoles: boolean }

export class BdbStore {
  /** Every write that carried undocumented bdb fields: a real cluster ignores or refuses them, so tests fail on them. */
  readonly undocumentedFields: UndocumentedFieldsRecord[] = [];
  /** The fields every accepted POST/PUT body named, e.g. to check that `module_list` is sent at create only. */
  readonly writtenFields: WrittenFieldsRecord[] = [];
  /** Every accepted upgrade request, e.g. to check that `preserve_roles` was asked for. */
  readonly upgrades: UpgradeRecord[] = [];
  private readonly records = new Map<number, BdbRecord>();
  private nextUid = 1;
  private nextShardUid = 1;

  constructor(private readonly host: BdbHost) {}

  list(): BdbRecord[] {
    return [...this.records.values()].sort((a, b) => a.uid - b.uid);
  }

  get(uid: number): BdbRecord | undefined {
    return this.records.get(uid);
  }

  byName(name: string): BdbRecord | undefined {
    return this.list().find((b) => String(b.config.name).toLowerCase() === name.toLowerCase());
  }

  /** POST /v1/bdbs. Returns the new record (not stored on dry run). */
  create(body: Record<string, unknown>, opts: WriteOptions = {}): BdbRecord {
    const rec = this.prepareNew(body);
    if (opts.dryRun) return rec;
    this.store(rec);
    this.writtenFields.push({ method: 'POST', uid: rec.uid, fields: Object.keys(body).sort() });
    rec.actionUid = this.startAction('SMCreateBDB', rec, {
      onComplete: () => { rec.status = 'active'; },
      onFail: () => { rec.status = 'creation-failed'; },
    });
    return rec;
  }

  /**
   * Validates a new database against the documented rules and places it.
   * Used directly (without an action) for the local database of an
   * Active-Active CRDB.
   */
  prepareNew(rawBody: Record<string, unknown>, extra: Record<string, unknown> = {}): BdbRecord {
    const body = this.documentedOnly('POST', rawBody);
    checkBdbSchema(body);
    checkTags(body.tags, this.host.policy.softwareVersion);
    if (typeof body.name !== 'string') throw notAcceptable('missing_db_name', 'DB name is a required property');
    if (body.memory_size === undefined) throw notAcceptable('missing_memory_size', 'Memory Size is a required property');
    if (body.uid !== undefined) {
      if ((body.uid as number) < 1) throw schemaError('uid must be a positive integer');
      if (this.records.has(body.uid as number)) throw new ApiError(409, 'uid_exists', `database uid ${body.uid} is already in use`);
    }
    const config: Record<string, unknown> = {
      data_internode_encryption: this.host.defaultDataInternodeEncryption(),
      ...withBdbDefaults(withoutReadOnly(body)),
      ...extra,
    };
    delete config.uid;
    this.assignRedisVersion(config);
    checkBdbSemantics(config, this.host.now());
    this.checkName(String(config.name));
    const autoPort = config.port === undefined;
    config.port = this.checkPort(config.port as number | undefined);
    if (config.type === 'redis') config.module_list = bundledModules(config.module_list as Array<Record<string, unknown>>, config.crdt === true);
    this.checkCluster(config, 'invalid_replication', 'not_rack_aware');
    this.checkMemory(config);
    const uid = (body.uid as number | undefined) ?? this.peekUid();
    const shards = placeShards(this.placementOf(uid, config), this.host.placementNodes(), () => this.nextShardUid++);
    const now = this.host.now();
    return {
      uid, config, status: 'pending', shards, autoPort, alerts: {},
      endpointNodes: endpointNodesFor(String(config.proxy_policy), shards, this.host.placementNodes()),
      createdTime: now, lastChangedTime: now,
    };
  }

  /** Stores a prepared record (the CRDB path stores it already active). */
  store(rec: BdbRecord): void {
    this.records.set(rec.uid, rec);
    this.nextUid = Math.max(this.nextUid, rec.uid + 1);
  }

  /** PUT /v1/bdbs/{uid}: partial update, applied now, finished by an action. */
  update(uid: number, body: Record<string, unknown>, opts: WriteOptions = {}): BdbRecord {
    const rec = this.require(uid);
    this.checkNotBusy(rec, 'update');
    if (rec.status === 'creation-failed') {
      // Documented only as "update an active database"; the code is the double's choice.
      throw new ApiError(409, 'invalid_state', `database ${uid} is in state creation-failed and cannot be updated`);
    }
    const next = this.prepareUpdate(rec, body);
    if (opts.dryRun) return { ...rec, config: next.config };
    const previous = { config: rec.config, shards: rec.shards, endpointNodes: rec.endpointNodes };
    this.writtenFields.push({ method: 'PUT', uid, fields: Object.keys(body).sort() });
    this.apply(rec, next);
    // A new authentication_redis_pass replaces the default user's passwords.
    if ('authentication_redis_pass' in body) rec.passwords = undefined;
    rec.status = 'active-change-pending';
    rec.actionUid = this.startAction('SMUpdateBDB', rec, {
      onComplete: () => { rec.status = 'active'; },
      // A failed update leaves the database as it was.
      onFail: () => { Object.assign(rec, previous); rec.status = 'active'; },
    });
    return rec;
  }

  /** Validates and computes an update without applying it (also used by CRDB updates). */
  prepareUpdate(rec: BdbRecord, rawBody: Record<string, unknown>): Pick<BdbRecord, 'config' | 'shards' | 'endpointNodes'> {
    const body = this.documentedOnly('PUT', rawBody, rec.uid);
    checkBdbSchema(body);
    checkTags(body.tags, this.host.policy.softwareVersion, rec.config.tags as Array<{ key: string; value: string }>);
    if (body.module_list !== undefined && !sameModules(body.module_list, rec.config.module_list)) {
      // "You cannot add modules to an existing database"; the error code is the double's choice.
      throw notAcceptable('modules_immutable', `the modules of database ${rec.uid} cannot be changed after it was created`);
    }
    if (body.uid !== undefined && body.uid !== rec.uid) throw schemaError('uid cannot be changed');
    const patch = withoutReadOnly(body);
    delete patch.uid;
    if (patch.port !== undefined && patch.port !== rec.config.port) {
      // The port is fixed once the database exists (the operator's databasePort is immutable too).
      // This error code is the double's choice.
      throw notAcceptable('port_immutable', `the port of database ${rec.uid} cannot be changed`);
    }
    if (patch.redis_version !== undefined && patch.redis_version !== rec.config.redis_version) {
      // Changed by the upgrade request (requests/bdbs/upgrade); whether a PUT may change it is not documented: the double refuses, code its own.
      throw notAcceptable('redis_version_immutable', `the Redis version of database ${rec.uid} changes with POST /v1/bdbs/${rec.uid}/upgrade`);
    }
    if (rec.config.crdt === true && patch.name !== undefined && patch.name !== rec.config.name) {
      throw notAcceptable('name_violation', 'CRDT database name cannot be changed');
    }
    const config = { ...rec.config, ...patch };
    checkBdbSemantics(config, this.host.now());
    if (patch.name !== undefined) this.checkName(String(patch.name), rec.uid);
    this.checkCluster(config, 'replication_node_violation', 'rack_awareness_violation');
    this.checkMemory(config, rec.uid);
    const layoutChanged = ['shards_count', 'replication', 'rack_aware'].some((k) => k in patch && patch[k] !== rec.config[k]);
    const shards = layoutChanged
      ? placeShards(this.placementOf(rec.uid, config), this.host.placementNodes(), () => this.nextShardUid++)
      : rec.shards;
    const endpointNodes = layoutChanged || config.proxy_policy !== rec.config.proxy_policy
      ? endpointNodesFor(String(config.proxy_policy), shards, this.host.placementNodes())
      : rec.endpointNodes;
    return { config, shards, endpointNodes };
  }

  apply(rec: BdbRecord, next: Pick<BdbRecord, 'config' | 'shards' | 'endpointNodes'>): void {
    rec.config = next.config;
    rec.shards = next.shards;
    rec.endpointNodes = next.endpointNodes;
    rec.lastChangedTime = this.host.now();
  }

  /**
   * POST /v1/bdbs/{uid}/upgrade: the database restarts on another Redis
   * version (default: the release's default) as an `SMUpgradeBDB` action;
   * `active-change-pending` meanwhile, the version applied when it completes,
   * nothing changed when it fails. Without `preserve_roles`, a replicated
   * database ends with master and replica roles swapped (the documented
   * option "requires an extra failover" to keep them).
   */
  upgrade(uid: number, rawBody: Record<string, unknown>): BdbRecord {
    const rec = this.require(uid);
    this.checkNotBusy(rec, 'upgrade');
    const { target, preserveRoles } = this.checkUpgrade(rec, checkUpgradeBody(rawBody, BDB_UPGRADE_FIELDS));
    rec.status = 'active-change-pending';
    rec.actionUid = this.startAction('SMUpgradeBDB', rec, {
      onComplete: () => { this.applyUpgrade(rec, target, preserveRoles); rec.status = 'active'; },
      onFail: () => { rec.status = 'active'; },
    });
    return rec;
  }

  /**
   * The version an upgrade request takes a database to (`redis_version`,
   * else the release's default, or the current one with
   * `keep_redis_version`), after the refusals; recorded in `upgrades`.
   */
  checkUpgrade(rec: BdbRecord, body: Record<string, unknown>): { target: string; preserveRoles: boolean } {
    if (rec.status !== 'active') throw new ApiError(409, 'invalid_state', `database ${rec.uid} is ${rec.status} and cannot be upgraded`);
    const current = String(rec.config.redis_version ?? '');
    if (rec.config.type === 'memcached') {
      // RED-119152 (operator): no Redis version for memcached; what the REST API answers is not documented (the double's code).
      throw new ApiError(400, 'unsupported_redis_version', `database ${rec.uid} is a memcached database: it has no Redis version to upgrade`);
    }
    const { bundled, defaultVersion } = this.host.redisVersions();
    const target = (body.redis_version as string | undefined) ?? (body.keep_redis_version === true ? current : defaultVersion);
    if (!bundled.includes(target)) {
      // Documented: 400 "Malformed or bad command"; the code is the double's.
      throw new ApiError(400, 'unsupported_redis_version', `Redis ${target} is not a database version of this cluster (${bundled.join(', ')})`);
    }
    if (current && compareVersions(target, current) < 0) {
      // No downgrade is documented (module upgrades name `module_downgrade_unsupported`); code and status are the double's.
      throw new ApiError(400, 'redis_version_downgrade_unsupported', `database ${rec.uid} runs Redis ${current}; it cannot go down to ${target}`);
    }
    const preserveRoles = body.preserve_roles === true;
    this.upgrades.push({ uid: rec.uid, from: current, to: target, preserveRoles });
    return { target, preserveRoles };
  }

  /** The upgrade's effect: the version, and without preserve_roles a replicated database's roles swapped. */
  applyUpgrade(rec: BdbRecord, target: string, preserveRoles: boolean): void {
    rec.config = { ...rec.config, redis_version: target };
    if (!preserveRoles && rec.config.replication === true) this.swapRoles(rec);
    rec.lastChangedTime = this.host.now();
  }

  /** DELETE /v1/bdbs/{uid}: delete-pending until the action completes. */
  delete(uid: number): void {
    const rec = this.require(uid);
    this.checkNotBusy(rec, 'delete');
    rec.status = 'delete-pending';
    rec.actionUid = this.startAction('SMDeleteBDB', rec, {
      onComplete: () => { this.records.delete(uid); },
      onFail: () => { rec.status = 'active'; },
    });
  }

  /** Immediate removal (the local database of a deleted CRDB). */
  removeNow(uid: number): void {
    this.records.delete(uid);
  }

  onNodeDown(nodeUid: number): void {
    for (const rec of this.records.values()) failoverFromNode(rec, nodeUid, this.host.placementNodes());
  }

  onNodeUp(): void {
    // A database waiting for its recovery serves nothing until it is recovered.
    for (const rec of this.records.values()) if (rec.status !== 'recovery') refreshEndpoints(rec, this.host.placementNodes());
  }

  /**
   * recover_cluster rebuilt the cluster from its configuration: every database
   * is back with its configuration (same uid, name, port), not running, no
   * endpoint, until it is recovered (`status: recovery`, the double's choice:
   * the docs list the value as "intended for future use" and describe the
   * databases as "pending recovery" after a cluster recovery).
   */
  markForRecovery(): void {
    for (const rec of this.records.values()) {
      rec.status = 'recovery';
      rec.actionUid = undefined;
      rec.endpointNodes = [];
    }
  }

  /** GET /v1/bdbs/{uid}/actions/recover: the documented recovery plan {data_files, status}. */
  recoveryPlanJson(uid: number): Record<string, unknown> {
    const rec = this.require(uid);
    const persistence = String(rec.config.data_persistence ?? 'disabled');
    // File names are the double's; without persistence a database is recovered empty (documented), so no files.
    const files = persistence === 'disabled' ? [] : rec.shards.filter((sh) => sh.role === 'master').map((sh) => ({
      filename: persistence === 'aof' ? `appendonly-${sh.uid}.aof` : `dump-${sh.uid}.rdb`, node_uid: String(sh.nodeUid),
    }));
    return { data_files: files, status: rec.status === 'recovery' ? 'ready' : 'not-in-recovery' };
  }

  /**
   * POST /v1/bdbs/{uid}/actions/recover (empty body: automatic recovery from
   * the persistence files where the shards last ran). Documented: 200 with an
   * `action_uid`, 409 when busy, already recovering or not recoverable; the
   * database becomes `active` when recovered. The double also answers 409 while
   * a node holding one of its shards has not rejoined (the docs say the
   * automatic recovery waits for such files; the code is the double's).
   */
  recover(uid: number): BdbRecord {
    const rec = this.require(uid);
    if (rec.actionUid) throw new ApiError(409, 'busy', `database ${uid} is already being recovered`);
    if (rec.status !== 'recovery') throw new ApiError(409, 'not_in_recovery', `database ${uid} is ${rec.status}, not in a recoverable state`);
    const missing = rec.shards.filter((sh) => this.host.node(sh.nodeUid)?.status !== 'active').map((sh) => sh.nodeUid);
    if (missing.length > 0) {
      throw new ApiError(409, 'nodes_missing', `node(s) ${[...new Set(missing)].join(', ')} holding database ${uid}'s persistence files have not rejoined`);
    }
    rec.actionUid = this.startAction('SMRecoverBDB', rec, {
      onComplete: () => {
        rec.status = 'active';
        rec.endpointNodes = endpointNodesFor(String(rec.config.proxy_policy), rec.shards, this.host.placementNodes());
      },
      onFail: () => { rec.status = 'recovery'; },
    });
    return rec;
  }

  /** Test hook: bind a database's endpoint to another node (as an endpoint migration would). */
  moveEndpoint(uid: number, nodeUid: number): void {
    const rec = this.require(uid);
    if (!this.host.node(nodeUid)) throw new Error(`node ${nodeUid} is not part of the cluster`);
    rec.endpointNodes = [nodeUid];
  }

  json(rec: BdbRecord): Record<string, unknown> {
    const port = rec.config.port as number;
    const addrs = rec.endpointNodes.map((uid) => this.host.node(uid)?.addr).filter((a): a is string => !!a);
    const tags = rec.config.tags as Array<Record<string, unknown>> | undefined;
    return {
      uid: rec.uid,
      ...rec.config,
      // Documented: an automatically assigned port is "returned as 0"; the real one is in endpoints.
      port: rec.autoPort ? 0 : port,
      tags: [...(tags ?? []), ...systemTags(this.host.policy.softwareVersion, rec.uid)],
      status: rec.status,
      // The endpoint entry layout (uid "<bdb>:<n>", dns_name "redis-<port>.<cluster fqdn>",
      // addr_type) follows what real clusters return; the BDB page only says "array".
      endpoints: [{
        uid: `${rec.uid}:1`,
        dns_name: `redis-${port}.${this.host.name}`,
        port,
        addr: addrs,
        addr_type: 'internal',
        proxy_policy: rec.config.proxy_policy,
        oss_cluster_api_preferred_ip_type: 'internal',
      }],
      shard_list: rec.shards.map((s) => s.uid).sort((a, b) => a - b),
      created_time: isoTime(rec.createdTime),
      last_changed_time: isoTime(rec.lastChangedTime),
      crdt: rec.config.crdt === true,
      ...(rec.actionUid ? { action_uid: rec.actionUid } : {}),
    };
  }

  /** Drops (and records) fields the bdb object does not document: they are never stored or echoed. */
  private documentedOnly(method: 'POST' | 'PUT', body: Record<string, unknown>, uid?: number): Record<string, unknown> {
    const fields = undocumentedBdbFields(body);
    if (fields.length === 0) return body;
    this.undocumentedFields.push({ method, ...(uid !== undefined ? { uid } : {}), fields });
    return withoutUndocumented(body);
  }

  /** A new Redis database gets the declared version if the release bundles it, else the release's default. */
  private assignRedisVersion(config: Record<string, unknown>): void {
    const declared = config.redis_version;
    if (config.type !== 'redis') {
      if (declared !== undefined) throw notAcceptable('unsupported_redis_version', 'a memcached database has no Redis version');
      return;
    }
    const { bundled, defaultVersion } = this.host.redisVersions();
    if (declared === undefined) {
      config.redis_version = defaultVersion;
      return;
    }
    if (typeof declared !== 'string') throw schemaError('redis_version must be a string');
    // Documented only as "Version of the redis-server processes"; refusing an unbundled one (and the code) is the double's choice.
    if (!bundled.includes(declared)) throw notAcceptable('unsupported_redis_version', `Redis ${declared} is not a database version of this cluster (${bundled.join(', ')})`);
  }

  /** Each master and its replica trade roles; the endpoint follows the masters. */
  private swapRoles(rec: BdbRecord): void {
    for (const s of rec.shards) s.role = s.role === 'master' ? 'slave' : 'master';
    rec.endpointNodes = endpointNodesFor(String(rec.config.proxy_policy), rec.shards, this.host.placementNodes());
  }

  private require(uid: number): BdbRecord {
    const rec = this.records.get(uid);
    if (!rec) throw notFound(`database ${uid}`);
    return rec;
  }

  private peekUid(): number {
    while (this.records.has(this.nextUid)) this.nextUid++;
    return this.nextUid;
  }

  private checkNotBusy(rec: BdbRecord, what: string): void {
    if (this.host.actions.isPending(rec.actionUid)) {
      throw busy(`database ${rec.uid} is busy with another configuration change; retry the ${what} later`);
    }
  }

  private checkName(name: string, selfUid?: number): void {
    const other = this.byName(name);
    if (other && other.uid !== selfUid) {
      // Duplicate names are refused by the product; this error code is the double's choice.
      throw notAcceptable('duplicate_name', `a database named ${name} already exists`);
    }
  }

  private checkPort(port: number | undefined): number {
    const [lo, hi] = this.host.policy.portRange;
    const used = new Set([...this.list().map((b) => b.config.port as number), ...this.host.policy.reservedPorts]);
    if (port === undefined) {
      // Automatic ports: the lowest free port of the range (the product picks one too; which is not documented).
      for (let p = lo; p <= hi; p++) if (!used.has(p)) return p;
      throw notAcceptable('port_unavailable', 'no free database port is left in the port range');
    }
    if (port < lo || port > hi) throw notAcceptable('port_unavailable', `port ${port} is outside the database port range ${lo}-${hi}`);
    if (this.host.policy.reservedPorts.includes(port)) throw notAcceptable('port_unavailable', `port ${port} is reserved`);
    if (used.has(port)) throw notAcceptable('port_unavailable', `port ${port} is already in use`);
    return port;
  }

  private checkCluster(config: Record<string, unknown>, replicationCode: string, rackCode: string): void {
    if (config.replication === true && this.host.placementNodes().length < 2) {
      throw notAcceptable(replicationCode, 'not enough nodes to perform replication (needs at least 2 active nodes)');
    }
    if (config.rack_aware === true && !this.host.rackAware) {
      throw notAcceptable(rackCode, 'cluster is not rack-aware and a rack-aware database was requested');
    }
    const available = this.host.policy.availableModules;
    if (available) {
      for (const m of config.module_list as Array<{ module_name: string }>) {
        if (!available.includes(m.module_name)) throw notAcceptable('missing_module', `module ${m.module_name} is not available on the cluster`);
      }
    }
  }

  private checkMemory(config: Record<string, unknown>, selfUid?: number): void {
    this.checkShardsLimit(config, selfUid);
    if (this.host.shardsOverbooking()) return;
    const footprint = (c: Record<string, unknown>) => (c.memory_size as number) * (c.replication === true ? 2 : 1);
    const capacity = this.host.placementNodes().reduce((sum, n) => sum + n.totalMemory, 0);
    const used = this.list().filter((b) => b.uid !== selfUid).reduce((sum, b) => sum + footprint(b.config), 0);
    if (used + footprint(config) > capacity) {
      throw notAcceptable('insufficient_resources', 'not enough memory in the cluster to host the database');
    }
  }

  /** Trial license: "limited to 4 shards, including master and replica shards" (license-keys page). */
  private checkShardsLimit(config: Record<string, unknown>, selfUid?: number): void {
    if (!this.host.policy.enforceShardsLimit) return;
    const shards = (c: Record<string, unknown>) => (c.shards_count as number) * (c.replication === true ? 2 : 1);
    const used = this.list().filter((b) => b.uid !== selfUid).reduce((sum, b) => sum + shards(b.config), 0);
    const limit = this.host.shardsLimit();
    if (used + shards(config) > limit) {
      // The docs name no code for the license limit; insufficient_resources is the documented "not enough resources" one.
      throw notAcceptable('insufficient_resources', `the license allows ${limit} shards (master and replica); ${used} are in use and the database needs ${shards(config)}`);
    }
  }

  private placementOf(uid: number, config: Record<string, unknown>) {
    return {
      bdbUid: uid,
      shardsCount: config.shards_count as number,
      replication: config.replication === true,
      rackAware: config.rack_aware === true,
    };
  }

  private startAction(name: string, rec: BdbRecord, effects: { onComplete: () => void; onFail: () => void }): string {
    return this.host.actions.start({
      name,
      objectName: `bdb:${rec.uid}`,
      nodeUid: this.host.masterUid,
      durationMs: this.host.actionDurationMs(),
      onComplete: () => { rec.actionUid = undefined; effects.onComplete(); },
      onFail: () => { rec.actionUid = undefined; effects.onFail(); },
    }, this.host.now());
  }
}

function moduleNames(list: unknown): string[] {
  return (Array.isArray(list) ? list : []).map((m) => String((m as { module_name?: unknown }).module_name)).sort();
}

/** A PUT may send the module list back unchanged (bundled ones may be left out), never a different one. */
function sameModules(sent: unknown, stored: unknown): boolean {
  const have = new Set(moduleNames(stored));
  return moduleNames(sent).every((n) => have.has(n));
}
