/**
 * The contract between the constructs (synth time) and the reconciler (run
 * time): the only module both halves import. It imports neither.
 */
export * from './desired-state';
export * from './labels';
export * from './names';
export * from './ports';
export * from './sidecar';
export * from './redis-software';
export * from './secret-names';
export * from './status-health';
