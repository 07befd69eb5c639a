// The allowance gateway in a real VS Code workbench (code-server + Chromium), on one editor: the
// status bar meter, the dashboard, and a workspace that tries to redirect the keys.
//
// The workspace opened here is hostile: its .vscode/settings.json points every network source at
// a second local "attacker" server and turns the providers on, while the user's own settings point
// the gateway at the simulator and the environment holds a key for every source (for the gateway
// one the simulator rejects, until "Set API Key…" stores the right one). The attacker must receive
// no request at all, and the extension's log must hold no key.
//
// Expected numbers are computed here from the simulator's data, never by calling the extension's
// code. What the dashboard page draws for a given model (themes, the year picker, unpriced models)
// is tested without a workbench in test/page/dashboard.test.ts.
//
//   npm run package && node --import tsx --test test/e2e/meter.test.ts

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import type { RunningEditor } from '../../scripts/lib/editor.mjs';
import { publicKeyPrefix } from '../../src/sources/http';
import type { Simulator } from '../../tools/simulator/server';
import { expectedSpend, usd } from './expected';
import { assertAccessible } from '../axe';
import { DASHBOARD_LOADED } from './journey';
import {
  answerInputBox,
  answerQuickPick,
  canvasInk,
  capturingFailure,
  closeSuite,
  findInWebviews,
  hoverTooltip,
  kpis,
  painted,
  poll,
  runCommand,
  screenshot,
  setTheme,
  startGatewaySuite,
  statusBarItem,
  statusBarItemNames,
  waitForBarsInLegendColours,
  waitForNotification,
  waitForStatusText,
  type ThemeName,
  type Workbench,
} from './workbench';

const VSIX = process.env.TB_VSIX ?? path.resolve(__dirname, '..', '..', 'token-budget.vsix');
const RIGHT_KEY = 'e2e-right-key-7f3a9c';
const WRONG_KEY = 'e2e-wrong-key-Qm4Rt8Wz2Lp6';
/** Keys of the other sources, in the environment: the hostile workspace would like them. */
const OTHER_KEYS = {
  LITELLM_API_KEY: 'sk-e2e-sec-litellm-Hx3Vb7Nk1Js5',
  OPENROUTER_API_KEY: 'sk-or-v1-e2e-sec-Pd9Fg2Yc6Tu4',
  OPENAI_ADMIN_KEY: 'sk-admin-e2e-sec-Ke5Mw1Ra8Zq3',
  ANTHROPIC_ADMIN_KEY: 'sk-ant-admin01-e2e-sec-Bn7Xs4Lh0Vd2',
};
const ITEM_ID = 'token-budget.token-budget.tokenBudget.meter';
const DASHBOARD = '[data-testid="dashboard"]';
const LOADED = `${DASHBOARD} [data-kpi="spent"][data-value]`;
const DAY_MS = 86_400_000;

interface Hit {
  readonly method: string;
  readonly url: string;
  readonly auth: string;
}

let sim: Simulator;
let editor: RunningEditor;
let wb: Workbench;
let page: Page;
let attacker: Server | undefined;
let attackerUrl = '';
const hits: Hit[] = [];
let workspace = '';

/** What a repository would put in its .vscode/settings.json to capture keys. */
function hostileSettings(extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      'tokenBudget.sources.gateway.url': attackerUrl,
      'tokenBudget.sources.litellm.url': attackerUrl,
      'tokenBudget.sources.openrouter.enabled': true,
      'tokenBudget.sources.openrouter.baseUrl': `${attackerUrl}/api/v1`,
      'tokenBudget.sources.openai.enabled': true,
      'tokenBudget.sources.openai.baseUrl': `${attackerUrl}/v1`,
      'tokenBudget.sources.openai.userIds': ['someone-else'],
      'tokenBudget.sources.anthropic.enabled': true,
      'tokenBudget.sources.anthropic.baseUrl': attackerUrl,
      'tokenBudget.sources.claudeCode.paths': [path.join(workspace, 'not-your-logs')],
      ...extra,
    },
    null,
    2,
  );
}

