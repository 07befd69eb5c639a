// A durable ledger: a child process saves large states through the real LedgerStore in a loop
// and is SIGKILLed at random moments, 30 times. After every kill the file on disk parses and is
// exactly one of the states written (the last one completed, or the one being written), never a
// torn mix; leftover temporary files are cleaned up by the next writer.
//
// Also: a corrupt file is moved aside and the ledger rebuilt from the source; history survives a
// restart, including the rows of a previous budget year.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { after, before, describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { mulberry32 } from '../../../src/core/random';
import { ADAPTERS } from '../../../src/sources';
import { HttpClient } from '../../../src/sources/http';
import { BudgetService } from '../../../src/state/budgetService';
import { LedgerStore } from '../../../src/state/ledgerStore';
import { startSimulator, type Simulator } from '../../../tools/simulator/server';
import { numberOf, stateNumber } from './states';

const KILLS = 30;
const CHILD_SOURCE = resolve(__dirname, 'saveLoop.ts');

/** The save loop bundled once with esbuild (as the extension is): a child then starts in milliseconds. */
async function bundleChild(): Promise<string> {
  const outfile = join(await mkdtemp(join(tmpdir(), 'tb-saveloop-')), 'saveLoop.js');
  await build({ entryPoints: [CHILD_SOURCE], bundle: true, platform: 'node', format: 'cjs', target: 'node18', outfile, logLevel: 'silent' });
  return outfile;
}

interface Run {
  /** Highest state the child reported as saved (rename done) before it was killed. */
  readonly acked: number | undefined;
  /** The first state number this run wrote. */
  readonly first: number;
}

/**
 * Starts the save loop and SIGKILLs it: `after` ms after it is ready, or, with `onWrite`, the
 * moment the n-th temporary file appears (a write is under way: data going in, flush, or rename).
 */
function runAndKill(script: string, dir: string, first: number, kill: { readonly afterMs: number } | { readonly onWrite: number }): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, dir, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let acked: number | undefined;
    let buffer = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    let watcher: FSWatcher | undefined;
    const writes = new Set<string>();
    const killNow = () => child.kill('SIGKILL');
    if ('onWrite' in kill) {
      watcher = watch(dir, (_event, name) => {
        if (!name?.endsWith('.tmp') || !name.includes(`.${child.pid}.`) || writes.has(name)) return;
        writes.add(name);
        if (writes.size > kill.onWrite) killNow();
      });
    }
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'ready' && 'afterMs' in kill && !timer) timer = setTimeout(killNow, kill.afterMs);
        const saved = /^saved (\d+)$/.exec(line);
        if (saved) acked = Number(saved[1]);
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      watcher?.close();
      if (signal !== 'SIGKILL') reject(new Error(`the save loop ended by itself (code ${code}): ${stderr}`));
      else resolvePromise({ acked, first });
    });
  });
}

