/**
 * Gemini CLI (src/sources/localLogs/parsers/gemini.ts): the format's functions on each trap, by
 * hand; then the corpus of test/fakes/agents/gemini.ts scanned by the scanner against ccusage's
 * `gemini daily`, and against the corpus's own hand-worked counts. The corpus's shapes and what
 * they reflect: test/fixtures/agents/gemini/README.md.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { GEMINI_DEFAULT_MODEL, geminiCliFormat, ledgerTokens, type GeminiState } from '../../../../src/sources/localLogs/parsers/gemini';
import type { Usage } from '../../../../src/sources/localLogs/parsers/format';
import { Scanner } from '../../../../src/sources/localLogs/scanner';
import { GEMINI_MODELS, writeGeminiCorpus, writeGeminiMigrated, type GeminiResponse } from '../../../fakes/agents/gemini';
import { assertSameDays, ccusageDaily, scanAgent, ZONE, type DayTotals } from '../agentHarness';

const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tb-gemini-'));
  temps.push(dir);
  return dir;
}
// Cleaned up when the process ends (no top-level hook: the file shares a process with others).
process.once('exit', () => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const fmt = geminiCliFormat;
const fresh = (): GeminiState => fmt.initial();
const one = (got: Usage | readonly Usage[] | null): Usage | null => {
  assert.ok(!Array.isArray(got), 'one usage per line');
  return got as Usage | null;
};
const tokens = (input: number, output: number, cached: number, thoughts: number, tool: number, total: number) => ({ input, output, cached, thoughts, tool, total });

const dayOf = (ms: number): string => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(ms);

/** Hand-worked day totals of a corpus's responses. */
function byDay(responses: readonly GeminiResponse[]): Map<string, { input: number; output: number; read: number; thoughts: number }> {
  const map = new Map<string, { input: number; output: number; read: number; thoughts: number }>();
  for (const r of responses) {
    const d = map.get(dayOf(r.ms)) ?? { input: 0, output: 0, read: 0, thoughts: 0 };
    d.input += r.input;
    d.output += r.output;
    d.read += r.cacheRead;
    d.thoughts += r.thoughts;
    map.set(dayOf(r.ms), d);
  }
  return map;
}

function assertHandTotals(mine: DayTotals, responses: readonly GeminiResponse[]): void {
  const hand = byDay(responses);
  assert.deepEqual([...mine.keys()].sort(), [...hand.keys()].sort(), 'the same days as the corpus');
  for (const [day, h] of hand) {
    const m = mine.get(day);
    assert.ok(m, day);
    assert.deepEqual({ input: m.input, output: m.output, read: m.read, write: m.write }, { input: h.input, output: h.output, read: h.read, write: 0 }, day);
  }
}

void describe('Gemini CLI: counts in the ledger convention (ledgerTokens)', () => {
  void it('Gemini API usage: cached out of the prompt, thoughts into the output, tool prompt as input', () => {
    // ccusage's own loader test (adapter/gemini/loader.rs): input 3,808 (tool included), cache 11,526, thoughts 919 apart.
    const c = { prompt: 15_327, candidates: 23, cached: 11_526, thoughts: 919, tool: 7, total: 16_276 };
    for (const apart of [true, false]) assert.deepEqual(ledgerTokens(c, apart), { input: 3_808, output: 942, cacheRead: 11_526, cacheWrite: 0 }, 'the total decides');
  });

  void it('a total of prompt + candidates says the reasoning is inside the candidates', () => {
    assert.deepEqual(ledgerTokens({ prompt: 1_000, candidates: 300, cached: 600, thoughts: 100, tool: 0, total: 1_300 }, true), { input: 400, output: 300, cacheRead: 600, cacheWrite: 0 });
  });

  void it('a total that counts the cached tokens on top says the prompt excluded them', () => {
    assert.deepEqual(ledgerTokens({ prompt: 400, candidates: 300, cached: 600, thoughts: 100, tool: 0, total: 1_400 }, false), { input: 400, output: 400, cacheRead: 600, cacheWrite: 0 });
    assert.deepEqual(ledgerTokens({ prompt: 400, candidates: 300, cached: 600, thoughts: 100, tool: 0, total: 1_300 }, true), { input: 400, output: 300, cacheRead: 600, cacheWrite: 0 });
  });

  void it('no total: the caller decides where the thoughts are, the cached tokens are in the prompt', () => {
    const c = { prompt: 1_000, candidates: 300, cached: 600, thoughts: 100, tool: 0, total: 0 };
    assert.deepEqual(ledgerTokens(c, true), { input: 400, output: 400, cacheRead: 600, cacheWrite: 0 });
    assert.deepEqual(ledgerTokens(c, false), { input: 400, output: 300, cacheRead: 600, cacheWrite: 0 });
  });

  void it('tokens the total has beyond its parts are output; only a total is all output; nothing is null', () => {
    assert.deepEqual(ledgerTokens({ prompt: 100, candidates: 10, cached: 0, thoughts: 0, tool: 0, total: 150 }, true), { input: 100, output: 50, cacheRead: 0, cacheWrite: 0 });
    assert.deepEqual(ledgerTokens({ prompt: 0, candidates: 0, cached: 0, thoughts: 0, tool: 0, total: 654 }, true), { input: 0, output: 654, cacheRead: 0, cacheWrite: 0 });
    assert.equal(ledgerTokens({ prompt: 0, candidates: 0, cached: 0, thoughts: 0, tool: 0, total: 0 }, true), null);
  });
});

