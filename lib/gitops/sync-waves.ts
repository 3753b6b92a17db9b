/**
 * Argo CD sync waves for every object of a chart, chosen in one pass over
 * its ApiObjects when the app synthesizes (so the builders of the cluster,
 * database, networking and monitoring constructs know nothing about Argo CD).
 *
 * Argo CD applies wave by wave and waits for each wave to be healthy, so the
 * order is: what pods need to be admitted (PriorityClass, ServiceAccount,
 * RBAC), then what they read (ConfigMaps, Secrets), then the cluster itself
 * (its Services, PDB and StatefulSet), then what exposes and watches it, and
 * last the status document whose health says whether the cluster formed and
 * its databases exist.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { STATUS_HEALTH_LABEL, SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION } from './annotations';

/** The stages objects are grouped in, in the order Argo CD applies them. */
export enum SyncStage {
  /** Namespaces and CRDs. */
  FOUNDATION = 'foundation',
  /** PriorityClass, ServiceAccount, Role/ClusterRole and their bindings, NetworkPolicy, StorageClass. */
  PREREQUISITES = 'prerequisites',
  /** ConfigMaps (the desired state) and Secrets. */
  CONFIGURATION = 'configuration',
  /** The cluster's own Services, its PodDisruptionBudget and StatefulSet. */
  CLUSTER = 'cluster',
  /** Database Services, Ingress, Route, Gateway, VirtualService. */
  EXPOSURE = 'exposure',
  /** ServiceMonitor, PrometheusRule. */
  MONITORING = 'monitoring',
  /** The `<rec>-status` ConfigMap: Healthy once the reconciler reports the cluster and its databases converged. */
  HEALTH = 'health',
}

/** @default waves: foundation -3, prerequisites -2, configuration -1, cluster 0, exposure 1, monitoring 2, health 3 */
export const DEFAULT_SYNC_WAVES: Readonly<Record<SyncStage, number>> = {
  [SyncStage.FOUNDATION]: -3,
  [SyncStage.PREREQUISITES]: -2,
  [SyncStage.CONFIGURATION]: -1,
  [SyncStage.CLUSTER]: 0,
  [SyncStage.EXPOSURE]: 1,
  [SyncStage.MONITORING]: 2,
  [SyncStage.HEALTH]: 3,
};

const STAGE_OF_KIND: Record<string, SyncStage> = {
  Namespace: SyncStage.FOUNDATION,
  CustomResourceDefinition: SyncStage.FOUNDATION,
  PriorityClass: SyncStage.PREREQUISITES,
  ServiceAccount: SyncStage.PREREQUISITES,
  Role: SyncStage.PREREQUISITES,
  RoleBinding: SyncStage.PREREQUISITES,
  ClusterRole: SyncStage.PREREQUISITES,
  ClusterRoleBinding: SyncStage.PREREQUISITES,
  NetworkPolicy: SyncStage.PREREQUISITES,
  StorageClass: SyncStage.PREREQUISITES,
  ConfigMap: SyncStage.CONFIGURATION,
  Secret: SyncStage.CONFIGURATION,
  PodDisruptionBudget: SyncStage.CLUSTER,
  StatefulSet: SyncStage.CLUSTER,
  Ingress: SyncStage.EXPOSURE,
  Route: SyncStage.EXPOSURE,
  Gateway: SyncStage.EXPOSURE,
  VirtualService: SyncStage.EXPOSURE,
  ServiceMonitor: SyncStage.MONITORING,
  PrometheusRule: SyncStage.MONITORING,
};

/** Database Services carry `redis.io/bdb`; the cluster's own ones do not. */
const DATABASE_LABEL = 'redis.io/bdb';

/** The stage of one object, from its kind and the labels the library gives it. */
export function syncStageOf(obj: ApiObject): SyncStage {
  if (obj.kind === 'ConfigMap' && obj.metadata.getLabel(STATUS_HEALTH_LABEL)) return SyncStage.HEALTH;
  if (obj.kind === 'Service') return obj.metadata.getLabel(DATABASE_LABEL) ? SyncStage.EXPOSURE : SyncStage.CLUSTER;
  return STAGE_OF_KIND[obj.kind] ?? SyncStage.EXPOSURE;
}

/**
 * Objects whose loss loses data: never pruned when they leave git, never
 * deleted with the Application. The StatefulSet's claims are not in git (the
 * StatefulSet controller makes them), and its `persistentVolumeClaimRetentionPolicy`
 * keeps them; the StatefulSet itself and the desired-state ConfigMap (whose
 * removal would leave the reconcilers with nothing to reconcile) are protected here.
 */
function protectsData(obj: ApiObject): boolean {
  return obj.kind === 'StatefulSet' || obj.kind === 'PersistentVolumeClaim'
    || (obj.kind === 'ConfigMap' && obj.name.endsWith('-desired-state'));
}
export const PROTECTED_SYNC_OPTIONS = 'Prune=false,Delete=false';

export interface SyncWaveProps {
  /** Wave per stage; stages not given keep {@link DEFAULT_SYNC_WAVES}. */
  readonly waves?: Partial<Record<SyncStage, number>>;
  /** Wave per object, keyed `<Kind>/<name>` (e.g. `Service/rec-ui`); wins over the stage's wave. */
  readonly objectWaves?: Record<string, number>;
  /**
   * Add `argocd.argoproj.io/sync-options: Prune=false,Delete=false` to the StatefulSet, PVCs and the desired-state ConfigMap.
   * @default true
   */
  readonly protectStatefulObjects?: boolean;
}

/**
 * Annotates every ApiObject under `scope` with its sync wave (and the data
 * protection sync options). Idempotent; an annotation set by the user on an
 * object wins.
 */
export function applySyncWaves(scope: IConstruct, props: SyncWaveProps = {}): void {
  const waves = { ...DEFAULT_SYNC_WAVES, ...props.waves };
  for (const obj of scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
    // Rendered, so annotations set by a JSON patch count as set too.
    const annotations: Record<string, string> = obj.toJson().metadata?.annotations ?? {};
    if (annotations[SYNC_WAVE_ANNOTATION] === undefined) {
      const wave = props.objectWaves?.[`${obj.kind}/${obj.name}`] ?? waves[syncStageOf(obj)];
      obj.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(wave));
    }
    if ((props.protectStatefulObjects ?? true) && protectsData(obj) && annotations[SYNC_OPTIONS_ANNOTATION] === undefined) {
      obj.metadata.addAnnotation(SYNC_OPTIONS_ANNOTATION, PROTECTED_SYNC_OPTIONS);
    }
  }
}

/**
 * Gives every object of its chart an Argo CD sync wave when the app
 * synthesizes (`app.synth()`, `app.synthYaml()`, `chart.toJson()`,
 * `cdk8s synth`): cdk8s validates every construct first, and this pass runs
 * in that validation, after every construct exists, so objects added after
 * this construct are covered too.
 */
export class ArgoCdSyncWaves extends Construct {
  constructor(scope: Construct, id: string, props: SyncWaveProps = {}) {
    super(scope, id);
    // cdk8s runs validations first thing in synth, before any object is rendered.
    this.node.addValidation({ validate: () => { applySyncWaves(scope, props); return []; } });
  }
}
