/**
 * Many windows, one poller: several BudgetService + Coordinator pairs on one storage folder over
 * the real file system, fed by the gateway simulator, which counts the requests. In one process,
 * and (last test) in three processes with a crash. The windows run on a clock the test moves
 * (TestClock; in three processes, one in each, moved together): heartbeats, stale leases and
 * intervals cost no real time, a window slowed down by a busy machine is not taken for a dead one,
 * and the times measured are exact. (The lock keeps to real time, so the test of looks that wait
 * for a busy lock runs in real time.)
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Coordinator } from '../../../src/state/coordinator';
import { startSimulator, type Simulator } from '../../../tools/simulator/server';
import { bundleScript } from '../bundle';
import { TestClock } from './testClock';
import { HEARTBEAT_MS, INTERVAL_MS, KEY, NOW, openWindow, STALE_MS, type TestWindow } from './windows';

let sim: Simulator;
const open: TestWindow[] = [];
/** The clock of the test's windows: a new one for each test. */
let clock: TestClock;

/** The child script of the test in three processes, bundled (it starts in a fraction of a second, where tsx takes seconds) while the tests before it run. */
let childScript: Promise<string>;

before(async () => {
  childScript = bundleScript(resolve(__dirname, 'coordinator-child.ts'));
  childScript.catch(() => undefined); // reported by the test that uses it
  sim = await startSimulator({ port: 0, key: KEY, history: { seed: 5, now: NOW } });
});
beforeEach(() => {
  clock = new TestClock();
});
// Every window of a test is closed after it, even when it fails (a leftover leader would fetch on).
afterEach(() => Promise.all(open.map((w) => w.coordinator.dispose())));
after(async () => {
  await sim.close();
  await rm(dirname(await childScript), { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Refreshes (= /v1/allowance requests) the simulator saw since `mark`. */
const fetchesSince = (mark: number) => sim.requests.slice(mark).filter((r) => r.path === '/v1/allowance').length;

/**
 * Opens `count` windows on the test clock, 37 ms apart: their heartbeats come at different moments,
 * so a follower looks at the lease up to 74 ms after the leader renewed it.
 */
async function windows(count: number, dir?: string): Promise<{ dir: string; list: TestWindow[] }> {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'tb-coord-')));
  const list: TestWindow[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await clock.advance(37);
    const w = await openWindow(`w${open.length + 1}`, folder, sim.url, { clock });
    open.push(w);
    list.push(w);
  }
  return { dir: folder, list };
}

async function close(list: readonly TestWindow[]): Promise<void> {
  await Promise.all(list.map((w) => w.coordinator.dispose()));
}

const leaders = (list: readonly TestWindow[]) => list.filter((w) => w.coordinator.isLeader);

/** Polls until `ok()`, in real time; fails after `timeoutMs`. Returns the time it took. */
async function until(what: string, ok: () => boolean, timeoutMs = 5_000): Promise<number> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
  return Date.now() - start;
}

/**
 * Moves the test clock `ms` on and returns the most windows that led at once: looked at after
 * every moment the clock stopped at, and at every change of role.
 */
async function watchLeaders(list: readonly TestWindow[], ms: number): Promise<number> {
  let most = 0;
  const look = () => {
    most = Math.max(most, leaders(list).length);
  };
  const listening = list.map((w) => w.coordinator.onDidChangeRole(look));
  try {
    await clock.advance(ms, look);
  } finally {
    for (const l of listening) l.dispose();
  }
  return most;
}

/** A coordinator over a stand-in service that only counts its fetches, for the edge cases of the schedule. */
function bare(dir: string, options: { requestTimeoutMs?: number; failing?: boolean; intervalMs?: number; clock?: TestClock } = {}): { coordinator: Coordinator; fetches: () => number } {
  let fetches = 0;
  const service = {
    refreshing: false,
    refresh: () => {
      fetches++;
      return options.failing ? Promise.reject(new Error('offline')) : Promise.resolve();
    },
    reloadFromStore: () => Promise.resolve(false),
  };
  const quiet = { info: () => undefined, warn: () => undefined };
  const coordinator = new Coordinator({ dir, service, intervalMs: () => options.intervalMs ?? INTERVAL_MS, logger: quiet, heartbeatMs: HEARTBEAT_MS, staleMs: STALE_MS, requestTimeoutMs: options.requestTimeoutMs ?? 5_000, watch: false, ...(options.clock ? { clock: options.clock } : {}) });
  return { coordinator, fetches: () => fetches };
}

