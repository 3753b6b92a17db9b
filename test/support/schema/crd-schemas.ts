/**
 * Schemas for the vendored CRD kinds: one per served version, taken from
 * `spec.versions[].schema.openAPIV3Schema`, made strict, with the fields every
 * custom object has at its root (apiVersion, kind, and the full ObjectMeta, which
 * CRD schemas leave as `type: object` or omit).
 */
import { readVendoredCrds } from './fixtures';
import { gvkKey, OBJECT_META_REF } from './kubernetes-definitions';
import { makeStrict } from './strict-schema';

export interface CrdKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** False for versions the CRD lists with `served: false`: objects of those are rejected. */
  readonly served: boolean;
  readonly schema: Record<string, any>;
}

let cache: ReadonlyMap<string, CrdKind> | undefined;

/** `networking.istio.io/v1 VirtualService` -> schema. Parsed once per process. */
export function vendoredCrdKinds(): ReadonlyMap<string, CrdKind> {
  if (!cache) {
    const kinds = new Map<string, CrdKind>();
    for (const crd of readVendoredCrds()) {
      for (const v of crd.spec.versions ?? []) {
        const apiVersion = `${crd.spec.group}/${v.name}`;
        const schema = rootSchema(structuredClone(v.schema?.openAPIV3Schema ?? {}));
        kinds.set(gvkKey(apiVersion, crd.spec.names.kind), { apiVersion, kind: crd.spec.names.kind, served: v.served === true, schema });
      }
    }
    cache = kinds;
  }
  return cache;
}

function rootSchema(schema: Record<string, any>): Record<string, any> {
  // Every vendored CRD (and the Redis ones) declares metadata as a bare
  // `type: object`, so it is replaced, not combined. A CRD that narrows
  // metadata (name maxLength...) would need an allOf here.
  const root = {
    ...schema,
    type: 'object',
    properties: {
      ...schema.properties,
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { $ref: OBJECT_META_REF },
    },
  };
  makeStrict(root);
  return root;
}
