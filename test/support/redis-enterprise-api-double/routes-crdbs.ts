/** /v1/crdbs and /v1/crdb_tasks. */
import { notFound } from './errors';
import { Route, objectBody, ok } from './router';

export const crdbRoutes: Route[] = [
  { method: 'GET', pattern: /^\/v1\/crdbs$/, access: 'cluster', handle: (_ctx, c) => ok(c.crdbs.list().map((r) => c.crdbs.json(r))) },
  { method: 'POST', pattern: /^\/v1\/crdbs$/, access: 'cluster', handle: (ctx, c) => ok(c.crdbs.create(objectBody(ctx))) },
  {
    method: 'GET', pattern: /^\/v1\/crdbs\/([^/]+)$/, access: 'cluster',
    handle: (ctx, c) => {
      const rec = c.crdbs.get(ctx.params[0]);
      if (!rec) throw notFound(`Active-Active database ${ctx.params[0]}`);
      return ok(c.crdbs.json(rec));
    },
  },
  { method: 'PATCH', pattern: /^\/v1\/crdbs\/([^/]+)$/, access: 'cluster', handle: (ctx, c) => ok(c.crdbs.patch(ctx.params[0], objectBody(ctx))) },
  { method: 'POST', pattern: /^\/v1\/crdbs\/([^/]+)\/updates$/, access: 'cluster', handle: (ctx, c) => ok(c.crdbs.updateInstances(ctx.params[0], objectBody(ctx))) },
  { method: 'POST', pattern: /^\/v1\/crdbs\/([^/]+)\/upgrade$/, access: 'cluster', handle: (ctx, c) => ok(c.crdbs.upgrade(ctx.params[0], objectBody(ctx))) },
  { method: 'DELETE', pattern: /^\/v1\/crdbs\/([^/]+)$/, access: 'cluster', handle: (ctx, c) => ok(c.crdbs.delete(ctx.params[0])) },
  {
    method: 'GET', pattern: /^\/v1\/crdb_tasks\/([^/]+)$/, access: 'cluster',
    handle: (ctx, c) => {
      const json = c.crdbs.taskJson(ctx.params[0]);
      if (!json) throw notFound(`task ${ctx.params[0]}`);
      return ok(json);
    },
  },
];
