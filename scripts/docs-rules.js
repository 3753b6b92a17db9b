#!/usr/bin/env node
// Writes the README's "Validation rules" table from the rule catalogue
// (lib/validation/rules.ts), between the two marker comments. `--check`
// only reports whether README.md is up to date; test/unit/validation/rules-readme.test.ts
// runs the same rendering.
const fs = require('fs');
const path = require('path');

const BEGIN = '<!-- rules:begin (generated from lib/validation/rules.ts by `npm run docs:rules`) -->';
const END = '<!-- rules:end -->';

const cell = (text) => text.replace(/\|/g, '\\|');

/** The Markdown table of `rules` (code → { severity, summary, fix }), in catalogue order. */
function renderRulesTable(rules) {
  const rows = Object.entries(rules).map(([code, r]) => `| ${code} | ${r.severity} | ${cell(r.summary)} | ${cell(r.fix)} |`);
  return ['| code | severity | rule | usual fix |', '|---|---|---|---|', ...rows].join('\n');
}

/** `readme` with the text between the markers replaced by the table. */
function withRulesTable(readme, rules) {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md lacks the markers ${BEGIN} ... ${END}`);
  return `${readme.slice(0, begin + BEGIN.length)}\n${renderRulesTable(rules)}\n${readme.slice(end)}`;
}

module.exports = { renderRulesTable, withRulesTable };

if (require.main === module) {
  require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
  const { RULES } = require('../lib/validation/rules');
  const file = path.join(__dirname, '..', 'README.md');
  const readme = fs.readFileSync(file, 'utf8');
  const updated = withRulesTable(readme, RULES);
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error('README.md "Validation rules" is out of date: run npm run docs:rules');
      process.exit(1);
    }
  } else if (updated !== readme) {
    fs.writeFileSync(file, updated);
    console.log(`README.md: ${Object.keys(RULES).length} rules written`);
  } else {
    console.log('README.md: rules table already up to date');
  }
}
