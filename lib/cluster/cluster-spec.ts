import { k8s } from 'cdk8s-plus-28';
import { Finding } from '../validation/finding';
import { PropTypeChecker } from '../validation/prop-types';
import { formatBytes, parseQuantity } from '../validation/quantity';
import { MonitoringProps } from '../monitoring';
import { NodeNetworkPolicyProps } from '../networking/network-policy-props';
import { ExternalAccessProps } from '../networking';
import { ContainerResources, RedisEnterpriseClusterProps, ServiceType } from './cluster-props';
import { AutoTieringProps, ClusterCertificatesProps, LdapProps } from './security-props';
import * as d from './defaults';
import { rackIdFromPodLabel } from './rack-topology';
import { DEFAULT_KUBERNETES_VERSION, hasFeature, isSupportedMinor, OLDEST_SUPPORTED_MINOR, parseKubernetesMinor } from './kubernetes-version';
import { ClusterObjectNames, clusterObjectNames } from '../contract/names';

/** Two Redis Enterprise nodes never share a Kubernetes node (nor, with extra keys, a hypervisor...). */
const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** Requests and limits with defaults applied (strings as the user wrote them). */
export interface ResolvedResources {
  readonly requests: { cpu: string; memory: string };
  readonly limits: { cpu: string; memory: string };
}

/**
 * The props with every default applied: what the object builders and the
 * validation rules read. Resolution never throws: unparsable values stay as
 * written and the validation reports them before any YAML is produced.
 */
export interface ClusterSpec {
  readonly name: string;
  readonly namespace: string;
  readonly names: ClusterObjectNames;
  readonly nodes: number;
  readonly image: string;
  readonly upgradeNodeTimeoutSeconds: number;
  readonly reconcilerImage: string;
  readonly nodeResources: ResolvedResources;
  readonly reconcilerResources: ResolvedResources;
  readonly persistenceEnabled: boolean;
  readonly storageClassName?: string;
  readonly volumeSize: string;
  readonly nodeLocalStorageReason?: string;
  readonly undersizedVolumeReason?: string;
  readonly rackAwarenessNodeLabel?: string;
  /** True when the reconciler reads the rack id from the Node API (ClusterRole needed). */
  readonly rackIdFromNodeApi: boolean;
  /** `rackIdFromNodeApi` as the user set it, for validation. */
  readonly rackIdFromNodeApiProp?: boolean;
  /** With rack awareness: the topology spread's minDomains. */
  readonly minimumRacks: number;
  /** `minimumRacks` as the user set it, for validation. */
  readonly minimumRacksProp?: number;
  /** The quorum recovery's manual trigger (validated by REC029); 0 when not set. */
  readonly recoveryGeneration?: number;
  /** Required anti-affinity topology keys: the hostname first, then the additional ones. */
  readonly antiAffinityTopologyKeys: string[];
  /** The target Kubernetes version as written (validated by REC022). */
  readonly kubernetesVersion: string;
  /** Its minor; the oldest supported one while the version is invalid (REC022 reports it). */
  readonly kubernetesMinor: number;
  readonly adminUsername: string;
  readonly credentialsSecretName: string;
  readonly licenseSecretName?: string;
  readonly imagePullSecrets: string[];
  readonly terminationGracePeriodSeconds: number;
  readonly uiServiceType: ServiceType;
  readonly apiServiceType: ServiceType;
  readonly extraLabels: { [key: string]: string };
  readonly extraAnnotations: { [key: string]: string };
  readonly podAnnotations: { [key: string]: string };
  readonly nodeSelector?: { [key: string]: string };
  readonly tolerations: k8s.Toleration[];
  readonly priorityClassName?: string;
  readonly extraVolumes: k8s.Volume[];
  readonly extraVolumeMounts: k8s.VolumeMount[];
  readonly sideContainers: k8s.Container[];
  readonly extraEnv: k8s.EnvVar[];
  /** Node memory limit in bytes, or undefined when it does not parse. */
  readonly nodeMemoryBytes?: number;
  readonly externalAccess?: ExternalAccessProps;
  readonly monitoring?: MonitoringProps;
  readonly networkPolicy?: NodeNetworkPolicyProps;
  readonly certificates?: ClusterCertificatesProps;
  readonly ldap?: LdapProps;
  readonly internodeEncryption?: boolean;
  readonly autoTiering?: AutoTieringProps;
  /** Flash volume size with auto tiering (default 2 × the persistent volume). */
  readonly flashDiskSize?: string;
  /** Props of the wrong type (REC017); their defaults were used instead. */
  readonly typeFindings: Finding[];
}

