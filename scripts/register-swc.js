// `node -r ./scripts/register-swc.js app.ts`: runs TypeScript by transpiling
// each .ts file with SWC as it is required. No type checking here (that is
// `npm run build` / `tsc --noEmit`, which CI runs): loading the TypeScript
// compiler alone takes longer than the whole synthesis, so a cold
// `npm run synth` or `cdk8s synth` does not load it. Settings follow
// tsconfig.json: ES2022 (class fields with define semantics), CommonJS. No
// source maps: inline maps triple the transpile time, and SWC keeps the
// statements of a file in order, so a stack trace still points near the line.
const fs = require('fs');
const swc = require('@swc/core');

const OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
  module: { type: 'commonjs' },
  swcrc: false,
  configFile: false,
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), { ...OPTIONS, filename });
  module._compile(code, filename);
};
