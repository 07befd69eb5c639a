/**
 * Qwen Code (src/sources/localLogs/parsers/qwen.ts): the format's functions on each trap, by hand;
 * then the corpus of test/fakes/agents/qwen.ts scanned by the scanner. ccusage's `qwen daily`
 * counts Qwen's cached tokens twice (its input is promptTokenCount, which already holds them, and
 * it adds them again as cache reads) and keeps the thoughts out of its output while pricing them
 * on top of candidates that already hold them (OpenAI-style providers): so the corpus is held to
 * hand-worked totals and costs (Qwen's own converters: see qwen.ts), and to ccusage only through
 * the relations those double counts leave exact (its input = ours + cache reads, …). The shapes
 * and what they reflect: test/fixtures/agents/qwen/README.md.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Usage } from '../../../../src/sources/localLogs/parsers/format';
import { isQwenTranscript, qwenCodeFormat, qwenCounts, qwenModel, type QwenState } from '../../../../src/sources/localLogs/parsers/qwen';
import { QWEN_MODELS, writeQwenCorpus, writeQwenForks, type QwenResponse } from '../../../fakes/agents/qwen';
import { ccusageDaily, scanAgent, ZONE, type DayTotals } from '../agentHarness';

const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tb-qwen-'));
  temps.push(dir);
  return dir;
}
// Cleaned up when the process ends (no top-level hook: the file shares a process with others).
process.once('exit', () => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const fmt = qwenCodeFormat;
const fresh = (): QwenState => fmt.initial();
const one = (got: Usage | readonly Usage[] | null): Usage | null => {
  assert.ok(!Array.isArray(got), 'one usage per line');
  return got as Usage | null;
};
const FILE = '/home/u/.qwen/projects/-home-dev-alpha/chats/5e1d0c3a.jsonl';

/** List prices per million tokens (uncached input, output, cache read), as genai-prices has them. */
const PRICES: Readonly<Record<string, readonly [number, number, number]>> = {
  [QWEN_MODELS.flash]: [0.3, 2.5, 0.03],
  [QWEN_MODELS.gpt41]: [2, 8, 0.5],
  [QWEN_MODELS.gpt5mini]: [0.25, 2, 0.025],
  [QWEN_MODELS.sonnet]: [3, 15, 0.3],
};

const dayOf = (ms: number): string => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(ms);

interface Hand {
  input: number;
  output: number;
  read: number;
  cost: number;
  thoughtsApart: number;
}

/** Hand-worked day totals and list-price costs (a model without a price costs 0, as the scanner leaves it unpriced). */
function byDay(responses: readonly QwenResponse[]): Map<string, Hand> {
  const map = new Map<string, Hand>();
  for (const r of responses) {
    const d = map.get(dayOf(r.ms)) ?? { input: 0, output: 0, read: 0, cost: 0, thoughtsApart: 0 };
    const p = PRICES[r.model];
    d.input += r.input;
    d.output += r.output;
    d.read += r.cacheRead;
    d.thoughtsApart += r.thoughtsApart;
    if (p) d.cost += (r.input * p[0] + r.output * p[1] + r.cacheRead * p[2]) / 1e6;
    map.set(dayOf(r.ms), d);
  }
  return map;
}

function assertHandTotals(mine: DayTotals, responses: readonly QwenResponse[]): Map<string, Hand> {
  const hand = byDay(responses);
  assert.deepEqual([...mine.keys()].sort(), [...hand.keys()].sort(), 'the same days as the corpus');
  for (const [day, h] of hand) {
    const m = mine.get(day);
    assert.ok(m, day);
    assert.deepEqual({ input: m.input, output: m.output, read: m.read, write: m.write }, { input: h.input, output: h.output, read: h.read, write: 0 }, day);
    assert.ok(Math.abs(m.cost - h.cost) <= 1e-9 + 1e-9 * h.cost, `${day} cost: ours ${m.cost} vs by hand ${h.cost}`);
  }
  return hand;
}

const assistant = (usageMetadata: unknown, extra: Record<string, unknown> = {}) => ({
  uuid: 'r-1',
  parentUuid: 'u-1',
  sessionId: 's-1',
  timestamp: '2026-04-06T03:00:00.000Z',
  type: 'assistant',
  cwd: '/home/dev/alpha',
  version: '0.16.2',
  model: QWEN_MODELS.gpt41,
  message: { role: 'model', parts: [{ text: 'ok' }] },
  usageMetadata,
  ...extra,
});

