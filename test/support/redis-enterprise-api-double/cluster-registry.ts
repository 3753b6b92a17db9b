/**
 * The in-process "network" of the test double: every node instance and every
 * simulated cluster of a test lives in one registry. Joining a cluster, and
 * finding Active-Active participants, resolve addresses and names here;
 * nothing is ever dialled. Addresses are fake pod IPs (10.0.x.y).
 *
 * The registry also owns the clock, the timing and policy knobs, a fault
 * injector that applies to every instance, and a request log of everything
 * every instance saw.
 */
import { ApiDoubleCluster, ClusterEnvironment, ClusterInit } from './cluster-state';
import { Clock, systemClock } from './clock';
import { FaultInjector } from './faults';
import { ApiDoublePolicy, ApiDoubleTiming, DEFAULT_POLICY, DEFAULT_TIMING } from './policy';
import { RequestLog } from './request-log';

export interface ApiDoubleRegistryOptions {
  /** Defaults to the system clock; pass a ManualClock to step time yourself. */
  readonly clock?: Clock;
  readonly timing?: Partial<ApiDoubleTiming>;
  readonly policy?: Partial<ApiDoublePolicy>;
  /** Seed for rate-based faults (registry, clusters and instances derive theirs from it). */
  readonly seed?: number;
}

/** What the registry needs from an instance. */
export interface RegisteredNode {
  readonly addr: string;
  readonly running: boolean;
  /** The cluster this node is a member of, once its bootstrap completed. */
  readonly memberOf: ApiDoubleCluster | undefined;
  tickBootstrap(now: number): void;
}

export class ApiDoubleClusterRegistry implements ClusterEnvironment {
  readonly clock: Clock;
  readonly timing: ApiDoubleTiming;
  readonly policy: ApiDoublePolicy;
  readonly seed: number;
  /** Faults applied to every instance of this registry. */
  readonly faults: FaultInjector;
  /** Every request any instance of this registry saw. */
  readonly requestLog = new RequestLog();
  private readonly clusterList: ApiDoubleCluster[] = [];
  private readonly nodesByAddr = new Map<string, RegisteredNode>();
  private addrCounter = 0;
  private seq = 0;

  constructor(options: ApiDoubleRegistryOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.seed = options.seed ?? 1;
    this.faults = new FaultInjector(this.seed);
  }

  now(): number {
    return this.clock.now();
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** A fresh fake pod IP: 10.0.0.5, 10.0.0.6, ... (never dialled). */
  allocateAddr(): string {
    for (;;) {
      const n = 5 + this.addrCounter++;
      const addr = `10.0.${Math.floor(n / 250)}.${n % 250}`;
      if (!this.nodesByAddr.has(addr)) return addr;
    }
  }

  /**
   * A running node's address is its own. A stopped node's address can be
   * taken by a new instance (a pod IP given to another pod while the old
   * node is down); the stopped one answers at it again only after it
   * re-registers (rebind).
   */
  register(node: RegisteredNode): void {
    const holder = this.nodesByAddr.get(node.addr);
    if (holder && holder !== node && holder.running) throw new Error(`a test double node with address ${node.addr} already exists in this registry`);
    this.nodesByAddr.set(node.addr, node);
  }

  /** Whether a running node holds `addr` (a new instance there would be refused). */
  hasRunningNodeAt(addr: string): boolean {
    return this.nodesByAddr.get(addr)?.running === true;
  }

  /** `node` (stopped) moves from address `from` to `to`. */
  readdress(node: RegisteredNode, from: string, to: string): void {
    const holder = this.nodesByAddr.get(to);
    if (holder && holder !== node && holder.running) throw new Error(`a test double node with address ${to} already exists in this registry`);
    if (this.nodesByAddr.get(from) === node) this.nodesByAddr.delete(from);
    this.nodesByAddr.set(to, node);
  }

  unregister(node: RegisteredNode): void {
    if (this.nodesByAddr.get(node.addr) === node) this.nodesByAddr.delete(node.addr);
  }

  createCluster(init: ClusterInit): ApiDoubleCluster {
    const cluster = new ApiDoubleCluster(this, init, this.seed + 1000 + this.clusterList.length);
    this.clusterList.push(cluster);
    return cluster;
  }

  clusters(): ApiDoubleCluster[] {
    return [...this.clusterList];
  }

  clusterByName(name: string): ApiDoubleCluster | undefined {
    return this.clusterList.find((c) => c.name.toLowerCase() === name.toLowerCase());
  }

  /** The cluster of the live node at `addr` (a stopped node answers nobody). */
  clusterOfLiveNode(addr: string): ApiDoubleCluster | undefined {
    const node = this.nodesByAddr.get(addr);
    return node && node.running ? node.memberOf : undefined;
  }

  /** Whether a running node other than `self` is a member of `cluster`. */
  runsElsewhere(cluster: ApiDoubleCluster, self: RegisteredNode): boolean {
    return [...this.nodesByAddr.values()].some((n) => n !== self && n.running && n.memberOf === cluster);
  }

  findCluster(ref: { name?: string; url?: string }): ApiDoubleCluster | undefined {
    const live = (c: ApiDoubleCluster | undefined) => (c && c.activeNodes().length > 0 ? c : undefined);
    const byName = ref.name ? live(this.clusterByName(ref.name)) : undefined;
    if (byName || !ref.url) return byName;
    try {
      return live(this.clusterByName(new URL(ref.url).hostname));
    } catch {
      return undefined;
    }
  }

  /** Bring every bootstrap, action and CRDB task up to the clock's time. */
  tick(): void {
    const now = this.clock.now();
    for (const node of this.nodesByAddr.values()) node.tickBootstrap(now);
    for (const cluster of this.clusterList) cluster.tick(now);
  }
}

let shared: ApiDoubleClusterRegistry | undefined;

/** The registry used by instances created without one. Prefer a fresh registry per test. */
export function defaultRegistry(): ApiDoubleClusterRegistry {
  shared ??= new ApiDoubleClusterRegistry();
  return shared;
}
