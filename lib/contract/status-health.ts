/**
 * Keys of the `<rec>-status` ConfigMap that carry the cluster's health as
 * flat strings, beside `status.json`: Argo CD's Lua health checks have no
 * JSON decoder, so the reconciler states the verdict and the construct side
 * ships the check that reads it (lib/gitops/status-health.ts).
 */
export const STATUS_HEALTH_KEY = 'health';
export const STATUS_HEALTH_MESSAGE_KEY = 'health-message';

/** Argo CD's health codes the reconciler reports. */
export type StatusHealth = 'Healthy' | 'Progressing' | 'Degraded';
