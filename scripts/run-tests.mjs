// Runs the node:test files under a folder: `node scripts/run-tests.mjs test/unit [--serial]`.
// Extra reporters come from TB_TEST_REPORTERS (set by scripts/test-all.mjs).
import { join } from 'node:path';
import { listTests, root, run } from './lib/steps.mjs';

const folder = process.argv[2] ?? 'test/unit';
const files = listTests(folder);
if (files.length === 0) {
  console.error(`No *.test.ts files under ${folder}.`);
  process.exit(1);
}
const reporters = process.env.TB_TEST_COUNTS
  ? ['--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${join(root, 'scripts/lib/count-reporter.mjs')}`, '--test-reporter-destination=stdout']
  : ['--test-reporter=spec'];
const serial = process.argv.includes('--serial') ? ['--test-concurrency=1'] : [];
process.exit(await run('node', ['--import', 'tsx', '--test', ...serial, ...reporters, ...files]));
