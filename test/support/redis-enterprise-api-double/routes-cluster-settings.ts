/** /v1/cluster/certificates, /v1/cluster/ldap and /v1/cluster/policy (documented cluster settings requests). */
import { Route, objectBody, ok } from './router';

export const clusterSettingsRoutes: Route[] = [
  { method: 'GET', pattern: /^\/v1\/cluster\/certificates$/, access: 'cluster', handle: (_ctx, c) => ok(c.certificates.json()) },
  {
    method: 'PUT', pattern: /^\/v1\/cluster\/certificates$/, access: 'cluster',
    handle: (ctx, c) => {
      const { doneAt } = c.certificates.replace(objectBody(ctx), c.certificateReplacementMs());
      // Documented: "Returns a 200 OK status code if all certificates are successfully replaced across the entire cluster".
      return { ...ok(), answerAt: doneAt };
    },
  },
  { method: 'GET', pattern: /^\/v1\/cluster\/ldap$/, access: 'cluster', handle: (_ctx, c) => ok(c.ldap.json()) },
  {
    method: 'PUT', pattern: /^\/v1\/cluster\/ldap$/, access: 'cluster',
    handle: (ctx, c) => {
      c.ldap.update(objectBody(ctx));
      // Documented: "Returns a status code".
      return ok();
    },
  },
  {
    method: 'DELETE', pattern: /^\/v1\/cluster\/ldap$/, access: 'cluster',
    handle: (_ctx, c) => {
      c.ldap.clear();
      return ok();
    },
  },
  { method: 'GET', pattern: /^\/v1\/cluster\/policy$/, access: 'cluster', handle: (_ctx, c) => ok(c.clusterPolicy.json()) },
  {
    method: 'PUT', pattern: /^\/v1\/cluster\/policy$/, access: 'cluster',
    handle: (ctx, c) => {
      c.clusterPolicy.update(objectBody(ctx));
      return ok();
    },
  },
];
