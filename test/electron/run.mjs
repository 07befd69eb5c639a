// `npm run test:electron`: the extension-host suite (test/electron/suite) in a VS Code desktop
// build downloaded by @vscode/test-electron. Builds the extension and the suite, launches VS Code
// with a fresh profile and an empty workspace, and exits with the suite's result.
//
// Needs to reach update.code.visualstudio.com, unless a VS Code is given:
//   VSCODE_EXECUTABLE_PATH=/path/to/code   use this VS Code build (no download)
//   VSCODE_TEST_VERSION=1.85.0             download this version (default: stable)
// On a Linux machine without a display run it under Xvfb: `xvfb-run -a npm run test:electron`.
// Where no VS Code can be downloaded, the same suite runs in code-server: test/e2e/extension-host.test.ts.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { buildExtension, buildSuite, ROOT } from './build.mjs';

/** A key the suite's simulators reject: the suite checks that the environment's key is used. */
const ENV_GATEWAY_KEY = 'ext-host-env-key-rejected';

async function vscodeExecutable() {
  const given = process.env.VSCODE_EXECUTABLE_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`VSCODE_EXECUTABLE_PATH=${given} does not exist`);
    return given;
  }
  const version = process.env.VSCODE_TEST_VERSION ?? 'stable';
  try {
    return await downloadAndUnzipVSCode({ version, cachePath: path.join(ROOT, '.vscode-test'), timeout: 20_000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(
      [
        '',
        `test:electron: could not download VS Code ${version} (${reason}).`,
        '@vscode/test-electron needs https://update.code.visualstudio.com; this machine cannot reach it.',
        'Either set VSCODE_EXECUTABLE_PATH to an installed VS Code, or run the same suite inside',
        'code-server (installed from npm) with:',
        '  node --import tsx --test test/e2e/extension-host.test.ts',
        '(`npm test` runs it as part of the end-to-end suite). See docs/testing.md.',
      ].join('\n'),
    );
    process.exit(2);
  }
}

const t0 = Date.now();
const executable = await vscodeExecutable(); // first: fails fast where VS Code cannot be downloaded
console.log('test:electron: building the extension and the suite');
await buildExtension();
const suite = await buildSuite();

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tb-electron-'));
const workspace = path.join(tmp, 'workspace');
const userDataDir = path.join(tmp, 'user-data');
const extensionsDir = path.join(tmp, 'extensions');
const resultsFile = path.join(tmp, 'results.jsonl');
for (const d of [workspace, extensionsDir, path.join(userDataDir, 'User')]) mkdirSync(d, { recursive: true });
writeFileSync(
  path.join(userDataDir, 'User', 'settings.json'),
  JSON.stringify(
    {
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'chat.disableAIFeatures': true,
    },
    null,
    2,
  ),
);
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.warn('test:electron: no DISPLAY; if VS Code fails to start, run under Xvfb: xvfb-run -a npm run test:electron');
}

let code = 1;
try {
  code = await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: suite,
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      ...(process.platform === 'linux' ? ['--password-store=basic'] : []),
    ],
    extensionTestsEnv: {
      TB_EXT_TEST_RESULTS: resultsFile,
      TOKEN_BUDGET_GATEWAY_KEY: ENV_GATEWAY_KEY,
    },
  });
} catch (error) {
  console.error(`test:electron: VS Code exited with a failure (${error instanceof Error ? error.message : String(error)})`);
  code = 1;
}

// The suite's own account of what ran (stdout of the extension host can be incomplete).
let summary;
if (existsSync(resultsFile)) {
  for (const line of readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean)) {
    const event = JSON.parse(line);
    if (event.event === 'end') summary = event;
  }
}
if (!summary) {
  console.error('test:electron: the suite did not report an end (it did not run, or VS Code died)');
  code = code || 1;
} else if (summary.failed > 0 || summary.passed === 0) {
  code = code || 1;
}
console.log(`test:electron: ${summary ? `${summary.passed} passed, ${summary.failed} failed` : 'no result'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (!process.env.TB_KEEP_TEMP) rmSync(tmp, { recursive: true, force: true });
process.exit(code);
