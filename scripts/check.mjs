// Typecheck and lint on one TypeScript program (`npm run check`; npm test runs it): `tsc --noEmit
// -p .` and `eslint .` each built the whole program from tsconfig.json (about 10 CPU-s apiece);
// here it is built once, its errors are printed as tsc prints them, and ESLint's type-aware rules
// (eslint.config.mjs) are given the same program. Exits non-zero on a type error or a lint problem.
// `npm run typecheck` and `npm run lint` still run each alone.
import ts from 'typescript';
import { ESLint } from 'eslint';
import { root } from './lib/steps.mjs';

const t0 = Date.now();
const configPath = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences });
// The config's own errors (an unknown option, no input files) first, as tsc reports them.
const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)];
const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
if (diagnostics.length) console.log((process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics)(diagnostics, host));
const t1 = Date.now();
const eslint = new ESLint({ cwd: root, overrideConfig: { languageOptions: { parserOptions: { projectService: false, programs: [program] } } } });
const results = await eslint.lintFiles(['.']);
const formatter = await eslint.loadFormatter('stylish');
const text = await formatter.format(results);
if (text) console.log(text);
const problems = results.reduce((n, r) => n + r.errorCount + r.warningCount, 0);
console.log(`typecheck: ${diagnostics.length} error(s) in ${((t1 - t0) / 1000).toFixed(1)} s; lint: ${problems} problem(s) in ${results.length} files in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
process.exit(diagnostics.length || problems ? 1 : 0);
