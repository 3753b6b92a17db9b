/**
 * An Argo CD Application for one Kubernetes cluster's rendered folder, with
 * the sync options a stateful Redis Enterprise cluster needs:
 * - server-side apply (the StatefulSet and CRDs are large; field ownership is
 *   shared with the reconciler and the StatefulSet controller);
 * - `RespectIgnoreDifferences=true`, so a sync never overwrites what the
 *   reconciler writes at run time (the `<rec>-status` ConfigMap's data);
 * - a failed sync is retried without limit (backing off to every 3 minutes),
 *   so an apply that fails until the reconciler has done its part (the
 *   StatefulSet of a volume expansion) heals itself;
 * - automated sync with self-heal and prune; the stateful objects opt out of
 *   prune and delete by annotation (sync-waves.ts), and the Application has
 *   no resources finalizer, so deleting it deletes nothing.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { clusterObjectNames } from '../contract/names';
import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { addFindingsValidation } from '../validation/register';

export const APPLICATION_API_VERSION = 'argoproj.io/v1alpha1';

export interface ArgoCdApplicationTarget {
  /** The Redis Enterprise cluster's name and namespace (to name the run-time objects to ignore). */
  readonly clusterName: string;
  readonly namespace: string;
  /** Folder of the rendered manifests in the repository, e.g. `examples/manifests/active-active/us-east`. */
  readonly path: string;
  /** The destination cluster's API URL as registered in Argo CD (exactly one of server and clusterName). */
  readonly server?: string;
  /** The destination cluster's name as registered in Argo CD. */
  readonly destinationName?: string;
}

export interface RedisEnterpriseArgoCdApplicationProps extends ArgoCdApplicationTarget {
  /** Application name (a DNS label). */
  readonly name: string;
  /** Git repository URL (`https://`, `ssh://`, `git@` or `file://`). */
  readonly repoUrl: string;
  /** @default 'HEAD' */
  readonly targetRevision?: string;
  /** Namespace Argo CD watches for Applications. @default 'argocd' */
  readonly argoCdNamespace?: string;
  /** @default 'default' */
  readonly project?: string;
  /** Let Argo CD create the destination namespace. @default true */
  readonly createNamespace?: boolean;
  /** Automated sync with self-heal and prune. @default true */
  readonly automated?: boolean;
}

/** Sync options every Application of the library gets. */
export const APPLICATION_SYNC_OPTIONS = ['ServerSideApply=true', 'RespectIgnoreDifferences=true'];

/** Fields the reconciler owns at run time on objects that are in git. */
export function runTimeIgnoreDifferences(clusterName: string, namespace: string): Array<Record<string, unknown>> {
  const names = clusterObjectNames(clusterName, namespace);
  return [
    // The placeholder status ConfigMap: the reconciler writes status.json and its health verdict.
    { group: '', kind: 'ConfigMap', name: names.statusConfigMap, namespace, jsonPointers: ['/data'] },
  ];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function validate(props: RedisEnterpriseArgoCdApplicationProps): Finding[] {
  const findings: Finding[] = [];
  if (!DNS_LABEL.test(props.name)) {
    findings.push(finding('REGIT101', 'name', `"${props.name}" is not a DNS label`));
  }
  if ((props.server === undefined) === (props.destinationName === undefined)) {
    findings.push(finding('REGIT102', 'server', 'exactly one of server and destinationName must be set'));
  }
  if (!/^(https?:\/\/|ssh:\/\/|git@|file:\/\/)/.test(props.repoUrl)) {
    findings.push(finding('REGIT103', 'repoUrl', `"${props.repoUrl}" is not a git repository URL`));
  }
  if (props.path === '' || props.path.startsWith('/') || props.path.split('/').includes('..')) {
    findings.push(finding('REGIT104', 'path', `"${props.path}" is not a folder inside the repository`));
  }
  return findings;
}

export class RedisEnterpriseArgoCdApplication extends Construct {
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: RedisEnterpriseArgoCdApplicationProps) {
    super(scope, id);
    addFindingsValidation(this, 'the Argo CD Application', () => validate(props));
    const syncOptions = [...APPLICATION_SYNC_OPTIONS, ...((props.createNamespace ?? true) ? ['CreateNamespace=true'] : [])];
    this.apiObject = new ApiObject(this, 'application', {
      apiVersion: APPLICATION_API_VERSION,
      kind: 'Application',
      metadata: { name: props.name, namespace: props.argoCdNamespace ?? 'argocd' },
      spec: {
        project: props.project ?? 'default',
        source: { repoURL: props.repoUrl, targetRevision: props.targetRevision ?? 'HEAD', path: props.path, directory: { recurse: true } },
        destination: { ...(props.server ? { server: props.server } : { name: props.destinationName }), namespace: props.namespace },
        syncPolicy: {
          ...((props.automated ?? true) ? { automated: { prune: true, selfHeal: true } } : {}),
          syncOptions,
          // Unlimited retries (-1), backing off to one every 3 minutes: auto-sync never re-attempts a
          // failed sync of the same revision by itself (Argo CD 3.2 appcontroller autoSync), and the
          // StatefulSet apply of a volume expansion fails on the immutable claim templates until the
          // reconciler has expanded every claim and deleted the StatefulSet (orphan), which can take
          // longer than a bounded number of retries.
          retry: { limit: -1, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
        },
        ignoreDifferences: runTimeIgnoreDifferences(props.clusterName, props.namespace),
      },
    });
  }
}
