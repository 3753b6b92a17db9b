import { Construct } from 'constructs';
import { AppRegistry } from '../validation/app-registry';
import { RedisEnterpriseCluster } from '../cluster/cluster';
import { databasePropsShape } from '../database/database-prop-keys';
import { DatabaseSettingsProps, DatabaseType, DeletionPolicy, TlsMode } from '../database/database-props';
import { validateDatabaseName } from '../database/database-name';
import { validateRedisVersion } from '../database/redis-version';
import { attachDatabase } from '../database/attach';
import { invalidExternalHost } from '../database/database-exposure';
import { databaseServiceNames } from '../database/database-services';
import { ResolvedSettings, resolveSettings, validateSettings } from '../database/database-settings';
import { DesiredActiveActiveDatabase } from '../contract/desired-state';
import { Finding } from '../validation/finding';
import { checkConstructProps, enclosingChart } from '../validation/props-shape';
import { finding } from '../validation/rules';
import { addFindingsValidation } from '../validation/register';
import { keysOf } from '../validation/unknown-props';
import { usableParticipants } from './participants';
import { RedisEnterpriseRemoteCluster } from './remote-cluster';

/** The same finding once (participants on one release give the same one). */
function uniqueFindings(findings: Finding[]): Finding[] {
  return [...new Map(findings.map((f) => [`${f.code} ${f.message}`, f])).values()];
}

const activeActiveDatabases = new AppRegistry<RedisEnterpriseActiveActiveDatabase>((db) => db.name);

/** Props of {@link RedisEnterpriseActiveActiveDatabase}: the global configuration, declared once. */
export interface RedisEnterpriseActiveActiveDatabaseProps extends DatabaseSettingsProps {
  /** The participating clusters, at least two. */
  readonly participants: RedisEnterpriseRemoteCluster[];
  /**
   * Database name, unique across all participating clusters.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Encrypt replication between the clusters. Cannot be turned off: the
   * replication endpoints cross networks you do not control.
   * @default true
   */
  readonly replicationTls?: boolean;
  /**
   * The Redis database version (`major.minor`) of every participating
   * cluster's instance, one each cluster's Redis Software release bundles.
   * Raising it upgrades all instances in place (`POST /v1/crdbs/{guid}/upgrade`,
   * sent by the participant that creates the database); lowering it is
   * refused (REGIT010 with the UnsafeChangeGuard).
   * @default - the clusters' default version at create, never upgraded
   */
  readonly redisVersion?: string;
}

/** Every prop of {@link RedisEnterpriseActiveActiveDatabaseProps}, for the unknown-prop check (REPROP002). */
const ACTIVE_ACTIVE_PROPS_SHAPE = databasePropsShape(
  keysOf<Omit<RedisEnterpriseActiveActiveDatabaseProps, keyof DatabaseSettingsProps>>({ participants: true, name: true, replicationTls: true, redisVersion: true }));

/**
 * An Active-Active (CRDB) database, written in several Kubernetes clusters at
 * once. Declared once; every participating cluster's chart receives the
 * database's Services, its replication endpoint exposed through that
 * cluster's external access, and desired-state entries for the database and
 * every participant. The reconciler of one participant creates the CRDB
 * through `/v1/crdbs`.
 *
 * Client TLS defaults to `replica_ssl` here (replication traffic is routed by
 * SNI through TLS passthrough); set tlsMode ENABLED for client TLS too.
 */
export class RedisEnterpriseActiveActiveDatabase extends Construct {
  public readonly name: string;
  public readonly port: number;
  public readonly participants: RedisEnterpriseRemoteCluster[];
  /** The declared Redis database version, when one is declared. */
  public readonly redisVersion?: string;
  private readonly settings: ResolvedSettings;

  constructor(scope: Construct, id: string, props: RedisEnterpriseActiveActiveDatabaseProps) {
    super(scope, id);
    props = checkConstructProps(this, 'RedisEnterpriseActiveActiveDatabase', props, ACTIVE_ACTIVE_PROPS_SHAPE).props;
    this.name = typeof props.name === 'string' ? props.name : id;
    activeActiveDatabases.register(this);
    const participants = usableParticipants(this, props.participants);
    this.participants = participants.usable;
    this.settings = resolveSettings({ tlsMode: TlsMode.REPLICA_SSL, ...props }, this.name);
    this.port = this.settings.desired.port;
    const deletionPolicy = props.deletionPolicy ?? DeletionPolicy.RETAIN;
    const redisVersion: unknown = props.redisVersion;
    this.redisVersion = typeof redisVersion === 'string' ? redisVersion : undefined;

    for (const cluster of this.participatingClusters()) this.addToCluster(cluster, deletionPolicy);

    addFindingsValidation(this, 'the Active-Active database props', () => [
      ...validateDatabaseName(this.name, props.name !== undefined, 'REAADB008'),
      ...validateSettings(this.settings, Math.min(...this.participatingClusters().map((c) => c.nodes))),
      ...this.validateParticipants(props.replicationTls ?? true, participants.given),
      // Every participant's release must bundle it; one finding per distinct refusal.
      ...uniqueFindings(this.participatingClusters().flatMap((c) => validateRedisVersion(redisVersion, this.settings.desired.type, c._spec.image))),
    ]);
  }