/** How long `work` took; fails when it is still running after `timeoutMs`. */
async function within(what: string, timeoutMs: number, work: Promise<void>): Promise<number> {
  const start = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still running after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
  return Date.now() - start;
}

const PERIOD_MS = 6 * INTERVAL_MS; // fetches at 0 and about every interval (+ up to a heartbeat)

void describe('coordinator: many windows, one poller', { timeout: 60_000 }, () => {
  let alone = 0;

  void it('one window alone fetches at once, then once per interval', async () => {
    const mark = sim.requests.length;
    const { list } = await windows(1);
    assert.ok(list[0]?.coordinator.isLeader);
    await clock.advance(PERIOD_MS);
    await close(list);
    alone = fetchesSince(mark);
    assert.ok(alone >= 5 && alone <= 7, `${alone} fetches in ${PERIOD_MS} ms at a ${INTERVAL_MS} ms interval`);
  });

  void it('three windows: exactly one leads, the others show its numbers, and the gateway is asked as often as with one', async (t) => {
    const mark = sim.requests.length;
    const { list } = await windows(3);
    const most = await watchLeaders(list, PERIOD_MS);
    const three = fetchesSince(mark);
    t.diagnostic(`fetches over ${PERIOD_MS} ms: 1 window ${alone}, 3 windows ${three}`);
    assert.equal(most, 1, 'never two leaders');
    assert.equal(leaders(list).length, 1);
    assert.ok(Math.abs(three - alone) <= 1, `3 windows fetched ${three} times, 1 window ${alone}`);
    const leader = leaders(list)[0]!;
    const followers = list.filter((w) => w !== leader);
    const spent = leader.service.snapshot.status.spent;
    assert.ok(spent > 0);
    await clock.until('the followers to show the leader\'s numbers', () => followers.every((f) => f.service.snapshot.status.spent === spent && f.service.snapshot.sources.find((x) => x.id === 'gateway')?.state === 'ok'), 2_000);
    await close(list);
  });

  void it('a leader that closes hands over at once, and the rhythm goes on', async () => {
    const { list } = await windows(3);
    const leader = leaders(list)[0]!;
    const rest = list.filter((w) => w !== leader);
    await clock.advance(INTERVAL_MS);
    await leader.coordinator.dispose();
    const took = await clock.until('another window to lead', () => leaders(rest).length === 1, 2_000);
    assert.ok(took < STALE_MS, `took over after ${took} ms, before the lease could go stale (${STALE_MS} ms)`);
    const mark = sim.requests.length;
    const most = await watchLeaders(rest, PERIOD_MS);
    assert.equal(most, 1);
    const n = fetchesSince(mark);
    assert.ok(n >= 5 && n <= 7, `${n} fetches after the handover`);
    await close(list);
  });

  void it('a crashed leader (lease kept) is taken over once its heartbeat is stale, not before', async () => {
    const { list } = await windows(3);
    const leader = leaders(list)[0]!;
    const rest = list.filter((w) => w !== leader);
    leader.coordinator.stop(); // no release: like a killed process
    const crashedAt = clock.now();
    await clock.advance(STALE_MS / 2);
    assert.equal(leaders(rest).length, 0, 'nobody takes a lease that is still fresh');
    await clock.until('a follower to take over', () => leaders(rest).length === 1, STALE_MS + 10 * HEARTBEAT_MS);
    const took = clock.now() - crashedAt;
    assert.ok(took >= STALE_MS - HEARTBEAT_MS && took <= STALE_MS + 4 * HEARTBEAT_MS, `took over ${took} ms after the crash`);
    assert.equal(await watchLeaders(rest, 3 * HEARTBEAT_MS), 1);
    await close(list);
  });

  void it('a lease left on disk by a window that died long ago is taken over by the first window', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-coord-'));
    const old = new Date(clock.now() - 60_000).toISOString();
    await writeFile(join(dir, 'leader.json'), JSON.stringify({ id: 'ghost', pid: 1, heartbeat: old, since: old }));
    const { list } = await windows(1, dir);
    assert.ok(list[0]?.coordinator.isLeader);
    await close(list);
  });

  void it('a fresh lease of a window that then dies is waited out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-coord-'));
    const now = new Date(clock.now()).toISOString();
    await writeFile(join(dir, 'leader.json'), JSON.stringify({ id: 'ghost', pid: 1, heartbeat: now, since: now }));
    const mark = sim.requests.length;
    const { list } = await windows(1, dir);
    assert.equal(list[0]?.coordinator.isLeader, false);
    assert.equal(fetchesSince(mark), 0, 'a follower does not fetch');
    const took = await clock.until('the lease to go stale', () => list[0]?.coordinator.isLeader === true, STALE_MS + 10 * HEARTBEAT_MS);
    assert.ok(took > STALE_MS - HEARTBEAT_MS, `led ${took} ms after the lease was renewed, once it was stale (${STALE_MS} ms)`);
    await clock.until('the first fetch', () => fetchesSince(mark) === 1, 2_000);
    await close(list);
  });

  void it('a leader that was frozen and taken over steps down at its next heartbeat', async () => {
    const { dir, list } = await windows(1);
    const w = list[0]!;
    assert.ok(w.coordinator.isLeader);
    const now = new Date(clock.now()).toISOString();
    await writeFile(join(dir, 'leader.json'), JSON.stringify({ id: 'other', pid: 1, heartbeat: now, since: now }));
    await w.coordinator.check();
    assert.equal(w.coordinator.isLeader, false);
    assert.deepEqual(w.roles, ['leader', 'follower']);
    await close(list);
  });

  void it('"Refresh Now" in a follower makes the leader fetch once, and the follower shows the result', async () => {
    const { list } = await windows(2);
    const leader = leaders(list)[0]!;
    const follower = list.find((w) => w !== leader)!;
    await clock.until('the first fetch to be saved and reloaded', () => follower.service.snapshot.lastUpdated !== undefined, 3_000);
    await clock.advance(50);
    // $1,000 more today at the gateway: only a new fetch, read back by the follower, shows it.
    const original = sim.data;
    const bumped = structuredClone(original);
    const today = bumped.days[bumped.days.length - 1]!;
    today.cost += 1000;
    today.models.push({ model: 'claude-opus-4-1', cost: 1000, requests: 10, input_tokens: 1000, output_tokens: 100, cache_read_tokens: 0, cache_write_tokens: 0 });
    const before = follower.service.snapshot.status.spent;
    sim.setData(bumped);
    try {
      const mark = sim.requests.length;
      await clock.run('the refresh', follower.coordinator.refresh('command'), 5_000);
      assert.equal(fetchesSince(mark), 1, 'one fetch, by the leader');
      assert.equal(follower.coordinator.isLeader, false);
      assert.ok(Math.abs(follower.service.snapshot.status.spent - before - 1000) < 0.01, `the follower shows the new spend when refresh() returns: ${before} → ${follower.service.snapshot.status.spent}`);
      assert.equal(follower.service.snapshot.status.spent, leader.service.snapshot.status.spent);
    } finally {
      sim.setData(original);
      await close(list);
    }
  });

  void it('"Refresh Now" in a follower whose leader crashed: it takes over and fetches itself', async () => {
    const { list } = await windows(2, undefined);
    try {
      const leader = leaders(list)[0]!;
      const follower = list.find((w) => w !== leader)!;
      await clock.until('the first fetch to be saved and reloaded', () => !leader.service.refreshing && follower.service.snapshot.lastUpdated !== undefined, 3_000);
      leader.coordinator.stop();
      const mark = sim.requests.length;
      await clock.run('the refresh', follower.coordinator.refresh('command'), 5_000);
      assert.ok(follower.coordinator.isLeader);
      assert.equal(fetchesSince(mark), 1);
    } finally {
      await close(list);
    }
  });

  void it('a changed key or setting fetches in the leader only', async () => {
    const { list } = await windows(2, undefined);
    const leader = leaders(list)[0]!;
    const follower = list.find((w) => w !== leader)!;
    await clock.until('the first fetch to finish', () => !leader.service.refreshing, 3_000);
    const mark = sim.requests.length;
    follower.coordinator.changed('key changed');
    await clock.advance(50);
    assert.equal(fetchesSince(mark), 0);
    leader.coordinator.changed('key changed');
    await clock.until('the leader to fetch', () => fetchesSince(mark) === 1, 2_000);
    await close(list);
  });
});

