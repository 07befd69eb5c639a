// The dashboard page in Chromium, without a workbench: the panel's own HTML, CSP and bundle
// (dist/webview, built by `npm run package` or `node esbuild.mjs`), a model built here from a fixed
// ledger with the extension's own core (the host's half, tested in test/unit/dashboard/*), posted
// the way the host posts it. What is checked is what the page draws for that model: the numbers,
// the breakdown, the heatmap, the charts in each theme and after a theme change, the sources
// section (limits, notes, unpriced models) and the year picker. That the workbench delivers the
// model, the theme and the year chosen is checked once in the real workbench (test/e2e).
//
//   node esbuild.mjs && node --import tsx --test test/page/dashboard.test.ts

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureEditor } from '../../scripts/lib/editor.mjs';
import { buildDashboardModel, type DashboardModel } from '../../src/core/dashboardModel';
import { eachDayKey } from '../../src/core/dates';
import { Ledger } from '../../src/core/ledger';
import { buildSnapshot, type SourceStatus } from '../../src/core/snapshot';
import type { LedgerRow, SourceId } from '../../src/core/types';
import { barsInLegendColours, canvasInk, CHROMIUM_ARGS, SCREENSHOT_DIR, waitForBarsInLegendColours } from '../e2e/workbench';
import { assertAccessible } from '../axe';
import { cspViolations, openPage, posted, postAndMeasure, reloadPage, serve, switchTheme, type BenchTheme } from './harness';

const ROOT = path.resolve(__dirname, '..', '..');
const NOW = new Date(2026, 5, 17, 15, 0, 0);
const TODAY = '2026-06-17';
const WORKDAYS = [1, 2, 3, 4, 5];
const SETTINGS = { annualBudget: 50_000, budgetYearStart: '01-01', workdays: WORKDAYS, thresholds: [50, 75, 90, 100] };
const MYSTERY = 'gpt-mystery-9000';
const VIEWPORT = { width: 1280, height: 900 };

function row(date: string, source: SourceId, model: string, cost: number, extra: Partial<LedgerRow> = {}): LedgerRow {
  return { date, source, model, cost, inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 1, ...extra };
}

const SOURCES: SourceStatus[] = [
  { id: 'gateway', label: 'Allowance gateway', state: 'ok', lastSuccess: NOW.toISOString() },
  {
    id: 'litellm',
    label: 'LiteLLM proxy',
    state: 'ok',
    lastSuccess: NOW.toISOString(),
    limits: [{ label: 'this month', spent: 250, limit: 1000, resetsAt: '2026-07-01T12:00:00Z' }],
  },
  { id: 'openai', label: 'OpenAI', state: 'ok', lastSuccess: NOW.toISOString(), note: `Filtered to users user_me. Not priced: ${MYSTERY}.` },
  { id: 'claudeCode', label: 'Claude Code (local logs)', state: 'off', note: 'Off while a network source is configured.' },
  { id: 'codex', label: 'Codex (local logs)', state: 'off' },
];

/** Two budget years of gateway spend on weekdays (three models, changing shares), a month of LiteLLM and OpenAI, and an unpriced model. */
function ledgerRows(): LedgerRow[] {
  const rows: LedgerRow[] = [];
  let i = 0;
  for (const d of eachDayKey('2025-01-01', '2026-06-18')) {
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    i++;
    rows.push(row(d, 'gateway', 'claude-sonnet-4-5', 80 + (i % 7) * 6.5), row(d, 'gateway', 'gpt-5', 35 + (i % 5) * 4.25), row(d, 'gateway', 'gemini-2.5-pro', 12 + (i % 3) * 2));
  }
  for (const d of eachDayKey('2026-05-18', '2026-06-17')) {
    rows.push(row(d, 'litellm', 'claude-opus-4-1', 20), row(d, 'openai', 'gpt-4o', 3.25));
    rows.push(row(d, 'openai', MYSTERY, 0, { unpriced: true, inputTokens: 2_000_000, outputTokens: 50_000 }));
  }
  return rows;
}

