import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { bundleScript } from '../bundle';

const ROOT = join(__dirname, '..', '..', '..');

/** The simulator as documented: `node --import tsx tools/simulator/main.ts` (tsx takes a second or more of CPU to start). */
function run(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'tools/simulator/main.ts', ...args], { cwd: ROOT, stdio: 'pipe' });
}

/** The same main.ts bundled once with esbuild (as the extension is built), which starts in a fraction of that: for the tests of its options. */
let bundled: string;
function runBundled(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [bundled, ...args], { cwd: ROOT, stdio: 'pipe' });
}

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing`)));
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null) return Promise.resolve({ code: child.exitCode, signal: null });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

void describe('tools/simulator/main.ts', { timeout: 30_000 }, () => {
  before(async () => {
    bundled = await bundleScript(join(ROOT, 'tools/simulator/main.ts'));
  });
  after(() => rm(dirname(bundled), { recursive: true, force: true }));

  void test('prints one JSON line, serves, and exits cleanly on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const child = run(['--port', '0', '--key', 'cli-key', '--seed', '5', '--budget', '100000', '--scale', '0.5', '--now', '2026-11-27T12:00:00Z']);
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const info = JSON.parse(await firstLine(child)) as { url: string; key: string; port: number };
      assert.deepEqual(Object.keys(info), ['url', 'key', 'port']);
      assert.equal(info.key, 'cli-key');
      assert.equal(info.url, `http://127.0.0.1:${info.port}`);

      const res = await fetch(`${info.url}/v1/allowance`, { headers: { authorization: 'Bearer cli-key' } });
      const body = (await res.json()) as { budget: { amount: number }; spent: number; as_of: string };
      assert.equal(res.status, 200);
      assert.equal(body.budget.amount, 100_000);
      assert.equal(body.as_of, '2026-11-27T12:00:00Z');
      assert.ok(body.spent > 30_000 && body.spent < 40_000, String(body.spent)); // ≈ 71 % of 100k, halved

      child.kill(signal);
      assert.deepEqual(await exited(child), { code: 0, signal: null });
      assert.equal(stdout.trim().split('\n').length, 1, 'exactly one line on stdout');
    }
  });

  void test('--budget none serves "budget": null', async () => {
    const child = runBundled(['--budget', 'none', '--now', '2026-11-27T12:00:00Z']);
    try {
      const info = JSON.parse(await firstLine(child)) as { url: string; key: string };
      assert.equal(info.key, 'tb-demo-key');
      const res = await fetch(`${info.url}/v1/allowance`, { headers: { authorization: `Bearer ${info.key}` } });
      assert.equal(((await res.json()) as { budget: unknown }).budget, null);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  });

  void test('--misreport-spent and --history-from', async () => {
    const child = runBundled(['--now', '2026-11-27T12:00:00Z', '--misreport-spent', '1000', '--history-from', '2026-01-01']);
    try {
      const info = JSON.parse(await firstLine(child)) as { url: string; key: string };
      const auth = { headers: { authorization: `Bearer ${info.key}` } };
      const allowance = (await (await fetch(`${info.url}/v1/allowance`, auth)).json()) as { spent: number };
      const data = (await (await fetch(`${info.url}/__control/data`)).json()) as { days: { date: string; cost: number }[] };
      assert.equal(data.days[0]?.date, '2026-01-01');
      const inPeriod = data.days.filter((d) => d.date >= '2026-04-01').reduce((a, d) => a + d.cost, 0);
      assert.equal(allowance.spent, Math.round((inPeriod + 1000) * 100) / 100);
      const usage = (await (await fetch(`${info.url}/v1/usage?from=2026-01-01&to=2026-03-31`, auth)).json()) as { days: unknown[] };
      assert.ok(usage.days.length > 50);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  });

  void test('--help documents every option', async () => {
    const child = runBundled(['--help']);
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    assert.deepEqual(await exited(child), { code: 0, signal: null });
    for (const option of ['--port', '--key', '--seed', '--budget', '--scale', '--now', '--page-size', '--history-from', '--misreport-spent']) assert.match(stdout, new RegExp(`\\n  ${option} `), option);
  });

  void test('bad arguments exit with status 2 and a usage line on stderr', async () => {
    const cases = [['--budget', 'lots'], ['--port', '-1'], ['--nope'], ['--now', 'yesterday'], ['--misreport-spent', 'lots'], ['--history-from', '2026-13-01'], ['--history-from', '2026-05-01', '--now', '2026-11-27T12:00:00Z']];
    // Side by side: each process is on its own.
    const results = await Promise.all(
      cases.map(async (args) => {
        const child = runBundled(args);
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        const { code } = await exited(child);
        return { args, code, stderr };
      }),
    );
    for (const { args, code, stderr } of results) {
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, /usage: /);
    }
  });
});
