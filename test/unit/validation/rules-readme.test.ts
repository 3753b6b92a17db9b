import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../../../lib/validation/rules';

// Plain JavaScript shared with `npm run docs:rules`, so both render the same table.
const { renderRulesTable, withRulesTable } = require('../../../scripts/docs-rules.js');

const readmePath = path.join(__dirname, '..', '..', '..', 'README.md');

describe('rule catalogue and README', () => {
  test('README.md "Validation rules" is the table generated from lib/validation/rules.ts (run npm run docs:rules)', () => {
    const readme = fs.readFileSync(readmePath, 'utf8');
    expect(withRulesTable(readme, RULES)).toBe(readme);
  });

  test('the table has one row per rule code', () => {
    const rows = renderRulesTable(RULES).split('\n').slice(2);
    expect(rows.map((r: string) => r.split(' | ')[0].replace('| ', ''))).toEqual(Object.keys(RULES));
  });

  test('every code is of a known family with three digits, and every rule says what to fix', () => {
    for (const [code, rule] of Object.entries(RULES)) {
      expect(code).toMatch(/^(REC|REDB|REAADB|RERC|RENET|REMON|REGIT|REPROP)\d{3}$/);
      expect(rule.summary.trim()).not.toBe('');
      expect(rule.fix.trim()).not.toBe('');
    }
  });
});
