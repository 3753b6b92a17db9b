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
 * Registers a validation on `scope` through `node.addValidation`, the cdk8s
 * mechanism that runs before any YAML is written and reports the findings of
 * every construct in the app at once. `check` must not throw: a bug in a rule
 * is reported as a finding of its own instead of a stack trace.
 */
export function addFindingsValidation(scope: Construct, description: string, check: () => Finding[]): void {
  scope.node.addValidation({
    validate: () => {
      let findings: Finding[];
      try {
        findings = check();
      } catch (e) {
        return [`internal error while validating ${description} of ${scope.node.path}: ${(e as Error).message}. ` +
          'This is a bug in cdk8s-redis-enterprise; please report it with the declaration that caused it']
      }
      const path = scope.node.path;
      for (const w of findings.filter((f) => f.severity === FindingSeverity.WARNING)) {
        warningSink(formatFinding(path, w));
      }
      return findings.filter((f) => f.severity === FindingSeverity.ERROR).map((f) => formatFinding(path, f));
    },
  });
}
