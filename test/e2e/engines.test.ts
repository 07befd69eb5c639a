// The oldest VS Code that package.json's engines.vscode names, in the real workbench: the
// smoke journey (meter from the gateway simulator, dashboard opens from it) on the code-server
// release built on it (OLDEST_CODE_SERVER_VERSION in scripts/lib/editor.mjs, installed and
// cached by the project's own scripts). meter.test.ts covers the same steps on the current one.
//
//   npm run package && node --import tsx --test test/e2e/engines.test.ts

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { EDITOR_VERSIONS, editorCacheDir, OLDEST_CODE_SERVER_VERSION, type RunningEditor } from '../../scripts/lib/editor.mjs';
import type { Simulator } from '../../tools/simulator/server';
import { hideSideBar, smokeJourney } from './journey';
import { capturingFailure, closeSuite, startGatewaySuite, type Workbench } from './workbench';

const ROOT = path.resolve(__dirname, '..', '..');
const VSIX = process.env.TB_VSIX ?? path.join(ROOT, 'token-budget.vsix');
const KEY = 'e2e-engines-key-31f0a2';
const oldest = EDITOR_VERSIONS[OLDEST_CODE_SERVER_VERSION];

let sim: Simulator | undefined;
let editor: RunningEditor | undefined;
let wb: Workbench | undefined;
let page: Page | undefined;

void describe(`the oldest VS Code engines.vscode names (${oldest?.vscode}, code-server ${OLDEST_CODE_SERVER_VERSION})`, { timeout: 900_000 }, () => {
  before(async () => {
    ({ sim, editor, wb, page } = await startGatewaySuite(KEY, (s) => ({
      codeServerVersion: OLDEST_CODE_SERVER_VERSION,
      vsixPath: VSIX,
      userSettings: { 'tokenBudget.sources.gateway.url': s.url, 'workbench.colorTheme': 'Default Dark Modern' },
      env: { TOKEN_BUDGET_GATEWAY_KEY: KEY },
      startTimeoutMs: 120_000,
    })));
  });

  after(() => closeSuite({ wb, editor, sim }));

  void test('engines.vscode names that version as its minimum', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { vscode: string }; devDependencies: Record<string, string> };
    const min = /^\^?(\d+\.\d+)\./.exec(manifest.engines.vscode)?.[1];
    assert.equal(min, oldest?.vscode.split('.').slice(0, 2).join('.'), `engines.vscode ${manifest.engines.vscode} vs the oldest editor tested, VS Code ${oldest?.vscode}`);
    const types = /(\d+\.\d+)\./.exec(manifest.devDependencies['@types/vscode'] ?? '')?.[1];
    assert.equal(types, min, '@types/vscode is the minimum VS Code, so the typecheck catches newer API');
  });

  void test('the meter shows the simulator’s year and opens the dashboard', () =>
    capturingFailure(page, 'engines-oldest-smoke', async () => {
      assert.ok(page && editor);
      await hideSideBar(page);
      const { meter, values } = await smokeJourney(page);
      // what `code-server --version` said when the harness installed it
      const stamp = JSON.parse(readFileSync(path.join(editorCacheDir(), `editor-${OLDEST_CODE_SERVER_VERSION}`, '.token-budget-editor.json'), 'utf8')) as { version: string };
      assert.match(stamp.version, new RegExp(`with Code ${oldest?.vscode.replace(/\./g, '\\.')}$`));
      console.log(`[engines] code-server ${stamp.version}: meter "${meter}", dashboard spent ${values['spent']} of ${values['budget']}`);
      assert.deepEqual(wb?.pageErrors ?? [], [], 'no uncaught errors in the workbench page');
    }));
});
