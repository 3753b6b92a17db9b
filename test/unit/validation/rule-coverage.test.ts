import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import {
  BackupStorage, DatabaseType, ExternalAccessMethod, ExternalAccessProps, LdapProtocol, ProxyPolicy, RedisEnterpriseActiveActiveDatabase,
  RedisEnterpriseActiveActiveDatabaseProps, RedisEnterpriseArgoCdApplication, RedisEnterpriseArgoCdApplicationProps, RedisEnterpriseCluster,
  RedisEnterpriseClusterProps, RedisEnterpriseDatabase, RedisEnterpriseDatabaseProps, RedisEnterpriseRemoteCluster,
  RedisEnterpriseRemoteClusterProps, ServiceType, TlsMode, UnsafeChangeGuard,
} from '../../../lib';
import { setWarningSink } from '../../../lib/validation/register';
import { RuleCode, RULES } from '../../../lib/validation/rules';
import { testChart } from '../../support/synth';

/**
 * Every rule of the catalogue, triggered by a declaration: the table is typed
 * by RuleCode, so a rule added to lib/validation/rules.ts without a
 * triggering declaration here does not compile (and the first test names it).
 * Each declaration is synthesized as a whole app and must report its code
 * with the catalogue's severity. The GitOps rules (REGIT001-010) compare two
 * declarations: the first is rendered to a folder, as the committed manifests
 * would be, and the second is synthesized with an UnsafeChangeGuard reading it.
 */
type Build = (app: App) => void;

/** Code and severity of every finding the app reports, errors and warnings alike. */
function reportedFindings(build: Build): string[] {
  const app = new App();
  const lines: string[] = [];
  const previous = setWarningSink((line) => lines.push(line));
  try {
    build(app);
    app.synthYaml();
  } catch (e) {
    const message = (e as Error).message;
    if (!(e instanceof Error) || !message.startsWith('Validation failed with the following errors:')) {
      throw new Error(`expected findings, got ${(e as Error).name}: ${message}`);
    }
    lines.push(...message.split('\n').slice(1));
  } finally {
    setWarningSink(previous);
  }
  return lines.map((l) => /(RE[A-Z]*\d{3}) (error|warning) in /.exec(l)).filter((m) => m !== null).map((m) => `${m![1]} ${m![2]}`);
}

const access = (name: string, more: Partial<ExternalAccessProps> = {}): ExternalAccessProps =>
  ({ method: ExternalAccessMethod.INGRESS, apiFqdn: `api.${name}.example.com`, dbFqdnSuffix: `.db.${name}.example.com`, ...more });

const cluster = (props: RedisEnterpriseClusterProps): Build => (app) => { new RedisEnterpriseCluster(testChart('redis', app), 'rec', props); };
const externalAccess = (more: Partial<ExternalAccessProps>): Build => cluster({ externalAccess: access('rec', more) });

type DbProps = Omit<RedisEnterpriseDatabaseProps, 'cluster'>;
const databases = (clusterProps: RedisEnterpriseClusterProps, ...dbs: DbProps[]): Build => (app) => {
  const chart = testChart('redis', app);
  const rec = new RedisEnterpriseCluster(chart, 'rec', clusterProps);
  dbs.forEach((props, i) => new RedisEnterpriseDatabase(chart, `db${i}`, { cluster: rec, ...props }));
};
const database = (props: DbProps): Build => databases({}, props);

type RemoteProps = Omit<RedisEnterpriseRemoteClusterProps, 'cluster'> & { externalAccess?: boolean };
type AaProps = Omit<RedisEnterpriseActiveActiveDatabaseProps, 'participants'>;
/** Active-Active databases over one participant per entry of `remotes`, each its own cluster and namespace. */
const activeActive = (remotes: RemoteProps[], ...aas: AaProps[]): Build => (app) => {
  const participants = remotes.map(({ externalAccess: exposed = true, ...props }, i) => {
    const chart = new Chart(app, `k8s${i}`, { namespace: `ns${i}` });
    const rec = new RedisEnterpriseCluster(chart, 'rec', exposed ? { externalAccess: access(`rec${i}`) } : {});
    return new RedisEnterpriseRemoteCluster(chart, 'remote', { cluster: rec, name: `p${i}`, ...props });
  });
  aas.forEach((props, i) => new RedisEnterpriseActiveActiveDatabase(app, `aa${i}`, { participants, ...props }));
};
const twoParticipants: RemoteProps[] = [{}, {}];

