/**
 * A schema finding: one way a synthesized object fails the Kubernetes (or CRD)
 * schema of one Kubernetes version, and its one-line rendering.
 */
import type { ErrorObject } from 'ajv';
import { QUANTITY_PATTERN } from './kubernetes-definitions';

export interface SchemaFinding {
  /** The Kubernetes version whose schemas were used, e.g. '1.36.0'. */
  readonly kubernetesVersion: string;
  /** Position of the object in the array given to validateObjects. */
  readonly objectIndex: number;
  readonly apiVersion: string;
  readonly kind: string;
  /** metadata.name, else generateName, else '<unnamed>'. */
  readonly name: string;
  /** JSON pointer into the object; '' is the object itself. */
  readonly path: string;
  /** The JSON-schema keyword that failed, or 'unknown-kind' / 'not-an-object'. */
  readonly rule: string;
  readonly message: string;
}

/** `StatefulSet/rec (k8s 1.36.0): /spec/replicas must be integer` */
export function formatSchemaFinding(f: SchemaFinding): string {
  return `${f.kind}/${f.name} (k8s ${f.kubernetesVersion}): ${f.path === '' ? '/' : f.path} ${f.message}`;
}

/**
 * Turns ajv errors into (path, rule, message). With allErrors, a failed
 * oneOf/anyOf also reports every branch's failure; those are folded into the
 * junctor's message so that one mistake gives one line.
 */
export function describeAjvErrors(errors: readonly ErrorObject[]): Array<Pick<SchemaFinding, 'path' | 'rule' | 'message'>> {
  const junctors = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  // The outermost failed junctor an error belongs to, if any.
  const branchOf = (e: ErrorObject) => junctors
    .filter((j) => j !== e && e.schemaPath.startsWith(j.schemaPath + '/'))
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length)[0];
  const out: Array<Pick<SchemaFinding, 'path' | 'rule' | 'message'>> = [];
  // `1.5` for an int32 fails both `type` and `format`; the type error says it all.
  const typeFailed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  for (const e of errors) {
    if (branchOf(e)) continue;
    if (e.keyword === 'format' && typeFailed.has(e.instancePath)) continue;
    let message = describe(e);
    if (junctors.includes(e)) {
      const branches = errors.filter((b) => branchOf(b) === e).map(describe);
      if (branches.length > 0) message += ` (${[...new Set(branches)].join('; ')})`;
    }
    out.push({ path: e.instancePath, rule: e.keyword, message });
  }
  return out;
}

function describe(e: ErrorObject): string {
  const params = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties': return `must NOT have additional properties '${params.additionalProperty}'`;
    case 'pattern':
      if (params.pattern === QUANTITY_PATTERN) return 'must be a Kubernetes quantity such as 500m, 2Gi or 1e3';
      return e.message ?? e.keyword;
    case 'enum': return `${e.message}: ${params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
    default: return e.message ?? e.keyword;
  }
}
