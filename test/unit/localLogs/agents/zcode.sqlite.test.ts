// ZCode's format (src/sources/localLogs/parsers/zcode.ts): its traps by hand, and the day totals
// of a generated corpus against ccusage's `zcode daily`.
//
// ZCode's own code is not public; the format follows ccusage's adapter, so the tokens must equal
// ccusage's (its outputTokens leave out what `computed_total_tokens` counts beyond the four kinds,
// its totalTokens do not: the ledger counts that as output). Costs: genai-prices and ccusage
// (LiteLLM `zai/…`) price Z.ai's GLM models differently and ccusage does not price a custom
// provider's rows at all, so the costs are compared for Claude without a provider (priced alike),
// and checked by hand for the Claude models.
//
// Run with the editor's Node 24 (node:sqlite): ~/.cache/token-budget/editor/node_modules/.bin/node --import tsx --test <this file>
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readZcode, zcodeFormat, zcodeUsage } from '../../../../src/sources/localLogs/parsers/zcode';
import { openWriter, sqliteSkip } from '../../../fakes/agents/sqlite';
import { CUSTOM_PROVIDER, writeZcodeCorpus, type ZcodeCorpus } from '../../../fakes/agents/zcode';
import { assertSameDays, ccusageDaily, scanAgent } from '../agentHarness';
import { tempHome } from '../helpers';
import { ccusageReport, LIST_PRICES, listCost, near, scanByModel, zoneDay } from './byModel';

const SKIP = sqliteSkip();
const T = Date.UTC(2026, 2, 4, 18, 29, 59, 999);

void describe('ZCode format: the traps by hand', () => {
  const row = {
    id: 'usage-1',
    session_id: 'ses_1',
    started_at: T,
    model_id: 'GLM-5.1',
    input_tokens: 100_000,
    output_tokens: 2_000,
    cache_read_input_tokens: 60_000,
    cache_creation_input_tokens: 15_000,
    computed_total_tokens: 102_500,
    directory: '/home/dev/app',
  };

  void it('a request: both cache slices out of the input, the rest of computed_total as output', () => {
    // 100,000 input of which 60,000 cache reads and 15,000 writes: 25,000 uncached; the total
    // counts 500 beyond input + output: output 2,500.
    assert.deepEqual(zcodeUsage(row), { ms: T, model: 'GLM-5.1', input: 25_000, output: 2_500, cacheRead: 60_000, cacheWrite: 15_000, key: 'zcode:usage-1', project: '/home/dev/app' });
  });

  void it('clamps the cache to the input; a REAL instant cut to its millisecond; skips rows without id, session, model or instant', () => {
    const clamped = zcodeUsage({ ...row, input_tokens: 1_000, cache_read_input_tokens: 4_000, computed_total_tokens: 1_000, output_tokens: 200 });
    assert.deepEqual(clamped && [clamped.input, clamped.cacheRead, clamped.cacheWrite, clamped.output], [0, 1_000, 0, 200]);
    assert.equal(zcodeUsage({ ...row, started_at: T + 0.6 })?.ms, T, 'still 23:59:59.999 in Asia/Kolkata');
    const legacy = zcodeUsage({ ...row, cache_creation_input_tokens: null, computed_total_tokens: null, directory: null });
    assert.deepEqual(legacy && [legacy.input, legacy.cacheWrite, legacy.output, 'project' in legacy], [40_000, 0, 2_000, false]);
    assert.equal(zcodeUsage({ ...row, model_id: 'zai/glm-4.6' })?.model, 'glm-4.6');
    for (const bad of [{ ...row, id: '' }, { ...row, session_id: null }, { ...row, model_id: ' ' }, { ...row, started_at: 0 }, { ...row, started_at: '1772648999999' }, null, 4]) {
      assert.equal(zcodeUsage(bad), null, JSON.stringify(bad));
    }
  });

  void it('counts completed requests only, in both layouts; nothing from a database without the required columns', { skip: SKIP }, () => {
    const dir = tempHome('tb-zcode-db-');
    const db = openWriter(path.join(dir, 'db.sqlite'));
    db.exec('CREATE TABLE model_usage (id TEXT, session_id TEXT, started_at INTEGER, model_id TEXT, status TEXT, input_tokens INTEGER, output_tokens INTEGER, cache_read_input_tokens INTEGER, computed_total_tokens INTEGER); CREATE TABLE session (id TEXT, directory TEXT)');
    db.exec(`INSERT INTO session VALUES ('s', '/p'); INSERT INTO model_usage VALUES ('a', 's', ${T}, 'GLM-4.7', 'completed', 100, 10, 40, 110), ('b', 's', ${T}, 'GLM-4.7', 'error', 100, 10, 0, 110), ('c', 's', ${T}, 'GLM-4.7', 'running', 100, 10, 0, 110)`);
    assert.deepEqual(readZcode(db).map((u) => [u.key, u.input, u.cacheRead, u.output, u.project]), [['zcode:a', 60, 40, 10, '/p']]);
    const other = openWriter(path.join(dir, 'other.sqlite'));
    other.exec('CREATE TABLE model_usage (id TEXT, session_id TEXT, started_at INTEGER, model_id TEXT, input_tokens INTEGER, output_tokens INTEGER); CREATE TABLE session (id TEXT, directory TEXT)');
    assert.deepEqual(readZcode(other), [], 'no status column');
    db.close();
    other.close();
  });

  void it('finds cli/db/db.sqlite under each ZCODE_HOME, else ~/.zcode', () => {
    assert.deepEqual(zcodeFormat.roots({ ZCODE_HOME: ' /a , /b ,' }, '/home/u'), ['/a', '/b']);
    assert.deepEqual(zcodeFormat.roots({ ZCODE_HOME: ' ' }, '/home/u'), ['/home/u/.zcode']);
    assert.deepEqual(zcodeFormat.dirs('/home/u/.zcode'), ['/home/u/.zcode/cli/db']);
    assert.ok(zcodeFormat.isLog('db.sqlite') && !zcodeFormat.isLog('db.sqlite-wal') && !zcodeFormat.isLog('config.json'));
  });
});

