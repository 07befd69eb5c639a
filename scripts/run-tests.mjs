// Runs the node:test files under a folder: `node scripts/run-tests.mjs test/unit [--serial] [--concurrency=N] [files…]`.
//
// Files run side by side (node's own default is cores − 1, which is 1 on a 2-core machine): no
// two files share a port or a folder (every server listens on port 0, every folder is a fresh
// mkdtemp). TB_TEST_CONCURRENCY overrides the folder's default.
//
// Workbench journeys (test/e2e): each file is a job of its own, the longest first (E2E_SECONDS),
// all of them in one Chromium started here (shareBrowser).
//
// Unit tests: starting a process costs half a second of CPU or more per file, much of the CPU
// the unit tests need. Files that keep to themselves (no environment variables, time zone or
// mocked timers, no real-time waits, no child processes; through tsx also no top-level hooks)
// share a process, a few files to each; the others get a process of their own and start first,
// the largest first. The few files that measure real time at a tenth of a second run one at a
// time beside at most one other process (see TIMING).
// TB_TEST_SHARE=0 gives every file its own process.
//
// Files named *.sqlite.test.ts need node:sqlite (Node 22.13 or later): where this Node lacks it
// they run on the editor's Node (scripts/lib/editor.mjs installs it; `npm test` does so first).
//
// Test files run compiled (scripts/lib/compile-tests.mjs: esbuild, then plain `node`), not through
// tsx: a process starts in half the CPU time. TB_TEST_TSX=1 runs them through tsx instead.
//
// Extra reporters come from TB_TEST_COUNTS (set by scripts/test-all.mjs).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { compileTests } from './lib/compile-tests.mjs';
import { editorNodeBin } from './lib/editor.mjs';
import { listTests, root, run } from './lib/steps.mjs';

const args = process.argv.slice(2);
const folder = (args.find((a) => !a.startsWith('--')) ?? 'test/unit').replace(/\/$/, '');
const only = args.filter((a) => !a.startsWith('--')).slice(1);
const files = only.length ? only : listTests(folder);
if (files.length === 0) {
  console.error(`No *.test.ts files under ${folder}.`);
  process.exit(1);
}

/** How many files (or processes) at once, per folder: the workbench journeys each run an editor and a browser. */
const DEFAULT_CONCURRENCY = { 'test/unit': 4, 'test/page': 1, 'test/e2e': 2 };
const flag = args.find((a) => a.startsWith('--concurrency='));
const serial = args.includes('--serial');
const concurrency = serial ? 1 : Number(flag?.slice('--concurrency='.length) || process.env.TB_TEST_CONCURRENCY || DEFAULT_CONCURRENCY[folder] || 2);

