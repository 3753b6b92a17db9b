/**
 * Knobs of the simulated product that tests may want to change. Defaults
 * follow the documented behaviour where there is one.
 */
/** Redis Software versions the double can act as, where they differ (database tag rules and system tags). */
export type ApiDoubleSoftwareVersion = '8.0' | '8.2';

export interface ApiDoublePolicy {
  /**
   * The Redis Software version the cluster acts as. 8.2 applies the tag
   * validation rules introduced in 8.2.0, refuses system tag keys on write and
   * reports a system tag marked `isSystem` ("Manage database tags").
   */
  readonly softwareVersion: ApiDoubleSoftwareVersion;
  /** Ports Redis Software never gives a database: 10050 (Zabbix) inside the range, as `system_reserved_ports`. */
  readonly reservedPorts: readonly number[];
  /** Ports a database may use (inclusive). Redis Enterprise's default database port range is 10000-19999. */
  readonly portRange: readonly [number, number];
  /**
   * Uid of a cluster's first node; later nodes count up from it and a uid is
   * never reused. Real uids need not start at 1 (a cluster that lost and
   * replaced nodes has gaps), so tests can start elsewhere.
   */
  readonly firstNodeUid: number;
  /** Module names the cluster has; `undefined` accepts any name (no `missing_module`). */
  readonly availableModules?: readonly string[];
  /**
   * Active-Active participants that are not simulated in this registry are
   * accepted as reachable (false, default) or make the CRDB task fail with
   * `connect_error` (true).
   */
  readonly strictRemoteClusters: boolean;
  /** `shards_limit` of the license, reported by GET /v1/license: 4 is the documented trial limit (master and replica shards). */
  readonly licenseShardsLimit: number;
  /**
   * Refuse (406 `insufficient_resources`) a database write that would take the
   * cluster's shards (masters and replicas) over `licenseShardsLimit`, as a
   * real cluster does. Off by default: the project's e2e clusters run
   * unlicensed (trial) with more than 4 shards.
   */
  readonly enforceShardsLimit: boolean;
}

/** How long asynchronous work takes, in clock milliseconds. */
export interface ApiDoubleTiming {
  /** creating_cluster / joining_cluster → completed. */
  readonly bootstrapMs: number;
  /** BDB create/update/delete actions. */
  readonly actionMs: number;
  /** CRDB tasks queued → started → finished. */
  readonly crdbTaskMs: number;
  /** Node actions (maintenance_on / maintenance_off) queued → running → completed. */
  readonly nodeActionMs: number;
  /** PUT /v1/cluster/certificates: how long the replacement on every node takes before the 200 answer. */
  readonly certificateMs: number;
  /** How long a finished CRDB task's status is kept (documented: 500 s), then 404. */
  readonly crdbTaskResultTtlMs: number;
}

export const DEFAULT_POLICY: ApiDoublePolicy = {
  softwareVersion: '8.0',
  reservedPorts: [10050],
  portRange: [10000, 19999],
  firstNodeUid: 1,
  strictRemoteClusters: false,
  licenseShardsLimit: 4,
  enforceShardsLimit: false,
};

export const DEFAULT_TIMING: ApiDoubleTiming = { bootstrapMs: 100, actionMs: 60, crdbTaskMs: 120, nodeActionMs: 150, certificateMs: 150, crdbTaskResultTtlMs: 500_000 };
