#!/usr/bin/env node
// Synthesizes every example app (examples/*.ts exporting `synth(outdir)`) into
// examples/manifests/<example>/. Each example is synthesized into a temporary
// directory first, so an invalid declaration leaves the committed YAML as it
// was, and its validation findings are printed without a stack trace.
// TypeScript transpiled by SWC, not type-checked here (npm run build does that): see register-swc.js.
require('./register-swc');
const fs = require('fs');
const os = require('os');
const path = require('path');

const examplesDir = path.join(__dirname, '..', 'examples');
const manifestsDir = path.join(examplesDir, 'manifests');
let failed = false;

// main.ts is the cdk8s CLI's entry point (cdk8s.yaml): it synthesizes when loaded, so it is not loaded here.
const exampleFiles = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.ts') && f !== 'main.ts').sort();
for (const file of exampleFiles) {
  const example = require(path.join(examplesDir, file));
  if (typeof example.synth !== 'function') continue;
  const name = path.basename(file, '.ts');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `synth-${name}-`));
  try {
    example.synth(tmp);
    const target = path.join(manifestsDir, name);
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.cpSync(tmp, target, { recursive: true });
    const files = listYaml(target);
    console.log(`${name}: ${files.length} file(s) in ${path.relative(process.cwd(), target)}`);
  } catch (e) {
    failed = true;
    console.error(`${name}: synthesis failed\n${e.message}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);

function listYaml(dir) {
  return fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.yaml'));
}
