/**
 * A cdk8s app as a user writes one, against the installed package: every
 * public construct, two Charts (one per Kubernetes cluster) sharing an
 * Active-Active database. Type-checked by ts-node when `cdk8s synth` runs it.
 */
import { App, Chart } from 'cdk8s';
import {
  DatabasePersistence, ExternalAccessMethod, IngressController, LdapProtocol, RedisEnterpriseActiveActiveDatabase,
  RedisEnterpriseCluster, RedisEnterpriseDatabase, RedisEnterpriseRemoteCluster, TlsMode,
} from 'cdk8s-redis-enterprise';

const app = new App();

const east = new Chart(app, 'us-east', { namespace: 'redis' });
const eastCluster = new RedisEnterpriseCluster(east, 'rec', {
  name: 'rec-east',
  kubernetesClusterName: 'us-east',
  rackAwarenessNodeLabel: 'topology.kubernetes.io/zone',
  nodeResources: { limits: { cpu: '2', memory: '4Gi' } },
  persistence: { storageClassName: 'premium-rwo' },
  licenseSecretName: 'redis-enterprise-license',
  externalAccess: {
    method: ExternalAccessMethod.INGRESS,
    ingressController: IngressController.HAPROXY,
    apiFqdn: 'api.rec-east.example.com',
    dbFqdnSuffix: '.db.rec-east.example.com',
  },
  monitoring: { serviceMonitor: true, prometheusRules: true, labels: { release: 'prometheus' } },
  certificates: { proxyCertificateSecretName: 'rec-east-proxy-cert', syncerCertificateSecretName: 'rec-east-syncer-cert' },
  ldap: {
    protocol: LdapProtocol.LDAPS,
    servers: [{ host: 'ldap.example.com' }],
    bindCredentialsSecretName: 'ldap-bind',
    authenticationQueryTemplate: 'cn=%u,ou=people,dc=example,dc=com',
    authorizationAttribute: 'memberOf',
  },
  internodeEncryption: true,
});
new RedisEnterpriseDatabase(east, 'orders', {
  cluster: eastCluster,
  memorySize: '1GB',
  replication: true,
  persistence: DatabasePersistence.AOF_EVERY_SECOND,
  tlsMode: TlsMode.ENABLED,
  externalAccess: true,
});

const west = new Chart(app, 'eu-west', { namespace: 'redis' });
const westCluster = new RedisEnterpriseCluster(west, 'rec', {
  name: 'rec-west',
  kubernetesClusterName: 'eu-west',
  persistence: { storageClassName: 'premium-rwo' },
  externalAccess: {
    method: ExternalAccessMethod.ISTIO,
    apiFqdn: 'api.rec-west.example.com',
    dbFqdnSuffix: '.db.rec-west.example.com',
  },
});

const participants = [
  new RedisEnterpriseRemoteCluster(east, 'us-east-participant', { cluster: eastCluster, name: 'us-east' }),
  new RedisEnterpriseRemoteCluster(west, 'eu-west-participant', { cluster: westCluster, name: 'eu-west' }),
];
new RedisEnterpriseActiveActiveDatabase(east, 'carts', {
  participants,
  memorySize: '512MB',
  tlsMode: TlsMode.ENABLED,
});

app.synth();
