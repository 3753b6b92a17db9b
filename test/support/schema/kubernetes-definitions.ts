/**
 * The built-in Kubernetes kinds of one version: the vendored `_definitions.json`
 * made strict, plus an index from apiVersion+kind to its definition, read from
 * each definition's `x-kubernetes-group-version-kind`.
 */
import { readKubernetesDefinitions } from './fixtures';
import { makeStrict } from './strict-schema';

/** The `$id` the definitions document is registered under in ajv. */
export const K8S_SCHEMA_ID = 'k8s';
export const OBJECT_META_REF = `${K8S_SCHEMA_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/**
 * The pattern Kubernetes itself publishes for resource.Quantity in CRD schemas
 * (apiextensions / controller-gen output; it appears verbatim in the vendored
 * CRDs). `_definitions.json` only says "string or number", which lets `2GB` pass.
 * It is kept independent of lib/validation/quantity.ts on purpose: the test
 * oracle must not share the code it checks.
 */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

export interface KubernetesDefinitions {
  /** The strict document, to register in ajv under K8S_SCHEMA_ID. */
  readonly document: Record<string, any>;
  /** `apps/v1 StatefulSet` -> definition name. */
  readonly kinds: ReadonlyMap<string, string>;
}

export function gvkKey(apiVersion: string, kind: string): string {
  return `${apiVersion} ${kind}`;
}

export function loadKubernetesDefinitions(version: string): KubernetesDefinitions {
  const document: Record<string, any> = { $id: K8S_SCHEMA_ID, ...readKubernetesDefinitions(version) };
  const defs = document.definitions;

  // Accept what the API server accepts, no more: a Quantity string must parse
  // (a JSON number is also accepted by Quantity.UnmarshalJSON); IntOrString is
  // a string or an integer (float or boolean are rejected by its UnmarshalJSON).
  // A type list rather than oneOf gives one error line instead of three; the
  // pattern only applies to strings.
  defs[QUANTITY] = { type: ['string', 'number'], pattern: QUANTITY_PATTERN };
  defs[INT_OR_STRING] = { type: ['string', 'integer'] };

  makeStrict(document);

  const kinds = new Map<string, string>();
  for (const [name, def] of Object.entries<any>(defs)) {
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      // DeleteOptions/WatchEvent are listed under every group; first wins, they are identical.
      if (!kinds.has(gvkKey(apiVersion, gvk.kind))) kinds.set(gvkKey(apiVersion, gvk.kind), name);
    }
  }
  return { document, kinds };
}
