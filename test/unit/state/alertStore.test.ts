import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EMPTY_MEMORY, evaluateAlerts, withSnooze, type Alert, type AlertMemory } from '../../../src/core/alerts';
import { AlertStore, parseAlertMemory, type AlertMemoryNotice } from '../../../src/state/alertStore';
import { withFileLock } from '../../../src/state/fileLock';
import { input } from '../alerts/helpers';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

void describe('withFileLock', () => {
  void it('lets one holder in at a time: no lost update among concurrent read-modify-writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-lock-'));
    const counter = join(dir, 'counter');
    await writeFile(counter, '0');
    const lock = join(dir, 'counter.lock');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withFileLock(lock, async () => {
          const n = Number(await readFile(counter, 'utf8'));
          await sleep(1);
          await writeFile(counter, String(n + 1));
        }),
      ),
    );
    assert.equal(await readFile(counter, 'utf8'), '20');
    assert.deepEqual(await readdir(dir), ['counter'], 'the lock is gone afterwards');
  });

  void it('breaks a lock left behind by a crashed holder once it is stale, and only then', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-lock-'));
    const lock = join(dir, 'x.lock');
    await writeFile(lock, JSON.stringify({ token: 'dead', pid: 1, at: new Date().toISOString() }));
    await assert.rejects(withFileLock(lock, () => Promise.resolve(1), { staleMs: 5_000, timeoutMs: 100 }), /stayed busy/);
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    assert.equal(await withFileLock(lock, () => Promise.resolve(42), { staleMs: 5_000, timeoutMs: 100 }), 42);
    assert.deepEqual(await readdir(dir), []);
  });

  void it('releases the lock when the work throws', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-lock-'));
    const lock = join(dir, 'x.lock');
    await assert.rejects(withFileLock(lock, () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await withFileLock(lock, () => Promise.resolve('free'), { timeoutMs: 100 }), 'free');
  });
});