const reporters = process.env.TB_TEST_COUNTS
  ? ['--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${join(root, 'scripts/lib/count-reporter.mjs')}`, '--test-reporter-destination=stdout']
  : ['--test-reporter=spec'];

/** The Node for node:sqlite tests: this one when it has node:sqlite, else the editor's. */
function sqliteNode() {
  try {
    createRequire(import.meta.url)('node:sqlite');
    return 'node';
  } catch {
    const bin = editorNodeBin();
    if (existsSync(bin)) return bin;
    console.error(`The *.sqlite.test.ts files need node:sqlite (Node 22.13 or later); this is Node ${process.version} and the editor's Node (${bin}) is not installed: run npm test, which installs it.`);
    process.exit(1);
  }
}
const sqliteFiles = files.filter((f) => f.endsWith('.sqlite.test.ts'));
const sqliteBin = sqliteFiles.length > 0 ? sqliteNode() : 'node';

const share = folder === 'test/unit' && !serial && process.env.TB_TEST_SHARE !== '0';

/** How a file is run: compiled, with plain node (source maps on); through tsx with TB_TEST_TSX=1. */
const compiled = process.env.TB_TEST_TSX !== '1' ? new Map((await compileTests(files, folder)).map((js, i) => [files[i], js])) : undefined;
const loader = compiled ? ['--enable-source-maps'] : ['--import', 'tsx'];
const target = (f) => compiled?.get(f) ?? f;
/**
 * The workbench journeys' usual length (seconds from process start to end, on this machine, two
 * at a time). `node --test` runs its files in name order whatever order they are given in, so the
 * journeys run as jobs of their own (below), the longest first, and the short ones fill in at the
 * end (a file not listed counts as 30 s).
 */
const E2E_SECONDS = { meter: 94, alerts: 50, walkthrough: 46, localLogs: 40, 'extension-host': 40, providers: 30, history: 30, engines: 13 };
const expected = (f) => E2E_SECONDS[f.replace(/^.*\//, '').replace(/\.test\.ts$/, '')] ?? 30;
const journeys = folder === 'test/e2e' && !serial;

if (!share && !journeys) {
  const rest = files.filter((f) => !sqliteFiles.includes(f));
  const a = rest.length > 0 ? await run('node', [...loader, '--test', `--test-concurrency=${concurrency}`, ...reporters, ...rest.map(target)]) : 0;
  const b = sqliteFiles.length > 0 ? await run(sqliteBin, [...loader, '--test', `--test-concurrency=${concurrency}`, ...reporters, ...sqliteFiles.map(target)]) : 0;
  process.exit(a || b);
}

/**
 * What makes a file need a process of its own (see the comment at the top). Top-level hooks only
 * through tsx: a compiled file runs inside a suite of its own (scripts/lib/test-group.mjs).
 */
const OWN_PROCESS = [
  ...(compiled ? [] : [/^(before|after|beforeEach|afterEach)\(/m]),
  /process\.env|process\.chdir|globalThis\.|mock\.(timers|method|module)/,
  /setTimeout|setInterval|sleep\(|spawn\(|fork\(|execFile|new Worker\(/,
];
/**
 * Files that measure real time at the scale of a tenth of a second (HTTP timeouts of 200–500 ms
 * against a server that answers after 800 ms): they run one at a time with at most one other
 * process beside them, so that on two cores neither waits for a core. (The coordinator and fault
 * suites run on clocks of their own, TestClock and the fault harness's, and run with the rest.)
 */
const TIMING = [/sources\/http\.test/];
const size = (f) => statSync(join(root, f)).size;
const timing = journeys ? [] : files.filter((f) => TIMING.some((re) => re.test(f)));
const entry = join(root, 'scripts/lib/test-group.mjs');

/**
 * The unit tests' jobs: files that need a process of their own, then the shared groups, the
 * largest first. The node:sqlite files that keep to themselves share one process of the Node that
 * has node:sqlite (nine processes of the editor's Node 24 took ~12 CPU-s, one after the other).
 */
function unitJobs() {
  const own = [];
  const shared = [];
  const sqliteOwn = [];
  const sqliteShared = [];
  const needsOwn = (f) => OWN_PROCESS.some((re) => re.test(readFileSync(join(root, f), 'utf8')));
  for (const f of files.filter((x) => !timing.includes(x))) {
    if (sqliteFiles.includes(f)) (needsOwn(f) ? sqliteOwn : sqliteShared).push(f);
    else (needsOwn(f) ? own : shared).push(f);
  }
  // Shared files in `concurrency` groups of about equal size.
  const groups = Array.from({ length: Math.min(concurrency, shared.length) }, () => ({ files: [], weight: 0 }));
  for (const f of [...shared].sort((a, b) => size(b) - size(a))) {
    const g = groups.reduce((a, b) => (b.weight < a.weight ? b : a));
    g.files.push(f);
    g.weight += size(f);
  }
  const summary = `${shared.length} sharing ${groups.length} processes, ${own.length} in their own, ${timing.length} timing-sensitive one at a time; node:sqlite: ${sqliteShared.length} sharing one process, ${sqliteOwn.length} in their own`;
  /** A file in a process of its own (counted double: a process start is much of its cost). */
  const alone = (f, node = 'node') => ({ label: f, weight: size(f) * 2, node, args: [...loader, '--test', ...reporters, target(f)] });
  /** Files sharing one process (scripts/lib/test-group.mjs). */
  const together = (group, label, node = 'node') => ({ label, weight: group.reduce((n, f) => n + size(f), 0), node, args: [...loader, ...reporters, entry, ...group.map(target)] });
  return {
    summary,
    jobs: [
      ...own.map((f) => alone(f)),
      ...groups.filter((g) => g.files.length > 0).map((g) => together(g.files, `${g.files.length} files in one process`)),
      ...sqliteOwn.map((f) => alone(f, sqliteBin)),
      ...(sqliteShared.length > 0 ? [together(sqliteShared, `${sqliteShared.length} node:sqlite files in one process`, sqliteBin)] : []),
    ],
  };
}
const { summary, jobs: unsorted } = journeys
  ? { summary: 'each journey in a process of its own, the longest first', jobs: files.map((f) => ({ label: f, weight: expected(f), args: [...loader, '--test', ...reporters, target(f)] })) }
  : unitJobs();
const jobs = unsorted.sort((a, b) => b.weight - a.weight);

let failed = 0;
let next = 0;
let timingRunning = false;
let running = 0;
const wakers = [];
const wake = () => wakers.splice(0).forEach((w) => w());

async function runJob(job) {
  const output = [];
  const code = await run(job.node ?? 'node', job.args, { output });
  if (code !== 0) failed++;
  process.stdout.write(Buffer.concat(output.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))));
  if (code !== 0) console.log(`✖ ${job.label} exited with ${code}`);
}

/** The files that measure real time, one after the other. */
async function timingLane() {
  for (const f of timing) {
    timingRunning = true;
    // at most one other process beside it: wait for the others to drain
    while (running > 1) await new Promise((r) => wakers.push(r));
    await runJob({ label: f, args: [...loader, '--test', ...reporters, target(f)] });
  }
  timingRunning = false;
  wake();
}

async function worker() {
  while (next < jobs.length) {
    while (timingRunning && running >= 1) await new Promise((r) => wakers.push(r));
    if (next >= jobs.length) break;
    const job = jobs[next++];
    running++;
    try {
      await runJob(job);
    } finally {
      running--;
      wake();
    }
  }
}
/**
 * The journeys share one Chromium (a Playwright browser server; test/e2e/workbench.ts
 * journeyBrowser connects to it): each journey starting one of its own cost ~3 CPU-s, a context in
 * the shared one ~0.7. Headed runs (TOKEN_BUDGET_HEADED) keep a browser per journey.
 */
async function shareBrowser() {
  if (!journeys || process.env.TOKEN_BUDGET_HEADED) return undefined;
  const [{ chromium }, editor] = await Promise.all([import('playwright-core'), import('./lib/editor.mjs')]);
  const { chromiumPath } = await editor.ensureEditor();
  const server = await chromium.launchServer({ executablePath: chromiumPath, args: [...editor.CHROMIUM_ARGS], headless: true });
  process.env[editor.BROWSER_SERVER_VARIABLE] = server.wsEndpoint();
  return server;
}

const t0 = Date.now();
const browserServer = await shareBrowser();
try {
  await Promise.all([timingLane(), ...Array.from({ length: concurrency }, worker)]);
} finally {
  await browserServer?.close();
}
console.log(`\n${files.length} files (${summary}), ${concurrency} at a time, ${((Date.now() - t0) / 1000).toFixed(1)} s; ${failed} process(es) failed`);
process.exit(failed > 0 ? 1 : 0);
