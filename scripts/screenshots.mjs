// Renders the listing's screenshots from the real workbench, the way the end-to-end suite runs
// it: builds token-budget.vsix, starts the allowance-gateway simulator (its demo year, labelled
// "demo" in the UI) and code-server, and photographs, in the dark and the light theme,
//
//   images/meter-<theme>.png       the status bar meter with its tooltip open
//   images/dashboard-<theme>.png   the dashboard, opened by a click on the meter (1280×800)
//
//   npm run screenshots            (node --import tsx scripts/screenshots.mjs)
//
// images/ is excluded from the .vsix (.vscodeignore); README.md links the files relatively,
// which vsce rewrites to the repository. Alerts are off for the pictures (their toasts would
// cover the meter); everything else is the extension as installed.
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buildVsix, ensureDependencies, root } from './lib/steps.mjs';

const OUT = join(root, 'images');
const SIZE = { width: 1280, height: 800 };
const KEY = 'tb-screenshots-key';
/** A listing image over this is too heavy for the Marketplace page (and the check fails). */
const MAX_BYTES = 400 * 1024;

await ensureDependencies();
console.log('[screenshots] building token-budget.vsix…');
const vsix = await buildVsix();
const wbMod = await import('../test/e2e/workbench.ts');
const journey = await import('../test/e2e/journey.ts');
const { startGatewaySuite, closeSuite, setTheme, hoverTooltip, statusBarItem, findInWebviews } = wbMod.default ?? wbMod;
const { METER_ID, DASHBOARD_LOADED, hideSideBar, waitForDemoMeter } = journey.default ?? journey;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const suite = await startGatewaySuite(KEY, (s) => ({
  vsixPath: vsix,
  userSettings: {
    'tokenBudget.sources.gateway.url': s.url,
    'tokenBudget.alerts.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'editor.minimap.enabled': false,
    'window.commandCenter': false,
    'workbench.layoutControl.enabled': false,
  },
  env: { TOKEN_BUDGET_GATEWAY_KEY: KEY },
}));
const written = [];
try {
  const { page } = suite;
  await page.setViewportSize(SIZE);
  await hideSideBar(page);
  const meterText = await waitForDemoMeter(page);
  console.log(`[screenshots] meter: ${meterText}`);
  const meter = statusBarItem(page, { id: METER_ID });
  await meter.click();
  await findInWebviews(page, DASHBOARD_LOADED, 60_000);
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });

  for (const [theme, name] of [
    ['Default Dark Modern', 'dark'],
    ['Default Light Modern', 'light'],
  ]) {
    await setTheme(page, theme);
    const frame = await findInWebviews(page, DASHBOARD_LOADED, 30_000);
    const kind = name === 'dark' ? 'vscode-dark' : 'vscode-light';
    for (let i = 0; !(await frame.evaluate((k) => document.body.classList.contains(k), kind)); i++) {
      if (i > 75) throw new Error(`the dashboard did not take the ${theme} colours`);
      await sleep(200);
    }
    await dismissToasts(page);
    await page.mouse.move(SIZE.width / 2, 60);
    await sleep(1500); // charts repaint in the new colours
    const dashboard = join(OUT, `dashboard-${name}.png`);
    await page.screenshot({ path: dashboard });
    written.push(dashboard);

    // the meter and its tooltip: the status bar's right end and the hover above it
    await hoverTooltip(page, meter);
    const hover = page.locator('.workbench-hover, .monaco-hover').filter({ visible: true }).first();
    const hb = await hover.boundingBox();
    const mb = await meter.boundingBox();
    if (!hb || !mb) throw new Error('no tooltip or meter on screen');
    const x0 = Math.max(0, Math.min(hb.x, mb.x) - 24);
    const y0 = Math.max(0, hb.y - 24);
    const x1 = Math.min(SIZE.width, Math.max(hb.x + hb.width, mb.x + mb.width) + 24);
    const y1 = SIZE.height;
    const meterFile = join(OUT, `meter-${name}.png`);
    await page.screenshot({ path: meterFile, clip: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } });
    written.push(meterFile);
    await page.mouse.move(SIZE.width / 2, 60);
    await sleep(500);
  }
} finally {
  await closeSuite(suite);
}

let tooBig = false;
for (const file of written) {
  const { size } = await stat(file);
  const over = size > MAX_BYTES;
  tooBig ||= over;
  console.log(`[screenshots] ${file.slice(root.length + 1)}: ${(size / 1024).toFixed(1)} KB${over ? ` — over ${MAX_BYTES / 1024} KB` : ''}`);
}
process.exit(tooBig ? 1 : 0);

async function dismissToasts(page) {
  for (const toast of await page.locator('.notifications-toasts .notification-toast').all()) {
    await toast.hover().catch(() => undefined);
    await toast.locator('.codicon-notifications-clear, .codicon-close').first().click({ timeout: 2000 }).catch(() => undefined);
  }
}