void describe('AlertStore', () => {
  void it('starts empty, and round-trips what it is given', async () => {
    const store = new AlertStore(await mkdtemp(join(tmpdir(), 'tb-alerts-')));
    assert.deepEqual(await store.load(), EMPTY_MEMORY);
    const until = new Date('2030-01-01T00:00:00Z');
    await store.update((m) => ({ memory: withSnooze(m, until), result: undefined }));
    assert.equal((await new AlertStore(store.dir).load()).snoozedUntil, until.toISOString(), 'another window (or a restart) sees it');
  });

  void it('reads a damaged or foreign file as empty memory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-alerts-'));
    await writeFile(join(dir, 'alerts.json'), '{"version": 2}');
    assert.deepEqual(await new AlertStore(dir).load(), EMPTY_MEMORY);
    await writeFile(join(dir, 'alerts.json'), 'not json');
    assert.deepEqual(await new AlertStore(dir).load(), EMPTY_MEMORY);
    assert.deepEqual(parseAlertMemory({ version: 1, years: { '2026-01-01': { thresholdsShown: [50], thresholdsMuted: false, paceArmed: true } }, spikeDays: [] }).years['2026-01-01']?.thresholdsShown, [50]);
  });

  void it('writes only when the memory changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-alerts-'));
    const store = new AlertStore(dir);
    await store.update((m) => ({ memory: m, result: undefined }));
    assert.deepEqual(await readdir(dir), []);
  });

  void it('five windows evaluating 92% at the same moment show the 90% alert exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-alerts-'));
    const windows = Array.from({ length: 5 }, () => new AlertStore(dir));
    const shown = await Promise.all(
      windows.map((store) =>
        store.update((memory) => {
          const d = evaluateAlerts(input({ percent: 92, memory }));
          return { memory: d.memory, result: d.alerts };
        }),
      ),
    );
    const all: Alert[] = shown.flat();
    assert.deepEqual(
      all.map((a) => a.id),
      ['threshold:2026-01-01:90'],
    );
  });

  void it('a snooze chosen in one window survives another window consuming alerts at the same time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-alerts-'));
    const until = new Date('2030-01-01T00:00:00Z');
    await Promise.all([
      new AlertStore(dir).update((memory) => ({ memory: evaluateAlerts(input({ percent: 60, memory })).memory, result: undefined })),
      new AlertStore(dir).update((memory) => ({ memory: withSnooze(memory, until), result: undefined })),
    ]);
    const memory = await new AlertStore(dir).load();
    assert.equal(memory.snoozedUntil, until.toISOString());
    // Either order is right: evaluated first (50 consumed), or snoozed first (nothing consumed).
    const shown = JSON.stringify(memory.years['2026-01-01']?.thresholdsShown ?? []);
    assert.ok(shown === '[50]' || shown === '[]', shown);
  });

  void it('an unreadable file is moved aside and reported, and the last good copy is used: a snoozed alert does not show again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-alerts-'));
    const notices: AlertMemoryNotice[] = [];
    const store = new AlertStore(dir, { onUnreadable: (notice) => notices.push(notice) });
    const evaluate = (memory: AlertMemory) => {
      const d = evaluateAlerts(input({ percent: 92, memory }));
      return { memory: d.memory, result: d.alerts.map((a) => a.id) };
    };
    assert.deepEqual(await store.update(evaluate), ['threshold:2026-01-01:90']);
    const until = new Date(2026, 6, 22);
    await store.update((m) => ({ memory: withSnooze(m, until), result: undefined }));
    // The file gets damaged (cut short).
    const good = await readFile(join(dir, 'alerts.json'), 'utf8');
    const damaged = good.slice(0, -20);
    await writeFile(join(dir, 'alerts.json'), damaged);

    assert.equal((await new AlertStore(dir).load()).snoozedUntil, until.toISOString(), 'a reader sees the last good copy');
    assert.deepEqual(await store.update(evaluate), [], 'still snoozed, and the 90% alert was shown already');
    assert.equal(notices.length, 1);
    const notice = notices[0]!;
    assert.match(notice.reason, /not valid JSON/);
    assert.equal(await readFile(notice.movedTo, 'utf8'), damaged, 'the damaged file is kept where the notice says');
    assert.ok(notice.restoredFrom, 'the notice says the last good copy was used');
    assert.equal((await new AlertStore(dir).load()).snoozedUntil, until.toISOString(), 'alerts.json is whole again');
    await store.update(evaluate);
    assert.equal(notices.length, 1, 'reported once');
  });

  void it('an unreadable file with no good copy is still kept (moved aside, reported), and the memory starts empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-alerts-'));
    await writeFile(join(dir, 'alerts.json'), '{ "version": 1, "years": {');
    const notices: AlertMemoryNotice[] = [];
    const store = new AlertStore(dir, { onUnreadable: (notice) => notices.push(notice) });
    await store.update((m) => ({ memory: m, result: undefined }));
    assert.equal(notices.length, 1);
    assert.equal(notices[0]?.restoredFrom, undefined);
    assert.equal(await readFile(notices[0]!.movedTo, 'utf8'), '{ "version": 1, "years": {');
    assert.deepEqual(await store.load(), EMPTY_MEMORY);
  });

  void it('a file from a newer version is read when its shape still fits (the original is kept), and moved aside when not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-alerts-'));
    const newer = JSON.stringify({ version: 2, snoozedUntil: '2030-01-01T00:00:00.000Z', years: { '2026-01-01': { thresholdsShown: [50, 75], thresholdsMuted: false, paceArmed: true, extra: 1 } }, spikeDays: [], future: true });
    await writeFile(join(dir, 'alerts.json'), newer);
    const notices: AlertMemoryNotice[] = [];
    const store = new AlertStore(dir, { onUnreadable: (notice) => notices.push(notice) });
    const shown = await store.update((memory) => {
      const d = evaluateAlerts(input({ percent: 80, memory }));
      return { memory: { ...d.memory, snoozedUntil: undefined }, result: d.alerts };
    });
    assert.deepEqual(shown, [], 'snoozed, and 75% already shown');
    assert.equal(notices.length, 0);
    assert.equal(await readFile(join(dir, 'alerts.json.v2-backup'), 'utf8'), newer, 'what this version does not know is kept');

    await writeFile(join(dir, 'alerts.json'), JSON.stringify({ version: 3, memory: {} }));
    await store.update((m) => ({ memory: m, result: undefined }));
    assert.equal(notices.length, 1);
    assert.match(notices[0]!.reason, /newer version of Token Budget \(format 3\)/);
    assert.ok(notices[0]!.restoredFrom, 'the last good copy is used');
    assert.deepEqual((await store.load()).years['2026-01-01']?.thresholdsShown, [50, 75]);
  });
});
