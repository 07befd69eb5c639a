/**
 * ZCode's `model_usage` read incrementally (zcode.ts `readZcodeSince`): after a first read only the
 * rows inserted since and the requests not completed then are read; a request that completes in
 * place is counted once, with its final tokens; a deleted row falls back to a whole read, the
 * totals those of a fresh scan. Rows read are counted, not timed (`npm run bench:sqlite` times
 * them). The writer stays open (WAL): the new rows are in the `-wal` file.
 *
 * Run: node scripts/run-tests.mjs test/unit test/unit/localLogs/agents/zcodeIncremental.sqlite.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { readZcodeSince } from '../../../../src/sources/localLogs/parsers/zcode';
import { candidateRoots, scanDirs } from '../../../../src/sources/localLogs/paths';
import { Scanner, type ScanResult } from '../../../../src/sources/localLogs/scanner';
import { insert, openWriter, sqlite, utc, type WriterDb } from '../../../fakes/agents/sqlite';
import { ZONE } from '../agentHarness';

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const SCHEMA = `CREATE TABLE model_usage (id TEXT PRIMARY KEY, session_id TEXT, started_at INTEGER, completed_at INTEGER, model_id TEXT, provider_id TEXT, status TEXT,
  input_tokens INTEGER, output_tokens INTEGER, cache_creation_input_tokens INTEGER, cache_read_input_tokens INTEGER, computed_total_tokens INTEGER);
CREATE TABLE session (id TEXT PRIMARY KEY, directory TEXT, title TEXT)`;

let n = 0;
/** A request row of day `day` (March 2026): `status`, tokens from `k`. */
function request(day: number, k: number, status = 'completed'): Record<string, string | number | null> {
  n++;
  const started = utc(day, 4 + (k % 10), k % 60);
  return { id: `usage-${n}`, session_id: 'ses_1', started_at: started, completed_at: status === 'running' ? null : started + 9000, model_id: 'glm-4.6', provider_id: 'zai', status, input_tokens: 5000 + k, output_tokens: 300 + k, cache_creation_input_tokens: 0, cache_read_input_tokens: 1000, computed_total_tokens: 5300 + 2 * k };
}

function setUp(): { home: string; db: WriterDb; file: string } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'tb-zcode-inc-'));
  temps.push(home);
  const file = path.join(home, '.zcode', 'cli', 'db', 'db.sqlite');
  const db = openWriter(file);
  db.exec(SCHEMA);
  insert(db, 'session', { id: 'ses_1', directory: '/work/z', title: 't' });
  for (let k = 0; k < 12; k++) insert(db, 'model_usage', request(2 + (k % 3), k));
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  return { home, db, file };
}

function scanning(home: string) {
  const roots = candidateRoots('zcode', [], {}, home);
  const req = { source: 'zcode' as const, identity: roots.join(path.delimiter), dirs: scanDirs('zcode', roots) };
  const wal = path.join(home, '.zcode', 'cli', 'db', 'db.sqlite-wal');
  const scanner = new Scanner();
  let sync: unknown;
  const run = (s: Scanner, paths?: string[]): ScanResult => {
    const original = process.env['TZ'];
    process.env['TZ'] = ZONE;
    try {
      const r = s.scan({ ...req, sync: s === scanner ? sync : undefined, ...(paths ? { paths } : {}) });
      if (s === scanner) sync = r.sync;
      return r;
    } finally {
      if (original === undefined) delete process.env['TZ'];
      else process.env['TZ'] = original;
    }
  };
  return { full: () => run(scanner), watched: () => run(scanner, [wal]), fresh: () => run(new Scanner()) };
}

function tokensOf(r: ScanResult): number {
  let t = 0;
  for (const rows of Object.values(r.sync.days)) for (const [, , i, o, rd, w] of rows) t += i + o + rd + w;
  return t;
}

function daysOf(r: ScanResult): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [day, rows] of Object.entries(r.sync.days)) out[day] = rows.map(([model, cost, ...rest]) => [model, Math.round(cost * 1e6) / 1e6, ...rest]).sort();
  return out;
}

const skip = sqlite() ? false : 'node:sqlite is missing';

void test('the table read from a cursor: only the rows inserted since', { skip }, () => {
  const { db, file } = setUp();
  try {
    const Db = sqlite()?.DatabaseSync;
    assert.ok(Db);
    const read = (cursor: unknown) => {
      const r = new Db(file, { readOnly: true });
      try {
        return readZcodeSince(r, cursor);
      } finally {
        r.close();
      }
    };
    const first = read(null);
    assert.ok(first && first.cursor !== null);
    assert.equal(first.usages.length, 12);
    insert(db, 'model_usage', request(5, 1));
    const next = read(first.cursor);
    assert.equal(next?.rows, 1);
    assert.equal(next?.usages.length, 1);
  } finally {
    db.close();
  }
});

void test('a request inserted running and completed in place is counted once, with its final tokens', { skip }, () => {
  const { home, db } = setUp();
  try {
    const s = scanning(home);
    const cold = s.full();
    const running = request(5, 2, 'running');
    insert(db, 'model_usage', running);
    let r = s.watched();
    assert.equal(r.stats.entries, 0, 'a running request counts nothing yet');
    insert(db, 'model_usage', request(5, 3));
    r = s.watched();
    assert.equal(r.stats.entries, 1, 'the new completed row (the running one is read again, and counts nothing)');
    db.prepare("UPDATE model_usage SET status = 'completed', output_tokens = 900, computed_total_tokens = ? WHERE id = ?").run(Number(running['input_tokens']) + 900, String(running['id']));
    r = s.watched();
    // ZCode's input holds the cache reads: a row's tokens are its input and output.
    assert.equal(tokensOf(r), tokensOf(cold) + (5000 + 3 + 300 + 3) + (Number(running['input_tokens']) + 900));
    assert.deepEqual(daysOf(r), daysOf(s.fresh()));
    insert(db, 'model_usage', request(5, 4));
    assert.equal(s.watched().stats.entries, 1, 'completed rows are not read again');
  } finally {
    db.close();
  }
});

void test('a deleted row falls back to a whole read: the totals are a fresh scan’s', { skip }, () => {
  const { home, db } = setUp();
  try {
    const s = scanning(home);
    s.full();
    const first = db.prepare('SELECT id FROM model_usage ORDER BY rowid LIMIT 1').all()[0] as { id: string };
    db.prepare('DELETE FROM model_usage WHERE id = ?').run(first.id);
    insert(db, 'model_usage', request(5, 5));
    const r = s.watched();
    assert.equal(r.stats.entries, 12, 'read whole: 12 − 1 + 1');
    assert.deepEqual(daysOf(r), daysOf(s.fresh()));
  } finally {
    db.close();
  }
});