export function resolveClusterSpec(raw: RedisEnterpriseClusterProps, name: string, namespace: string): ClusterSpec {
  const t = new PropTypeChecker('REC017');
  const props = checkTypes(t, raw);
  name = t.string('name', name) ?? 'invalid-name';
  namespace = t.string('namespace', namespace) ?? '';
  const nodeResources = resolveResources(props.nodeResources, d.DEFAULT_NODE_CPU, d.DEFAULT_NODE_MEMORY);
  const nodeMemoryBytes = parseQuantity(nodeResources.limits.memory);
  const persistence = props.persistence ?? {};
  const rackLabel = props.rackAwarenessNodeLabel;
  const kubernetesVersion = props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  const parsedMinor = parseKubernetesMinor(kubernetesVersion);
  const kubernetesMinor = isSupportedMinor(parsedMinor) ? parsedMinor : OLDEST_SUPPORTED_MINOR;
  return {
    name,
    namespace,
    names: clusterObjectNames(name, namespace),
    nodes: props.nodes ?? d.DEFAULT_NODES,
    image: props.image ?? d.DEFAULT_REDIS_ENTERPRISE_IMAGE,
    upgradeNodeTimeoutSeconds: props.upgradeNodeTimeoutSeconds ?? d.DEFAULT_UPGRADE_NODE_TIMEOUT_SECONDS,
    reconcilerImage: props.reconcilerImage ?? d.DEFAULT_RECONCILER_IMAGE,
    nodeResources,
    reconcilerResources: resolveResources(props.reconcilerResources, d.DEFAULT_RECONCILER_CPU, d.DEFAULT_RECONCILER_MEMORY),
    persistenceEnabled: persistence.enabled ?? true,
    storageClassName: persistence.storageClassName,
    volumeSize: persistence.volumeSize ?? defaultVolumeSize(nodeMemoryBytes),
    nodeLocalStorageReason: persistence.nodeLocalStorageReason,
    undersizedVolumeReason: persistence.undersizedVolumeReason,
    rackAwarenessNodeLabel: rackLabel,
    rackIdFromNodeApi: readsRackIdFromNode(rackLabel, props.rackIdFromNodeApi, kubernetesMinor),
    rackIdFromNodeApiProp: props.rackIdFromNodeApi,
    minimumRacks: props.minimumRacks ?? d.DEFAULT_MINIMUM_RACKS,
    minimumRacksProp: props.minimumRacks,
    recoveryGeneration: props.recoveryGeneration,
    antiAffinityTopologyKeys: [HOSTNAME_LABEL, ...(props.antiAffinityAdditionalTopologyKeys ?? [])],
    kubernetesVersion,
    kubernetesMinor,
    adminUsername: props.adminUsername ?? d.DEFAULT_ADMIN_USERNAME,
    credentialsSecretName: props.credentialsSecretName ?? name,
    licenseSecretName: props.licenseSecretName,
    imagePullSecrets: props.imagePullSecrets ?? [],
    terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? d.DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS,
    uiServiceType: props.uiServiceType ?? ServiceType.CLUSTER_IP,
    apiServiceType: props.apiServiceType ?? ServiceType.CLUSTER_IP,
    extraLabels: props.extraLabels ?? {},
    extraAnnotations: props.extraAnnotations ?? {},
    podAnnotations: props.podAnnotations ?? {},
    nodeSelector: props.nodeSelector,
    tolerations: props.tolerations ?? [],
    priorityClassName: props.priorityClassName,
    extraVolumes: props.extraVolumes ?? [],
    extraVolumeMounts: props.extraVolumeMounts ?? [],
    sideContainers: props.sideContainers ?? [],
    extraEnv: props.extraEnv ?? [],
    nodeMemoryBytes,
    externalAccess: props.externalAccess,
    monitoring: props.monitoring,
    networkPolicy: props.networkPolicy,
    certificates: props.certificates,
    ldap: props.ldap,
    internodeEncryption: props.internodeEncryption,
    autoTiering: props.autoTiering,
    flashDiskSize: props.autoTiering ? props.autoTiering.flashDiskSize ?? doubleSize(persistence.volumeSize ?? defaultVolumeSize(nodeMemoryBytes)) : undefined,
    typeFindings: t.findings,
  };
}

