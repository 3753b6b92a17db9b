import { App, Chart, Testing } from 'cdk8s';
import { RedisEnterpriseCluster, RedisEnterpriseClusterProps } from '../../lib';

/** A chart in a fresh app, with a namespace unless told otherwise. */
export function testChart(namespace: string | undefined = 'redis', app: App = Testing.app()): Chart {
  return new Chart(app, `chart-${namespace ?? 'none'}`, { namespace });
}

/** Synthesizes one cluster and returns the objects of its chart. */
export function synthCluster(props: RedisEnterpriseClusterProps = {}, namespace = 'redis'): any[] {
  const chart = testChart(namespace);
  new RedisEnterpriseCluster(chart, 'rec', props);
  return Testing.synth(chart);
}

export function findObject(objects: any[], kind: string, name: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind}/${name} among ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return found;
}

export function container(objects: any[], name: string, sts = 'rec'): any {
  const c = findObject(objects, 'StatefulSet', sts).spec.template.spec.containers.find((x: any) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

/**
 * Runs `build` and synthesizes the whole app; returns the validation error
 * lines (one per finding). Fails the test if synthesis throws anything but a
 * validation error (e.g. a TypeError), or does not throw at all.
 */
export function validationErrors(build: (app: App) => void): string[] {
  const app = Testing.app();
  build(app);
  try {
    app.synthYaml();
  } catch (e) {
    const message = (e as Error).message;
    if (!(e instanceof Error) || e.constructor !== Error || !message.startsWith('Validation failed with the following errors:')) {
      throw new Error(`expected a validation error, got ${(e as Error).name}: ${message}`);
    }
    return message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected a validation error, but synthesis succeeded');
}

/** Validation errors of a single cluster declared with `props`. */
export function clusterErrors(props: RedisEnterpriseClusterProps, namespace = 'redis'): string[] {
  return validationErrors((app) => new RedisEnterpriseCluster(testChart(namespace, app), 'rec', props));
}

/** The rule codes in a list of validation error lines. */
export function ruleCodes(errors: string[]): string[] {
  return [...new Set(errors.map((e) => /\] (RE[A-Z]*\d{3}) /.exec(e)?.[1] ?? `unparsed: ${e}`))].sort();
}

/**
 * Builds and synthesizes an app; passes when it synthesizes or fails with
 * validation findings only. Anything else (a TypeError from inside the
 * library, cdk8s's own errors) fails, naming the exception.
 */
export function expectFindingsOrYaml(build: (app: App) => void): void {
  const app = Testing.app();
  try {
    build(app);
    app.synthYaml();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!(e instanceof Error) || e.constructor !== Error || !message.startsWith('Validation failed with the following errors:') || /internal error while validating/.test(message)) {
      throw new Error(`unexpected ${e instanceof Error ? e.name : typeof e}: ${message}`);
    }
  }
}
