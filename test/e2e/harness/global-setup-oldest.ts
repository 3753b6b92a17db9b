/**
 * globalSetup of the `e2e-oldest` project. jest runs a globalSetup module once
 * per file path, whatever the number of projects naming it, so each plane's
 * project needs its own file; the project config (globals.E2E_PLANE) does the rest.
 */
export { default } from './global-setup';
