/**
 * OpenCode's store on Node 24's node:sqlite: rows read from `message` and OpenCode 2's
 * `session_message`, rows still only in the `-wal` file seen while the agent's connection is open,
 * the JSON store deduped against the database, and the cross-check with ccusage 20.0.24
 * (`ccusage opencode daily`) within 0.5%, tokens and cost. Where ccusage is wrong (reasoning
 * counted twice, channel databases skipped) the days are checked against hand-computed totals.
 *
 * Run: ~/.cache/token-budget/editor/node_modules/.bin/node --import tsx --test test/unit/localLogs/agents/opencode.sqlite.test.ts
 */
import assert from 'node:assert/strict';
import { copyFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readStore } from '../../../../src/sources/localLogs/parsers/openCodeStore';
import { openCodeFormat } from '../../../../src/sources/localLogs/parsers/opencode';
import { readOnly, databaseSync, dataDir, insertMessage, insertSession, insertV2Message, insertV2User, openStore, utc, writeStoreCorpus, writeStoreTraps } from '../../../fakes/agents/opencode';
import { assertSameDays, scanAgent, type DayTotals, tempHomes } from '../agentHarness';
import { ccusageDays, daysOf, formatUsages, without } from './storeCheck';

const tempHome = tempHomes('tb-opencode-');

void test('a database: v1 assistant rows and OpenCode 2 session_message rows, projects from the session', () => {
  const home = tempHome();
  const store = openStore(path.join(dataDir(home, 'opencode'), 'opencode.db'), { v2: true });
  try {
    insertSession(store.db, 'ses_1', '/work/one', utc(2, 1, 0));
    insertMessage(store.db, { id: 'msg_a', session: 'ses_1', ms: utc(2, 3, 0), model: 'claude-sonnet-4-5', provider: 'anthropic', tokens: { input: 10, output: 5, reasoning: 0, read: 100, write: 7 }, cost: 0.5 });
    insertV2User(store.db, 'msg_u', 'ses_1', utc(2, 4, 0), 0);
    insertV2Message(store.db, { id: 'msg_b', session: 'ses_1', ms: utc(2, 4, 1), model: 'gpt-5', provider: 'openai', tokens: { input: 20, output: 8, reasoning: 4, read: 0, write: 0 }, cost: 0 }, 1);
    const db = readOnly(store.file);
    try {
      const got = readStore(db).sort((a, b) => a.ms - b.ms);
      assert.equal(got.length, 2);
      assert.deepEqual(got[0], { ms: utc(2, 3, 0), model: 'claude-sonnet-4-5', input: 10, output: 5, cacheRead: 100, cacheWrite: 7, loggedCost: 0.5, key: 'msg_a', rank: 2, project: '/work/alpha' });
      assert.deepEqual(got[1], { ms: utc(2, 4, 1), model: 'gpt-5', input: 20, output: 12, cacheRead: 0, cacheWrite: 0, loggedCost: 0, key: 'msg_b', rank: 2, project: '/work/one' });
    } finally {
      db.close();
    }
  } finally {
    store.close();
  }
});

void test('a database that is not a store (no message tables) yields nothing, without throwing', () => {
  const home = tempHome();
  const Db = databaseSync();
  const file = path.join(home, 'other.db');
  const w = new Db(file);
  w.exec('CREATE TABLE message (id TEXT, body TEXT); INSERT INTO message VALUES (\'1\', \'hi\');');
  w.close();
  const db = readOnly(file);
  try {
    assert.deepEqual(readStore(db), []);
  } finally {
    db.close();
  }
});

void test('rows still only in the -wal file are read while the agent keeps the database open', () => {
  const home = tempHome();
  const corpus = writeStoreCorpus(home, { agent: 'opencode' });
  try {
    const file = corpus.store.file;
    assert.ok(statSync(`${file}-wal`).size > 0, 'the -wal file holds the last rows');
    // The main file alone does not have them…
    const copy = path.join(home, 'main-only.db');
    copyFileSync(file, copy);
    const alone = readOnly(copy);
    const keysAlone = new Set(readStore(alone).map((u) => u.key));
    alone.close();
    for (const m of corpus.walOnly) assert.ok(!keysAlone.has(m.id), `${m.id} is not in the main file`);
    // …a read-only connection beside the writer sees them.
    const db = readOnly(file);
    const keys = new Set(readStore(db).map((u) => u.key));
    db.close();
    for (const m of corpus.walOnly) assert.ok(keys.has(m.id), `${m.id} is read from the -wal file`);
  } finally {
    corpus.store.close();
  }
});

void test('cross-check with ccusage opencode: the format (database, -wal, JSON store) within 0.5%, tokens and cost', async () => {
  const home = tempHome();
  const corpus = writeStoreCorpus(home, { agent: 'opencode' });
  try {
    const usages = formatUsages(openCodeFormat, {}, home);
    // The JSON copies of migrated messages lose to the database rows (their input is inflated tenfold).
    for (const m of corpus.messages.slice(0, 6)) assert.equal(usages.find((u) => u.key === m.id)?.input, m.tokens.input);
    const mine = daysOf(usages);
    const theirs = await ccusageDays('opencode', home);
    assert.equal(mine.size, 6);
    assertSameDays(mine, theirs);
  } finally {
    corpus.store.close();
  }
});

void test('cross-check with ccusage opencode: the scanner (scanAgent) within 0.5%, tokens and cost', async () => {
  const home = tempHome();
  const corpus = writeStoreCorpus(home, { agent: 'opencode' });
  try {
    const { days } = scanAgent('openCode', home);
    const theirs = await ccusageDays('opencode', home);
    assertSameDays(without(days, corpus.fileOnlyDays), without(theirs, corpus.fileOnlyDays));
    const missing = corpus.fileOnlyDays.filter((d) => !days.has(d));
    assert.deepEqual(missing, [], 'the JSON store\'s own days are counted (the companion format)');
    assertSameDays(days, theirs);
  } finally {
    corpus.store.close();
  }
});

function pick(days: DayTotals, day: string) {
  const d = days.get(day);
  assert.ok(d, day);
  return d;
}

void test('where ccusage is wrong: reasoning already in output, a second channel database (hand-computed)', async () => {
  const home = tempHome();
  const traps = writeStoreTraps(home, 'opencode');
  try {
    const mine = daysOf(formatUsages(openCodeFormat, traps.env, home));
    const scanned = scanAgent('openCode', home, traps.env).days;
    const theirs = await ccusageDays('opencode', home, traps.ccusageEnv);
    for (const want of traps.days) {
      for (const [name, days] of [
        ['format', mine],
        ['scanner', scanned],
      ] as const) {
        const got = pick(days, want.day);
        assert.deepEqual([got.input, got.output, got.read, got.write], [want.input, want.output, want.read, want.write], `${name} ${want.day}`);
        assert.ok(Math.abs(got.cost - want.cost) < 1e-9, `${name} ${want.day} cost ${got.cost} vs ${want.cost}`);
      }
      // ccusage 20.0.24's own figures for the day, as observed (so a change in ccusage shows here).
      const c = theirs.get(want.day);
      if (want.ccusage === null) assert.equal(c, undefined, `ccusage has no ${want.day}`);
      else {
        assert.ok(c, `ccusage ${want.day}`);
        assert.equal(c.tokens, want.ccusage.tokens, `ccusage tokens ${want.day}`);
        assert.ok(Math.abs(c.cost - want.ccusage.cost) < 1e-6, `ccusage cost ${want.day}: ${c.cost}`);
      }
    }
  } finally {
    for (const s of traps.stores) s.close();
  }
});
