#!/usr/bin/env node
/**
 * Entry point of the reconciler sidecar (`redis-enterprise-reconciler`).
 * Reads its configuration from the environment (see `--help`), runs until
 * SIGTERM/SIGINT, then stops watches, lets the current pass finish, hands
 * the Lease back and exits 0.
 */
import { ConfigError, ENVIRONMENT_HELP, loadConfig } from './config';
import { createLogger, errorMessage } from './logger';
import { startReconciler } from './app';
import { createKubeApi } from '../io/kube-client';
import { KubeConfigError, loadKubeConnection } from '../io/kube-config';
import { reconcilerVersion } from './version';

function help(): string {
  const width = Math.max(...ENVIRONMENT_HELP.map(([k]) => k.length));
  return [
    'redis-enterprise-reconciler: forms the Redis Enterprise cluster, creates its databases and keeps',
    'EndpointSlices, the master label and the status ConfigMap in line with the live cluster.',
    '',
    'Configuration (environment variables):',
    ...ENVIRONMENT_HELP.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(help());
    return 0;
  }
  if (argv.includes('--version')) {
    process.stdout.write(`${reconcilerVersion()}\n`);
    return 0;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n\n${help()}`);
      return 2;
    }
    throw e;
  }
  const log = createLogger(config.logLevel, { pod: config.podName });
  let connection;
  try {
    connection = loadKubeConnection(config.kubeconfig, process.env);
  } catch (e) {
    if (e instanceof KubeConfigError) {
      process.stderr.write(`redis-enterprise-reconciler: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const kube = createKubeApi(connection, config.namespace);
  const running = await startReconciler({ config, kube, log });
  await new Promise<void>((resolve) => {
    const onSignal = (sig: string) => {
      log.info('shutting down', { signal: sig });
      resolve();
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  });
  await running.stop();
  kube.close();
  return 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (e) => {
  process.stderr.write(`redis-enterprise-reconciler: fatal: ${errorMessage(e)}\n`);
  process.exitCode = 1;
});
