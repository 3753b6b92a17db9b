import { Construct } from 'constructs';
import { AppRegistry } from '../validation/app-registry';
import { error } from '../validation/finding';
import { checkConstructProps } from '../validation/props-shape';
import { addFindingsValidation } from '../validation/register';
import { CLUSTER_PROPS_SHAPE } from './cluster-prop-keys';
import { RedisEnterpriseClusterProps } from './cluster-props';
import { ClusterSpec, resolveClusterSpec } from './cluster-spec';
import { validateClusterSpec } from './cluster-validation';
import { addDesiredStateConfigMap, buildDesiredState, DesiredStateContributor } from './desired-state-config-map';
import { addDisruptionBudget } from './disruption-budget';
import { addNodeReaderIfNeeded } from './rack-awareness';
import { addReconcilerRbac } from './rbac';
import { addClusterServices } from './services';
import { addNodeStatefulSet } from './statefulset';
import { DesiredState } from '../contract/desired-state';
import { addMonitoring, validateMonitoring } from '../monitoring';
import {
  addEndpointExposure, addExternalAccessGateway, databaseHost, ExposureContext, isValidHost, istioGatewayName, validateExternalAccess,
} from '../networking';
import { Finding } from '../validation/finding';
import { clusterObjectLabels } from './metadata';
import { validateDatabasesInCluster, RegisteredDatabase } from './database-registry';
import { REST_API_PORT } from '../contract/ports';
import { validateSecuritySettings } from './security-validation';

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
  private readonly contributors: DesiredStateContributor[] = [];
  private readonly databases: RegisteredDatabase[] = [];

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

    addReconcilerRbac(this, this._spec);
    addNodeReaderIfNeeded(this, this._spec);
    addNodeStatefulSet(this, this._spec);
    addClusterServices(this, this._spec);
    addDisruptionBudget(this, this._spec);
    addDesiredStateConfigMap(this, this._spec, this.contributors);
    const exposure = this.exposureContext();
    if (exposure) {
      addExternalAccessGateway(this, exposure);
      addEndpointExposure(this, 'ApiExposure', exposure, {
        name: `${this.name}-api`, host: exposure.access.apiFqdn, serviceName: this._spec.names.cluster, servicePort: REST_API_PORT, servicePortName: 'api',
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
      ...validateDatabasesInCluster(this._spec, this.databases, this.externalAccessObjectNames()),
    ]);
  }

  /** True when the cluster is reachable from outside its Kubernetes cluster (needed for Active-Active). */
  public get hasExternalAccess(): boolean {
    return this._spec.externalAccess !== undefined;
  }

  /**
   * Registers a database living in this cluster, for the cluster-wide checks
   * (unique names and ports, memory).
   * @internal
   */
  public _registerDatabase(db: RegisteredDatabase): void {
    this.databases.push(db);
  }

  /**
   * External hostname of a database in this cluster, when external access is configured.
   * @internal
   */
  public _databaseHost(databaseName: string): string | undefined {
    return this._spec.externalAccess ? databaseHost(this._spec.externalAccess, databaseName) : undefined;
  }

  /**
   * Creates, under `scope`, the objects that expose a database outside the
   * Kubernetes cluster; nothing when the cluster has no external access
   * (reported by {@link _validateExposure}).
   * @internal
   */
  public _exposeDatabase(scope: Construct, databaseName: string, serviceName: string, port: number): void {
    const ctx = this.exposureContext();
    if (!ctx) return;
    addEndpointExposure(scope, 'Exposure', ctx, {
      name: databaseName, host: databaseHost(ctx.access, databaseName), serviceName, servicePort: port, servicePortName: 'redis',
    });
  }

  /**
   * Findings for a database that asks to be exposed: the cluster needs
   * external access, and the database TLS (passthrough routes by SNI).
   * @internal
   */
  public _validateExposure(tlsMode: string, databaseName: string): Finding[] {
    const findings: Finding[] = [];
    const host = this._databaseHost(databaseName);
    if (host !== undefined && !isValidHost(host)) {
      findings.push(error('REDB017', 'name', `the database's external hostname "${host}" is not a valid DNS name (each label at most 63 characters, 253 in all)`,
        'shorten the database name or the cluster\'s dbFqdnSuffix'));
    }
    if (!this.hasExternalAccess) {
      findings.push(error('REDB013', 'externalAccess', `the database asks for external access but cluster ${this.node.path} has no externalAccess`,
        'configure externalAccess on the cluster, or remove externalAccess from the database'));
    }
    if (tlsMode !== 'enabled') {
      findings.push(error('REDB008', 'tlsMode', `external access goes through TLS passthrough routed by SNI, but tlsMode is ${tlsMode}`, 'set tlsMode to TlsMode.ENABLED'));
    }
    return findings;
  }

  /** Names of the objects external access creates for the cluster itself; databases must not take them. */
  private externalAccessObjectNames(): string[] {
    return this._spec.externalAccess ? [`${this.name}-api`, istioGatewayName(this.name)] : [];
  }

  private exposureContext(): ExposureContext | undefined {
    const access = this._spec.externalAccess;
    return access && { namespace: this.namespace, clusterName: this.name, labels: clusterObjectLabels(this._spec), access };
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
    const others = clusters.othersLike(this);
    if (others.length === 0) return [];
    return [error('REC008', 'namespace',
      `namespace "${this.namespace}"${this.kubernetesClusterName ? ` of Kubernetes cluster "${this.kubernetesClusterName}"` : ''} already has Redis Enterprise cluster(s) at ${others.map((o) => o.node.path).join(', ')}; ` +
      'one cluster per namespace, as with the operator (Services, Secrets and the reconciler\'s RBAC are namespace-wide)',
      'put each cluster in its own namespace; if they are applied to different Kubernetes clusters, set a different kubernetesClusterName on each')];
  }
}
