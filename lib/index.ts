export * from './cluster';
export * from './database';
export * from './active-active';
export * from './networking';
export * from './monitoring';
export * from './contract/desired-state';
export { Finding, FindingSeverity } from './validation/finding';
export { setWarningSink, WarningSink } from './validation/register';
export * from './gitops';
