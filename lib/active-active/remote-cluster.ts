import { Construct } from 'constructs';
import { RedisEnterpriseCluster } from '../cluster/cluster';
import { DesiredRemoteCluster } from '../contract/desired-state';
import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { isDnsLabel, isDnsSubdomain } from '../validation/names';
import { checkConstructProps, wrongReference } from '../validation/props-shape';
import { addFindingsValidation } from '../validation/register';
import { keysOf, PropsShape } from '../validation/unknown-props';

/** Props of {@link RedisEnterpriseRemoteCluster}. */
export interface RedisEnterpriseRemoteClusterProps {
  /** The participating cluster, declared in this app (usually in its own Chart, one per Kubernetes cluster). */
  readonly cluster: RedisEnterpriseCluster;
  /**
   * Participant name (the operator's RERC name), unique among participants.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Port of the cluster's REST API behind its ingress/route.
   * @default 443
   */
  readonly apiPort?: number;
  /**
   * Secret holding this cluster's admin `username`/`password`, which must
   * exist in EVERY participating namespace (copy it, e.g. with an
   * ExternalSecret from a shared vault): the other clusters' reconcilers use
   * it to create the Active-Active database. Referenced, never emitted.
   * @default 'redis-enterprise-<name>' (the operator's convention)
   */
  readonly credentialsSecretName?: string;
}

/** Every prop of {@link RedisEnterpriseRemoteClusterProps}, for the unknown-prop check (REPROP002). */
const REMOTE_CLUSTER_PROPS_SHAPE: PropsShape = {
  keys: keysOf<RedisEnterpriseRemoteClusterProps>({ cluster: true, name: true, apiPort: true, credentialsSecretName: true }),
};

/**
 * One Kubernetes cluster's Redis Enterprise cluster as an Active-Active
 * participant. Emits nothing itself: each participating cluster's desired
 * state gets an entry for every participant (`local: true` for itself).
 */
export class RedisEnterpriseRemoteCluster extends Construct {
  public readonly name: string;
  public readonly cluster: RedisEnterpriseCluster;
  public readonly apiPort: number;
  public readonly credentialsSecretName: string;

  constructor(scope: Construct, id: string, props: RedisEnterpriseRemoteClusterProps) {
    super(scope, id);
    props = checkConstructProps(this, 'RedisEnterpriseRemoteCluster', props, REMOTE_CLUSTER_PROPS_SHAPE).props;
    this.cluster = props.cluster;
    this.name = typeof props.name === 'string' ? props.name : id;
    this.apiPort = props.apiPort ?? 443;
    this.credentialsSecretName = props.credentialsSecretName ?? `redis-enterprise-${this.name}`;
    if (!RedisEnterpriseCluster.isRedisEnterpriseCluster(this.cluster)) {
      addFindingsValidation(this, 'the remote cluster\'s cluster', () => [wrongReference('cluster', this.cluster, 'a RedisEnterpriseCluster')]);
      return;
    }
    addFindingsValidation(this, 'the remote cluster props', () => this.validate(props.name !== undefined));
  }

  /**
   * True when this participant refers to a real cluster (otherwise reported
   * as REPROP004), so an Active-Active database can use it.
   * @internal
   */
  public get _isUsable(): boolean {
    return RedisEnterpriseCluster.isRedisEnterpriseCluster(this.cluster);
  }

  /**
   * The entry describing this participant in `forCluster`'s desired state.
   * @internal
   */
  public _desired(forCluster: RedisEnterpriseCluster): DesiredRemoteCluster {
    const access = this.cluster._spec.externalAccess;
    return {
      name: this.name,
      recName: this.cluster.name,
      recNamespace: this.cluster.namespace,
      apiFqdn: access?.apiFqdn ?? '',
      apiPort: this.apiPort,
      dbFqdnSuffix: access?.dbFqdnSuffix ?? '',
      credentialsSecretName: this.credentialsSecretName,
      local: forCluster === this.cluster,
    };
  }

  private validate(nameFromProps: boolean): Finding[] {
    const f: Finding[] = [];
    const field = nameFromProps ? 'name' : 'name (defaulted from the construct id)';
    if (!isDnsLabel(this.name)) {
      f.push(finding('RERC001', field, `participant name "${this.name}" is not a DNS label`, 'use lowercase letters, digits and \'-\''));
    }
    if (!Number.isInteger(this.apiPort) || this.apiPort < 1 || this.apiPort > 65535) {
      f.push(finding('RERC001', 'apiPort', `${this.apiPort} is not a TCP port`, 'use 1-65535 or leave it out for 443'));
    }
    if (!isDnsSubdomain(this.credentialsSecretName)) {
      f.push(finding('RERC001', 'credentialsSecretName', `"${this.credentialsSecretName}" is not a valid Secret name`, 'use lowercase letters, digits, \'-\' and \'.\''));
    }
    if (!this.cluster.hasExternalAccess) {
      f.push(finding('RERC002', 'cluster', `cluster ${this.cluster.node.path} has no externalAccess; other participants cannot reach its REST API and replication endpoints`));
    }
    return f;
  }
}
