// The Settings UI validates with the manifest's JSON schema; the extension reads the same values
// with src/core/config.ts and src/core/budgetYear.ts. Where the two disagree, the Settings UI
// accepts a value the code then quietly replaces (a start day of 04-31 became 1 January).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseMonthDay } from '../../../src/core/budgetYear';
import { readConfig } from '../../../src/core/config';

interface Schema {
  readonly pattern?: string;
  readonly minItems?: number;
  readonly uniqueItems?: boolean;
  readonly items?: { readonly minimum?: number; readonly maximum?: number; readonly exclusiveMinimum?: number };
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: readonly { properties: Record<string, Schema> }[] };
};
const setting = (key: string): Schema => {
  const found = manifest.contributes.configuration.map((c) => c.properties[key]).find((s) => s !== undefined);
  assert.ok(found, key);
  return found;
};

void describe('setting schemas agree with the code that reads them', () => {
  void it('budgetYearStart: the pattern accepts exactly the days the code accepts, 02-29 included', () => {
    const pattern = new RegExp(setting('tokenBudget.budgetYearStart').pattern ?? '');
    for (let m = 0; m <= 13; m++) {
      for (let d = 0; d <= 32; d++) {
        const mmdd = `${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        assert.equal(pattern.test(mmdd), parseMonthDay(mmdd) !== null, mmdd);
      }
    }
    assert.ok(pattern.test('02-29') && !pattern.test('04-31') && !pattern.test('4-1'));
  });

  void it('workdays: at least one, each 1–7, none twice (an empty list would read as Monday–Friday)', () => {
    const s = setting('tokenBudget.workdays');
    assert.deepEqual([s.minItems, s.uniqueItems, s.items?.minimum, s.items?.maximum], [1, true, 1, 7]);
    assert.deepEqual(readConfig((k) => (k === 'workdays' ? [] : undefined)).workdays, [1, 2, 3, 4, 5]);
  });

  void it('alerts.thresholds: above 0 and at most 1000, each once, as the code keeps them', () => {
    const s = setting('tokenBudget.alerts.thresholds');
    assert.deepEqual([s.items?.exclusiveMinimum, s.items?.maximum, s.uniqueItems], [0, 1000, true]);
    const read = (thresholds: unknown[]) => readConfig((k) => (k === 'alerts.thresholds' ? thresholds : undefined)).alerts.thresholds;
    assert.deepEqual(read([1000, 1000.5, 0, -5, 90, 90]), [90, 1000]);
  });
});
