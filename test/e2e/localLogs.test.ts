// Local agent logs in a real VS Code workbench (code-server + Chromium): a generated HOME with
// Claude Code transcripts and Codex rollouts, no network source, the meter shows the spend. The
// expected spend comes from ccusage (`daily --json --offline`, run on the same HOME in the same
// time zone), never from the extension's code. Then a response appended to a transcript reaches
// the meter through the folder watcher.
//
//   npm run package && node --import tsx --test test/e2e/localLogs.test.ts

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { launchEditor, type RunningEditor } from '../../scripts/lib/editor.mjs';
import { claudeAssistantLine, CLAUDE_MODELS, generateCorpus, type GeneratedCorpus } from '../fakes/agentLogs';
import { capturingFailure, closeSuite, hoverTooltip, openWorkbench, poll, screenshot, statusBarItem, waitForStatusText, type Workbench } from './workbench';

const VSIX = process.env['TB_VSIX'] ?? path.resolve(__dirname, '..', '..', 'token-budget.vsix');
const CCUSAGE = path.resolve(__dirname, '..', '..', 'node_modules', 'ccusage', 'src', 'cli.js');
const ITEM_ID = 'token-budget.token-budget.tokenBudget.meter';
/** The extension host and ccusage both bucket days in this zone. */
const ZONE = 'America/New_York';

let home: string;
let corpus: GeneratedCorpus;
let editor: RunningEditor;
let wb: Workbench;
let page: Page;
let budget: number;

/** Today in ZONE. */
function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** The spend of this budget year (from 1 January, the default) up to today, per ccusage. */
async function expectedSpend(): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, [CCUSAGE, 'daily', '--json', '--offline', '--timezone', ZONE], { env: { PATH: process.env['PATH'], HOME: home, TZ: ZONE }, maxBuffer: 64 * 1024 * 1024 });
  const report = JSON.parse(stdout) as { daily: { period: string; totalCost: number }[] };
  const t = today();
  const yearStart = `${t.slice(0, 4)}-01-01`;
  return report.daily.filter((d) => d.period >= yearStart && d.period <= t).reduce((s, d) => s + d.totalCost, 0);
}

/** "$1,234.56" anywhere after "Spent" in the tooltip. */
function spentInTooltip(tip: string): number {
  const m = /Spent\s*\$([\d,]+\.\d{2})/.exec(tip);
  assert.ok(m?.[1], `a "Spent $…" row in the tooltip:\n${tip}`);
  return Number(m[1].replace(/,/g, ''));
}

before(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'tb-e2e-home-'));
  // The last 10 days, ending now; traps included (unknown models stay unpriced in both counts).
  corpus = generateCorpus({ home, files: 50, totalBytes: 4e6, seed: 77, now: new Date(Date.now() - 3_600_000), spanDays: 10, longContext: false });
  const spend = await expectedSpend();
  assert.ok(spend > 10, `the corpus spends something this year (${spend})`);
  budget = Math.ceil(spend * 4);
  editor = await launchEditor({
    vsixPath: VSIX,
    // The product's default, auto (the harness turns the local sources off for other suites).
    userSettings: { 'tokenBudget.annualBudget': budget, 'tokenBudget.sources.claudeCode.enabled': 'auto', 'tokenBudget.sources.codex.enabled': 'auto' },
    // The logs are found the agents' way: ~/.claude/projects and ~/.codex/sessions under HOME.
    env: { HOME: home, TZ: ZONE, CLAUDE_CONFIG_DIR: undefined, CODEX_HOME: undefined, XDG_CONFIG_HOME: undefined },
  });
  wb = await openWorkbench(editor.url);
  page = wb.page;
});

after(async () => {
  await closeSuite({ wb, editor });
  if (home) rmSync(home, { recursive: true, force: true });
});

void describe('status bar meter fed by local agent logs', { timeout: 300_000 }, () => {
  void test('with no network source, the local logs are read and the meter shows their spend', () => capturingFailure(page, 'local-logs-meter-shows-the-spend', async () => {
    const spend = await expectedSpend();
    const text = await waitForStatusText(page, /\d+% · \$/, 90_000);
    const pct = Number(/(\d+)%/.exec(text)?.[1]);
    assert.equal(pct, Math.round((spend / budget) * 100), `status ${JSON.stringify(text)} vs ${((spend / budget) * 100).toFixed(2)}%`);
    const shown = Number(/\$([\d.]+)/.exec(text.slice(text.indexOf('·')))?.[1]);
    assert.ok(Math.abs(shown - spend) <= 0.5 + spend * 0.005, `shown ${shown} vs ${spend}`);
    const tip = await hoverTooltip(page, statusBarItem(page, { id: ITEM_ID }));
    assert.ok(Math.abs(spentInTooltip(tip) - spend) <= 0.011, `tooltip ${spentInTooltip(tip)} vs ${spend}`);
    // Both sources ok (the dashboard shows the same states: test/unit/dashboard/sourcesModel.test.ts).
    assert.match(tip, /Claude Code \(local logs\)\*{0,2}: ok/);
    assert.match(tip, /Codex \(local logs\)\*{0,2}: ok/);
    await screenshot(page, 'local-logs-meter');
  }));

  void test('a response appended to a transcript reaches the meter (folder watcher, no manual refresh)', () => capturingFailure(page, 'local-logs-append-reaches-the-meter', async () => {
    const before = await expectedSpend();
    const transcript = corpus.files.find((f) => f.kind === 'claude');
    assert.ok(transcript);
    const usage = { input: 10, output: 200_000, cacheRead: 20_000 };
    appendFileSync(transcript.path, `${claudeAssistantLine({ timestamp: new Date().toISOString(), messageId: 'msg_e2e_appended', requestId: 'req_e2e_appended', model: CLAUDE_MODELS.opus, usage })}\n`);
    const after = await expectedSpend();
    assert.ok(after - before > 4, `the appended response costs something (${after - before})`);
    const item = statusBarItem(page, { id: ITEM_ID });
    let tipSpent = 0;
    await poll('the appended response in the tooltip', 90_000, async () => {
      await page.mouse.move(0, 0);
      tipSpent = spentInTooltip(await hoverTooltip(page, item));
      return Math.abs(tipSpent - after) <= 0.011 ? true : undefined;
    }, 500).catch(() => undefined);
    assert.ok(Math.abs(tipSpent - after) <= 0.011, `tooltip ${tipSpent} vs ${after} (before: ${before})`);
  }));
});