// ---------------------------------------------------------------------------------------------
// What the meter and the dashboard must show, from the simulator's data

const epoch = (key: string) => Date.parse(`${key}T00:00:00Z`);
const keyOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Monday–Friday days in [from, toExclusive). */
function workdaysIn(from: string, toExclusive: string): number {
  let n = 0;
  for (let t = epoch(from); t < epoch(toExclusive); t += DAY_MS) {
    const weekday = new Date(t).getUTCDay();
    if (weekday >= 1 && weekday <= 5) n++;
  }
  return n;
}

function expected() {
  const exp = expectedSpend(sim);
  const { period, today } = exp;
  const tomorrow = keyOf(epoch(today) + DAY_MS);
  const workdaysTotal = workdaysIn(period.period_start, period.period_end);
  const workdaysElapsed = workdaysIn(period.period_start, tomorrow); // today counts when it is a workday
  const workdaysLeft = workdaysIn(today, period.period_end); // so does it here
  const byModel = new Map<string, number>();
  for (const d of exp.days) for (const m of d.models) byModel.set(m.model, (byModel.get(m.model) ?? 0) + m.cost);
  // A plain run-rate check (the last 28 days' mean × days left) that this demo year overruns.
  const recent = sim.data.days.filter((d) => d.date < today).slice(-28);
  const daysLeft = (epoch(period.period_end) - epoch(today)) / DAY_MS;
  const runRate = exp.spent + (recent.reduce((s, d) => s + d.cost, 0) / recent.length) * daysLeft;
  return {
    ...exp,
    perWorkday: exp.remaining / workdaysLeft,
    pace: exp.spent - (exp.budget * workdaysElapsed) / workdaysTotal,
    byModel,
    projectedOverrun: runRate > exp.budget,
  };
}

/** Reads "$177k" / "$1.25M" / "$950" back into dollars. */
function parseCompact(text: string): number {
  const m = /\$([\d.,]+)([kM]?)/.exec(text);
  assert.ok(m?.[1], `a dollar amount in ${JSON.stringify(text)}`);
  return Number(m[1].replace(/,/g, '')) * (m[2] === 'k' ? 1e3 : m[2] === 'M' ? 1e6 : 1);
}

function assertClose(actual: string | undefined, want: number, what: string, tolerance = 0.006): void {
  assert.match(actual ?? '', /^-?\d+\.\d{2}$/, `${what} is a plain decimal: ${actual}`);
  assert.ok(Math.abs(Number(actual) - want) < tolerance, `${what}: shown ${actual}, expected ${want.toFixed(4)}`);
}

/** Asserts every headline number of the dashboard against the simulator's data. */
async function assertKpis(frame: Frame): Promise<void> {
  const exp = expected();
  const v = await kpis(frame);
  assert.deepEqual(Object.keys(v).sort(), ['budget', 'pace', 'perWorkday', 'percent', 'projected', 'remaining', 'runout', 'spent']);
  assertClose(v['spent'], exp.spent, 'spent');
  assertClose(v['budget'], exp.budget, 'budget');
  assertClose(v['remaining'], exp.remaining, 'remaining');
  assertClose(v['percent'], exp.percent, 'percent');
  assertClose(v['perWorkday'], exp.perWorkday, 'per workday left');
  assertClose(v['pace'], exp.pace, 'pace');
  // The projection is a seeded bootstrap: its format and consistency only.
  assert.match(v['projected'] ?? '', /^\d+\.\d{2}$/, `projected is a plain decimal: ${v['projected']}`);
  assert.ok(Number(v['projected']) >= exp.spent - 0.005, `projected ${v['projected']} is at least the spend ${exp.spent.toFixed(2)}`);
  const runout = v['runout'] ?? '';
  assert.match(runout, /^(\d{4}-\d{2}-\d{2}|none)$/, `runout ${runout}`);
  if (runout !== 'none') {
    assert.ok(runout >= exp.today && runout < exp.period.period_end, `runout ${runout} inside the rest of the period ${exp.today} – ${exp.period.period_end}`);
    assert.ok(Number(v['projected']) >= exp.budget, 'a run-out date within the year means a projection over the budget');
  } else {
    assert.ok(Number(v['projected']) <= exp.budget + 0.005, 'no run-out date means a projection within the budget');
  }
  // What the reader sees agrees with the machine values.
  assert.equal((await frame.locator('[data-kpi="spent"] .kpi-value').innerText()).trim(), usd(Number(v['spent'])));
  assert.equal((await frame.locator('[data-kpi="budget"] .kpi-value').innerText()).trim(), usd(exp.budget));
}