/** Folders of the first renders of `change` triggers; each guard reads its folder while the app synthesizes. */
let renderedRoot: string;
beforeAll(() => { renderedRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'rule-coverage-')); });
afterAll(() => fs.rmSync(renderedRoot, { recursive: true, force: true }));

/** `previous` rendered to a folder, then `next` declared with an UnsafeChangeGuard on each of its Charts reading that folder. */
const change = (previous: Build, next: Build): Build => (app) => {
  const dir = fs.mkdtempSync(path.join(renderedRoot, 'previous-'));
  const first = new App({ outdir: dir });
  previous(first);
  first.synth();
  next(app);
  for (const chart of app.node.children.filter(Chart.isChart)) new UnsafeChangeGuard(chart, 'unsafe-changes', { previousManifestsDir: dir });
};
const emptyChart: Build = (app) => { testChart('redis', app); };

const APPLICATION: RedisEnterpriseArgoCdApplicationProps = {
  name: 'redis', repoUrl: 'https://git.example.com/redis.git', path: 'manifests/redis', clusterName: 'rec', namespace: 'redis', server: 'https://kubernetes.example.com',
};
const application = (more: Partial<RedisEnterpriseArgoCdApplicationProps>): Build => (app) => {
  new RedisEnterpriseArgoCdApplication(new Chart(app, 'argocd'), 'app', { ...APPLICATION, ...more });
};

const LDAP = {
  protocol: LdapProtocol.LDAP, servers: [{ host: 'ldap.example.com' }], bindCredentialsSecretName: 'ldap-bind',
  authenticationQueryTemplate: 'cn=%u,dc=example,dc=com', authorizationAttribute: 'memberOf',
};