const ledger = new Ledger(ledgerRows());
const YEARS = [
  { start: '2025-01-01', end: '2026-01-01' },
  { start: '2026-01-01', end: '2027-01-01' },
];
const snapshot = buildSnapshot({ ledger, settings: SETTINGS, gatewayBudget: null, sources: SOURCES, today: TODAY, now: NOW });
/** The model as it travels to the webview (JSON). */
const model = JSON.parse(JSON.stringify(buildDashboardModel(snapshot, ledger, WORKDAYS, { years: YEARS, currentStart: '2026-01-01' }))) as DashboardModel;
/** The coding agents counting toward the spend: rows with projects, and an agent that logged its own cost ($0: a free model). */
const AGENTS: SourceStatus[] = [
  { id: 'claudeCode', label: 'Claude Code (local logs)', state: 'ok', lastSuccess: NOW.toISOString() },
  { id: 'openCode', label: 'OpenCode (local logs)', state: 'ok', lastSuccess: NOW.toISOString() },
];
const agentLedger = new Ledger([
  row('2026-06-16', 'claudeCode', 'claude-sonnet-4-5', 12, { project: '/home/ana/work/shop' }),
  row('2026-06-16', 'claudeCode', 'claude-sonnet-4-5', 5, { project: '/home/ana/work/web' }),
  row('2026-06-17', 'claudeCode', 'claude-sonnet-4-5', 1),
  row('2026-06-17', 'openCode', 'gpt-5', 4, { project: '/home/ana/work/shop', loggedCost: 0, loggedListCost: 4 }),
]);
const agentSnapshot = buildSnapshot({ ledger: agentLedger, settings: SETTINGS, gatewayBudget: null, sources: AGENTS, today: TODAY, now: NOW });
const agentModel = JSON.parse(JSON.stringify(buildDashboardModel(agentSnapshot, agentLedger, WORKDAYS))) as DashboardModel;
const archivedSnapshot = buildSnapshot({ ledger, settings: { ...SETTINGS, annualBudget: 30_000 }, gatewayBudget: null, sources: SOURCES, today: '2025-12-31', now: NOW });
const archived = JSON.parse(JSON.stringify(buildDashboardModel(archivedSnapshot, ledger, WORKDAYS, { years: YEARS, currentStart: '2026-01-01' }))) as DashboardModel;

let browser: Browser;
let server: Server | undefined;
let origin = '';
const errors: string[] = [];

/**
 * One page per theme, loaded afresh for each test (a new page each time cost about 1.2 CPU-s of
 * Chromium's: a context and a renderer process).
 */
const pages = new Map<BenchTheme, Page>();

/** A freshly loaded page in `theme` with the model drawn. */
async function drawn(theme: BenchTheme, m: DashboardModel = model): Promise<Page> {
  const open = pages.get(theme);
  const page = open ? await reloadPage(open, errors) : await openPage(browser, origin, theme, errors, VIEWPORT);
  pages.set(theme, page);
  await postAndMeasure(page, m);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

before(async () => {
  assert.ok(existsSync(path.join(ROOT, 'dist', 'webview', 'dashboard.js')), 'the webview bundle is built (node esbuild.mjs)');
  const { chromiumPath } = await ensureEditor({ log: (l) => console.error(l) });
  ({ server, origin } = await serve());
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => undefined);
  server?.close();
});

