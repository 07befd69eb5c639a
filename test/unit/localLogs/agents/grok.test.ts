// Grok Build CLI: the format on its traps (hand-computed), and its day totals against ccusage's
// `grok daily` on a generated corpus (test/fakes/agents/grok.ts; shapes and references in
// test/fixtures/agents/grok).
//
// The mirrored ccusage source (20.0.11) has no Grok reader; the oracle is the 20.0.24 binary, whose
// reading was probed with hand-made lines (the fixture README lists what it does). It takes
// `costUsdTicks` as the cost where a model row has it (auto mode) and prices the rest with LiteLLM;
// the corpus logs list prices that genai-prices and LiteLLM agree on (no cache writes: genai-prices
// has no cache-write price for Grok models, LiteLLM charges 1.25× input), so costs compare too.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { grokFormat, grokLine, grokPricedModel, type GrokFileState } from '../../../../src/sources/localLogs/parsers/grok';
import { writeGrokCorpus } from '../../../fakes/agents/grok';
import { assertSameDays, ccusageDaily, scanAgent } from '../agentHarness';
import { tempHome } from '../helpers';
import { formatDays, totalsOfUsages, usagesOf } from './formatScan';

/** Float sums in another order: equal but for rounding. */
const EXACT = { tolerance: 1e-9 };

const fresh = (): GrokFileState => grokFormat.initial();
const FILE = '/g/sessions/%2Fhome%2Fdev%2Fapp/s1/updates.jsonl';

function turn(usage: unknown, meta: Record<string, unknown> = { eventId: 's1-7' }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { timestamp: 1783903216, method: '_x.ai/session/update', params: { sessionId: 's1', update: { sessionUpdate: 'turn_completed', prompt_id: 'p1', stop_reason: 'end_turn', usage }, _meta: meta }, ...extra };
}

const ROW = { inputTokens: 100000, outputTokens: 2000, totalTokens: 102000, cachedReadTokens: 80000, cacheCreationTokens: 5000, reasoningTokens: 500, costUsdTicks: 1_000_000_000 };

