/**
 * One watch per Secret the desired state names, each a list+watch with a
 * `metadata.name` field selector: the only form of list and watch that a
 * Role limited by `resourceNames` allows (Kubernetes RBAC, "Referring to
 * resources"), so the reconciler never lists the namespace's other Secrets.
 * The set follows the desired state: a newly named Secret gets its watch in
 * the pass that first reads the new document, a Secret no longer named loses it.
 */
import { KubeApi } from '../io/kube-api';
import { ResourceWatcher } from '../io/watcher';
import { Logger } from './logger';
import { Metrics } from './metrics';

export class SecretWatches {
  private readonly watchers = new Map<string, ResourceWatcher>();
  private readonly stopping = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly kube: KubeApi,
    private readonly onChange: (reason: string) => void,
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {}

  /** The names watched now, sorted (tests). */
  get names(): string[] {
    return [...this.watchers.keys()].sort();
  }

  /** Watches exactly `names` from now on. */
  follow(names: readonly string[]): void {
    if (this.stopped) return;
    const wanted = new Set(names);
    for (const [name, w] of this.watchers) {
      if (wanted.has(name)) continue;
      this.watchers.delete(name);
      this.retire(w);
    }
    for (const name of wanted) {
      if (this.watchers.has(name)) continue;
      const w = new ResourceWatcher(this.kube, { kind: 'secrets', fieldSelector: `metadata.name=${name}`, onChange: this.onChange }, this.log, this.metrics);
      this.watchers.set(name, w);
      w.start();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.watchers.values()) this.retire(w);
    this.watchers.clear();
    await Promise.all(this.stopping);
  }

  private retire(w: ResourceWatcher): void {
    const p = w.stop().finally(() => this.stopping.delete(p));
    this.stopping.add(p);
  }
}
