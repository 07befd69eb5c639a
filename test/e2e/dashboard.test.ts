// The budget dashboard in a real VS Code workbench (code-server + Chromium), fed by the
// allowance-gateway simulator. Every expected number is computed here from the simulator's own
// data with plain Date arithmetic, never by calling the extension's code.
//
//   npm run package && node --import tsx --test test/e2e/dashboard.test.ts

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { launchEditor, type RunningEditor } from '../../scripts/lib/editor.mjs';
import type { Simulator } from '../../tools/simulator/server';
import { startLiteLLMFake, type LiteLLMFake, type SpendRow } from '../fakes/litellm';
import { startOpenAIFake, type OpenAIFake, type OpenAIUsageRecord } from '../fakes/openai';
import { expectedSpend, usd } from './expected';
import { answerInputBox, capturingFailure, closeSuite, findInWebviews, kpis, openWorkbench, runCommand, screenshot, setTheme, startGatewaySuite, statusBarItem, waitForNotification, waitForStatusText, type ThemeName, type Workbench } from './workbench';

const VSIX = process.env.TB_VSIX ?? path.resolve(__dirname, '..', '..', 'token-budget.vsix');
const KEY = 'e2e-dashboard-key-4b81d0';
const ITEM_ID = 'token-budget.token-budget.tokenBudget.meter';
const DASHBOARD = '[data-testid="dashboard"]';
const LOADED = `${DASHBOARD} [data-kpi="spent"][data-value]`;

let sim: Simulator;
let editor: RunningEditor;
let wb: Workbench | undefined;
let page: Page | undefined;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// What the dashboard must show, from the simulator's data

const DAY_MS = 86_400_000;
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
  return {
    ...exp,
    perWorkday: exp.remaining / workdaysLeft,
    pace: exp.spent - (exp.budget * workdaysElapsed) / workdaysTotal,
    byModel,
  };
}


// ---------------------------------------------------------------------------------------------
// Reading the dashboard

function assertClose(actual: string | undefined, want: number, what: string, tolerance = 0.006): void {
  assert.match(actual ?? '', /^-?\d+\.\d{2}$/, `${what} is a plain decimal: ${actual}`);
  assert.ok(Math.abs(Number(actual) - want) < tolerance, `${what}: shown ${actual}, expected ${want.toFixed(4)}`);
}

/** Asserts every headline number against the simulator's data. */
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
  const shown = await frame.locator('[data-kpi="spent"] .kpi-value').innerText();
  assert.equal(shown.trim(), usd(Number(v['spent'])));
  assert.equal((await frame.locator('[data-kpi="budget"] .kpi-value').innerText()).trim(), usd(exp.budget));
}

/** The dashboard's frame once its first model is shown. */
async function dashboardFrame(p: Page, timeoutMs = 60_000): Promise<Frame> {
  return findInWebviews(p, LOADED, timeoutMs);
}

/** More room for the dashboard: no side bar. */
async function hideSideBar(p: Page): Promise<void> {
  if (await p.locator('.part.sidebar').isVisible()) await runCommand(p, 'View: Toggle Primary Side Bar Visibility');
}

/** Waits until no frame holds the dashboard any more (the panel is closed). */
async function waitDashboardGone(p: Page, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let found = false;
    for (const f of p.frames()) {
      if (f === p.mainFrame() || f.isDetached()) continue;
      if (await f.$(DASHBOARD).catch(() => null)) found = true;
    }
    if (!found) return;
    if (Date.now() > deadline) throw new Error('the dashboard is still open');
    await sleep(250);
  }
}

