import { Construct } from 'constructs';
import { Finding, FindingSeverity, formatFinding } from './finding';

/**
 * Where warning-level findings go. Synthesis does not stop for them, so they
 * are written to stderr (never stdout: `cdk8s synth --stdout` output must stay
 * clean YAML). Tests swap the sink to assert on warnings.
 */
export type WarningSink = (line: string) => void;

let warningSink: WarningSink = (line) => process.stderr.write(`warning: ${line}\n`);

export function setWarningSink(sink: WarningSink): WarningSink {
  const previous = warningSink;
  warningSink = sink;
  return previous;
}

/**
 * Bumped whenever a construct of this library registers a validation, i.e.
 * whenever one is created (every one registers at least one, in its
 * constructor, which is also where it joins registries and attaches to its
 * cluster). The checks read only this library's constructs (their resolved,
 * immutable specs, the app registries, the databases attached to a cluster),
 * so while this number stands still every check would return what it
 * returned last time.
 */
let libraryStateVersion = 0;

/**
 * Registers a validation on `scope` through `node.addValidation`, the cdk8s
 * mechanism that runs before any YAML is written and reports the findings of
 * every construct in the app at once. `check` must not throw: a bug in a rule
 * is reported as a finding of its own instead of a stack trace.
 *
 * cdk8s validates the whole app once per Chart (`App.synthYaml` calls each
 * Chart's `toJson`, which validates the app again), so an app of N charts ran
 * every check N+1 times: quadratic in the number of clusters, and each
 * warning printed N+1 times. The findings are therefore kept until the
 * library's state changes (a construct of it is created); a synthesis after
 * such a change checks everything again.
 */
export function addFindingsValidation(scope: Construct, description: string, check: () => Finding[]): void {
  libraryStateVersion++;
  let checkedAt = -1;
  let errors: string[] = [];
  scope.node.addValidation({
    validate: () => {
      if (checkedAt !== libraryStateVersion) {
        errors = runCheck(scope, description, check);
        checkedAt = libraryStateVersion;
      }
      return [...errors];
    },
  });
}

/** The error messages of one check; its warnings go to the sink (once per computation). */
function runCheck(scope: Construct, description: string, check: () => Finding[]): string[] {
  let findings: Finding[];
  try {
    findings = check();
  } catch (e) {
    return [`internal error while validating ${description} of ${scope.node.path}: ${(e as Error).message}. ` +
      'This is a bug in cdk8s-redis-enterprise; please report it with the declaration that caused it'];
  }
  const path = scope.node.path;
  for (const w of findings.filter((f) => f.severity === FindingSeverity.WARNING)) {
    warningSink(formatFinding(path, w));
  }
  return findings.filter((f) => f.severity === FindingSeverity.ERROR).map((f) => formatFinding(path, f));
}