void describe('the dashboard page in Chromium', { timeout: 120_000 }, () => {
  void test('draws the model’s headline numbers, breakdown and heatmap', async () => {
    const page = await drawn('light');
    const kpis = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-kpi]')].map((e) => [e.getAttribute('data-kpi') ?? '', e.getAttribute('data-value') ?? ''])));
    assert.deepEqual(kpis, Object.fromEntries(model.kpis.map((k) => [k.id, k.value])), 'every KPI carries the model’s value');
    const spent = Number(kpis['spent']);
    assert.ok(Math.abs(spent - model.spent) < 0.006);

    const rows = await page.$$eval('[data-testid="breakdown"] tbody tr[data-model]', (trs) => trs.map((tr) => ({ model: tr.getAttribute('data-model') ?? '', cost: Number(tr.getAttribute('data-cost')) })));
    assert.deepEqual(rows.map((r) => r.model).sort(), [...model.models].sort(), 'one row per model of the year');
    assert.deepEqual(rows.map((r) => r.model), [...rows].sort((a, b) => b.cost - a.cost).map((r) => r.model), 'most expensive first');
    assert.ok(Math.abs(rows.reduce((s, r) => s + r.cost, 0) - spent) < 0.005, 'the rows add up to the spend');
    const bySource = await page.$$eval('[data-testid="breakdown-sources"] [data-source-row]', (trs) => trs.map((tr) => tr.getAttribute('data-source-row')));
    assert.deepEqual([...bySource].sort(), ['gateway', 'litellm', 'openai']);

    const cells = await page.$$eval('[data-chart="heatmap"] .cell[data-date]', (els) => els.map((e) => ({ date: e.getAttribute('data-date') ?? '', cls: e.getAttribute('class') ?? '' })));
    assert.equal(cells.length, 365, 'one cell per day of the budget year');
    const dates = cells.map((c) => c.date).sort();
    assert.deepEqual([dates[0], dates.at(-1)], ['2026-01-01', '2026-12-31']);
    assert.equal(new Set(dates).size, dates.length, 'each day once');
    const spendingDays = new Set(ledger.rows({}).filter((r) => r.date >= '2026-01-01' && r.date <= TODAY && r.cost > 0).map((r) => r.date)).size;
    assert.equal(cells.filter((c) => /\blvl-[1-4]\b/.test(c.cls)).length, spendingDays, 'every day with spend is coloured');
    assert.deepEqual(cells.filter((c) => /\btoday\b/.test(c.cls)).map((c) => c.date), [TODAY]);
    assert.deepEqual(await cspViolations(page), []);
  });

  for (const theme of ['light', 'dark', 'hc'] as const) {
    void test(`draws the charts in the ${theme} theme, the bars in their legend colours`, async () => {
      const page = await drawn(theme);
      for (const chart of ['burnup', 'daily']) {
        const ink = await canvasInk(page, chart);
        assert.ok(ink.width > 100 && ink.height > 100, `${chart} canvas has a size: ${ink.width}×${ink.height}`);
        assert.ok(ink.inked > ink.width * ink.height * 0.01, `${chart} drew pixels in ${theme}: ${ink.inked} of ${ink.width * ink.height}`);
      }
      await waitForBarsInLegendColours(page, theme);
      await shot(page, `dashboard-page-${theme}`);
      assert.deepEqual(await cspViolations(page), []);
    });
  }

  void test('a theme change in place redraws the charts in the new theme’s colours', async () => {
    const page = await drawn('light');
    const swatches = () => page.$$eval('[data-chart="daily"] ~ .legend .legend-item .swatch-box', (els) => els.slice(0, 3).map((e) => getComputedStyle(e).backgroundColor));
    const light = await swatches();
    await waitForBarsInLegendColours(page, 'light');
    await switchTheme(page, 'dark');
    await page.waitForFunction(() => document.body.classList.contains('vscode-dark'));
    const dark = await waitForBarsInLegendColours(page, 'dark, after the change');
    assert.notDeepEqual(await swatches(), light, 'the legend took the dark theme’s colours');
    assert.equal(Object.keys(dark).length, 3);
    await switchTheme(page, 'hc');
    await waitForBarsInLegendColours(page, 'high contrast, after the change');
    assert.ok(Object.values(await barsInLegendColours(page)).every((px) => px > 100));
  });

  void test('the sources section shows limits with their reset day and notes; an unpriced model is flagged, not counted as $0', async () => {
    const page = await drawn('light');
    const limit = (await page.locator('[data-source="litellm"] .source-limit').first().innerText()).trim();
    const reset = new Date('2026-07-01T12:00:00Z');
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    assert.equal(limit, `this month: $250.00 of $1,000.00, resets on ${reset.getDate()} ${months[reset.getMonth()]} ${reset.getFullYear()}`);
    const note = (await page.locator('[data-source="openai"] .source-note').innerText()).trim();
    assert.match(note, /Filtered to users user_me/);
    // The coding agents that are off fold into one line, each still findable by its data-source.
    const folded = page.locator('.sources > li.source-folded');
    assert.equal(await folded.getAttribute('data-folded'), '2');
    assert.match(await folded.locator('summary').innerText(), /2 coding agents\s*not read/);
    assert.equal(await page.locator('.sources > li[data-source]').count(), 3, 'the network sources keep a line each');
    assert.equal(await folded.locator('[data-source="codex"][data-state="off"]').count(), 1);
    await folded.locator('summary').focus();
    await page.keyboard.press('Enter');
    assert.ok(await folded.locator('[data-source="claudeCode"]').isVisible(), 'opened from the keyboard');

    const banner = (await page.locator('[data-testid="unpriced-banner"]').innerText()).trim();
    assert.match(banner, new RegExp(`could not be priced: ${MYSTERY} \\([\\d.]+M tokens, OpenAI`));
    const mystery = page.locator(`[data-testid="breakdown"] tr[data-model="${MYSTERY}"]`);
    assert.equal(await mystery.getAttribute('data-unpriced'), 'true');
    const badge = mystery.locator('.unpriced-badge');
    assert.equal((await badge.innerText()).trim(), 'unpriced');
    assert.match((await badge.getAttribute('title')) ?? '', /Could not be priced .*tokens of OpenAI.*not \$0/);
    const cost = mystery.locator('td').first();
    assert.equal(await cost.locator('[aria-hidden="true"]').innerText(), '—', 'the cost reads "—"');
    assert.doesNotMatch(await cost.innerText(), /\$/, 'no dollar amount');
    assert.match((await cost.getAttribute('title')) ?? '', /cost is unknown/);
    assert.equal(await mystery.getAttribute('data-cost'), '0.00');
    await page.locator('[data-testid="unpriced-banner"]').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await shot(page, 'dashboard-page-sources');
  });

  void test('the breakdown by project (opened by keyboard) and an agent\'s own logged cost beside list price, in every theme', async () => {
    for (const theme of ['light', 'dark', 'hc'] as const) {
      const page = await drawn(theme, agentModel);
      const source = page.locator('[data-testid="breakdown-sources"] tr[data-source-row="openCode"]');
      const note = source.locator('.logged-note');
      assert.equal((await note.innerText()).trim(), 'agent logged $0.00', 'logged $0 is a figure');
      assert.equal(await note.getAttribute('data-logged-cost'), '0.00');
      assert.match((await note.getAttribute('title')) ?? '', /own log says \$0\.00 .*list price .*\$4\.00/);
      assert.equal(await page.locator('[data-testid="breakdown-sources"] tr[data-source-row="claudeCode"] .logged-note').count(), 0, 'no note where nothing was logged');
      const [color, background] = await note.evaluate((e) => [getComputedStyle(e).color, getComputedStyle(e.closest('.card') ?? document.body).backgroundColor]);
      assert.notEqual(color, background, `${theme}: the note is legible`);

      // The third tab, reached from the first tab with the keyboard.
      await page.locator('vscode-tab-header', { hasText: 'By model' }).focus();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      const table = page.locator('[data-testid="breakdown-projects"]');
      await table.waitFor({ state: 'visible' });
      const projects = await table.locator('tbody tr[data-project]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-project'), tr.getAttribute('data-cost'), tr.querySelector('.name-text')?.textContent, tr.querySelector('.name-text')?.getAttribute('title')]));
      assert.deepEqual(projects, [
        ['/home/ana/work/shop', '16.00', '…/work/shop', '/home/ana/work/shop'],
        ['/home/ana/work/web', '5.00', '…/work/web', '/home/ana/work/web'],
        ['', '1.00', 'No project', 'No project'],
      ]);
      assert.match((await table.locator('caption').textContent()) ?? '', /^Spend by project/);
      assert.match(await page.locator('vscode-tab-header', { hasText: 'By project' }).innerText(), /By project\s*3/);
      if (theme === 'dark') await shot(page, 'dashboard-page-projects');
    }
  });

  void test('the year picker: labelled, newest first, worked by keyboard; an earlier year shows archived with a way back', async () => {
    const page = await drawn('light');
    const picker = page.locator('[data-testid="year-picker"]');
    assert.ok(await picker.isVisible(), 'the picker shows once two years are known');
    assert.equal(await page.locator('label[for="year-picker"]').textContent(), 'Budget year', 'the picker has a label');
    const options = await picker.locator('option').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? '']));
    assert.deepEqual(options.map((o) => o[0]), ['2026-01-01', '2025-01-01'], 'newest first');
    assert.match(options[0]?.[1] ?? '', /\(current\)/);

    // Keyboard: focus the picker and choose the earlier year; the page asks the host for it.
    await picker.focus();
    await picker.press('ArrowDown');
    await page.waitForFunction(() => (window as unknown as { __bench: { posted: { type: string; start?: string }[] } }).__bench.posted.some((m) => m.type === 'selectYear' && m.start === '2025-01-01'));

    // The host answers with that year's model.
    await postAndMeasure(page, archived);
    assert.equal(await page.getAttribute('[data-testid="dashboard"]', 'data-archived'), 'true');
    assert.equal(await page.getAttribute('[data-testid="dashboard"]', 'data-year'), '2025-01-01');
    assert.equal(await page.getAttribute('[data-kpi="budget"]', 'data-value'), '30000.00', 'the budget that year had');
    assert.match((await page.textContent('[data-testid="archived-banner"]')) ?? '', /earlier budget year/);
    await shot(page, 'dashboard-page-earlier-year');
    const before = (await posted(page)).length;
    await page.locator('[data-testid="archived-banner"] vscode-button').click();
    await page.waitForFunction((n) => (window as unknown as { __bench: { posted: { type: string; start?: string }[] } }).__bench.posted.slice(n).some((m) => m.type === 'selectYear' && m.start === '2026-01-01'), before);
    await postAndMeasure(page, model);
    assert.equal(await page.getAttribute('[data-testid="dashboard"]', 'data-archived'), 'false');
  });

  void test('axe-core finds no violation of impact moderate or above in the light, dark and high-contrast themes', async () => {
    for (const theme of ['light', 'dark', 'hc'] as const) {
      const page = await drawn(theme);
      const before = errors.length;
      await assertAccessible(page.mainFrame(), `the dashboard page, ${theme}`);
      // axe-core adds an inline style of its own, which the page's CSP refuses (as a webview's
      // does): that report is the audit's, not the dashboard's. Anything else stays an error.
      const caused = errors.splice(before).filter((e) => !/^console error: Applying inline style violates .*'style-src /.test(e));
      errors.push(...caused);
    }
  });

  void test('no page error, console error or CSP violation on any page', () => {
    assert.deepEqual([...new Set(errors)], []);
  });
});
