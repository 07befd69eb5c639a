/**
 * Dashboard bench: `node --import tsx bench/dashboard.ts` (npm run bench:dashboard).
 *
 * 1. Builds the production bundles and reports the minified webview bundle's size (target < 350 KB).
 * 2. Builds a synthetic ledger of three budget years × 40 models of daily rows, the snapshot and
 *    the dashboard model on the host side (timed).
 * 3. Loads the real dashboard page (same HTML and CSP as the panel) in Chromium from a loopback
 *    server, with a stub `acquireVsCodeApi`, posts the model with `window.postMessage` and measures
 *    until the charts are drawn (the view sets `data-render-count`, then one frame is painted);
 *    target < 300 ms. Median of 5 cold loads, and of 5 in-place updates.
 * 4. Screenshots in light, dark and high-contrast themes: test-results/screenshots/dashboard-bench-*.png.
 *
 * Fails (exit code 1) on a CSP violation or a page error. Environment: TB_BENCH_RUNS (default 5),
 * TB_BENCH_WIDTH (viewport, default 1320), TB_BENCH_MODEL_OUT (write the posted model's JSON there),
 * TOKEN_BUDGET_CHROMIUM (default /usr/bin/chromium).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildDashboardModel, type DashboardModel } from '../src/core/dashboardModel';
import { addDaysKey, eachDayInfo } from '../src/core/dates';
import { Ledger } from '../src/core/ledger';
import { mulberry32 } from '../src/core/random';
import { buildSnapshot, type SourceStatus } from '../src/core/snapshot';
import type { DayKey, LedgerRow } from '../src/core/types';
import { openPage, postAndMeasure, serve } from '../test/page/harness';

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.TB_BENCH_RUNS ?? 5);
const TODAY: DayKey = '2026-11-27';
const NOW = new Date(2026, 10, 27, 9, 41, 0);
const WORKDAYS = [1, 2, 3, 4, 5];
const SETTINGS = { annualBudget: 250_000, budgetYearStart: '04-01', workdays: WORKDAYS, thresholds: [50, 75, 90, 100] };
const MODEL_COUNT = 40;
const YEARS = 3;
const TARGET_BUNDLE_KB = 350;
const TARGET_DRAWN_MS = 300;

// ---------------------------------------------------------------------------------------------
// Synthetic ledger

const MODEL_NAMES = [
  'claude-sonnet-4-5', 'claude-opus-4-1', 'gpt-5', 'gemini-2.5-pro', 'o3', 'claude-haiku-4-5', 'gpt-5-mini', 'gpt-4.1',
  'gemini-2.5-flash', 'o4-mini', 'claude-3-7-sonnet', 'deepseek-r1', 'grok-4', 'mistral-large-2411', 'qwen3-coder', 'llama-4-maverick',
  'gpt-4o', 'claude-3-5-haiku', 'command-a', 'codestral-2508', 'gemini-2.0-flash', 'o1', 'gpt-4.1-mini', 'deepseek-v3.1',
  'kimi-k2', 'glm-4.6', 'llama-3.3-70b', 'mistral-medium-3', 'gpt-oss-120b', 'qwen3-235b', 'grok-3-mini', 'sonar-pro',
  'jamba-1.6-large', 'nova-pro', 'phi-4', 'gemma-3-27b', 'minimax-m1', 'devstral-medium', 'o3-mini', 'gpt-4o-mini',
];

/** Three years of daily rows for 40 models: Zipf-like model shares drifting over time, workdays heavy, weekends light, spikes, one vacation week a year. */
function synthRows(): LedgerRow[] {
  const rand = mulberry32(20261127);
  const from = addDaysKey(TODAY, -(YEARS * 365 - 1));
  const days = eachDayInfo(from, addDaysKey(TODAY, 1));
  const slopes = MODEL_NAMES.map((_, k) => (k < 3 ? 0.4 : (rand() - 0.5) * 1.6));
  const rows: LedgerRow[] = [];
  days.forEach(({ key, weekday }, t) => {
    const progress = t / days.length;
    const vacation = key.slice(5, 10) >= '08-10' && key.slice(5, 10) <= '08-16';
    const weekend = weekday >= 6;
    const spike = !weekend && rand() < 0.04 ? 3 + rand() * 2 : 1;
    const level = 700 * (0.6 + 0.9 * progress) * (weekend ? 0.07 : 1) * (vacation ? 0.03 : 1) * spike * (0.75 + rand() * 0.5);
    const weights = MODEL_NAMES.map((_, k) => Math.exp(slopes[k]! * (progress - 0.5) * 2) / Math.pow(k + 1, 1.25));
    const sum = weights.reduce((a, b) => a + b, 0);
    MODEL_NAMES.slice(0, MODEL_COUNT).forEach((model, k) => {
      const cost = Math.round(((level * weights[k]!) / sum) * (0.6 + rand() * 0.8) * 100) / 100;
      rows.push({
        date: key,
        source: 'gateway',
        model,
        cost,
        inputTokens: Math.round(cost * 21_000),
        outputTokens: Math.round(cost * 1_600),
        cacheReadTokens: Math.round(cost * 64_000),
        cacheWriteTokens: Math.round(cost * 2_900),
        requests: Math.max(cost > 0 ? 1 : 0, Math.round(cost * 1.4)),
      });
    });
  });
  return rows;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function timeMs<T>(f: () => T): [T, number] {
  const start = performance.now();
  const result = f();
  return [result, performance.now() - start];
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  console.log('Building production bundles…');
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT, stdio: 'inherit' });
  const bundle = await readFile(path.join(ROOT, 'dist/webview/dashboard.js'));
  const css = await stat(path.join(ROOT, 'dist/webview/dashboard.css'));
  const bundleKb = bundle.length / 1024;

  const [rows, synthMs] = timeMs(synthRows);
  const [ledger, ledgerMs] = timeMs(() => new Ledger(rows));
  const gateway: SourceStatus = { id: 'gateway', label: 'Allowance gateway', state: 'ok', lastSuccess: new Date(NOW.getTime() - 4 * 60_000).toISOString(), user: 'alice@example.com' };
  const sources: SourceStatus[] = [
    gateway,
    { id: 'litellm', label: 'LiteLLM proxy', state: 'off' },
    { id: 'openrouter', label: 'OpenRouter', state: 'off' },
    { id: 'openai', label: 'OpenAI (Admin API)', state: 'error', lastAttempt: NOW.toISOString(), error: 'OpenAI: the admin key was refused (HTTP 401 invalid_api_key).' },
  ];
  const snapshotTimes: number[] = [];
  const modelTimes: number[] = [];
  const rowsModelTimes: number[] = [];
  let model: DashboardModel | undefined;
  for (let i = 0; i < RUNS; i++) {
    const [snapshot, sMs] = timeMs(() => buildSnapshot({ ledger, settings: SETTINGS, gatewayBudget: null, sources, today: TODAY, now: NOW }));
    const [built, mMs] = timeMs(() => buildDashboardModel(snapshot, ledger, WORKDAYS));
    const [, rMs] = timeMs(() => buildDashboardModel(snapshot, rows, WORKDAYS));
    snapshotTimes.push(sMs);
    modelTimes.push(mMs);
    rowsModelTimes.push(rMs);
    model = built;
  }
  if (!model) throw new Error('no model');
  const modelJson = JSON.stringify(model);
  if (process.env.TB_BENCH_MODEL_OUT) await writeFile(process.env.TB_BENCH_MODEL_OUT, modelJson);

  const { server, origin } = await serve();
  const browser = await chromium.launch({ executablePath: process.env.TOKEN_BUDGET_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const errors: string[] = [];
  const cold: number[] = [];
  const coldRender: number[] = [];
  const warm: number[] = [];
  const warmRender: number[] = [];
  const shots: string[] = [];
  try {
    // Cold: a fresh page each run (the first model builds the page and the charts).
    for (let i = 0; i < RUNS; i++) {
      const page = await openPage(browser, origin, 'dark', errors);
      const r = await postAndMeasure(page, model);
      cold.push(r.drawnMs);
      coldRender.push(r.renderMs);
      // Warm: in-place updates of the same page (a new generation of the model).
      for (let j = 0; j < RUNS; j++) {
        if (i > 0) break;
        const next = { ...model, generatedAt: new Date(NOW.getTime() + (j + 1) * 60_000).toISOString(), spent: model.spent + j };
        const w = await postAndMeasure(page, next);
        warm.push(w.drawnMs);
        warmRender.push(w.renderMs);
      }
      const csp = await page.evaluate(() => window.__bench?.csp ?? []);
      errors.push(...csp.map((c) => `CSP violation: ${c}`));
      await page.close();
    }

    // Screenshots in the three themes.
    const dir = path.join(ROOT, 'test-results', 'screenshots');
    await mkdir(dir, { recursive: true });
    for (const theme of ['light', 'dark', 'hc'] as const) {
      const page = await openPage(browser, origin, theme, errors);
      await postAndMeasure(page, model);
      await page.evaluate(() => document.fonts.ready);
      await page.waitForTimeout(150);
      const file = path.join(dir, `dashboard-bench-${theme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      shots.push(path.relative(ROOT, file));
      const csp = await page.evaluate(() => window.__bench?.csp ?? []);
      errors.push(...csp.map((c) => `CSP violation (${theme}): ${c}`));
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }

  const yearRows = rows.filter((r) => r.date >= model.year.start && r.date < model.year.end).length;
  const ok = (good: boolean) => (good ? 'ok' : 'OVER');
  const table: [string, string, string][] = [
    ['webview bundle (minified)', `${bundleKb.toFixed(1)} KB (gzip ${(gzipSync(bundle).length / 1024).toFixed(1)} KB)`, `< ${TARGET_BUNDLE_KB} KB ${ok(bundleKb < TARGET_BUNDLE_KB)}`],
    ['webview CSS (codicons)', `${(css.size / 1024).toFixed(1)} KB`, ''],
    ['ledger rows (3 years × 40 models)', `${rows.length.toLocaleString('en-US')} (${yearRows.toLocaleString('en-US')} in the budget year)`, ''],
    ['synthetic ledger + Ledger()', `${synthMs.toFixed(1)} ms + ${ledgerMs.toFixed(1)} ms`, ''],
    ['buildSnapshot (median)', `${median(snapshotTimes).toFixed(1)} ms`, ''],
    ['buildDashboardModel from Ledger (median)', `${median(modelTimes).toFixed(1)} ms`, ''],
    ['buildDashboardModel from rows (median)', `${median(rowsModelTimes).toFixed(1)} ms`, ''],
    ['model JSON posted', `${(modelJson.length / 1024).toFixed(1)} KB`, ''],
    ['posted → charts drawn, cold page (median)', `${median(cold).toFixed(1)} ms  [${cold.map((x) => x.toFixed(0)).join(', ')}]`, `< ${TARGET_DRAWN_MS} ms ${ok(median(cold) < TARGET_DRAWN_MS)}`],
    ['  of which render in the webview', `${median(coldRender).toFixed(1)} ms`, ''],
    ['posted → drawn, in-place update (median)', `${median(warm).toFixed(1)} ms  [${warm.map((x) => x.toFixed(0)).join(', ')}]`, `< ${TARGET_DRAWN_MS} ms ${ok(median(warm) < TARGET_DRAWN_MS)}`],
    ['  of which render in the webview', `${median(warmRender).toFixed(1)} ms`, ''],
  ];
  const w0 = Math.max(...table.map((r) => r[0].length));
  const w1 = Math.max(...table.map((r) => r[1].length));
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`\nDashboard bench (${RUNS} runs, Chromium ${browser.version()}, node ${process.version}, ${os.cpus().length} CPUs, load average ${load})\n`);
  console.log(`${'measure'.padEnd(w0)}  ${'value'.padEnd(w1)}  target`);
  console.log(`${'-'.repeat(w0)}  ${'-'.repeat(w1)}  ------`);
  for (const [a, b, c] of table) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);
  console.log(`\nScreenshots: ${shots.join(', ')}`);
  if (errors.length > 0) {
    console.error(`\n${errors.length} problem(s) in the page:\n  ${[...new Set(errors)].join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('No CSP violation, console error or page error.');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
