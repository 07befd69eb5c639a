// A gateway and local agent logs side by side, and an earlier budget year, in a real VS Code
// workbench (code-server + Chromium):
//   - the gateway (the simulator) meters the spend; Claude Code and Codex logs turned `on` beside it
//     are an estimate: not added to the meter, compared with the gateway's figure for the same days
//     on the dashboard (issue 5);
//   - a ledger from an earlier budget year (written to the extension's global storage before the
//     editor starts, as a previous year's run leaves it) is shown through the dashboard's year
//     picker, with the budget it had (issue 7).
// Expected numbers come from the simulator's data, ccusage on the generated logs, and the rows
// this test wrote: never from the extension's code.
//
//   npm run package && node --import tsx --test test/e2e/history.test.ts

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningEditor } from '../../scripts/lib/editor.mjs';
import type { Simulator } from '../../tools/simulator/server';
import { generateCorpus } from '../fakes/agentLogs';
import { simSpentBetween, usd } from './expected';
import { capturingFailure, closeSuite, findInWebviews, hoverTooltip, kpis, poll, screenshot, startGatewaySuite, statusBarItem, waitForStatusText, type Workbench } from './workbench';
import { ccusageDailyJson } from '../ccusage';

const VSIX = process.env['TB_VSIX'] ?? path.resolve(__dirname, '..', '..', 'token-budget.vsix');
const ITEM_ID = 'token-budget.token-budget.tokenBudget.meter';
const KEY = 'e2e-history-key-5d21';
/** The extension host and ccusage both bucket local-log days in this zone. */
const ZONE = 'America/New_York';
const PRIOR_BUDGET = 30_000;

let sim: Simulator;
let home: string;
let userDataDir: string;
let editor: RunningEditor;
let wb: Workbench;
let page: Page;
/** The earlier budget year this test wrote, and its spend. */
let prior: { start: string; end: string; last: string; spent: number };

/** Today in ZONE. */
function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/**
 * The last day of gateway spend the extension counts: today in ZONE, or the UTC day when it has
 * already begun (west of UTC, in the evening), since the gateway's rows are UTC days (see
 * "counts a UTC day already begun here" in test/unit/dashboard/dashboardModel.test.ts).
 */
function gatewayToday(): string {
  const utc = new Date().toISOString().slice(0, 10);
  const local = today();
  return utc > local ? utc : local;
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** ccusage's daily totals of the generated logs (local days in ZONE). */
async function localDaily(): Promise<{ period: string; totalCost: number }[]> {
  const stdout = await ccusageDailyJson(home, ZONE);
  return (JSON.parse(stdout) as { daily: { period: string; totalCost: number }[] }).daily;
}

/** The gateway's spend from `from` to `to` (the simulator's own days). */
const gatewaySpent = (from: string, to: string): number => simSpentBetween(sim, from, to);

/** The ledger an earlier year's run leaves behind: a year of gateway rows, and that year in the archive. */
function writePriorYear(periodStart: string): void {
  const start = `${Number(periodStart.slice(0, 4)) - 1}${periodStart.slice(4)}`;
  const rows: unknown[] = [];
  let spent = 0;
  let i = 0;
  for (let d = start; d < periodStart; d = addDays(d, 1), i++) {
    const cost = Math.round((40 + (i % 7) * 9.25 + (i % 11) * 1.13) * 100) / 100;
    spent += cost;
    rows.push([d, 'gateway', i % 3 === 0 ? 'gpt-5' : 'claude-sonnet-4-5', cost, 1000, 100, 0, 0, 3, 0]);
  }
  const last = addDays(periodStart, -1);
  prior = { start, end: periodStart, last, spent };
  const dir = path.join(userDataDir, 'User', 'globalStorage', 'token-budget.token-budget');
  mkdirSync(dir, { recursive: true });
  const file = { version: 2, savedAt: `${last}T18:00:00.000Z`, rows, sources: {}, gatewayBudget: null, years: [{ start, end: periodStart, budget: PRIOR_BUDGET, origin: 'gateway', lastSeen: last }] };
  writeFileSync(path.join(dir, 'ledger.json'), JSON.stringify(file));
  // Written when that year ended (a fresh file would pass for this run's own fetch, and none would start).
  const savedAt = new Date(file.savedAt);
  utimesSync(path.join(dir, 'ledger.json'), savedAt, savedAt);
}

before(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'tb-e2e-history-home-'));
  // The last 10 days of Claude Code and Codex logs, ending an hour ago.
  generateCorpus({ home, files: 40, totalBytes: 3e6, seed: 91, now: new Date(Date.now() - 3_600_000), spanDays: 10, longContext: false });
  userDataDir = mkdtempSync(path.join(os.tmpdir(), 'tb-e2e-history-profile-'));
  ({ sim, editor, wb, page } = await startGatewaySuite(KEY, (s) => {
    const budget = s.data.budget;
    assert.ok(budget, 'the simulator reports a budget period');
    writePriorYear(budget.period_start);
    return {
      vsixPath: VSIX,
      userDataDir,
      userSettings: { 'tokenBudget.sources.gateway.url': s.url, 'tokenBudget.sources.claudeCode.enabled': 'on', 'tokenBudget.sources.codex.enabled': 'on' },
      env: { TOKEN_BUDGET_GATEWAY_KEY: KEY, HOME: home, TZ: ZONE, CLAUDE_CONFIG_DIR: undefined, CODEX_HOME: undefined, XDG_CONFIG_HOME: undefined },
    };
  }));
});