/** Non-transparent pixels of the chart's canvas (the canvas is same-origin in its frame). */
async function canvasInk(frame: Frame, chart: string): Promise<{ width: number; height: number; inked: number }> {
  return frame.evaluate((sel) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-chart="${sel}"] canvas`);
    if (!canvas) return { width: 0, height: 0, inked: 0 };
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0 || canvas.height === 0) return { width: canvas.width, height: canvas.height, inked: 0 };
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) inked++;
    return { width: canvas.width, height: canvas.height, inked };
  }, chart);
}

/**
 * For the first models of the daily chart's legend: how many of the chart's pixels have that
 * legend swatch's colour. Zero means the bars were drawn in other colours than the legend says
 * (e.g. the previous theme's).
 */
async function barsInLegendColours(frame: Frame, models = 3): Promise<Record<string, number>> {
  return frame.evaluate((n) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-chart="daily"] canvas');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return {};
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const legend = [...document.querySelectorAll<HTMLElement>('[data-chart="daily"] ~ .legend .legend-item')].slice(0, n);
    const out: Record<string, number> = {};
    for (const item of legend) {
      const swatch = item.querySelector<HTMLElement>('.swatch-box');
      const rgb = swatch ? /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(swatch).backgroundColor)?.slice(1, 4).map(Number) : undefined;
      if (!rgb) continue;
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        if ((data[i + 3] ?? 0) > 0 && Math.abs((data[i] ?? 0) - (rgb[0] ?? 0)) <= 4 && Math.abs((data[i + 1] ?? 0) - (rgb[1] ?? 0)) <= 4 && Math.abs((data[i + 2] ?? 0) - (rgb[2] ?? 0)) <= 4) count++;
      }
      out[item.innerText.trim()] = count;
    }
    return out;
  }, models);
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
}

function parseCsv(text: string): { header: string; rows: CsvRow[] } {
  assert.ok(text.endsWith('\r\n'), 'CRLF line ends');
  const lines = text.slice(0, -2).split('\r\n');
  const header = lines.shift() ?? '';
  const rows = lines.map((line) => {
    assert.doesNotMatch(line, /"/, `no quoted fields expected in ${line}`);
    const f = line.split(',');
    assert.equal(f.length, 10, `ten fields in ${line}`);
    return { date: f[0] ?? '', source: f[1] ?? '', model: f[2] ?? '', cost: f[3] ?? '', input: Number(f[4]), output: Number(f[5]), cacheRead: Number(f[6]), cacheWrite: Number(f[7]), requests: Number(f[8]), unpriced: f[9] ?? '' };
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
  const deadline = Date.now() + timeoutMs;
  while (!(await input.inputValue()).endsWith('.csv')) {
    if (Date.now() > deadline) throw new Error(`the save dialog shows no default path: ${JSON.stringify(await input.inputValue())}`);
    await sleep(100);
  }
  for (let attempt = 0; (await input.inputValue()) !== target; attempt++) {
    if (attempt > 5) throw new Error(`the save dialog keeps ${JSON.stringify(await input.inputValue())} instead of ${target}`);
    await input.fill(target);
    await sleep(400);
  }
  await answerInputBox(p, target, timeoutMs);
}

async function waitForFile(file: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text?.endsWith('\r\n')) return text;
    if (Date.now() > deadline) {
      const csvs = (await fs.readdir(path.dirname(file)).catch(() => [])).filter((f) => f.endsWith('.csv'));
      throw new Error(`${file} was not written (CSV files there: ${csvs.join(', ') || 'none'})`);
    }
    await sleep(200);
  }
}

// ---------------------------------------------------------------------------------------------

void describe('budget dashboard in the real workbench', { timeout: 600_000 }, () => {
  let frame: Frame;

  before(async () => {
    ({ sim, editor, wb, page } = await startGatewaySuite(KEY, (s) => ({
      vsixPath: VSIX,
      userSettings: { 'tokenBudget.sources.gateway.url': s.url },
      env: { TOKEN_BUDGET_GATEWAY_KEY: KEY },
    })));
    await waitForStatusText(page, /\d+% · \$/, 90_000);
    await hideSideBar(page);
  });

  after(() => closeSuite({ wb, editor, sim }));

  void test('opens from the palette with every headline number the simulator’s data gives', () =>
    capturingFailure(page, 'dashboard-palette', async () => {
      assert.ok(page);
      await runCommand(page, 'Token Budget: Open Dashboard');
      frame = await dashboardFrame(page);
      await assertKpis(frame);
      assert.equal(await frame.getAttribute('[data-source="gateway"]', 'data-state'), 'ok');
      assert.equal(await frame.locator('[data-testid="unpriced-banner"]').count(), 0, 'every simulator model is priced');
    }));

  void test('the breakdown adds up to the spend, model by model', () =>
    capturingFailure(page, 'dashboard-breakdown', async () => {
      const exp = expected();
      const rows = await frame.$$eval('[data-testid="breakdown"] tbody tr[data-model]', (trs) => trs.map((tr) => ({ model: tr.getAttribute('data-model') ?? '', cost: Number(tr.getAttribute('data-cost')) })));
      assert.equal(rows.length, exp.byModel.size, `one row per model: ${rows.map((r) => r.model).join(', ')}`);
      const total = rows.reduce((s, r) => s + r.cost, 0);
      assert.ok(Math.abs(total - exp.spent) < 0.01, `rows add up to ${total.toFixed(2)}, spent ${exp.spent.toFixed(2)}`);
      const shownSpent = Number((await kpis(frame))['spent']);
      assert.ok(Math.abs(total - shownSpent) < 0.005, `rows add up to ${total.toFixed(2)}, the spent KPI is ${shownSpent}`);
      for (const r of rows) {
        const want = exp.byModel.get(r.model);
        assert.ok(want !== undefined, `${r.model} is a simulator model`);
        assert.ok(Math.abs(r.cost - want) < 0.0101, `${r.model}: ${r.cost} vs ${want.toFixed(4)}`);
      }
      const sorted = [...rows].sort((a, b) => b.cost - a.cost);
      assert.deepEqual(
        rows.map((r) => r.model),
        sorted.map((r) => r.model),
        'sorted by cost, most expensive first',
      );
    }));

  void test('the charts and the heatmap are drawn', () =>
    capturingFailure(page, 'dashboard-charts', async () => {
      const exp = expected();
      for (const chart of ['burnup', 'daily']) {
        const ink = await canvasInk(frame, chart);
        assert.ok(ink.width > 100 && ink.height > 100, `${chart} canvas has a size: ${ink.width}×${ink.height}`);
        assert.ok(ink.inked > ink.width * ink.height * 0.01, `${chart} canvas drew pixels: ${ink.inked} of ${ink.width * ink.height}`);
      }
      const cells = await frame.$$eval('[data-chart="heatmap"] .cell[data-date]', (els) => els.map((e) => ({ date: e.getAttribute('data-date') ?? '', cls: e.getAttribute('class') ?? '' })));
      const periodDays = (epoch(exp.period.period_end) - epoch(exp.period.period_start)) / DAY_MS;
      assert.ok(cells.length >= 365, `${cells.length} heatmap cells`);
      assert.equal(cells.length, periodDays, 'one cell per day of the budget period');
      const dates = cells.map((c) => c.date).sort();
      assert.equal(dates[0], exp.period.period_start, 'from the first day of the period');
      assert.equal(dates[dates.length - 1], keyOf(epoch(exp.period.period_end) - DAY_MS), 'to its last day');
      assert.equal(new Set(dates).size, dates.length, 'each day once');
      const spendingDays = sim.data.days.filter((d) => d.date <= exp.today && d.cost > 0).length;
      const coloured = cells.filter((c) => /\blvl-[1-4]\b/.test(c.cls)).length;
      assert.equal(coloured, spendingDays, 'every day with spend is coloured');
      assert.equal(cells.filter((c) => /\btoday\b/.test(c.cls)).map((c) => c.date)[0], exp.today);
    }));

  void test('exports the daily ledger as CSV through the Export button and the save dialog', () =>
    capturingFailure(page, 'dashboard-csv', async () => {
      assert.ok(page);
      const target = path.join(editor.workspaceDir, `e2e-ledger-${Date.now()}.csv`);
      await frame.locator('vscode-button[aria-label="Export CSV"]').click();
      await answerSaveDialog(page, target);
      const { header, rows } = parseCsv(await waitForFile(target));
      await waitForNotification(page, /exported [\d,]+ rows to e2e-ledger-/i, 20_000);
      assert.equal(header, 'date,source,model,cost_usd,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,requests,unpriced');
      const want = sim.data.days.flatMap((d) => d.models.map((m) => ({ date: d.date, m })));
      assert.equal(rows.length, want.length, 'one row per day × source × model');
      const got = new Map(rows.map((r) => [`${r.date}|${r.source}|${r.model}`, r]));
      assert.equal(got.size, rows.length, 'no duplicate rows');
      for (const { date, m } of want) {
        const r = got.get(`${date}|gateway|${m.model}`);
        assert.ok(r, `a row for ${date} ${m.model}`);
        assert.equal(Number(r.cost), m.cost, `cost of ${date} ${m.model}`);
        assert.deepEqual([r.input, r.output, r.cacheRead, r.cacheWrite, r.requests], [m.input_tokens, m.output_tokens, m.cache_read_tokens, m.cache_write_tokens, m.requests], `tokens of ${date} ${m.model}`);
        assert.equal(r.unpriced, 'false');
      }
      const keys = rows.map((r) => `${r.date}|${r.source}|${r.model}`);
      assert.deepEqual(keys, [...keys].sort(), 'ordered by date, source, model');
    }));

  void test('a status bar click opens the dashboard again after it was closed', () =>
    capturingFailure(page, 'dashboard-status-bar', async () => {
      assert.ok(page);
      await runCommand(page, 'View: Close All Editors');
      await waitDashboardGone(page);
      await statusBarItem(page, { id: ITEM_ID }).click();
      frame = await dashboardFrame(page);
      await assertKpis(frame);
    }));

  void test('a window reload restores the panel with its numbers', () =>
    capturingFailure(page, 'dashboard-reload', async () => {
      assert.ok(page);
      const p = page;
      const navigated = p.waitForEvent('framenavigated', { predicate: (f) => f === p.mainFrame(), timeout: 30_000 });
      await runCommand(p, 'Developer: Reload Window');
      await navigated;
      await p.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      frame = await dashboardFrame(p, 90_000);
      await assertKpis(frame);
      const tab = p.locator('.tabs-container .tab', { hasText: 'Token Budget' });
      assert.equal(await tab.count(), 1, 'one dashboard tab');
    }));

  // Light last: the editor may start in some light theme, and setTheme() only switches when the
  // kind of theme differs, so coming from high contrast makes sure this is Light Modern.
  const themes: [ThemeName, string, string][] = [
    ['Default Dark Modern', 'dashboard-dark', 'vscode-dark'],
    ['Default High Contrast', 'dashboard-hc', 'vscode-high-contrast'],
    ['Default Light Modern', 'dashboard-light', 'vscode-light'],
  ];
  for (const [theme, name, bodyClass] of themes) {
    void test(`screenshot in ${theme}`, () =>
      capturingFailure(page, name, async () => {
        assert.ok(page);
        await setTheme(page, theme);
        // the webview gets the theme's class and colours, then redraws its charts
        await frame.waitForFunction((cls) => document.body.classList.contains(cls), bodyClass, { timeout: 15_000 });
        await sleep(800);
        await frame.evaluate(() => window.scrollTo(0, 0));
        await sleep(200);
        for (const chart of ['burnup', 'daily']) assert.ok((await canvasInk(frame, chart)).inked > 0, `${chart} drawn in ${theme}`);
        const colours = await barsInLegendColours(frame);
        assert.equal(Object.keys(colours).length, 3, `legend entries: ${JSON.stringify(colours)}`);
        for (const [model, pixels] of Object.entries(colours)) assert.ok(pixels > 100, `${model}'s bars have its legend colour in ${theme}: ${JSON.stringify(colours)}`);
        await screenshot(page, name);
        // the daily chart, then the lower half (breakdown, heatmap, sources), for the eye
        await frame.locator('[data-chart="daily"]').evaluate((e) => e.scrollIntoView({ block: 'center' }));
        await sleep(300);
        await screenshot(page, `${name}-daily`);
        await frame.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
        await sleep(300);
        await screenshot(page, `${name}-lower`);
        await frame.evaluate(() => window.scrollTo(0, 0));
      }));
  }
});

