/**
 * A validation finding: one problem in a declaration, with a stable rule code
 * (catalogued in rules.ts, which also sets its severity), the field it
 * concerns, the rule that was broken and how to fix it. Errors stop
 * synthesis; warnings are printed and synthesis goes on.
 */
export enum FindingSeverity {
  ERROR = 'error',
  WARNING = 'warning',
}

export interface Finding {
  /** Stable rule code, e.g. `REC001`. */
  readonly code: string;
  readonly severity: FindingSeverity;
  /** The prop the finding is about, e.g. `nodes` or `resources.limits.memory`. */
  readonly field: string;
  /** What is wrong, stating the offending value where it is not secret. */
  readonly message: string;
  /** What to change. */
  readonly fix: string;
}

/** One line per finding; cdk8s prefixes it with the construct path. */
export function formatFinding(construct: string, f: Finding): string {
  return `${f.code} ${f.severity} in ${construct} (${f.field}): ${f.message}. Fix: ${f.fix}`;
}
