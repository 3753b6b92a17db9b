import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { error } from '../validation/finding';
import { addFindingsValidation } from '../validation/register';
import { RedisEnterpriseClusterProps } from './cluster-props';
import { ClusterSpec, resolveClusterSpec } from './cluster-spec';
import { validateClusterSpec } from './cluster-validation';
import { addDesiredStateConfigMap, buildDesiredState, DesiredStateContributor } from './desired-state-config-map';
import { addDisruptionBudget } from './disruption-budget';
import { addNodeReaderIfNeeded } from './rack-awareness';
import { addReconcilerRbac } from './rbac';
import { addClusterServices } from './services';
import { addNodeStatefulSet } from './statefulset';
import { DesiredState } from '../desired-state';

function chartOf(scope: Construct, id: string): Chart {
  try {
    return Chart.of(scope);
  } catch {
    throw new Error(`RedisEnterpriseCluster "${id}" must be created inside a cdk8s Chart (its objects belong to one): ` +
      'pass a Chart as its scope, e.g. new RedisEnterpriseCluster(new Chart(app, "redis"), "rec", {...})');
  }
}

const CLUSTER_MARKER = Symbol.for('cdk8s-redis-enterprise.RedisEnterpriseCluster');

/**
 * A Redis Enterprise cluster: the StatefulSet of its nodes (each pod running
 * Redis Enterprise and the reconciler sidecar), its Services, RBAC,
 * PodDisruptionBudget and the desired-state ConfigMap the reconciler follows.
 *
 * Names and labels follow the official operator. Secrets are referenced by
 * name and never emitted. Every prop is checked before synthesis; all problems
 * are reported at once, each with a rule code (see the README).
 */
export class RedisEnterpriseCluster extends Construct {
  /** True for any RedisEnterpriseCluster, across copies of this library in node_modules. */
  public static isRedisEnterpriseCluster(x: unknown): x is RedisEnterpriseCluster {
    return typeof x === 'object' && x !== null && CLUSTER_MARKER in x;
  }

  /** The cluster name (`<rec>`). */
  public readonly name: string;
  /** The namespace of every object of the cluster. */
  public readonly namespace: string;
  /** Number of Redis Enterprise nodes. */
  public readonly nodes: number;
  /** Name of the admin credentials Secret. */
  public readonly credentialsSecretName: string;
  /** Redis Enterprise cluster FQDN: `<rec>.<namespace>.svc.cluster.local`. */
  public readonly fqdn: string;
  /** @internal */
  public readonly _spec: ClusterSpec;
  private readonly contributors: DesiredStateContributor[] = [];

  constructor(scope: Construct, id: string, props: RedisEnterpriseClusterProps = {}) {
    super(scope, id);
    Object.defineProperty(this, CLUSTER_MARKER, { value: true });
    const namespace = props.namespace ?? chartOf(this, id).namespace ?? '';
    this._spec = resolveClusterSpec(props, props.name ?? id, namespace);
    this.name = this._spec.name;
    this.namespace = this._spec.namespace;
    this.nodes = this._spec.nodes;
    this.credentialsSecretName = this._spec.credentialsSecretName;
    this.fqdn = `${this.name}.${this.namespace}.svc.cluster.local`;

    addReconcilerRbac(this, this._spec);
    addNodeReaderIfNeeded(this, this._spec);
    addNodeStatefulSet(this, this._spec);
    addClusterServices(this, this._spec);
    addDisruptionBudget(this, this._spec);
    addDesiredStateConfigMap(this, this._spec, this.contributors);

    addFindingsValidation(this, 'the cluster props', () => [
      ...validateClusterSpec(this._spec, props.name !== undefined),
      ...this.validateOnePerNamespace(),
    ]);
  }

  /** The desired-state document as it will be synthesized. */
  public desiredState(): DesiredState {
    return buildDesiredState(this._spec, this.contributors);
  }

  /**
   * Lets a construct attached to this cluster (a database, an Active-Active
   * participation, external access) add its part to the desired state.
   * @internal
   */
  public _addDesiredStateContributor(contributor: DesiredStateContributor): void {
    this.contributors.push(contributor);
  }

  private validateOnePerNamespace() {
    const others = this.node.root.node.findAll()
      .filter((c: IConstruct) => c !== this && RedisEnterpriseCluster.isRedisEnterpriseCluster(c))
      .map((c) => c as RedisEnterpriseCluster)
      .filter((c) => c.namespace === this.namespace);
    if (others.length === 0) return [];
    return [error('REC008', 'namespace',
      `namespace "${this.namespace}" already has Redis Enterprise cluster(s) at ${others.map((o) => o.node.path).join(', ')}; ` +
      'one cluster per namespace, as with the operator (Services, Secrets and the reconciler\'s RBAC are namespace-wide)',
      'put each cluster in its own namespace')];
  }
}
