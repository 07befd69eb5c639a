// The extension-host suite: runs inside VS Code's extension host next to the extension
// (@vscode/test-electron, or code-server through test/e2e/extension-host.test.ts), drives it
// through its commands and settings, and reads its state through the test API that activate()
// returns. Gateways are allowance-gateway simulators started in this process.
//
// Needs TOKEN_BUDGET_GATEWAY_KEY set (by the launcher) to a key the simulators reject: the
// environment-variable fallback is part of what is tested.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { generateHistory, type SimData } from '../../../tools/simulator/history';
import { plusDays, toDayKey } from '../../../tools/simulator/days';
import { startSimulator, type Simulator } from '../../../tools/simulator/server';
import { EXTENSION_ID, tokenBudget, type StatusBarState, type TokenBudgetApi } from './api';
import type { Hooks, TestCase } from './runner';

const SECTION = 'tokenBudget';
const RIGHT_KEY = 'ext-host-right-key-4b1d';
const ENV_KEY_VAR = 'TOKEN_BUDGET_GATEWAY_KEY';

/** Every command the contract (docs/product.md) names; package.json may contribute more. */
const CONTRACT_COMMANDS = [
  'tokenBudget.openDashboard',
  'tokenBudget.refresh',
  'tokenBudget.setApiKey',
  'tokenBudget.clearApiKey',
  'tokenBudget.setAnnualBudget',
  'tokenBudget.snoozeAlerts',
  'tokenBudget.showLog',
  'tokenBudget.configure',
];

const WARNING_BG = 'statusBarItem.warningBackground';
const ERROR_BG = 'statusBarItem.errorBackground';