after(async () => {
  await closeSuite({ wb, editor, sim });
  // TB_KEEP=1 keeps the profile (and the extension's log in it) for a look after a failure.
  if (process.env['TB_KEEP']) console.error(`kept: ${home} ${userDataDir}`);
  else for (const dir of [home, userDataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

void describe('a gateway and local logs side by side; an earlier budget year', { timeout: 300_000 }, () => {
  void test('the meter shows the gateway spend only: the local logs beside it are an estimate, not added', () => capturingFailure(page, 'history-meter-gateway-only', async () => {
    const budget = sim.data.budget;
    assert.ok(budget);
    const spent = gatewaySpent(budget.period_start, gatewayToday());
    await waitForStatusText(page, /\d+% · \$/, 90_000);
    let tip = '';
    // Both local sources finish their first scan (the tooltip lists them as ok) before reading the spend.
    await poll('both local sources ok in the tooltip', 60_000, async () => {
      await page.mouse.move(0, 0);
      tip = await hoverTooltip(page, statusBarItem(page, { id: ITEM_ID }));
      return /Claude Code \(local logs\)\*{0,2} \(estimate[^)]*\): ok/.test(tip) && /Codex \(local logs\)\*{0,2} \(estimate[^)]*\): ok/.test(tip) ? true : undefined;
    }, 1_000).catch(() => undefined);
    assert.match(tip, /Claude Code \(local logs\)\*{0,2} \(estimate beside the network source, not added to the spend\): ok/);
    assert.ok(tip.includes(usd(spent)), `the tooltip's spend is the gateway's alone, ${usd(spent)}:\n${tip}`);
  }));

  void test('the dashboard compares the gateway with the local estimate over the same days', () => capturingFailure(page, 'history-dashboard-comparison', async () => {
    await statusBarItem(page, { id: ITEM_ID }).click();
    const frame = await findInWebviews(page, '[data-testid="comparison"]:not([hidden]) [data-comparison="local"]', 60_000);
    const daily = (await localDaily()).filter((d) => d.period <= today());
    const from = daily[0]?.period;
    assert.ok(from, 'the logs have days');
    const local = daily.reduce((s, d) => s + d.totalCost, 0);
    const network = gatewaySpent(from, gatewayToday());
    const value = async (kind: string) => Number(await frame.getAttribute(`[data-comparison="${kind}"]`, 'data-value'));
    // The logs may still be read when the card first shows: wait for the full estimate.
    await poll('the full local estimate', 60_000, async () => (Math.abs((await value('local')) - local) <= 0.011 ? true : undefined), 250).catch(() => undefined);
    assert.ok(Math.abs((await value('local')) - local) <= 0.011, `local estimate ${await value('local')} vs ccusage ${local}`);
    assert.ok(Math.abs((await value('network')) - network) <= 0.011, `gateway ${await value('network')} vs simulator ${network} (${from} – ${gatewayToday()})`);
    assert.ok(Math.abs((await value('difference')) - (network - local)) <= 0.021, `difference ${await value('difference')}`);
    const text = (await frame.textContent('[data-testid="comparison"]')) ?? '';
    const first = new Date(`${from}T00:00:00Z`);
    assert.ok(text.includes(`${first.getUTCDate()} ${first.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${first.getUTCFullYear()}`), `the compared days start on ${from}:\n${text}`);
    assert.match(text, /not added to the spend/);
    assert.ok((await frame.locator('[data-testid="comparison"] tr[data-day]').count()) > 0, 'recent days listed');
    // The spend breakdown has the gateway only.
    const bySource = await frame.locator('[data-testid="breakdown-sources"] [data-source-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-source-row')));
    assert.deepEqual(bySource, ['gateway']);
    await frame.locator('[data-testid="comparison"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'history-comparison');
  }));

  void test('an earlier budget year is shown through the year picker, with the budget it had, and back', () => capturingFailure(page, 'history-year-picker', async () => {
    const frame = await findInWebviews(page, '[data-testid="year-picker"]', 30_000);
    const current = await kpis(frame);
    const picker = frame.locator('[data-testid="year-picker"]');
    // How the picker is drawn and worked (its label, the years newest first, the keyboard, the
    // archived banner) is tested in test/page/dashboard.test.ts; here: the host answers the choice
    // with the year this profile's ledger holds, and its budget.
    assert.ok(await picker.isVisible(), 'the picker shows once two years are known');
    const options = await picker.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(options.slice(1), [prior.start], 'the earlier year written to the ledger is offered');

    await picker.focus();
    await picker.press('ArrowDown');
    await frame.waitForSelector(`[data-testid="dashboard"][data-year="${prior.start}"]`, { timeout: 15_000 });
    const old = await kpis(frame);
    assert.ok(Math.abs(Number(old['spent']) - prior.spent) < 0.006, `spent ${old['spent']} vs the ${prior.spent} written`);
    assert.equal(Number(old['budget']), PRIOR_BUDGET, 'the budget that year had');
    assert.ok(Math.abs(Number(old['percent']) - (prior.spent / PRIOR_BUDGET) * 100) < 0.006);
    assert.equal(await frame.getAttribute('[data-testid="dashboard"]', 'data-archived'), 'true');
    assert.match((await frame.textContent('[data-testid="archived-banner"]')) ?? '', /earlier budget year/);
    assert.equal(await frame.locator('[data-testid="comparison"]').isVisible(), false, 'the logs do not reach back to that year');
    await screenshot(page, 'history-earlier-year');

    await frame.locator('[data-testid="archived-banner"] vscode-button').click();
    await frame.waitForSelector('[data-testid="dashboard"][data-archived="false"]', { timeout: 15_000 });
    const back = await kpis(frame);
    assert.equal(back['budget'], current['budget']);
    assert.ok(Math.abs(Number(back['spent']) - Number(current['spent'])) < 1, 'this year again');
  }));
});
