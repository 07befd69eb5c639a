// Runs the node:test files under a folder: `node scripts/run-tests.mjs test/unit [--serial] [--concurrency=N] [files…]`.
// Files run side by side (node's own default is cores − 1, which is 1 on a 2-core machine):
// most of a unit test file's time is tsx starting up and real-time waits, not CPU. No two files
// share a port or a folder (every server listens on port 0, every folder is a fresh mkdtemp).
// TB_TEST_CONCURRENCY overrides the folder's default. Extra reporters come from TB_TEST_COUNTS
// (set by scripts/test-all.mjs).
import { join } from 'node:path';
import { listTests, root, run } from './lib/steps.mjs';

const args = process.argv.slice(2);
const folder = args.find((a) => !a.startsWith('--')) ?? 'test/unit';
const only = args.filter((a) => !a.startsWith('--')).slice(1);
const files = only.length ? only : listTests(folder);
if (files.length === 0) {
  console.error(`No *.test.ts files under ${folder}.`);
  process.exit(1);
}

/** How many files at once, per folder: the workbench journeys each run an editor and a browser. */
const DEFAULT_CONCURRENCY = { 'test/unit': 4, 'test/page': 1, 'test/e2e': 2 };
const flag = args.find((a) => a.startsWith('--concurrency='));
const concurrency = args.includes('--serial')
  ? 1
  : Number(flag?.slice('--concurrency='.length) || process.env.TB_TEST_CONCURRENCY || DEFAULT_CONCURRENCY[folder.replace(/\/$/, '')] || 2);

const reporters = process.env.TB_TEST_COUNTS
  ? ['--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${join(root, 'scripts/lib/count-reporter.mjs')}`, '--test-reporter-destination=stdout']
  : ['--test-reporter=spec'];
process.exit(await run('node', ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...reporters, ...files]));
