// Builds what the extension-host suite needs: the extension (`node esbuild.mjs`, development
// bundle in dist/) and the suite itself, bundled for the extension host (Node, CommonJS,
// `vscode` external) into out/electron/suite/index.js. Used by test/electron/run.mjs
// (@vscode/test-electron) and test/e2e/extension-host.test.ts (code-server).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SUITE_BUNDLE = path.join(ROOT, 'out', 'electron', 'suite', 'index.js');

/** `node esbuild.mjs` at the repository root (the extension in dist/, the webview in dist/webview/). */
export function buildExtension({ quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'] });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`node esbuild.mjs exited with ${code}\n${output}`))));
  });
}

/** Bundles test/electron/suite/index.ts (and what it imports: the simulator) into SUITE_BUNDLE. */
export async function buildSuite() {
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'test', 'electron', 'suite', 'index.ts')],
    outfile: SUITE_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return SUITE_BUNDLE;
}
