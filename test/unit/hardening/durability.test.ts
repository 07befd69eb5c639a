// Durable files: a child process writes large states through a real user of
// src/state/durableFile.ts in a loop and is SIGKILLed at random moments, again and again: the
// ledger (12 kills), the alert memory and its backup, the lease of the leading window, and the
// local-log scan state (written without fsync), 8 kills each. After every kill the file on disk
// is whole and is exactly one of the states written (the last one completed, or the one being
// written), never a torn mix; the next writer removes the temporary files of the killed ones.
//
// Also: a corrupt ledger is moved aside and rebuilt from the source; history survives a restart,
// including the rows of a previous budget year.

import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { mulberry32 } from '../../../src/core/random';
import { ADAPTERS } from '../../../src/sources';
import { loadState, saveState } from '../../../src/sources/localLogs/state';
import { HttpClient } from '../../../src/sources/http';
import { AlertStore, parseAlertMemory, type AlertMemoryNotice } from '../../../src/state/alertStore';
import { BudgetService } from '../../../src/state/budgetService';
import { Coordinator } from '../../../src/state/coordinator';
import { LedgerStore } from '../../../src/state/ledgerStore';
import { startSimulator, type Simulator } from '../../../tools/simulator/server';
import { bundleScript } from '../bundle';
import { alertMemoryNumber, alertNumberOf, isScanStateNumber, LEASE_WRITER, numberOf, scanStateNumber, stateNumber, type WriteKind } from './states';

const CHILD_SOURCE = resolve(__dirname, 'writeLoop.ts');

interface Run {
  /** Highest state the child reported as saved (rename done) before it was killed. */
  readonly acked: number | undefined;
  /** The first state number this run wrote. */
  readonly first: number;
}

/** A write loop started and waiting to be told to go (see writeLoop.ts). */
interface Loop {
  readonly child: ChildProcessWithoutNullStreams;
  readonly first: number;
  /** Takes each line the child prints (until set, lines are dropped: only `loaded` comes before `go`). */
  onLine: (line: string) => void;
  /** Settles once the process has exited and its output has been read to the end. */
  readonly closed: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stderr: string }>;
}

/** Starts the write loop of `kind` on `dir`, writing from state `first` once told to go. */
function startLoop(script: string, kind: WriteKind, dir: string, first: number): Loop {
  const child = spawn(process.execPath, [script, kind, dir, String(first)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let buffer = '';
  let stderr = '';
  const loop: Loop = {
    child,
    first,
    onLine: () => undefined,
    closed: new Promise((resolvePromise, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolvePromise({ code, signal, stderr }));
    }),
  };
  child.stdin.on('error', () => undefined); // a killed child's stdin may be gone already
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      loop.onLine(line);
    }
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return loop;
}

/**
 * Tells a started write loop to go and SIGKILLs it: `after` ms after it is ready, or, with
 * `onWrite`, the moment the n-th temporary file appears (a write is under way: data going in,
 * flush, or rename).
 */
function runAndKill(loop: Loop, dir: string, kill: { readonly afterMs: number } | { readonly onWrite: number }): Promise<Run> {
  const { child, first } = loop;
  let acked: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  const writes = new Set<string>();
  let unseen: string | undefined;
  const killNow = () => child.kill('SIGKILL');
  if ('onWrite' in kill) {
    watcher = watch(dir, (_event, name) => {
      if (!name?.endsWith('.tmp') || !name.includes(`.${child.pid}.`) || writes.has(name)) return;
      writes.add(name);
      if (writes.size > kill.onWrite) killNow();
    });
  }
  loop.onLine = (line) => {
    if (line === 'ready' && 'afterMs' in kill && !timer) timer = setTimeout(killNow, kill.afterMs);
    // A loop that writes without temporary files would never be killed: it fails instead.
    if (line === 'ready' && 'onWrite' in kill && !timer) {
      timer = setTimeout(() => {
        unseen = `no temporary file of write ${kill.onWrite + 1} appeared within ${ON_WRITE_DEADLINE_MS} ms (${writes.size} seen, ${acked === undefined ? 0 : acked - first + 1} writes completed): a write must go through one`;
        killNow();
      }, ON_WRITE_DEADLINE_MS);
    }
    const saved = /^saved (\d+)$/.exec(line);
    if (saved) acked = Number(saved[1]);
  };
  child.stdin.write('go\n');
  return loop.closed.then(
    ({ code, signal, stderr }) => {
      clearTimeout(timer);
      watcher?.close();
      if (signal !== 'SIGKILL') throw new Error(`the write loop ended by itself (code ${code}): ${stderr}`);
      if (unseen !== undefined) throw new Error(unseen);
      return { acked, first };
    },
    (error: unknown) => {
      clearTimeout(timer);
      watcher?.close();
      throw error;
    },
  );
}

