/**
 * Active-Active databases (CRDBs) and their tasks, per simulated cluster.
 *
 * POST/PATCH/DELETE /v1/crdbs answer with a documented crdb_task object
 * (`id`, `crdb_guid`, `status` queued|started|finished|failed, `errors`
 * [{cluster_name, error_code, description}]); the work happens when the task
 * ends (clock time `crdbTaskMs`). A finished or failed task's status is
 * kept for `crdbTaskResultTtlMs` (documented: 500 s by default), then the
 * task is gone (404).
 *
 * Participants are resolved without any network: an instance whose
 * `cluster.name` (or URL host) names a cluster simulated in the same registry
 * gets its copy of the CRDB and a local BDB; any other participant is assumed
 * reachable and left alone (or fails the task with `connect_error` when the
 * policy says `strictRemoteClusters`). Credentials sent for a simulated
 * participant are checked against its admin credentials. Credentials are
 * never stored or returned.
 */
import { randomUUID } from 'node:crypto';
import { CRDB_UPGRADE_FIELDS, checkUpgradeBody } from './bdbs';
import type { BdbStore } from './bdbs';
import type { BdbRecord } from './types';
import { isoTime } from './clock';
import { ApiError, notFound } from './errors';
import type { ApiDoublePolicy } from './policy';

export interface CrdbPeer {
  readonly name: string;
  readonly bdbs: BdbStore;
  readonly crdbs: CrdbStore;
  checkCredentials(username: string, password: string): boolean;
}

export interface CrdbHost extends CrdbPeer {
  readonly policy: ApiDoublePolicy;
  now(): number;
  crdbTaskMs(): number;
  crdbTaskResultTtlMs(): number;
  resolvePeer(ref: { name?: string; url?: string }): CrdbPeer | undefined;
}

interface InstanceRecord {
  id: number;
  cluster: { url: string; name: string; replication_endpoint?: string; replication_tls_sni?: string };
  compression?: number;
  db_config?: Record<string, unknown>;
}

export interface CrdbRecord {
  readonly guid: string;
  readonly name: string;
  encryption: boolean;
  causal_consistency: boolean;
  default_db_config: Record<string, unknown>;
  instances: InstanceRecord[];
  /** This cluster's instance id and local database uid. */
  readonly localInstanceId: number;
  readonly localBdbUid: number;
}

export interface TaskError {
  readonly cluster_name: string;
  readonly error_code: string;
  readonly description: string;
}

interface TaskRecord {
  readonly id: string;
  readonly guid: string;
  readonly operation: string;
  startedAt: number;
  readonly durationMs: number;
  status: 'queued' | 'started' | 'finished' | 'failed';
  errors: TaskError[];
  endedAt?: number;
  readonly run: () => TaskError[];
}