void describe('Gemini CLI: one line', () => {
  const file = '/nowhere/.gemini/tmp/p/chats/session-x.jsonl';
  const msg = (extra: Record<string, unknown>) => ({ id: 'm1', timestamp: '2026-03-02T10:00:00.000Z', type: 'gemini', model: GEMINI_MODELS.flash, ...extra });

  void it('a response: its id is the key, its counts in the ledger convention', () => {
    const u = one(fmt.line(msg({ tokens: tokens(10_000, 200, 4_000, 300, 0, 10_500) }), fresh(), file));
    assert.deepEqual(u, { ms: Date.parse('2026-03-02T10:00:00.000Z'), model: GEMINI_MODELS.flash, input: 6_000, output: 500, cacheRead: 4_000, cacheWrite: 0, key: 'm1' });
  });

  void it('the same message appended again (tokens arriving, tool calls recorded) keeps its key and counts', () => {
    const s = fresh();
    const t = tokens(10_000, 200, 4_000, 300, 0, 10_500);
    assert.equal(fmt.line(msg({ tokens: null }), s, file), null);
    const a = one(fmt.line(msg({ tokens: t }), s, file));
    const b = one(fmt.line(msg({ tokens: t, toolCalls: [{ id: 'c', name: 'ls' }] }), s, file));
    assert.deepEqual(a, b);
  });

  void it('$set checkpoints, $rewindTo, user and info messages, metadata: no usage', () => {
    const s = fresh();
    assert.equal(fmt.line({ $set: { messages: [msg({ tokens: tokens(1, 1, 0, 0, 0, 2) })] } }, s, file), null);
    assert.equal(fmt.line({ $rewindTo: 'm1' }, s, file), null);
    assert.equal(fmt.line({ id: 'u', timestamp: '2026-03-02T10:00:00Z', type: 'user', content: 'hi' }, s, file), null);
    assert.equal(fmt.line({ sessionId: 's', projectHash: 'h', startTime: '2026-03-02T10:00:00Z' }, s, file), null);
  });

  void it('a response without a model: the model the file named last, else Gemini CLI\'s default', () => {
    const s = fresh();
    const t = tokens(100, 10, 0, 0, 0, 110);
    assert.equal(one(fmt.line({ id: 'a', timestamp: '2026-03-02T10:00:00Z', type: 'gemini', tokens: t }, s, file))?.model, GEMINI_DEFAULT_MODEL);
    one(fmt.line(msg({ id: 'b', model: GEMINI_MODELS.lite, tokens: t }), s, file));
    assert.equal(one(fmt.line({ id: 'c', timestamp: '2026-03-02T10:01:00Z', type: 'gemini', tokens: t }, s, file))?.model, GEMINI_MODELS.lite);
  });

  void it('a response without a time: the last time of the file; none yet: no usage', () => {
    const s = fresh();
    const t = tokens(100, 10, 0, 0, 0, 110);
    assert.equal(fmt.line({ id: 'a', type: 'gemini', model: 'm', tokens: t }, s, file), null);
    one(fmt.line(msg({ tokens: t }), s, file));
    assert.equal(one(fmt.line({ id: 'b', type: 'gemini', model: 'm', tokens: t }, s, file))?.ms, Date.parse('2026-03-02T10:00:00.000Z'));
  });

  void it('malformed values yield no usage, never a throw', () => {
    const s = fresh();
    for (const v of [null, 3, 'x', [], { type: 'gemini', timestamp: 'x', tokens: tokens(1, 1, 0, 0, 0, 2) }]) assert.equal(fmt.line(v, s, file), null);
    assert.equal(fmt.line(msg({ tokens: 'lots' }), s, file), null);
    assert.equal(fmt.line(msg({ tokens: { input: '100', output: -5, total: Number.NaN } }), s, file), null);
    assert.deepEqual(one(fmt.line(msg({ tokens: { input: 100.7, output: -5, cached: 'x' } }), s, file))?.input, 100);
  });

  void it('the project: .project_root of the chats folder\'s parent, for a sub-agent\'s file too', () => {
    const home = temp();
    const dir = path.join(home, '.gemini', 'tmp', 'alpha');
    mkdirSync(path.join(dir, 'chats', 'parent-session'), { recursive: true });
    writeFileSync(path.join(dir, '.project_root'), '/home/dev/alpha');
    const t = tokens(100, 10, 0, 0, 0, 110);
    assert.equal(one(fmt.line(msg({ tokens: t }), fresh(), path.join(dir, 'chats', 'session-a.jsonl')))?.project, '/home/dev/alpha');
    assert.equal(one(fmt.line(msg({ tokens: t }), fresh(), path.join(dir, 'chats', 'parent-session', 'sub.jsonl')))?.project, '/home/dev/alpha');
    assert.equal(one(fmt.line(msg({ tokens: t }), fresh(), path.join(home, '.gemini', 'tmp', 'hash', 'chats', 'a.jsonl')))?.project, undefined);
  });

  void it('the legacy document: every response in it, the model carried, the session start as a fallback time', () => {
    const docs = fmt.companion;
    assert.ok(docs);
    const t = tokens(1_000, 100, 0, 20, 0, 1_120);
    const got = docs.file({ sessionId: 's', startTime: '2026-03-01T00:00:00Z', messages: [{ id: 'u', type: 'user' }, { id: 'a', timestamp: '2026-03-01T00:01:00Z', type: 'gemini', model: GEMINI_MODELS.pro, tokens: t }, { id: 'b', type: 'gemini', tokens: t }, 7] }, '/x/chats/session-a.json');
    assert.deepEqual(
      got.map((u) => [u.key, u.model, u.ms, u.input, u.output]),
      [
        ['a', GEMINI_MODELS.pro, Date.parse('2026-03-01T00:01:00Z'), 1_000, 120],
        ['b', GEMINI_MODELS.pro, Date.parse('2026-03-01T00:01:00Z'), 1_000, 120],
      ],
    );
    assert.deepEqual(docs.file([], '/x'), []);
    assert.deepEqual(docs.file({ messages: 'no' }, '/x'), []);
  });

  void it('which files, and where', () => {
    assert.ok(fmt.isLog('session-2026-03-02T03-10-abcdef12.jsonl'));
    assert.ok(fmt.isLog('0b1c2d3e-aaaa-bbbb-cccc-111122223333.jsonl'));
    assert.ok(!fmt.isLog('session-2026-03-02T03-10-abcdef12.json'));
    assert.ok(!fmt.isLog('session-x.jsonl.unreadable-1772400000000'));
    assert.ok(fmt.companion?.isLog('session-2026-03-02T03-10-abcdef12.json'));
    assert.ok(!fmt.companion?.isLog('checkpoint-save1.json'));
    assert.ok(!fmt.companion?.isLog('logs.json'));
    assert.deepEqual(fmt.roots({}, '/home/u'), ['/home/u/.gemini']);
    assert.deepEqual(fmt.roots({ GEMINI_CLI_HOME: '/srv/g' }, '/home/u'), ['/srv/g/.gemini']);
    assert.deepEqual(fmt.dirs('/home/u/.gemini'), ['/home/u/.gemini/tmp']);
  });
});

