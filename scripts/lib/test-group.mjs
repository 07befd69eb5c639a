// Runs several node:test files in this one process (scripts/run-tests.mjs gives it the files that
// keep to themselves): `node --test-reporter=spec scripts/lib/test-group.mjs a.test.cjs b.test.cjs`
// (compiled), or .ts files with --import tsx.
//
// A compiled file is required inside a suite named after it: its top-level hooks (before, after,
// beforeEach, afterEach) then belong to that suite, not to every file of the process.
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import { describe } from 'node:test';
import { pathToFileURL } from 'node:url';
import { COMPILED_DIR } from './compile-tests.mjs';

const require = createRequire(import.meta.url);

for (const file of process.argv.slice(2)) {
  const path = resolve(file);
  if (path.endsWith('.cjs')) {
    const name = relative(COMPILED_DIR, path).replace(/\.cjs$/, '.ts');
    void describe(name, () => {
      require(path);
    });
  } else await import(pathToFileURL(path).href);
}
