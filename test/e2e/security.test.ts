// A repository cannot redirect a key. The workspace opened here is hostile: its
// .vscode/settings.json points every network source at a second local "attacker" server and turns
// the providers on, while the user's own settings point the gateway at the simulator and the
// environment holds a key for every source. The attacker must receive no request at all, the
// meter must show the simulator's numbers, and the extension's log must hold no key.
//
//   npm run package && node --import tsx --test test/e2e/security.test.ts

import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningEditor } from '../../scripts/lib/editor.mjs';
import { publicKeyPrefix } from '../../src/sources/http';
import type { Simulator } from '../../tools/simulator/server';
import { expectedSpend } from './expected';
import { capturingFailure, closeSuite, hoverTooltip, runCommand, screenshot, startGatewaySuite, statusBarItem, waitForStatusText, type Workbench } from './workbench';

const VSIX = process.env.TB_VSIX ?? path.resolve(__dirname, '..', '..', 'token-budget.vsix');
const ITEM_ID = 'token-budget.token-budget.tokenBudget.meter';
const KEYS = {
  TOKEN_BUDGET_GATEWAY_KEY: 'e2e-sec-gateway-Qm4Rt8Wz2Lp6',
  LITELLM_API_KEY: 'sk-e2e-sec-litellm-Hx3Vb7Nk1Js5',
  OPENROUTER_API_KEY: 'sk-or-v1-e2e-sec-Pd9Fg2Yc6Tu4',
  OPENAI_ADMIN_KEY: 'sk-admin-e2e-sec-Ke5Mw1Ra8Zq3',
  ANTHROPIC_ADMIN_KEY: 'sk-ant-admin01-e2e-sec-Bn7Xs4Lh0Vd2',
};

interface Hit {
  readonly method: string;
  readonly url: string;
  readonly auth: string;
}

let sim: Simulator;
let attacker: Server;
let attackerUrl = '';
const hits: Hit[] = [];
let workspace = '';
let editor: RunningEditor;
let wb: Workbench;
let page: Page;

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

const expectedPercent = (): number => expectedSpend(sim).percent;

/** Every file under `dir` whose name matches. */
async function findFiles(dir: string, name: RegExp): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await findFiles(full, name)));
    else if (name.test(entry.name)) out.push(full);
  }
  return out;
}

before(async () => {
  attacker = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', auth: `${req.headers.authorization ?? ''}${String(req.headers['x-api-key'] ?? '')}` });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;

  workspace = await mkdtemp(path.join(tmpdir(), 'tb-hostile-repo-'));
  await mkdir(path.join(workspace, '.vscode'));
  await writeFile(path.join(workspace, '.vscode', 'settings.json'), hostileSettings());
  await writeFile(path.join(workspace, 'README.md'), '# A repository that would like your keys\n');

  ({ sim, editor, wb, page } = await startGatewaySuite(KEYS.TOKEN_BUDGET_GATEWAY_KEY, (s) => ({
    vsixPath: VSIX,
    workspaceDir: workspace,
    userSettings: { 'tokenBudget.sources.gateway.url': s.url },
    env: KEYS,
  })));
});

after(async () => {
  await closeSuite({ wb, editor, sim });
  await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
});

void describe('a workspace that tries to redirect keys', { timeout: 300_000 }, () => {
  void test('the meter shows the simulator’s numbers and the other host receives nothing', () =>
    capturingFailure(page, 'security-hostile-workspace', async () => {
      const text = await waitForStatusText(page, /\d+% · \$/, 90_000);
      assert.equal(Number(/(\d+)%/.exec(text)?.[1]), Math.round(expectedPercent()), `meter ${JSON.stringify(text)}`);
      assert.ok(sim.requests.some((r) => r.path === '/v1/allowance'), 'the simulator (user settings) was asked');
      const tip = await hoverTooltip(page, statusBarItem(page, { id: ITEM_ID }));
      assert.match(tip, /Allowance gateway/);
      for (const name of ['LiteLLM', 'OpenRouter', 'OpenAI', 'Anthropic']) assert.ok(!tip.includes(name), `${name} stays off: the workspace cannot turn it on`);
      await screenshot(page, 'security-hostile-workspace');

      const before = sim.requests.length;
      await runCommand(page, 'Token Budget: Refresh Now');
      for (let i = 0; i < 60 && sim.requests.length === before; i++) await new Promise((r) => setTimeout(r, 250));
      assert.ok(sim.requests.length > before, 'the refresh went to the simulator');
      assert.deepEqual(hits, [], 'the attacker received no request');
    }));

  void test('a workspace setting changed while running is applied where allowed, and still redirects nothing', () =>
    capturingFailure(page, 'security-hostile-change', async () => {
      const before = sim.requests.length;
      // A display setting (window scope) is the workspace's to change; the URLs are not.
      await writeFile(path.join(workspace, '.vscode', 'settings.json'), hostileSettings({ 'tokenBudget.statusBar.display': 'spent', 'tokenBudget.sources.gateway.url': `${attackerUrl}/v2` }));
      await waitForStatusText(page, /^\S*\s*\$[\d.,]+[kM]? · \d+%/, 60_000);
      for (let i = 0; i < 40 && sim.requests.length === before; i++) await new Promise((r) => setTimeout(r, 250));
      assert.ok(sim.requests.length > before, 'the change triggered a refresh, and it went to the simulator');
      await new Promise((r) => setTimeout(r, 2000));
      assert.deepEqual(hits, [], 'the attacker received no request');
    }));

  void test('the extension’s log holds no key', () =>
    capturingFailure(page, 'security-log', async () => {
      await runCommand(page, 'Token Budget: Show Log');
      const logs = await findFiles(editor.userDataDir, /Token Budget\.log$/);
      assert.ok(logs.length > 0, `the log file under ${editor.userDataDir}`);
      const text = (await Promise.all(logs.map((f) => readFile(f, 'utf8')))).join('\n');
      assert.match(text, /Refresh/);
      for (const key of Object.values(KEYS)) {
        // Every 9-character run of the key that says which key it is (the public kind prefix, e.g. `sk-admin-`, may appear).
        const prefix = publicKeyPrefix(key).length;
        for (let i = 0; i + 9 <= key.length; i++) if (i + 9 > prefix) assert.ok(!text.includes(key.slice(i, i + 9)), `no part of a key in the log ("${key.slice(i, i + 9)}")`);
      }
    }));
});
