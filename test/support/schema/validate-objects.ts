/**
 * Validates synthesized Kubernetes objects (e.g. `Testing.synth(chart)`)
 * against the vendored schemas of each requested Kubernetes version.
 */
import { describeAjvErrors, SchemaFinding } from './finding';
import { VersionValidators } from './version-validators';

/** The oldest and newest Kubernetes versions the library supports. */
export const DEFAULT_KUBERNETES_VERSIONS: readonly string[] = ['1.28.0', '1.36.0'];

export interface ValidateObjectsOptions {
  /** Versions with a vendored `_definitions.json`. Default: DEFAULT_KUBERNETES_VERSIONS. */
  readonly kubernetesVersions?: readonly string[];
}

/** Every finding, for every object and version; an empty array means valid. */
export function validateObjects(objects: readonly any[], options: ValidateObjectsOptions = {}): SchemaFinding[] {
  const findings: SchemaFinding[] = [];
  for (const version of options.kubernetesVersions ?? DEFAULT_KUBERNETES_VERSIONS) {
    const validators = VersionValidators.of(version);
    objects.forEach((obj, objectIndex) => {
      const isObject = obj !== null && typeof obj === 'object' && !Array.isArray(obj);
      const base = {
        kubernetesVersion: version,
        objectIndex,
        apiVersion: isObject && typeof obj.apiVersion === 'string' ? obj.apiVersion : '<no apiVersion>',
        kind: isObject && typeof obj.kind === 'string' ? obj.kind : '<no kind>',
        name: (isObject && (obj.metadata?.name ?? obj.metadata?.generateName)) || '<unnamed>',
      };
      if (!isObject) {
        findings.push({ ...base, path: '', rule: 'not-an-object', message: `must be an object, got ${JSON.stringify(obj)}` });
        return;
      }
      const found = validators.lookup(base.apiVersion, base.kind);
      if ('missing' in found) {
        // Never silently valid: a kind we cannot check is a finding.
        findings.push({ ...base, path: '', rule: 'unknown-kind', message: found.missing });
        return;
      }
      // A copy, because validation fills in CRD defaults (see version-validators.ts).
      const copy = structuredClone(obj);
      // ajv checks a node's allOf/anyOf before it assigns that node's property
      // defaults, while the API server defaults everything first. A first pass
      // therefore only fills in defaults; the second one is the verdict.
      if (found.hasDefaults) found.validate(copy);
      if (!found.validate(copy)) {
        for (const d of describeAjvErrors(found.validate.errors ?? [])) findings.push({ ...base, ...d });
      }
    });
  }
  return findings;
}
