// A node:test reporter that counts leaf tests and appends the counts to the file named by
// TB_TEST_COUNTS (one JSON line per run), so the test script can print one total at the end.
import { appendFileSync } from 'node:fs';

export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.data.skip || event.data.todo) skipped++;
    else if (event.type === 'test:pass') passed++;
    else failed++;
  }
  if (process.env.TB_TEST_COUNTS) appendFileSync(process.env.TB_TEST_COUNTS, JSON.stringify({ passed, failed, skipped }) + '\n');
  yield '';
}