/** The dashboard's frame once its headline numbers are there. */
async function dashboardFrame(p: Page, timeoutMs = 60_000): Promise<Frame> {
  return findInWebviews(p, LOADED, timeoutMs);
}

/** Waits until no frame holds the dashboard any more (the panel is closed). */
async function waitDashboardGone(p: Page, timeoutMs = 15_000): Promise<void> {
  await poll('the dashboard to close', timeoutMs, async () => {
    for (const f of p.frames()) {
      if (f === p.mainFrame() || f.isDetached()) continue;
      if (await f.$(DASHBOARD).catch(() => null)) return undefined;
    }
    return true;
  }, 250);
}

/** Waits until the simulator has answered one more /v1/allowance request than `mark`. */
async function simAsked(mark: number, what: string, timeoutMs = 20_000): Promise<void> {
  await poll(what, timeoutMs, () => Promise.resolve(sim.requests.length > mark ? true : undefined), 100);
}

// ---------------------------------------------------------------------------------------------
// CSV

interface CsvRow {
  date: string;
  source: string;
  model: string;
  cost: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  requests: number;
  unpriced: string;
  project: string;
  loggedCost: string;
}

function parseCsv(text: string): { header: string; rows: CsvRow[] } {
  assert.ok(text.endsWith('\r\n'), 'CRLF line ends');
  const lines = text.slice(0, -2).split('\r\n');
  const header = lines.shift() ?? '';
  const rows = lines.map((line) => {
    assert.doesNotMatch(line, /"/, `no quoted fields expected in ${line}`);
    const f = line.split(',');
    assert.equal(f.length, 12, `twelve fields in ${line}`);
    return { date: f[0] ?? '', source: f[1] ?? '', model: f[2] ?? '', cost: f[3] ?? '', input: Number(f[4]), output: Number(f[5]), cacheRead: Number(f[6]), cacheWrite: Number(f[7]), requests: Number(f[8]), unpriced: f[9] ?? '', project: f[10] ?? '', loggedCost: f[11] ?? '' };
  });
  return { header, rows };
}

/**
 * Answers code-server's save dialog, the workbench's simple file dialog: a quick input holding a
 * path. The dialog fills in its default path a moment after it shows, so the target is typed only
 * once that default is there (else the default would overwrite it), and again should it change.
 */
async function answerSaveDialog(p: Page, target: string, timeoutMs = 20_000): Promise<void> {
  const input = p.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await poll('the save dialog’s default path', timeoutMs, async () => ((await input.inputValue()).endsWith('.csv') ? true : undefined), 100);
  await poll(`the save dialog to hold ${target}`, timeoutMs, async () => {
    if ((await input.inputValue()) === target) return true;
    await input.fill(target);
    return undefined;
  }, 400);
  await answerInputBox(p, target, timeoutMs);
}

async function waitForFile(file: string, timeoutMs = 20_000): Promise<string> {
  try {
    return await poll(`${file} to be written`, timeoutMs, async () => {
      const text = await fs.readFile(file, 'utf8').catch(() => undefined);
      return text?.endsWith('\r\n') ? text : undefined;
    });
  } catch (e) {
    const csvs = (await fs.readdir(path.dirname(file)).catch(() => [])).filter((f) => f.endsWith('.csv'));
    throw new Error(`${(e as Error).message} (CSV files there: ${csvs.join(', ') || 'none'})`, { cause: e });
  }
}

/** Every file under `dir` whose name matches. */
async function findFiles(dir: string, name: RegExp): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await findFiles(full, name)));
    else if (name.test(entry.name)) out.push(full);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

