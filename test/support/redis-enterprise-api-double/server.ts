/**
 * RedisEnterpriseApiDouble: a TEST DOUBLE of the Redis Enterprise REST API of
 * one node (one pod), served over HTTPS on 127.0.0.1.
 *
 * Instances of one registry share clusters in-process: the node that runs
 * create_cluster registers the cluster under its (fake) address, others join
 * by naming that address. Stopping an instance takes its node down (the master
 * role and shards fail over); starting it again brings the node back on the
 * same port, still a member of its cluster.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LocalNode, NodeBootstrap } from './bootstrap';
import { ApiDoubleClusterRegistry, RegisteredNode, defaultRegistry } from './cluster-registry';
import type { ApiDoubleCluster } from './cluster-state';
import { ApiError } from './errors';
import { FaultDecision, FaultInjector, combineDecisions } from './faults';
import { PersistentVolume } from './persistent-volume';
import { requireQuorum } from './quorum';
import { MUTATING_METHODS, RequestLog, RequestLogEntry } from './request-log';
import { Route, RouteResult, findRoute } from './router';
import { bdbRoutes } from './routes-bdbs';
import { bdbExtraRoutes } from './routes-bdb-extras';
import { bootstrapRoutes } from './routes-bootstrap';
import { clusterRoutes } from './routes-cluster';
import { clusterSettingsRoutes } from './routes-cluster-settings';
import { crdbRoutes } from './routes-crdbs';
import { nodeActionRoutes } from './routes-node-actions';
import { tlsMaterial, TlsMaterial } from './tls';
import { userRoutes } from './routes-users';

const ROUTES: readonly Route[] = [...bootstrapRoutes, ...clusterRoutes, ...nodeActionRoutes, ...clusterSettingsRoutes, ...bdbExtraRoutes, ...bdbRoutes, ...crdbRoutes, ...userRoutes];
const MAX_BODY_BYTES = 1 << 20;
const GIB = 1024 ** 3;

export interface RedisEnterpriseApiDoubleOptions {
  /** Shared in-process "network"; defaults to a process-wide registry (prefer one per test). */
  readonly registry?: ApiDoubleClusterRegistry;
  /** This node's fake pod IP (never dialled); allocated by the registry when absent. */
  readonly addr?: string;
  /** Reported `total_memory`; also the node's share of the cluster's database memory. Default 4 GiB. */
  readonly totalMemoryBytes?: number;
  readonly cores?: number;
  readonly softwareVersion?: string;
  /** Seed of this instance's rate-based faults. */
  readonly seed?: number;
  /** Port to listen on (127.0.0.1); default a free one. */
  readonly port?: number;
  /**
   * The node's persistent volume: pass the volume of a stopped (disposed)
   * instance to model its pod coming back with the same claim: a fresh node
   * holding the cluster configuration it had (persistent-volume.ts).
   */
  readonly volume?: PersistentVolume;
}

export interface StartedApiDouble {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The self-signed certificate; trust it with `ca: caCertPem`. */
  readonly caCertPem: string;
}

export class RedisEnterpriseApiDouble implements RegisteredNode {
  readonly registry: ApiDoubleClusterRegistry;
  /** Faults for requests to this node only. */
  readonly faults: FaultInjector;
  /** Requests this node saw (the registry's log has every node's). */
  readonly requestLog = new RequestLog();
  /** What this node keeps on its persistent claim (the cluster configuration file once it is in a cluster). */
  readonly volume: PersistentVolume;
  private readonly bootstrap: NodeBootstrap;
  /** What the node knows of itself: its address and software follow the pod it runs in (rebind, upgradeSoftware). */
  private readonly local: LocalNode;
  private server?: Server;
  private port?: number;
  private readonly sockets = new Set<Socket>();

  constructor(options: RedisEnterpriseApiDoubleOptions = {}) {
    this.registry = options.registry ?? defaultRegistry();
    this.local = {
      addr: options.addr ?? this.registry.allocateAddr(),
      totalMemory: options.totalMemoryBytes ?? 4 * GIB,
      cores: options.cores ?? 2,
      // Build numbers are the double's; the major.minor follows the policy's version.
      softwareVersion: options.softwareVersion ?? (this.registry.policy.softwareVersion === '8.2' ? '8.2.0-1' : '8.0.20-44'),
    };
    this.faults = new FaultInjector(options.seed ?? this.registry.seed + 1);
    this.port = options.port;
    this.volume = options.volume ?? new PersistentVolume();
    this.bootstrap = new NodeBootstrap({
      now: () => this.registry.now(),
      bootstrapMs: () => this.registry.timing.bootstrapMs,
      createCluster: (init) => this.registry.createCluster(init),
      clusterOfLiveNode: (addr) => this.registry.clusterOfLiveNode(addr),
      runsElsewhere: (cluster) => this.registry.runsElsewhere(cluster, this),
    }, this.local, this.volume);
    this.registry.register(this);
  }

