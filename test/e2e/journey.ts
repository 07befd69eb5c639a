// The smoke journey every supported VS Code must pass, and the dashboard's accessibility audit
// (axe-core), shared by test/e2e/engines.test.ts (the oldest VS Code that package.json's
// engines.vscode names), test/e2e/meter.test.ts (the audit, on the current editor, whose meter
// and dashboard journeys cover the smoke journey's steps) and scripts/screenshots.mjs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

// ---------------------------------------------------------------------------------------------
// axe-core

export interface AxeNode {
  target: string[];
  html: string;
  failureSummary?: string;
}
export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: AxeNode[];
}
export interface AxeSummary {
  violations: AxeViolation[];
  passes: number;
  incomplete: number;
  inapplicable: number;
}

let axeSource: string | undefined;

/**
 * Runs axe-core (WCAG 2.0–2.2 A/AA and best practices) on the document of a frame. The source
 * is evaluated through the DevTools protocol, so the webview's Content-Security-Policy (no
 * inline scripts) does not stop it.
 */
export async function runAxe(frame: Frame): Promise<AxeSummary> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await frame.evaluate(() => 'axe' in window))) await frame.evaluate(axeSource);
  return frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[]; passes: unknown[]; incomplete: unknown[]; inapplicable: unknown[] }> } }).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return {
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 160), failureSummary: n.failureSummary })) })),
      passes: r.passes.length,
      incomplete: r.incomplete.length,
      inapplicable: r.inapplicable.length,
    };
  });
}

const IMPACTS = ['minor', 'moderate', 'serious', 'critical'] as const;

/** Violation counts by impact (nodes, not rules), e.g. { critical: 0, serious: 2, … }. */
export function countByImpact(s: AxeSummary): Record<(typeof IMPACTS)[number], number> {
  const out = { minor: 0, moderate: 0, serious: 0, critical: 0 };
  for (const v of s.violations) if (v.impact) out[v.impact] += v.nodes.length;
  return out;
}

/** The violations of impact moderate or above, one line per node. */
export function blocking(s: AxeSummary): string[] {
  return s.violations
    .filter((v) => v.impact && IMPACTS.indexOf(v.impact) >= 1)
    .flatMap((v) => v.nodes.map((n) => `[${v.impact}] ${v.id}: ${v.help} — ${n.target.join(' ')} ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`));
}

/** Every violation, one line per node (for the log). */
export function describeViolations(s: AxeSummary): string[] {
  return s.violations.flatMap((v) => v.nodes.map((n) => `[${v.impact ?? '?'}] ${v.id}: ${n.target.join(' ')} — ${n.html}`));
}