interface KillCase {
  readonly kind: WriteKind;
  readonly kills: number;
  /**
   * Checks what a kill left (`k`: which kill) and returns the number of the state found whole on
   * disk; undefined when there is no file yet, or (the lease) when the file carries no number.
   */
  readonly check: (dir: string, k: number) => Promise<number | undefined>;
  /** Removes what a killed holder of a cross-process lock leaves (fileLock.ts breaks it after 10 s; tested there). */
  readonly afterKill?: (dir: string) => Promise<void>;
  /** Some kills must land in the middle of a write (left a temporary file). */
  readonly mustInterrupt?: boolean;
}

/** Copies what a kill left in `dir` (every file but the temporary ones) to a new folder, to be checked while the next run goes on. */
async function copyOf(dir: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'tb-kill-left-'));
  for (const name of await readdir(dir)) if (!name.endsWith('.tmp')) await copyFile(join(dir, name), join(copy, name));
  return copy;
}

/**
 * Kills the write loop of `c.kind` again and again, checking what each kill left; returns what was
 * seen. Each run's process is started while the run before it goes on (it waits to be told to go),
 * and what a kill left is checked on a copy while the next run goes on.
 */
async function killRepeatedly(script: string, c: KillCase, seed: number): Promise<{ dir: string; seen: Set<number>; interrupted: number; lastAcked: number | undefined }> {
  const dir = await mkdtemp(join(tmpdir(), `tb-kill-${c.kind}-`));
  const random = mulberry32(seed);
  let lastAcked: number | undefined;
  let interrupted = 0;
  const seen = new Set<number>();
  const tmpSeen = new Set<string>();
  const start = (k: number) => startLoop(script, c.kind, dir, (k + 1) * 1_000_000);
  let current: Loop | undefined;
  let next: Loop | undefined = start(0);
  let checking: Promise<void> = Promise.resolve();
  try {
    for (let k = 0; k < c.kills; k++) {
      current = next ?? start(k);
      next = k + 1 < c.kills ? start(k + 1) : undefined;
      // Every other kill at a random moment (on a busy machine often before a first write is
      // whole); the others the instant a write has begun, after 1–3 whole writes (so states move
      // on from kill to kill however slow the machine is).
      const kill = k % 2 === 0 ? { afterMs: Math.floor(random() * KILL_WITHIN_MS) } : { onWrite: 1 + Math.floor(random() * 3) };
      const [run] = await Promise.all([runAndKill(current, dir, kill), checking]);
      if (run.acked !== undefined) lastAcked = run.acked;
      const leftovers = (await readdir(dir)).filter((n) => n.endsWith('.tmp') && !tmpSeen.has(n));
      if (leftovers.length > 0) interrupted++;
      for (const n of leftovers) tmpSeen.add(n);
      await c.afterKill?.(dir);
      const left = await copyOf(dir);
      const acked = lastAcked;
      checking = (async () => {
        const n = await c.check(left, k);
        await rm(left, { recursive: true, force: true });
        if (n === undefined) {
          if (c.kind !== 'lease') assert.equal(acked, undefined, `kill ${k}: no file only while no write has ever completed`);
          return;
        }
        seen.add(n);
        // Old or new, never older than a write that had completed, nor newer than the one under way.
        if (acked !== undefined) assert.ok(n >= acked, `kill ${k}: state ${n} on disk, ${acked} had been saved`);
        assert.ok(n <= (run.acked ?? run.first - 1) + 1, `kill ${k}: state ${n} was at most the one being written`);
      })();
    }
    await checking;
  } finally {
    current?.child.kill('SIGKILL');
    next?.child.kill('SIGKILL');
  }
  if (c.mustInterrupt) assert.ok(interrupted >= c.kills / 4, `some kills landed in the middle of a write (${interrupted} left a temporary file)`);
  return { dir, seen, interrupted, lastAcked };
}

