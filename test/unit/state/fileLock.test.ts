/**
 * The cross-process lock (fileLock.ts) where it is hardest: a lock left behind by a crashed holder,
 * broken by several processes at the same moment.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { withFileLock } from '../../../src/state/fileLock';
import { bundleScript } from '../bundle';

/** Sends `message` to `child` and waits for its next answer. */
function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise<T>((done) => {
    child.once('message', (answer) => done(answer as T));
    child.send(message as object);
  });
}

/** Writes a lock file as a crashed holder left it, last modified `ageMs` ago (negative: in the future). */
async function leftBehind(file: string, ageMs: number): Promise<void> {
  await writeFile(file, JSON.stringify({ token: 'crashed', pid: 1, at: new Date().toISOString() }));
  const at = new Date(Date.now() - ageMs);
  await utimes(file, at, at);
}

void describe('withFileLock: breaking a stale lock', () => {
  void it('waits while another process is breaking it (its breaker is fresh)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-lock-'));
    await leftBehind(join(dir, 'x.lock'), 60_000);
    await leftBehind(join(dir, 'x.lock.break'), 0);
    await assert.rejects(withFileLock(join(dir, 'x.lock'), () => Promise.resolve(1), { staleMs: 5_000, timeoutMs: 100 }), /stayed busy/);
    assert.deepEqual((await readdir(dir)).sort(), ['x.lock', 'x.lock.break']);
  });

  void it('breaks a breaker left by a process that crashed while breaking, once it is twice as stale', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-lock-'));
    await leftBehind(join(dir, 'x.lock'), 60_000);
    await leftBehind(join(dir, 'x.lock.break'), 7_000);
    await assert.rejects(withFileLock(join(dir, 'x.lock'), () => Promise.resolve(1), { staleMs: 5_000, timeoutMs: 100 }), /stayed busy/);
    await leftBehind(join(dir, 'x.lock.break'), 11_000);
    assert.equal(await withFileLock(join(dir, 'x.lock'), () => Promise.resolve(42), { staleMs: 5_000, timeoutMs: 100 }), 42);
    assert.deepEqual(await readdir(dir), [], 'nothing left behind');
  });

  void it('breaks a lock (and a breaker) last modified in the future: the clock was set back after a crash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-lock-'));
    await leftBehind(join(dir, 'x.lock'), -3_600_000);
    await leftBehind(join(dir, 'x.lock.break'), -3_600_000);
    assert.equal(await withFileLock(join(dir, 'x.lock'), () => Promise.resolve(42), { staleMs: 5_000, timeoutMs: 500 }), 42);
    assert.deepEqual(await readdir(dir), [], 'nothing left behind');
  });
});

void describe('withFileLock across processes', { timeout: 60_000 }, () => {
  void it('a stale lock broken by several processes at once lets exactly one in at a time', async (t) => {
    const PROCESSES = 6;
    const ROUNDS = 40;
    const base = await mkdtemp(join(tmpdir(), 'tb-lock-race-'));
    // Bundled: six tsx start-ups took some seconds of CPU.
    const script = await bundleScript(resolve(__dirname, 'lock-child.ts'));
    const children = Array.from({ length: PROCESSES }, () => fork(script, [], { execArgv: [] }));
    try {
      await Promise.all(children.map((child) => new Promise((ready) => child.once('message', ready))));
      let overlapping = 0;
      let lost = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const dir = join(base, String(round));
        await mkdir(dir);
        // A window crashed inside the lock a minute ago: every process finds it stale at once.
        await leftBehind(join(dir, 'x.lock'), 60_000);
        const answers = await Promise.all(children.map((child) => ask<{ overlap: boolean }>(child, { dir })));
        if (answers.some((a) => a.overlap)) overlapping++;
        if (Number(await readFile(join(dir, 'counter'), 'utf8')) !== PROCESSES) lost++;
      }
      t.diagnostic(`${PROCESSES} processes, ${ROUNDS} rounds: ${overlapping} with two holders, ${lost} with a lost update`);
      assert.equal(overlapping, 0, 'rounds in which two processes held the lock at once');
      assert.equal(lost, 0, 'rounds in which an increment was lost');
    } finally {
      for (const child of children) child.kill();
      await rm(base, { recursive: true, force: true });
      await rm(dirname(script), { recursive: true, force: true });
    }
  });
});
