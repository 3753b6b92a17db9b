/**
 * The check that keeps every synthesis ratio honest: the hand-written
 * baseline must emit the same objects as our constructs, field by field,
 * or the ratio compares different work. Run on every benchmark run (each
 * size) and by a unit test (test/unit/bench/equivalence.test.ts), so a
 * construct change that the baseline has not followed fails loudly.
 *
 * Compared: the objects' identities (kind, namespace, name) in order, then
 * every field of each pair, arrays element by element; a string that holds
 * JSON on both sides (the desired-state document) is compared as JSON, so a
 * difference names the key inside it. Key order is not compared: cdk8s's
 * typed `k8s.Kube*` objects and plain ApiObjects order keys differently, and
 * Kubernetes does not care.
 */
import * as yaml from 'js-yaml';

/** One field that differs: where, and both values. */
export interface FieldDifference {
  /** `<kind>/<namespace>/<name>` of the object (or `object #<i>` when the identities differ). */
  readonly object: string;
  /** JSON-pointer-like path inside the object; `(json)` marks the step into a JSON string. */
  readonly path: string;
  readonly ours: unknown;
  readonly baseline: unknown;
}

/** Thrown by {@link assertEquivalent}; bench/run.ts prints it and exits non-zero without a ratio. */
export class EquivalenceError extends Error {
  constructor(readonly what: string, readonly differences: readonly FieldDifference[], hint: string) {
    super(`${what}: the baseline does not emit what our constructs emit, so no ratio is printed.\n` +
      `${differences.length} difference(s)${differences.length > MAX_SHOWN ? `, first ${MAX_SHOWN}` : ''}:\n` +
      differences.slice(0, MAX_SHOWN).map((d) => `  ${d.object} ${d.path}: ours ${show(d.ours)}, baseline ${show(d.baseline)}`).join('\n') +
      `\n${hint}`);
    this.name = 'EquivalenceError';
  }
}

const MAX_SHOWN = 12;

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

const identity = (d: any): string => `${d?.kind}/${d?.metadata?.namespace ?? '-'}/${d?.metadata?.name}`;

function parseJsonObject(s: string): object | undefined {
  if (!s.startsWith('{') && !s.startsWith('[')) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function compare(ours: unknown, baseline: unknown, object: string, path: string, out: FieldDifference[]): void {
  if (ours === baseline) return;
  if (typeof ours === 'string' && typeof baseline === 'string') {
    const a = parseJsonObject(ours);
    const b = parseJsonObject(baseline);
    if (a && b) compare(a, b, object, `${path}/(json)`, out);
    else out.push({ object, path, ours, baseline });
    return;
  }
  const bothArrays = Array.isArray(ours) && Array.isArray(baseline);
  const bothObjects = !!ours && !!baseline && typeof ours === 'object' && typeof baseline === 'object' && !Array.isArray(ours) && !Array.isArray(baseline);
  if (bothArrays) {
    const a = ours as unknown[];
    const b = baseline as unknown[];
    for (let i = 0; i < Math.max(a.length, b.length); i++) compare(a[i], b[i], object, `${path}/${i}`, out);
  } else if (bothObjects) {
    const a = ours as Record<string, unknown>;
    const b = baseline as Record<string, unknown>;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) compare(a[k], b[k], object, `${path}/${k}`, out);
  } else {
    out.push({ object, path: path || '/', ours, baseline });
  }
}

/**
 * Every field in which two synthesized manifests differ. `normalizeOurs`
 * removes a documented gap from our objects first (and only that).
 */
export function manifestDifferences(oursYaml: string, baselineYaml: string, normalizeOurs: (doc: any) => void = () => undefined): FieldDifference[] {
  const ours = (yaml.loadAll(oursYaml) as any[]).filter((d) => d);
  const baseline = (yaml.loadAll(baselineYaml) as any[]).filter((d) => d);
  ours.forEach(normalizeOurs);
  const out: FieldDifference[] = [];
  for (let i = 0; i < Math.max(ours.length, baseline.length); i++) {
    const a = ours[i];
    const b = baseline[i];
    if (identity(a) !== identity(b)) {
      out.push({ object: `object #${i}`, path: '(kind/namespace/name)', ours: a ? identity(a) : undefined, baseline: b ? identity(b) : undefined });
      continue;
    }
    compare(a, b, identity(a), '', out);
  }
  return out;
}

/**
 * The one difference `k8s.KubeStatefulSet` cannot avoid: it re-serializes
 * through its typed props and drops a claim template's apiVersion/kind,
 * which our construct emits (as `kubectl` and Argo CD diffs expect). Only
 * those two fields, and only with these values, are removed.
 */
export function withoutClaimTemplateTypeMeta(doc: any): void {
  if (doc?.kind !== 'StatefulSet') return;
  for (const t of doc.spec?.volumeClaimTemplates ?? []) {
    if (t.apiVersion === 'v1') delete t.apiVersion;
    if (t.kind === 'PersistentVolumeClaim') delete t.kind;
  }
}

/** Throws an {@link EquivalenceError} naming each differing field, with `hint` (which baseline file to update). */
export function assertEquivalent(what: string, oursYaml: string, baselineYaml: string, hint: string): void {
  const differences = manifestDifferences(oursYaml, baselineYaml, withoutClaimTemplateTypeMeta);
  if (differences.length > 0) throw new EquivalenceError(what, differences, hint);
}
