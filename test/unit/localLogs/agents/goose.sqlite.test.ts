// Goose's format (src/sources/localLogs/parsers/goose.ts): its traps by hand, and the day totals of
// a generated corpus against ccusage's `goose daily`.
//
// ccusage is wrong about Goose's cache: it reads no cache column and prices all input at the input
// rate, while Goose's input includes its cache reads and writes
// (block/goose crates/goose-providers/src/conversation/token_usage.rs). So the tokens are
// compared in sum (ccusage's input = the ledger's uncached input + cache reads + cache writes),
// the cost against hand-computed list prices, and ccusage's own cost against the same tokens
// priced its way (all input at the input rate), which shows where it goes wrong.
//
// Run with the editor's Node 24 (node:sqlite): ~/.cache/token-budget/editor/node_modules/.bin/node --import tsx --test <this file>
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gooseFormat, gooseInstant, gooseModel, gooseUsage, readGoose } from '../../../../src/sources/localLogs/parsers/goose';
import { writeGooseCorpus, type GooseCorpus } from '../../../fakes/agents/goose';
import { openWriter, sqliteSkip } from '../../../fakes/agents/sqlite';
import { assertSameDays, ccusageDaily, scanAgent } from '../agentHarness';
import { tempHome } from '../helpers';
import { ccusageReport, LIST_PRICES, listCost, near, zoneDay } from './byModel';

const SKIP = sqliteSkip();
const T = Date.UTC(2026, 2, 3, 18, 45);

