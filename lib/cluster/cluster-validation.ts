import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { isDns1035Label, isDnsLabel, isDnsSubdomain, isLabelKey, isLabelValue, MAX_DNS_LABEL } from '../validation/names';
import { formatBytes, parseQuantity } from '../validation/quantity';
import { ClusterSpec, ResolvedResources } from './cluster-spec';
import { validateTopology } from './topology-validation';
import { MAX_NODES, MIN_UPGRADE_NODE_TIMEOUT_SECONDS, VOLUME_TO_MEMORY_RATIO } from './defaults';
import { RESERVED_LABELS } from '../contract/labels';
import { NODE_CONTAINER_NAME, RECONCILER_CONTAINER_NAME, STORAGE_VOLUME_NAME } from '../contract/names';
import { imageRedisSoftwareVersion, MAX_CLUSTER_NAME_LENGTH } from '../contract/redis-software';

/**
 * StorageClass names (or name fragments) of provisioners that put a volume on
 * one node's disk. A Redis Enterprise node on such a volume cannot move to
 * another Kubernetes node, so it is lost with its machine.
 */
const NODE_LOCAL_STORAGE_CLASSES = [
  'local-path', 'local-storage', 'openebs-hostpath', 'openebs-device', 'openebs-lvmpv', 'openebs-zfspv',
  'hostpath', 'microk8s-hostpath', 'topolvm', 'local',
];

function isNodeLocal(storageClass: string): boolean {
  // Not 'standard': it is hostPath-backed on kind/minikube but network disks on GKE.
  return NODE_LOCAL_STORAGE_CLASSES.includes(storageClass) || /(^|-)(hostpath|local-path|local-storage)($|-)/.test(storageClass);
}

/** Checks of one cluster's props. Cross-cluster checks (REC008) live in the construct. */
export function validateClusterSpec(spec: ClusterSpec, nameFromProps: boolean): Finding[] {
  return [
    ...spec.typeFindings,
    ...validateNodes(spec),
    ...validatePersistence(spec),
    ...validateNames(spec, nameFromProps),
    ...validateResources('nodeResources', spec.nodeResources),
    ...validateResources('reconcilerResources', spec.reconcilerResources),
    ...validateScheduling(spec),
    ...validateTopology(spec),
    ...validateMetadata(spec),
    ...validateExtensions(spec),
    ...validateRecoveryGeneration(spec),
    ...validateUpgrade(spec),
  ];
}

function validateRecoveryGeneration(spec: ClusterSpec): Finding[] {
  const g = spec.recoveryGeneration;
  if (g === undefined || (Number.isInteger(g) && g >= 0)) return [];
  return [finding('REC029', 'recoveryGeneration', `recoveryGeneration is ${String(g)}; it counts recovery retries`)];
}

/**
 * The rolling upgrade compares each node's `software_version` with the
 * version of the image tag and checks the documented upgrade path, so the
 * tag should carry the version. Any registry or mirror works, and a digest
 * may follow the tag. An image pinned by digest alone is only a warning
 * (pinning by digest is a sound practice): the roll then relies on the
 * health checks alone. A version the upgrade matrix does not know is not
 * refused here (a new release must stay usable): the GitOps guard (REGIT011)
 * asks to acknowledge an upgrade to it.
 */
function validateUpgrade(spec: ClusterSpec): Finding[] {
  const findings: Finding[] = [];
  if (!imageRedisSoftwareVersion(spec.image)) {
    findings.push(finding('REC031', 'image', `image "${spec.image}" has no Redis Software version in its tag (such as 8.0.20-44): a rolling upgrade to it can check neither the documented upgrade path nor that each node runs the new version`,
      `keep the upstream tag when mirroring the image, e.g. registry.example.com/redislabs/redis:8.0.20-44.23 (a digest may follow: ...:8.0.20-44.23@sha256:...)`));
  }
  const t = spec.upgradeNodeTimeoutSeconds;
  if (!Number.isInteger(t) || t < MIN_UPGRADE_NODE_TIMEOUT_SECONDS) {
    findings.push(finding('REC032', 'upgradeNodeTimeoutSeconds', `upgradeNodeTimeoutSeconds is ${String(t)}; it must be a whole number of at least ${MIN_UPGRADE_NODE_TIMEOUT_SECONDS} seconds, or a normal node restart stops the rolling upgrade`));
  }
  return findings;
}

export function isValidNodeCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 3 && n <= MAX_NODES && n % 2 === 1;
}

function validateNodes(spec: ClusterSpec): Finding[] {
  const n = spec.nodes;
  if (!isValidNodeCount(n)) {
    return [finding('REC001', 'nodes', `nodes is ${String(n)}; a Redis Enterprise cluster needs an odd number of at least 3 nodes (at most ${MAX_NODES}) to keep quorum`)];
  }
  return [];
}

