/**
 * TEST DOUBLE of the Redis Enterprise REST API (documented subset used by the
 * reconciler). Test code only; see README.md in this folder.
 */
export { RedisEnterpriseApiDouble } from './server';
export type { RedisEnterpriseApiDoubleOptions, StartedApiDouble } from './server';
export { ApiDoubleClusterRegistry, defaultRegistry } from './cluster-registry';
export type { ApiDoubleRegistryOptions } from './cluster-registry';
export { ApiDoubleCluster } from './cluster-state';
export { ManualClock, systemClock } from './clock';
export type { Clock } from './clock';
export { FaultInjector } from './faults';
export type { FaultSpec, FaultMatch, FaultHandle, FaultKind } from './faults';
export { RequestLog } from './request-log';
export type { RequestLogEntry, RequestFilter } from './request-log';
export { DEFAULT_POLICY, DEFAULT_TIMING } from './policy';
export type { ApiDoublePolicy, ApiDoubleTiming } from './policy';
export type { ActionFailureSpec } from './actions';
export type { BdbRecord, NodeRecord, ShardRecord, BdbStatus, MaintenanceState, NodeSnapshot } from './types';
export { selfSignedCertificate } from './tls';
export type { TlsMaterial } from './tls';
export { CERTIFICATE_NAMES } from './certificates';
export type { NodeActionName } from './node-actions';
export type { CrdbRecord } from './crdbs';
export type { BootstrapState } from './bootstrap';
export { PersistentVolume } from './persistent-volume';
export type { ApiDoubleSoftwareVersion } from './policy';
export { PasswordList } from './passwords';
export type { PasswordChange, PasswordChangeKind } from './passwords';
export { bdbPasswords } from './routes-bdb-extras';
