// The smoke journey every supported VS Code must pass, shared by test/e2e/engines.test.ts (the
// oldest VS Code that package.json's engines.vscode names), test/e2e/meter.test.ts (on the current
// editor, whose meter and dashboard journeys cover the smoke journey's steps) and
// scripts/screenshots.mjs.

import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { findInWebviews, kpis, runCommand, statusBarItem, waitForStatusText } from './workbench';

export const METER_ID = 'token-budget.token-budget.tokenBudget.meter';
export const DASHBOARD = '[data-testid="dashboard"]';
/** The dashboard once its numbers are in. */
export const DASHBOARD_LOADED = `${DASHBOARD} [data-kpi="spent"][data-value]`;

/** The meter's text once the gateway simulator's demo year is in, e.g. "74% · $185.2k (demo)". */
export async function waitForDemoMeter(page: Page, timeoutMs = 90_000): Promise<string> {
  return waitForStatusText(page, /\d+% · \$[\d.]+k?.*\(demo\)/, timeoutMs);
}

/** More room for the dashboard: no side bar. */
export async function hideSideBar(page: Page): Promise<void> {
  if (await page.locator('.part.sidebar').isVisible()) await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
}

/**
 * The smoke journey: the meter shows the simulator's demo year, a click on it opens the
 * dashboard, whose spend agrees with the meter's percent. Returns the dashboard's frame.
 */
export async function smokeJourney(page: Page): Promise<{ meter: string; frame: Frame; values: Record<string, string> }> {
  const meter = await waitForDemoMeter(page);
  const item = statusBarItem(page, { id: METER_ID });
  assert.equal(await item.count(), 1, `one status bar item with id ${METER_ID}`);
  await item.click();
  const frame = await findInWebviews(page, DASHBOARD_LOADED, 60_000);
  const values = await kpis(frame);
  const spent = Number(values['spent']);
  const budget = Number(values['budget']);
  assert.ok(spent > 0 && budget > 0, `spent ${values['spent']} and budget ${values['budget']}`);
  const percent = Number(/(\d+)%/.exec(meter)?.[1]);
  assert.ok(Math.abs(percent - (100 * spent) / budget) <= 1, `the meter's ${percent}% is the dashboard's ${spent} of ${budget}`);
  for (const chart of ['burnup', 'daily', 'heatmap']) {
    assert.equal(await frame.locator(`[data-chart="${chart}"]`).count(), 1, `chart ${chart}`);
  }
  assert.equal(await frame.getAttribute('[data-source="gateway"]', 'data-state'), 'ok');
  return { meter, frame, values };
}
