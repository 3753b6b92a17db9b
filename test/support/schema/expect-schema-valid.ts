/**
 * The assertion construct tests use: throws (so jest fails the test) with one
 * readable line per finding. It does not depend on jest's `expect`, so
 * benchmarks and scripts can call it too.
 */
import { formatSchemaFinding } from './finding';
import { validateObjects, ValidateObjectsOptions } from './validate-objects';

export function expectSchemaValid(objects: readonly any[], options?: ValidateObjectsOptions): void {
  const lines = [...new Set(validateObjects(objects, options).map(formatSchemaFinding))];
  if (lines.length > 0) {
    throw new Error(`${lines.length} schema finding(s) in ${objects.length} object(s):\n  ${lines.join('\n  ')}`);
  }
}
