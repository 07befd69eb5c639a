/**
 * Keeps src/core pure, and calendar arithmetic in one module: scans the sources for patterns that
 * mean a 'vscode' import (src/core) or hand-made day arithmetic (src/core, src/sources and the
 * webview). The day module, src/core/dates.ts, is the one place allowed to do it, with date-fns
 * and the scanner's fast paths.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(__dirname, '../../..');
const CORE = join(ROOT, 'src/core');
/** Where day arithmetic must go through the day module. */
const DAY_AREAS = ['src/core', 'src/sources', 'webview'].map((d) => join(ROOT, d));
/** The day module: the one exception. */
const DAY_MODULE = join(ROOT, 'src/core/dates.ts');

const VSCODE_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]vscode['"]/;

const DAY_ARITHMETIC: readonly (readonly [string, RegExp])[] = [
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

/** The day arithmetic found in `text`. */
function dayArithmetic(text: string): string[] {
  return DAY_ARITHMETIC.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
}

const dayFromIso = /toISOString\(\)\s*\.\s*(?:slice|substring|substr)\(\s*0\s*,\s*10\s*\)/;

void describe('src/core purity and the day module', () => {
  void it('detects what it looks for', () => {
    assert.ok(VSCODE_IMPORT.test("import * as vscode from 'vscode';"));
    assert.ok(!VSCODE_IMPORT.test("import { addDays } from 'date-fns';"));
    assert.deepEqual(dayArithmetic('const day = 86400000;'), ['milliseconds per day']);
    assert.deepEqual(dayArithmetic('const DAY_MS = 86_400_000;'), ['milliseconds per day']);
    assert.deepEqual(dayArithmetic('d.setDate(d.getDate() + 1)'), ['setDate(', 'getDate()']);
    assert.deepEqual(dayArithmetic('new Date(Date.UTC(y, m - 1, d)).getUTCDay()'), ['Date.UTC']);
    assert.deepEqual(dayArithmetic("import { addDays } from 'date-fns';"), []);
    assert.ok(dayFromIso.test('d.toISOString().slice(0, 10)'));
  });

  void it('src/core has no vscode import', () => {
    const files = sourceFiles(CORE);
    assert.ok(files.length >= 9, `found only ${files.length} files in ${CORE}`);
    for (const file of files) assert.ok(!VSCODE_IMPORT.test(readFileSync(file, 'utf8')), file);
  });

  void it('src/core, src/sources and the webview do no day arithmetic by hand (only the day module does)', () => {
    const files = DAY_AREAS.flatMap(sourceFiles).filter((f) => f !== DAY_MODULE);
    assert.ok(files.length >= 60, `found only ${files.length} files`);
    const offenders = files.map((f) => [relative(ROOT, f), dayArithmetic(readFileSync(f, 'utf8'))] as const).filter(([, found]) => found.length > 0);
    assert.deepEqual(offenders, []);
  });

  void it('cuts UTC days out of ISO strings in one place only', () => {
    const uses = DAY_AREAS.flatMap(sourceFiles).filter((file) => dayFromIso.test(readFileSync(file, 'utf8')));
    assert.deepEqual(
      uses.map((f) => relative(ROOT, f)),
      ['src/core/dates.ts'],
    );
  });
});
