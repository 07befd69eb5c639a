/**
 * OpenCode's store read incrementally (openCodeStore.ts `readStoreSince`, records.ts `readDelta`):
 * after a first read only the rows from the cursor on are read; a reply written again in place
 * replaces what it counted; rows deleted, a database rewritten or another schema fall back to a
 * whole read, and the totals stay those of a fresh scan. Rows read are counted, not timed (the
 * timings are `npm run bench:sqlite`'s). The writer stays open (WAL): the new rows are in the
 * `-wal` file, as a running OpenCode leaves them.
 *
 * Run: node scripts/run-tests.mjs test/unit test/unit/localLogs/agents/opencodeIncremental.sqlite.test.ts
 */
import assert from 'node:assert/strict';
import { copyFileSync, renameSync, rmSync, watch } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readStoreSince } from '../../../../src/sources/localLogs/parsers/openCodeStore';
import { candidateRoots, scanDirs } from '../../../../src/sources/localLogs/paths';
import { Scanner, type LocalSync, type ScanResult } from '../../../../src/sources/localLogs/scanner';
import { LogWatcher } from '../../../../src/sources/localLogs/watcher';
import { readOnly, databaseSync, dataDir, insertMessage, insertSession, insertUserMessage, openStore, utc, v1Payload, type AssistantMessage, type Store } from '../../../fakes/agents/opencode';
import { ZONE, tempHomes } from '../agentHarness';

const tempHome = tempHomes('tb-opencode-inc-');

let n = 0;
/** A completed reply of `day` (March 2026), tokens from `k`. */
function reply(day: number, k: number, session = 'ses_1'): AssistantMessage {
  n++;
  return { id: `msg_${String(n).padStart(5, '0')}`, session, ms: utc(day, 3 + (k % 12), k % 60), model: 'claude-sonnet-4-5', provider: 'anthropic', tokens: { input: 100 + k, output: 50 + k, reasoning: 0, read: 1000 + k, write: 10 }, cost: 0 };
}

/** A store with `count` completed replies (and their user turns) over days 2–5, checkpointed; the writer stays open. */
function seeded(home: string, count = 20): Store {
  const store = openStore(path.join(dataDir(home, 'opencode'), 'opencode.db'));
  insertSession(store.db, 'ses_1', '/work/one', utc(2, 1, 0));
  for (let k = 0; k < count; k++) {
    const m = reply(2 + (k % 4), k);
    insertUserMessage(store.db, `${m.id}_u`, m.session, m.ms - 1000);
    insertMessage(store.db, m);
  }
  store.checkpoint();
  return store;
}

/** A reply as OpenCode inserts it while it streams: no `time.completed`. */
function insertOpen(store: Store, m: AssistantMessage): void {
  const data = v1Payload(m);
  data['time'] = { created: m.ms };
  store.db.prepare('INSERT INTO message VALUES (?, ?, ?, ?, ?)').run(m.id, m.session, m.ms, m.ms, JSON.stringify(data));
}

/** The reply written again in place (OpenCode's upsert: same row), completed. */
function complete(store: Store, m: AssistantMessage): void {
  store.db.prepare('UPDATE message SET data = ?, time_updated = ? WHERE id = ?').run(JSON.stringify(v1Payload(m)), m.ms + 5000, m.id);
}

/** Scans of OpenCode under `home` with one scanner (its state kept), full or as the watcher reports the `-wal` file. */
function scanning(home: string, stateFile?: string) {
  const roots = candidateRoots('openCode', [], {}, home);
  const dirs = scanDirs('openCode', roots);
  const identity = roots.join(path.delimiter);
  const wal = path.join(dataDir(home, 'opencode'), 'opencode.db-wal');
  let scanner = new Scanner({ saveIntervalMs: 0 });
  let sync: unknown;
  const run = (s: Scanner, paths?: string[]): ScanResult => {
    const original = process.env['TZ'];
    process.env['TZ'] = ZONE;
    try {
      const r = s.scan({ source: 'openCode', identity, dirs, sync: s === scanner ? sync : undefined, ...(paths ? { paths } : {}), ...(stateFile && s === scanner ? { stateFile } : {}) });
      if (s === scanner) {
        sync = r.sync;
        s.saveDue();
      }
      return r;
    } finally {
      if (original === undefined) delete process.env['TZ'];
      else process.env['TZ'] = original;
    }
  };
  return {
    full: () => run(scanner),
    watched: () => run(scanner, [wal]),
    /** A cold scan of the same files by a scanner of its own. */
    fresh: () => run(new Scanner()),
    /** A new scanner (as after a restart of the editor), starting from the state file. */
    restart: () => {
      scanner = new Scanner({ saveIntervalMs: 0 });
    },
  };
}

