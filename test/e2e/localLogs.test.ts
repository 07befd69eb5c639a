// Local agent logs in a real VS Code workbench (code-server + Chromium): a generated HOME with the
// logs of ten coding agents (Claude Code transcripts, Codex rollouts, and the corpora of
// test/fakes/agents for eight more), no network source, the meter shows the spend. The expected
// spend comes from ccusage (`daily --json --offline`, which sums every agent it finds, run on the
// same HOME in the same time zone), never from the extension's code. The dashboard lists each of
// those agents as a source in state ok, with its spend, and folds the agents it did not find into
// one line. Then a response appended to a transcript reaches the meter through the folder watcher.
//
//   npm run package && node --import tsx --test test/e2e/localLogs.test.ts

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { ensureEditor, type RunningEditor } from '../../scripts/lib/editor.mjs';
import { AGENT_IDS, type AgentId } from '../../src/core/types';
import { claudeAssistantLine, CLAUDE_MODELS, generateCorpus, type GeneratedCorpus } from '../fakes/agentLogs';
import { writeCopilotCorpus } from '../fakes/agents/copilotCli';
import { writeGeminiCorpus } from '../fakes/agents/gemini';
import { writeGrokCorpus } from '../fakes/agents/grok';
import { writeKimiCorpus } from '../fakes/agents/kimi';
import { writeOpenClawCorpus } from '../fakes/agents/openClaw';
import { writePiCorpus } from '../fakes/agents/pi';
import { writeInYear, type Shift } from '../fakes/agents/shift';
import { capturingFailure, closeSuite, findInWebviews, hoverTooltip, launchJourneyEditor, openWorkbench, poll, runCommand, screenshot, statusBarItem, waitForStatusText, type Workbench } from './workbench';
import { ccusageDailyJson } from '../ccusage';

const REPO = path.resolve(__dirname, '..', '..');
const VSIX = process.env['TB_VSIX'] ?? path.join(REPO, 'token-budget.vsix');
const ITEM_ID = 'token-budget.token-budget.tokenBudget.meter';
/** The extension host and ccusage both bucket days in this zone. */
const ZONE = 'America/New_York';
/** The meter and each source's spend against ccusage's (the acceptance of issue 15). */
const TOLERANCE = 0.01;

/**
 * The agents whose logs the HOME holds: the extension's source id, ccusage's name for it, and
 * its corpus writer. Claude Code and Codex: test/fakes/agentLogs.ts (the last 10 days). The others:
 * the cross-check corpora of test/fakes/agents, written on fixed days of March and April 2026 and
 * moved by whole days into this budget year, ending a few days before today (in the first days of
 * January, folded onto the year's first day; on 1 January itself a folded session can run past
 * midnight: planShift in test/fakes/agents/shift.ts); `moved`: ccusage must find the corpus wholly
 * from 1 January to today. Written with the options under which ccusage counts as the agent means
 * (test/fixtures/agents/<agent>/README.md): pi and Kimi without `forks` (ccusage counts a branched
 * or forked copy again), OpenClaw without `divergent` (ccusage counts a checkpoint twin's copies
 * and trajectory files). OpenCode's and Kilo's stores are SQLite databases written by node:sqlite
 * (see writeStores).
 *
 * Left out, because ccusage miscounts what their generators write: Qwen Code (cached tokens twice,
 * reasoning twice), Droid (adds the thinking already inside the output to the cost), Amp (the
 * corpus's trap days: a sub-agent's calls twice, a fork's copies), Goose (cache priced at the input
 * rate), Hermes (reasoning added to an output that holds it), ZCode (GLM priced otherwise).
 * Antigravity is left out to keep to one SQLite writer; Codebuff keeps no token counts.
 */
