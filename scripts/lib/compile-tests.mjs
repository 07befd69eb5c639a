// Compiles test files ahead of running them: one esbuild call bundles each *.test.ts with the
// source it imports into .cache/test-js/<same path>.cjs (npm packages stay require calls). Run with
// plain `node`, a test process starts in about half the CPU time of `node --import tsx` (no
// loader thread, no per-file transform; a workbench journey's imports took 1.1-1.4 CPU-s through
// tsx), which over the ~30 processes of the unit tests and the journeys is several seconds of the
// two cores.
//
// Every module keeps its own location: `__dirname`, `__filename` and `import.meta.url` are
// replaced, in each source file, by that file's own path (tests find their fixtures and scripts
// next to themselves; src/ finds dist/ as it does under tsx). Stack traces map back to the .ts
// lines (linked source maps; run with --enable-source-maps). CommonJS, as tsx runs these files:
// a module's imports are read from the imported module when used, so mock.method on `fs` reaches
// the code under test.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './steps.mjs';

export const COMPILED_DIR = join(root, '.cache', 'test-js');

/** Where `file` (relative to the root) is compiled to. */
export function compiledPath(file) {
  return join(COMPILED_DIR, file.replace(/\.ts$/, '.cjs'));
}

const LOCATION = /\b(__dirname|__filename|import\.meta\.url)\b/g;

/** An esbuild plugin that gives each loaded file its own location (see the comment at the top). */
const ownLocation = {
  name: 'own-location',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mjs|js)$/, namespace: 'file' }, (args) => {
      if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replace(LOCATION, (name) =>
        JSON.stringify(name === '__dirname' ? dirname(args.path) : name === '__filename' ? args.path : pathToFileURL(args.path).href),
      );
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

/**
 * Compiles `files` (paths relative to the root, under `folder`); returns each one's compiled path,
 * in order. What was compiled from `folder` before is removed first.
 */
export async function compileTests(files, folder) {
  const { build } = await import('esbuild');
  rmSync(join(COMPILED_DIR, folder), { recursive: true, force: true });
  await build({
    entryPoints: files.map((f) => join(root, f)),
    outbase: root,
    outdir: COMPILED_DIR,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    external: ['vscode'],
    sourcemap: 'linked',
    logLevel: 'error',
    plugins: [ownLocation],
  });
  return files.map(compiledPath);
}