void describe('Goose format: the traps by hand', () => {
  void it('reads zone-less SQL timestamps as UTC, zoned text with its zone, numbers as epoch seconds or milliseconds', () => {
    assert.equal(gooseInstant('2026-03-03 18:45:00'), T);
    assert.equal(gooseInstant('2026-03-03T18:45:00'), T);
    assert.equal(gooseInstant('2026-03-03 18:45:00.250'), T + 250);
    assert.equal(gooseInstant('2026-03-03T18:45:00+00:00'), T);
    assert.equal(gooseInstant('2026-03-04T00:15:00+05:30'), T);
    assert.equal(gooseInstant('2026-03-03T18:45:00Z'), T);
    assert.equal(gooseInstant('2026-03-03'), Date.UTC(2026, 2, 3));
    assert.equal(gooseInstant(T / 1000), T);
    assert.equal(gooseInstant(T), T);
    assert.equal(gooseInstant(String(T / 1000)), T);
    for (const bad of ['yesterday', '', null, 0, -5, {}, '2026-13-45 99:99:99', '2026-03-03 24:00:00']) assert.ok(Number.isNaN(gooseInstant(bad)), JSON.stringify(bad));
  });

  void it("takes the model from model_config_json's model_name, without a vendor prefix", () => {
    assert.equal(gooseModel('{"model_name":"claude-haiku-4-5","context_limit":null}'), 'claude-haiku-4-5');
    assert.equal(gooseModel('{"model_name":" anthropic/claude-haiku-4.5 "}'), 'claude-haiku-4.5');
    for (const bad of ['{}', '{"model_name":""}', '{"model_name":7}', 'not json', '', null, 3]) assert.equal(gooseModel(bad), null, JSON.stringify(bad));
  });

  const row = {
    id: '20260303_4',
    working_dir: '/home/dev/app',
    created_at: '2026-03-03 18:45:00',
    model_config_json: '{"model_name":"claude-haiku-4-5"}',
    total_tokens: 9_000,
    input_tokens: 8_000,
    output_tokens: 1_000,
    accumulated_input_tokens: 1_000_000,
    accumulated_output_tokens: 100_000,
    accumulated_total_tokens: 1_130_000,
    accumulated_cache_read_tokens: 600_000,
    accumulated_cache_write_tokens: 100_000,
    accumulated_cost: 1.5,
  };

  void it('a session: cache reads and writes out of the input, tokens beyond input and output as output, the whole at the base tier', () => {
    // 1,000,000 input of which 600,000 cache reads and 100,000 writes: 300,000 uncached. The total
    // counts 30,000 beyond input + output: output 130,000.
    assert.deepEqual(gooseUsage(row), {
      ms: T,
      model: 'claude-haiku-4-5',
      input: 300_000,
      output: 130_000,
      cacheRead: 600_000,
      cacheWrite: 100_000,
      aggregate: true,
      loggedCost: 1.5,
      project: '/home/dev/app',
    });
    // At list prices: 0.3 × $1 + 0.6 × $0.10 + 0.1 × $1.25 + 0.13 × $5 = $1.135. ccusage prices the
    // million input tokens at $1 and the 130,000 output at $5: $1.65.
    const u = gooseUsage(row);
    assert.ok(u);
    const haiku = LIST_PRICES['claude-haiku-4-5'];
    assert.ok(haiku);
    assert.ok(near(listCost(haiku, { input: u.input, output: u.output, read: u.cacheRead, write: u.cacheWrite }), 1.135));
  });

  void it('falls back to the last turn where the running totals are missing; clamps the cache to the input; skips what holds nothing', () => {
    const lastTurn = gooseUsage({ ...row, accumulated_input_tokens: null, accumulated_output_tokens: null, accumulated_total_tokens: null, accumulated_cache_read_tokens: null, accumulated_cache_write_tokens: null, accumulated_cost: null });
    assert.deepEqual(lastTurn && [lastTurn.input, lastTurn.output, lastTurn.cacheRead, lastTurn.cacheWrite, lastTurn.loggedCost], [8_000, 1_000, 0, 0, undefined]);
    const clamped = gooseUsage({ ...row, accumulated_cache_read_tokens: 900_000, accumulated_cache_write_tokens: 400_000 });
    assert.deepEqual(clamped && [clamped.input, clamped.cacheRead, clamped.cacheWrite], [0, 900_000, 100_000]);
    const older = gooseUsage({ ...row, accumulated_cache_read_tokens: undefined, accumulated_cache_write_tokens: undefined, accumulated_cost: undefined });
    assert.deepEqual(older && [older.input, older.cacheRead, older.cacheWrite, 'loggedCost' in older], [1_000_000, 0, 0, false]);
    const junk = gooseUsage({ ...row, accumulated_input_tokens: -5, accumulated_output_tokens: '12', accumulated_total_tokens: 2.6, input_tokens: 0, output_tokens: 0, total_tokens: 0, accumulated_cache_read_tokens: 0, accumulated_cache_write_tokens: 0 });
    assert.deepEqual(junk && [junk.input, junk.output], [0, 3]);
    assert.equal(gooseUsage({ ...row, model_config_json: null }), null);
    assert.equal(gooseUsage({ ...row, id: null }), null);
    assert.equal(gooseUsage({ ...row, created_at: 'soon' }), null);
    assert.equal(gooseUsage({ ...row, accumulated_input_tokens: 0, accumulated_output_tokens: 0, accumulated_total_tokens: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0 }), null);
    for (const bad of [null, 'row', 7, []]) assert.equal(gooseUsage(bad), null);
  });

  void it('reads a database of the current schema and one without the cache and cost columns; nothing from another', { skip: SKIP }, () => {
    const dir = tempHome('tb-goose-db-');
    const db = openWriter(path.join(dir, 'current.db'));
    db.exec('CREATE TABLE sessions (id TEXT, working_dir TEXT, created_at TEXT, model_config_json TEXT, accumulated_input_tokens INTEGER, accumulated_output_tokens INTEGER, accumulated_total_tokens INTEGER, accumulated_cache_read_tokens INTEGER, accumulated_cache_write_tokens INTEGER, accumulated_cost REAL)');
    db.exec(`INSERT INTO sessions VALUES ('a', '/p', '2026-03-03 18:45:00', '{"model_name":"gpt-5"}', 500, 50, 550, 200, NULL, NULL), ('b', '/p', '2026-03-03 10:00:00', NULL, 500, 50, 550, 0, 0, NULL)`);
    assert.deepEqual(
      readGoose(db).map((u) => [u.model, u.input, u.cacheRead, u.output]),
      [['gpt-5', 300, 200, 50]],
    );
    const old = openWriter(path.join(dir, 'older.db'));
    old.exec('CREATE TABLE sessions (id TEXT, working_dir TEXT, created_at TEXT, model_config_json TEXT, input_tokens INTEGER, output_tokens INTEGER, total_tokens INTEGER, accumulated_input_tokens INTEGER, accumulated_output_tokens INTEGER, accumulated_total_tokens INTEGER)');
    old.exec(`INSERT INTO sessions VALUES ('a', '/p', '2026-03-03 18:45:00', '{"model_name":"gpt-5"}', 1, 1, 2, 500, 50, 550)`);
    assert.deepEqual(readGoose(old).map((u) => [u.input, u.cacheRead, u.output]), [[500, 0, 50]]);
    const other = openWriter(path.join(dir, 'other.db'));
    other.exec('CREATE TABLE notes (id TEXT)');
    assert.deepEqual(readGoose(other), []);
    for (const d of [db, old, other]) d.close();
  });

  void it('finds sessions.db under GOOSE_PATH_ROOT/data, else the XDG data dir and the other candidates', () => {
    const home = '/home/u';
    assert.deepEqual(gooseFormat.roots({ GOOSE_PATH_ROOT: '/srv/goose' }, home), ['/srv/goose/data']);
    assert.deepEqual(gooseFormat.roots({ XDG_DATA_HOME: '/data', GOOSE_PATH_ROOT: '  ' }, home), [
      '/data/goose',
      '/home/u/.local/share/goose',
      '/home/u/Library/Application Support/goose',
      '/home/u/.local/share/Block/goose',
    ]);
    assert.deepEqual(gooseFormat.roots({ XDG_DATA_HOME: 'relative/data', APPDATA: '/win/AppData/Roaming' }, home), [
      '/home/u/.local/share/goose',
      '/win/AppData/Roaming/Block/goose/data',
      '/home/u/Library/Application Support/goose',
      '/home/u/.local/share/Block/goose',
    ]);
    assert.deepEqual(gooseFormat.dirs('/home/u/.local/share/goose'), ['/home/u/.local/share/goose/sessions']);
    assert.ok(gooseFormat.isLog('sessions.db'));
    assert.ok(!gooseFormat.isLog('sessions.db-wal') && !gooseFormat.isLog('20250101_1.jsonl'));
  });
});

