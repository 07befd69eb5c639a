// Proves the real-editor harness end to end with a throwaway extension:
// code-server + Debian Chromium + Playwright, status bar, hover, palette, QuickPick/InputBox,
// notifications, webview frames, theme switch, screenshot.
//
//   node --import tsx --test test/e2e/harness.smoke.test.ts

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { launchEditor } from '../../scripts/lib/editor.mjs';
import type { RunningEditor } from '../../scripts/lib/editor.mjs';
import {
  answerInputBox,
  answerQuickPick,
  findInWebviews,
  hoverTooltip,
  openWorkbench,
  runCommand,
  screenshot,
  setTheme,
  statusBarItem,
  statusBarItemNames,
  waitForNotification,
  waitForStatusText,
} from './workbench';
import type { Workbench } from './workbench';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const VSCE = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
const EXTENSION_ID = 'tbharness.smoke-ext';

const SMOKE_MANIFEST = {
  name: 'smoke-ext',
  displayName: 'Smoke Ext',
  description: 'Throwaway extension for the Token Budget harness smoke test',
  publisher: 'tbharness',
  version: '0.0.1',
  engines: { vscode: '^1.85.0' },
  activationEvents: ['onStartupFinished'],
  main: './extension.js',
  capabilities: { untrustedWorkspaces: { supported: true } },
  contributes: {
    commands: [
      { command: 'smokeExt.hello', title: 'Say Hello', category: 'Smoke' },
      { command: 'smokeExt.ask', title: 'Ask Questions', category: 'Smoke' },
      { command: 'smokeExt.panel', title: 'Open Panel', category: 'Smoke' },
    ],
  },
};

const SMOKE_MAIN = `
const vscode = require('vscode');
exports.activate = (ctx) => {
  const item = vscode.window.createStatusBarItem('smoke.item', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Smoke Item';
  item.text = '$(pulse) smoke 42%';
  item.tooltip = new vscode.MarkdownString('**Smoke tooltip**: 42 of 100 used');
  item.command = 'smokeExt.hello';
  item.show();
  ctx.subscriptions.push(
    item,
    vscode.commands.registerCommand('smokeExt.hello', () =>
      vscode.window.showInformationMessage('Hello from smoke (env ' + (process.env.SMOKE_ENV || 'missing') + ')')),
    vscode.commands.registerCommand('smokeExt.ask', async () => {
      const pick = await vscode.window.showQuickPick(['alpha', 'beta', 'gamma'], { placeHolder: 'Pick one' });
      const typed = await vscode.window.showInputBox({
        prompt: 'Type a number',
        validateInput: (v) => (/^\\d+$/.test(v) ? undefined : 'digits only'),
      });
      vscode.window.showInformationMessage('Answers: ' + pick + ' / ' + typed);
    }),
    vscode.commands.registerCommand('smokeExt.panel', () => {
      const panel = vscode.window.createWebviewPanel('smokePanel', 'Smoke Panel', vscode.ViewColumn.One, { enableScripts: true });
      panel.webview.html = '<!doctype html><html><body><h1 id="smoke-title">Smoke webview 42</h1>' +
        '<button id="smoke-btn">Ping</button>' +
        '<script>const vscode = acquireVsCodeApi();' +
        'document.getElementById("smoke-btn").addEventListener("click", () => vscode.postMessage("ping"));</script></body></html>';
      panel.webview.onDidReceiveMessage((m) => vscode.window.showInformationMessage('Webview says ' + m));
    }),
  );
};
exports.deactivate = () => {};
`;

async function buildSmokeVsix(dir: string): Promise<string> {
  await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify(SMOKE_MANIFEST, null, 2));
  await fs.writeFile(path.join(dir, 'extension.js'), SMOKE_MAIN);
  await fs.writeFile(path.join(dir, 'README.md'), '# Smoke Ext\n\nThrowaway extension for a harness test.\n');
  const out = path.join(dir, 'smoke-ext.vsix');
  await promisify(execFile)(
    VSCE,
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out],
    { cwd: dir, env: { ...process.env, CI: 'true' }, timeout: 120_000 },
  );
  await fs.access(out);
  return out;
}

void describe('real-editor harness (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let tmp = '';
  let editor: RunningEditor | undefined;
  let wb: Workbench | undefined;
  let page: Page;

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tb-smoke-'));
    const extDir = path.join(tmp, 'ext');
    await fs.mkdir(extDir);
    const vsix = await buildSmokeVsix(extDir);
    const workspaceDir = path.join(tmp, 'workspace');
    await fs.mkdir(workspaceDir);
    await fs.writeFile(path.join(workspaceDir, 'notes.txt'), 'hello\n');
    editor = await launchEditor({
      vsixPath: vsix,
      workspaceDir,
      env: { SMOKE_ENV: 'passed-through' },
      userSettings: { 'workbench.colorTheme': 'Dark Modern' },
    });
    wb = await openWorkbench(editor.url);
    page = wb.page;
  });

  after(async () => {
    if (wb) await screenshot(wb.page, 'harness-smoke-final').catch(() => undefined);
    await wb?.close();
    await editor?.stop();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  void test('status bar item is rendered with its id and text', async () => {
    const text = await waitForStatusText(page, /smoke 42%/, 60_000);
    assert.match(text, /smoke 42%/);
    const byId = statusBarItem(page, { id: `${EXTENSION_ID}.smoke.item` });
    assert.equal(await byId.count(), 1);
    assert.match(await byId.innerText(), /smoke 42%/);
    const byExt = statusBarItem(page, { extensionId: EXTENSION_ID, textMatch: /42%/ });
    assert.equal(await byExt.count(), 1);
    assert.match((await byId.getAttribute('aria-label')) ?? '', /smoke 42%/);
  });

  void test('the item name shows in the status bar context menu', async () => {
    const names = await statusBarItemNames(page);
    assert.ok(names.includes('Smoke Item'), `context menu names: ${JSON.stringify(names)}`);
  });

  void test('hover shows the tooltip', async () => {
    const tip = await hoverTooltip(page, statusBarItem(page, { id: `${EXTENSION_ID}.smoke.item` }));
    assert.match(tip, /Smoke tooltip: 42 of 100 used/);
  });

  void test('palette command runs in the extension host with the launch env', async () => {
    await runCommand(page, 'Smoke: Say Hello');
    const msg = await waitForNotification(page, /Hello from smoke/);
    assert.match(msg, /env passed-through/);
  });

  void test('QuickPick and InputBox flows', async () => {
    await runCommand(page, '>Smoke: Ask Questions');
    await answerQuickPick(page, 'beta');
    await assert.rejects(answerInputBox(page, 'abc'), /digits only/);
    await answerInputBox(page, '42');
    await waitForNotification(page, /Answers: beta \/ 42/);
  });

  void test('webview content is reachable in nested frames', async () => {
    await runCommand(page, 'Smoke: Open Panel');
    const frame = await findInWebviews(page, '#smoke-btn');
    assert.equal((await frame.locator('#smoke-title').innerText()).trim(), 'Smoke webview 42');
    await frame.locator('#smoke-btn').click();
    await waitForNotification(page, /Webview says ping/);
  });

  void test('theme switch and screenshot', async () => {
    // userSettings reached User/settings.json
    assert.ok(await page.locator('.monaco-workbench.vs-dark').isVisible());
    await screenshot(page, 'harness-smoke-dark');
    await setTheme(page, 'Default Light Modern');
    assert.ok(await page.locator('.monaco-workbench.vs').isVisible());
    const file = await screenshot(page, 'harness-smoke-light');
    assert.ok((await fs.stat(file)).size > 10_000);
  });
});
