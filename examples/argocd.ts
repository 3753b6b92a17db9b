/**
 * The Argo CD side of the examples: one Application per Kubernetes cluster,
 * each syncing its committed rendered folder (production-cluster, and the two
 * Active-Active clusters). Apply these to the namespace Argo CD watches; they
 * are not in the folders they sync.
 *
 *   npm run synth   # writes examples/manifests/argocd/
 */
import { App, Chart } from 'cdk8s';
import { RedisEnterpriseArgoCdApplication } from '../lib';

export interface ArgoCdExampleOptions {
  /** Git repository holding examples/manifests/. */
  readonly repoUrl: string;
  /** @default 'HEAD' */
  readonly targetRevision?: string;
  /** Destination API URL per Kubernetes cluster (as registered in Argo CD). */
  readonly servers: { production: string; usEast: string; euWest: string };
  /** Rendered folders relative to the repository root. @default examples/manifests/... */
  readonly paths?: { production?: string; usEast?: string; euWest?: string };
  /** @default 'redis' */
  readonly namespace?: string;
  /** @default 'argocd' */
  readonly argoCdNamespace?: string;
  /** Automated sync (self-heal, prune). @default true */
  readonly automated?: boolean;
}

export function argoCdApplicationsChart(app: App, o: ArgoCdExampleOptions): Chart {
  const chart = new Chart(app, 'argocd', { disableResourceNameHashes: true });
  const namespace = o.namespace ?? 'redis';
  const common = { repoUrl: o.repoUrl, targetRevision: o.targetRevision, namespace, automated: o.automated, argoCdNamespace: o.argoCdNamespace };
  new RedisEnterpriseArgoCdApplication(chart, 'production', {
    ...common, name: 'redis-production', clusterName: 'rec', server: o.servers.production,
    path: o.paths?.production ?? 'examples/manifests/production-cluster',
  });
  new RedisEnterpriseArgoCdApplication(chart, 'us-east', {
    ...common, name: 'redis-us-east', clusterName: 'rec-east', server: o.servers.usEast,
    path: o.paths?.usEast ?? 'examples/manifests/active-active/us-east',
  });
  new RedisEnterpriseArgoCdApplication(chart, 'eu-west', {
    ...common, name: 'redis-eu-west', clusterName: 'rec-west', server: o.servers.euWest,
    path: o.paths?.euWest ?? 'examples/manifests/active-active/eu-west',
  });
  return chart;
}

export function synth(outdir: string): void {
  const app = new App({ outdir });
  argoCdApplicationsChart(app, {
    repoUrl: 'https://github.com/example/redis-gitops.git',
    servers: { production: 'https://production.k8s.example.com', usEast: 'https://us-east.k8s.example.com', euWest: 'https://eu-west.k8s.example.com' },
  });
  app.synth();
}
