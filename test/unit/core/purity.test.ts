/**
 * Keeps src/core pure and its calendar arithmetic in date-fns: scans the sources for patterns
 * that mean a 'vscode' import or hand-rolled date math.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const CORE = resolve(__dirname, '../../../src/core');

const FORBIDDEN: readonly (readonly [string, RegExp])[] = [
  ["an import of 'vscode'", /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]vscode['"]/],
  ['milliseconds per day', /86[_]?400[_]?000|24\s*\*\s*60\s*\*\s*60/],
  ['time zone offsets', /getTimezoneOffset/],
  ['setDate(', /setDate\(/],
  ['getMonth()', /getMonth\(\)/],
  ['getDate()', /getDate\(\)/],
  ['setMonth(', /setMonth\(/],
  ['Date.UTC', /Date\.UTC/],
];

/** Every TypeScript file under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The forbidden patterns found in `text`. */
function violations(text: string): string[] {
  return FORBIDDEN.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
}

void describe('src/core purity', () => {
  void it('detects what it looks for', () => {
    assert.deepEqual(violations("import * as vscode from 'vscode';"), ["an import of 'vscode'"]);
    assert.deepEqual(violations('const day = 86400000;'), ['milliseconds per day']);
    assert.deepEqual(violations('d.setDate(d.getDate() + 1)'), ['setDate(', 'getDate()']);
    assert.deepEqual(violations("import { addDays } from 'date-fns';"), []);
  });

  void it('has no vscode import and no hand-rolled date math', () => {
    const files = sourceFiles(CORE);
    assert.ok(files.length >= 9, `found only ${files.length} files in ${CORE}`);
    for (const file of files) {
      assert.deepEqual(violations(readFileSync(file, 'utf8')), [], file);
    }
  });

  void it('cuts UTC days out of ISO strings in one place only', () => {
    const dayFromIso = /toISOString\(\)\s*\.\s*(?:slice|substring|substr)\(\s*0\s*,\s*10\s*\)/;
    assert.ok(dayFromIso.test('d.toISOString().slice(0, 10)'));
    const uses = sourceFiles(CORE).filter((file) => dayFromIso.test(readFileSync(file, 'utf8')));
    assert.deepEqual(uses.map((f) => f.slice(CORE.length + 1)), ['dates.ts']);
  });
});
