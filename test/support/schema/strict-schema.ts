/**
 * Makes a Kubernetes-flavoured JSON schema strict about unknown fields, the way
 * `kubectl apply --validate=strict` / kubeconform `-strict` are. The vendored
 * schemas carry no `additionalProperties: false` at all, so without this a typo
 * such as `imagePullPolicyy` would validate.
 *
 * The walk follows schema positions only (properties, items, ...). A blind walk
 * over every object would be wrong: JSONSchemaProps has *fields* named
 * `properties`, `additionalProperties` and `x-kubernetes-preserve-unknown-fields`.
 * The input is mutated; callers pass a copy.
 */

const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions'] as const;
const JUNCTORS = ['allOf', 'anyOf', 'oneOf'] as const;

export function makeStrict(node: any): void {
  walk(node, false, false);
}

/**
 * @param lenient inside an `x-kubernetes-preserve-unknown-fields: true` subtree
 *   (the API server keeps unknown fields there, so they are not errors).
 * @param inJunctor inside allOf/anyOf/oneOf/not: those branches only add
 *   constraints to fields the parent declares (a structural-schema rule), so a
 *   closed branch would wrongly reject the parent's other fields.
 */
function walk(node: any, lenient: boolean, inJunctor: boolean): void {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  const preserve = lenient || node['x-kubernetes-preserve-unknown-fields'] === true;

  if (node['x-kubernetes-int-or-string'] === true) {
    // CRDs spell IntOrString as an extension; JSON Schema needs it spelled out.
    // A type list equals anyOf [integer, string] and reports one error, not three.
    node.type = ['integer', 'string'];
    delete node.anyOf;
  }
  if (node['x-kubernetes-embedded-resource'] === true && node.properties) {
    // An embedded object always may carry its own apiVersion/kind/metadata.
    node.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...node.properties };
  }
  if (node.properties && node.additionalProperties === undefined && !preserve && !inJunctor) {
    node.additionalProperties = false;
  }

  for (const key of SCHEMA_MAPS) {
    if (node[key] && typeof node[key] === 'object') {
      for (const child of Object.values(node[key])) walk(child, preserve, inJunctor);
    }
  }
  if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, preserve, inJunctor);
  const items = Array.isArray(node.items) ? node.items : [node.items];
  for (const item of items) walk(item, preserve, inJunctor);
  for (const key of JUNCTORS) {
    if (Array.isArray(node[key])) for (const child of node[key]) walk(child, preserve, true);
  }
  walk(node.not, preserve, true);
}