const CRDB_NAME_RE = /^[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export class CrdbStore {
  private readonly records = new Map<string, CrdbRecord>();
  private readonly tasks = new Map<string, TaskRecord>();
  private failures: Array<{ left: number; errorCode: string; description: string }> = [];

  constructor(private readonly host: CrdbHost) {}

  list(): CrdbRecord[] {
    return [...this.records.values()];
  }

  get(guid: string): CrdbRecord | undefined {
    return this.records.get(guid);
  }

  /** Test hook: the next `count` CRDB tasks fail without effect. */
  failNextTasks(count: number, errorCode = 'internal_error', description = 'injected CRDB task failure (test double)'): void {
    this.failures.push({ left: count, errorCode, description });
  }

  /** POST /v1/crdbs. */
  create(body: Record<string, unknown>): Record<string, unknown> {
    const spec = this.checkCreate(body);
    const guid = randomUUID();
    return this.startTask(guid, 'create_crdb', () => this.runCreate(guid, spec));
  }

  /** PATCH /v1/crdbs/{guid}. */
  patch(guid: string, body: Record<string, unknown>): Record<string, unknown> {
    const rec = this.require(guid);
    if ('default_db_config' in body && !isObject(body.default_db_config)) throw bad('default_db_config must be an object');
    if ('instances' in body) {
      if (!Array.isArray(body.instances)) throw bad('instances must be an array');
      const names = (body.instances as unknown[]).map((i) => (isObject(i) && isObject(i.cluster) ? String(i.cluster.name) : ''));
      const current = rec.instances.map((i) => i.cluster.name);
      if (names.length !== current.length || names.some((n) => !current.includes(n))) {
        throw bad('participants cannot be added or removed with PATCH; use POST /v1/crdbs/{guid}/updates');
      }
    }
    return this.startTask(guid, 'update_crdb', () => this.runPatch(guid, body));
  }

  /**
   * POST /v1/crdbs/{guid}/updates: `add_instances` / `remove_instances`. The
   * double changes the instance list only (no database appears on an added
   * cluster): a simplification its README names.
   */
  updateInstances(guid: string, body: Record<string, unknown>): Record<string, unknown> {
    const rec = this.require(guid);
    const add = body.add_instances ?? [];
    const remove = body.remove_instances ?? [];
    if (!Array.isArray(add) || !add.every((i) => isObject(i) && isObject(i.cluster) && typeof i.cluster.name === 'string')) {
      throw bad('add_instances must be an array of instances with cluster.name');
    }
    if (!Array.isArray(remove) || !remove.every((i) => Number.isInteger(i))) throw bad('remove_instances must be an array of instance ids');
    if (remove.includes(rec.localInstanceId)) throw bad('the local instance cannot be removed from this cluster');
    return this.startTask(guid, 'update_crdb', () => {
      let nextId = Math.max(0, ...rec.instances.map((i) => i.id)) + 1;
      const added = (add as Array<Record<string, unknown>>).map((raw) => {
        const { credentials: _secret, ...cluster } = raw.cluster as Record<string, unknown>;
        return { ...(raw as object), cluster, id: nextId++ } as unknown as InstanceRecord;
      });
      rec.instances = [...rec.instances.filter((i) => !(remove as number[]).includes(i.id)), ...added];
      return [];
    });
  }

  /**
   * POST /v1/crdbs/{guid}/upgrade: "Upgrades the Redis version and modules of
   * all instances", as a task. Each simulated participant's instance is
   * checked as its bdb upgrade would be (bundled version, no downgrade, not
   * busy); any refusal fails the task with no effect (task errors: the
   * double's choice), else every instance takes the version, and so does
   * `default_db_config.redis_version` (the double's choice: the docs call it
   * the version the database was created with).
   */
  upgrade(guid: string, body: Record<string, unknown>): Record<string, unknown> {
    this.require(guid);
    checkUpgradeBody(body, CRDB_UPGRADE_FIELDS);
    return this.startTask(guid, 'upgrade_crdb', () => this.runUpgrade(guid, body));
  }

  /** DELETE /v1/crdbs/{guid}. */
  delete(guid: string): Record<string, unknown> {
    this.require(guid);
    return this.startTask(guid, 'delete_crdb', () => this.runDelete(guid));
  }

  taskJson(id: string): Record<string, unknown> | undefined {
    const t = this.tasks.get(id);
    return t ? taskToJson(t) : undefined;
  }

  json(rec: CrdbRecord): Record<string, unknown> {
    return {
      guid: rec.guid,
      name: rec.name,
      encryption: rec.encryption,
      causal_consistency: rec.causal_consistency,
      default_db_config: rec.default_db_config,
      instances: rec.instances.map((i) => ({
        ...i,
        db_uid: i.id === rec.localInstanceId ? String(rec.localBdbUid) : '',
      })),
      local_databases: [{ bdb_uid: String(rec.localBdbUid), id: rec.localInstanceId }],
      featureset_version: 1,
      protocol_version: 1,
      managed_by: '',
    };
  }

  tick(now: number): void {
    for (const [id, t] of this.tasks) {
      if (t.status === 'finished' || t.status === 'failed') {
        if (t.endedAt !== undefined && now - t.endedAt >= this.host.crdbTaskResultTtlMs()) this.tasks.delete(id);
        continue;
      }
      const elapsed = now - t.startedAt;
      if (elapsed >= t.durationMs) {
        const injected = this.takeFailure();
        t.errors = injected ? [{ cluster_name: this.host.name, ...injected }] : t.run();
        t.status = t.errors.length ? 'failed' : 'finished';
        t.endedAt = Math.max(now, t.startedAt + t.durationMs);
      } else if (elapsed >= t.durationMs / 3) {
        t.status = 'started';
      }
    }
  }

  settleAll(): void {
    const now = this.host.now();
    for (const t of this.tasks.values()) if (t.status === 'queued' || t.status === 'started') t.startedAt = now - t.durationMs;
    this.tick(now);
  }

  // ---- task bodies -----------------------------------------------------------

  private runCreate(guid: string, spec: CreateSpec): TaskError[] {
    const errors: TaskError[] = [];
    const planned: Array<{ peer: CrdbPeer; instance: InstanceRecord; bdb: ReturnType<BdbStore['prepareNew']> }> = [];
    for (const { instance, credentials } of spec.instances) {
      const peer = this.host.resolvePeer(instance.cluster);
      if (!peer) {
        if (this.host.policy.strictRemoteClusters) {
          errors.push({ cluster_name: instance.cluster.name, error_code: 'connect_error', description: `cannot reach ${instance.cluster.url}` });
        }
        continue;
      }
      if (credentials && !peer.checkCredentials(credentials.username, credentials.password)) {
        // The crdb_task error layout is documented; this code is the double's choice.
        errors.push({ cluster_name: instance.cluster.name, error_code: 'unauthorized', description: 'invalid credentials for the participating cluster' });
        continue;
      }
      try {
        const config = { ...spec.defaultDbConfig, ...instance.db_config, name: spec.dbName };
        planned.push({ peer, instance, bdb: peer.bdbs.prepareNew(config, { crdt: true, crdt_guid: guid }) });
      } catch (e) {
        errors.push(asTaskError(instance.cluster.name, e));
      }
    }
    if (errors.length) return errors;
    for (const { peer, instance, bdb } of planned) {
      bdb.status = 'active';
      peer.bdbs.store(bdb);
      peer.crdbs.records.set(guid, {
        guid, name: spec.name, encryption: spec.encryption, causal_consistency: spec.causalConsistency,
        default_db_config: { ...spec.defaultDbConfig }, instances: spec.instances.map((i) => ({ ...i.instance })),
        localInstanceId: instance.id, localBdbUid: bdb.uid,
      });
    }
    return [];
  }

  private runPatch(guid: string, body: Record<string, unknown>): TaskError[] {
    const copies = this.copies(guid);
    const patch = (body.default_db_config as Record<string, unknown> | undefined) ?? {};
    const errors: TaskError[] = [];
    const planned: Array<{ peer: CrdbPeer; rec: CrdbRecord; next?: ReturnType<BdbStore['prepareUpdate']> }> = [];
    for (const { peer, rec } of copies) {
      const bdb = peer.bdbs.get(rec.localBdbUid);
      if (!bdb) continue;
      try {
        planned.push({ peer, rec, next: Object.keys(patch).length ? peer.bdbs.prepareUpdate(bdb, patch) : undefined });
      } catch (e) {
        errors.push(asTaskError(peer.name, e));
      }
    }
    if (errors.length) return errors;
    for (const { peer, rec, next } of planned) {
      const bdb = peer.bdbs.get(rec.localBdbUid);
      if (bdb && next) peer.bdbs.apply(bdb, next);
      rec.default_db_config = { ...rec.default_db_config, ...patch };
      if (typeof body.encryption === 'boolean') rec.encryption = body.encryption;
      if (typeof body.causal_consistency === 'boolean') rec.causal_consistency = body.causal_consistency;
      if (Array.isArray(body.instances)) rec.instances = mergeInstances(rec.instances, body.instances as unknown[]);
    }
    return [];
  }

  private runUpgrade(guid: string, body: Record<string, unknown>): TaskError[] {
    const errors: TaskError[] = [];
    const planned: Array<{ peer: CrdbPeer; rec: CrdbRecord; bdb: BdbRecord; target: string; preserveRoles: boolean }> = [];
    for (const { peer, rec } of this.copies(guid)) {
      const bdb = peer.bdbs.get(rec.localBdbUid);
      if (!bdb) continue;
      try {
        planned.push({ peer, rec, bdb, ...peer.bdbs.checkUpgrade(bdb, body) });
      } catch (e) {
        errors.push(asTaskError(peer.name, e));
      }
    }
    if (errors.length) return errors;
    for (const { peer, rec, bdb, target, preserveRoles } of planned) {
      peer.bdbs.applyUpgrade(bdb, target, preserveRoles);
      rec.default_db_config = { ...rec.default_db_config, redis_version: target };
    }
    return [];
  }

  private runDelete(guid: string): TaskError[] {
    for (const { peer, rec } of this.copies(guid)) {
      peer.bdbs.removeNow(rec.localBdbUid);
      peer.crdbs.records.delete(guid);
    }
    return [];
  }

  /** This cluster's copy plus the copies of every simulated participant. */
  private copies(guid: string): Array<{ peer: CrdbPeer; rec: CrdbRecord }> {
    const local = this.require(guid);
    const out: Array<{ peer: CrdbPeer; rec: CrdbRecord }> = [];
    for (const instance of local.instances) {
      const peer = this.host.resolvePeer(instance.cluster);
      const rec = peer?.crdbs.records.get(guid);
      if (peer && rec) out.push({ peer, rec });
    }
    return out;
  }

  // ---- helpers ---------------------------------------------------------------

  private checkCreate(body: Record<string, unknown>): CreateSpec {
    if (typeof body.name !== 'string' || !CRDB_NAME_RE.test(body.name)) {
      throw bad('name is required: 1-63 letters, digits or hyphens, starting with a letter');
    }
    if (!isObject(body.default_db_config)) throw bad('default_db_config is required');
    const defaultDbConfig = body.default_db_config;
    if (!Number.isInteger(defaultDbConfig.memory_size)) throw bad('default_db_config.memory_size is required (bytes)');
    if (!Array.isArray(body.instances) || body.instances.length === 0) throw bad('instances must be a non-empty array');
    const instances = body.instances.map((raw, i) => checkInstance(raw, i + 1));
    const names = instances.map((i) => i.instance.cluster.name.toLowerCase());
    if (new Set(names).size !== names.length) throw bad('every participating cluster must appear once');
    const isLocal = (inst: InstanceRecord) => this.host.resolvePeer(inst.cluster) === this.host;
    if (!instances.some((i) => isLocal(i.instance))) {
      // The request must go to one of the participants; the wording is the double's.
      throw bad(`no instance describes this cluster (${this.host.name}); send the request to a participating cluster`);
    }
    return {
      name: body.name,
      dbName: typeof defaultDbConfig.name === 'string' ? defaultDbConfig.name : body.name,
      defaultDbConfig,
      instances,
      encryption: body.encryption === true,
      causalConsistency: body.causal_consistency === true,
    };
  }

  private startTask(guid: string, operation: string, run: () => TaskError[]): Record<string, unknown> {
    const task: TaskRecord = {
      id: randomUUID(), guid, operation, startedAt: this.host.now(), durationMs: this.host.crdbTaskMs(),
      status: 'queued', errors: [], run,
    };
    this.tasks.set(task.id, task);
    return taskToJson(task);
  }

  private takeFailure(): { error_code: string; description: string } | undefined {
    const f = this.failures.find((x) => x.left > 0);
    if (!f) return undefined;
    f.left--;
    this.failures = this.failures.filter((x) => x.left > 0);
    return { error_code: f.errorCode, description: f.description };
  }

  private require(guid: string): CrdbRecord {
    const rec = this.records.get(guid);
    if (!rec) throw notFound(`Active-Active database ${guid}`);
    return rec;
  }
}

interface CreateSpec {
  name: string;
  dbName: string;
  defaultDbConfig: Record<string, unknown>;
  instances: Array<{ instance: InstanceRecord; credentials?: { username: string; password: string } }>;
  encryption: boolean;
  causalConsistency: boolean;
}

function checkInstance(raw: unknown, id: number): CreateSpec['instances'][number] {
  if (!isObject(raw) || !isObject(raw.cluster)) throw bad(`instance ${id} needs a cluster object`);
  const c = raw.cluster;
  if (typeof c.url !== 'string' || typeof c.name !== 'string') throw bad(`instance ${id}: cluster.url and cluster.name are required`);
  const creds = c.credentials;
  const hasCreds = isObject(creds) && typeof creds.username === 'string' && typeof creds.password === 'string';
  if (!hasCreds && !isObject(c.certificate_auth)) throw bad(`instance ${id}: cluster.credentials or cluster.certificate_auth is required`);
  const instance: InstanceRecord = {
    id,
    cluster: {
      url: c.url, name: c.name,
      ...(typeof c.replication_endpoint === 'string' ? { replication_endpoint: c.replication_endpoint } : {}),
      ...(typeof c.replication_tls_sni === 'string' ? { replication_tls_sni: c.replication_tls_sni } : {}),
    },
    ...(Number.isInteger(raw.compression) ? { compression: raw.compression as number } : {}),
    ...(isObject(raw.db_config) ? { db_config: raw.db_config } : {}),
  };
  return hasCreds
    ? { instance, credentials: { username: (creds as Record<string, string>).username, password: (creds as Record<string, string>).password } }
    : { instance };
}

function mergeInstances(current: InstanceRecord[], patch: unknown[]): InstanceRecord[] {
  return current.map((inst) => {
    const p = patch.find((x) => isObject(x) && isObject(x.cluster) && x.cluster.name === inst.cluster.name) as Record<string, unknown> | undefined;
    if (!p) return inst;
    const c = p.cluster as Record<string, unknown>;
    return {
      ...inst,
      cluster: {
        ...inst.cluster,
        ...(typeof c.url === 'string' ? { url: c.url } : {}),
        ...(typeof c.replication_endpoint === 'string' ? { replication_endpoint: c.replication_endpoint } : {}),
        ...(typeof c.replication_tls_sni === 'string' ? { replication_tls_sni: c.replication_tls_sni } : {}),
      },
      ...(Number.isInteger(p.compression) ? { compression: p.compression as number } : {}),
      ...(isObject(p.db_config) ? { db_config: p.db_config } : {}),
    };
  });
}

function taskToJson(t: TaskRecord): Record<string, unknown> {
  const started = t.status !== 'queued' ? isoTime(t.startedAt + t.durationMs / 3) : undefined;
  return {
    id: t.id,
    crdb_guid: t.guid,
    operation: t.operation,
    status: t.status,
    errors: t.errors,
    ...(started ? { started } : {}),
    ...(t.endedAt !== undefined ? { ended: isoTime(t.endedAt) } : {}),
  };
}

function asTaskError(clusterName: string, e: unknown): TaskError {
  if (e instanceof ApiError) return { cluster_name: clusterName, error_code: e.errorCode, description: e.description };
  throw e;
}

function bad(description: string): ApiError {
  // Documented status: 400 "The request is invalid or malformed"; the code name is the double's choice.
  return new ApiError(400, 'invalid_request', description);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
