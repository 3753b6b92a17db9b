import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { ClusterSpec } from './cluster-spec';
import { hasFeature, isSupportedMinor, NEWEST_SUPPORTED_MINOR, OLDEST_SUPPORTED_MINOR, parseKubernetesMinor } from './kubernetes-version';
import { rackIdFromPodLabel } from './rack-topology';

const SUPPORTED = `1.${OLDEST_SUPPORTED_MINOR} to 1.${NEWEST_SUPPORTED_MINOR}`;

/** Checks of the target Kubernetes version and of how the nodes spread over racks. */
export function validateTopology(spec: ClusterSpec): Finding[] {
  return [...validateKubernetesVersion(spec), ...validateRackIdSource(spec), ...validateRackSpread(spec)];
}

function validateKubernetesVersion(spec: ClusterSpec): Finding[] {
  const v = spec.kubernetesVersion;
  const minor = parseKubernetesMinor(v);
  if (minor === undefined) {
    return [finding('REC022', 'kubernetesVersion', `"${v}" is not a Kubernetes minor version written "1.<minor>"`,
      `write the oldest minor your clusters run, e.g. "1.${OLDEST_SUPPORTED_MINOR}", or leave it out`)];
  }
  if (!isSupportedMinor(minor)) {
    return [finding('REC022', 'kubernetesVersion', `Kubernetes ${v} is outside the supported range ${SUPPORTED}`,
      minor < OLDEST_SUPPORTED_MINOR ? `upgrade the clusters to at least 1.${OLDEST_SUPPORTED_MINOR}` : `set "1.${NEWEST_SUPPORTED_MINOR}" (the manifests use nothing newer)`)];
  }
  return [];
}

function validateRackIdSource(spec: ClusterSpec): Finding[] {
  const label = spec.rackAwarenessNodeLabel;
  if (label === undefined || spec.rackIdFromNodeApiProp !== false) return [];
  if (!rackIdFromPodLabel(label)) {
    return [finding('REC009', 'rackIdFromNodeApi', `Kubernetes never copies "${label}" onto pods, so the rack id can only come from the Node`,
      'remove rackIdFromNodeApi (the node-reader ClusterRole is emitted), or use topology.kubernetes.io/zone')];
  }
  if (!hasFeature(spec.kubernetesMinor, 'podTopologyLabels')) {
    return [finding('REC024', 'rackIdFromNodeApi',
      `on Kubernetes ${spec.kubernetesVersion} pods carry "${label}" only with the PodTopologyLabelsAdmission feature gate (alpha in 1.33, on by default from 1.35); without it no node gets a rack id`,
      'remove rackIdFromNodeApi: false, or set kubernetesVersion to 1.35 or newer once every cluster runs it')];
  }
  return [];
}

/**
 * Redis Enterprise: "Avoid placing the majority of nodes in one availability
 * zone" (rs:clusters/configure/rack-zone-awareness, node layout guidelines).
 * Spread evenly over `minimumRacks` racks, the fullest rack holds
 * ceil(nodes / racks) nodes; losing that rack must leave a quorum.
 */
function validateRackSpread(spec: ClusterSpec): Finding[] {
  const racks = spec.minimumRacks;
  if (spec.rackAwarenessNodeLabel === undefined) {
    return spec.minimumRacksProp !== undefined
      ? [finding('REC023', 'minimumRacks', 'minimumRacks spreads nodes over racks, but rack awareness is off', 'set rackAwarenessNodeLabel, or remove minimumRacks')]
      : [];
  }
  // An empty label is REC009's finding; a minimumRacks beside it is not reported again (no follow-on noise).
  if (!spec.rackAwarenessNodeLabel) return [];
  if (!Number.isInteger(racks) || racks < 1) {
    return [finding('REC023', 'minimumRacks', `${racks} is not a whole number of racks of at least 1`, 'leave it out for the default of 3')];
  }
  if (!Number.isInteger(spec.nodes) || spec.nodes < 3) return []; // REC001 reports it.
  const fullest = Math.ceil(spec.nodes / racks);
  if (fullest > spec.nodes / 2) {
    return [finding('REC021', 'minimumRacks',
      `${spec.nodes} nodes spread over ${racks} rack(s) put ${fullest} in one rack, a majority: losing that rack loses the cluster's quorum ` +
      '(Redis Enterprise: avoid placing the majority of nodes in one availability zone)',
      'spread the nodes over at least 3 racks (minimumRacks: 3, the default, and label nodes in 3 zones)')];
  }
  return [];
}