// ---------------------------------------------------------------------------------------------
// helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `fn` returns a value other than undefined; the error names what was last seen. */
async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000, seen: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const detail = seen();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `; last seen: ${detail}` : ''}`);
    }
    await sleep(100);
  }
}

/** Writes a user (global) setting and waits until this extension host sees it. */
async function setSetting(key: string, value: unknown): Promise<void> {
  const section = () => vscode.workspace.getConfiguration(SECTION);
  await section().update(key, value, vscode.ConfigurationTarget.Global);
  const want = value === undefined ? section().inspect(key)?.defaultValue : value;
  await until(`setting ${SECTION}.${key} = ${JSON.stringify(want)}`, () =>
    JSON.stringify(section().get(key)) === JSON.stringify(want) ? true : undefined,
  );
}

/** The local calendar date: the day the extension counts as today. */
function localToday(): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** Spend and percent the meter must show for a simulator's data, computed from the data itself. */
function expected(data: SimData): { spent: number; percent: number } {
  const budget = data.budget;
  assert.ok(budget, 'the simulator reports a budget');
  const today = localToday();
  const spent = data.days.filter((d) => d.date >= budget.period_start && d.date < budget.period_end && d.date <= today).reduce((s, d) => s + d.cost, 0);
  return { spent, percent: (spent / budget.amount) * 100 };
}

/** Reads "$177k" / "$1.25M" / "$950" back into dollars. */
function parseCompact(text: string): number {
  const m = /\$([\d.,]+)([kM]?)/.exec(text);
  assert.ok(m?.[1], `a dollar amount in ${JSON.stringify(text)}`);
  return Number(m[1].replace(/,/g, '')) * (m[2] === 'k' ? 1e3 : m[2] === 'M' ? 1e6 : 1);
}

/** The percent and the spend a meter text shows, whatever the display setting ("… left" is not the spend). */
function shownNumbers(text: string): { percent: number; spent: number } | undefined {
  const pct = /(?:^|\s)(\d+)%/.exec(text);
  const spent = [...text.matchAll(/(\$[\d.,]+[kM]?)(?![\d.,kM]| left)/g)].map((m) => m[1]).find((t) => t !== undefined);
  return pct?.[1] && spent ? { percent: Number(pct[1]), spent: parseCompact(spent) } : undefined;
}

function assertShowsNumbersOf(state: StatusBarState, data: SimData): void {
  const exp = expected(data);
  const shown = shownNumbers(state.text);
  assert.ok(shown, `percent and spend in ${JSON.stringify(state.text)}`);
  assert.equal(shown.percent, Math.round(exp.percent), `percent in ${JSON.stringify(state.text)} vs ${exp.percent.toFixed(2)}%`);
  assert.ok(Math.abs(shown.spent - exp.spent) <= Math.max(0.006 * exp.spent, 0.01), `spend ${shown.spent} in ${JSON.stringify(state.text)} vs ${exp.spent.toFixed(2)}`);
}

const show = (state: StatusBarState) => JSON.stringify({ text: state.text, command: state.command, background: state.background });

// ---------------------------------------------------------------------------------------------
// fixtures

let api: TokenBudgetApi;
/** The main gateway: 100 days into its budget period, a quarter or so spent. */
let sim: Simulator;
const extraSims: Simulator[] = [];

/** Data for a gateway 100 days into its period, scaled so that about `percent` % is spent. */
function dataAt(now: Date, percent?: number): SimData {
  const periodStart = plusDays(toDayKey(now), -100);
  const base = generateHistory({ now, periodStart, budgetAmount: 100_000 });
  if (percent === undefined) return base;
  const p1 = expected(base).percent;
  assert.ok(p1 > 1, `the base history has spend (${p1}%)`);
  return generateHistory({ now, periodStart, budgetAmount: 100_000, scale: percent / p1 });
}

async function useGateway(url: string): Promise<void> {
  await setSetting('sources.gateway.url', url);
}

async function storeKey(key: string): Promise<void> {
  await vscode.commands.executeCommand('tokenBudget.setApiKey', 'gateway', key);
}

async function clearKey(): Promise<void> {
  await vscode.commands.executeCommand('tokenBudget.clearApiKey', 'gateway');
}

/** Refreshes through the API until the meter satisfies `ok` (a secret or setting change may still be on its way). */
async function refreshUntil(what: string, ok: (state: StatusBarState) => boolean, timeoutMs = 20_000): Promise<StatusBarState> {
  return until(
    what,
    async () => {
      await api.refresh();
      const state = api.statusBar();
      return ok(state) ? state : undefined;
    },
    timeoutMs,
    () => show(api.statusBar()),
  );
}

export const hooks: Hooks = {
  async before() {
    const envKey = process.env[ENV_KEY_VAR];
    assert.ok(envKey, `${ENV_KEY_VAR} is set by the launcher (to a key the simulator rejects)`);
    assert.notEqual(envKey, RIGHT_KEY);
    sim = await startSimulator({ port: 0, key: RIGHT_KEY, data: dataAt(new Date()) });
    api = await tokenBudget();
    // a clean slate: no stored key, no gateway, default display
    await clearKey();
    await useGateway('');
    await setSetting('statusBar.display', undefined);
  },
  async after() {
    await clearKey().catch(() => undefined);
    for (const key of ['sources.gateway.url', 'statusBar.display']) await setSetting(key, undefined).catch(() => undefined);
    for (const s of [sim, ...extraSims]) await s?.close();
  },
};

// ---------------------------------------------------------------------------------------------
// tests

export const tests: TestCase[] = [
  {
    name: 'every command of the contract and of package.json is registered',
    async fn() {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, 'the extension is loaded');
      const manifest = extension.packageJSON as { contributes?: { commands?: { command: string }[] } };
      const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
      for (const c of CONTRACT_COMMANDS) assert.ok(contributed.includes(c), `package.json contributes ${c}`);
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = [...new Set([...CONTRACT_COMMANDS, ...contributed])].filter((c) => !registered.has(c));
      assert.deepEqual(missing, [], 'contributed commands without a handler');
    },
  },

  {
    name: 'with no source configured the meter says "set up" and offers tokenBudget.configure',
    async fn() {
      const state = await refreshUntil('the "set up" state', (s) => /set up/.test(s.text));
      assert.match(state.text, /^\$\(gear\) Token Budget: set up$/);
      assert.equal(state.command, 'tokenBudget.configure');
      assert.equal(state.background, undefined);
      assert.match(state.tooltip, /no source is configured/);
      assert.equal(api.snapshot().configured, false);
    },
  },

  {
    name: 'the key from TOKEN_BUDGET_GATEWAY_KEY is used: a rejected one shows an error and no numbers',
    async fn() {
      const before = sim.requests.length;
      await useGateway(sim.url);
      const state = await refreshUntil('the error state', (s) => /error/.test(s.text));
      assert.equal(state.text, '$(error) Token Budget: error');
      assert.doesNotMatch(state.text, /%|\$\d/, 'no bogus numbers');
      assert.equal(state.background, ERROR_BG);
      assert.equal(state.command, 'tokenBudget.showLog');
      // 401 (not "no key") proves the environment's key was sent
      assert.match(state.tooltip, /key was rejected \(HTTP 401/);
      assert.match(state.accessibilityLabel ?? '', /HTTP 401/);
      assert.doesNotMatch(state.tooltip, new RegExp(String(process.env[ENV_KEY_VAR])), 'the key itself is never shown');
      assert.ok(sim.requests.length > before, 'the simulator was asked');
      const gateway = api.snapshot().sources.find((s) => s.id === 'gateway');
      assert.equal(gateway?.state, 'error');
    },
  },

  {
    name: 'SecretStorage round trip: a stored key wins over the environment and triggers a refresh by itself',
    async fn() {
      await storeKey(RIGHT_KEY);
      // no api.refresh(): the secret's change event must refresh on its own
      const state = await until('the meter to show numbers after the key was stored', () => {
        const s = api.statusBar();
        return /\d+% · \$/.test(s.text) ? s : undefined;
      }, 20_000, () => show(api.statusBar()));
      assert.match(state.text, /^\$\(pulse\) \d+% · \$[\d.,]+[kM]? \(demo\)$/);
      assertShowsNumbersOf(state, sim.data);
      assert.equal(state.command, 'tokenBudget.openDashboard');
      const snapshot = api.snapshot();
      assert.equal(snapshot.sources.find((s) => s.id === 'gateway')?.state, 'ok');
      assert.equal(snapshot.stale, false);
      assert.equal(snapshot.demo, true);
      assert.equal(snapshot.status.budget, 100_000);
    },
  },

  {
    name: 'SecretStorage round trip: clearing the stored key falls back to the environment (stale numbers), storing it again recovers',
    async fn() {
      const numbers = api.statusBar().text.replace(/^\$\(warning\) /, '');
      await clearKey();
      const stale = await refreshUntil('the stale marker', (s) => s.text.startsWith('$(warning) '));
      assert.equal(stale.text, `$(warning) ${numbers}`, 'the last numbers stay, marked stale');
      assert.match(stale.tooltip, /Stale/);
      assert.match(stale.tooltip, /HTTP 401/);
      const gateway = api.snapshot().sources.find((s) => s.id === 'gateway');
      assert.equal(gateway?.state, 'stale');
      assert.match(gateway?.error ?? '', /401/);

      await storeKey(RIGHT_KEY);
      const fresh = await refreshUntil('the stale marker to go', (s) => !s.text.startsWith('$(warning)'));
      assert.equal(fresh.text, numbers);
      assert.equal(api.snapshot().stale, false);
    },
  },

  {
    name: 'a configuration change is picked up: statusBar.display "spent" leads with the spend, "percent" with the percent',
    async fn() {
      const percentFirst = /^\$\(pulse\) \d+% · \$[\d.,]+[kM]?/;
      const spentFirst = /^\$\(pulse\) \$[\d.,]+[kM]? · \d+%/;
      assert.match(api.statusBar().text, percentFirst);
      try {
        await setSetting('statusBar.display', 'spent');
        // no api.refresh(): the configuration listener re-renders by itself
        const spent = await until('the spend first', () => (spentFirst.test(api.statusBar().text) ? api.statusBar() : undefined), 10_000, () => show(api.statusBar()));
        assertShowsNumbersOf(spent, sim.data);
        await setSetting('statusBar.display', 'remaining');
        await until('what is left first', () => (/^\$\(pulse\) \$[\d.,]+[kM]? left · \d+% · \$/.test(api.statusBar().text) ? true : undefined), 10_000, () => show(api.statusBar()));
      } finally {
        await setSetting('statusBar.display', 'percent');
      }
      const back = await until('the percent first again', () => (percentFirst.test(api.statusBar().text) ? api.statusBar() : undefined), 10_000, () => show(api.statusBar()));
      assertShowsNumbersOf(back, sim.data);
    },
  },

  {
    name: 'tokenBudget.refresh fetches from the gateway',
    async fn() {
      const before = sim.requests.length;
      await vscode.commands.executeCommand('tokenBudget.refresh');
      await until('a request to the simulator', () => (sim.requests.length > before ? true : undefined), 10_000);
      assert.ok(sim.requests.slice(before).some((r) => r.path === '/v1/allowance'), `requests: ${JSON.stringify(sim.requests.slice(before).map((r) => r.path))}`);
    },
  },

  {
    name: 'the background follows the data: none at a few percent, warning at 95 %, error beyond the budget',
    timeoutMs: 90_000,
    async fn() {
      const now = new Date();
      const cases: { percent: number; background: string | undefined; level: string }[] = [
        { percent: 2, background: undefined, level: 'normal' },
        { percent: 95, background: WARNING_BG, level: 'warning' },
        { percent: 150, background: ERROR_BG, level: 'error' },
      ];
      for (const c of cases) {
        // a new gateway URL is a new source identity: its rows replace the old ones
        const data = dataAt(now, c.percent);
        const p = expected(data).percent;
        assert.ok(Math.abs(p - c.percent) < 1, `the scaled history has ${p.toFixed(2)}% spent`);
        const s = await startSimulator({ port: 0, key: RIGHT_KEY, data });
        extraSims.push(s);
        await useGateway(s.url);
        const state = await refreshUntil(`the meter at ${c.percent}%`, (st) => shownNumbers(st.text)?.percent === Math.round(p));
        assertShowsNumbersOf(state, data);
        assert.equal(state.background, c.background, `background at ${p.toFixed(1)}%: ${show(state)}`);
        assert.equal(api.snapshot().level, c.level);
        assert.equal(state.command, 'tokenBudget.openDashboard');
      }
      await useGateway(sim.url);
    },
  },
];
