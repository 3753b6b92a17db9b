export * from './cluster';
export * from './desired-state';
export { Finding, FindingSeverity } from './validation/finding';
export { setWarningSink, WarningSink } from './validation/register';