const PRESENT = [
  { id: 'claudeCode', ccusage: 'claude' },
  { id: 'codex', ccusage: 'codex' },
  { id: 'geminiCli', ccusage: 'gemini', moved: true, write: (home: string, shift: Shift | undefined) => writeGeminiCorpus(home, undefined, { shift }) },
  { id: 'pi', ccusage: 'pi', moved: true, write: (home: string, shift: Shift | undefined) => writePiCorpus(home, { shift }) },
  { id: 'openClaw', ccusage: 'openclaw', moved: true, write: (home: string, shift: Shift | undefined) => writeOpenClawCorpus(home, { shift }) },
  { id: 'kimi', ccusage: 'kimi', moved: true, write: (home: string, shift: Shift | undefined) => writeKimiCorpus(home, { shift }) },
  { id: 'grok', ccusage: 'grok', moved: true, write: (home: string, shift: Shift | undefined) => writeGrokCorpus(home, { shift }) },
  { id: 'copilotCli', ccusage: 'copilot', moved: true, write: (home: string, shift: Shift | undefined) => writeCopilotCorpus(path.join(home, '.copilot'), { shift }) },
  { id: 'openCode', ccusage: 'opencode', moved: true },
  { id: 'kilo', ccusage: 'kilo', moved: true },
] as const satisfies readonly { id: AgentId; ccusage: string; moved?: true; write?: (home: string, shift: Shift | undefined) => unknown }[];
/** The agents without logs in HOME: folded into one line on the dashboard. */
const ABSENT = AGENT_IDS.filter((id) => !PRESENT.some((a) => a.id === id));

/** Variables by which the agents (and the extension, as they do) find their logs outside HOME's defaults. */
const AGENT_VARIABLES = ['CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'XDG_CONFIG_HOME', 'GEMINI_CLI_HOME', 'OPENCODE_DB', 'KILO_DB', 'COPILOT_HOME', 'QWEN_HOME', 'QWEN_RUNTIME_DIR', 'GOOSE_PATH_ROOT', 'FACTORY_HOME_OVERRIDE', 'KIMI_SHARE_DIR', 'GROK_HOME', 'ANTIGRAVITY_DATA_DIR', 'HERMES_HOME', 'PI_CODING_AGENT_DIR', 'OPENCLAW_HOME', 'OPENCLAW_STATE_DIR', 'CLAWDBOT_STATE_DIR', 'ZCODE_HOME'];

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

interface Spend {
  total: number;
  /** By ccusage's agent name. */
  byAgent: Map<string, number>;
  /** By ccusage's agent name: its first and last day with spend, in this year or not. */
  days: Map<string, { first: string; last: string }>;
}

/** The spend of this budget year (from 1 January, the default) up to today, in all and per agent, per ccusage. */
async function expectedSpend(): Promise<Spend> {
  const stdout = await ccusageDailyJson(home, ZONE, { byAgent: true });
  const report = JSON.parse(stdout) as { daily: { period: string; totalCost: number; agents?: { agent: string; totalCost: number }[] }[] };
  const t = today();
  const yearStart = `${t.slice(0, 4)}-01-01`;
  const spend: Spend = { total: 0, byAgent: new Map(), days: new Map() };
  for (const d of report.daily) {
    for (const a of d.agents ?? []) {
      if (a.totalCost <= 0) continue;
      const had = spend.days.get(a.agent);
      spend.days.set(a.agent, { first: had && had.first < d.period ? had.first : d.period, last: had && had.last > d.period ? had.last : d.period });
    }
    if (d.period < yearStart || d.period > t) continue;
    spend.total += d.totalCost;
    for (const a of d.agents ?? []) spend.byAgent.set(a.agent, (spend.byAgent.get(a.agent) ?? 0) + a.totalCost);
  }
  return spend;
}

function near(shown: number, want: number, slack = 0.011): boolean {
  return Math.abs(shown - want) <= want * TOLERANCE + slack;
}

/** "$1,234.56" anywhere after "Spent" in the tooltip. */
function spentInTooltip(tip: string): number {
  const m = /Spent\s*\$([\d,]+\.\d{2})/.exec(tip);
  assert.ok(m?.[1], `a "Spent $…" row in the tooltip:\n${tip}`);
  return Number(m[1].replace(/,/g, ''));
}

/**
 * OpenCode's and Kilo's stores (their cross-check corpora, written by the running agent and closed):
 * node:sqlite writes them, which this machine's Node may lack, so the editor's Node 24 does (the
 * one whose extension host reads them).
 */
async function writeStores(nodeBin: string, now: number): Promise<string> {
  const href = (name: string): string => JSON.stringify(pathToFileURL(path.join(REPO, 'test', 'fakes', 'agents', name)).href);
  const code = [
    `import { writeStoreCorpus } from ${href('opencode.ts')};`,
    `import { writeInYear } from ${href('shift.ts')};`,
    `const [home, now, zone] = process.argv.slice(1);`,
    `for (const agent of ['opencode', 'kilo']) console.log(agent, JSON.stringify(writeInYear(home, (h, shift) => writeStoreCorpus(h, { agent, shift }).store.close(), { now: Number(now), zone })));`,
  ].join('\n');
  const { stdout } = await promisify(execFile)(nodeBin, ['--import', 'tsx', '--input-type=module', '--eval', code, home, String(now), ZONE], { cwd: REPO, env: { PATH: process.env['PATH'] } });
  return stdout.trim().replace(/\n/g, ', ');
}

before(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'tb-e2e-home-'));
  // The last 10 days, ending now; traps included (unknown models stay unpriced in both counts).
  corpus = generateCorpus({ home, files: 50, totalBytes: 4e6, seed: 77, now: new Date(Date.now() - 3_600_000), spanDays: 10, longContext: false });
  // The other agents' corpora, moved from their fixed days into this year (before today, in ZONE).
  const now = Date.now();
  const shifts = PRESENT.flatMap((agent) => ('write' in agent ? [`${agent.ccusage} ${JSON.stringify(writeInYear(home, agent.write, { now, zone: ZONE }))}`] : []));
  shifts.push(await writeStores((await ensureEditor()).nodeBin, now));
  console.log(`corpora moved by: ${shifts.join(', ')}`);
  const spend = await expectedSpend();
  assert.ok(spend.total > 10, `the corpus spends something this year (${spend.total})`);
  budget = Math.ceil(spend.total * 4);
  editor = await launchJourneyEditor({
    vsixPath: VSIX,
    // The product's default, auto, for every agent (the harness turns the local sources off for other suites).
    userSettings: { 'tokenBudget.annualBudget': budget, ...Object.fromEntries(AGENT_IDS.map((id) => [`tokenBudget.sources.${id}.enabled`, 'auto'])) },
    // The logs are found the agents' way, under HOME: ~/.claude/projects, ~/.codex/sessions,
    // ~/.gemini/tmp, ~/.local/share/opencode, … (the harness points XDG_DATA_HOME at a folder of
    // its own for code-server's state; here it is HOME's, where ccusage looks too).
    env: { HOME: home, TZ: ZONE, XDG_DATA_HOME: path.join(home, '.local', 'share'), ...Object.fromEntries(AGENT_VARIABLES.map((k) => [k, undefined])) },
  });
  wb = await openWorkbench(editor.url);
  page = wb.page;
});

