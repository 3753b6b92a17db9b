/**
 * Assembles a running reconciler from its parts: REST client, leader
 * election, watches, reconcile loop and the probe/metrics server. `main.ts`
 * calls it with the real Kubernetes client; tests and benchmarks call it with
 * a fake one, in-process.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { DEFAULT_POLL, PollOptions } from './async-tasks';
import { ReconcilerConfig } from './config';
import { DutyContext } from './context';
import { Reconciler, ReconcilerState } from './controller';
import { countingKube } from '../io/counting-kube';
import { EventRecorder } from '../io/events';
import { startHttpServer } from './http-server';
import { KubeApi } from '../io/kube-api';
import { nodePodSelector, ownedSliceSelector } from '../../contract/labels';
import { LeaderElector } from './leader';
import { Logger } from './logger';
import { M, Metrics } from './metrics';
import { NodeMaintenance } from '../duties/node-maintenance';
import { NodeReadiness } from './node-readiness';
import { ReApi } from '../io/re-api';
import { ReClient } from '../io/re-client';
import { AdminCredentialKeeper } from './admin-credentials';
import { ResourceWatcher } from '../io/watcher';
import { referencedSecretNames } from '../../contract/secret-names';
import { DESIRED_STATE_KEY, parseDesiredState } from '../../contract/desired-state';
import { SecretWatches } from './secret-watches';
import { CertificatePins } from '../io/certificate-pins';
import { followApiCertificate } from '../duties/api-trust';
import { WorkQueue, WorkQueueState } from './work-queue';

/** A pass running longer than this is considered wedged by /healthz. */
export const WEDGED_PASS_MS = 15 * 60_000;

/** The reconcile loop as tests and benchmarks drive it: its work queue, and what its passes learned. */
export interface ReconcileLoop {
  trigger(reason: string): void;
  /** Resolves when no pass runs or is pending. */
  idle(): Promise<void>;
  readonly state: Readonly<WorkQueueState & ReconcilerState>;
}

export interface RunningReconciler {
  controller: ReconcileLoop;
  /** The Secrets watched (by name), following the desired state. */
  secretWatches: SecretWatches;
  leader: LeaderElector;
  metrics: Metrics;
  maintenance: NodeMaintenance;
  server?: http.Server;
  stop(): Promise<void>;
}

export interface AppOptions {
  config: ReconcilerConfig;
  kube: KubeApi;
  log: Logger;
  /** Defaults to an HTTPS client of config.apiUrl. */
  re?: ReApi;
  /** PEM CA for the REST API, instead of config.apiCaFile (tests). */
  apiCa?: string;
  metrics?: Metrics;
  poll?: PollOptions;
  /** False in tests that do not need the HTTP server. */
  serveHttp?: boolean;
}

