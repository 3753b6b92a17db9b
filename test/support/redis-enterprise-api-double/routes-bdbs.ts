/** /v1/bdbs and /v1/actions. */
import { notFound } from './errors';
import { Route, intParam, objectBody, ok, selectFields } from './router';

export const bdbRoutes: Route[] = [
  {
    method: 'GET', pattern: /^\/v1\/bdbs$/, access: 'cluster',
    handle: (ctx, c) => ok(c.bdbs.list().map((b) => selectFields(c.bdbs.json(b), ctx.query))),
  },
  {
    method: 'GET', pattern: /^\/v1\/bdbs\/(\d+)$/, access: 'cluster',
    handle: (ctx, c) => {
      const rec = c.bdbs.get(intParam(ctx.params[0]));
      if (!rec) throw notFound(`database ${ctx.params[0]}`);
      return ok(selectFields(c.bdbs.json(rec), ctx.query));
    },
  },
  {
    method: 'POST', pattern: /^\/v1\/bdbs$/, access: 'cluster',
    handle: (ctx, c) => {
      const dryRun = ctx.query.has('dry_run');
      const rec = c.bdbs.create(objectBody(ctx), { dryRun });
      const json = c.bdbs.json(rec);
      // A dry run validates only: there is no database, so no uid or action to report.
      if (dryRun) { delete json.uid; delete json.action_uid; }
      return ok(json);
    },
  },
  {
    method: 'PUT', pattern: /^\/v1\/bdbs\/(\d+)$/, access: 'cluster',
    handle: (ctx, c) => {
      const rec = c.bdbs.update(intParam(ctx.params[0]), objectBody(ctx), { dryRun: ctx.query.has('dry_run') });
      return ok(c.bdbs.json(rec));
    },
  },
  {
    method: 'DELETE', pattern: /^\/v1\/bdbs\/(\d+)$/, access: 'cluster',
    handle: (ctx, c) => {
      c.bdbs.delete(intParam(ctx.params[0]));
      // Documented: "Returns a status code"; no body.
      return ok();
    },
  },
  {
    method: 'GET', pattern: /^\/v1\/actions$/, access: 'cluster',
    // Documented layout: task-style `actions` and `state-machines`; database work runs as state machines.
    handle: (_ctx, c) => ok({ actions: [], 'state-machines': c.actions.all() }),
  },
  {
    method: 'GET', pattern: /^\/v1\/actions\/([^/]+)$/, access: 'cluster',
    handle: (ctx, c) => {
      const json = c.actions.json(ctx.params[0]);
      if (!json) throw notFound(`action ${ctx.params[0]}`);
      return ok(json);
    },
  },
];
