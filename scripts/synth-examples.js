#!/usr/bin/env node
// Synthesizes every example app (examples/*.ts exporting `synth(outdir)`) into
// examples/manifests/<example>/. Each example is synthesized into a temporary
// directory first, so an invalid declaration (or an unsafe change, REGIT*)
// leaves the committed YAML as it was, and its validation findings are printed
// without a stack trace. The new folder is staged next to the old one and
// swapped in by rename, so the folder Argo CD reads is never empty or partial.
// TypeScript transpiled by SWC, not type-checked here (npm run build does that): see register-swc.js.
require('./register-swc');
const fs = require('fs');
const os = require('os');
const path = require('path');

const examplesDir = path.join(__dirname, '..', 'examples');
const manifestsDir = path.join(examplesDir, 'manifests');
let failed = false;

// main.ts, the cdk8s CLI's entry point (cdk8s.yaml), synthesizes production-cluster's app into
// dist/cdk8s when loaded: the same app as production-cluster.ts below, so it is not loaded twice.
const exampleFiles = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.ts') && f !== 'main.ts').sort();
for (const file of exampleFiles) {
  const name = path.basename(file, '.ts');
  let example;
  try {
    // An example that throws while loading is reported like a failed synthesis, without a stack trace.
    example = require(path.join(examplesDir, file));
  } catch (e) {
    failed = true;
    console.error(`${name}: synthesis failed\n${e.message}`);
    continue;
  }
  if (typeof example.synth !== 'function') continue;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `synth-${name}-`));
  try {
    example.synth(tmp);
    const target = path.join(manifestsDir, name);
    const staged = path.join(manifestsDir, `.${name}.new`);
    const old = path.join(manifestsDir, `.${name}.old`);
    fs.mkdirSync(manifestsDir, { recursive: true });
    fs.rmSync(staged, { recursive: true, force: true });
    fs.rmSync(old, { recursive: true, force: true });
    fs.cpSync(tmp, staged, { recursive: true });
    if (fs.existsSync(target)) fs.renameSync(target, old);
    fs.renameSync(staged, target);
    fs.rmSync(old, { recursive: true, force: true });
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
