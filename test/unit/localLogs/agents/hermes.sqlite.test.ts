// Hermes' format (src/sources/localLogs/parsers/hermes.ts): its traps by hand, and the day totals
// of a generated corpus against ccusage's `hermes daily`.
//
// ccusage is wrong about Hermes' reasoning: Hermes' `output_tokens` already includes it
// (NousResearch/hermes-agent agent/usage_pricing.py, `normalize_usage`: the API's output count,
// and `reasoning_tokens` from its `output_tokens_details`), and ccusage adds `reasoning_tokens` on
// top, to its cost and to its totalTokens. So the four token kinds are compared with ccusage's,
// the totals with ccusage's less the reasoning, and the cost against hand-computed list prices;
// ccusage's own cost (for the Claude models, which it prices at list) is checked against its own
// rule by hand: the actual cost when above 0, else list price with reasoning added to the output.
// (The 20.0.11 source also took Hermes' estimate when there was no actual cost; the 20.0.24 binary
// does not: a session with only an estimate is priced at list.)
//
// Run with the editor's Node 24 (node:sqlite): ~/.cache/token-budget/editor/node_modules/.bin/node --import tsx --test <this file>
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { bareModel } from '../../../../src/sources/localLogs/parsers/modelName';
import { hermesFormat, hermesHomes, hermesInstant, hermesUsage, readHermes } from '../../../../src/sources/localLogs/parsers/hermes';
import { writeHermesCorpus, type HermesCorpus } from '../../../fakes/agents/hermes';
import { openWriter, sqliteSkip } from '../../../fakes/agents/sqlite';
import { assertSameDays, ccusageDaily, scanAgent } from '../agentHarness';
import { tempHome } from '../helpers';
import { ccusageReport, LIST_PRICES, listCost, near, scanByModel, zoneDay } from './byModel';

const SKIP = sqliteSkip();
const T = Date.UTC(2026, 2, 3, 18, 30);

