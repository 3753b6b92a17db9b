import { IConstruct } from 'constructs';

/**
 * Constructs of one kind per app, registered when they are created. App-wide
 * checks (one cluster per namespace, unique Active-Active names) read it
 * instead of walking the whole construct tree once per construct, which made
 * validation quadratic in the number of clusters.
 */
export class AppRegistry<T extends IConstruct> {
  private readonly byRoot = new WeakMap<IConstruct, T[]>();

  public register(member: T): void {
    const root = member.node.root;
    const members = this.byRoot.get(root) ?? [];
    members.push(member);
    this.byRoot.set(root, members);
  }

  /** Every registered construct of the app `member` belongs to. */
  public membersOf(member: T): readonly T[] {
    return this.byRoot.get(member.node.root) ?? [];
  }
}
