#!/usr/bin/env node
// Reads jest's --json report and prints how many end-to-end tests (test/e2e,
// both control planes) and package tests ran, passed, failed and were skipped.
// Exits 1 when no end-to-end test ran, or when one was skipped: a CI run that
// did not exercise the control plane must not be green.
const fs = require('fs');
const path = require('path');

const file = process.argv[2];
let report;
try {
  report = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`[ci] no jest report at ${file}: ${e.message}`);
  process.exit(1);
}

function count(dir) {
  const c = { files: 0, passed: 0, failed: 0, skipped: 0 };
  for (const r of report.testResults ?? []) {
    if (!path.relative(process.cwd(), r.name).startsWith(dir)) continue;
    c.files++;
    for (const a of r.assertionResults ?? []) {
      if (a.status === 'passed') c.passed++;
      else if (a.status === 'failed') c.failed++;
      else c.skipped++; // pending, todo, skipped, disabled
    }
  }
  return c;
}

const line = (name, c) => `[ci] ${name}: ${c.passed + c.failed} executed (${c.passed} passed, ${c.failed} failed), ${c.skipped} skipped, in ${c.files} file run(s)`;
const e2e = count(path.join('test', 'e2e') + path.sep);
const pkg = count(path.join('test', 'package') + path.sep);
console.log(line('end-to-end tests', e2e));
console.log(line('package tests', pkg));
let ok = true;
if (e2e.passed + e2e.failed === 0) { console.error('[ci] FAIL: no end-to-end test was executed'); ok = false; }
if (e2e.skipped > 0) { console.error(`[ci] FAIL: ${e2e.skipped} end-to-end test(s) skipped`); ok = false; }
if (pkg.passed + pkg.failed === 0 || pkg.skipped > 0) { console.error('[ci] FAIL: the package tests did not all run'); ok = false; }
process.exit(ok ? 0 : 1);