void describe('Grok format', () => {
  void it('finds sessions under $GROK_HOME, else ~/.grok; reads updates.jsonl', () => {
    assert.deepEqual(grokFormat.roots({}, '/h'), ['/h/.grok']);
    assert.deepEqual(grokFormat.roots({ GROK_HOME: '/g' }, '/h'), ['/g']);
    assert.deepEqual(grokFormat.dirs('/g'), ['/g/sessions']);
    assert.ok(grokFormat.isLog('updates.jsonl'));
    assert.ok(!grokFormat.isLog('chat_history.jsonl'));
  });

  void it('takes the cache out of the full-prompt input, keeps reasoning inside output, ticks as USD, one usage per model', () => {
    const got = grokLine(turn({ ...ROW, modelUsage: { 'grok-4.5-build': ROW, 'grok-code-fast-1': { inputTokens: 300, outputTokens: 40, cachedReadTokens: 200 } } }), fresh(), FILE);
    assert.deepEqual(got, [
      { ms: 1783903216000, model: 'grok-4.5', input: 15000, output: 2000, cacheRead: 80000, cacheWrite: 5000, loggedCost: 0.1, key: 's1-7|grok-4.5-build', project: '/home/dev/app' },
      { ms: 1783903216000, model: 'grok-code-fast-1', input: 100, output: 40, cacheRead: 200, cacheWrite: 0, key: 's1-7|grok-code-fast-1', project: '/home/dev/app' },
    ]);
  });

  void it('logs no cost when grok marks it partial or the usage incomplete', () => {
    const partial = grokLine(turn({ modelUsage: { 'grok-4': { ...ROW, costIsPartial: true } } }), fresh(), FILE);
    assert.equal(partial?.[0]?.loggedCost, undefined);
    const incomplete = grokLine(turn({ usageIsIncomplete: true, modelUsage: { 'grok-4': ROW } }), fresh(), FILE);
    assert.equal(incomplete?.[0]?.loggedCost, undefined);
  });

  void it("names a turn without modelUsage by the summary's current model; the summary's cwd is the project", () => {
    const home = tempHome('tb-grok-s-');
    const file = path.join(home, 'sessions', 'x', 's2', 'updates.jsonl');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(path.join(path.dirname(file), 'summary.json'), JSON.stringify({ info: { id: 's2', cwd: '/Users/rk/real' }, git_root_dir: '/Users/rk/real/', current_model_id: 'grok-4' }));
    const got = grokLine(turn({ inputTokens: 50, outputTokens: 5 }), fresh(), file);
    assert.deepEqual(got, [{ ms: 1783903216000, model: 'grok-4', input: 50, output: 5, cacheRead: 0, cacheWrite: 0, key: 's1-7|grok-4', project: '/Users/rk/real' }]);
    assert.equal(grokLine(turn({ inputTokens: 50 }), fresh(), FILE)?.[0]?.model, 'unknown');
  });

  void it('dates by _meta.agentTimestampMs, else the envelope seconds (ms above 1e12); undated turns are not counted', () => {
    assert.equal(grokLine(turn(ROW, { eventId: 'e', agentTimestampMs: 1783990000000 }), fresh(), FILE)?.[0]?.ms, 1783990000000);
    assert.equal(grokLine(turn(ROW, {}, { timestamp: 1783903216123 }), fresh(), FILE)?.[0]?.ms, 1783903216123);
    assert.equal(grokLine(turn(ROW, {}, { timestamp: undefined }), fresh(), FILE), null);
  });

  void it('keys a turn by its event id and model, else by session, time, model and counts', () => {
    assert.equal(grokLine(turn(ROW, {}), fresh(), FILE)?.[0]?.key, 's1|1783903216000|unknown|100000|2000|80000|5000');
    assert.equal(grokLine(turn(ROW, { eventId: 'e9' }), fresh(), '/g/sessions/x/other/updates.jsonl')?.[0]?.key, 'e9|unknown');
  });

  void it('skips other updates, zero-usage turns and garbage', () => {
    assert.equal(grokLine({ timestamp: 1, params: { update: { sessionUpdate: 'tool_call_update', usage: { totalTokens: 99999 } } } }, fresh(), FILE), null);
    assert.deepEqual(grokLine(turn({ inputTokens: 0, outputTokens: 0, modelUsage: { m: { inputTokens: 0, outputTokens: 0 } } }), fresh(), FILE), []);
    assert.equal(grokLine(turn('lots'), fresh(), FILE), null);
    assert.equal(grokLine('turn_completed', fresh(), FILE), null);
    assert.deepEqual(grokLine(turn({ modelUsage: { m: 'x', n: { inputTokens: -4, outputTokens: 2.5 } } }), fresh(), FILE), []);
  });

  void it('prices grok model names without a provider prefix or the -build suffix', () => {
    assert.equal(grokPricedModel('grok-4.5-build'), 'grok-4.5');
    assert.equal(grokPricedModel('xai/grok-code-fast-1'), 'grok-code-fast-1');
    assert.equal(grokPricedModel('-build'), '-build');
  });
});

void describe('Grok against ccusage', () => {
  void it('has the same days, tokens and cost as `ccusage grok daily` (within 0.5%), each replayed turn once', async () => {
    const home = tempHome('tb-grok-x-');
    const corpus = writeGrokCorpus(home);
    assert.ok(corpus.usages.length >= 30, `dozens of usages (${corpus.usages.length})`);
    assert.ok(new Set(corpus.usages.map((u) => u.model)).size >= 3);
    assert.equal(usagesOf(grokFormat, home).length, corpus.usages.length);
    const mine = scanAgent('grok', home).days;
    assertSameDays(formatDays(grokFormat, home), mine, EXACT);
    assertSameDays(mine, totalsOfUsages(corpus.usages), EXACT);
    assertSameDays(mine, await ccusageDaily('grok', home));
  });
});