/** The sync's days, costs rounded to 1e-6 (sums taken in another order differ in the last bits). */
function daysOf(sync: LocalSync): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [day, rows] of Object.entries(sync.days)) out[day] = rows.map(([model, cost, ...rest]) => [model, Math.round(cost * 1e6) / 1e6, ...rest]).sort();
  return out;
}

function tokensOf(r: ScanResult): number {
  let t = 0;
  for (const rows of Object.values(r.sync.days)) for (const [, , i, o, rd, w] of rows) t += i + o + rd + w;
  return t;
}

function total(m: AssistantMessage): number {
  return m.tokens.input + m.tokens.output + m.tokens.read + m.tokens.write;
}

void test('the store read from a cursor: only the rows added since (in the -wal file, the writer open)', () => {
  const home = tempHome();
  const store = seeded(home);
  try {
    let db = readOnly(store.file);
    const first = readStoreSince(db, null);
    db.close();
    assert.ok(first && first.cursor !== null);
    assert.equal(first.usages.length, 20);
    assert.equal(first.rows, 40, 'every row, user turns too');
    const m = reply(6, 1);
    insertMessage(store.db, m);
    db = readOnly(store.file);
    const next = readStoreSince(db, first.cursor);
    db.close();
    assert.ok(next);
    assert.equal(next.rows, 1, 'only the new row is read');
    assert.deepEqual(
      next.usages.map((u) => u.key),
      [m.id],
    );
    db = readOnly(store.file);
    const again = readStoreSince(db, next.cursor);
    db.close();
    assert.equal(again?.rows, 0, 'nothing new: nothing read');
  } finally {
    store.close();
  }
});

void test('a new row appended while OpenCode writes is counted once, by reading it alone', () => {
  const home = tempHome();
  const store = seeded(home);
  try {
    const s = scanning(home);
    const cold = s.full();
    assert.equal(cold.stats.entries, 20);
    const m = reply(6, 7);
    insertUserMessage(store.db, `${m.id}_u`, m.session, m.ms - 1000);
    insertMessage(store.db, m);
    const r = s.watched();
    assert.equal(r.stats.entries, 1, 'one usage read: the new row');
    assert.equal(tokensOf(r), tokensOf(cold) + total(m));
    assert.deepEqual(r.days, ['2026-03-06']);
    const unchanged = s.watched();
    assert.equal(unchanged.stats.entries, 0);
    assert.equal(tokensOf(unchanged), tokensOf(r));
    assert.deepEqual(daysOf(r.sync), daysOf(s.fresh().sync));
  } finally {
    store.close();
  }
});

void test("the scan's own reads of the store ask for no refresh; OpenCode writing a row does", async () => {
  // Opening the database read-only touches its -wal file (as root, SQLite sets its owner): counted
  // as a change, every scan asked for the next, one every 10 s while the window was open.
  const home = tempHome();
  const store = seeded(home);
  const data = dataDir(home, 'opencode');
  const raw: string[] = [];
  const rawWatch = watch(data, (event, name) => raw.push(`${event} ${String(name)}`));
  const asked: string[][] = [];
  const watcher = new LogWatcher((sources) => asked.push(sources), { debounceMs: 50, minIntervalMs: 0, recursive: false });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 400));
  try {
    const s = scanning(home);
    watcher.watch('openCode', [data]);
    watcher.take('openCode');
    assert.equal(s.full().stats.entries, 20);
    assert.equal(s.watched().stats.entries, 0);
    await settle();
    // Where SQLite touches the file (as root), the reads were seen and not counted.
    if (process.getuid?.() === 0) assert.ok(raw.some((r) => r.endsWith('opencode.db-wal')), `the reads touched the -wal file (${JSON.stringify(raw)})`);
    assert.deepEqual(asked, [], 'no refresh asked for by reading');
    const m = reply(6, 3);
    insertMessage(store.db, m);
    await settle();
    assert.deepEqual(asked, [['openCode']], 'a new row asks for one');
    assert.deepEqual([...watcher.take('openCode').paths], [path.join(data, 'opencode.db-wal')]);
    assert.equal(s.watched().stats.entries, 1);
  } finally {
    rawWatch.close();
    watcher.dispose();
    store.close();
  }
});

void test('a reply written again in place as it streams replaces what it counted (open until time.completed)', () => {
  const home = tempHome();
  const store = seeded(home);
  try {
    const s = scanning(home);
    const cold = s.full();
    const m = reply(6, 3);
    const early = { ...m, tokens: { ...m.tokens, output: 5 } };
    insertOpen(store, early);
    const r1 = s.watched();
    assert.equal(tokensOf(r1), tokensOf(cold) + total(early));
    // Another message arrives meanwhile; the open reply is read again with it (it may still change).
    const other = reply(6, 4);
    insertMessage(store.db, other);
    const r2 = s.watched();
    assert.equal(r2.stats.entries, 2, 'the new row and the reply still open');
    assert.equal(tokensOf(r2), tokensOf(cold) + total(early) + total(other));
    complete(store, m);
    const r3 = s.watched();
    assert.equal(tokensOf(r3), tokensOf(cold) + total(m) + total(other), 'the completed copy replaces the streaming one');
    assert.equal(r3.stats.entries, 2, 'read again from the open reply on');
    assert.deepEqual(daysOf(r3.sync), daysOf(s.fresh().sync));
    // Completed: it is not read again.
    insertMessage(store.db, reply(6, 5));
    assert.equal(s.watched().stats.entries, 1);
  } finally {
    store.close();
  }
});