// ---------------------------------------------------------------------------------------------
// The sources section: a LiteLLM key with a monthly budget (a limit) and OpenAI usage with a
// model no price is known for (unpriced, and the source's note says so).

/** The last `n` UTC days before today that are inside this calendar year (the budget year). */
function recentDays(n: number): string[] {
  const out: string[] = [];
  const year = new Date().getFullYear();
  for (let i = 1; out.length < n && i < 400; i++) {
    const d = keyOf(Date.now() - i * DAY_MS);
    if (Number(d.slice(0, 4)) === year) out.push(d);
  }
  return out;
}

/** The local calendar day of an instant, as the dashboard shows it: "1 Dec 2026". */
function localDayText(iso: string): string {
  const d = new Date(iso);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${d.getDate()} ${months[d.getMonth()] ?? ''} ${d.getFullYear()}`;
}

void describe('dashboard sources: limits, notes and unpriced models', { timeout: 300_000 }, () => {
  const LITELLM_KEY = 'sk-e2e-dashboard-litellm-0001';
  const ADMIN = 'sk-admin-e2e-dashboard-00000000000000';
  const MYSTERY = 'gpt-mystery-9000';
  const resetAt = new Date(Date.now() + 5 * DAY_MS).toISOString();
  const days = recentDays(10);
  const spend: SpendRow[] = days.map((date, i) => ({ user_id: 'alice', date, api_key: 'hash-alice', model: 'claude-sonnet-4-5', spend: 20 + i, prompt_tokens: 500_000, completion_tokens: 20_000, api_requests: 50 }));
  const usage: OpenAIUsageRecord[] = days.flatMap((day) => [
    { day, model: 'gpt-4o-2024-08-06', user_id: 'user_me', input_tokens: 1_000_000, output_tokens: 100_000, num_model_requests: 100 },
    { day, model: MYSTERY, user_id: 'user_me', input_tokens: 2_000_000, output_tokens: 50_000, num_model_requests: 10 },
  ]);
  let litellm: LiteLLMFake;
  let openai: OpenAIFake;
  let ed: RunningEditor;
  let bench: Workbench | undefined;
  let p: Page | undefined;

  before(async () => {
    litellm = await startLiteLLMFake({
      data: {
        keys: [{ secret: LITELLM_KEY, user_id: 'alice', spend: 250, max_budget: 1000, budget_duration: '30d', budget_reset_at: resetAt }],
        users: [{ user_id: 'alice', user_email: 'alice@example.com', spend: spend.reduce((s, r) => s + r.spend, 0) }],
        teams: [],
        spend,
      },
    });
    openai = await startOpenAIFake({ adminKey: ADMIN, now: new Date(), usage });
    ed = await launchEditor({
      vsixPath: VSIX,
      userSettings: {
        'tokenBudget.sources.litellm.url': litellm.url,
        'tokenBudget.sources.openai.enabled': true,
        'tokenBudget.sources.openai.baseUrl': openai.baseUrl,
        'tokenBudget.sources.openai.userIds': ['user_me'],
        'tokenBudget.annualBudget': 10_000,
      },
      env: { LITELLM_API_KEY: LITELLM_KEY, OPENAI_ADMIN_KEY: ADMIN },
    });
    bench = await openWorkbench(ed.url);
    p = bench.page;
    await waitForStatusText(p, /\d+% · \$/, 90_000);
    await hideSideBar(p);
  });

  after(async () => {
    await bench?.close();
    await ed?.stop();
    await litellm?.close();
    await openai?.close();
  });

  void test('each source shows its limits and note; unpriced models are flagged, not counted as $0', () =>
    capturingFailure(p, 'dashboard-sources', async () => {
      assert.ok(p);
      await runCommand(p, 'Token Budget: Open Dashboard');
      // both sources have reported (the model's sources are both "ok")
      const frame = await findInWebviews(p, `${DASHBOARD}[data-drawn] [data-source="litellm"][data-state="ok"]`, 60_000);
      await frame.locator('[data-source="openai"][data-state="ok"]').waitFor({ timeout: 60_000 });
      await frame.locator(`[data-testid="breakdown"] tr[data-model="${MYSTERY}"]`).waitFor({ timeout: 60_000 });

      // LiteLLM: the key's monthly budget as a limit, with its reset day
      const limit = (await frame.locator('[data-source="litellm"] .source-limit').first().innerText()).trim();
      assert.match(limit, /^this month: \$250\.00 of \$1,000\.00, resets on /);
      assert.ok(limit.endsWith(localDayText(resetAt)), `${limit} ends with ${localDayText(resetAt)}`);
      // OpenAI: the note says what the numbers are and names the unpriced model
      const note = (await frame.locator('[data-source="openai"] .source-note').innerText()).trim();
      assert.match(note, /Filtered to users user_me/);
      assert.ok(note.includes(MYSTERY), note);

      // the banner lists the unpriced model
      const banner = (await frame.locator('[data-testid="unpriced-banner"]').innerText()).trim();
      assert.match(banner, new RegExp(`could not be priced: ${MYSTERY} \\([\\d.]+M tokens, OpenAI`));
      // its row: a visible badge, "—" for the cost (not $0), a tooltip, and no cents in the sum
      const row = frame.locator(`[data-testid="breakdown"] tr[data-model="${MYSTERY}"]`);
      assert.equal(await row.getAttribute('data-unpriced'), 'true');
      const badge = row.locator('.unpriced-badge');
      assert.equal((await badge.innerText()).trim(), 'unpriced');
      assert.match((await badge.getAttribute('title')) ?? '', /Could not be priced .*tokens of OpenAI.*not \$0/);
      const cost = row.locator('td').first();
      assert.equal(await cost.locator('[aria-hidden="true"]').innerText(), '—', 'the cost reads "—"');
      assert.doesNotMatch(await cost.innerText(), /\$/, 'no dollar amount');
      assert.match((await cost.getAttribute('title')) ?? '', /cost is unknown/);
      assert.equal(await row.getAttribute('data-cost'), '0.00');
      const costs = await frame.$$eval('[data-testid="breakdown"] tbody tr[data-model]', (trs) => trs.map((tr) => Number(tr.getAttribute('data-cost'))));
      const spent = Number(await frame.getAttribute('[data-kpi="spent"]', 'data-value'));
      assert.ok(Math.abs(costs.reduce((a, b) => a + b, 0) - spent) < 0.005, 'the breakdown still adds up to the spend');

      await frame.locator('[data-testid="unpriced-banner"]').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await sleep(300);
      await screenshot(p, 'dashboard-sources-top');
      await frame.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await sleep(300);
      await screenshot(p, 'dashboard-sources');
    }));
});