void describe('a ledger write killed at random moments', { timeout: 180_000 }, () => {
  void it(`is never torn: ${KILLS} SIGKILLs, each leaves exactly one of the states written`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-kill-'));
    const script = await bundleChild();
    const random = mulberry32(20261127);
    let lastAcked: number | undefined;
    let interrupted = 0;
    const seen = new Set<number>();
    const tmpSeen = new Set<string>();
    for (let k = 0; k < KILLS; k++) {
      const first = (k + 1) * 1_000_000;
      // Every other kill at a random moment; the others the instant a write has begun (after 0–3 whole saves).
      const kill = k % 2 === 0 ? { afterMs: Math.floor(random() * 400) } : { onWrite: Math.floor(random() * 4) };
      const run = await runAndKill(script, dir, first, kill);
      if (run.acked !== undefined) lastAcked = run.acked;
      const leftovers = (await readdir(dir)).filter((n) => n.endsWith('.tmp') && !tmpSeen.has(n));
      if (leftovers.length > 0) interrupted++;
      for (const n of leftovers) tmpSeen.add(n);

      const text = await readFile(join(dir, 'ledger.json'), 'utf8').catch(() => undefined);
      if (text === undefined) {
        assert.equal(lastAcked, undefined, 'no file only while no save has ever completed');
        continue;
      }
      assert.doesNotThrow(() => JSON.parse(text), `kill ${k}: the file parses`);
      // A reader that must not touch anything: the state as loaded, exactly one that was written.
      const loaded = await new LedgerStore(dir).load({ moveAside: false });
      assert.equal(loaded.kind, 'loaded', `kill ${k}: ${loaded.kind === 'unreadable' ? loaded.reason : loaded.kind}`);
      if (loaded.kind !== 'loaded') return;
      const n = numberOf(loaded.state);
      seen.add(n);
      const expected = stateNumber(n);
      assert.deepEqual(loaded.state.rows, expected.rows, `kill ${k}: rows of state ${n}, whole`);
      assert.deepEqual(loaded.state.sources, expected.sources);
      assert.deepEqual(loaded.state.gatewayBudget, expected.gatewayBudget);
      assert.deepEqual(loaded.state.years, expected.years);
      // Old or new, never older than a save that had completed.
      if (lastAcked !== undefined) assert.ok(n >= lastAcked, `kill ${k}: state ${n} on disk, ${lastAcked} had been saved`);
      assert.ok(n <= (run.acked ?? run.first - 1) + 1, `kill ${k}: state ${n} was at most the one being written`);
    }
    console.log(`${KILLS} kills: ${seen.size} different states found whole on disk, ${interrupted} kills interrupted a write (left a temporary file), last completed save ${lastAcked ?? 'none'}`);
    assert.ok(seen.size >= KILLS / 5, `many different states survived (${seen.size})`);
    assert.ok(interrupted >= KILLS / 4, `some kills landed in the middle of a write (${interrupted} left a temporary file)`);
    // The next writer removes the temporary files of the killed writers and keeps the ledger.
    const result = await new LedgerStore(dir).load();
    assert.equal(result.kind, 'loaded');
    assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.tmp')), [], 'leftover temporary files removed');
    await rm(dir, { recursive: true, force: true });
    await rm(dirname(script), { recursive: true, force: true });
  });
});

void describe('a corrupt ledger', () => {
  let sim: Simulator;
  const NOW = new Date('2026-11-27T12:00:00Z');
  const KEY = 'durability-key-0f9e8d7c';
  before(async () => {
    sim = await startSimulator({ port: 0, key: KEY, history: { seed: 5, now: NOW } });
  });
  after(() => sim.close());

  const service = (dir: string, logs: string[] = []) =>
    new BudgetService({
      adapters: ADAPTERS,
      http: new HttpClient({ retries: 0, timeoutMs: 5000 }),
      store: new LedgerStore(dir, () => NOW),
      config: () => readConfig((k) => ({ 'sources.gateway.url': sim.url, 'sources.claudeCode.enabled': 'off', 'sources.codex.enabled': 'off' })[k]),
      key: () => Promise.resolve(KEY),
      logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
      now: () => NOW,
    });

  void it('is moved aside (kept), reported once, and the ledger is rebuilt from the source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-corrupt-'));
    const good = service(dir);
    await good.refresh('first');
    const spent = good.snapshot.status.spent;
    const rows = good.ledgerRows.length;
    assert.ok(spent > 0 && rows > 0);
    // The disk flips some bytes in the middle of the file.
    const text = await readFile(join(dir, 'ledger.json'), 'utf8');
    const torn = `${text.slice(0, text.length / 2)}\u0000\u0000garbage${text.slice(text.length / 2 + 9)}`;
    await writeFile(join(dir, 'ledger.json'), torn);

    const logs: string[] = [];
    const restarted = service(dir, logs);
    const notice = await restarted.load();
    assert.equal(notice?.kind, 'corrupt', 'the user is told (extension.ts shows it as a warning)');
    assert.match(notice?.reason ?? '', /not valid JSON/);
    assert.equal(await readFile(notice?.movedTo ?? '', 'utf8'), torn, 'the corrupt file is kept as it was');
    assert.ok(logs.some((l) => /could not be used .* moved to .* rebuilt from the sources/.test(l)));
    assert.equal(restarted.snapshot.status.spent, 0, 'nothing loaded');

    await restarted.refresh('rebuild');
    assert.ok(Math.abs(restarted.snapshot.status.spent - spent) < 0.005, 'the spend is back');
    assert.equal(restarted.ledgerRows.length, rows, 'every row is back');
    assert.equal(restarted.snapshot.sources.find((s) => s.id === 'gateway')?.state, 'ok');

    // Told once: the next start finds the rebuilt ledger, not the corrupt one.
    const again = service(dir);
    assert.equal(await again.load(), undefined);
    assert.ok(Math.abs(again.snapshot.status.spent - spent) < 0.005);
    const names = await readdir(dir);
    assert.equal(names.filter((n) => n.includes('.corrupt-')).length, 1, 'one file kept aside');
  });
});
