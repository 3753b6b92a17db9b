/**
 * The layering of lib/, enforced by test/unit/architecture.test.ts.
 *
 * Construct side, top to bottom (a layer may import only layers below it):
 *   lib/index.ts → {active-active, gitops} → database → cluster → {networking, monitoring} → {validation, contract}
 * Layers on one line are siblings and do not import each other. lib/gitops
 * reads synthesized objects (sync waves, unsafe-change detection, the Argo CD
 * Application): it may use every layer below it, and no construct layer
 * imports it, so a chart without Argo CD carries none of it. It sits beside
 * active-active, not above it, because neither needs the other. lib/contract
 * (the desired-state document and the names both halves share) imports
 * nothing from lib/. The reconciler (lib/reconciler, its own package) imports
 * only lib/contract from the construct side, and the construct side never
 * imports the reconciler. Test code (test/, bench/) may import anything.
 */
const LAYERS = [
  ['index'],
  ['active-active', 'gitops'],
  ['database'],
  ['cluster'],
  ['networking', 'monitoring'],
  ['validation', 'contract'],
];

/** A path pattern for one construct-side layer. */
const layerPath = (layer) => (layer === 'index' ? '^lib/index\\.ts$' : `^lib/${layer}/`);

/** For each layer: it may not import a layer above it, nor a sibling on its line. */
const layerRules = LAYERS.flatMap((line, rank) => line.map((layer) => {
  const forbidden = [...LAYERS.slice(0, rank).flat(), ...line.filter((l) => l !== layer)];
  if (forbidden.length === 0) return undefined; // the top may import anything below it
  return {
    name: `layer-${layer}`,
    comment: `lib/${layer} may import only the layers below it: ${LAYERS.slice(rank + 1).map((l) => l.join(', ')).join(' → ') || 'none'}`,
    severity: 'error',
    from: { path: layerPath(layer) },
    to: { path: forbidden.map(layerPath) },
  };
})).filter((rule) => rule !== undefined);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle makes two modules one; cut it by moving the shared part down a layer.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { circular: true },
    },
    {
      name: 'contract-imports-nothing',
      comment: 'lib/contract is what both halves share; it depends on nothing else in lib/.',
      severity: 'error',
      from: { path: '^lib/contract/' },
      to: { path: '^lib/', pathNot: '^lib/contract/' },
    },
    {
      name: 'constructs-never-import-reconciler',
      comment: 'The construct package ships without lib/reconciler; it may not depend on it.',
      severity: 'error',
      from: { path: '^lib/', pathNot: '^lib/reconciler/' },
      to: { path: '^lib/reconciler/' },
    },
    {
      name: 'reconciler-imports-only-contract',
      comment: 'The reconciler reads the desired state through lib/contract and nothing else of the construct side.',
      severity: 'error',
      from: { path: '^lib/reconciler/' },
      to: { path: '^lib/', pathNot: ['^lib/reconciler/', '^lib/contract/'] },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: ['node_modules', '^imports/'] },
    exclude: { path: ['^lib/reconciler/dist/', '^lib/reconciler/node_modules/', '^dist/'] },
    // Type-only imports count: a cycle through `import type` is still a cycle in the design.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
