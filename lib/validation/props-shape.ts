import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Finding } from './finding';
import { describeValue } from './prop-types';
import { addFindingsValidation } from './register';
import { finding } from './rules';
import { isPlainObject, PropsShape, unknownProps } from './unknown-props';

/** A construct's props as its constructor may read them, and the Chart its objects go to. */
export interface CheckedProps<T> {
  /** The props, or `{}` when what was passed is not an object (reported). */
  readonly props: T;
  /** Undefined when the construct is not inside a Chart (reported): it must then create no objects. */
  readonly chart?: Chart;
}

/**
 * The checks every construct makes before it reads a prop, for JavaScript
 * callers that TypeScript does not stop: the props are an object (REPROP001)
 * with only known keys (REPROP002), and the construct sits inside a Chart
 * (REPROP003), without which cdk8s cannot create its objects. Findings are
 * reported with the construct's other findings at synthesis.
 */
export function checkConstructProps<T extends object>(scope: Construct, construct: string, raw: T | undefined, shape: PropsShape,
  optional = false): CheckedProps<T> {
  const findings: Finding[] = [];
  let props = raw;
  if (raw === undefined && optional) {
    props = {} as T;
  } else if (!isPlainObject(raw)) {
    findings.push(finding('REPROP001', 'props', `the props of ${construct} must be an object, got ${describeValue(raw)}`,
      `pass an object, e.g. new ${construct}(scope, "id", { ... })`));
    props = {} as T;
  } else {
    findings.push(...unknownProps(raw, shape, construct));
  }
  const chart = enclosingChart(scope);
  if (!chart) {
    findings.push(finding('REPROP003', 'scope', `${construct} ${scope.node.path} is not inside a cdk8s Chart, so its Kubernetes objects have nowhere to go`,
      `create it under a Chart, e.g. new ${construct}(new Chart(app, "redis", { namespace: "redis" }), "${scope.node.id}", { ... })`));
  }
  if (findings.length > 0) addFindingsValidation(scope, 'the props', () => findings);
  return { props: props as T, chart };
}

export function enclosingChart(scope: Construct): Chart | undefined {
  try {
    return Chart.of(scope);
  } catch {
    return undefined;
  }
}

/** REPROP004: a prop that must refer to another construct of this library holds something else. */
export function wrongReference(field: string, value: unknown, expected: string): Finding {
  return finding('REPROP004', field, value === undefined ? `${field} is required` : `${field} must be ${expected}, got ${describeValue(value)}`,
    `set ${field} to ${expected} declared in this app`);
}
