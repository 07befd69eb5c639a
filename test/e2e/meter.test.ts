// The status bar meter in a real VS Code workbench (code-server + Chromium), fed by the
// allowance-gateway simulator. Expected numbers are computed here from the simulator's data,
// never by calling the extension's code.
//
//   npm run package && node --import tsx --test test/e2e/meter.test.ts

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningEditor } from '../../scripts/lib/editor.mjs';
import type { Simulator } from '../../tools/simulator/server';
import { expectedSpend, usd } from './expected';
import { answerInputBox, answerQuickPick, capturingFailure, closeSuite, findInWebviews, hoverTooltip, kpis, runCommand, screenshot, startGatewaySuite, statusBarItem, statusBarItemNames, waitForStatusText, type Workbench } from './workbench';

const VSIX = process.env.TB_VSIX ?? path.resolve(__dirname, '..', '..', 'token-budget.vsix');
const RIGHT_KEY = 'e2e-right-key-7f3a9c';
const WRONG_KEY = 'e2e-wrong-key-000000';
const ITEM_ID = 'token-budget.token-budget.tokenBudget.meter';

let sim: Simulator;
let editor: RunningEditor;
let wb: Workbench;
let page: Page;

/** What the meter must show, computed from the simulator's own data. */
function expected() {
  const exp = expectedSpend(sim);
  // A plain run-rate check (the last 28 days' mean × days left) that this demo year overruns.
  const recent = sim.data.days.filter((d) => d.date < exp.today).slice(-28);
  const daysLeft = (Date.parse(exp.period.period_end) - Date.parse(exp.today)) / 86_400_000;
  const runRate = exp.spent + (recent.reduce((s, d) => s + d.cost, 0) / recent.length) * daysLeft;
  return { ...exp, projectedOverrun: runRate > exp.budget };
}


/** Reads "$177k" / "$1.25M" / "$950" back into dollars. */
function parseCompact(text: string): number {
  const m = /\$([\d.,]+)([kM]?)/.exec(text);
  assert.ok(m?.[1], `a dollar amount in ${JSON.stringify(text)}`);
  return Number(m[1].replace(/,/g, '')) * (m[2] === 'k' ? 1e3 : m[2] === 'M' ? 1e6 : 1);
}

before(async () => {
  ({ sim, editor, wb, page } = await startGatewaySuite(RIGHT_KEY, (s) => ({
    vsixPath: VSIX,
    userSettings: { 'tokenBudget.sources.gateway.url': s.url },
    env: { TOKEN_BUDGET_GATEWAY_KEY: WRONG_KEY },
  })));
});

after(() => closeSuite({ wb, editor, sim }));