export async function startReconciler(o: AppOptions): Promise<RunningReconciler> {
  const { config, log } = o;
  const metrics = o.metrics ?? new Metrics();
  const kube = countingKube(o.kube, metrics);
  const credentials = new AdminCredentialKeeper();
  metrics.declare(M.restRequests, 'counter', 'Redis Enterprise REST API requests, by method, route and status');
  const apiCa = o.apiCa ?? (config.apiCaFile ? fs.readFileSync(config.apiCaFile) : undefined);
  // Without a CA file the node's certificate is pinned (io/certificate-pins.ts).
  const pins = apiCa === undefined ? new CertificatePins() : undefined;
  const reClient = o.re ? undefined : new ReClient({
    baseUrl: config.apiUrl,
    credentials: () => credentials.current,
    ca: apiCa,
    pins,
    onProbe: (fingerprintSha256, outcome) => {
      if (outcome === 'unknown') log.warn('REST API certificate refused: not pinned', { fingerprintSha256 });
      else log.info('REST API certificate pinned', { fingerprintSha256, how: outcome });
    },
    timeoutMs: config.restTimeoutMs,
    onRequest: (method, route, status) => metrics.inc(M.restRequests, { method, route, status: String(status) }),
    onAuthenticatedAnswer: (sent, status) => credentials.answered(sent, status),
  });
  const re = o.re ?? reClient!;
  const shutdown = new AbortController();
  const ctx: DutyContext = {
    config, kube, re, metrics, log,
    events: new EventRecorder(kube, config.namespace, config.podName, log),
    poll: o.poll ?? DEFAULT_POLL,
    signal: shutdown.signal,
  };
  // Its own events recorder and no shutdown signal: a drain runs on after SIGTERM (see stop()).
  const maintenance = new NodeMaintenance({
    config, re, metrics, log,
    events: ctx.events,
    hasCredentials: () => credentials.current !== undefined,
    intervalMs: Math.max(ctx.poll.intervalMs, 10),
    declaredCluster: async () => {
      const raw = (await kube.getConfigMap(config.desiredStateConfigMap))?.data?.[DESIRED_STATE_KEY];
      return raw === undefined ? undefined : parseDesiredState(raw).cluster;
    },
  });
  const reconciler = new Reconciler(ctx, {
    isLeader: () => leader.isLeader, credentials, maintenance,
    // The Secrets to follow are known once the desired state is read, and change with it.
    onDesiredState: (state) => secretWatches.follow(referencedSecretNames(state)),
    ...(pins && reClient ? { followApiCertificate: (state, previous) => followApiCertificate(ctx, pins, state, previous) } : {}),
  });
  const queue = new WorkQueue(() => reconciler.reconcile(), { log, metrics, resyncMs: config.resyncSeconds * 1000 });
  const trigger = (reason: string) => queue.trigger(reason);
  const leader = new LeaderElector(kube, {
    leaseName: config.leaseName,
    namespace: config.namespace,
    identity: config.podName,
    durationSeconds: config.leaseDurationSeconds,
    onChange: (isLeader) => { if (isLeader) trigger('became leader'); },
  }, log, metrics);
  const controller: ReconcileLoop = {
    trigger,
    idle: () => queue.idle(),
    get state() { return { ...queue.state, ...reconciler.state }; },
  };
  const watchers = [
    new ResourceWatcher(kube, { kind: 'configmaps', fieldSelector: `metadata.name=${config.desiredStateConfigMap}`, onChange: trigger }, log, metrics),
    new ResourceWatcher(kube, { kind: 'pods', labelSelector: nodePodSelector(config.clusterName), onChange: trigger }, log, metrics),
    new ResourceWatcher(kube, { kind: 'endpointslices', labelSelector: ownedSliceSelector(config.clusterName), onChange: trigger }, log, metrics),
  ];
  const secretWatches = new SecretWatches(kube, trigger, log, metrics);
  let server: http.Server | undefined;
  if (o.serveHttp !== false) {
    const nodeReadiness = new NodeReadiness({ re, podIp: config.podIp, hasCredentials: () => credentials.current !== undefined });
    server = await startHttpServer(config.httpHost, config.httpPort, metrics, {
      healthy: () => {
        const started = queue.state.passStartedAt;
        if (shutdown.signal.aborted) return { ok: false, detail: 'shutting down' };
        if (started !== undefined && Date.now() - started > WEDGED_PASS_MS) return { ok: false, detail: 'a reconcile pass has been running too long' };
        return { ok: true, detail: 'ok' };
      },
      ready: () => {
        if (!reconciler.state.desiredStateLoaded) return { ok: false, detail: 'desired state not read yet' };
        if (!reconciler.state.nodeBootstrapped) return { ok: false, detail: 'this node is not in the cluster yet' };
        // A rollout must not stop the next pod before this node serves again.
        if (!maintenance.settledAfterStart) return { ok: false, detail: 'checking for maintenance mode left from the last stop' };
        return { ok: true, detail: 'ok' };
      },
      nodeReady: () => nodeReadiness.check(),
      prestop: async () => (await maintenance.prepareForStop()).message,
    });
  }
  leader.start();
  for (const w of watchers) w.start();
  queue.start();
  log.info('reconciler started', { cluster: config.clusterName, pod: config.podName, api: config.apiUrl });

  let stopping: Promise<void> | undefined;
  return {
    controller, leader, metrics, server, maintenance, secretWatches,
    stop: () => {
      stopping ??= (async () => {
        shutdown.abort();
        await Promise.all([...watchers.map((w) => w.stop()), secretWatches.stop()]);
        await queue.stop();
        await leader.stop();
        // The kubelet signals this container while it calls the node container's
        // preStop hook: keep serving until that drain ends (it bounds itself).
        // Only a node in a cluster has anything to drain.
        await maintenance.settle(reconciler.state.nodeBootstrapped ? config.shutdownPrestopWaitMs : 0);
        maintenance.close();
        await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
        server?.closeAllConnections();
        reClient?.close();
        log.info('reconciler stopped');
      })();
      return stopping;
    },
  };
}