/** The props with every wrongly typed value reported and dropped. */
function checkTypes(t: PropTypeChecker, p: RedisEnterpriseClusterProps): RedisEnterpriseClusterProps {
  const persistence = t.object('persistence', p.persistence);
  const resources = (field: string, r: ContainerResources | undefined): ContainerResources | undefined => {
    const checked = t.object(field, r);
    if (!checked) return undefined;
    const side = (s: 'requests' | 'limits') => {
      const q = t.object(`${field}.${s}`, checked[s]);
      return q && { cpu: t.string(`${field}.${s}.cpu`, q.cpu), memory: t.string(`${field}.${s}.memory`, q.memory) };
    };
    return { requests: side('requests'), limits: side('limits') };
  };
  return {
    nodes: t.number('nodes', p.nodes),
    image: t.string('image', p.image),
    upgradeNodeTimeoutSeconds: t.number('upgradeNodeTimeoutSeconds', p.upgradeNodeTimeoutSeconds),
    reconcilerImage: t.string('reconcilerImage', p.reconcilerImage),
    nodeResources: resources('nodeResources', p.nodeResources),
    reconcilerResources: resources('reconcilerResources', p.reconcilerResources),
    persistence: persistence && {
      enabled: t.boolean('persistence.enabled', persistence.enabled),
      storageClassName: t.string('persistence.storageClassName', persistence.storageClassName),
      volumeSize: t.string('persistence.volumeSize', persistence.volumeSize),
      nodeLocalStorageReason: t.string('persistence.nodeLocalStorageReason', persistence.nodeLocalStorageReason),
      undersizedVolumeReason: t.string('persistence.undersizedVolumeReason', persistence.undersizedVolumeReason),
    },
    rackAwarenessNodeLabel: t.string('rackAwarenessNodeLabel', p.rackAwarenessNodeLabel),
    rackIdFromNodeApi: t.boolean('rackIdFromNodeApi', p.rackIdFromNodeApi),
    minimumRacks: t.number('minimumRacks', p.minimumRacks),
    recoveryGeneration: t.number('recoveryGeneration', p.recoveryGeneration),
    kubernetesVersion: t.string('kubernetesVersion', p.kubernetesVersion),
    antiAffinityAdditionalTopologyKeys: t.array('antiAffinityAdditionalTopologyKeys', p.antiAffinityAdditionalTopologyKeys, 'string'),
    nodeSelector: t.stringMap('nodeSelector', p.nodeSelector),
    tolerations: t.array('tolerations', p.tolerations, 'object'),
    priorityClassName: t.string('priorityClassName', p.priorityClassName),
    extraLabels: t.stringMap('extraLabels', p.extraLabels),
    extraAnnotations: t.stringMap('extraAnnotations', p.extraAnnotations),
    podAnnotations: t.stringMap('podAnnotations', p.podAnnotations),
    uiServiceType: t.string('uiServiceType', p.uiServiceType) as ServiceType | undefined,
    apiServiceType: t.string('apiServiceType', p.apiServiceType) as ServiceType | undefined,
    adminUsername: t.string('adminUsername', p.adminUsername),
    credentialsSecretName: t.string('credentialsSecretName', p.credentialsSecretName),
    licenseSecretName: t.string('licenseSecretName', p.licenseSecretName),
    imagePullSecrets: t.array('imagePullSecrets', p.imagePullSecrets, 'string'),
    terminationGracePeriodSeconds: t.number('terminationGracePeriodSeconds', p.terminationGracePeriodSeconds),
    extraVolumes: t.array('extraVolumes', p.extraVolumes, 'object'),
    extraVolumeMounts: t.array('extraVolumeMounts', p.extraVolumeMounts, 'object'),
    sideContainers: t.array('sideContainers', p.sideContainers, 'object'),
    extraEnv: t.array('extraEnv', p.extraEnv, 'object'),
    externalAccess: t.object('externalAccess', p.externalAccess),
    monitoring: t.object('monitoring', p.monitoring),
    networkPolicy: t.object('networkPolicy', p.networkPolicy),
    certificates: t.object('certificates', p.certificates),
    ldap: t.object('ldap', p.ldap),
    internodeEncryption: t.boolean('internodeEncryption', p.internodeEncryption),
    autoTiering: t.object('autoTiering', p.autoTiering),
  };
}

/**
 * Only zone and region are ever copied onto pods, and only from 1.35 by
 * default: any other label, or an older target, reads the Node. An explicit
 * `rackIdFromNodeApi` decides for zone and region (REC009 rejects `false`
 * for other labels).
 */
function readsRackIdFromNode(label: string | undefined, explicit: boolean | undefined, minor: number): boolean {
  if (label === undefined) return false;
  if (!rackIdFromPodLabel(label)) return true;
  return explicit ?? !hasFeature(minor, 'podTopologyLabels');
}

function resolveResources(resources: ContainerResources | undefined, cpu: string, memory: string): ResolvedResources {
  const requests = resources?.requests ?? {};
  const limits = resources?.limits ?? {};
  return {
    requests: { cpu: requests.cpu ?? limits.cpu ?? cpu, memory: requests.memory ?? limits.memory ?? memory },
    limits: { cpu: limits.cpu ?? requests.cpu ?? cpu, memory: limits.memory ?? requests.memory ?? memory },
  };
}

function defaultVolumeSize(nodeMemoryBytes: number | undefined): string {
  // An unparsable memory is reported by REC006; fall back to the default size meanwhile.
  const memory = nodeMemoryBytes ?? parseQuantity(d.DEFAULT_NODE_MEMORY)!;
  return formatBytes(Math.ceil(memory * d.VOLUME_TO_MEMORY_RATIO));
}

function doubleSize(size: string): string {
  const bytes = parseQuantity(size);
  return bytes === undefined ? size : formatBytes(bytes * 2);
}
