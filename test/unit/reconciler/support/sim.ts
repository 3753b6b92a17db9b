/**
 * A simulated Redis Enterprise cluster for reconciler tests and benchmarks:
 * a FakeKube holding the desired-state ConfigMap and N node pods, one REST
 * API double instance per pod (HTTPS on 127.0.0.1, address = the pod IP),
 * and one in-process reconciler per pod. Test code only.
 */
import { DesiredState } from '../../../../lib/contract/desired-state';
import { RunningReconciler, startReconciler } from '../../../../lib/reconciler/runtime/app';
import { ReconcilerConfig } from '../../../../lib/reconciler/runtime/config';
import { Pod } from '../../../../lib/reconciler/io/kube-types';
import { Logger, createLogger, silentLogger } from '../../../../lib/reconciler/runtime/logger';
import {
  ApiDoubleClusterRegistry, ApiDoubleRegistryOptions, RedisEnterpriseApiDouble, StartedApiDouble,
} from '../../../support/redis-enterprise-api-double';
import { desiredStateConfigMap } from './desired';
import { FakeKube } from './fake-kube';

export interface SimNode {
  podName: string;
  podIp: string;
  double: RedisEnterpriseApiDouble;
  started: StartedApiDouble;
  reconciler?: RunningReconciler;
}

export interface SimOptions {
  state: DesiredState;
  registry?: ApiDoubleRegistryOptions;
  leaseDurationSeconds?: number;
  resyncSeconds?: number;
  /** PRESTOP_TIMEOUT_SECONDS, in ms (default 10 s). */
  prestopTimeoutMs?: number;
  log?: boolean;
  /** Receives every log line (debug level and up), e.g. to check that no secret value is logged. */
  logSink?: (line: string) => void;
}

export class Sim {
  readonly kube: FakeKube;
  readonly registry: ApiDoubleClusterRegistry;
  readonly nodes: SimNode[] = [];
  readonly log: Logger;

  private constructor(readonly options: SimOptions) {
    this.kube = new FakeKube(options.state.cluster.namespace);
    this.registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 20, actionMs: 20, crdbTaskMs: 20 }, ...options.registry });
    this.log = options.logSink ? createLogger('debug', {}, options.logSink) : options.log ? createLogger('debug') : silentLogger;
  }

  static async create(options: SimOptions): Promise<Sim> {
    const sim = new Sim(options);
    const { name } = options.state.cluster;
    sim.kube.put('configmaps', desiredStateConfigMap(options.state) as never);
    for (let i = 0; i < options.state.cluster.nodes; i++) {
      const podName = `${name}-${i}`;
      const podIp = `10.244.0.${10 + i}`;
      const pod: Pod = {
        metadata: { name: podName, labels: { app: 'redis-enterprise', 'redis.io/cluster': name, 'redis.io/role': 'node' } },
        spec: { nodeName: `kwok-node-${i}` },
        status: { podIP: podIp, phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      };
      sim.kube.put('pods', pod as never);
      const double = new RedisEnterpriseApiDouble({ registry: sim.registry, addr: podIp });
      const started = await double.start();
      sim.nodes.push({ podName, podIp, double, started });
    }
    return sim;
  }

  config(node: SimNode): ReconcilerConfig {
    const { state } = this.options;
    return {
      podName: node.podName,
      namespace: state.cluster.namespace,
      podIp: node.podIp,
      clusterName: state.cluster.name,
      apiUrl: node.started.url,
      desiredStateConfigMap: `${state.cluster.name}-desired-state`,
      httpPort: 0,
      httpHost: '127.0.0.1',
      resyncSeconds: this.options.resyncSeconds ?? 3600,
      leaseName: `${state.cluster.name}-leader`,
      leaseDurationSeconds: this.options.leaseDurationSeconds ?? 3,
      restTimeoutMs: 2000,
      logLevel: 'debug',
      prestopTimeoutMs: this.options.prestopTimeoutMs ?? 10_000,
      // In-process stops need no grace for a preStop request: tests call /prestop themselves.
      shutdownPrestopWaitMs: 0,
    };
  }

  async startReconciler(node: SimNode, serveHttp = false): Promise<RunningReconciler> {
    node.reconciler = await startReconciler({
      config: this.config(node),
      kube: this.kube,
      log: this.log,
      apiCa: node.started.caCertPem,
      poll: { timeoutMs: 10_000, intervalMs: 10 },
      serveHttp,
    });
    return node.reconciler;
  }

  async startAll(): Promise<void> {
    for (const n of this.nodes) await this.startReconciler(n);
  }

  leaderNode(): SimNode | undefined {
    return this.nodes.find((n) => n.reconciler?.leader.isLeader);
  }

  /** Waits until `check` returns true (polling), or fails with `what`. */
  async until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await check()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    for (const n of this.nodes) await n.reconciler?.stop();
    for (const n of this.nodes) await n.double.dispose();
  }
}
