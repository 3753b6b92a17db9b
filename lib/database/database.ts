import { Construct } from 'constructs';
import { RedisEnterpriseCluster } from '../cluster/cluster';
import { DesiredDatabase } from '../contract/desired-state';
import { checkConstructProps } from '../validation/props-shape';
import { finding } from '../validation/rules';
import { addFindingsValidation } from '../validation/register';
import { keysOf } from '../validation/unknown-props';
import { databasePropsShape } from './database-prop-keys';
import { placeDatabase } from './database-placement';
import { DatabaseSettingsProps, DeletionPolicy } from './database-props';
import { attachDatabase } from './attach';
import { validateExposure } from './database-exposure';
import { databaseServiceNames } from './database-services';
import { ResolvedSettings, resolveSettings, validateSettings } from './database-settings';
import { validateDatabaseName } from './database-name';
import { validateRedisVersion } from './redis-version';

/** Props of {@link RedisEnterpriseDatabase}. */
export interface RedisEnterpriseDatabaseProps extends DatabaseSettingsProps {
  /** The cluster the database lives in. */
  readonly cluster: RedisEnterpriseCluster;
  /**
   * Database name in Redis Enterprise, and the name of its Services.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Expose the database outside the Kubernetes cluster through the cluster's
   * `externalAccess` (TLS passthrough on 443, host `<name><dbFqdnSuffix>`).
   * Unlike the official operator, plain databases can be exposed too.
   * Requires tlsMode ENABLED.
   * @default false
   */
  readonly externalAccess?: boolean;
  /**
   * The Redis database version (`major.minor`, e.g. '7.4', '8.0', '8.2'),
   * one the cluster's Redis Software release bundles. Raising it upgrades the
   * database in place (`POST /v1/bdbs/{uid}/upgrade`, keeping its data, uid
   * and shard roles); lowering it is refused (REGIT010 with the
   * UnsafeChangeGuard). Not for memcached databases.
   * @default - the cluster's default version at create, never upgraded
   */
  readonly redisVersion?: string;
}

/** Every prop of {@link RedisEnterpriseDatabaseProps}, for the unknown-prop check (REPROP002). */
const DATABASE_PROPS_SHAPE = databasePropsShape(
  keysOf<Omit<RedisEnterpriseDatabaseProps, keyof DatabaseSettingsProps>>({ cluster: true, name: true, externalAccess: true, redisVersion: true }));

/**
 * A Redis Enterprise database in a {@link RedisEnterpriseCluster}. Emits the
 * database's Services and adds the database to the cluster's desired state;
 * the reconciler creates or updates it through the REST API.
 */
export class RedisEnterpriseDatabase extends Construct {
  public readonly name: string;
  public readonly cluster: RedisEnterpriseCluster;
  /** Port, fixed at synth time. */
  public readonly port: number;
  public readonly serviceName: string;
  public readonly headlessServiceName: string;
  public readonly passwordSecretName: string;
  /** External hostname, when exposed. */
  public readonly externalHostname?: string;
  /** The declared Redis database version, when one is declared. */
  public readonly redisVersion?: string;
  private readonly settings: ResolvedSettings;

  constructor(scope: Construct, id: string, props: RedisEnterpriseDatabaseProps) {
    super(scope, id);
    const checked = checkConstructProps(this, 'RedisEnterpriseDatabase', props, DATABASE_PROPS_SHAPE);
    props = checked.props;
    this.cluster = props.cluster;
    this.name = typeof props.name === 'string' ? props.name : id;
    this.settings = resolveSettings(props, this.name);
    this.port = this.settings.desired.port;
    const names = databaseServiceNames(this.name);
    this.serviceName = names.service;
    this.headlessServiceName = names.headless;
    this.passwordSecretName = this.settings.desired.passwordSecretName;
    const deletionPolicy = props.deletionPolicy ?? DeletionPolicy.RETAIN;
    const exposed = props.externalAccess === true;
    const redisVersion: unknown = props.redisVersion;
    this.redisVersion = typeof redisVersion === 'string' ? redisVersion : undefined;
    if (!placeDatabase(this, checked.chart, this.cluster)) return; // reported: nothing to attach to
    this.externalHostname = exposed ? this.cluster._databaseHost(this.name) : undefined;

    attachDatabase(this.cluster, {
      kind: 'database',
      name: this.name,
      path: this.node.path,
      scope: this,
      serviceName: this.serviceName,
      headlessServiceName: this.headlessServiceName,
      settings: this.settings.desired,
      portExplicit: this.settings.portExplicit,
      exposed,
      desiredState: () => ({ databases: [this.desired(deletionPolicy)] }),
    });

    addFindingsValidation(this, 'the database props', () => [
      ...validateDatabaseName(this.name, props.name !== undefined),
      ...validateSettings(this.settings, this.cluster.nodes),
      ...(Object.values(DeletionPolicy) as string[]).includes(deletionPolicy) ? [] : [finding('REDB015', 'deletionPolicy',
        `"${deletionPolicy}" is not a deletion policy`, 'use DeletionPolicy.RETAIN or DeletionPolicy.DELETE')],
      ...(exposed ? validateExposure(this.cluster, this.name, this.settings.desired.tlsMode) : []),
      ...validateRedisVersion(redisVersion, this.settings.desired.type, this.cluster._spec.image),
    ]);
  }

  private desired(deletionPolicy: string): DesiredDatabase {
    return {
      name: this.name,
      ...this.settings.desired,
      deletionPolicy,
      serviceName: this.serviceName,
      headlessServiceName: this.headlessServiceName,
      ...(this.externalHostname ? { externalHostname: this.externalHostname } : {}),
      ...(this.redisVersion !== undefined ? { redisVersion: this.redisVersion } : {}),
    };
  }
}
