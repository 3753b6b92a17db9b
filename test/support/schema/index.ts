/** Offline schema validation of synthesized objects (see validate-objects.ts). */
export { expectSchemaValid } from './expect-schema-valid';
export { formatSchemaFinding } from './finding';
export type { SchemaFinding } from './finding';
export { QUANTITY_PATTERN } from './kubernetes-definitions';
export { DEFAULT_KUBERNETES_VERSIONS, validateObjects } from './validate-objects';
export type { ValidateObjectsOptions } from './validate-objects';
export type { SchemaTimings } from './version-validators';
import { SchemaTimings, VersionValidators } from './version-validators';

/** Time spent building validators so far in this process, per Kubernetes version. */
export function schemaValidatorTimings(): Record<string, SchemaTimings> {
  return VersionValidators.timings();
}
