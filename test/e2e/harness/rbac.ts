/**
 * Expected answers of SubjectAccessReviews for a ServiceAccount bound to a
 * Role: every (group, resource, verb[, name]) the Role grants must be
 * allowed; every verb it does not grant on those resources, the same verbs
 * in other namespaces or cluster-wide, and a list of sensitive neighbours
 * (nodes, namespaces, exec, eviction, token, RBAC itself...) must be denied.
 */
import { KubeObject } from '../../support/kube-client';

export interface AccessCheck {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** undefined = cluster-wide (for a namespaced resource: all namespaces). */
  namespace?: string;
  name?: string;
  allowed: boolean;
}

const ALL_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

function eachGrant(role: KubeObject, fn: (group: string, resource: string, verb: string, names?: string[]) => void): void {
  for (const rule of role.rules as Rule[]) {
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources) for (const verb of rule.verbs) fn(group, resource, verb, rule.resourceNames);
    }
  }
}

/** What the Role grants, in its own namespace: all must be allowed. */
export function grantedChecks(role: KubeObject): AccessCheck[] {
  const ns = role.metadata.namespace!;
  const checks: AccessCheck[] = [];
  eachGrant(role, (group, resource, verb, names) => {
    if (names) for (const name of names) checks.push({ verb, group, resource, namespace: ns, name, allowed: true });
    else checks.push({ verb, group, resource, namespace: ns, allowed: true });
  });
  return checks;
}

/** What lies just beyond the Role: all must be denied. */
export function deniedChecks(role: KubeObject, otherNamespaces: string[]): AccessCheck[] {
  const ns = role.metadata.namespace!;
  const unrestricted = new Map<string, Set<string>>();
  const named = new Map<string, Set<string>>();
  eachGrant(role, (group, resource, verb, names) => {
    const key = `${group}/${resource}`;
    const map = names ? named : unrestricted;
    if (!map.has(key)) map.set(key, new Set());
    map.get(key)!.add(verb);
  });
  const checks: AccessCheck[] = [];
  for (const key of new Set([...unrestricted.keys(), ...named.keys()])) {
    const [group, resource] = key.split('/');
    const free = unrestricted.get(key) ?? new Set<string>();
    for (const verb of ALL_VERBS.filter((v) => !free.has(v))) {
      // A verb granted only for some names is denied for another name and for the whole collection.
      checks.push({ verb, group, resource, namespace: ns, allowed: false });
      if (named.get(key)?.has(verb)) checks.push({ verb, group, resource, namespace: ns, name: 'not-one-of-ours', allowed: false });
    }
    for (const verb of new Set([...free, ...(named.get(key) ?? [])])) {
      for (const other of otherNamespaces) checks.push({ verb, group, resource, namespace: other, allowed: false });
      checks.push({ verb, group, resource, allowed: false }); // all namespaces at once
    }
  }
  // Sensitive neighbours: no rule mentions them, or only by name (the StatefulSet and the claims, for volume
  // expansion: without a name they stay denied, and creating a StatefulSet is never granted).
  const cluster = (group: string, resource: string, verbs: string[]): AccessCheck[] =>
    verbs.map((verb) => ({ verb, group, resource, allowed: false }));
  const inNs = (group: string, resource: string, verbs: string[], subresource?: string): AccessCheck[] =>
    verbs.map((verb) => ({ verb, group, resource, subresource, namespace: ns, allowed: false }));
  checks.push(
    ...cluster('', 'nodes', ['get', 'list', 'watch', 'patch']),
    ...cluster('', 'namespaces', ['get', 'list', 'create', 'delete']),
    ...cluster('', 'persistentvolumes', ['get', 'list', 'delete']),
    ...cluster('rbac.authorization.k8s.io', 'clusterroles', ['get', 'create', 'bind', 'escalate']),
    ...cluster('rbac.authorization.k8s.io', 'clusterrolebindings', ['create']),
    ...inNs('apps', 'statefulsets', ['get', 'create', 'patch', 'update', 'delete']),
    ...inNs('', 'persistentvolumeclaims', ['get', 'create', 'patch', 'delete']),
    ...inNs('', 'pods', ['create', 'delete']),
    ...inNs('', 'pods', ['create'], 'exec'),
    ...inNs('', 'pods', ['create'], 'eviction'),
    ...inNs('', 'serviceaccounts', ['create'], 'token'),
    ...inNs('rbac.authorization.k8s.io', 'roles', ['update', 'bind', 'escalate']),
    ...inNs('rbac.authorization.k8s.io', 'rolebindings', ['create']),
    ...inNs('policy', 'poddisruptionbudgets', ['update', 'delete']),
  );
  return checks;
}

/** One line per check, for failure messages. */
export function describeCheck(c: AccessCheck): string {
  const res = `${c.group || 'core'}/${c.resource}${c.subresource ? `/${c.subresource}` : ''}`;
  return `${c.verb} ${res}${c.name ? `/${c.name}` : ''} in ${c.namespace ?? '(all namespaces / cluster)'}`;
}