const TRIGGERS: { readonly [code in RuleCode]: Build } = {
  REC001: cluster({ nodes: 4 }),
  REC002: cluster({ persistence: { enabled: false } }),
  REC003: cluster({ persistence: { storageClassName: 'local-path' } }),
  REC004: cluster({ persistence: { volumeSize: '1Gi' } }),
  REC005: cluster({ name: 'Bad_Name' }),
  REC006: cluster({ nodeResources: { limits: { cpu: 'lots' } } }),
  REC007: cluster({ nodeResources: { requests: { cpu: '1' }, limits: { cpu: '2' } } }),
  REC008: (app) => {
    new RedisEnterpriseCluster(new Chart(app, 'one', { namespace: 'redis' }), 'rec-a');
    new RedisEnterpriseCluster(new Chart(app, 'two', { namespace: 'redis' }), 'rec-b');
  },
  REC009: cluster({ rackAwarenessNodeLabel: ' ' }),
  REC010: (app) => { new RedisEnterpriseCluster(new Chart(app, 'no-namespace'), 'rec'); },
  REC011: cluster({ licenseSecretName: 'Bad Name' }),
  REC012: cluster({ extraLabels: { 'bad key': 'x' } }),
  REC013: cluster({ antiAffinityAdditionalTopologyKeys: ['kubernetes.io/hostname'] }),
  REC014: cluster({ terminationGracePeriodSeconds: -1 }),
  REC016: cluster({ extraVolumeMounts: [{ name: 'undeclared', mountPath: '/x' }] }),
  REC017: cluster({ nodes: '3' as never }),
  REC018: cluster({ certificates: { apiCertificateSecretName: 'Bad Name' } }),
  REC019: cluster({ ldap: LDAP }),
  REC020: cluster({ autoTiering: { storageClassName: 'Bad Name' } }),
  REC021: cluster({ rackAwarenessNodeLabel: 'topology.kubernetes.io/zone', minimumRacks: 2 }),
  REC022: cluster({ kubernetesVersion: '1.29' }),
  REC023: cluster({ minimumRacks: 3 }),
  REC029: cluster({ recoveryGeneration: -1 }),
  REC024: cluster({ rackAwarenessNodeLabel: 'topology.kubernetes.io/zone', rackIdFromNodeApi: false }),
  REC030: (app) => { new RedisEnterpriseCluster(new Chart(app, 'long', { namespace: 'n'.repeat(40) }), 'rec', { name: 'redis-enterprise' }); },

  REDB001: database({ name: 'Orders' }),
  REDB002: databases({}, { name: 'orders' }, { name: 'orders' }),
  REDB003: database({ memorySize: '50MB' }),
  REDB004: database({ memorySize: '20GB' }),
  REDB005: database({ shardCount: 0 }),
  REDB006: database({ port: 6379 }),
  REDB007: databases({ nodes: 1 }, { replication: true }),
  REDB008: database({ clientCertificateSecretNames: ['client-ca'] }),
  REDB009: database({ backup: { storage: BackupStorage.S3, location: 'bucket' } }),
  REDB010: database({ type: DatabaseType.MEMCACHED, ossCluster: true }),
  REDB011: database({ passwordSecretName: 'My Password' }),
  REDB012: database({ modules: [{ name: '' }] }),
  REDB013: database({ externalAccess: true, tlsMode: TlsMode.ENABLED }),
  REDB014: database({ name: 'rec-ui' }),
  REDB015: database({ evictionPolicy: 'lru' as never }),
  REDB016: database({ ossCluster: true, proxyPolicy: ProxyPolicy.SINGLE }),
  REDB030: database({ port: 10050 }),
  REDB031: database({ redisVersion: '7' }),
  REDB032: databases({ image: 'redislabs/redis:7.22.2-21.43' }, { redisVersion: '8.0' }),
  REDB033: database({ type: DatabaseType.MEMCACHED, redisVersion: '7.4' }),
  REDB017: databases({ externalAccess: access('rec', { dbFqdnSuffix: `-${'x'.repeat(60)}.example.com` }) }, { externalAccess: true, tlsMode: TlsMode.ENABLED }),
  REDB018: database({ modules: [{ name: 'RediSearch' }] }),
  REDB019: database({ memorySize: '10GB' }), // 3 nodes × 4Gi: more than 80%, less than all of it
  REDB020: (app) => {
    const rec = new RedisEnterpriseCluster(testChart('redis', app), 'rec');
    new RedisEnterpriseDatabase(new Chart(app, 'elsewhere', { namespace: 'redis' }), 'db', { cluster: rec });
  },

  REAADB001: activeActive([{}], {}),
  REAADB002: activeActive([{}, { externalAccess: false }], {}),
  REAADB003: activeActive(twoParticipants, { name: 'carts' }, { name: 'carts' }),
  REAADB004: activeActive(twoParticipants, { replicationTls: false }),
  REAADB005: activeActive([{ name: 'same' }, { name: 'same' }], {}),
  REAADB007: activeActive(twoParticipants, { type: DatabaseType.MEMCACHED }),
  REAADB008: activeActive(twoParticipants, { name: 'Carts' }),

  RERC001: activeActive([{ apiPort: 0 }, {}], {}),
  RERC002: activeActive([{}, { externalAccess: false }], {}),

  RENET001: externalAccess({ apiFqdn: 'API.example.com' }),
  RENET002: externalAccess({ dbFqdnSuffix: 'db.example.com' }),
  RENET003: externalAccess({ method: ExternalAccessMethod.ISTIO, dbFqdnSuffix: '-db.example.com' }),
  RENET004: externalAccess({ istioGatewaySelector: { istio: 'ingressgateway' } }),
  RENET005: externalAccess({ annotations: { 'bad key': 'x' } }),
  RENET006: externalAccess({ annotations: { 'haproxy.org/ssl-passthrough': 'false' } }), // HAProxy is the default controller
  RENET007: externalAccess({ method: 'gateway' as never }),
  RENET008: externalAccess({ ingressClassName: 'Bad Name' }),
  RENET009: externalAccess({ method: ExternalAccessMethod.ISTIO, istioGatewaySelector: {} }),
  RENET010: externalAccess({ apiFqdn: 'api.db.rec.example.com' }),

  REMON001: cluster({ monitoring: { serviceMonitor: true, scrapeInterval: '30 s' } }),
  REMON002: cluster({ monitoring: { serviceMonitor: true, scrapeTimeout: '1m' } }),
  REMON003: cluster({ monitoring: { serviceMonitor: true, labels: { 'bad key': 'x' } } }),
  REMON004: cluster({ monitoring: { serviceMonitor: true, tlsCaSecretName: 'Bad Name', tlsServerName: 'rec-prom.redis.svc' } }),
  REMON005: cluster({ monitoring: {} }),
  REMON006: cluster({ monitoring: { serviceMonitor: 'yes' as never } }),

  REGIT001: change(cluster({ persistence: { storageClassName: 'gp3' } }), cluster({ persistence: { storageClassName: 'io2' } })),
  REGIT002: change(cluster({ persistence: { volumeSize: '40Gi' } }), cluster({ persistence: { volumeSize: '20Gi' } })),
  // 7GB × 2 (replication) fits 5 nodes × 4Gi, not 3 (REDB004 reports it too, in code).
  REGIT003: change(databases({ nodes: 5 }, { name: 'big', memorySize: '7GB', replication: true }), databases({ nodes: 3 }, { name: 'big', memorySize: '7GB', replication: true })),
  REGIT004: change(cluster({ nodes: 3 }), cluster({ nodes: 4 })), // REC001 refuses 4 as well; the guard still sees the render
  REGIT005: change(database({ name: 'orders', port: 12000 }), database({ name: 'orders', port: 12001 })),
  REGIT006: change(database({ name: 'orders' }), cluster({})), // deletionPolicy defaults to retain
  REGIT007: change(cluster({ uiServiceType: ServiceType.LOAD_BALANCER }), cluster({})),
  REGIT008: change(cluster({}), emptyChart),
  REGIT009: change(cluster({ autoTiering: { storageClassName: 'nvme', flashDiskSize: '40Gi' } }), cluster({ autoTiering: { storageClassName: 'nvme', flashDiskSize: '80Gi' } })),
  REGIT010: change(database({ name: 'orders', redisVersion: '8.0' }), database({ name: 'orders', redisVersion: '7.4' })),
  REGIT101: application({ name: 'Redis_Prod' }),
  REGIT102: application({ destinationName: 'in-cluster' }),
  REGIT103: application({ repoUrl: 'git.example.com/redis' }),
  REGIT104: application({ path: '../manifests' }),

  REPROP001: cluster('rec' as never),
  REPROP002: cluster({ replicas: 3 } as never),
  REPROP003: (app) => { new RedisEnterpriseCluster(app, 'rec', { namespace: 'redis' }); },
  REPROP004: (app) => { new RedisEnterpriseDatabase(testChart('redis', app), 'db', { cluster: 'rec' as never }); },
};

describe('rule coverage', () => {
  test('every catalogued rule has a triggering declaration, and nothing else does', () => {
    expect(Object.keys(TRIGGERS).sort()).toEqual(Object.keys(RULES).sort());
  });

  test.each(Object.keys(TRIGGERS) as RuleCode[])('%s is reported by its declaration, with its catalogued severity', (code) => {
    expect(reportedFindings(TRIGGERS[code])).toContain(`${code} ${RULES[code].severity}`);
  });
});
