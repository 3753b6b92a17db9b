/**
 * The Kubernetes versions the synthesized manifests target, and the
 * version-dependent behaviour they rely on.
 *
 * The supported range is 1.30 to 1.36: the newest minor is what the end-to-end
 * suite runs on by default, the oldest is the one its `e2e-oldest` project runs
 * on. (The official operator supports 1.30 up to its 7.22 releases; its 8.2
 * releases support 1.32 to 1.36.)
 */
export const OLDEST_SUPPORTED_MINOR = 30;
export const NEWEST_SUPPORTED_MINOR = 36;
/** The default target: the oldest supported minor, so that the manifests work on every supported cluster. */
export const DEFAULT_KUBERNETES_VERSION = `1.${OLDEST_SUPPORTED_MINOR}`;

/**
 * Kubernetes behaviour and fields the manifests use, with the first minor
 * where each is on by default (beta or GA). Only what is missing somewhere in
 * the supported range changes the output; the rest is listed so that a test
 * can check that the range never drops below what the manifests need.
 */
export const KUBERNETES_FEATURES = {
  /**
   * PodTopologyLabelsAdmission (KEP-4742): the API server copies the node's
   * `topology.kubernetes.io/zone`/`region` labels onto a pod when it is bound.
   * Alpha (off) in 1.33, beta and on by default in 1.35. Below it the rack id
   * must be read from the Node (the node-reader ClusterRole).
   */
  podTopologyLabels: 35,
  /** StatefulSet `persistentVolumeClaimRetentionPolicy`: beta, on by default since 1.27, GA in 1.32. */
  statefulSetClaimRetention: 27,
  /** `topologySpreadConstraints[].minDomains`: beta, on by default since 1.27, GA in 1.30. */
  topologySpreadMinDomains: 27,
  /** `topologySpreadConstraints[].nodeAffinityPolicy`/`nodeTaintsPolicy`: beta, on by default since 1.26, GA in 1.33. */
  topologySpreadNodeInclusionPolicies: 26,
} as const;

export type KubernetesFeature = keyof typeof KUBERNETES_FEATURES;

/** The minor of a version written "1.<minor>", or undefined when it is not written so. */
export function parseKubernetesMinor(version: string): number | undefined {
  const m = /^1\.(\d{1,3})$/.exec(version);
  return m ? Number(m[1]) : undefined;
}

export function isSupportedMinor(minor: number | undefined): minor is number {
  return minor !== undefined && minor >= OLDEST_SUPPORTED_MINOR && minor <= NEWEST_SUPPORTED_MINOR;
}

/** Whether a feature is on by default on every cluster of the target minor. */
export function hasFeature(minor: number, feature: KubernetesFeature): boolean {
  return minor >= KUBERNETES_FEATURES[feature];
}