void describe('Hermes format: the traps by hand', () => {
  void it('reads started_at as epoch seconds (a REAL), or milliseconds above 10^12', () => {
    assert.equal(hermesInstant(T / 1000 + 0.25), T + 250);
    assert.equal(hermesInstant(T), T);
    for (const bad of [null, '1772562600', 0, -1, Number.NaN]) assert.ok(Number.isNaN(hermesInstant(bad)), String(bad));
  });

  const row = {
    id: '20260303_183000_a1b2c3',
    model: 'claude-opus-4-5',
    started_at: T / 1000,
    input_tokens: 200_000,
    output_tokens: 30_000,
    cache_read_tokens: 1_000_000,
    cache_write_tokens: 50_000,
    reasoning_tokens: 12_000,
    estimated_cost_usd: 1.2,
    actual_cost_usd: 0.9,
    cwd: '/home/dev/app',
  };

  void it('a session: input already uncached, output already with its reasoning, the actual cost logged, a sum priced at the base tier', () => {
    assert.deepEqual(hermesUsage(row), {
      ms: T,
      model: 'claude-opus-4-5',
      input: 200_000,
      output: 30_000,
      cacheRead: 1_000_000,
      cacheWrite: 50_000,
      key: 'hermes:20260303_183000_a1b2c3',
      aggregate: true,
      loggedCost: 0.9,
      project: '/home/dev/app',
    });
    // At list prices: 0.2 × $5 + 0.03 × $25 + 1 × $0.50 + 0.05 × $6.25 = $2.5625. ccusage takes the
    // actual $0.90; without it it would price 42,000 output: $2.8625.
    const opus = LIST_PRICES['claude-opus-4-5'];
    assert.ok(opus);
    assert.ok(near(listCost(opus, { input: 200_000, output: 30_000, read: 1_000_000, write: 50_000 }), 2.5625));
    assert.ok(near(listCost(opus, { input: 200_000, output: 42_000, read: 1_000_000, write: 50_000 }), 2.8625));
  });

  void it("drops the router's vendor prefix; keeps no estimate; skips a session without id, model or start", () => {
    assert.equal(hermesUsage({ ...row, model: 'anthropic/claude-opus-4.6' })?.model, 'claude-opus-4.6');
    const noActual = hermesUsage({ ...row, actual_cost_usd: null });
    assert.ok(noActual && !('loggedCost' in noActual), 'an estimate is not a logged cost');
    assert.equal(hermesUsage({ ...row, actual_cost_usd: 0 })?.loggedCost, 0);
    assert.equal(hermesUsage({ ...row, actual_cost_usd: -3 })?.loggedCost, 0);
    assert.deepEqual(hermesUsage({ ...row, output_tokens: '30000', cache_read_tokens: -1, cwd: '' }), {
      ms: T,
      model: 'claude-opus-4-5',
      input: 200_000,
      output: 0,
      cacheRead: 0,
      cacheWrite: 50_000,
      key: 'hermes:20260303_183000_a1b2c3',
      aggregate: true,
      loggedCost: 0.9,
    });
    for (const bad of [{ ...row, model: null }, { ...row, model: '  ' }, { ...row, id: null }, { ...row, started_at: 'today' }, null, 'row']) assert.equal(hermesUsage(bad), null);
  });

  void it('reads the first schema (no cache, reasoning, cost or cwd columns); nothing from another database', { skip: SKIP }, () => {
    const dir = tempHome('tb-hermes-db-');
    const db = openWriter(path.join(dir, 'state.db'));
    db.exec('CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT NOT NULL, model TEXT, started_at REAL NOT NULL, input_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0)');
    db.exec(`INSERT INTO sessions VALUES ('s1', 'cli', 'anthropic/claude-opus-4.5', ${T / 1000}, 1000, 100), ('s2', 'cli', NULL, ${T / 1000}, 5, 5)`);
    assert.deepEqual(
      readHermes(db).map((u) => [u.model, u.input, u.output, u.cacheRead, u.cacheWrite, u.loggedCost]),
      [['claude-opus-4.5', 1000, 100, 0, 0, undefined]],
    );
    const other = openWriter(path.join(dir, 'other.db'));
    other.exec('CREATE TABLE notes (id TEXT)');
    assert.deepEqual(readHermes(other), []);
    db.close();
    other.close();
  });

  void it("finds state.db in HERMES_HOME, else ~/.hermes and its profiles' homes, and only directly there", () => {
    assert.deepEqual(hermesFormat.roots({ HERMES_HOME: ' /srv/hermes ' }, '/home/u'), ['/srv/hermes']);
    assert.deepEqual(hermesFormat.roots({}, '/home/u'), ['/home/u/.hermes']);
    const home = tempHome('tb-hermes-homes-');
    for (const p of ['profiles/coder', 'profiles/work-2', 'profiles/Bad Name', 'hermes-agent/venv']) mkdirSync(path.join(home, p), { recursive: true });
    assert.deepEqual(hermesHomes(home).sort(), [home, path.join(home, 'profiles', 'coder'), path.join(home, 'profiles', 'work-2')].sort());
    assert.deepEqual(hermesHomes(path.join(home, 'missing')), [path.join(home, 'missing')]);
    assert.equal(hermesFormat.depth, 0);
    assert.ok(hermesFormat.isLog('state.db') && !hermesFormat.isLog('state.db-wal') && !hermesFormat.isLog('response_store.db'));
  });
});

/** Hand-computed by day and model from the home's rows: list cost, ccusage's cost by its rule, reasoning. */
function expected(corpus: HermesCorpus): { byModel: Map<string, { cost: number; ccusageCost: number }>; reasoning: Map<string, number> } {
  const byModel = new Map<string, { cost: number; ccusageCost: number }>();
  const reasoning = new Map<string, number>();
  for (const r of corpus.rows) {
    if (!r.model) continue;
    const day = zoneDay(Math.trunc(r.started_at * 1000));
    const model = bareModel(r.model);
    const price = LIST_PRICES[model];
    assert.ok(price, model);
    const tokens = { input: r.input_tokens, output: r.output_tokens, read: r.cache_read_tokens, write: r.cache_write_tokens };
    const e = byModel.get(`${day}\t${model}`) ?? { cost: 0, ccusageCost: 0 };
    e.cost += listCost(price, tokens);
    const actual = r.actual_cost_usd;
    e.ccusageCost += actual !== null && actual > 0 ? actual : listCost(price, { ...tokens, output: r.output_tokens + r.reasoning_tokens });
    byModel.set(`${day}\t${model}`, e);
    reasoning.set(day, (reasoning.get(day) ?? 0) + r.reasoning_tokens);
  }
  return { byModel, reasoning };
}