void test('a deleted row falls back to a whole read: the totals are a fresh scan’s', () => {
  const home = tempHome();
  const store = seeded(home);
  try {
    const s = scanning(home);
    s.full();
    const gone = store.db.prepare("SELECT id FROM message WHERE id NOT LIKE '%_u' ORDER BY id LIMIT 1 OFFSET 3") as unknown as { all(): { id: string }[] };
    const id = (gone.all()[0] as { id: string }).id;
    store.db.prepare('DELETE FROM message WHERE id = ?').run(id);
    // A new row as well, so that the count alone would not tell.
    insertMessage(store.db, reply(6, 9));
    const r = s.watched();
    assert.equal(r.stats.entries, 20, 'read whole: 20 − 1 + 1 usages');
    assert.deepEqual(daysOf(r.sync), daysOf(s.fresh().sync));
    // …and incremental again after.
    insertMessage(store.db, reply(6, 10));
    const next = s.watched();
    assert.equal(next.stats.entries, 1);
    assert.deepEqual(daysOf(next.sync), daysOf(s.fresh().sync));
  } finally {
    store.close();
  }
});

void test('the newest row deleted and its rowid taken by a new one: seen (the cursor remembers whose rowid it was)', () => {
  const home = tempHome();
  const store = seeded(home);
  try {
    const s = scanning(home);
    s.full();
    const newest = store.db.prepare('SELECT id FROM message ORDER BY rowid DESC LIMIT 1') as unknown as { all(): { id: string }[] };
    store.db.prepare('DELETE FROM message WHERE id = ?').run((newest.all()[0] as { id: string }).id);
    insertMessage(store.db, reply(6, 11));
    const r = s.watched();
    assert.deepEqual(daysOf(r.sync), daysOf(s.fresh().sync));
  } finally {
    store.close();
  }
});

void test('a database rewritten (copied over in place, or replaced by a new file) or of another schema is read whole', () => {
  const home = tempHome();
  const store = seeded(home);
  const file = store.file;
  store.close();
  const s = scanning(home);
  s.full();
  // Another store, copied over the same file (same inode, other rows, the same schema).
  const otherHome = tempHome();
  const other = seeded(otherHome, 7);
  other.close();
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  copyFileSync(other.file, file);
  let r = s.full();
  assert.equal(r.stats.entries, 7);
  assert.deepEqual(daysOf(r.sync), daysOf(s.fresh().sync));
  // A new file renamed over it.
  const third = seeded(tempHome(), 3);
  third.close();
  renameSync(third.file, file);
  r = s.full();
  assert.equal(r.stats.entries, 3);
  assert.deepEqual(daysOf(r.sync), daysOf(s.fresh().sync));
  // Another schema (a migration): whole.
  const w = openStore(file);
  w.db.exec('PRAGMA user_version = 7');
  insertMessage(w.db, reply(6, 2));
  r = s.watched();
  assert.equal(r.stats.entries, 4);
  assert.deepEqual(daysOf(r.sync), daysOf(s.fresh().sync));
  insertMessage(w.db, reply(6, 3));
  assert.equal(s.watched().stats.entries, 1, 'then incremental again');
  w.close();
});

void test('the cursor is kept in the state file: after a restart only the new rows are read', () => {
  const home = tempHome();
  const store = seeded(home);
  try {
    const s = scanning(home, path.join(home, 'openCode.state'));
    s.full();
    s.restart();
    insertMessage(store.db, reply(6, 6));
    const r = s.watched();
    assert.equal(r.stats.mode, 'incremental');
    assert.equal(r.stats.entries, 1);
    assert.deepEqual(daysOf(r.sync), daysOf(s.fresh().sync));
  } finally {
    store.close();
  }
});

void test('a message table without rowids (WITHOUT ROWID) is still read, whole every time', () => {
  const home = tempHome();
  const Db = databaseSync();
  const file = path.join(home, 'norowid.db');
  const w = new Db(file);
  w.exec('CREATE TABLE message (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, data TEXT NOT NULL) WITHOUT ROWID');
  insertMessage(w, reply(2, 1));
  w.close();
  const db = readOnly(file);
  try {
    const got = readStoreSince(db, null);
    assert.equal(got?.usages.length, 1);
    assert.equal(got?.cursor, null, 'no cursor: read whole next time');
  } finally {
    db.close();
  }
});