void describe('coordinator: looks that take a whole heartbeat', { timeout: 20_000 }, () => {
  void it('start() and refresh() return while every look waits out a busy lock', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-coord-slow-'));
    // Another window holds leader.lock, kept fresh, the whole time: each look waits a heartbeat for
    // it and gives up; meanwhile the next heartbeat has asked for another look.
    const lock = join(dir, 'leader.lock');
    await writeFile(lock, JSON.stringify({ token: 'busy', pid: 1, at: new Date().toISOString() }));
    const keepFresh = setInterval(() => {
      const now = new Date();
      utimes(lock, now, now).catch(() => undefined);
    }, 50);
    const { coordinator } = bare(dir, { requestTimeoutMs: 200 });
    try {
      const started = await within('start()', 1_500, coordinator.start());
      const refreshed = await within('refresh()', 1_500, coordinator.refresh('test'));
      t.diagnostic(`start() took ${started} ms, refresh() ${refreshed} ms (heartbeat ${HEARTBEAT_MS} ms)`);
      assert.equal(coordinator.isLeader, false);
    } finally {
      clearInterval(keepFresh);
      await coordinator.dispose();
    }
  });
});

void describe('coordinator: the schedule when the clock was wrong', { timeout: 20_000 }, () => {
  for (const failing of [false, true]) {
    void it(`a leader fetches at once when the ledger was saved "in the future" (by a clock since set back), then once per interval${failing ? ', also when its fetches fail' : ''}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tb-coord-clock-'));
      await writeFile(join(dir, 'ledger.json'), '{}');
      const ahead = new Date(Date.now() + 86_400_000);
      await utimes(join(dir, 'ledger.json'), ahead, ahead);
      const { coordinator, fetches } = bare(dir, { failing, clock });
      try {
        await coordinator.start();
        assert.ok(coordinator.isLeader);
        await clock.advance(2.5 * INTERVAL_MS);
        const n = fetches();
        assert.ok(n >= 2 && n <= 4, `${n} fetches in ${2.5 * INTERVAL_MS} ms at a ${INTERVAL_MS} ms interval`);
      } finally {
        await coordinator.dispose();
      }
    });
  }

  void it('a leader whose clock is set back an hour goes on fetching once per interval', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-coord-clock-'));
    // The machine's clock: the coordinator's (the test clock) and the lock's (Date.now).
    const realNow = Date.now.bind(Date);
    let offset = 0;
    Date.now = () => realNow() + offset;
    const { coordinator, fetches } = bare(dir, { clock });
    try {
      await coordinator.start();
      assert.equal(fetches(), 1, 'the first fetch');
      offset = -3_600_000;
      clock.setWall(-3_600_000);
      await clock.advance(2.5 * INTERVAL_MS);
      const n = fetches() - 1;
      assert.ok(n >= 2 && n <= 4, `${n} fetches in ${2.5 * INTERVAL_MS} ms after the clock went back, at a ${INTERVAL_MS} ms interval`);
    } finally {
      await coordinator.dispose();
      Date.now = realNow;
    }
  });

  void it('"Refresh Now" from another window is still answered after the clock is set back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-coord-clock-'));
    const realNow = Date.now.bind(Date);
    let offset = 0;
    Date.now = () => realNow() + offset;
    // A follower's request, as its clock dates it (the same machine, so the same clock).
    const ask = async (reason: string) => {
      await sleep(5);
      await writeFile(join(dir, 'refresh-request.json'), JSON.stringify({ id: 'follower', at: new Date(Date.now()).toISOString(), reason }));
    };
    const { coordinator, fetches } = bare(dir, { intervalMs: 3_600_000 });
    try {
      await coordinator.start();
      assert.equal(fetches(), 1, 'the first fetch');
      await ask('before');
      await coordinator.check();
      assert.equal(fetches(), 2, 'the request is answered');
      offset = -3_600_000;
      await coordinator.check();
      const after = fetches();
      await ask('after');
      await coordinator.check();
      assert.equal(fetches(), after + 1, 'the request made after the clock went back is answered too');
    } finally {
      await coordinator.dispose();
      Date.now = realNow;
    }
  });
});

interface Child {
  readonly proc: ChildProcessByStdio<Writable, Readable, null>;
  /** When its next timer is due, as it said after its last move. */
  next: number | undefined;
  /** Called when it has moved (or has died). */
  moved?: (error?: Error) => void;
}

void describe('coordinator: three processes, a crash', { timeout: 60_000 }, () => {
  void it('one process fetches; when it is killed, another takes over and the rhythm goes on', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-coord-proc-'));
    const script = await childScript;
    // One clock for the three processes (a TestClock in each, moved together by this test).
    let time = Date.now();
    const roles = new Map<string, string>();
    const children = new Map<string, Child>();
    let most = 0;
    const look = () => {
      most = Math.max(most, [...roles.values()].filter((r) => r === 'leader').length);
    };
    for (const name of ['p1', 'p2', 'p3']) {
      const proc = spawn(process.execPath, [script, name, dir, sim.url, String(time)], { stdio: ['pipe', 'pipe', 'inherit'] });
      const child: Child = { proc, next: undefined };
      children.set(name, child);
      proc.stdin.on('error', () => undefined);
      createInterface({ input: proc.stdout }).on('line', (line) => {
        const msg = JSON.parse(line) as { name?: string; role?: string; at?: number; next?: number | null };
        if (msg.name !== undefined && msg.role !== undefined) {
          roles.set(msg.name, msg.role);
          look();
        }
        if (msg.at !== undefined) {
          child.next = msg.next ?? undefined;
          child.moved?.();
        }
      });
      proc.on('exit', (code, signal) => child.moved?.(new Error(`${name} exited (${code ?? signal})`)));
    }
    /** Moves every process's clock to `to`; resolves once each has done the work of that moment. */
    const step = async (to: number) => {
      await Promise.all(
        [...children.values()].map(
          (c) =>
            new Promise<void>((resolvePromise, reject) => {
              c.moved = (error) => (error ? reject(error) : resolvePromise());
              c.proc.stdin.write(`to ${to}\n`);
            }),
        ),
      );
      time = to;
      look();
    };
    const nextDue = () => Math.min(...[...children.values()].map((c) => c.next ?? Infinity));
    /** Moves the clocks `ms` on, from timer to timer. */
    const advance = async (ms: number) => {
      const end = time + ms;
      for (let due = nextDue(); due <= end; due = nextDue()) await step(due);
      await step(end);
    };
    try {
      await until('all three processes to start', () => roles.size === 3, 20_000);
      await step(time);
      const mark = sim.requests.length;
      await advance(PERIOD_MS);
      const three = fetchesSince(mark);
      t.diagnostic(`3 processes: ${three} fetches over ${PERIOD_MS} ms`);
      assert.equal(most, 1, 'one leader at a time');
      assert.ok(three >= 5 && three <= 7, `${three} fetches over ${PERIOD_MS} ms`);

      // The leader is killed (between two moments of the clock: it is not in the middle of a look).
      const [leaderName] = [...roles].find(([, r]) => r === 'leader') ?? [];
      assert.ok(leaderName);
      const leader = children.get(leaderName);
      children.delete(leaderName);
      leader?.proc.kill('SIGKILL');
      roles.delete(leaderName);
      const killedAt = time;
      while (![...roles.values()].includes('leader')) {
        const due = nextDue();
        if (due > killedAt + 10_000) assert.fail('no other process took over within 10 s');
        await step(due);
      }
      const took = time - killedAt;
      t.diagnostic(`taken over ${took} ms after the kill (stale after ${STALE_MS} ms)`);
      assert.ok(took >= STALE_MS - HEARTBEAT_MS && took <= STALE_MS + 4 * HEARTBEAT_MS, `taken over ${took} ms after the kill, once the lease was stale`);
      const after = sim.requests.length;
      most = 0;
      await advance(PERIOD_MS);
      const n = fetchesSince(after);
      assert.ok(n >= 5 && n <= 7, `${n} fetches after the takeover`);
      assert.equal(most, 1, 'one leader at a time after the takeover');
      assert.equal([...roles.values()].filter((r) => r === 'leader').length, 1);
    } finally {
      for (const { proc } of children.values()) {
        proc.stdin.end();
        if (proc.exitCode === null) proc.kill('SIGTERM');
      }
    }
  });
});
