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
   * Reject a database whose memory (times two with replication) does not fit
   * the free memory of the active nodes (`insufficient_resources`). The real
   * cluster's `shards_overbooking` policy (default true) would accept it;
   * the check is on by default because the reconciler must cope with it.
   */
  readonly enforceMemory: boolean;
  /** Module names the cluster has; `undefined` accepts any name (no `missing_module`). */
  readonly availableModules?: readonly string[];
  /**
   * Active-Active participants that are not simulated in this registry are
   * accepted as reachable (false, default) or make the CRDB task fail with
   * `connect_error` (true).
   */
  readonly strictRemoteClusters: boolean;
  /** `shards_limit` reported by GET /v1/license (not enforced). */
  readonly licenseShardsLimit: number;
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
}

export const DEFAULT_POLICY: ApiDoublePolicy = {
  softwareVersion: '8.0',
  reservedPorts: [10050],
  portRange: [10000, 19999],
  enforceMemory: true,
  strictRemoteClusters: false,
  licenseShardsLimit: 4,
};

export const DEFAULT_TIMING: ApiDoubleTiming = { bootstrapMs: 100, actionMs: 60, crdbTaskMs: 120, nodeActionMs: 150 };