void describe('status bar meter fed by the allowance gateway', { timeout: 240_000 }, () => {
  void test('a wrong key shows a clear message and no numbers', () => capturingFailure(page, 'meter-a-wrong-key-shows-a-clear-message-and-no', async () => {
    const text = await waitForStatusText(page, /Token Budget: error/, 60_000);
    assert.doesNotMatch(text, /%|\$\d/, 'no bogus numbers');
    const tip = await hoverTooltip(page, statusBarItem(page, { id: ITEM_ID }));
    assert.match(tip, /key was rejected \(HTTP 401/);
    assert.match(tip, /Set API Key/);
    assert.doesNotMatch(tip, new RegExp(WRONG_KEY), 'the key itself is never shown');
    await screenshot(page, 'meter-wrong-key');
  }));

  void test('a key stored with "Set API Key…" wins over the environment and the meter shows the spend', () => capturingFailure(page, 'meter-a-key-stored-with-set-api-key-wins-over-', async () => {
    await runCommand(page, 'Token Budget: Set API Key…');
    await answerQuickPick(page, 'Allowance gateway');
    await answerInputBox(page, RIGHT_KEY);
    const text = await waitForStatusText(page, /\d+% · \$/, 60_000);
    const exp = expected();
    const pct = Number(/(\d+)%/.exec(text)?.[1]);
    assert.equal(pct, Math.round(exp.percent), `status ${JSON.stringify(text)} vs ${exp.percent.toFixed(2)}%`);
    const shown = parseCompact(text.slice(text.indexOf('·')));
    assert.ok(Math.abs(shown - exp.spent) / exp.spent < 0.006, `shown ${shown} vs spent ${exp.spent}`);
    assert.match(text, /\(demo\)/, 'simulator data is labelled as demo');
    // The demo year's projection overruns the budget: the meter carries the warning background.
    assert.ok(exp.projectedOverrun, 'the simulator history overruns its budget by year end');
    // Away from the item (an earlier test hovered it for its tooltip): a hovered item has the hover colour.
    await page.mouse.move(5, 5);
    await sleep(300);
    const background = await statusBarItem(page, { id: ITEM_ID }).evaluate((e) => getComputedStyle(e).backgroundColor);
    // The theme's own colours, resolved the way the item's would be.
    const themed = await page.evaluate(() =>
      ['warning', 'error'].map((kind) => {
        const probe = document.createElement('div');
        probe.style.backgroundColor = `var(--vscode-statusBarItem-${kind}Background)`;
        document.querySelector('.monaco-workbench')?.appendChild(probe);
        const color = getComputedStyle(probe).backgroundColor;
        probe.remove();
        return color;
      }),
    );
    assert.notEqual(themed[0], themed[1], `the theme tells warning from error: ${themed.join(' / ')}`);
    assert.equal(background, themed[0], 'the warning background, not the error one');
    assert.ok((await statusBarItemNames(page)).includes('Token Budget'), 'the item is named "Token Budget"');
  }));

  void test('the tooltip carries the headline numbers', () => capturingFailure(page, 'meter-the-tooltip-carries-the-headline-numbers', async () => {
    const exp = expected();
    const tip = await hoverTooltip(page, statusBarItem(page, { id: ITEM_ID }));
    assert.ok(tip.includes(usd(exp.spent)), `tooltip has spent ${usd(exp.spent)}:\n${tip}`);
    assert.ok(tip.includes(usd(exp.budget)), 'tooltip has the budget');
    assert.ok(tip.includes(usd(exp.remaining)), 'tooltip has what remains');
    for (const label of ['Pace', 'Projected year-end', 'Runs out', 'Per workday left', 'Updated', 'Allowance gateway', 'Demo data']) {
      assert.ok(tip.includes(label), `tooltip mentions ${label}`);
    }
    await screenshot(page, 'meter-tooltip');
  }));

  void test('a click opens the dashboard with the contract data-kpi values', () => capturingFailure(page, 'meter-a-click-opens-the-dashboard-with-the-con', async () => {
    await statusBarItem(page, { id: ITEM_ID }).click();
    const frame = await findInWebviews(page, '[data-testid="dashboard"] [data-kpi="spent"]', 30_000);
    const exp = expected();
    const values = await kpis(frame);
    assert.ok(Math.abs(Number(values['spent']) - exp.spent) < 0.006, `spent ${values['spent']} vs ${exp.spent}`);
    assert.equal(Number(values['budget']), exp.budget);
    assert.ok(Math.abs(Number(values['remaining']) - exp.remaining) < 0.006);
    assert.ok(Math.abs(Number(values['percent']) - exp.percent) < 0.006, `percent ${values['percent']} vs ${exp.percent}`);
    assert.match(values['runout'] ?? '', /^(\d{4}-\d{2}-\d{2}|none)$/);
    for (const k of ['projected', 'perWorkday', 'pace']) assert.match(values[k] ?? '', /^-?\d+\.\d{2}$/, `${k} is a plain decimal`);
    const state = await frame.getAttribute('[data-source="gateway"]', 'data-state');
    assert.equal(state, 'ok');
    await screenshot(page, 'meter-dashboard');
  }));

  void test("a gateway whose own spent disagrees with its daily rows is marked data-mismatch; agreeing, it is not", () => capturingFailure(page, 'meter-a-gateway-whose-own-spent-disagrees', async () => {
    // The dashboard is open (previous test): its source agrees with the simulator's rows.
    const agreeing = await findInWebviews(page, '[data-source="gateway"][data-state="ok"]', 30_000);
    assert.equal(await agreeing.getAttribute('[data-source="gateway"]', 'data-mismatch'), null, 'no data-mismatch while the figures agree');

    sim.setMisreportSpent(12345.67); // above 1% of the demo year's spent (about $180k)
    await runCommand(page, 'Token Budget: Refresh Now');
    const frame = await findInWebviews(page, '[data-source="gateway"][data-mismatch]', 60_000);
    assert.equal(await frame.getAttribute('[data-source="gateway"]', 'data-mismatch'), '12345.67', 'the service total minus the rows');
    assert.match(await frame.innerText('[data-source="gateway"] .source-mismatch'), /Does not add up: the gateway's spent for its period is \$[\d,.]+ for .* the daily rows held add up to \$[\d,.]+ \(\$12,345\.67 less\)/);
    const tip = await hoverTooltip(page, statusBarItem(page, { id: ITEM_ID }));
    assert.match(tip, /Does not add up/);
    await screenshot(page, 'meter-mismatch');

    sim.setMisreportSpent(0);
    await runCommand(page, 'Token Budget: Refresh Now');
    await (await findInWebviews(page, '[data-source="gateway"]:not([data-mismatch])', 60_000)).waitForSelector('[data-source="gateway"]:not([data-mismatch])');
  }));

  void test('when the gateway fails, the last numbers stay with the stale marker; it recovers', () => capturingFailure(page, 'meter-when-the-gateway-fails-the-last-numbers-', async () => {
    const before = (await statusBarItem(page, { id: ITEM_ID }).innerText()).trim();
    sim.setFault({ kind: 'status', status: 500 });
    await runCommand(page, 'Token Budget: Refresh Now');
    const item = statusBarItem(page, { id: ITEM_ID });
    await item.locator('.codicon-warning').waitFor({ state: 'attached', timeout: 60_000 });
    assert.equal((await item.innerText()).trim(), before.trim(), 'same numbers, now marked');
    const tip = await hoverTooltip(page, item);
    assert.match(tip, /Stale/);
    assert.match(tip, /HTTP 500/);
    const frame = await findInWebviews(page, '[data-source="gateway"][data-state="stale"]', 30_000);
    assert.ok(frame);
    await screenshot(page, 'meter-stale');

    sim.setFault(null);
    await runCommand(page, 'Token Budget: Refresh Now');
    await item.locator('.codicon-warning').waitFor({ state: 'detached', timeout: 60_000 });
  }));
});
