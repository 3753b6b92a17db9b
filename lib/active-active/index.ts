export * from './remote-cluster';
export * from './active-active-database';
