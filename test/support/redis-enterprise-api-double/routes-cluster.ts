/** /v1/cluster, /v1/nodes, /v1/nodes/status, /v1/license. */
import { notFound } from './errors';
import { Route, intParam, objectBody, ok } from './router';

export const clusterRoutes: Route[] = [
  { method: 'GET', pattern: /^\/v1\/cluster$/, access: 'cluster', handle: (_ctx, c) => ok(c.clusterJson()) },
  {
    method: 'PUT', pattern: /^\/v1\/cluster$/, access: 'cluster',
    handle: (ctx, c) => {
      const body = objectBody(ctx);
      if (!ctx.query.has('dry_run')) c.updateCluster(body);
      return ok(c.clusterJson());
    },
  },
  { method: 'GET', pattern: /^\/v1\/nodes$/, access: 'cluster', handle: (_ctx, c) => ok(c.nodes().map((n) => c.nodeJson(n))) },
  { method: 'GET', pattern: /^\/v1\/nodes\/status$/, access: 'cluster', handle: (_ctx, c) => ok(c.nodesStatusJson()) },
  {
    method: 'GET', pattern: /^\/v1\/nodes\/(\d+)$/, access: 'cluster',
    handle: (ctx, c) => {
      const node = c.node(intParam(ctx.params[0]));
      if (!node) throw notFound(`node ${ctx.params[0]}`);
      return ok(c.nodeJson(node));
    },
  },
  {
    method: 'GET', pattern: /^\/v1\/nodes\/(\d+)\/status$/, access: 'cluster',
    handle: (ctx, c) => {
      const status = c.nodesStatusJson()[ctx.params[0]];
      if (!status) throw notFound(`node ${ctx.params[0]}`);
      return ok(status);
    },
  },
  { method: 'GET', pattern: /^\/v1\/license$/, access: 'cluster', handle: (_ctx, c) => ok(c.licenseJson()) },
  {
    method: 'PUT', pattern: /^\/v1\/license$/, access: 'cluster',
    handle: (ctx, c) => {
      c.setLicense(objectBody(ctx));
      return ok(c.licenseJson());
    },
  },
];
