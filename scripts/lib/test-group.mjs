// Runs several node:test files in this one process (scripts/run-tests.mjs gives it the files that
// keep to themselves): `node --test-reporter=spec scripts/lib/test-group.mjs a.test.cjs b.test.cjs` (compiled, or .ts files with --import tsx).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

for (const file of process.argv.slice(2)) await import(pathToFileURL(resolve(file)).href);