void describe('Qwen Code: one record', () => {
  void it('OpenAI-style usage: cached out of the prompt, reasoning already in the candidates', () => {
    const u = one(fmt.line(assistant({ promptTokenCount: 1_000, candidatesTokenCount: 300, cachedContentTokenCount: 600, thoughtsTokenCount: 100, totalTokenCount: 1_300 }), fresh(), FILE));
    assert.deepEqual(u, { ms: Date.parse('2026-04-06T03:00:00.000Z'), model: QWEN_MODELS.gpt41, input: 400, output: 300, cacheRead: 600, cacheWrite: 0, key: 'r-1', project: '/home/dev/alpha' });
  });

  void it('Gemini usage: thoughts apart from the candidates (the total counts them on top)', () => {
    const u = one(fmt.line(assistant({ promptTokenCount: 1_000, candidatesTokenCount: 300, cachedContentTokenCount: 600, thoughtsTokenCount: 100, totalTokenCount: 1_400 }, { model: QWEN_MODELS.flash }), fresh(), FILE));
    assert.deepEqual([u?.input, u?.output, u?.cacheRead], [400, 400, 600]);
  });

  void it('Anthropic usage: prompt = input + cache reads + cache writes; the writes stay in the input', () => {
    // input 2,000, cache read 5,000, cache write 1,000, output 700 (anthropicContentGenerator/usage.ts)
    const u = one(fmt.line(assistant({ promptTokenCount: 8_000, candidatesTokenCount: 700, totalTokenCount: 8_700, cachedContentTokenCount: 5_000 }, { model: QWEN_MODELS.sonnet }), fresh(), FILE));
    assert.deepEqual([u?.input, u?.output, u?.cacheRead, u?.cacheWrite], [3_000, 700, 5_000, 0]);
  });

  void it('the early usage shape (TokensSummary names) reads the same', () => {
    const early = { input: 1_000, output: 300, cached: 600, thoughts: 100, tool: 0, total: 1_300 };
    assert.deepEqual(qwenCounts(early), { prompt: 1_000, candidates: 300, cached: 600, thoughts: 100, tool: 0, total: 1_300 });
    assert.deepEqual(one(fmt.line(assistant(early), fresh(), FILE))?.input, 400);
  });

  void it('a $runtime|<auth>| prefix is dropped from the model; a missing model is "unknown"', () => {
    assert.equal(qwenModel('$runtime|openai|gpt-4.1'), 'gpt-4.1');
    assert.equal(qwenModel('$runtime|openai|$runtime|qwen-oauth|coder-model'), 'coder-model');
    assert.equal(qwenModel('$runtime|'), '$runtime|');
    const meta = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };
    assert.equal(one(fmt.line(assistant(meta, { model: '$runtime|openai|gpt-4.1' }), fresh(), FILE))?.model, 'gpt-4.1');
    assert.equal(one(fmt.line(assistant(meta, { model: undefined }), fresh(), FILE))?.model, 'unknown');
  });

  void it('system records (ui_telemetry copies of api_response), users, tool results, rewinds: no usage', () => {
    const s = fresh();
    const uiEvent = { 'event.name': 'qwen-code.api_response', model: 'gpt-4.1', input_token_count: 1_000, output_token_count: 300, total_token_count: 1_300 };
    assert.equal(fmt.line({ ...assistant(undefined), type: 'system', subtype: 'ui_telemetry', systemPayload: { uiEvent } }, s, FILE), null);
    assert.equal(fmt.line({ ...assistant(undefined), type: 'system', subtype: 'rewind', systemPayload: { truncatedCount: 2 } }, s, FILE), null);
    assert.equal(fmt.line({ ...assistant(undefined), type: 'user' }, s, FILE), null);
    assert.equal(fmt.line({ ...assistant(undefined), type: 'tool_result' }, s, FILE), null);
    assert.equal(fmt.line(assistant(undefined), s, FILE), null, 'an assistant record without usage');
  });

  void it('only files right inside projects/<project>/chats/ are transcripts', () => {
    const meta = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };
    assert.ok(isQwenTranscript(FILE));
    assert.ok(!isQwenTranscript('/home/u/.qwen/projects/-p/subagents/s/agent-explore.jsonl'));
    assert.ok(!isQwenTranscript('/home/u/.qwen/projects/-p/chats/s/deeper.jsonl'));
    assert.equal(fmt.line(assistant(meta), fresh(), '/home/u/.qwen/projects/-p/subagents/s/agent-explore.jsonl'), null);
    assert.ok(fmt.isLog('5e1d0c3a-1111-4222-a333-444455556666.jsonl'));
    assert.ok(!fmt.isLog('5e1d0c3a-1111-4222-a333-444455556666.ledger.jsonl'));
    assert.ok(!fmt.isLog('notes.json'));
  });

  void it('a record without a time: the last time of the file; malformed values: no usage, never a throw', () => {
    const s = fresh();
    const meta = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };
    assert.equal(fmt.line(assistant(meta, { timestamp: undefined }), s, FILE), null);
    one(fmt.line(assistant(meta), s, FILE));
    assert.equal(one(fmt.line(assistant(meta, { timestamp: 'soon' }), s, FILE))?.ms, Date.parse('2026-04-06T03:00:00.000Z'));
    for (const v of [null, 7, 'x', [], assistant('lots'), assistant({ promptTokenCount: '10', candidatesTokenCount: -3 })]) assert.equal(fmt.line(v, fresh(), FILE), null);
  });

  void it('where: QWEN_RUNTIME_DIR, else QWEN_HOME, else ~/.qwen; projects/ under it', () => {
    assert.deepEqual(fmt.roots({}, '/home/u'), ['/home/u/.qwen']);
    assert.deepEqual(fmt.roots({ QWEN_HOME: '/srv/qwen' }, '/home/u'), ['/srv/qwen']);
    assert.deepEqual(fmt.roots({ QWEN_HOME: '/srv/qwen', QWEN_RUNTIME_DIR: '~/runtime' }, '/home/u'), ['/home/u/runtime']);
    assert.deepEqual(fmt.roots({ QWEN_HOME: '' }, '/home/u'), ['/home/u/.qwen']);
    assert.deepEqual(fmt.dirs('/home/u/.qwen'), ['/home/u/.qwen/projects']);
  });
});

