/**
 * The coordinator with nothing to fetch (no source configured): no window leads, so none rewrites
 * its lease every heartbeat; the writes to the shared folder are counted with a file-system watch.
 * Also: lease renewals are never flushed to disk (fsync), and a closing window's `dispose` settles
 * with the lease released.
 */
import assert from 'node:assert/strict';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { mkdtemp, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { Coordinator } from '../../../src/state/coordinator';

const HEARTBEAT_MS = 20;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

/** A coordinator over a stand-in service that counts its refreshes; `configured` says whether a source is. */
async function window(dir: string, configured: { value: boolean }) {
  let refreshes = 0;
  const service = {
    refreshing: false,
    // Busy for a moment, as a real refresh is (a fetch asked for meanwhile is not started twice).
    refresh: async () => {
      refreshes++;
      service.refreshing = true;
      await sleep(HEARTBEAT_MS);
      service.refreshing = false;
    },
    reloadFromStore: () => Promise.resolve(false),
  };
  const quiet = { info: () => undefined, warn: () => undefined };
  const coordinator = new Coordinator({ dir, service, intervalMs: () => 3_600_000, logger: quiet, heartbeatMs: HEARTBEAT_MS, staleMs: 5 * HEARTBEAT_MS, requestTimeoutMs: 2_000, watch: false, active: () => configured.value });
  cleanup.push(() => coordinator.dispose());
  await coordinator.start();
  return { coordinator, refreshes: () => refreshes };
}

/** Counts the file-system events in `dir` (each write of the lease: a temporary file, a rename) until stopped. */
function countWrites(dir: string): { readonly count: () => number; readonly names: Set<string> } {
  let count = 0;
  const names = new Set<string>();
  const watcher: FSWatcher = watch(dir, (_event, name) => {
    count++;
    if (name) names.add(name.toString());
  });
  cleanup.push(() => watcher.close());
  return { count: () => count, names };
}

async function until(what: string, ok: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

void describe('coordinator: no source configured', { timeout: 30_000 }, () => {
  void it('a leading window lets go of its lease and then writes nothing, heartbeat after heartbeat', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-idle-'));
    const configured = { value: true };
    const { coordinator, refreshes } = await window(dir, configured);
    assert.ok(coordinator.isLeader);
    // While it leads, it renews every heartbeat (the counter sees it).
    const leading = countWrites(dir);
    await sleep(10 * HEARTBEAT_MS);
    assert.ok(leading.count() >= 5 && [...leading.names].some((n) => n.startsWith('leader.json')), `renewals seen: ${leading.count()}`);

    configured.value = false; // the last source is turned off
    await coordinator.check();
    assert.equal(coordinator.isLeader, false);
    assert.equal(existsSync(join(dir, 'leader.json')), false, 'the lease was let go');
    const fetched = refreshes();
    const idle = countWrites(dir);
    await sleep(25 * HEARTBEAT_MS);
    assert.equal(idle.count(), 0, `writes in 25 heartbeats with nothing to fetch: ${[...idle.names].join(', ')}`);
    assert.equal(refreshes(), fetched, 'no fetch');
  });

  void it('a window started with nothing configured never claims the lease; a source configured later is claimed and fetched at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-idle-'));
    const configured = { value: false };
    const writes = countWrites(dir);
    const { coordinator, refreshes } = await window(dir, configured);
    const a = await window(dir, configured);
    await sleep(20 * HEARTBEAT_MS);
    assert.equal(coordinator.isLeader || a.coordinator.isLeader, false);
    assert.equal(writes.count(), 0, `writes with nothing to fetch: ${[...writes.names].join(', ')}`);
    assert.equal(refreshes(), 0);

    configured.value = true; // a source is configured: every window hears of it
    coordinator.changed('settings changed');
    a.coordinator.changed('settings changed');
    await until('one window to lead and fetch', () => refreshes() + a.refreshes() > 0);
    await sleep(5 * HEARTBEAT_MS);
    assert.equal(Number(coordinator.isLeader) + Number(a.coordinator.isLeader), 1, 'exactly one leads');
    assert.equal(refreshes() + a.refreshes(), 1, 'one fetch');
  });

  void it('"Refresh Now" with nothing configured refreshes the window asking, without waiting for a leader', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-idle-'));
    const { coordinator, refreshes } = await window(dir, { value: false });
    const started = Date.now();
    await coordinator.refresh('Refresh Now');
    assert.ok(Date.now() - started < 1_000);
    assert.equal(refreshes(), 1);
    assert.equal(existsSync(join(dir, 'refresh-request.json')), false, 'nobody was asked');
  });
});

void describe('coordinator: the lease on disk', { timeout: 30_000 }, () => {
  void it('is renewed without a flush to disk (fsync)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-lease-'));
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    let syncs = 0;
    const sync = proto.sync;
    proto.sync = function (this: unknown) {
      syncs++;
      return sync.call(this);
    };
    cleanup.push(() => (proto.sync = sync));
    const { coordinator } = await window(dir, { value: true });
    const writes = countWrites(dir);
    await sleep(10 * HEARTBEAT_MS);
    assert.ok(coordinator.isLeader && writes.count() >= 5);
    assert.equal(syncs, 0);
  });

  void it('is released by a closing leader: dispose settles after a look under way, with the lease gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-lease-'));
    const { coordinator } = await window(dir, { value: true });
    assert.ok(coordinator.isLeader);
    const look = coordinator.check();
    await coordinator.dispose();
    await look;
    assert.equal(existsSync(join(dir, 'leader.json')), false);
    assert.equal(coordinator.isLeader, false);
  });
});
