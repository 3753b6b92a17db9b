import { MonitoringProps } from '../monitoring';
import { ExternalAccessProps, NodeEgressProps, NodeNetworkPolicyProps } from '../networking';
import { keysOf, PropsShape } from '../validation/unknown-props';
import { ContainerResources, PersistenceProps, RedisEnterpriseClusterProps, ResourceQuantities } from './cluster-props';
import { AutoTieringProps, ClusterCertificatesProps, LdapProps } from './security-props';

const resources: PropsShape = {
  keys: keysOf<ContainerResources>({ requests: true, limits: true }),
  nested: Object.fromEntries(['requests', 'limits'].map((side) => [side, { keys: keysOf<ResourceQuantities>({ cpu: true, memory: true }) }])),
};

/** Every prop of {@link RedisEnterpriseClusterProps}, for the unknown-prop check (REPROP002). */
export const CLUSTER_PROPS_SHAPE: PropsShape = {
  keys: keysOf<RedisEnterpriseClusterProps>({
    name: true, namespace: true, kubernetesClusterName: true, nodes: true, image: true, upgradeNodeTimeoutSeconds: true, reconcilerImage: true,
    nodeResources: true, reconcilerResources: true, persistence: true, rackAwarenessNodeLabel: true, rackIdFromNodeApi: true,
    antiAffinityAdditionalTopologyKeys: true, nodeSelector: true, tolerations: true, priorityClassName: true, extraLabels: true,
    extraAnnotations: true, podAnnotations: true, uiServiceType: true, apiServiceType: true, adminUsername: true,
    credentialsSecretName: true, licenseSecretName: true, imagePullSecrets: true, terminationGracePeriodSeconds: true,
    extraVolumes: true, extraVolumeMounts: true, sideContainers: true, extraEnv: true, externalAccess: true, monitoring: true, networkPolicy: true,
    certificates: true, ldap: true, internodeEncryption: true, autoTiering: true, minimumRacks: true, kubernetesVersion: true, recoveryGeneration: true,
  }),
  nested: {
    nodeResources: resources,
    reconcilerResources: resources,
    persistence: {
      keys: keysOf<PersistenceProps>({ enabled: true, storageClassName: true, volumeSize: true, nodeLocalStorageReason: true, undersizedVolumeReason: true }),
    },
    externalAccess: {
      keys: keysOf<ExternalAccessProps>({
        method: true, apiFqdn: true, dbFqdnSuffix: true, ingressController: true, ingressClassName: true, annotations: true, istioGatewaySelector: true,
      }),
    },
    monitoring: {
      keys: keysOf<MonitoringProps>({
        serviceMonitor: true, scrapeInterval: true, scrapeTimeout: true, tlsCaSecretName: true, tlsCaSecretKey: true, tlsServerName: true,
        prometheusRules: true, labels: true,
      }),
    },
    networkPolicy: {
      keys: keysOf<NodeNetworkPolicyProps>({ exposureNamespaceLabels: true, clientNamespaceLabels: true, prometheusNamespaceLabels: true, egress: true }),
      nested: { egress: { keys: keysOf<NodeEgressProps>({ kubernetesApiCidrs: true, kubernetesApiPorts: true, allowedCidrs: true }) } },
    },
    certificates: {
      keys: keysOf<ClusterCertificatesProps>({
        apiCertificateSecretName: true, proxyCertificateSecretName: true, syncerCertificateSecretName: true, uiCertificateSecretName: true,
        metricsCertificateSecretName: true,
      }),
    },
    ldap: {
      keys: keysOf<LdapProps>({
        protocol: true, servers: true, bindCredentialsSecretName: true, caCertificateSecretName: true, authenticationQueryTemplate: true,
        authorizationAttribute: true, enabledForControlPlane: true, enabledForDataPlane: true,
      }),
    },
    autoTiering: { keys: keysOf<AutoTieringProps>({ storageClassName: true, flashDiskSize: true }) },
  },
  // What the operator's REC spec or a StatefulSet calls them.
  synonyms: {
    replicas: 'nodes',
    storageClass: 'persistence.storageClassName',
    storageClassName: 'persistence.storageClassName',
    volumeSize: 'persistence.volumeSize',
    memory: 'nodeResources.limits.memory',
    cpu: 'nodeResources.limits.cpu',
    redisEnterpriseNodeResources: 'nodeResources',
    persistentSpec: 'persistence',
  },
};
