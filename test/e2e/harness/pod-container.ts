/**
 * What the kubelet would give one container of a (simulated) Pod, as
 * `podman run` flags: the user and groups of the pod's and the container's
 * securityContext, a read-only root filesystem, dropped capabilities, emptyDir
 * mounts as tmpfs, the projected ServiceAccount token volume where the
 * container mounts it (and only there), and the env with the downward-API values resolved from the
 * Pod object. kwok runs no containers; the harness runs this one itself.
 */
import { KubeObject } from '../../support/kube-client';

/** The container named `name` of `pod`, or a clear error. */
export function podContainer(pod: KubeObject, name: string): any {
  const c = (pod.spec.containers as any[]).find((x) => x.name === name);
  if (!c) throw new Error(`pod ${pod.metadata.name} has no container ${name} (has ${pod.spec.containers.map((x: any) => x.name).join(', ')})`);
  return c;
}

/** metadata.name, status.podIP, metadata.labels['k'], ... read from the Pod, as the downward API does ('' when absent). */
export function fieldOf(pod: KubeObject, fieldPath: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (m) return pod.metadata[m[1]]?.[m[2]] ?? '';
  const simple: Record<string, () => string | undefined> = {
    'metadata.name': () => pod.metadata.name,
    'metadata.namespace': () => pod.metadata.namespace,
    'metadata.uid': () => pod.metadata.uid,
    'spec.nodeName': () => pod.spec.nodeName,
    'spec.serviceAccountName': () => pod.spec.serviceAccountName,
    'status.podIP': () => pod.status?.podIP,
    'status.hostIP': () => pod.status?.hostIP,
  };
  if (!simple[fieldPath]) throw new Error(`pod-container: downward API field ${fieldPath} is not supported by the e2e harness`);
  return simple[fieldPath]() ?? '';
}

/** The container's env as the kubelet resolves it (literal values and fieldRefs). */
export function resolvedEnv(pod: KubeObject, container: any): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.fieldRef) env[e.name] = fieldOf(pod, e.valueFrom.fieldRef.fieldPath);
    else throw new Error(`pod-container: env ${e.name} of ${container.name} uses ${JSON.stringify(e.valueFrom)}, not supported by the e2e harness`);
  }
  return env;
}

/** uid, gid and supplementary groups (fsGroup) the container runs with. */
export function runAsOf(pod: KubeObject, container: any): { uid: number; gid: number; groups: number[] } {
  const p = pod.spec.securityContext ?? {};
  const c = container.securityContext ?? {};
  const uid = c.runAsUser ?? p.runAsUser;
  const gid = c.runAsGroup ?? p.runAsGroup ?? uid;
  if (uid === undefined) throw new Error(`pod-container: ${pod.metadata.name}/${container.name} sets no runAsUser; the harness runs no container as the image's default user`);
  const groups = [p.fsGroup, ...(p.supplementalGroups ?? [])].filter((g): g is number => g !== undefined && g !== gid);
  return { uid, gid, groups };
}

/**
 * Security and volume flags of `podman run` for the container (not its env,
 * image or name). emptyDirs become tmpfs mounts; a projected ServiceAccount
 * token volume (the pod's own, or one the ServiceAccount admission added) is
 * bound read-only from `serviceAccountDir` (token, ca.crt, namespace, kept
 * fresh by projected-token.ts) at the container's mount path.
 */
export function securityAndVolumeFlags(pod: KubeObject, container: any, serviceAccountDir: string): string[] {
  const sc = container.securityContext ?? {};
  const { uid, gid, groups } = runAsOf(pod, container);
  const flags = [`--user=${uid}:${gid}`, ...groups.map((g) => `--group-add=${g}`)];
  // Only what the pod declares is writable: no tmpfs of podman's own on /run, /tmp, /var/tmp.
  if (sc.readOnlyRootFilesystem) flags.push('--read-only', '--read-only-tmpfs=false');
  if (sc.capabilities?.drop?.includes('ALL')) flags.push('--cap-drop=ALL');
  for (const cap of sc.capabilities?.add ?? []) flags.push(`--cap-add=${cap}`);
  if (sc.allowPrivilegeEscalation === false) flags.push('--security-opt=no-new-privileges');
  if (sc.privileged) throw new Error(`pod-container: ${container.name} is privileged; the e2e harness runs no privileged container`);
  const volumes = new Map<string, any>((pod.spec.volumes ?? []).map((v: any) => [v.name, v]));
  for (const m of container.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    if (v?.projected?.sources?.some((src: any) => src.serviceAccountToken)) {
      flags.push(`--volume=${serviceAccountDir}:${m.mountPath}:ro`);
      continue;
    }
    if (!v?.emptyDir) throw new Error(`pod-container: volume ${m.name} of ${container.name} is neither an emptyDir nor the ServiceAccount token; the harness mounts no other`);
    const size = v.emptyDir.sizeLimit ? `,size=${String(v.emptyDir.sizeLimit).replace(/i$/, '').toLowerCase()}` : '';
    // An emptyDir is writable by the pod's fsGroup; mode 1777 gives the same to the container's user.
    flags.push(`--tmpfs=${m.mountPath}:rw,nosuid,nodev,mode=1777${size}`);
  }
  return flags;
}
