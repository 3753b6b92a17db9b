/**
 * Three simulated pods whose reconcilers run as separate main.js processes
 * (bench/reconciler-processes.ts), on a namespace set up the envtest way by
 * the e2e support (test/e2e/reconciler-in-process/support/fleet.ts: the
 * synthesized RBAC and desired-state ConfigMap, one Pod per kwok node, a
 * REST API double per pod in this process).
 */
import { M } from '../lib/reconciler/runtime/metrics';
import { freePorts } from '../test/e2e/harness/ports';
import { InProcessFleet } from '../test/e2e/reconciler-in-process/support/fleet';
import { FixtureDatabase, synthesize } from '../test/unit/reconciler/support/desired';
import { BenchPlane } from './reconciler-plane';
import { ReconcilerProcess, scrape, spawnReconciler, stopProcess, sum } from './reconciler-processes';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fleet of 3 nodes whose reconcilers run as processes (none started yet). */
export class ProcessFleet {
  processes: ReconcilerProcess[] = [];

  private constructor(readonly plane: BenchPlane, readonly fleet: InProcessFleet, private readonly ports: number[]) {}

  static async create(plane: BenchPlane, prefix: string, databases: FixtureDatabase[], nodeMemory = '4Gi'): Promise<ProcessFleet> {
    const resources = { cpu: '2', memory: nodeMemory };
    const fleet = await InProcessFleet.create(plane.client, plane.info, prefix, {
      fixture: (namespace) => synthesize({ namespace, databases, cluster: { nodeResources: { requests: resources, limits: resources } } }),
    });
    return new ProcessFleet(plane, fleet, await freePorts(fleet.nodes.length));
  }

  spawn(i: number, env: Record<string, string>): ReconcilerProcess {
    const p = spawnReconciler(this.fleet, this.fleet.nodes[i], this.ports[i], env);
    this.processes[i] = p;
    return p;
  }

  spawnAll(env: Record<string, string>): void {
    this.fleet.nodes.forEach((_, i) => this.spawn(i, env));
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.processes.map((p) => stopProcess(p)));
  }

  /** The process whose /metrics says it holds the Lease. */
  async leader(): Promise<ReconcilerProcess | undefined> {
    for (const p of this.processes) {
      if (sum(await scrape(p).catch(() => []), M.leader) === 1) return p;
    }
    return undefined;
  }

  /** Status Running without error, `n` databases active, both slices of each written (polled every `intervalMs`). */
  async untilFormed(n: number, timeoutMs: number, intervalMs = 100): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const dead = this.processes.find((p) => p.proc.exitCode !== null);
      if (dead) throw new Error(`reconciler ${dead.node.podName} exited:\n${dead.log.slice(-2000)}`);
      const s = await this.fleet.status().catch(() => undefined);
      const active = s?.databases?.filter((d: { status: string }) => d.status === 'active').length ?? 0;
      if (s?.clusterState === 'Running' && !s.lastError && active === n && (await this.fleet.slices()).length === 2 * n) return;
      await sleep(intervalMs);
    }
    throw new Error(`cluster with ${n} databases not formed within ${timeoutMs} ms: ${JSON.stringify(await this.fleet.status().catch(() => undefined))?.slice(0, 500)}`);
  }

  async dispose(): Promise<void> {
    await this.stopAll();
    await this.fleet.stop();
  }
}
