/**
 * A whole cdk8s app for the cold-synth benchmark, run as a fresh process:
 * `cold-app.ts <ours|baseline> <outdir>` synthesizes 1 cluster (3 nodes)
 * with 10 databases and writes the YAML to <outdir>, as `cdk8s synth`
 * would. Each side loads only its own code (the baseline never loads the
 * library); bench/cold-synth.ts checks that the two files hold the same
 * objects, field by field.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';

const NAMESPACE = 'redis';
const DATABASES = 10;
const names = Array.from({ length: DATABASES }, (_, i) => `db-${String(i).padStart(4, '0')}`);
const ports = names.map((_, i) => 10000 + i);

function ours(chart: Chart): void {
  const lib = require('../lib') as typeof import('../lib');
  const cluster = new lib.RedisEnterpriseCluster(chart, 'rec', {
    name: 'rec', rackAwarenessNodeLabel: 'topology.kubernetes.io/zone', persistence: { storageClassName: 'premium-rwo' },
  });
  names.forEach((name, i) => new lib.RedisEnterpriseDatabase(chart, name, { cluster, memorySize: '100MB', port: ports[i] }));
}

function baseline(chart: Chart): void {
  const plain = require('./baseline/plain-databases') as typeof import('./baseline/plain-databases');
  plain.addPlainClusterWithDatabases(chart, NAMESPACE, 3, names, ports);
}

const [side, outdir] = process.argv.slice(2);
const app = new App();
(side === 'ours' ? ours : baseline)(new Chart(app, NAMESPACE, { namespace: NAMESPACE }));
fs.mkdirSync(outdir, { recursive: true });
fs.writeFileSync(path.join(outdir, 'app.k8s.yaml'), app.synthYaml());