void describe('Hermes cross-check with ccusage hermes daily', () => {
  void it('the token kinds equal ccusage; totals and costs as hand-computed (ccusage adds reasoning again)', { skip: SKIP }, async () => {
    const home = tempHome('tb-hermes-');
    const corpus = writeHermesCorpus(home);
    try {
      assert.ok(statSync(`${corpus.file}-wal`).size > 0, 'the writer is open with rows in the -wal file');
      const { result, days: mine } = scanAgent('hermes', home);
      const theirs = await ccusageDaily('hermes', home);
      const report = await ccusageReport('hermes', home, {}, bareModel);
      // The profile's copies are read and counted once (ccusage reads the home's database only).
      assert.equal(result.stats.filesRead, 2, 'the home and the profile');
      assertSameDays(mine, theirs, { fields: ['input', 'output', 'read', 'write'] });
      assert.ok(mine.size >= 5);
      const want = expected(corpus);
      for (const [day, m] of mine) {
        const total = report.totals.get(day) ?? NaN;
        const reasoning = want.reasoning.get(day) ?? 0;
        assert.ok(near(m.tokens, total - reasoning), `${day} tokens: ${m.tokens} vs ccusage's ${total} less reasoning ${reasoning}`);
      }
      assert.ok([...want.reasoning.values()].some((r) => r > 0), 'the corpus has reasoning');
      const byModel = scanByModel(result);
      assert.deepEqual([...byModel.keys()].sort(), [...want.byModel.keys()].sort());
      for (const [key, w] of want.byModel) {
        const m = byModel.get(key);
        assert.ok(m && near(m.cost, w.cost), `${key} cost: ${m?.cost} vs hand-computed ${w.cost}`);
        // ccusage prices Hermes' OpenAI models from another LiteLLM entry than their list price
        // (gpt-5 through openai-codex at $2.50 / $2): its cost is checked for the Claude models.
        if (key.endsWith('\tgpt-5')) continue;
        const t = report.models.get(key);
        assert.ok(t && near(t.cost, w.ccusageCost), `${key} ccusage's cost: ${t?.cost} vs its rule by hand ${w.ccusageCost}`);
      }
    } finally {
      corpus.close();
    }
  });
});

// What the format asks of the scanner: `aggregate` (a session's totals priced at the base tier) and
// `depth: 0` (Hermes' home is not descended into: it holds the agent's own checkout).
void describe('Hermes: what the scanner is asked to honour', () => {
  function home(sessions: readonly string[], file = path.join('.hermes', 'state.db')): string {
    const dir = tempHome('tb-hermes-flags-');
    const db = openWriter(path.join(dir, file));
    db.exec('CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT, model TEXT, started_at REAL, input_tokens INTEGER, output_tokens INTEGER)');
    for (const s of sessions) db.exec(`INSERT INTO sessions VALUES ${s}`);
    db.close();
    return dir;
  }

  void it('a session of 500k input on a model with a 200k tier is priced at its base tier', { skip: SKIP }, () => {
    // claude-opus-4-6 at its base tier: 0.5 × $5 + 0.01 × $25 = $2.75 (its long-context tier would make it more).
    const dir = home([`('s1', 'cli', 'claude-opus-4-6', ${T / 1000}, 500000, 10000)`]);
    const { result } = scanAgent('hermes', dir);
    assert.ok(near(result.rows.reduce((s, r) => s + r.cost, 0), 2.75));
  });

  void it("a state.db inside Hermes' own checkout is not read", { skip: SKIP }, () => {
    const dir = home([`('s1', 'cli', 'claude-opus-4-5', ${T / 1000}, 1000, 100)`]);
    const stray = openWriter(path.join(dir, '.hermes', 'hermes-agent', 'tests', 'fixtures', 'state.db'));
    stray.exec('CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT, model TEXT, started_at REAL, input_tokens INTEGER, output_tokens INTEGER)');
    stray.exec(`INSERT INTO sessions VALUES ('fixture', 'cli', 'claude-opus-4-5', ${T / 1000}, 9000, 900)`);
    stray.close();
    const { result } = scanAgent('hermes', dir);
    assert.equal(result.stats.filesRead, 1);
    assert.equal(result.rows.reduce((s, r) => s + r.inputTokens, 0), 1000);
  });
});
