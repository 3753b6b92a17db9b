export * from './annotations';
export * from './sync-waves';
export * from './status-health';
export * from './application';
export * from './unsafe-changes';
