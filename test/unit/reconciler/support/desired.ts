/**
 * Desired-state fixtures for reconciler tests, produced the way users
 * produce them: constructs synthesized in a cdk8s App, then the ConfigMap
 * `<rec>-desired-state` (key `desired-state.json`) read back with the
 * reconciler's own parser. Nothing here writes a document by hand.
 */
import * as fs from 'node:fs';
import { App, Chart, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import {
  DESIRED_STATE_KEY, DesiredDatabase, DesiredState, parseDesiredState,
} from '../../../../lib/contract/desired-state';
import { RedisEnterpriseCluster, RedisEnterpriseClusterProps } from '../../../../lib/cluster';
import { RedisEnterpriseDatabase, RedisEnterpriseDatabaseProps } from '../../../../lib/database';

export const MiB = 1024 * 1024;

/** A database of the fixture: its name plus any construct props. */
export type FixtureDatabase = { name: string } & Omit<RedisEnterpriseDatabaseProps, 'cluster' | 'name'>;

export interface FixtureOptions {
  /** @default 'rec' */
  name?: string;
  /** @default 'redis' */
  namespace?: string;
  /** @default 3 */
  nodes?: number;
  databases?: FixtureDatabase[];
  /** More props of the RedisEnterpriseCluster. */
  cluster?: Omit<RedisEnterpriseClusterProps, 'name' | 'nodes'>;
  /** Adds more constructs (e.g. Active-Active) to the chart. */
  build?: (chart: Chart, cluster: RedisEnterpriseCluster) => void;
}

export interface Fixture {
  /** Every synthesized object, as plain JSON (what `kubectl apply` would get). */
  objects: any[];
  state: DesiredState;
  /** The synthesized ConfigMap `<rec>-desired-state`. */
  configMap: any;
}

/** The `<rec>-desired-state` ConfigMap among synthesized objects, parsed. */
export function desiredStateIn(objects: any[], clusterName: string): { configMap: any; state: DesiredState } {
  const configMap = objects.find((o) => o?.kind === 'ConfigMap' && o.metadata?.name === `${clusterName}-desired-state`);
  if (!configMap) throw new Error(`no ConfigMap ${clusterName}-desired-state among the synthesized objects`);
  return { configMap, state: parseDesiredState(configMap.data[DESIRED_STATE_KEY]) };
}

/** Synthesizes an app (validations included, as `cdk8s synth`); the fixture of its cluster `clusterName`. */
export function synthesizeApp(build: (app: App) => void, clusterName: string): Fixture {
  const app = Testing.app();
  try {
    build(app);
    const objects = (yaml.loadAll(app.synthYaml()) as any[]).filter((x) => x);
    return { objects, ...desiredStateIn(objects, clusterName) };
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

/** Synthesizes one cluster and its databases. */
export function synthesize(o: FixtureOptions = {}): Fixture {
  const name = o.name ?? 'rec';
  return synthesizeApp((app) => {
    const chart = new Chart(app, 'fixture', { namespace: o.namespace ?? 'redis' });
    const cluster = new RedisEnterpriseCluster(chart, 'rec', { ...o.cluster, name, nodes: o.nodes ?? 3 });
    for (const { name: db, ...props } of o.databases ?? []) {
      new RedisEnterpriseDatabase(chart, db, { memorySize: '100MB', ...props, cluster });
    }
    o.build?.(chart, cluster);
  }, name);
}

/** The desired state of a synthesized cluster with `databases`. */
export function desiredState(cluster: string, namespace: string, nodes: number, databases: FixtureDatabase[] = []): DesiredState {
  return synthesize({ name: cluster, namespace, nodes, databases }).state;
}

/**
 * One synthesized database (100MB, port `port`) as the reconciler parses it;
 * `overrides` then change fields of that document, for decision-logic tests
 * about values the constructs would not produce together.
 */
export function database(name: string, port: number, overrides: Partial<DesiredDatabase> = {}): DesiredDatabase {
  return { ...desiredState('rec', 'redis', 3, [{ name, port }]).databases[0], ...overrides };
}
