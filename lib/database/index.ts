export * from './database';
export * from './database-props';
