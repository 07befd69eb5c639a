// The extension-host suite (test/electron/suite, written for @vscode/test-electron) run inside
// the code-server workbench, so that machines which cannot download a VS Code desktop build
// (CI here) run it too. Each of the suite's tests is reported here as a node:test test.
//
// How: VS Code's web workbench takes `extensionDevelopmentPath` / `extensionTestsPath` from its
// `payload` URL parameter, but only in a development build or when the server enables the smoke
// test driver; code-server passes `--vscode-option enable-smoke-test-driver` through to VS Code.
// Both paths are `vscode-remote://<host:port>/<absolute path>` URIs (the extension host runs on
// the server). The suite writes its results to $TB_EXT_TEST_RESULTS (JSON lines; the extension
// host inherits code-server's environment), and the workbench calls `window.codeAutomationExit`
// with the runner's exit code when the suite is done. See docs/testing.md.
//
//   node --import tsx --test test/e2e/extension-host.test.ts

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunningEditor } from '../../scripts/lib/editor.mjs';
import { buildExtension, buildSuite, ROOT } from '../electron/build.mjs';
import type { ResultEvent } from '../electron/suite/runner';
import { journeyBrowser, launchJourneyEditor, WINDOW_CONTEXT } from './workbench';

/** A key the suite's simulators reject: the suite checks that the environment's key is used. */
const ENV_GATEWAY_KEY = 'ext-host-env-key-rejected';
const SUITE_TIMEOUT_MS = 240_000;
/** After the suite's last line, how long to wait for the workbench's exit call. */
const EXIT_GRACE_MS = 15_000;

type TestEvent = Extract<ResultEvent, { event: 'test' }>;
type EndEvent = Extract<ResultEvent, { event: 'end' }>;

interface SuiteRun {
  tests: TestEvent[];
  end?: EndEvent;
  /** The code the workbench passed to codeAutomationExit (the runner's result), if it called it. */
  exitCode?: number;
  /** What to show when something went wrong around the suite. */
  error?: string;
  /** Where the time went. */
  timing?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function readEvents(file: string): Promise<ResultEvent[]> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ResultEvent);
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** Builds the extension and the suite, runs the suite in code-server, returns what it reported. */
async function runSuiteInCodeServer(): Promise<SuiteRun> {
  const t0 = Date.now();
  await buildExtension({ quiet: true });
  const suiteBundle = await buildSuite();
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tb-ext-host-'));
  const resultsFile = path.join(tmp, 'results.jsonl');
  let editor: RunningEditor | undefined;
  const browser = await journeyBrowser();
  const pageErrors: string[] = [];
  try {
    editor = await launchJourneyEditor({
      env: { TB_EXT_TEST_RESULTS: resultsFile, TOKEN_BUDGET_GATEWAY_KEY: ENV_GATEWAY_KEY },
      // lets the workbench honour extensionDevelopmentPath / extensionTestsPath from the URL
      extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
    });
    // the workbench's remote authority is the host it was loaded from
    const authority = new URL(editor.url).host;
    const remote = (p: string) => `vscode-remote://${authority}${p.split(path.sep).join('/')}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(suiteBundle)],
    ];
    const url = `${editor.url}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

    const launched = Date.now();
    const page = await browser.newPage(WINDOW_CONTEXT);
    let exitCode: number | undefined;
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      exitCode = code;
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

    const deadline = Date.now() + SUITE_TIMEOUT_MS;
    let events: ResultEvent[] = [];
    let endSeenAt: number | undefined;
    for (;;) {
      events = await readEvents(resultsFile);
      const ended = events.some((e) => e.event === 'end');
      if (ended) endSeenAt ??= Date.now();
      if (exitCode !== undefined && ended) break;
      if (endSeenAt !== undefined && Date.now() - endSeenAt > EXIT_GRACE_MS) break;
      if (exitCode !== undefined && !ended) {
        // the workbench says the runner is done but the suite never finished: give the file a moment
        await sleep(1000);
        events = await readEvents(resultsFile);
        break;
      }
      if (Date.now() > deadline) break;
      await sleep(250);
    }
    const tests = events.filter((e): e is TestEvent => e.event === 'test');
    const end = events.find((e): e is EndEvent => e.event === 'end');
    const run: SuiteRun = { tests, ...(end ? { end } : {}), ...(exitCode !== undefined ? { exitCode } : {}) };
    const started = events.find((e) => e.event === 'start');
    run.timing = [
      `code-server up in ${((launched - t0) / 1000).toFixed(1)} s`,
      started?.event === 'start' ? `suite started ${((Date.parse(started.at) - launched) / 1000).toFixed(1)} s after navigation` : 'suite never started',
      end ? `ran ${(end.ms / 1000).toFixed(1)} s` : 'never ended',
      exitCode !== undefined ? `codeAutomationExit(${exitCode}) ${((Date.now() - launched) / 1000).toFixed(1)} s after navigation` : 'no codeAutomationExit',
    ].join('; ');
    if (!end) {
      run.error = [
        events.length === 0
          ? `the suite did not start within ${SUITE_TIMEOUT_MS / 1000} s (no ${resultsFile})`
          : `the suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s`,
        exitCode !== undefined ? `codeAutomationExit(${exitCode}) was called` : 'codeAutomationExit was not called',
        pageErrors.length ? `page errors:\n${pageErrors.slice(-10).join('\n')}` : '',
        `--- code-server log ---\n${tail(editor.logs(), 40)}`,
      ]
        .filter(Boolean)
        .join('\n');
    }
    return run;
  } finally {
    await browser.close().catch(() => undefined);
    await editor?.stop({ now: true });
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

void describe('extension-host suite inside code-server', async () => {
  let run: SuiteRun;
  try {
    run = await runSuiteInCodeServer();
  } catch (error) {
    run = { tests: [], error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }

  void test('the suite ran to its end in the extension host', (ctx) => {
    if (run.timing) ctx.diagnostic(run.timing);
    assert.equal(run.error, undefined, run.error);
    assert.ok(run.end, 'an end event');
    assert.ok(run.end.passed + run.end.failed > 0, 'some tests ran');
    assert.equal(run.tests.length, run.end.passed + run.end.failed);
    if (run.exitCode !== undefined) assert.equal(run.exitCode, run.end.failed > 0 ? 1 : 0, 'the runner exit code matches');
  });

  for (const t of run.tests) {
    void test(t.name, (ctx) => {
      ctx.diagnostic(`${t.ms} ms in the extension host`);
      if (!t.ok) assert.fail(`failed in the extension host (${t.ms} ms):\n${t.error ?? ''}`);
    });
  }
});
