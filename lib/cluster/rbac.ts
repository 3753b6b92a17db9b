import { Construct } from 'constructs';
import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { ClusterSpec } from './cluster-spec';
import { isValidNodeCount } from './cluster-validation';
import { clusterObjectMeta } from './metadata';
import { claimName } from '../contract/names';
import { claimTemplateSizes } from './statefulset';

/**
 * The rules of the reconciler's Role: exactly the calls lib/reconciler makes
 * (its README lists them, `kube-api.ts` is the whole surface),
 * in its own namespace. Each rule says why. The e2e suite checks with
 * SubjectAccessReviews that nothing beyond them is allowed.
 */
/** A Role rule and why the reconciler needs it. */
export interface ReasonedRule {
  readonly reason: string;
  readonly rule: k8s.PolicyRule;
}

/**
 * The rules of the reconciler's Role: exactly the calls lib/reconciler makes
 * (its README lists them, `kube-api.ts` is the whole surface),
 * in its own namespace, each with its reason. The reasons are also written
 * into the Role's annotation so that a reviewer of the YAML sees them. The
 * e2e suite checks with SubjectAccessReviews that nothing beyond is allowed.
 */
export function reconcilerRules(spec: ClusterSpec, secretNames: readonly string[]): ReasonedRule[] {
  // An empty resourceNames would grant every Secret: the admin credentials Secret is always named.
  if (secretNames.length === 0) throw new Error('reconcilerRules: the desired state names no Secret (it always names the admin credentials)');
  // An invalid node count is reported by REC001; don't build a list from it.
  const pods = isValidNodeCount(spec.nodes) ? Array.from({ length: spec.nodes }, (_, i) => `${spec.name}-${i}`) : [];
  const claims = isValidNodeCount(spec.nodes)
    ? claimTemplateSizes(spec).flatMap((t) => Array.from({ length: spec.nodes }, (_, i) => claimName(t.name, spec.name, i)))
    : [];
  const core = (resources: string[], verbs: string[], resourceNames?: string[]): k8s.PolicyRule =>
    ({ apiGroups: [''], resources, verbs, ...(resourceNames ? { resourceNames } : {}) });
  return [
    { reason: 'read and watch the desired-state ConfigMap (list+watch with a name field selector); read the status ConfigMap', rule: core(['configmaps'], ['get', 'list', 'watch']) },
    { reason: 'create the status ConfigMap on first start', rule: core(['configmaps'], ['create']) },
    { reason: 'rewrite only the status ConfigMap afterwards', rule: core(['configmaps'], ['update'], [spec.names.statusConfigMap]) },
    {
      reason: 'read only the Secrets the desired state names (admin, license, database, certificate, LDAP, backup and remote-cluster credentials); '
        + 'follow each with its own list+watch and a metadata.name field selector',
      rule: core(['secrets'], ['get', 'list', 'watch'], [...secretNames]),
    },
    {
      // Kubernetes cannot restrict create by name (the name is not known when the request is authorized).
      reason: 'create missing admin and database password Secrets (create cannot be limited by name); no update/patch/delete, so an existing Secret is never overwritten',
      rule: core(['secrets'], ['create']),
    },
    { reason: 'find the node pods (IPs, readiness, labels) and follow their changes', rule: core(['pods'], ['list', 'watch']) },
    {
      reason: 'set or remove redis.io/role-master on this cluster\'s pods only; each sidecar reports on its own pod its node during a quorum loss (label cdk8s-redis-enterprise.io/node-state) and the admin Secret version it authenticates with during a password rotation (annotation)',
      rule: core(['pods'], ['patch'], pods),
    },
    {
      reason: 'quorum recovery: restart (delete, the StatefulSet recreates it with the same claim) a pod of this cluster whose node still holds the cluster that lost its quorum, as the official operator\'s RecoveryReset does; '
        + 'rolling upgrade (updateStrategy OnDelete): delete the next pod on the old image, one at a time once the previous node rejoined, so the StatefulSet recreates it on the new image',
      rule: core(['pods'], ['delete'], pods),
    },
    ...(claims.length > 0 ? [{
      reason: 'volume expansion: read the node pods\' claims and raise their storage request to the declared size (the API server refuses it unless the StorageClass allows expansion)',
      rule: core(['persistentvolumeclaims'], ['get', 'patch'], claims),
    }] : []),
    {
      reason: 'volume expansion: read this cluster\'s StatefulSet and, once every claim is expanded, delete it with propagationPolicy Orphan (pods and claims stay) so that the next apply creates it with the new claim templates; never create',
      rule: { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'delete'], resourceNames: [spec.names.cluster] },
    },
    {
      reason: 'keep each database Service\'s EndpointSlice pointing at the pod that serves the database',
      rule: { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch', 'create', 'update', 'delete'] },
    },
    { reason: 'leader election among the node sidecars: create the Lease once', rule: { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] } },
    {
      reason: 'leader election: read, renew, take over and hand back only this cluster\'s Lease',
      rule: { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [spec.names.leaderLease], verbs: ['get', 'update'] },
    },
    { reason: 'report failures and notable changes as Events', rule: core(['events'], ['create']) },
  ];
}

/** Annotation on the Role listing why each rule exists, in rule order. */
export const RULE_REASONS_ANNOTATION = 'cdk8s-redis-enterprise.io/rule-reasons';

/**
 * ServiceAccount, Role and RoleBinding `<rec>` for the node pods' reconciler
 * sidecar. The Secret names come from the desired state, which is complete
 * only at synth time (databases attach later): the rules are computed then.
 */
export function addReconcilerRbac(scope: Construct, spec: ClusterSpec, secretNames: () => string[]): void {
  const name = spec.names.cluster;
  // The automatic token stays off; the reconciler container mounts its own (node-pod.ts).
  new k8s.KubeServiceAccount(scope, 'ServiceAccount', { metadata: clusterObjectMeta(spec, name), automountServiceAccountToken: false });
  const metadata = clusterObjectMeta(spec, name);
  // The reasons do not depend on the names.
  const reasons = reconcilerRules(spec, [spec.credentialsSecretName]).map((r, i) => `${i}: ${r.reason}`).join('\n');
  // An ApiObject rather than KubeRole: its props may hold a Lazy, resolved at synth.
  new ApiObject(scope, 'Role', {
    ...k8s.KubeRole.GVK,
    metadata: { ...metadata, annotations: { ...metadata.annotations, [RULE_REASONS_ANNOTATION]: reasons } },
    rules: Lazy.any({ produce: () => reconcilerRules(spec, secretNames()).map((r) => r.rule) }),
  });
  new k8s.KubeRoleBinding(scope, 'RoleBinding', {
    metadata: clusterObjectMeta(spec, name),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace: spec.namespace }],
  });
}