after(async () => {
  await closeSuite({ wb, editor });
  if (home) rmSync(home, { recursive: true, force: true });
});

void describe('status bar meter fed by local agent logs', { timeout: 300_000 }, () => {
  void test('with no network source, the logs of ten agents are read and the meter shows their spend', () => capturingFailure(page, 'local-logs-meter-shows-the-spend', async () => {
    const spend = await expectedSpend();
    // Every agent spends this budget year; each moved corpus lies wholly inside it, up to today.
    for (const agent of PRESENT) assert.ok((spend.byAgent.get(agent.ccusage) ?? 0) > 0, `ccusage finds ${agent.ccusage}'s spend this budget year (${today()}): ${JSON.stringify([...spend.byAgent])}`);
    const yearStart = `${today().slice(0, 4)}-01-01`;
    for (const agent of PRESENT.filter((a) => 'moved' in a)) {
      const days = spend.days.get(agent.ccusage);
      assert.ok(days && days.first >= yearStart && days.last <= today(), `${agent.ccusage}'s moved corpus lies from ${yearStart} to ${today()}: ${JSON.stringify(days)}`);
    }
    await waitForStatusText(page, /\d+% · \$/, 90_000);
    const item = statusBarItem(page, { id: ITEM_ID });
    // The meter settles on every source's spend (a scan of ten agents' logs takes a moment).
    let tip = '';
    await poll('the spend of all ten agents in the tooltip', 90_000, async () => {
      await page.mouse.move(0, 0);
      tip = await hoverTooltip(page, item);
      return near(spentInTooltip(tip), spend.total) ? true : undefined;
    }, 500).catch(() => undefined);
    const shownSpent = spentInTooltip(tip);
    console.log(`meter: spent $${shownSpent.toFixed(2)} vs ccusage daily --json --offline $${spend.total.toFixed(2)} (${(((shownSpent - spend.total) / spend.total) * 100).toFixed(3)}%), ${PRESENT.length} agents: ${PRESENT.map((a) => `${a.ccusage} $${(spend.byAgent.get(a.ccusage) ?? 0).toFixed(2)}`).join(', ')}`);
    assert.ok(near(shownSpent, spend.total), `tooltip ${shownSpent} vs ccusage ${spend.total}`);
    const text = (await item.innerText()).trim();
    const pct = Number(/(\d+)%/.exec(text)?.[1]);
    assert.equal(pct, Math.round((shownSpent / budget) * 100), `status ${JSON.stringify(text)} vs ${((spend.total / budget) * 100).toFixed(2)}%`);
    const shown = Number(/\$([\d.]+)/.exec(text.slice(text.indexOf('·')))?.[1]);
    assert.ok(Math.abs(shown - spend.total) <= 0.5 + spend.total * TOLERANCE, `shown ${shown} vs ${spend.total}`);
    // Both sources ok (the dashboard shows the same states: test/unit/dashboard/sourcesModel.test.ts).
    assert.match(tip, /Claude Code \(local logs\)\*{0,2}: ok/);
    assert.match(tip, /Codex \(local logs\)\*{0,2}: ok/);
    await screenshot(page, 'local-logs-meter');
  }));

  void test('the dashboard lists each agent found as a source in state ok with its spend, and folds the others into one line', () => capturingFailure(page, 'local-logs-dashboard-sources', async () => {
    const spend = await expectedSpend();
    await runCommand(page, 'Token Budget: Open Dashboard');
    const frame = await findInWebviews(page, '[data-testid="dashboard"][data-drawn] .sources', 60_000);
    for (const agent of PRESENT) await frame.locator(`.sources > li[data-source="${agent.id}"][data-state="ok"]`).waitFor({ timeout: 60_000 });
    const folded = frame.locator('.sources > li.source-folded');
    assert.equal(await folded.count(), 1, 'one line for the agents not found');
    assert.equal(await folded.getAttribute('data-folded'), String(ABSENT.length));
    const foldedIds = await folded.locator('[data-source]').evaluateAll((lis) => lis.map((li) => `${li.getAttribute('data-source')}:${li.getAttribute('data-state')}`));
    assert.deepEqual(foldedIds.sort(), ABSENT.map((id) => `${id}:off`).sort());
    const topLevel = await frame.locator('.sources > li[data-source]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-source')));
    for (const id of ABSENT) assert.ok(!topLevel.includes(id), `${id} is not a line of its own`);
    // Each agent's spend this year, as ccusage counts it for that agent.
    const bySource = await poll('a breakdown row per agent', 30_000, async () => {
      const rows = await frame.$$eval('[data-testid="breakdown-sources"] [data-source-row]', (trs) => Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-source-row') ?? '', Number(tr.getAttribute('data-cost'))])));
      return Object.keys(rows).length === PRESENT.length ? rows : undefined;
    });
    console.log(`dashboard sources vs ccusage: ${PRESENT.map((a) => `${a.id} $${(bySource[a.id] ?? Number.NaN).toFixed(2)} / $${(spend.byAgent.get(a.ccusage) ?? 0).toFixed(2)}`).join(', ')}; folded: ${ABSENT.join(', ')}`);
    for (const agent of PRESENT) {
      const want = spend.byAgent.get(agent.ccusage) ?? 0;
      assert.ok(near(bySource[agent.id] ?? Number.NaN, want), `${agent.id}: dashboard $${bySource[agent.id]} vs ccusage ${agent.ccusage} $${want}`);
    }
    await frame.locator('.sources').scrollIntoViewIfNeeded();
    await screenshot(page, 'local-logs-dashboard-sources');
  }));

  void test('a response appended to a transcript reaches the meter (folder watcher, no manual refresh)', () => capturingFailure(page, 'local-logs-append-reaches-the-meter', async () => {
    const before = (await expectedSpend()).total;
    const transcript = corpus.files.find((f) => f.kind === 'claude');
    assert.ok(transcript);
    const usage = { input: 10, output: 200_000, cacheRead: 20_000 };
    appendFileSync(transcript.path, `${claudeAssistantLine({ timestamp: new Date().toISOString(), messageId: 'msg_e2e_appended', requestId: 'req_e2e_appended', model: CLAUDE_MODELS.opus, usage })}\n`);
    const after = (await expectedSpend()).total;
    assert.ok(after - before > 4, `the appended response costs something (${after - before})`);
    const item = statusBarItem(page, { id: ITEM_ID });
    let tipSpent = 0;
    await poll('the appended response in the tooltip', 90_000, async () => {
      await page.mouse.move(0, 0);
      tipSpent = spentInTooltip(await hoverTooltip(page, item));
      return near(tipSpent, after) && tipSpent > before + 4 ? true : undefined;
    }, 500).catch(() => undefined);
    assert.ok(near(tipSpent, after) && tipSpent > before + 4, `tooltip ${tipSpent} vs ${after} (before: ${before})`);
  }));
});