void describe('Qwen Code: the corpus, by hand and against ccusage qwen daily', () => {
  void it('every token and cost as worked by hand; ccusage differs exactly by its double counts', async () => {
    const home = temp();
    const corpus = writeQwenCorpus(home);
    assert.ok(corpus.responses.length >= 35, `dozens of responses (${corpus.responses.length})`);
    const { result, days: mine } = scanAgent('qwenCode', home);
    const hand = assertHandTotals(mine, corpus.responses);
    assert.deepEqual(result.unpricedModels, [QWEN_MODELS.coder], 'qwen3-coder-plus has no genai-prices price');

    const theirs = await ccusageDaily('qwen', home);
    assert.deepEqual([...theirs.keys()].sort(), [...mine.keys()].sort(), 'the same days');
    for (const [day, t] of theirs) {
      const m = mine.get(day);
      assert.ok(m, day);
      assert.equal(t.read, m.read, `${day}: the same cache reads`);
      assert.equal(t.input, m.input + m.read, `${day}: ccusage's input still holds the cache reads`);
      assert.equal(t.output, m.output - (hand.get(day)?.thoughtsApart ?? NaN), `${day}: ccusage's output leaves out thoughts logged apart`);
    }
  });

  void it('a /branch copy counts once (ccusage: again); the early usage shape counts (ccusage: zeros, dropped)', async () => {
    const home = temp();
    const corpus = writeQwenForks(home);
    const { days: mine } = scanAgent('qwenCode', home);
    assertHandTotals(mine, corpus.responses);
    const theirs = await ccusageDaily('qwen', home);
    const forkDay = dayOf(corpus.forked[0]?.ms ?? NaN);
    const forkedPrompt = corpus.forked.reduce((s, r) => s + r.input + r.cacheRead, 0);
    const m = mine.get(forkDay);
    assert.equal(theirs.get(forkDay)?.input, ((m?.input ?? NaN) + (m?.read ?? NaN)) * 2, 'ccusage counts the copied session again');
    assert.equal((m?.input ?? NaN) + (m?.read ?? NaN), forkedPrompt);
    assert.equal(theirs.get(dayOf(corpus.early[0]?.ms ?? NaN)), undefined, 'ccusage reads the early shape as zeros');
  });
});