function validatePersistence(spec: ClusterSpec): Finding[] {
  const findings: Finding[] = [];
  if (!spec.persistenceEnabled) {
    findings.push(finding('REC002', 'persistence.enabled', 'persistence cannot be turned off: a node without persistent storage loses the cluster configuration when it restarts'));
  }
  const sc = spec.storageClassName;
  if (sc !== undefined && !isDnsSubdomain(sc)) {
    findings.push(finding('REC005', 'persistence.storageClassName', `"${sc}" is not a valid StorageClass name (a DNS subdomain)`, 'use the name of an existing StorageClass'));
  } else if (sc !== undefined && isNodeLocal(sc) && !spec.nodeLocalStorageReason?.trim()) {
    findings.push(finding('REC003', 'persistence.storageClassName', `StorageClass "${sc}" is node-local storage; a Redis Enterprise node on it is lost with its machine`));
  }
  const size = parseQuantity(spec.volumeSize);
  if (size === undefined) {
    findings.push(finding('REC006', 'persistence.volumeSize', `"${spec.volumeSize}" is not a Kubernetes quantity`, 'write a size such as 20Gi'));
  } else if (!Number.isInteger(size) || spec.volumeSize.includes('.')) {
    findings.push(finding('REC006', 'persistence.volumeSize', `"${spec.volumeSize}" is not a whole number of bytes (Redis Enterprise does not support decimal volume sizes)`, 'write a size such as 20Gi'));
  } else if (spec.nodeMemoryBytes !== undefined) {
    const minimum = spec.nodeMemoryBytes * VOLUME_TO_MEMORY_RATIO;
    if (size < minimum && !spec.undersizedVolumeReason?.trim()) {
      findings.push(finding('REC004', 'persistence.volumeSize',
        `volume size ${spec.volumeSize} is below ${VOLUME_TO_MEMORY_RATIO} × node memory (${formatBytes(minimum)}) that Redis Enterprise needs for persistence and logs`,
        `set persistence.volumeSize to at least ${formatBytes(minimum)}, or state why a smaller volume is acceptable in persistence.undersizedVolumeReason`));
    }
  }
  return findings;
}

function validateNames(spec: ClusterSpec, nameFromProps: boolean): Finding[] {
  const findings: Finding[] = [];
  const field = nameFromProps ? 'name' : 'name (defaulted from the construct id)';
  const derived = Object.values(spec.names).filter((n) => n !== spec.names.nodeReaderClusterRole);
  const longest = derived.reduce((a, b) => (b.length > a.length ? b : a));
  const nameOk = isDns1035Label(spec.name) && longest.length <= MAX_DNS_LABEL;
  if (!isDns1035Label(spec.name)) {
    findings.push(finding('REC005', field, `cluster name "${spec.name}" is not a DNS-1035 label (lowercase letters, digits and '-', starting with a letter)`,
      'choose a name such as "rec" or "redis-prod"'));
  } else if (longest.length > MAX_DNS_LABEL) {
    const max = MAX_DNS_LABEL - (longest.length - spec.name.length);
    findings.push(finding('REC005', field, `cluster name "${spec.name}" is ${spec.name.length} characters; its longest derived name "${longest}" exceeds ${MAX_DNS_LABEL}`,
      `shorten the name to at most ${max} characters`));
  }
  if (!spec.namespace) {
    findings.push(finding('REC010', 'namespace', 'no namespace: the cluster FQDN (<rec>.<namespace>.svc.cluster.local) is fixed at bootstrap and needs it'));
  } else if (!isDnsLabel(spec.namespace)) {
    findings.push(finding('REC010', 'namespace', `"${spec.namespace}" is not a valid namespace name (a DNS-1123 label)`, 'use lowercase letters, digits and \'-\''));
  } else if (nameOk) {
    // A name REC005 already refuses is not reported again here (no follow-on noise).
    // The bootstrap cluster_identity.name is this FQDN, and Redis Software limits it to 64 characters.
    const fqdn = `${spec.name}.${spec.namespace}.svc.cluster.local`;
    if (fqdn.length > MAX_CLUSTER_NAME_LENGTH) {
      findings.push(finding('REC030', 'name', `the cluster FQDN "${fqdn}" is ${fqdn.length} characters; Redis Software limits the cluster name to ${MAX_CLUSTER_NAME_LENGTH}`,
        `shorten the cluster name and namespace by ${fqdn.length - MAX_CLUSTER_NAME_LENGTH} characters together`));
    }
  }
  const secrets: Array<[string, string | undefined]> = [
    // The default credentials Secret is the cluster name, already checked above.
    ['credentialsSecretName', spec.credentialsSecretName === spec.name ? undefined : spec.credentialsSecretName],
    ['licenseSecretName', spec.licenseSecretName],
    ...spec.imagePullSecrets.map((s, i): [string, string] => [`imagePullSecrets[${i}]`, s]),
  ];
  for (const [f, value] of secrets) {
    if (value !== undefined && !isDnsSubdomain(value)) {
      findings.push(finding('REC011', f, `"${value}" is not a valid Secret name (a DNS subdomain)`));
    }
  }
  if (spec.priorityClassName !== undefined && !isDnsSubdomain(spec.priorityClassName)) {
    findings.push(finding('REC005', 'priorityClassName', `"${spec.priorityClassName}" is not a valid PriorityClass name`, 'use the name of an existing PriorityClass'));
  }
  if (!spec.adminUsername.trim()) {
    findings.push(finding('REC011', 'adminUsername', 'the administrator username is empty', 'set adminUsername or leave it out for the default'));
  }
  return findings;
}

