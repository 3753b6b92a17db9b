import { Finding, FindingSeverity } from './finding';

/** One validation rule: what it requires and the usual way to satisfy it. */
export interface RuleDefinition {
  readonly severity: FindingSeverity;
  /** What the rule requires, in one line (README "Validation rules"). */
  readonly summary: string;
  /** The usual fix; a finding states a more precise one where it knows more. */
  readonly fix: string;
}

const ERROR = FindingSeverity.ERROR;
const WARNING = FindingSeverity.WARNING;

/**
 * Every rule code the constructs report, the one catalogue: findings take
 * their severity (and, where they give none, their fix) from it, the README
 * table is generated from it (`npm run docs:rules`), and
 * test/unit/validation/rule-coverage.test.ts triggers each code with a declaration.
 * Codes are stable: a retired code is never reused.
 */
export const RULES = {
  // RedisEnterpriseCluster
  REC001: { severity: ERROR, summary: '`nodes` is odd, at least 3, at most 99', fix: 'set nodes to 3, 5, 7...' },
  REC002: { severity: ERROR, summary: 'persistence cannot be turned off', fix: 'remove persistence.enabled or set it to true' },
  REC003: {
    severity: ERROR,
    summary: 'no node-local StorageClass (`local-path`, `local-storage`, `openebs-hostpath`, `hostpath`, …) without a stated reason',
    fix: 'use a network-attached block StorageClass, or state why node-local storage is acceptable in persistence.nodeLocalStorageReason',
  },
  REC004: { severity: ERROR, summary: 'volume at least 5 × node memory, unless a reason is stated', fix: 'raise persistence.volumeSize, or state why a smaller volume is acceptable in persistence.undersizedVolumeReason' },
  REC005: { severity: ERROR, summary: 'every derived name is a valid DNS label within its length limit', fix: 'choose a shorter lowercase name such as "rec" or "redis-prod"' },
  REC006: { severity: ERROR, summary: 'CPU, memory and volume sizes parse as Kubernetes quantities (whole bytes for volumes)', fix: 'write CPU as "2" or "500m", memory and sizes as "4Gi"' },
  REC007: { severity: WARNING, summary: 'requests differ from limits (the pod loses Guaranteed QoS)', fix: 'set requests equal to limits' },
  REC008: {
    severity: ERROR,
    summary: 'one cluster per namespace in an app',
    fix: 'put each cluster in its own namespace; if they are applied to different Kubernetes clusters, set a different kubernetesClusterName on each',
  },
  REC009: {
    severity: ERROR,
    summary: 'rack awareness label is a non-empty label key; `rackIdFromNodeApi: false` only for the zone/region labels (the others are never on pods)',
    fix: 'set a label every eligible node has, e.g. topology.kubernetes.io/zone, or leave it out',
  },
  REC010: { severity: ERROR, summary: 'a namespace is set and valid', fix: 'set namespace on the cluster or on its Chart' },
  REC011: { severity: ERROR, summary: 'Secret names are valid; admin username is not empty', fix: 'use lowercase letters, digits, \'-\' and \'.\'' },
  REC012: { severity: ERROR, summary: 'label/annotation keys and values are valid; `extraLabels` cannot override the library\'s labels', fix: 'use keys like "team" or "example.com/team" and valid label values' },
  REC013: { severity: ERROR, summary: 'anti-affinity topology keys are valid and not duplicated', fix: 'use node label keys such as topology.kubernetes.io/zone, each once' },
  REC014: { severity: ERROR, summary: 'termination grace period is a non-negative whole number', fix: 'leave it out for the one-year default' },
  REC016: { severity: ERROR, summary: 'extra volumes/containers do not reuse the library\'s names; mounts refer to declared volumes', fix: 'rename the volume or container, or declare the mounted volume in extraVolumes' },
  REC017: { severity: ERROR, summary: 'props have the right types (for JavaScript callers)', fix: 'give the prop the documented type or leave it out' },
  REC018: { severity: ERROR, summary: 'certificate Secret names are valid', fix: 'name the Secret holding tls.crt and tls.key' },
  REC019: { severity: ERROR, summary: 'LDAP settings are complete and encrypted', fix: 'complete the ldap settings and use LdapProtocol.LDAPS or STARTTLS' },
  REC020: { severity: ERROR, summary: 'Auto Tiering storage class and flash size are valid', fix: 'name the flash StorageClass and write the size such as 100Gi' },
  REC021: {
    severity: WARNING,
    summary: 'with rack awareness, `nodes` spread over `minimumRacks` racks put a majority in one rack (Redis Enterprise: avoid placing the majority of nodes in one zone)',
    fix: 'spread the nodes over at least 3 racks (minimumRacks: 3, the default, with nodes labelled in 3 zones)',
  },
  REC022: { severity: ERROR, summary: '`kubernetesVersion` is written "1.<minor>" and within 1.30–1.36', fix: 'write the oldest minor your clusters run, e.g. "1.30", or leave it out' },
  REC023: { severity: ERROR, summary: '`minimumRacks` is a whole number of at least 1, and needs rack awareness', fix: 'leave it out for the default of 3, or set rackAwarenessNodeLabel' },
  REC024: {
    severity: WARNING,
    summary: '`rackIdFromNodeApi: false` below `kubernetesVersion` 1.35 needs the PodTopologyLabelsAdmission feature gate (alpha in 1.33)',
    fix: 'remove rackIdFromNodeApi: false, or set kubernetesVersion to 1.35 or newer once every cluster runs it',
  },
  REC029: { severity: ERROR, summary: '`recoveryGeneration` is a whole number of at least 0', fix: 'raise it by one (e.g. from 0 to 1) to retry a failed quorum recovery, or leave it out' },
  REC030: { severity: ERROR, summary: 'the cluster FQDN `<rec>.<namespace>.svc.cluster.local` (the bootstrap cluster name) is at most 64 characters', fix: 'shorten the cluster name or the namespace' },

  // RedisEnterpriseDatabase (and the settings Active-Active databases share)
  REDB001: { severity: ERROR, summary: 'database name is a lowercase DNS label of at most 54 characters', fix: 'choose a name such as "orders" or "session-cache"' },
  REDB002: { severity: ERROR, summary: 'database names are unique in a cluster', fix: 'give each database in the cluster its own name' },
  REDB003: { severity: ERROR, summary: 'memory size parses and is at least 100MB', fix: 'write it as 100MB, 1GB or 512Mi, at least 100MB' },
  REDB004: { severity: ERROR, summary: 'the databases fit the cluster\'s memory (× 2 with replication)', fix: 'add nodes, give the nodes more memory (nodeResources), or shrink the databases' },
  REDB005: { severity: ERROR, summary: '1–512 shards', fix: 'set shardCount between 1 and 512' },
  REDB006: { severity: ERROR, summary: 'ports within 10000–19999 and unique in the cluster', fix: 'choose a free port between 10000 and 19999, or leave it out to derive one' },
  REDB007: { severity: ERROR, summary: 'replication needs at least 2 nodes', fix: 'add nodes or turn replication off' },
  REDB008: { severity: ERROR, summary: 'TLS is consistent with client certificates and external access', fix: 'set tlsMode to TlsMode.ENABLED' },
  REDB009: { severity: ERROR, summary: 'backups have a location, credentials and a supported interval', fix: 'set the location, the credentials Secret and an interval of 1, 4, 12 or 24 hours' },
  REDB010: { severity: ERROR, summary: 'memcached databases have no modules and no OSS cluster API', fix: 'remove modules and ossCluster, or use DatabaseType.REDIS' },
  REDB011: { severity: ERROR, summary: 'Secret names are valid', fix: 'use lowercase letters, digits, \'-\' and \'.\'' },
  REDB012: { severity: ERROR, summary: 'modules, role permissions and alert settings are complete', fix: 'name every module, give each role permission a role and an ACL, use bdb_ alert names' },
  REDB013: {
    severity: ERROR,
    summary: 'a database asking for external access is in a cluster that has it',
    fix: 'configure externalAccess on the cluster, or remove externalAccess from the database',
  },
  REDB014: { severity: ERROR, summary: 'database Services do not collide with the cluster\'s or another database\'s', fix: 'rename the database' },
  REDB015: { severity: ERROR, summary: 'settings have the right types and enum values', fix: 'use the documented type or one of the enum\'s values' },
  REDB016: {
    severity: ERROR,
    summary: 'the OSS cluster API does not use the `single` proxy policy',
    fix: 'leave proxyPolicy out (ALL_MASTER_SHARDS is the default with ossCluster) or set ALL_MASTER_SHARDS / ALL_NODES',
  },
  REDB017: { severity: ERROR, summary: 'an exposed database\'s hostname `<db><dbFqdnSuffix>` is a valid DNS name', fix: 'shorten the database name or the cluster\'s dbFqdnSuffix' },
  REDB018: {
    severity: ERROR,
    summary: 'modules are ones Redis Software 8 bundles (`search`, `ReJSON`, `timeseries`, `bf`: the NAME, not the display name), each listed once',
    fix: 'use one of search, ReJSON, timeseries, bf, each once, or leave modules out (Redis 8 enables them all)',
  },
  REDB019: {
    severity: ERROR,
    summary: 'the databases (× 2 with replication) take at most 80% of the nodes\' memory: the rest is Redis Enterprise\'s own (cluster manager, proxies, forks, replication backlogs)',
    fix: 'add nodes, give the nodes more memory (nodeResources), or shrink the databases',
  },
  REDB020: {
    severity: ERROR,
    summary: 'a database is declared in the same Chart as its cluster (each Chart goes to one Kubernetes cluster)',
    fix: 'declare the database in its cluster\'s Chart',
  },
  REDB030: { severity: ERROR, summary: 'the port is not one Redis Software reserves (10050, Zabbix)', fix: 'choose another port, or leave it out to derive one' },
  REDB031: {
    severity: ERROR,
    summary: '`redisVersion` is written major.minor and is a Redis database version Redis Software bundles (6.0 to 8.6)',
    fix: 'write it as "7.4", "8.0", "8.2"..., or leave it out for the cluster\'s default',
  },
  REDB032: {
    severity: ERROR,
    summary: '`redisVersion` is one the cluster\'s Redis Software release (from its image tag) bundles',
    fix: 'choose a version the release bundles, or upgrade the cluster\'s image first',
  },
  REDB033: { severity: ERROR, summary: 'memcached databases have no `redisVersion`', fix: 'remove redisVersion, or use DatabaseType.REDIS' },

  // RedisEnterpriseActiveActiveDatabase
  REAADB001: {
    severity: ERROR,
    summary: 'Active-Active: at least two participating clusters',
    fix: 'list a RedisEnterpriseRemoteCluster for every Kubernetes cluster the database lives in',
  },
  REAADB002: { severity: ERROR, summary: 'Active-Active: every participant\'s cluster has external access', fix: 'configure externalAccess on that cluster' },
  REAADB003: { severity: ERROR, summary: 'Active-Active: database names are unique in the app', fix: 'give each Active-Active database its own name' },
  REAADB004: { severity: ERROR, summary: 'Active-Active: replication is encrypted (replicationTls, tlsMode not disabled)', fix: 'remove replicationTls and leave tlsMode out (replica_ssl)' },
  REAADB005: { severity: ERROR, summary: 'Active-Active: participants are distinct clusters with distinct names', fix: 'list each cluster once, under its own name' },
  REAADB007: { severity: ERROR, summary: 'Active-Active: Redis databases only (no memcached)', fix: 'use DatabaseType.REDIS' },
  REAADB008: { severity: ERROR, summary: 'Active-Active: database name is a lowercase DNS label of at most 54 characters', fix: 'choose a name such as "orders" or "session-cache"' },

  // RedisEnterpriseRemoteCluster
  RERC001: { severity: ERROR, summary: 'remote cluster: valid name, API port and Secret name', fix: 'use a DNS label name, a port 1-65535 and a valid Secret name' },
  RERC002: { severity: ERROR, summary: 'remote cluster: its cluster has external access', fix: 'configure externalAccess (ingress, istio or openShiftRoute) on the cluster' },

  // externalAccess
  RENET001: { severity: ERROR, summary: 'external access: `apiFqdn` is a valid external hostname', fix: 'use a lowercase DNS name such as api.rec.example.com' },
  RENET002: { severity: ERROR, summary: 'external access: `dbFqdnSuffix` starts with `.` or `-` and gives valid hostnames', fix: 'use a suffix such as .db.example.com' },
  RENET003: { severity: ERROR, summary: 'external access: Istio needs a `dbFqdnSuffix` starting with `.`', fix: 'use a suffix starting with \'.\', with a wildcard DNS record for it' },
  RENET004: { severity: ERROR, summary: 'external access: options match the method', fix: 'remove the option, or set the method it belongs to' },
  RENET005: { severity: ERROR, summary: 'external access: annotation keys and values are valid', fix: 'use valid annotation keys and string values' },
  RENET006: { severity: ERROR, summary: 'external access: annotations do not override the passthrough ones', fix: 'remove the annotation; the library sets it on every Ingress' },
  RENET007: { severity: ERROR, summary: 'external access: known method and ingress controller', fix: 'use ExternalAccessMethod and IngressController values' },
  RENET008: { severity: ERROR, summary: 'external access: `ingressClassName` is a valid name', fix: 'use the name of an IngressClass in the cluster (kubectl get ingressclass), or leave it out for the controller\'s name' },
  RENET009: { severity: ERROR, summary: 'external access: the Istio gateway selector is non-empty and valid', fix: 'give the labels of your ingress gateway pods, or leave the prop out' },
  RENET010: { severity: WARNING, summary: 'external access: the API host is not also a database\'s host', fix: 'choose an apiFqdn outside the database suffix' },

  // monitoring
  REMON001: { severity: ERROR, summary: 'monitoring: `scrapeInterval` is a positive Prometheus duration', fix: 'write a duration such as "30s" or "1m" (units y, w, d, h, m, s, ms, largest first)' },
  REMON002: { severity: ERROR, summary: 'monitoring: `scrapeTimeout` is a duration within the interval', fix: 'set scrapeTimeout to at most scrapeInterval, or leave it out' },
  REMON003: { severity: ERROR, summary: 'monitoring: extra labels are valid and do not override the library\'s', fix: 'use valid label keys and values the library does not set' },
  REMON004: { severity: ERROR, summary: 'monitoring: TLS verification settings are valid and complete', fix: 'set tlsCaSecretName together with tlsServerName' },
  REMON005: { severity: WARNING, summary: 'monitoring: settings that have no effect', fix: 'enable what the setting belongs to, or remove it' },
  REMON006: { severity: ERROR, summary: 'monitoring: props have the right types', fix: 'use an object of the documented types' },

  // GitOps: unsafe changes since the last rendered manifests (UnsafeChangeGuard; acknowledge `<code>` or `<code>:<Kind>/<name>`)
  REGIT001: {
    severity: ERROR,
    summary: 'GitOps: no immutable StatefulSet field changes (volumeClaimTemplates other than a larger storage request, selector, serviceName, podManagementPolicy); Kubernetes refuses it',
    fix: 'revert the change, or delete the StatefulSet with --cascade=orphan before the sync and acknowledge the finding',
  },
  REGIT002: { severity: ERROR, summary: 'GitOps: a claim template\'s storage request never shrinks', fix: 'keep persistence.volumeSize at its current value (set it explicitly when it was derived from the node memory)' },
  REGIT003: { severity: ERROR, summary: 'GitOps: a scale-in keeps at least 3 nodes and room for the databases\' memory (replicas counted); the nodes then leave one at a time by themselves', fix: 'keep enough nodes for the databases, or make them smaller first' },
  REGIT004: { severity: ERROR, summary: 'GitOps: a changed node count stays odd (an even count loses quorum with half the nodes)', fix: 'use an odd number of nodes' },
  REGIT005: { severity: ERROR, summary: 'GitOps: a database keeps its port', fix: 'keep the port, or create a new database on the new port and move clients' },
  REGIT006: { severity: ERROR, summary: 'GitOps: a database with deletion policy retain is not removed (it would stay in the cluster, unmanaged)', fix: 'keep the database, or set deletionPolicy: DeletionPolicy.DELETE and sync before removing it' },
  REGIT007: { severity: ERROR, summary: 'GitOps: a LoadBalancer Service keeps its type (its external address would be released)', fix: 'keep the LoadBalancer type' },
  REGIT008: { severity: ERROR, summary: 'GitOps: a cluster\'s StatefulSet is not removed', fix: 'keep the cluster, or acknowledge REGIT008 to remove it deliberately' },
  REGIT009: {
    severity: ERROR,
    summary: 'GitOps: no volume growth on a cluster with Auto Tiering (Redis documents PVC expansion as unsupported with it, RED-165770)',
    fix: 'keep persistence.volumeSize and autoTiering.flashDiskSize, or acknowledge REGIT009 to let the reconciler expand the claims anyway',
  },
  REGIT010: {
    severity: ERROR,
    summary: 'GitOps: a database\'s `redisVersion` never goes down (Redis Software upgrades databases, it does not downgrade them)',
    fix: 'keep redisVersion at its current value; to go back, restore a backup into a new database',
  },

  // RedisEnterpriseArgoCdApplication
  REGIT101: { severity: ERROR, summary: 'Argo CD Application: the name is a DNS label', fix: 'use lower-case letters, digits and hyphens, at most 63 characters' },
  REGIT102: { severity: ERROR, summary: 'Argo CD Application: exactly one of `server` and `destinationName`', fix: 'give the destination cluster\'s API URL (server) or its Argo CD name (destinationName)' },
  REGIT103: { severity: ERROR, summary: 'Argo CD Application: `repoUrl` is a git repository URL', fix: 'use an https://, ssh://, git@ or file:// URL' },
  REGIT104: {
    severity: ERROR,
    summary: 'Argo CD Application: `path` is a folder inside the repository (relative, no `..`)',
    fix: 'give the rendered folder relative to the repository root, e.g. examples/manifests/production-cluster',
  },

  // Every construct, for JavaScript callers TypeScript does not stop
  REPROP001: {
    severity: ERROR,
    summary: 'every construct: the props are an object (JavaScript callers can pass `null`, a string, a list)',
    fix: 'pass an object of props, e.g. new RedisEnterpriseCluster(chart, "rec", { ... })',
  },
  REPROP002: {
    severity: ERROR,
    summary: 'every construct: no unknown props, nested ones included (`replicas`, `storageClass`); the finding says "did you mean" the closest prop',
    fix: 'rename the prop to the documented one, or remove it',
  },
  REPROP003: {
    severity: ERROR,
    summary: 'every construct is created inside a cdk8s Chart (a `namespace` prop does not replace one)',
    fix: 'create it under a Chart, e.g. new Chart(app, "redis", { namespace: "redis" })',
  },
  REPROP004: {
    severity: ERROR,
    summary: '`cluster` is a `RedisEnterpriseCluster` and `participants` a list of `RedisEnterpriseRemoteCluster`',
    fix: 'pass the construct declared in this app that the prop names',
  },
} as const satisfies { readonly [code: string]: RuleDefinition };

export type RuleCode = keyof typeof RULES;

/** A finding of rule `code`, with the rule's severity, and its usual fix unless a more precise one is given. */
export function finding(code: RuleCode, field: string, message: string, fix: string = RULES[code].fix): Finding {
  return { code, severity: RULES[code].severity, field, message, fix };
}