  /** The participants' clusters that can receive objects (one outside a Chart is reported by that cluster, REPROP003). */
  private participatingClusters(): RedisEnterpriseCluster[] {
    return [...new Set(this.participants.map((p) => p.cluster))].filter((c) => enclosingChart(c) !== undefined);
  }

  /** What one participating cluster's chart and desired state receive. */
  private addToCluster(cluster: RedisEnterpriseCluster, deletionPolicy: string): void {
    // The objects live in the participant's chart (its Kubernetes cluster), not where the database was declared.
    const scope = new Construct(cluster, `ActiveActive-${this.node.addr}`);
    const names = databaseServiceNames(this.name);
    attachDatabase(cluster, {
      kind: 'active-active',
      name: this.name,
      path: this.node.path,
      scope,
      serviceName: names.service,
      headlessServiceName: names.headless,
      settings: this.settings.desired,
      portExplicit: this.settings.portExplicit,
      // The replication endpoint must be reachable from the other participants.
      exposed: true,
      desiredState: () => {
        const desired: DesiredActiveActiveDatabase = {
          name: this.name,
          ...this.settings.desired,
          participants: this.participants.map((p) => p.name).sort(),
          deletionPolicy,
          serviceName: names.service,
          headlessServiceName: names.headless,
          externalHostname: cluster._databaseHost(this.name) ?? '',
          ...(this.redisVersion !== undefined ? { redisVersion: this.redisVersion } : {}),
        };
        return { activeActiveDatabases: [desired], remoteClusters: this.participants.map((p) => p._desired(cluster)) };
      },
    });
  }

  private validateParticipants(replicationTls: boolean, given: number): Finding[] {
    const f: Finding[] = [];
    if (given < 2) {
      f.push(finding('REAADB001', 'participants', `an Active-Active database needs at least two participating clusters, got ${given}`));
    }
    for (const p of this.participants.filter((x) => !x.cluster.hasExternalAccess)) {
      f.push(finding('REAADB002', 'participants', `participant "${p.name}" (cluster ${p.cluster.node.path}) has no externalAccess, so the others cannot replicate to it`));
    }
    f.push(...this.validateDistinctParticipants(), ...this.validateGloballyUniqueName());
    if (replicationTls !== true) {
      f.push(finding('REAADB004', 'replicationTls', 'replication between clusters must be encrypted', 'remove replicationTls or set it to true'));
    }
    if (this.settings.desired.tlsMode === TlsMode.DISABLED) {
      f.push(finding('REAADB004', 'tlsMode', 'replication endpoints are routed by SNI through TLS passthrough, but tlsMode is disabled', 'leave tlsMode out (replica_ssl) or set TlsMode.ENABLED'));
    }
    for (const cluster of this.participatingClusters()) {
      const host = invalidExternalHost(cluster, this.name);
      if (host !== undefined) {
        f.push(finding('REDB017', 'name', `the replication hostname "${host}" in cluster ${cluster.node.path} is not a valid DNS name`,
          'shorten the database name or that cluster\'s dbFqdnSuffix'));
      }
    }
    if (this.settings.desired.type === DatabaseType.MEMCACHED) {
      f.push(finding('REAADB007', 'type', 'Active-Active databases are Redis databases; memcached is not supported'));
    }
    return f;
  }

  private validateDistinctParticipants(): Finding[] {
    const f: Finding[] = [];
    const seenClusters = new Map<RedisEnterpriseCluster, string>();
    const seenNames = new Set<string>();
    for (const p of this.participants) {
      const other = seenClusters.get(p.cluster);
      if (other !== undefined) {
        f.push(finding('REAADB005', 'participants', `participants "${other}" and "${p.name}" are the same cluster ${p.cluster.node.path}`, 'list each cluster once'));
      } else if (seenNames.has(p.name)) {
        f.push(finding('REAADB005', 'participants', `two participants are named "${p.name}"`, 'give each RedisEnterpriseRemoteCluster its own name'));
      }
      seenClusters.set(p.cluster, p.name);
      seenNames.add(p.name);
    }
    return f;
  }

  /** The name must be unique across all participating clusters and all Active-Active databases of the app. */
  private validateGloballyUniqueName(): Finding[] {
    const others = activeActiveDatabases.othersLike(this);
    if (others.length === 0) return [];
    return [finding('REAADB003', 'name', `Active-Active database name "${this.name}" is also used by ${others.map((o) => o.node.path).join(', ')}`)];
  }
}