before(async () => {
  attacker = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', auth: `${req.headers.authorization ?? ''}${String(req.headers['x-api-key'] ?? '')}` });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => attacker?.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;

  workspace = await fs.mkdtemp(path.join(tmpdir(), 'tb-hostile-repo-'));
  await fs.mkdir(path.join(workspace, '.vscode'));
  await fs.writeFile(path.join(workspace, '.vscode', 'settings.json'), hostileSettings());
  await fs.writeFile(path.join(workspace, 'README.md'), '# A repository that would like your keys\n');

  ({ sim, editor, wb, page } = await startGatewaySuite(RIGHT_KEY, (s) => ({
    vsixPath: VSIX,
    workspaceDir: workspace,
    userSettings: { 'tokenBudget.sources.gateway.url': s.url },
    env: { ...OTHER_KEYS, TOKEN_BUDGET_GATEWAY_KEY: WRONG_KEY },
  })));
});

after(async () => {
  await closeSuite({ wb, editor, sim });
  await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
  if (workspace) await fs.rm(workspace, { recursive: true, force: true });
});

void describe('status bar meter fed by the allowance gateway', { timeout: 240_000 }, () => {
  void test('a key in the environment that the gateway rejects: an error and no numbers', () => capturingFailure(page, 'meter-wrong-key', async () => {
    // The tooltip's wording (HTTP 401, never the key) is checked through the API in extension-host.test.ts.
    const text = await waitForStatusText(page, /Token Budget: error/, 60_000);
    assert.doesNotMatch(text, /%|\$\d/, 'no bogus numbers');
    assert.ok(sim.requests.some((r) => r.path === '/v1/allowance'), 'the simulator (user settings) was asked');
  }));

  void test('a key stored with "Set API Key…" wins over the environment and the meter shows the spend', () => capturingFailure(page, 'meter-set-api-key', async () => {
    // No side bar: more room for the dashboard.
    if (await page.locator('.part.sidebar').isVisible()) await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
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
    // Away from the item: a hovered item has the hover colour.
    await page.mouse.move(5, 5);
    const item = statusBarItem(page, { id: ITEM_ID });
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
    const background = await poll('the meter’s warning background', 5_000, async () => {
      const bg = await item.evaluate((e) => getComputedStyle(e).backgroundColor);
      return bg === themed[0] ? bg : undefined;
    }).catch(async () => item.evaluate((e) => getComputedStyle(e).backgroundColor));
    assert.equal(background, themed[0], 'the warning background, not the error one');
    assert.ok((await statusBarItemNames(page)).includes('Token Budget'), 'the item is named "Token Budget"');
  }));

  void test('the tooltip carries the headline numbers', () => capturingFailure(page, 'meter-tooltip', async () => {
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

  void test('a click opens the dashboard with every headline number the simulator’s data gives', () => capturingFailure(page, 'meter-click-opens-dashboard', async () => {
    await statusBarItem(page, { id: ITEM_ID }).click();
    const frame = await dashboardFrame(page);
    await assertKpis(frame);
    assert.equal(await frame.getAttribute('[data-source="gateway"]', 'data-state'), 'ok');
    assert.equal(await frame.locator('[data-testid="unpriced-banner"]').count(), 0, 'every simulator model is priced');
    await screenshot(page, 'meter-dashboard');
  }));

  void test('a gateway whose own spent disagrees with its daily rows is marked data-mismatch; agreeing, it is not', () => capturingFailure(page, 'meter-mismatch', async () => {
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

  void test('when the gateway fails, the last numbers stay with the stale marker; it recovers', () => capturingFailure(page, 'meter-stale', async () => {
    const item = statusBarItem(page, { id: ITEM_ID });
    const before = (await item.innerText()).trim();
    sim.setFault({ kind: 'status', status: 500 });
    await runCommand(page, 'Token Budget: Refresh Now');
    await item.locator('.codicon-warning').waitFor({ state: 'attached', timeout: 60_000 });
    assert.equal((await item.innerText()).trim(), before, 'same numbers, now marked');
    const tip = await hoverTooltip(page, item);
    assert.match(tip, /Stale/);
    assert.match(tip, /HTTP 500/);
    await findInWebviews(page, '[data-source="gateway"][data-state="stale"]', 30_000);
    await screenshot(page, 'meter-stale');

    sim.setFault(null);
    await runCommand(page, 'Token Budget: Refresh Now');
    await item.locator('.codicon-warning').waitFor({ state: 'detached', timeout: 60_000 });
  }));
});

void describe('budget dashboard in the real workbench', { timeout: 300_000 }, () => {
  void test('the breakdown adds up to the spend, model by model', () => capturingFailure(page, 'dashboard-breakdown', async () => {
    const frame = await dashboardFrame(page);
    await frame.locator('[data-source="gateway"][data-state="ok"]').waitFor({ timeout: 30_000 });
    const exp = expected();
    const rows = await frame.$$eval('[data-testid="breakdown"] tbody tr[data-model]', (trs) => trs.map((tr) => ({ model: tr.getAttribute('data-model') ?? '', cost: Number(tr.getAttribute('data-cost')) })));
    assert.equal(rows.length, exp.byModel.size, `one row per model: ${rows.map((r) => r.model).join(', ')}`);
    const total = rows.reduce((s, r) => s + r.cost, 0);
    assert.ok(Math.abs(total - exp.spent) < 0.01, `rows add up to ${total.toFixed(2)}, spent ${exp.spent.toFixed(2)}`);
    for (const r of rows) {
      const want = exp.byModel.get(r.model);
      assert.ok(want !== undefined, `${r.model} is a simulator model`);
      assert.ok(Math.abs(r.cost - want) < 0.0101, `${r.model}: ${r.cost} vs ${want.toFixed(4)}`);
    }
  }));

  void test('the charts and the heatmap are drawn for the simulator’s year', () => capturingFailure(page, 'dashboard-charts', async () => {
    const frame = await dashboardFrame(page);
    const exp = expected();
    for (const chart of ['burnup', 'daily']) {
      const ink = await canvasInk(frame, chart);
      assert.ok(ink.width > 100 && ink.height > 100, `${chart} canvas has a size: ${ink.width}×${ink.height}`);
      assert.ok(ink.inked > ink.width * ink.height * 0.01, `${chart} canvas drew pixels: ${ink.inked} of ${ink.width * ink.height}`);
    }
    const cells = await frame.$$eval('[data-chart="heatmap"] .cell[data-date]', (els) => els.map((e) => ({ date: e.getAttribute('data-date') ?? '', cls: e.getAttribute('class') ?? '' })));
    assert.equal(cells.length, (epoch(exp.period.period_end) - epoch(exp.period.period_start)) / DAY_MS, 'one cell per day of the budget period');
    const spendingDays = sim.data.days.filter((d) => d.date <= exp.today && d.cost > 0).length;
    assert.equal(cells.filter((c) => /\blvl-[1-4]\b/.test(c.cls)).length, spendingDays, 'every day with spend is coloured');
    assert.equal(cells.filter((c) => /\btoday\b/.test(c.cls)).map((c) => c.date)[0], exp.today);
  }));

  void test('exports the daily ledger as CSV through the Export button and the save dialog', () => capturingFailure(page, 'dashboard-csv', async () => {
    // The CSV's format (quoting, unpriced rows, money) is tested in test/unit/dashboard/csv.test.ts;
    // here: the button, the workbench's save dialog, and the ledger the extension holds.
    const frame = await dashboardFrame(page);
    const target = path.join(editor.workspaceDir, `e2e-ledger-${Date.now()}.csv`);
    await frame.locator('vscode-button[aria-label="Export CSV"]').click();
    await answerSaveDialog(page, target);
    const { header, rows } = parseCsv(await waitForFile(target));
    await waitForNotification(page, /exported [\d,]+ rows to e2e-ledger-/i, 20_000);
    assert.equal(header, 'date,source,model,cost_usd,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,requests,unpriced,project,logged_cost_usd');
    const want = sim.data.days.flatMap((d) => d.models.map((m) => ({ date: d.date, m })));
    assert.equal(rows.length, want.length, 'one row per day × source × model');
    const got = new Map(rows.map((r) => [`${r.date}|${r.source}|${r.model}`, r]));
    assert.equal(got.size, rows.length, 'no duplicate rows');
    for (const { date, m } of want) {
      const r = got.get(`${date}|gateway|${m.model}`);
      assert.ok(r, `a row for ${date} ${m.model}`);
      assert.equal(Number(r.cost), m.cost, `cost of ${date} ${m.model}`);
      assert.deepEqual([r.input, r.output, r.cacheRead, r.cacheWrite, r.requests], [m.input_tokens, m.output_tokens, m.cache_read_tokens, m.cache_write_tokens, m.requests], `tokens of ${date} ${m.model}`);
      assert.deepEqual([r.project, r.loggedCost], ['', ''], `a gateway row names no project and no logged cost (${date} ${m.model})`);
    }
  }));

  void test('the palette opens the dashboard again after it was closed', () => capturingFailure(page, 'dashboard-palette', async () => {
    await runCommand(page, 'View: Close All Editors');
    await waitDashboardGone(page);
    await runCommand(page, 'Token Budget: Open Dashboard');
    await assertKpis(await dashboardFrame(page));
  }));

  void test('a theme change reaches the open dashboard: its class, and the charts redrawn in the new colours', () => capturingFailure(page, 'dashboard-dark', async () => {
    // Light, dark and high contrast pages are drawn and compared in test/page/dashboard.test.ts;
    // here: that the workbench tells the webview, and the webview redraws.
    const frame = await dashboardFrame(page);
    const before = await waitForBarsInLegendColours(frame, 'light');
    await setTheme(page, 'Default Dark Modern');
    await frame.waitForFunction(() => document.body.classList.contains('vscode-dark'), undefined, { timeout: 15_000 });
    await painted(frame);
    const after = await waitForBarsInLegendColours(frame, 'dark');
    assert.deepEqual(Object.keys(after), Object.keys(before), 'the same models lead the legend');
    await frame.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'dashboard-dark');
  }));

  // The listing's accessibility promise: axe-core on the dashboard in the workbench's own default
  // theme (its real colours reach the webview). The light and high-contrast themes, and dark
  // again, are audited on the dashboard page (test/page/dashboard.test.ts): each audit here
  // costs a theme change of the whole workbench.
  void test('axe-core finds no violation of impact moderate or above in Default Dark Modern', () =>
    capturingFailure(page, 'dashboard-axe-Default Dark Modern', async () => {
      await setTheme(page, 'Default Dark Modern');
      await assertAccessible(await themedDashboard(page, 'Default Dark Modern'), 'Default Dark Modern');
    }));

  void test('a window reload restores the panel with its numbers', () => capturingFailure(page, 'dashboard-reload', async () => {
    const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 30_000 });
    await runCommand(page, 'Developer: Reload Window');
    await navigated;
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await assertKpis(await dashboardFrame(page, 90_000));
    assert.equal(await page.locator('.tabs-container .tab', { hasText: 'Token Budget' }).count(), 1, 'one dashboard tab');
  }));
});

void describe('a workspace that tries to redirect keys', { timeout: 180_000 }, () => {
  void test('the meter shows the simulator’s numbers, the workspace turns no source on, and the other host receives nothing', () => capturingFailure(page, 'security-hostile-workspace', async () => {
    const text = await waitForStatusText(page, /\d+% · \$/, 60_000);
    assert.equal(Number(/(\d+)%/.exec(text)?.[1]), Math.round(expected().percent), `meter ${JSON.stringify(text)}`);
    const tip = await hoverTooltip(page, statusBarItem(page, { id: ITEM_ID }));
    assert.match(tip, /Allowance gateway/);
    for (const name of ['LiteLLM', 'OpenRouter', 'OpenAI', 'Anthropic']) assert.ok(!tip.includes(name), `${name} stays off: the workspace cannot turn it on`);
    const mark = sim.requests.length;
    await runCommand(page, 'Token Budget: Refresh Now');
    await simAsked(mark, 'the refresh to reach the simulator');
    assert.deepEqual(hits, [], 'the attacker received no request');
  }));

  void test('a workspace setting changed while running is applied where allowed, and still redirects nothing', () => capturingFailure(page, 'security-hostile-change', async () => {
    const mark = sim.requests.length;
    // A display setting (window scope) is the workspace's to change; the URLs are not.
    await fs.writeFile(path.join(workspace, '.vscode', 'settings.json'), hostileSettings({ 'tokenBudget.statusBar.display': 'spent', 'tokenBudget.sources.gateway.url': `${attackerUrl}/v2` }));
    await waitForStatusText(page, /^\S*\s*\$[\d.,]+[kM]? · \d+%/, 60_000);
    await simAsked(mark, 'the change to trigger a refresh at the simulator');
    // One more whole refresh: whatever the change could have sent elsewhere has been sent by then.
    const again = sim.requests.length;
    await runCommand(page, 'Token Budget: Refresh Now');
    await simAsked(again, 'a second refresh to reach the simulator');
    assert.deepEqual(hits, [], 'the attacker received no request');
  }));

  void test('the extension’s log holds no key', () => capturingFailure(page, 'security-log', async () => {
    await runCommand(page, 'Token Budget: Show Log');
    const logs = await findFiles(editor.userDataDir, /Token Budget\.log$/);
    assert.ok(logs.length > 0, `the log file under ${editor.userDataDir}`);
    const text = (await Promise.all(logs.map((f) => fs.readFile(f, 'utf8')))).join('\n');
    assert.match(text, /Refresh/);
    for (const key of [RIGHT_KEY, WRONG_KEY, ...Object.values(OTHER_KEYS)]) {
      // Every 9-character run of the key that says which key it is (the public kind prefix, e.g. `sk-admin-`, may appear).
      const prefix = publicKeyPrefix(key).length;
      for (let i = 0; i + 9 <= key.length; i++) if (i + 9 > prefix) assert.ok(!text.includes(key.slice(i, i + 9)), `no part of a key in the log ("${key.slice(i, i + 9)}")`);
    }
  }));
});

/** The dashboard frame, once the webview has taken the theme's colours. */
async function themedDashboard(p: Page, theme: ThemeName): Promise<Frame> {
  const frame = await findInWebviews(p, DASHBOARD_LOADED, 30_000);
  const kind = { 'Default Dark Modern': 'vscode-dark', 'Default Light Modern': 'vscode-light', 'Default High Contrast': 'vscode-high-contrast' }[theme];
  await frame.waitForFunction((k) => document.body.classList.contains(k), kind, { timeout: 15_000 });
  await painted(frame); // charts repaint after a theme change
  return frame;
}
