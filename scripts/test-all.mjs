// The one command that runs every test: installs what is missing (dependencies, code-server,
// Chromium), then typecheck and lint, unit tests, the .vsix build, the dashboard page in Chromium and
// the end-to-end suite in a real VS Code workbench. Exits non-zero if anything fails. `.ci/run`
// calls this.
//
// What can run side by side does: typecheck and lint (one TypeScript program for both:
// scripts/check.mjs) beside the .vsix build (then the editor check and the page tests); then the
// unit tests, then the end-to-end suite, each alone (both have tests that measure real time and
// need the cores). Steps run side by side print their output whole when they end.
//
//   node scripts/test-all.mjs [--no-e2e] [--serial]
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVsix, ensureDependencies, root, run } from './lib/steps.mjs';

const started = Date.now();
const steps = [];
const countsFile = join(mkdtempSync(join(tmpdir(), 'tb-counts-')), 'counts.jsonl');
const env = { TB_TEST_COUNTS: countsFile };
const skipE2e = process.argv.includes('--no-e2e');
/** One step at a time, output streamed (for a look at a slow or hanging step). */
const serial = process.argv.includes('--serial');

/**
 * Runs a step and records it in the summary (in the order steps start). `fn` gets `output`: an
 * array to collect the step's output in when it runs beside others (undefined: stream it).
 */
async function step(name, fn, { quiet = false } = {}) {
  const entry = { name, ok: false, seconds: 0 };
  steps.push(entry);
  const t0 = Date.now();
  const output = quiet && !serial ? [] : undefined;
  if (!output) console.log(`\n=== ${name} ===`);
  let ok = true;
  let failure = '';
  try {
    const code = await fn(output);
    ok = code === undefined || code === true || code === false || code === 0;
  } catch (error) {
    failure = `${name} failed: ${error instanceof Error ? error.message : String(error)}`;
    ok = false;
  }
  entry.ok = ok;
  entry.seconds = (Date.now() - t0) / 1000;
  if (output) {
    console.log(`\n=== ${name} (${entry.seconds.toFixed(1)} s) ===`);
    process.stdout.write(Buffer.concat(output.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))));
  }
  if (failure) console.error(failure);
  return ok;
}

/** Runs the thunks side by side (or one after the other with --serial). */
async function together(...thunks) {
  if (serial) {
    const out = [];
    for (const t of thunks) out.push(await t());
    return out;
  }
  return Promise.all(thunks.map((t) => t()));
}

const ready = await step('dependencies', ensureDependencies);
if (ready) {
  let built = false;
  let editor = false;
  // Typecheck and lint, and the .vsix (then the page tests) side by side: CPU-bound. The unit
  // tests follow alone: some of them measure real time (see scripts/run-tests.mjs).
  await together(
    () => step('typecheck and lint', (output) => run('node', ['scripts/check.mjs'], { output }), { quiet: true }),
    async () => {
      built = await step('build .vsix', async (output) => { await buildVsix({ output }); }, { quiet: true });
      // What the package holds, its packed size, and what must never be in it (scripts/check-vsix.mjs).
      if (built) built = await step('check .vsix', (output) => run('node', ['scripts/check-vsix.mjs', 'token-budget.vsix'], { output }), { quiet: true });
      if (!built || skipE2e) return;
      const { ensureEditor, OLDEST_CODE_SERVER_VERSION, preinstallVsix } = await import('./lib/editor.mjs');
      // The current editor and the oldest VS Code that engines.vscode names (test/e2e/engines.test.ts),
      // and the .vsix installed once for the journeys.
      editor = await step('editor (code-server, Chromium)', async (output) => {
        const log = (m) => (output ? output.push(`${m}\n`) : console.log(m));
        await ensureEditor({ log });
        await ensureEditor({ log, codeServerVersion: OLDEST_CODE_SERVER_VERSION });
        await preinstallVsix(join(root, 'token-budget.vsix'), { log });
      }, { quiet: true });
      if (editor) await step('dashboard page (Chromium)', (output) => run('node', ['scripts/run-tests.mjs', 'test/page'], { env, output }), { quiet: true });
    },
  );
  await step('unit tests', () => run('node', ['scripts/run-tests.mjs', 'test/unit'], { env }));
  if (built && editor && !skipE2e) {
    await step('end-to-end (real workbench)', () =>
      run('node', ['scripts/run-tests.mjs', 'test/e2e'], { env: { ...env, TB_VSIX: join(root, 'token-budget.vsix') } }));
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
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s${serial ? '' : ' (typecheck and lint beside the .vsix and page tests)'}`);
const allOk = steps.every((s) => s.ok) && failed === 0;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(allOk ? 0 : 1);
