/**
 * Health that tells the truth. Argo CD assesses only the objects in git, and
 * the Redis Enterprise cluster's real state (formed? databases created?) only
 * exists in the `<rec>-status` ConfigMap the reconciler leader writes. So the
 * library puts that ConfigMap in git as an empty placeholder, in the last
 * sync wave; the reconciler fills it (`status.json`, plus its verdict as flat
 * keys `health` and `health-message`, because Argo CD's Lua has no JSON
 * decoder) and the Application ignores its data. A Lua health check for
 * ConfigMaps, shipped here for `argocd-cm`, reads the verdict:
 *
 * - no verdict yet, the cluster forming, a database pending: Progressing
 * - the desired state invalid, the cluster in Error, a declared database
 *   refused or failing: Degraded, with the reason
 * - a day-2 operation running (e.g. a rolling upgrade): Progressing; one
 *   blocked or failed (a replaced node that does not come back, an
 *   unsupported upgrade path): Degraded, with the operation's message
 * - everything converged: Healthy.
 *
 * This is what keeps an image change honest in Argo CD: the StatefulSet
 * updates pods `OnDelete` (the reconciler replaces them one by one), so
 * Argo CD's own StatefulSet check says Healthy as soon as the new template
 * is stored, while the pods still run the old image.
 *
 * Argo CD registers a health check per kind, so the check sees every
 * ConfigMap; those without the label are reported Healthy (a ConfigMap has
 * no health of its own), so they neither gate a sync wave nor change health.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { clusterLabels } from '../contract/labels';
import { clusterObjectNames } from '../contract/names';
import { STATUS_HEALTH_KEY, STATUS_HEALTH_MESSAGE_KEY } from '../contract/status-health';
import { STATUS_HEALTH_LABEL, STATUS_HEALTH_LABEL_VALUE } from './annotations';

/** The `argocd-cm` key of the health check. */
export const STATUS_HEALTH_CUSTOMIZATION_KEY = 'resource.customizations.health.ConfigMap';

export const STATUS_HEALTH_LUA = `hs = {}
local labels = (obj.metadata and obj.metadata.labels) or {}
if labels["${STATUS_HEALTH_LABEL}"] ~= "${STATUS_HEALTH_LABEL_VALUE}" then
  hs.status = "Healthy"
  return hs
end
local data = obj.data or {}
local verdict = data["${STATUS_HEALTH_KEY}"]
if verdict == "Healthy" or verdict == "Progressing" or verdict == "Degraded" then
  hs.status = verdict
  hs.message = data["${STATUS_HEALTH_MESSAGE_KEY}"]
  return hs
end
hs.status = "Progressing"
hs.message = "waiting for the reconciler's first status report"
return hs
`;

/** What `argocd-cm` needs for the health check (merge it into yours). */
export function argoCdResourceCustomizations(): Record<string, string> {
  return { [STATUS_HEALTH_CUSTOMIZATION_KEY]: STATUS_HEALTH_LUA };
}

export interface ArgoCdClusterHealthProps {
  /** The cluster's name (`RedisEnterpriseCluster.name`). */
  readonly clusterName: string;
  /** The cluster's namespace (`RedisEnterpriseCluster.namespace`). */
  readonly namespace: string;
}

/** The placeholder `<rec>-status` ConfigMap that carries the cluster's health into Argo CD. */
export class ArgoCdClusterHealth extends Construct {
  public readonly configMapName: string;

  constructor(scope: Construct, id: string, props: ArgoCdClusterHealthProps) {
    super(scope, id);
    this.configMapName = clusterObjectNames(props.clusterName, props.namespace).statusConfigMap;
    new ApiObject(this, 'status', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: this.configMapName,
        namespace: props.namespace,
        labels: { ...clusterLabels(props.clusterName), [STATUS_HEALTH_LABEL]: STATUS_HEALTH_LABEL_VALUE },
      },
    });
  }
}