  /** This node's internal address: the (fake) IP of the pod it runs in, never dialled. */
  get addr(): string {
    return this.local.addr;
  }

  /** The Redis Enterprise software version this node runs (`software_version`). */
  get softwareVersion(): string {
    return this.local.softwareVersion;
  }

  /**
   * The node comes back at another address, as a Redis Enterprise node whose
   * pod restarted on its persistent storage with a new pod IP: same uid,
   * cluster membership, shards and maintenance state, and its internal
   * address (`addr`) is now `addr`. Only while stopped: the docs let a node's
   * internal address change only while the node is down (`rladmin node addr
   * set`). Who changes it on Kubernetes is not documented: the double's
   * choice is that the node does it itself when it starts.
   */
  rebind(addr: string): void {
    if (this.server) throw new Error(`test double ${this.addr} is running: stop it before it moves to ${addr}`);
    if (addr === this.local.addr) return;
    const previous = this.local.addr;
    this.registry.readdress(this, previous, addr);
    this.local.addr = addr;
    const member = this.memberOf;
    if (member && this.bootstrap.nodeUid !== undefined) member.setNodeAddr(this.bootstrap.nodeUid, addr);
  }

  /**
   * The node restarts with other Redis Enterprise software (its pod's image
   * changed): `software_version` of the node and of `GET /v1/nodes` follow.
   * Only while stopped, as an upgrade replaces the software of a node that is
   * not running. Which upgrade paths the product allows is not checked here.
   */
  upgradeSoftware(version: string): void {
    if (this.server) throw new Error(`test double ${this.addr} is running: stop it before its software changes to ${version}`);
    this.local.softwareVersion = version;
    const member = this.memberOf;
    if (member && this.bootstrap.nodeUid !== undefined) member.setNodeSoftwareVersion(this.bootstrap.nodeUid, version);
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** The cluster this node belongs to (direct state access for tests), once bootstrapped. */
  get memberOf(): ApiDoubleCluster | undefined {
    const { cluster, nodeUid } = this.bootstrap;
    // A node removed from its cluster is a member no longer (its bootstrap forgets the cluster on the next tick).
    return this.bootstrap.state === 'completed' && cluster && nodeUid !== undefined && cluster.node(nodeUid) ? cluster : undefined;
  }

  get cluster(): ApiDoubleCluster | undefined {
    this.registry.tick();
    return this.memberOf;
  }

  /** This node's uid in its cluster, once bootstrapped. */
  get nodeUid(): number | undefined {
    this.registry.tick();
    return this.memberOf ? this.bootstrap.nodeUid : undefined;
  }

  get bootstrapState(): string {
    this.registry.tick();
    return this.bootstrap.state;
  }

  tickBootstrap(now: number): void {
    this.bootstrap.tick(now);
  }

  /** `serve`: another certificate than the shared one (tests of the client's certificate verification). */
  async start(serve?: TlsMaterial): Promise<StartedApiDouble> {
    if (this.server) throw new Error(`test double ${this.addr} is already running`);
    // Its address may have gone to another instance while it was down (a pod IP reused).
    this.registry.register(this);
    const tls = serve ?? await tlsMaterial();
    const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      void this.handle(req, res);
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Same port on restart, so a client configured with the URL finds the node again.
      server.listen(this.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    const member = this.memberOf;
    if (member && this.bootstrap.nodeUid !== undefined) member.setNodeUp(this.bootstrap.nodeUid);
    return { url: `https://127.0.0.1:${this.port}`, port: this.port, caCertPem: tls.certPem };
  }

  /** Stop serving: the node goes down in its cluster; held and open connections are cut. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.registry.tick();
    const member = this.memberOf;
    if (member && this.bootstrap.nodeUid !== undefined) member.setNodeDown(this.bootstrap.nodeUid);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Stop and leave the registry (the address can be reused by a new instance). */
  async dispose(): Promise<void> {
    await this.stop();
    this.registry.unregister(this);
  }

  private localNodeInfo(): Record<string, unknown> {
    return {
      // A real answer has the uid as a string ("1") and the addresses as available_addresses.
      ...(this.memberOf ? { uid: String(this.bootstrap.nodeUid) } : {}),
      software_version: this.local.softwareVersion,
      cores: this.local.cores,
      total_memory: this.local.totalMemory,
      persistent_storage_path: '/var/opt/redislabs/persist',
      ephemeral_storage_path: '/var/opt/redislabs/tmp',
      available_addresses: [{ address: this.addr, format: 'ipv4', if_name: 'eth0', private: true }],
    };
  }

  // ---- request pipeline ------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const at = this.registry.now();
    const url = new URL(req.url ?? '/', 'https://double.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const log = (status: RequestLogEntry['status'], fault?: RequestLogEntry['fault']) => {
      const entry: RequestLogEntry = {
        seq: this.registry.nextSeq(), node: this.addr, method, path, status, fault,
        mutating: MUTATING_METHODS.has(method) && !url.searchParams.has('dry_run'),
        at, durationMs: Math.round((performance.now() - t0) * 10) / 10,
      };
      this.requestLog.push(entry);
      this.registry.requestLog.push(entry);
    };

    let bodyText: string;
    try {
      bodyText = await readBody(req);
    } catch {
      if (!res.headersSent && !req.socket.destroyed) send(res, 413, new ApiError(413, 'payload_too_large', 'request body too large').body());
      log(req.socket.destroyed ? 'aborted' : 413);
      return;
    }

    this.registry.tick();
    const decision = this.decideFaults(method, path);
    if (decision.latencyMs > 0) await delay(decision.latencyMs);
    if (req.socket.destroyed) return log('aborted', decision.terminal?.kind ?? 'latency');
    const fault = decision.terminal;
    const faultKind = fault?.kind ?? (decision.latencyMs > 0 ? 'latency' : undefined);

    if (fault && !fault.afterHandling) {
      switch (fault.kind) {
        case 'drop':
          req.socket.destroy();
          return log('dropped', 'drop');
        case 'timeout':
          // Hold the request: the client's own timeout (or stop()) ends it.
          res.on('close', () => log('timeout', 'timeout'));
          return;
        case 'busy':
          send(res, 409, { error_code: 'busy', description: 'injected fault (test double): another request is being processed' });
          return log(409, 'busy');
        case 'error':
          send(res, fault.status, injectedErrorBody(fault.status));
          return log(fault.status, 'error');
      }
    }

    const result = this.dispatch(method, path, url.searchParams, bodyText, req.headers.authorization);
    if (fault?.afterHandling && fault.kind === 'drop') {
      req.socket.destroy();
      return log('dropped', 'drop');
    }
    if (fault?.afterHandling && fault.kind === 'error') {
      send(res, fault.status, injectedErrorBody(fault.status));
      return log(fault.status, 'error');
    }
    if (result.answerAt !== undefined) {
      // Polls the registry clock, so a ManualClock test releases the answer by advancing it.
      while (this.registry.now() < result.answerAt && !req.socket.destroyed && this.server) await delay(10);
      if (req.socket.destroyed || !this.server) return log('aborted', faultKind);
    }
    send(res, result.status, result.body, result.status === 401 ? { 'WWW-Authenticate': 'Basic realm="redis-enterprise-api-double"' } : {});
    log(result.status, faultKind);
  }

  private decideFaults(method: string, path: string): FaultDecision {
    const decisions = [this.faults.decide(method, path)];
    const cluster = this.memberOf;
    if (cluster) decisions.push(cluster.faults.decide(method, path));
    decisions.push(this.registry.faults.decide(method, path));
    return combineDecisions(decisions);
  }

  private dispatch(method: string, path: string, query: URLSearchParams, bodyText: string, authorization: string | undefined): RouteResult {
    try {
      const { route, params } = findRoute(ROUTES, method, path);
      const cluster = this.memberOf;
      // Documented: bootstrap requests need no auth until the node is part of a cluster.
      if (route.access === 'cluster' && !cluster) {
        // Not documented; the double answers 503 so a client retries once the node has joined.
        throw new ApiError(503, 'node_not_bootstrapped', 'this node is not part of a cluster yet');
      }
      const authenticatedUser = cluster ? authorized(cluster, authorization) : undefined;
      if (cluster && authenticatedUser === undefined) {
        throw new ApiError(401, 'unauthorized', 'invalid or missing credentials');
      }
      if (route.access === 'cluster') requireQuorum(cluster as ApiDoubleCluster, method, path);
      const body = parseJson(bodyText);
      const ctx = {
        method, path, query, body, params, bootstrap: this.bootstrap, authenticatedUser, localNodeInfo: () => this.localNodeInfo(),
      };
      return route.access === 'cluster' ? route.handle(ctx, cluster as ApiDoubleCluster) : route.handle(ctx);
    } catch (e) {
      if (e instanceof ApiError) return { status: e.status, body: e.body() };
      // A bug in the double must be visible, not look like a product answer.
      const id = randomUUID();
      console.error(`redis-enterprise-api-double internal error ${id}:`, e);
      return { status: 500, body: { error_code: 'test_double_bug', description: `internal error in the test double (${id})` } };
    }
  }
}

/** The username of valid Basic auth credentials, else undefined. */
function authorized(cluster: ApiDoubleCluster, header: string | undefined): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  if (sep < 0) return undefined;
  const username = decoded.slice(0, sep);
  return cluster.checkCredentials(username, decoded.slice(sep + 1)) ? username : undefined;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_schema', 'the request body is not valid JSON');
  }
}

function injectedErrorBody(status: number): Record<string, unknown> {
  return {
    error_code: status === 503 ? 'service_unavailable' : 'internal_error',
    description: `injected fault (test double): HTTP ${status}`,
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    'Content-Length': Buffer.byteLength(text),
    Server: 'redis-enterprise-api-double',
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