function validateResources(field: string, r: ResolvedResources): Finding[] {
  const findings: Finding[] = [];
  for (const side of ['requests', 'limits'] as const) {
    for (const kind of ['cpu', 'memory'] as const) {
      const value = r[side][kind];
      const parsed = parseQuantity(value);
      if (parsed === undefined || parsed <= 0) {
        findings.push(finding('REC006', `${field}.${side}.${kind}`, `"${value}" is not a positive Kubernetes quantity`,
          kind === 'cpu' ? 'write CPU as "2" or "500m"' : 'write memory as "4Gi" or "512Mi"'));
      }
    }
  }
  if (findings.length === 0) {
    for (const kind of ['cpu', 'memory'] as const) {
      if (parseQuantity(r.requests[kind]) !== parseQuantity(r.limits[kind])) {
        findings.push(finding('REC007', `${field}.requests.${kind}`,
          `requests (${r.requests[kind]}) differ from limits (${r.limits[kind]}): the pod loses Guaranteed QoS and is evicted first under node pressure`,
          `set requests.${kind} equal to limits.${kind}`));
      }
    }
  }
  return findings;
}

function validateScheduling(spec: ClusterSpec): Finding[] {
  const findings: Finding[] = [];
  const rack = spec.rackAwarenessNodeLabel;
  if (rack !== undefined && (!rack.trim() || !isLabelKey(rack))) {
    findings.push(finding('REC009', 'rackAwarenessNodeLabel', `"${rack}" is not a node label key`));
  }
  const keys = spec.antiAffinityTopologyKeys;
  keys.forEach((key, i) => {
    if (i > 0 && !isLabelKey(key)) {
      findings.push(finding('REC013', `antiAffinityAdditionalTopologyKeys[${i - 1}]`, `"${key}" is not a label key`, 'use a node label key such as topology.kubernetes.io/zone'));
    } else if (keys.indexOf(key) !== i) {
      findings.push(finding('REC013', `antiAffinityAdditionalTopologyKeys[${i - 1}]`, `topology key "${key}" is already in the anti-affinity`, 'remove the duplicate'));
    }
  });
  const grace = spec.terminationGracePeriodSeconds;
  if (!Number.isInteger(grace) || grace < 0) {
    findings.push(finding('REC014', 'terminationGracePeriodSeconds', `${grace} is not a non-negative whole number of seconds`));
  }
  return findings;
}

function validateMetadata(spec: ClusterSpec): Finding[] {
  const findings: Finding[] = [];
  const maps: Array<[string, { [key: string]: string } | undefined, boolean]> = [
    ['extraLabels', spec.extraLabels, true],
    ['nodeSelector', spec.nodeSelector, true],
    ['extraAnnotations', spec.extraAnnotations, false],
    ['podAnnotations', spec.podAnnotations, false],
  ];
  for (const [field, map, isLabel] of maps) {
    for (const [key, value] of Object.entries(map ?? {})) {
      if (!isLabelKey(key)) {
        findings.push(finding('REC012', `${field}["${key}"]`, `"${key}" is not a valid key`, 'use a key like "team" or "example.com/team"'));
      } else if (isLabel && !isLabelValue(value)) {
        findings.push(finding('REC012', `${field}["${key}"]`, `"${value}" is not a valid label value (at most 63 alphanumerics, '-', '_' or '.')`, 'shorten or simplify the value'));
      }
      if (field === 'extraLabels' && RESERVED_LABELS.includes(key)) {
        findings.push(finding('REC012', `${field}["${key}"]`, `label "${key}" is set by the library and selects the cluster's pods`, 'remove it from extraLabels'));
      }
    }
  }
  return findings;
}

function validateExtensions(spec: ClusterSpec): Finding[] {
  const findings: Finding[] = [];
  const reservedVolumes = [STORAGE_VOLUME_NAME, 'reconciler-tmp'];
  spec.extraVolumes.forEach((v, i) => {
    if (reservedVolumes.includes(v.name)) {
      findings.push(finding('REC016', `extraVolumes[${i}].name`, `volume name "${v.name}" is used by the library`, 'rename the volume'));
    }
  });
  spec.sideContainers.forEach((c, i) => {
    if ([NODE_CONTAINER_NAME, RECONCILER_CONTAINER_NAME].includes(c.name)) {
      findings.push(finding('REC016', `sideContainers[${i}].name`, `container name "${c.name}" is used by the library`, 'rename the container'));
    }
  });
  const known = new Set([...reservedVolumes, ...spec.extraVolumes.map((v) => v.name)]);
  spec.extraVolumeMounts.forEach((m, i) => {
    if (!known.has(m.name)) {
      findings.push(finding('REC016', `extraVolumeMounts[${i}].name`, `mount refers to volume "${m.name}", which is not declared`, 'add the volume to extraVolumes'));
    }
  });
  return findings;
}
