/** Argo CD's annotation names (argo-cd docs: "Sync Phases and Waves", "Sync Options"). */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/**
 * Label of the `<rec>-status` ConfigMap the library synthesizes for Argo CD:
 * the shipped health check (status-health.ts) assesses only ConfigMaps that
 * carry it. The reconciler keeps the live labels when it rewrites the status.
 */
export const STATUS_HEALTH_LABEL = 'redis.io/argocd-health';
export const STATUS_HEALTH_LABEL_VALUE = 'cluster-status';
