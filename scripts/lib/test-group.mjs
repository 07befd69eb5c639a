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

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');

for (const file of process.argv.slice(2)) {
  const path = resolve(file);
  if (path.endsWith('.cjs')) {
    const name = relative(resolve(root, '.cache', 'test-js'), path).replace(/\.cjs$/, '.ts');
    void describe(name, () => {
      require(path);
    });
  } else await import(pathToFileURL(path).href);
}