/** A kill at the n-th write that has not come this long after the loop is ready fails the test. */
const ON_WRITE_DEADLINE_MS = 10_000;

/**
 * A kill "at a random moment" comes this many ms or less after the loop is ready (its first state
 * is made by then: the first write starts at once): one or two whole writes of the largest state
 * (a ledger write, flushed, takes some 50–100 ms), several of the others, so it lands anywhere in
 * a write, or between two.
 */
const KILL_WITHIN_MS = 100;

const temporaryFiles = async (dir: string) => (await readdir(dir)).filter((n) => n.endsWith('.tmp'));

void describe('a durable file written by a process killed at random moments', { timeout: 400_000 }, () => {
  let script: string;
  before(async () => {
    script = await bundleScript(CHILD_SOURCE);
  });
  after(() => rm(dirname(script), { recursive: true, force: true }));

  void it('the ledger is never torn: 12 SIGKILLs, each leaves exactly one of the states written', async (t) => {
    const { dir, seen, interrupted, lastAcked } = await killRepeatedly(
      script,
      {
        kind: 'ledger',
        kills: 12,
        mustInterrupt: true,
        check: async (dir, k) => {
          const text = await readFile(join(dir, 'ledger.json'), 'utf8').catch(() => undefined);
          if (text === undefined) return undefined;
          assert.doesNotThrow(() => JSON.parse(text), `kill ${k}: the file parses`);
          // A reader that must not touch anything: the state as loaded, exactly one that was written.
          const loaded = await new LedgerStore(dir).load({ moveAside: false });
          assert.equal(loaded.kind, 'loaded', `kill ${k}: ${loaded.kind === 'unreadable' ? loaded.reason : loaded.kind}`);
          if (loaded.kind !== 'loaded') return undefined;
          const n = numberOf(loaded.state);
          const expected = stateNumber(n);
          // (Compared as JSON first, which is quicker; deepEqual shows what differs.)
          if (JSON.stringify(loaded.state.rows) !== JSON.stringify(expected.rows)) assert.deepEqual(loaded.state.rows, expected.rows, `kill ${k}: rows of state ${n}, whole`);
          assert.deepEqual(loaded.state.sources, expected.sources);
          assert.deepEqual(loaded.state.gatewayBudget, expected.gatewayBudget);
          assert.deepEqual(loaded.state.years, expected.years);
          return n;
        },
      },
      20261127,
    );
    t.diagnostic(`12 kills: ${seen.size} different states found whole on disk, ${interrupted} kills interrupted a write, last completed save ${lastAcked ?? 'none'}`);
    assert.ok(seen.size >= 4, `many different states survived (${seen.size})`);
    // The next writer removes the temporary files of the killed writers and keeps the ledger.
    const result = await new LedgerStore(dir).load();
    assert.equal(result.kind, 'loaded');
    assert.deepEqual(await temporaryFiles(dir), [], 'leftover temporary files removed');
    await rm(dir, { recursive: true, force: true });
  });

  void it('the alert memory and its backup are never torn: 8 SIGKILLs, and the backup is never behind the file', async (t) => {
    const readNumber = async (file: string, k: number): Promise<number | undefined> => {
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) return undefined;
      let json: unknown;
      assert.doesNotThrow(() => (json = JSON.parse(text)), `kill ${k}: ${file} parses`);
      const memory = parseAlertMemory(json);
      const n = alertNumberOf(memory);
      assert.deepEqual(memory, alertMemoryNumber(n), `kill ${k}: ${file} is memory ${n}, whole`);
      return n;
    };
    const { dir, seen, interrupted } = await killRepeatedly(
      script,
      {
        kind: 'alerts',
        kills: 8,
        afterKill: (dir) => rm(join(dir, 'alerts.lock'), { force: true }),
        check: async (dir, k) => {
          const main = await readNumber(join(dir, 'alerts.json'), k);
          const backup = await readNumber(join(dir, 'alerts.json.bak'), k);
          // The backup is written first: it holds the file's state or the one written after it.
          if (main !== undefined) assert.ok(backup !== undefined && backup >= main, `kill ${k}: backup ${backup}, file ${main}`);
          return main;
        },
      },
      20261128,
    );
    t.diagnostic(`8 kills: ${seen.size} different memories found whole, ${interrupted} kills interrupted a write`);
    assert.ok(seen.size >= 3, `several memories survived (${seen.size})`);
    // The next window's change finds a good file (nothing moved aside) and removes the leftovers.
    const notices: AlertMemoryNotice[] = [];
    await new AlertStore(dir, { onUnreadable: (notice) => notices.push(notice) }).update((m) => ({ memory: m, result: undefined }));
    assert.deepEqual(notices, []);
    assert.deepEqual(await temporaryFiles(dir), [], 'leftover temporary files removed');
    await rm(dir, { recursive: true, force: true });
  });

  void it('the lease is never torn: 8 SIGKILLs of a renewing leader, and another window takes over once it is stale', async (t) => {
    let heartbeats = 0;
    let last = 0;
    const { dir, interrupted } = await killRepeatedly(
      script,
      {
        kind: 'lease',
        kills: 8,
        afterKill: (dir) => rm(join(dir, 'leader.lock'), { force: true }),
        check: async (dir, k) => {
          const text = await readFile(join(dir, 'leader.json'), 'utf8').catch(() => undefined);
          if (text === undefined) return undefined;
          let lease: { version?: unknown; id?: unknown; heartbeat?: unknown } = {};
          assert.doesNotThrow(() => (lease = JSON.parse(text) as typeof lease), `kill ${k}: the lease parses`);
          assert.equal(lease.version, 1);
          assert.equal(lease.id, LEASE_WRITER);
          const at = Date.parse(String(lease.heartbeat));
          assert.ok(at >= last, `kill ${k}: the heartbeat never goes back`);
          if (at > last) heartbeats++;
          last = at;
          return undefined;
        },
      },
      20261129,
    );
    t.diagnostic(`8 kills: ${heartbeats} different heartbeats found whole, ${interrupted} kills interrupted a write`);
    assert.ok(heartbeats >= 3, `several renewals survived (${heartbeats})`);
    // Another window: the killed leader's lease is whole, so it waits until it is stale, then leads.
    const quiet = { info: () => undefined, warn: () => undefined };
    const service = { refreshing: false, refresh: () => Promise.resolve(), reloadFromStore: () => Promise.resolve(false) };
    const next = new Coordinator({ dir, service, intervalMs: () => 3_600_000, logger: quiet, id: 'next', heartbeatMs: 3_600_000, staleMs: 300, watch: false });
    await next.start();
    assert.deepEqual(await temporaryFiles(dir), [], 'leftover temporary files removed');
    await new Promise((r) => setTimeout(r, Math.max(0, last + 400 - Date.now())));
    await next.check();
    assert.ok(next.isLeader, 'the stale lease was taken over');
    await next.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  void it('the scan state (written without fsync) is never torn: 8 SIGKILLs, each leaves exactly one of the states written', async (t) => {
    const file = (dir: string) => join(dir, 'local-logs-claudeCode.state');
    const { dir, seen, interrupted } = await killRepeatedly(
      script,
      {
        kind: 'scanState',
        kills: 8,
        check: (dir, k) => {
          const state = loadState(file(dir));
          if (state === undefined) {
            return readFile(file(dir)).then(
              () => assert.fail(`kill ${k}: the state file is there but does not load`),
              () => undefined,
            );
          }
          assert.ok(isScanStateNumber(state, state.generation), `kill ${k}: state ${state.generation}, whole`);
          return Promise.resolve(state.generation);
        },
      },
      20261130,
    );
    t.diagnostic(`8 kills: ${seen.size} different states found whole, ${interrupted} kills interrupted a write`);
    assert.ok(seen.size >= 3, `several states survived (${seen.size})`);
    // The next save removes the temporary files of the killed writers.
    saveState(scanStateNumber(1), file(dir));
    assert.deepEqual(await temporaryFiles(dir), [], 'leftover temporary files removed');
    await rm(dir, { recursive: true, force: true });
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
