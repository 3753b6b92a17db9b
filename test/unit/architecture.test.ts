import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * The layering of lib/ (.dependency-cruiser.js at the repository root):
 * no import cycles, construct layers that import only downwards
 * ({active-active, gitops} → database → cluster → {networking, monitoring} →
 * {validation, contract}), lib/contract importing nothing of lib/, and the
 * reconciler and the construct package meeting only in lib/contract.
 */
const root = path.join(__dirname, '..', '..');

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
  readonly cycle?: Array<{ readonly name: string }>;
}

interface CruiseResult {
  readonly modules: Array<{ readonly source: string }>;
  readonly summary: { readonly violations: Violation[]; readonly ruleSetUsed: { readonly forbidden: Array<{ readonly name: string }> } };
}

function cruise(): CruiseResult {
  // The CLI, not the ESM-only API, so the test runs under ts-jest's CommonJS.
  const cli = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const out = execFileSync(process.execPath, [cli, 'lib', 'test', 'bench', '--config', '.dependency-cruiser.js', '--output-type', 'json'], { cwd: root, maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(out.toString()) as CruiseResult;
}

function describeViolation(v: Violation): string {
  const via = v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(' → ')})` : '';
  return `${v.rule.name}: ${v.from} → ${v.to}${via}`;
}

describe('architecture', () => {
  const result = cruise();

  test('the cruise reads both halves of lib/', () => {
    // Guards against a config that matches nothing and so passes vacuously.
    const sources = result.modules.map((m) => m.source);
    for (const file of ['lib/index.ts', 'lib/cluster/cluster.ts', 'lib/database/database.ts', 'lib/gitops/unsafe-changes.ts', 'lib/contract/desired-state.ts', 'lib/reconciler/runtime/main.ts']) {
      expect(sources).toContain(file);
    }
    expect(result.summary.ruleSetUsed.forbidden.map((r) => r.name)).toEqual(expect.arrayContaining([
      'no-circular', 'contract-imports-nothing', 'constructs-never-import-reconciler', 'reconciler-imports-only-contract',
      'layer-active-active', 'layer-gitops', 'layer-database', 'layer-cluster', 'layer-networking', 'layer-monitoring', 'layer-validation', 'layer-contract',
    ]));
  });

  test('no import breaks the layering', () => {
    expect(result.summary.violations.map(describeViolation)).toEqual([]);
  });
});