/**
 * Hand-computed list costs of the Claude requests by day and model (each request id once, the
 * first home's copy): all of them (the ledger), and those ccusage prices (no provider; a custom
 * provider's it leaves at 0).
 */
function expectedClaude(corpus: ZcodeCorpus): Map<string, { cost: number; ccusageCost: number }> {
  const out = new Map<string, { cost: number; ccusageCost: number }>();
  const seen = new Set<string>();
  for (const db of corpus.dbs) {
    for (const r of db.rows) {
      if (r.status !== 'completed' || !r.model_id.trim() || !(r.started_at > 0) || seen.has(r.id)) continue;
      seen.add(r.id);
      const price = LIST_PRICES[r.model_id];
      if (!price) continue;
      const read = Math.min(r.cache_read_input_tokens, r.input_tokens);
      const write = Math.min(r.cache_creation_input_tokens ?? 0, r.input_tokens - read);
      const output = r.output_tokens + Math.max(0, r.computed_total_tokens - r.input_tokens - r.output_tokens);
      const cost = listCost(price, { input: r.input_tokens - read - write, output, read, write });
      const key = `${zoneDay(Math.trunc(r.started_at))}\t${r.model_id}`;
      const e = out.get(key) ?? { cost: 0, ccusageCost: 0 };
      e.cost += cost;
      if (r.provider_id === CUSTOM_PROVIDER) assert.equal(db.legacy, false);
      else e.ccusageCost += cost;
      out.set(key, e);
    }
  }
  return out;
}

void describe('ZCode cross-check with ccusage zcode daily', () => {
  void it('tokens equal ccusage (two homes, both layouts); costs of Claude equal ccusage or as hand-computed', { skip: SKIP }, async () => {
    const home = tempHome('tb-zcode-');
    const corpus = writeZcodeCorpus(home);
    const env = { ZCODE_HOME: corpus.zcodeHome };
    try {
      assert.ok(statSync(`${corpus.dbs[0]?.file ?? ''}-wal`).size > 0, 'the writer is open with rows in the -wal file');
      const { result, days: mine } = scanAgent('zcode', home, env);
      const theirs = await ccusageDaily('zcode', home, env);
      const report = await ccusageReport('zcode', home, env);
      assertSameDays(mine, theirs, { fields: ['input', 'read', 'write'] });
      assert.ok(mine.size >= 5);
      let beyond = 0;
      for (const [day, m] of mine) {
        const t = theirs.get(day);
        const total = report.totals.get(day) ?? NaN;
        assert.ok(t && near(m.tokens, total), `${day} tokens: ${m.tokens} vs ccusage's ${total}`);
        assert.ok(near(m.output, total - t.input - t.read - t.write), `${day} output with the rest of computed_total`);
        beyond += m.output - t.output;
      }
      assert.ok(beyond > 0, 'the corpus has totals above the counts');
      const byModel = scanByModel(result);
      const claude = expectedClaude(corpus);
      assert.ok(claude.size > 0);
      let unpriced = 0;
      for (const [key, w] of claude) {
        const m = byModel.get(key);
        assert.ok(m && near(m.cost, w.cost), `${key} cost: ${m?.cost} vs hand-computed ${w.cost}`);
        // Claude without a provider: ccusage prices it as the ledger does; through a custom
        // provider (claude-haiku-4-5 in the current home's database) it leaves it unpriced.
        const t = report.models.get(key);
        assert.ok(t && near(t.cost, w.ccusageCost), `${key} ccusage's cost: ${t?.cost} vs ${w.ccusageCost}`);
        unpriced += w.cost - w.ccusageCost;
      }
      assert.ok(unpriced > 0, 'the corpus has requests through a custom provider');
      for (const [key, m] of byModel) if (key.includes('\tGLM-')) assert.ok(m.cost > 0 && (report.models.get(key)?.cost ?? 0) > 0, `${key} priced on both sides (at different prices)`);
    } finally {
      corpus.close();
    }
  });
});
