// pi: the format on its traps (hand-computed), and its day totals against ccusage's `pi daily` on a
// generated corpus (test/fakes/agents/pi.ts; shapes and references in test/fixtures/agents/pi).
//
// ccusage takes pi's logged `cost.total` where there is one (auto mode) and prices the rest with
// LiteLLM; the corpus logs list prices that genai-prices and LiteLLM agree on, so costs compare too.
// Where ccusage is wrong (a branched session's verbatim copy of earlier entries counts again in
// ccusage, whose key includes the session file), the totals are hand-computed from the corpus.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { piFormat, piLine, type PiFileState } from '../../../../src/sources/localLogs/parsers/pi';
import { writePiCorpus } from '../../../fakes/agents/pi';
import { writeLines } from '../../../fakes/agents/kit';
import { assertSameDays, ccusageDaily, scanAgent } from '../agentHarness';
import { tempHome } from '../helpers';
import { formatDays, totalsOfUsages, usagesOf } from './formatScan';

/** Float sums in another order: equal but for rounding. */
const EXACT = { tolerance: 1e-9 };

const fresh = (): PiFileState => piFormat.initial();

function assistant(usage: unknown, extra: Record<string, unknown> = {}, model: unknown = 'claude-sonnet-4-5'): Record<string, unknown> {
  return { type: 'message', id: 'a1b2c3d4', parentId: null, timestamp: '2026-03-10T10:00:00.000Z', message: { role: 'assistant', model, provider: 'anthropic', usage, timestamp: 1773136800000 }, ...extra };
}

void describe('pi format', () => {
  void it('finds pi sessions under $PI_CODING_AGENT_DIR, else ~/.pi/agent', () => {
    assert.deepEqual(piFormat.roots({}, '/h'), ['/h/.pi/agent']);
    assert.deepEqual(piFormat.roots({ PI_CODING_AGENT_DIR: '~/pi-data' }, '/h'), ['/h/pi-data']);
    assert.deepEqual(piFormat.roots({ PI_CODING_AGENT_DIR: '  ' }, '/h'), ['/h/.pi/agent']);
    assert.deepEqual(piFormat.dirs('/h/.pi/agent'), ['/h/.pi/agent/sessions']);
    assert.ok(piFormat.isLog('2026-03-10T10-00-00-000Z_abc.jsonl'));
    assert.ok(!piFormat.isLog('settings.json'));
  });

  void it('reads an assistant message as logged: uncached input, output with reasoning, cache, logged cost, the header cwd', () => {
    const home = tempHome('tb-pi-');
    const file = path.join(home, 's.jsonl');
    writeLines(file, [{ type: 'session', version: 3, id: 's', timestamp: '2026-03-10T09:59:00.000Z', cwd: '/home/dev/shop' }]);
    const u = piLine(assistant({ input: 120, output: 480, cacheRead: 30000, cacheWrite: 2000, totalTokens: 32600, cost: { total: 0.0234 } }), fresh(), file);
    assert.deepEqual(u, {
      ms: Date.parse('2026-03-10T10:00:00.000Z'),
      model: 'claude-sonnet-4-5',
      input: 120,
      output: 480,
      cacheRead: 30000,
      cacheWrite: 2000,
      loggedCost: 0.0234,
      key: 'a1b2c3d4|2026-03-10T10:00:00.000Z|claude-sonnet-4-5|120|480|30000|2000',
      project: '/home/dev/shop',
    });
  });

  void it('prices a router-prefixed model by its bare name', () => {
    const u = piLine(assistant({ input: 1, output: 1 }, {}, 'anthropic/claude-haiku-4.5'), fresh(), '/nonexistent');
    assert.equal(u?.model, 'claude-haiku-4.5');
    assert.equal(u?.project, undefined);
  });

  void it('fills a missing output from totalTokens, and only then', () => {
    assert.equal(piLine(assistant({ totalTokens: 333 }), fresh(), '/x')?.output, 333);
    const known = piLine(assistant({ input: 100, output: 50, totalTokens: 400 }), fresh(), '/x');
    assert.deepEqual([known?.input, known?.output], [100, 50]);
  });

  void it('skips what is not a spend: user and tool results, zero usage, other entry types, garbage', () => {
    assert.equal(piLine({ type: 'message', timestamp: '2026-03-10T10:00:00Z', message: { role: 'user', content: 'usage', usage: { input: 5 } } }, fresh(), '/x'), null);
    assert.equal(piLine(assistant({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0 }), fresh(), '/x'), null);
    assert.equal(piLine(assistant({ input: 5 }, { type: 'custom' }), fresh(), '/x'), null);
    assert.equal(piLine(assistant('lots'), fresh(), '/x'), null);
    assert.equal(piLine(null, fresh(), '/x'), null);
    assert.equal(piLine([1, 2], fresh(), '/x'), null);
    const odd = piLine(assistant({ input: '12', output: -3, cacheRead: 1.5, cacheWrite: 7 }), fresh(), '/x');
    assert.deepEqual([odd?.input, odd?.output, odd?.cacheRead, odd?.cacheWrite], [0, 0, 0, 7]);
  });

  void it('dates by the entry timestamp, else the message epoch ms; no date, no usage', () => {
    assert.equal(piLine(assistant({ input: 1 }, { timestamp: undefined }), fresh(), '/x')?.ms, 1773136800000);
    const noDate = assistant({ input: 1 }, { timestamp: 'yesterday' });
    (noDate['message'] as Record<string, unknown>)['timestamp'] = undefined;
    assert.equal(piLine(noDate, fresh(), '/x'), null);
  });

  void it('gives a branched copy of an entry the key of the original (same id, time, model, counts)', () => {
    const original = piLine(assistant({ input: 9, output: 8 }), fresh(), '/a/one.jsonl');
    const copy = piLine(assistant({ input: 9, output: 8 }), fresh(), '/b/two.jsonl');
    assert.equal(copy?.key, original?.key);
  });
});

void describe('pi against ccusage', () => {
  void it('has the same days, tokens and cost as `ccusage pi daily` (within 0.5%)', async () => {
    const home = tempHome('tb-pi-x-');
    const corpus = writePiCorpus(home);
    assert.ok(corpus.usages.length >= 30, `dozens of usages (${corpus.usages.length})`);
    assert.ok(new Set(corpus.usages.map((u) => u.model)).size >= 3);
    const mine = scanAgent('pi', home).days;
    assertSameDays(formatDays(piFormat, home), mine, EXACT);
    assertSameDays(mine, totalsOfUsages(corpus.usages), EXACT);
    assertSameDays(mine, await ccusageDaily('pi', home));
  });

  void it('counts a branched session copy once, where ccusage counts it twice (hand-computed)', async () => {
    const home = tempHome('tb-pi-f-');
    const corpus = writePiCorpus(home, { forks: true });
    assert.ok(corpus.copied.length > 0);
    const mine = scanAgent('pi', home).days;
    assertSameDays(formatDays(piFormat, home), mine, EXACT);
    assertSameDays(mine, totalsOfUsages(corpus.usages), EXACT);
    assert.equal(usagesOf(piFormat, home).length, corpus.usages.length);
    // ccusage = each usage once + the copies again.
    const theirs = await ccusageDaily('pi', home);
    assertSameDays(totalsOfUsages([...corpus.usages, ...corpus.copied]), theirs);
  });
});
