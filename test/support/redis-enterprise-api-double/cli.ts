/**
 * The REST double as a tool: `npm run re-api-double -- --port N [--version 8.0|8.2] [--nodes 3] [--cert-file F]`
 * serves N consecutive ports on 127.0.0.1 (one per node, not bootstrapped:
 * bootstrap them as the reconciler would) until interrupted. The HTTPS
 * certificate is printed, or written to --cert-file. Test code only.
 */
import * as fs from 'node:fs';
import { ApiDoubleClusterRegistry } from './cluster-registry';
import type { ApiDoubleSoftwareVersion } from './policy';
import { RedisEnterpriseApiDouble } from './server';

export interface CliOptions { port: number; version: ApiDoubleSoftwareVersion; nodes: number; certFile?: string }

export function parseArgs(argv: string[]): CliOptions {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const port = Number(value('port'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('--port N is required (1-65535)');
  const version = (value('version') ?? '8.2') as ApiDoubleSoftwareVersion;
  if (version !== '8.0' && version !== '8.2') throw new Error('--version must be 8.0 or 8.2');
  const nodes = Number(value('nodes') ?? '1');
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9 || port + nodes - 1 > 65535) throw new Error('--nodes must be 1-9 and fit below port 65536');
  const certFile = value('cert-file');
  return { port, version, nodes, ...(certFile ? { certFile } : {}) };
}

export async function startDoubles(o: CliOptions): Promise<{ nodes: RedisEnterpriseApiDouble[]; urls: string[]; caCertPem: string }> {
  const registry = new ApiDoubleClusterRegistry({ policy: { softwareVersion: o.version } });
  const nodes = Array.from({ length: o.nodes }, (_, i) => new RedisEnterpriseApiDouble({ registry, port: o.port + i }));
  const started = await Promise.all(nodes.map((n) => n.start()));
  return { nodes, urls: started.map((s) => s.url), caCertPem: started[0].caCertPem };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const { nodes, urls, caCertPem } = await startDoubles(o);
  if (o.certFile) fs.writeFileSync(o.certFile, caCertPem);
  process.stdout.write(`Redis Enterprise REST API double (TEST DOUBLE), acting as Redis Software ${o.version}\n`);
  nodes.forEach((n, i) => process.stdout.write(`node ${i + 1}: ${urls[i]}  (its address for join_cluster: ${n.addr})\n`));
  process.stdout.write(o.certFile ? `certificate written to ${o.certFile}\n` : `certificate (trust it as the CA):\n${caCertPem}`);
  const stop = () => { void Promise.all(nodes.map((n) => n.dispose())).then(() => process.exit(0)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e: Error) => {
    process.stderr.write(`re-api-double: ${e.message}\n`);
    process.exit(2);
  });
}