interface Expected {
  /** Uncached input + cache reads + cache writes (ccusage's input). */
  inputAll: number;
  /** Output with the tokens beyond input and output. */
  output: number;
  /** Cost at list prices, the cache split out. */
  cost: number;
  /** Cost at list prices, all input at the input rate (ccusage's way). */
  ccusageCost: number;
}

/** The corpus's day totals by hand, from its rows as written (see the header of goose.ts for the rules). */
function expected(corpus: GooseCorpus): Map<string, Expected> {
  const out = new Map<string, Expected>();
  for (const db of corpus.dbs) {
    for (const row of db.rows) {
      if (!row.model_config_json) continue;
      const name = (JSON.parse(row.model_config_json) as { model_name?: string }).model_name;
      if (!name) continue;
      const inputAll = row.accumulated_input_tokens || row.input_tokens || 0;
      const output = row.accumulated_output_tokens || row.output_tokens || 0;
      const total = row.accumulated_total_tokens || row.total_tokens || inputAll + output;
      if (inputAll + output + total === 0) continue;
      const beyond = Math.max(0, total - inputAll - output);
      const read = Math.min(row.accumulated_cache_read_tokens ?? 0, inputAll);
      const write = Math.min(row.accumulated_cache_write_tokens ?? 0, inputAll - read);
      const text = String(row.created_at);
      const ms = /[+-]\d\d:\d\d$/.test(text) ? Date.parse(text) : Date.parse(`${text.replace(' ', 'T')}Z`);
      const model = name.slice(name.lastIndexOf('/') + 1);
      const price = LIST_PRICES[model];
      assert.ok(price, model);
      const day = zoneDay(ms);
      const e = out.get(day) ?? { inputAll: 0, output: 0, cost: 0, ccusageCost: 0 };
      e.inputAll += inputAll;
      e.output += output + beyond;
      e.cost += listCost(price, { input: inputAll - read - write, output: output + beyond, read, write });
      e.ccusageCost += listCost(price, { input: inputAll, output: output + beyond, read: 0, write: 0 });
      out.set(day, e);
    }
  }
  return out;
}

void describe('Goose cross-check with ccusage goose daily', () => {
  void it('same days and tokens in sum as ccusage; costs as hand-computed (ccusage prices the cache at the input rate)', { skip: SKIP }, async () => {
    const home = tempHome('tb-goose-');
    const corpus = writeGooseCorpus(home);
    try {
      // The writers are open: the rows written after the checkpoint are only in the -wal file.
      for (const db of corpus.dbs) assert.ok(statSync(`${db.file}-wal`).size > 0, `${db.file} has rows in its -wal file`);
      const want = expected(corpus);
      const { days: mine } = scanAgent('goose', home);
      const theirs = await ccusageDaily('goose', home);
      const { totals } = await ccusageReport('goose', home);
      assertSameDays(mine, theirs, { fields: [] });
      assert.deepEqual([...mine.keys()].sort(), [...want.keys()].sort(), 'the days the corpus spans');
      assert.ok(mine.size >= 5);
      let cached = 0;
      for (const [day, w] of want) {
        const m = mine.get(day);
        const t = theirs.get(day);
        assert.ok(m && t, day);
        // Tokens: ccusage's input is all input; its totalTokens counts the tokens beyond input and
        // output, which its outputTokens leaves out.
        const total = totals.get(day) ?? NaN;
        assert.ok(near(m.input + m.read + m.write, t.input), `${day} input in sum: ${m.input + m.read + m.write} vs ${t.input}`);
        assert.equal(t.read + t.write, 0, 'ccusage reads no cache column');
        assert.ok(near(m.tokens, total), `${day} tokens: ${m.tokens} vs ${total}`);
        assert.ok(near(m.output, total - t.input), `${day} output: ${m.output} vs ${total - t.input}`);
        assert.ok(near(m.input + m.read + m.write, w.inputAll) && near(m.output, w.output), `${day} tokens as hand-computed`);
        // Cost: list prices with the cache split out; ccusage's is all input at the input rate.
        assert.ok(near(m.cost, w.cost), `${day} cost: ${m.cost} vs hand-computed ${w.cost}`);
        assert.ok(near(t.cost, w.ccusageCost), `${day} ccusage's cost: ${t.cost} vs ${w.ccusageCost} (cache at the input rate)`);
        cached += m.read;
      }
      assert.ok(cached > 0, 'the corpus reads from the cache');
    } finally {
      corpus.close();
    }
  });
});
