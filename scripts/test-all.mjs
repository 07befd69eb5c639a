// The one command that runs every test: installs what is missing (dependencies, code-server,
// Chromium), then lint, typecheck, unit tests, the .vsix build and the end-to-end suite in a
// real VS Code workbench. Exits non-zero if anything fails. `.ci/run` calls this.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVsix, ensureDependencies, root, run } from './lib/steps.mjs';

const started = Date.now();
const steps = [];
const countsFile = join(mkdtempSync(join(tmpdir(), 'tb-counts-')), 'counts.jsonl');
const env = { TB_TEST_COUNTS: countsFile };

async function step(name, fn) {
  const t0 = Date.now();
  console.log(`\n=== ${name} ===`);
  let ok = true;
  try {
    const code = await fn();
    ok = code === undefined || code === 0;
  } catch (error) {
    console.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    ok = false;
  }
  steps.push({ name, ok, seconds: (Date.now() - t0) / 1000 });
  return ok;
}

const skipE2e = process.argv.includes('--no-e2e');

const ready = await step('dependencies', ensureDependencies);
if (ready) {
  await step('lint', () => run('npx', ['eslint', '.']));
  await step('typecheck', () => run('npx', ['tsc', '--noEmit', '-p', '.']));
  await step('unit tests', () => run('node', ['scripts/run-tests.mjs', 'test/unit'], { env }));
  const built = await step('build .vsix', async () => { await buildVsix(); });
  if (built && !skipE2e) {
    const { ensureEditor } = await import('./lib/editor.mjs');
    const editor = await step('editor (code-server, Chromium)', async () => { await ensureEditor({ log: (m) => console.log(m) }); });
    if (editor) {
      await step('end-to-end (real workbench)', () =>
        run('node', ['scripts/run-tests.mjs', 'test/e2e', '--serial'], { env: { ...env, TB_VSIX: join(root, 'token-budget.vsix') } }));
    }
  }
}

let passed = 0, failed = 0, skipped = 0;
if (existsSync(countsFile)) {
  for (const line of readFileSync(countsFile, 'utf8').split('\n').filter(Boolean)) {
    const c = JSON.parse(line);
    passed += c.passed; failed += c.failed; skipped += c.skipped;
  }
}
console.log('\n=== summary ===');
for (const s of steps) console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name.padEnd(34)} ${s.seconds.toFixed(1).padStart(7)} s`);
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
const allOk = steps.every((s) => s.ok) && failed === 0;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(allOk ? 0 : 1);
