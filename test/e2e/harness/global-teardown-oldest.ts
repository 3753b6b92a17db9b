/** globalTeardown of the `e2e-oldest` project (its own file: see global-setup-oldest.ts). */
export { default } from './global-teardown';
