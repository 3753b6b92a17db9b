import { Construct } from 'constructs';
import { AppRegistry } from '../validation/app-registry';
import { finding } from '../validation/rules';
import { checkConstructProps } from '../validation/props-shape';
import { addFindingsValidation } from '../validation/register';
import { CLUSTER_PROPS_SHAPE } from './cluster-prop-keys';
import { RedisEnterpriseClusterProps } from './cluster-props';
import { ClusterSpec, resolveClusterSpec } from './cluster-spec';
import { validateClusterSpec } from './cluster-validation';
import { AttachedDatabase } from './attached-database';
import { addDesiredStateConfigMap, buildDesiredState } from './desired-state-config-map';
import { addDisruptionBudget } from './disruption-budget';
import { addNodeReaderIfNeeded } from './rack-awareness';
import { addReconcilerRbac } from './rbac';
import { addClusterServices } from './services';
import { addNodeStatefulSet } from './statefulset';
import { DesiredState } from '../contract/desired-state';
import { referencedSecretNames } from '../contract/secret-names';
import { nodeSelectorLabels } from '../contract/labels';
import { addNodeNetworkPolicy } from '../networking/network-policy';
import { addMonitoring, validateMonitoring } from '../monitoring';
import {
  addEndpointExposure, addExternalAccessGateway, databaseHost, ExposureContext, istioGatewayName, validateExternalAccess,
} from '../networking';
import { clusterObjectLabels } from './metadata';
import { REST_API_PORT } from '../contract/ports';
import { validateSecuritySettings } from './security-validation';

/** Name of the object (Ingress, VirtualService or Route) that exposes the cluster's REST API. */
const apiExposureName = (clusterName: string) => `${clusterName}-api`;

