// Entry point of the extension-host suite: VS Code loads the bundle of this file
// (out/electron/suite/index.js) in the extension host and calls run(); a rejection fails the run.
//
// TB_EXT_TEST_RESULTS: optional file the runner appends its results to (JSON lines), for
// launchers that cannot read the extension host's stdout (code-server).

import { runTests } from './runner';
import { hooks, tests } from './tests';

export async function run(): Promise<void> {
  const { passed, failed } = await runTests(tests, hooks, { resultsFile: process.env.TB_EXT_TEST_RESULTS });
  if (failed > 0) throw new Error(`${failed} of ${passed + failed} extension-host tests failed`);
}
