// The listing's promises, checked in the real workbench (code-server + Chromium) on the current
// editor: the smoke journey (meter from the gateway simulator, dashboard opens from it) and an
// accessibility audit of the dashboard with axe-core in the dark, light and high-contrast
// themes, failing on any violation of impact moderate or above (minor ones are printed).
//
//   npm run package && node --import tsx --test test/e2e/listing.test.ts

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { editorCacheDir, type RunningEditor } from '../../scripts/lib/editor.mjs';
import type { Simulator } from '../../tools/simulator/server';
import { blocking, countByImpact, DASHBOARD_LOADED, describeViolations, hideSideBar, runAxe, smokeJourney } from './journey';
import { capturingFailure, closeSuite, findInWebviews, setTheme, startGatewaySuite, type ThemeName, type Workbench } from './workbench';

const VSIX = process.env.TB_VSIX ?? path.resolve(__dirname, '..', '..', 'token-budget.vsix');
const KEY = 'e2e-listing-key-7c2e19';

let sim: Simulator | undefined;
let editor: RunningEditor | undefined;
let wb: Workbench | undefined;
let page: Page | undefined;

void describe('listing: smoke journey and accessibility on the current VS Code', { timeout: 600_000 }, () => {
  before(async () => {
    ({ sim, editor, wb, page } = await startGatewaySuite(KEY, (s) => ({
      vsixPath: VSIX,
      userSettings: { 'tokenBudget.sources.gateway.url': s.url, 'workbench.colorTheme': 'Default Dark Modern' },
      env: { TOKEN_BUDGET_GATEWAY_KEY: KEY },
    })));
    await hideSideBar(page);
  });

  after(() => closeSuite({ wb, editor, sim }));

  void test('the meter shows the simulator’s year and opens the dashboard', () =>
    capturingFailure(page, 'listing-smoke', async () => {
      assert.ok(page);
      const { meter, values } = await smokeJourney(page);
      const stamp = JSON.parse(readFileSync(path.join(editorCacheDir(), 'editor', '.token-budget-editor.json'), 'utf8')) as { version: string };
      console.log(`[listing] code-server ${stamp.version}: meter "${meter}", dashboard spent ${values['spent']} of ${values['budget']}`);
    }));

  const themes: ThemeName[] = ['Default Dark Modern', 'Default Light Modern', 'Default High Contrast'];
  for (const theme of themes) {
    void test(`axe-core finds no violation of impact moderate or above in ${theme}`, () =>
      capturingFailure(page, `listing-axe-${theme}`, async () => {
        assert.ok(page);
        await setTheme(page, theme);
        const frame = await themedDashboard(page, theme);
        const result = await runAxe(frame);
        const counts = countByImpact(result);
        console.log(
          `[axe] ${theme}: ${result.violations.length} rule(s) violated — critical ${counts.critical}, serious ${counts.serious}, moderate ${counts.moderate}, minor ${counts.minor} (nodes); ${result.passes} rules passed, ${result.incomplete} need review`,
        );
        for (const line of describeViolations(result)) console.log(`[axe]   ${line}`);
        assert.deepEqual(blocking(result), [], `axe violations in ${theme}`);
      }));
  }
});

/** The dashboard frame, once the webview has taken the theme's colours. */
async function themedDashboard(p: Page, theme: ThemeName): Promise<Frame> {
  const frame = await findInWebviews(p, DASHBOARD_LOADED, 30_000);
  const kind = { 'Default Dark Modern': 'vscode-dark', 'Default Light Modern': 'vscode-light', 'Default High Contrast': 'vscode-high-contrast' }[theme];
  const deadline = Date.now() + 15_000;
  while (!(await frame.evaluate((k) => document.body.classList.contains(k), kind))) {
    if (Date.now() > deadline) throw new Error(`the dashboard did not take the ${theme} colours (body class ${kind})`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 500)); // charts repaint after a theme change
  return frame;
}

