/**
 * The package as users get it: `npm pack` of a fresh build, installed into a
 * new cdk8s TypeScript app next to cdk8s and the cdk8s CLI from the npm
 * registry, then `cdk8s synth` of an app using every public construct, and
 * a `require()` from plain JavaScript. Catches what the unit tests cannot:
 * files missing from the tarball, typings that do not compile in a user's
 * project, runtime dependencies that are not declared or should not be there.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { expectSchemaValid } from '../support/schema';
import { createConsumerApp, installConsumerApp, installSkipReason } from './consumer-app';
import { packPackage, PackedPackage } from './pack';
import { run, runOk } from './run';

const skipReason = installSkipReason();
if (skipReason) process.stderr.write(`package install tests skipped: ${skipReason}\n`);
const describeInstall = skipReason ? describe.skip : describe;

// Cold: an npm install of cdk8s-cli's dependency tree. Warm: offline install and two syntheses.
jest.setTimeout(15 * 60_000);

function loadObjects(file: string): any[] {
  return yaml.loadAll(fs.readFileSync(file, 'utf8')).filter((o) => o !== null && o !== undefined);
}

function names(objects: any[], kind: string): string[] {
  return objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
}

function desiredState(objects: any[], clusterName: string): any {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${clusterName}-desired-state`);
  if (!cm) throw new Error(`no ConfigMap ${clusterName}-desired-state`);
  return JSON.parse(cm.data['desired-state.json']);
}

/** Every `name` key anywhere in `npm ls --json` output. */
function packageNamesIn(tree: any): string[] {
  return Object.entries(tree.dependencies ?? {}).flatMap(([name, sub]) => [name, ...packageNamesIn(sub)]);
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-redis-enterprise-package-'));
const appDir = path.join(workDir, 'app');
let packed: PackedPackage;

beforeAll(async () => {
  packed = await packPackage(workDir);
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('npm pack', () => {
  test('ships the compiled library, its generated CRD bindings, LICENSE and README, and nothing else', () => {
    expect(packed.files).toEqual(expect.arrayContaining([
      'LICENSE', 'README.md', 'package.json', 'dist/lib/index.js', 'dist/lib/index.d.ts',
      'dist/imports/prometheusrule-monitoring.coreos.com.js', 'dist/imports/servicemonitor-monitoring.coreos.com.js',
      'dist/imports/istio-gateway-networking.istio.io.js', 'dist/imports/istio-virtualservice-networking.istio.io.js',
      'dist/imports/openshift-route-route.openshift.io.js',
    ]));
    const unexpected = packed.files.filter((f) => !['LICENSE', 'README.md', 'package.json'].includes(f) &&
      !/^dist\/(lib|imports)\/.*\.(js|d\.ts)$/.test(f));
    expect(unexpected).toEqual([]);
    expect(packed.files.filter((f) => f.startsWith('dist/lib/reconciler/') || f.startsWith('dist/examples/'))).toEqual([]);
  });

  test('every relative require of a shipped module resolves to a shipped file', () => {
    const shipped = new Set(packed.files);
    const missing: string[] = [];
    // The staging directory's dist is what was packed.
    const stage = path.join(workDir, 'stage');
    for (const file of packed.files.filter((f) => f.endsWith('.js'))) {
      for (const [, spec] of fs.readFileSync(path.join(stage, file), 'utf8').matchAll(/require\("(\.[^"]+)"\)/g)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
        if (![`${target}.js`, `${target}/index.js`, target].some((t) => shipped.has(t))) missing.push(`${file} -> ${spec}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('declares no runtime dependencies beyond its cdk8s peers (the reconciler\'s Kubernetes client stays out)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(workDir, 'stage', 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['cdk8s', 'cdk8s-plus-28', 'constructs']);
  });
});

describeInstall('installed into a fresh cdk8s TypeScript app', () => {
  beforeAll(async () => {
    createConsumerApp(appDir, packed.tarball);
    const install = await installConsumerApp(appDir);
    if (install.code !== 0) throw new Error(`npm install of the consumer app failed (exit ${install.code}):\n${install.stderr.slice(-4000)}`);
  });

  test('cdk8s synth of an app using every public construct writes schema-valid YAML with the expected objects', async () => {
    // --no-check-upgrade: the CLI would otherwise ask the registry for a newer version on every run.
    await runOk('npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade'], appDir);
    const east = loadObjects(path.join(appDir, 'dist', 'us-east.k8s.yaml'));
    const west = loadObjects(path.join(appDir, 'dist', 'eu-west.k8s.yaml'));
    expectSchemaValid([...east, ...west]);

    expect(names(east, 'StatefulSet')).toEqual(['rec-east']);
    expect(names(east, 'Ingress')).toEqual(['carts', 'orders', 'rec-east-api']);
    expect(names(east, 'ServiceMonitor')).toEqual(['rec-east-prom']);
    expect(names(east, 'PrometheusRule')).toEqual(['rec-east-alerts']);
    expect(names(east, 'Service')).toEqual(expect.arrayContaining(['carts', 'carts-headless', 'orders', 'orders-headless', 'rec-east']));
    expect(names(west, 'StatefulSet')).toEqual(['rec-west']);
    expect(names(west, 'Gateway')).toEqual(['rec-west-gateway']);
    expect(names(west, 'VirtualService')).toEqual(['carts', 'rec-west-api']);
    expect(names(west, 'Service')).toEqual(expect.arrayContaining(['carts', 'carts-headless', 'rec-west']));
    expect([...east, ...west].filter((o) => o.kind === 'Secret')).toEqual([]);

    const eastState = desiredState(east, 'rec-east');
    expect(eastState.databases.map((d: any) => d.name)).toEqual(['orders']);
    expect(eastState.activeActiveDatabases.map((d: any) => [d.name, d.participants])).toEqual([['carts', ['eu-west', 'us-east']]]);
    expect(eastState.cluster.ldap).toMatchObject({ protocol: 'LDAPS', bindCredentialsSecretName: 'ldap-bind', authorizationAttribute: 'memberOf' });
    const westState = desiredState(west, 'rec-west');
    expect(westState.activeActiveDatabases.map((d: any) => d.name)).toEqual(['carts']);
    expect(westState.remoteClusters.map((r: any) => [r.name, r.local]).sort()).toEqual([['eu-west', true], ['us-east', false]]);
  });

  test('require() from plain JavaScript synthesizes a cluster and a database', async () => {
    const outdir = path.join(workDir, 'plain-js-out');
    await runOk(process.execPath, ['main.js', outdir], appDir);
    const objects = loadObjects(path.join(outdir, 'plain-js.k8s.yaml'));
    expectSchemaValid(objects);
    expect(names(objects, 'StatefulSet')).toEqual(['rec']);
    expect(names(objects, 'Service')).toEqual(expect.arrayContaining(['cache', 'cache-headless']));
    expect(objects.every((o) => o.metadata.namespace === undefined || o.metadata.namespace === 'redis-js')).toBe(true);
  });

  test('brings no @kubernetes/client-node into the app, and satisfies its peers', async () => {
    const ls = await run('npm', ['ls', '@kubernetes/client-node', '--all', '--json'], appDir);
    expect(packageNamesIn(JSON.parse(ls.stdout))).not.toContain('@kubernetes/client-node');
    expect(fs.existsSync(path.join(appDir, 'node_modules', '@kubernetes', 'client-node'))).toBe(false);
    const peers = await run('npm', ['ls', 'cdk8s-redis-enterprise', '--json'], appDir);
    const tree = JSON.parse(peers.stdout);
    expect(tree.problems ?? []).toEqual([]);
    expect(tree.dependencies['cdk8s-redis-enterprise'].version).toBe(require('../../package.json').version);
  });
});