const CLUSTER_MARKER = Symbol.for('cdk8s-redis-enterprise.RedisEnterpriseCluster');
/** Clusters that may not share a namespace: same Kubernetes cluster, same namespace. */
const clusters = new AppRegistry<RedisEnterpriseCluster>((c) => JSON.stringify([c.kubernetesClusterName ?? null, c.namespace]));

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
  /** The Kubernetes cluster these manifests go to, when declared. */
  public readonly kubernetesClusterName?: string;
  /** Name of the admin credentials Secret. */
  public readonly credentialsSecretName: string;
  /** Redis Enterprise cluster FQDN: `<rec>.<namespace>.svc.cluster.local`. */
  public readonly fqdn: string;
  /** @internal */
  public readonly _spec: ClusterSpec;
  private readonly databases: AttachedDatabase[] = [];

  constructor(scope: Construct, id: string, props: RedisEnterpriseClusterProps = {}) {
    super(scope, id);
    Object.defineProperty(this, CLUSTER_MARKER, { value: true });
    const checked = checkConstructProps(this, 'RedisEnterpriseCluster', props, CLUSTER_PROPS_SHAPE, true);
    props = checked.props;
    const namespace = props.namespace ?? checked.chart?.namespace ?? '';
    this._spec = resolveClusterSpec(props, props.name ?? id, namespace);
    this.name = this._spec.name;
    this.namespace = this._spec.namespace;
    this.nodes = this._spec.nodes;
    this.kubernetesClusterName = typeof props.kubernetesClusterName === 'string' ? props.kubernetesClusterName : undefined;
    clusters.register(this);
    this.credentialsSecretName = this._spec.credentialsSecretName;
    this.fqdn = `${this.name}.${this.namespace}.svc.cluster.local`;
    if (!checked.chart) return; // REPROP003: no Chart to create the objects in

    addReconcilerRbac(this, this._spec, () => referencedSecretNames(buildDesiredState(this._spec, this.databases)));
    addNodeReaderIfNeeded(this, this._spec);
    addNodeStatefulSet(this, this._spec);
    addClusterServices(this, this._spec);
    addDisruptionBudget(this, this._spec);
    addDesiredStateConfigMap(this, this._spec, this.databases);
    if (this._spec.networkPolicy) {
      addNodeNetworkPolicy(this, {
        name: this._spec.names.nodesService, namespace: this.namespace, labels: clusterObjectLabels(this._spec), podLabels: nodeSelectorLabels(this.name),
        props: this._spec.networkPolicy,
        databasePorts: () => {
          const state = buildDesiredState(this._spec, this.databases);
          return [...state.databases, ...state.activeActiveDatabases].map((d) => d.port);
        },
      });
    }
    const exposure = this.exposureContext();
    if (exposure) {
      addExternalAccessGateway(this, exposure);
      addEndpointExposure(this, 'ApiExposure', exposure, {
        name: apiExposureName(this.name), host: exposure.access.apiFqdn, serviceName: this._spec.names.cluster, servicePort: REST_API_PORT, servicePortName: 'api',
      });
    }
    if (this._spec.monitoring) {
      addMonitoring(this, {
        namespace: this.namespace, clusterName: this.name, labels: clusterObjectLabels(this._spec), metricsServiceName: this._spec.names.metricsService,
      }, this._spec.monitoring);
    }

    addFindingsValidation(this, 'the cluster props', () => [
      ...validateClusterSpec(this._spec, props.name !== undefined),
      ...this.validateOnePerNamespace(),
      ...(this._spec.externalAccess ? validateExternalAccess(this._spec.externalAccess, this.name) : []),
      ...(this._spec.monitoring ? validateMonitoring(this._spec.monitoring) : []),
      ...validateSecuritySettings(this._spec),
    ]);
  }

  /** True when the cluster is reachable from outside its Kubernetes cluster (needed for Active-Active). */
  public get hasExternalAccess(): boolean {
    return this._spec.externalAccess !== undefined;
  }

  /**
   * Attaches a database living in this cluster (a plain database or this
   * cluster's part of an Active-Active database): exposes it outside the
   * Kubernetes cluster when it asks to be, and adds it to the desired state.
   * The one way in for lib/database, whose checks across the databases of a
   * cluster read {@link _attachedDatabases}.
   * @internal
   */
  public _attachDatabase(db: AttachedDatabase): void {
    this.databases.push(db);
    const ctx = this.exposureContext();
    if (db.exposed && ctx) {
      // Without external access nothing is created; lib/database reports that (REDB013, REAADB002).
      addEndpointExposure(db.scope, 'Exposure', ctx, {
        name: db.name, host: databaseHost(ctx.access, db.name), serviceName: db.serviceName, servicePort: db.settings.port, servicePortName: 'redis',
      });
    }
  }

  /**
   * The databases attached so far, in attachment order.
   * @internal
   */
  public get _attachedDatabases(): readonly AttachedDatabase[] {
    return this.databases;
  }

  /**
   * External hostname of a database in this cluster, when external access is configured.
   * @internal
   */
  public _databaseHost(databaseName: string): string | undefined {
    return this._spec.externalAccess ? databaseHost(this._spec.externalAccess, databaseName) : undefined;
  }

  /**
   * Names of the Services and external access objects the cluster itself
   * creates; a database's objects must not take them.
   * @internal
   */
  public _objectNamesInUse(): string[] {
    const names = this._spec.names;
    const externalAccess = this._spec.externalAccess ? [apiExposureName(this.name), istioGatewayName(this.name)] : [];
    return [names.cluster, names.uiService, names.metricsService, names.nodesService, ...externalAccess];
  }

  private exposureContext(): ExposureContext | undefined {
    const access = this._spec.externalAccess;
    return access && { namespace: this.namespace, clusterName: this.name, labels: clusterObjectLabels(this._spec), access };
  }

  /** The desired-state document as it will be synthesized. */
  public desiredState(): DesiredState {
    return buildDesiredState(this._spec, this.databases);
  }

  private validateOnePerNamespace() {
    const others = clusters.othersLike(this);
    if (others.length === 0) return [];
    return [finding('REC008', 'namespace',
      `namespace "${this.namespace}"${this.kubernetesClusterName ? ` of Kubernetes cluster "${this.kubernetesClusterName}"` : ''} already has Redis Enterprise cluster(s) at ${others.map((o) => o.node.path).join(', ')}; ` +
      'one cluster per namespace, as with the operator (Services, Secrets and the reconciler\'s RBAC are namespace-wide)')];
  }
}
