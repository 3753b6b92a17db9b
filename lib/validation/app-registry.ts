import { IConstruct } from 'constructs';

/**
 * Constructs of one kind per app, registered when they are created. App-wide
 * checks (one cluster per namespace, unique Active-Active names) read it
 * instead of walking the whole construct tree once per construct, which made
 * validation quadratic in the number of clusters.
 */
export class AppRegistry<T extends IConstruct> {
  private readonly byRoot = new WeakMap<IConstruct, T[]>();
  /** Members grouped by `key`, rebuilt when the app gained members since. */
  private readonly groups = new WeakMap<IConstruct, { size: number; byKey: Map<string, T[]> }>();

  constructor(private readonly key: (member: T) => string) {}

  public register(member: T): void {
    const root = member.node.root;
    const members = this.byRoot.get(root) ?? [];
    members.push(member);
    this.byRoot.set(root, members);
  }

  /** The other members of `member`'s app with the same key (e.g. the same namespace). */
  public othersLike(member: T): T[] {
    const root = member.node.root;
    const members = this.byRoot.get(root) ?? [];
    let cached = this.groups.get(root);
    if (!cached || cached.size !== members.length) {
      const byKey = new Map<string, T[]>();
      for (const m of members) byKey.set(this.key(m), [...(byKey.get(this.key(m)) ?? []), m]);
      cached = { size: members.length, byKey };
      this.groups.set(root, cached);
    }
    return (cached.byKey.get(this.key(member)) ?? []).filter((m) => m !== member);
  }
}