void describe('Gemini CLI: the corpus against ccusage gemini daily', () => {
  void it('days, input, cache reads and cost as ccusage; output = ccusage output + thoughts; every token as worked by hand', async () => {
    const home = temp();
    const corpus = writeGeminiCorpus(home);
    assert.ok(corpus.responses.length >= 40, `dozens of responses (${corpus.responses.length})`);
    const { result, days: mine } = scanAgent('geminiCli', home);
    const theirs = await ccusageDaily('gemini', home);
    assert.ok(mine.size >= 4, `several days (${[...mine.keys()].join(', ')})`);
    assert.deepEqual(result.unpricedModels, []);
    assertSameDays(mine, theirs, { fields: ['cost', 'input', 'read', 'write'] });
    const hand = byDay(corpus.responses);
    for (const [day, t] of theirs) assert.equal(mine.get(day)?.output, t.output + (hand.get(day)?.thoughts ?? NaN), `${day} output: ccusage's + the thoughts it keeps apart`);
    assertHandTotals(mine, corpus.responses);
  });

  void it('a legacy session resumed into JSONL counts once (ccusage: twice); a first response without a model counts (ccusage: dropped)', async () => {
    const home = temp();
    const corpus = writeGeminiMigrated(home);
    const { days: mine } = scanAgent('geminiCli', home);
    assertHandTotals(mine, corpus.responses);
    const theirs = await ccusageDaily('gemini', home);
    const copiedInput = corpus.copied.reduce((s, r) => s + r.input, 0);
    const day = dayOf(corpus.copied[0]?.ms ?? NaN);
    assert.equal(theirs.get(day)?.input, (mine.get(day)?.input ?? NaN) + copiedInput, 'ccusage counts the copied messages again');
    assert.equal(theirs.get(dayOf(corpus.modelless.ms)), undefined, 'ccusage drops the model-less response');
    assert.ok((mine.get(dayOf(corpus.modelless.ms))?.cost ?? 0) > 0, 'priced as the default model');
  });

  void it('reads again only what changed: an appended copy of a message adds nothing, a new response adds itself, a rewritten document is replaced', () => {
    const home = temp();
    const corpus = writeGeminiCorpus(home);
    const scanner = new Scanner();
    const before = scanAgent('geminiCli', home, {}, scanner).days;
    const jsonl = corpus.files.find((f) => f.endsWith('.jsonl') && f.includes(`${path.sep}chats${path.sep}session-`)) as string;
    const lines = readFileSync(jsonl, 'utf8').split('\n');
    const repeated = lines.find((l) => l.includes('"type":"gemini"') && l.includes('"tokens":{')) as string;
    const t = { input: 50_000, output: 700, cached: 20_000, thoughts: 300, tool: 0, total: 51_000 };
    appendFileSync(jsonl, `${repeated}\n${JSON.stringify({ id: 'appended', timestamp: '2026-03-02T12:00:00.000Z', type: 'gemini', model: GEMINI_MODELS.flash, tokens: t })}\n`);
    const after1 = scanAgent('geminiCli', home, {}, scanner).days;
    const day = '2026-03-02';
    assert.equal(after1.get(day)?.input, (before.get(day)?.input ?? NaN) + 30_000);
    assert.equal(after1.get(day)?.output, (before.get(day)?.output ?? NaN) + 1_000);

    const doc = corpus.files.find((f) => f.endsWith('.json')) as string;
    const parsed = JSON.parse(readFileSync(doc, 'utf8')) as { messages: unknown[] };
    parsed.messages.push({ id: 'late', timestamp: '2026-03-04T09:00:00.000Z', type: 'gemini', model: GEMINI_MODELS.flash, tokens: t });
    writeFileSync(doc, JSON.stringify(parsed, null, 2));
    const after2 = scanAgent('geminiCli', home, {}, scanner).days;
    assert.equal(after2.get('2026-03-04')?.input, (after1.get('2026-03-04')?.input ?? NaN) + 30_000);
  });
});
