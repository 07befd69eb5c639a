// Antigravity: the protobuf reading and the counting on its traps (hand-computed), and its day
// totals against ccusage's `antigravity daily` on a generated corpus of WAL-mode databases, some
// still open for writing (test/fakes/agents/antigravity.ts; shapes and references in
// test/fixtures/agents/antigravity/README.md). Needs node:sqlite: run with the editor's Node 24,
//   ~/.cache/token-budget/editor/node_modules/.bin/node --import tsx --test <this file>
//
// ccusage 20.0.24 reports a call's response tokens as `outputTokens` and adds the thinking tokens
// in `totalTokens` and in the cost; here output includes the thinking (the ledger's convention), so
// output is compared with ccusage's total less its input and cache tokens.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { antigravityFormat, antigravityLedgerModel, antigravityModelName, conversationCalls, decodeFields, generationRecord, readAntigravity, stepRecord } from '../../../../src/sources/localLogs/parsers/antigravity';
import type { SqliteDb } from '../../../../src/sources/localLogs/parsers/format';
import { Scanner } from '../../../../src/sources/localLogs/scanner';
import { addGeneration, addStep, addTrajectory, agySkip, checkpoint, fieldBytes, fieldVarint, generationBlob, openConversation, openDatabase, stepBlob, writeAntigravityCorpus, type CallSpec } from '../../../fakes/agents/antigravity';
import { assertSameDays, ccusageDaily, scanAgent, ZONE, type DayTotals } from '../agentHarness';
import { tempHome } from '../helpers';
import { ccusageDailyJson } from '../../../ccusage';

const skip = agySkip();
const MS = Date.UTC(2026, 2, 10, 10, 0, 0);
const spec = (id: string, extra: Partial<CallSpec> = {}): CallSpec => ({ input: 1000, output: 300, thinking: 200, response: 100, read: 5000, responseId: `r-${id}`, messageId: `m-${id}`, ...extra });

/** A database handed to the format as the scanner hands it (read-only node:sqlite). */
function readOnly(file: string): SqliteDb & { close(): void } {
  return openDatabase(file, { readOnly: true });
}

/** ccusage's totalTokens per day (its outputTokens leaves the thinking out; its total has it). */
async function ccusageTotalTokens(home: string, env: Record<string, string> = {}): Promise<Map<string, number>> {
  const stdout = await ccusageDailyJson(home, ZONE, { agent: 'antigravity', env });
  const parsed = JSON.parse(stdout) as { daily: { period?: string; date?: string; totalTokens: number }[] };
  return new Map(parsed.daily.map((d) => [d.period ?? d.date ?? '', d.totalTokens]));
}

/** ccusage's days with its output made whole again (total less input and cache), for the token comparison. */
function withThinking(theirs: DayTotals, totals: Map<string, number>): DayTotals {
  const out: DayTotals = new Map();
  for (const [day, t] of theirs) {
    const total = totals.get(day) ?? t.tokens;
    out.set(day, { ...t, output: total - t.input - t.read - t.write, tokens: total });
  }
  return out;
}

void describe('Antigravity format', () => {
  void it('reads <root>/conversations/**/*.db under the default roots, or ANTIGRAVITY_DATA_DIR (comma list)', () => {
    assert.deepEqual(antigravityFormat.roots({}, '/h'), ['/h/.gemini/antigravity', '/h/.gemini/antigravity-cli', '/h/.gemini/antigravity-ide', '/h/.gemini/antigravity-backup', '/h/.config/antigravity']);
    assert.deepEqual(antigravityFormat.roots({ ANTIGRAVITY_DATA_DIR: '/a, ~/b ,' }, '/h'), ['/a', '/h/b']);
    assert.deepEqual(antigravityFormat.roots({ ANTIGRAVITY_DATA_DIR: ' ' }, '/h').length, 5);
    assert.deepEqual(antigravityFormat.dirs('/h/.gemini/antigravity-cli'), ['/h/.gemini/antigravity-cli/conversations']);
    assert.ok(antigravityFormat.isLog('5d0c1a2b-0000-4000-8000-000000000000.db'));
    assert.ok(!antigravityFormat.isLog('x.db-wal'));
    assert.ok(!antigravityFormat.isLog('notes.txt'));
  });

  void it('decodes the protobuf wire format, and refuses a truncated or invalid message', () => {
    const f = decodeFields(Buffer.concat([fieldVarint(2, 300), fieldBytes(11, 'r1'), fieldVarint(5, 2 ** 40)]));
    assert.deepEqual(f.map((x) => [x.n, x.v, x.b && Buffer.from(x.b).toString()]), [
      [2, 300, undefined],
      [11, undefined, 'r1'],
      [5, 2 ** 40, undefined],
    ]);
    assert.throws(() => decodeFields(Buffer.from([0x10])), /truncated/); // a varint cut short
    assert.throws(() => decodeFields(Buffer.from([0x5a, 0x05, 0x61])), /truncated/); // bytes cut short
    assert.throws(() => decodeFields(Buffer.from([0x0b])), /wire type/); // a group
    assert.throws(() => decodeFields(Buffer.from([0x00, 0x01])), /zero/);
  });

  void it('reads a generation: ModelUsageStats 2 input (no cache reads in it), 3 output (thinking in it), 4 cache writes, 5 cache reads, 9/10 thinking/response, 11/12/7 ids; the model text (19), its start (9→4), its retries (17→2)', () => {
    const g = generationRecord(generationBlob({ model: 'Gemini 3 Pro (High)', call: spec('a', { write: 40 }), ms: MS, retries: [spec('b', { output: 0, thinking: 0, response: 0 })], request: true }));
    assert.equal(g.model, 'gemini-3-pro');
    assert.equal(g.ms, MS);
    assert.deepEqual(
      g.calls.map((c) => [c.input, c.output, c.write, c.read, c.thinking, c.response, c.ids]),
      [
        [1000, 300, 40, 5000, 200, 100, ['response:r-a', 'message:m-a']],
        [1000, 0, 0, 5000, 0, 0, ['response:r-b', 'message:m-b']],
      ],
    );
    // The model enum id (3) where there is no text; a wrapper without field 1 is no generation.
    assert.equal(generationRecord(generationBlob({ modelId: 246, call: spec('c') })).model, 'gemini-2.5-pro');
    assert.throws(() => generationRecord(fieldBytes(2, 'x')), /field 1/);
  });

  void it('reads a step: its date (1, or 8 on some builds), its call (9), its model (24→12), its retries (28→2)', () => {
    const s = stepRecord(stepBlob({ ms: MS, msField: 8, call: spec('a'), model: 'claude-sonnet-4-5', retries: [spec('b')] }));
    assert.equal(s.ms, MS);
    assert.equal(s.model, 'claude-sonnet-4-5');
    assert.deepEqual(s.calls.map((c) => c.ids[0]), ['response:r-a', 'response:r-b']);
    assert.equal(stepRecord(stepBlob({ ms: MS, msField: 1 })).ms, MS);
    assert.equal(stepRecord(stepBlob({})).ms, undefined);
  });

  void it('counts a call once though steps, generations and retries repeat it; a failed attempt with its own id counts; output is thinking + response once', () => {
    const a = spec('a');
    const b = spec('b', { output: undefined }); // output rebuilt from thinking + response
    const failed = spec('f', { output: 0, thinking: 0, response: 0, input: 700, read: 0 });
    const calls = conversationCalls(
      [stepRecord(stepBlob({ ms: MS - 5_000, call: a })), stepRecord(stepBlob({ ms: MS + 60_000, call: b }))],
      [generationRecord(generationBlob({ model: 'gemini-2.5-pro', call: a, ms: MS, retries: [failed, a] })), generationRecord(generationBlob({ call: b }))],
      undefined,
      0,
    );
    assert.deepEqual(
      calls.map((c) => [c.ids[0], c.ms, c.model, c.input, c.total, c.read]),
      [
        ['response:r-a', MS - 5_000, 'gemini-2.5-pro', 1000, 300, 5000], // the step's earlier date; the generation's model
        ['response:r-b', MS + 60_000, 'gemini-2.5-pro', 1000, 300, 5000], // the row without a model takes the one before
        ['response:r-f', MS, 'gemini-2.5-pro', 700, 0, 0],
      ],
    );
  });

  void it('dates a call by its own record, else another record of the same call, else the conversation, else the file', () => {
    const noDate = (id: string) => generationRecord(generationBlob({ model: 'gemini-2.5-flash', call: spec(id) }));
    const [withStep] = conversationCalls([stepRecord(stepBlob({ ms: MS, call: spec('s') }))], [noDate('s')], MS - 86_400_000, 1);
    assert.equal(withStep?.ms, MS);
    assert.equal(conversationCalls([], [noDate('c')], MS - 86_400_000, 1)[0]?.ms, MS - 86_400_000);
    assert.equal(conversationCalls([], [noDate('f')], undefined, 12345)[0]?.ms, 12345);
  });

  void it('names models as ccusage 20.0.24 does, spelt as genai-prices knows them', () => {
    const cases: [string, string, string][] = [
      ['Gemini 3 Pro (High)', 'gemini-3-pro', 'gemini-3-pro-preview'],
      ['gemini-3-pro-low', 'gemini-3-pro', 'gemini-3-pro-preview'],
      ['Gemini 3.1 Pro (Low)', 'gemini-3.1-pro', 'gemini-3.1-pro-preview'],
      ['gemini-3-flash', 'gemini-3-flash-preview', 'gemini-3-flash-preview'],
      ['Gemini 3 Flash', 'gemini-3.6-flash', 'gemini-3.6-flash'],
      ['gemini-3-flash-agent', 'gemini-3.5-flash-high', 'gemini-3.5-flash-high'],
      ['Claude Sonnet 4.5 (Thinking)', 'claude-sonnet-4.5', 'claude-sonnet-4.5'],
      ['GPT-OSS 120B (Medium)', 'gpt-oss-120b', 'gpt-oss-120b'],
      ['claude 3.7 sonnet thinking', 'claude-3-7-sonnet', 'claude-3-7-sonnet'],
      ['model_placeholder_m26', 'claude-opus-4-6', 'claude-opus-4-6'],
      ['Something Else', 'Something Else', 'Something Else'],
    ];
    for (const [raw, name, ledger] of cases) {
      assert.equal(antigravityModelName(raw), name, raw);
      assert.equal(antigravityLedgerModel(name), ledger, raw);
    }
    assert.equal(antigravityModelName('  '), undefined);
    const byId = (id: number) => conversationCalls([], [generationRecord(generationBlob({ call: spec(`i${id}`, { modelId: id }) }))], MS, 0)[0]?.model;
    assert.deepEqual([246, 312, 333, 340, 342, 1018, 1035, 5].map(byId), ['gemini-2.5-pro', 'gemini-2.5-flash', 'claude-4.5-sonnet', 'claude-4.5-haiku', 'gpt-oss-120b-medium', 'gemini-3-flash-preview', 'claude-sonnet-4-6', 'antigravity-model-5']);
    assert.equal(antigravityLedgerModel('claude-4.5-sonnet'), 'claude-sonnet-4-5');
    assert.equal(conversationCalls([], [generationRecord(generationBlob({ call: spec('x') }))], MS, 0)[0]?.model, 'gemini-internal-model');
  });

  void it('reads a database: a malformed blob loses its row only; a database without the tables is nothing', { skip }, () => {
    const home = tempHome('tb-agy-');
    const file = path.join(home, 'c.db');
    const w = openConversation(file);
    addTrajectory(w, MS - 3_600_000);
    addGeneration(w, 0, generationBlob({ model: 'gemini-2.5-pro', call: spec('ok'), ms: MS }));
    addGeneration(w, 1, Buffer.from([0x0a, 0x30, 0x01])); // cut short
    addStep(w, 0, stepBlob({ call: spec('bg', { input: 50, read: 0, output: 7, thinking: 0, response: 7 }) }));
    addStep(w, 1, null);
    checkpoint(w);
    w.close();
    const db = readOnly(file);
    try {
      assert.deepEqual(readAntigravity(db, file), [
        { ms: MS - 3_600_000, model: 'gemini-2.5-pro', input: 50, output: 7, cacheRead: 0, cacheWrite: 0, key: 'antigravity:response:r-bg' },
        { ms: MS, model: 'gemini-2.5-pro', input: 1000, output: 300, cacheRead: 5000, cacheWrite: 0, key: 'antigravity:response:r-ok' },
      ]);
    } finally {
      db.close();
    }
    const emptyFile = path.join(home, 'empty.db');
    const empty = openDatabase(emptyFile);
    empty.exec('CREATE TABLE other (x)');
    empty.close();
    const db2 = readOnly(emptyFile);
    try {
      assert.deepEqual(readAntigravity(db2, emptyFile), []);
    } finally {
      db2.close();
    }
  });

  void it('sees rows still in the -wal file of a conversation being written, and counts a sub-agent’s copy of a call once', { skip }, () => {
    const home = tempHome('tb-agy-');
    const conv = path.join(home, '.gemini', 'antigravity-cli', 'conversations');
    const w = openConversation(path.join(conv, 'live.db'));
    addGeneration(w, 0, generationBlob({ model: 'gemini-2.5-flash', call: spec('one'), ms: MS }));
    checkpoint(w);
    addGeneration(w, 1, generationBlob({ call: spec('two', { input: 2000 }), ms: MS + 1_000 }));
    const sub = openConversation(path.join(conv, 'live', 'subagents', 'sub.db'));
    addGeneration(sub, 0, generationBlob({ model: 'gemini-2.5-flash', call: spec('one'), ms: MS + 5_000 }));
    checkpoint(sub);
    sub.close();
    try {
      assert.ok(statSync(path.join(conv, 'live.db-wal')).size > 0, 'the second row is in the -wal file only');
      const scanner = new Scanner();
      const day = scanAgent('antigravity', home, {}, scanner).days.get('2026-03-10');
      assert.deepEqual(day && [day.input, day.output, day.read], [3000, 600, 10000]);
      // A row written while the writer stays open is counted on the next read.
      addGeneration(w, 2, generationBlob({ call: spec('three', { input: 4000 }), ms: MS + 2_000 }));
      const again = scanAgent('antigravity', home, {}, scanner).days.get('2026-03-10');
      assert.deepEqual(again && [again.input, again.output, again.read], [7000, 900, 15000]);
    } finally {
      w.close();
    }
  });
});

void describe('Antigravity against ccusage 20.0.24', () => {
  void it('has the same day totals (input, cache, cost; output and tokens with the thinking ccusage reports apart) on a corpus of repeated, retried, background and sub-agent calls, some only in -wal files', { skip }, async () => {
    const home = tempHome('tb-agy-x-');
    const corpus = writeAntigravityCorpus(home);
    try {
      assert.ok(corpus.files.length >= 10 && corpus.open.length === 2);
      const mine = scanAgent('antigravity', home);
      assert.deepEqual(mine.result.unpricedModels, []);
      const theirs = await ccusageDaily('antigravity', home);
      assert.ok(theirs.size >= 4);
      assertSameDays(mine.days, theirs, { fields: ['input', 'read', 'write', 'cost'] });
      assertSameDays(mine.days, withThinking(theirs, await ccusageTotalTokens(home)), { fields: ['output', 'tokens'] });
    } finally {
      for (const w of corpus.open) w.close();
    }
  });

  void it('reads ANTIGRAVITY_DATA_DIR roots as ccusage does', { skip }, async () => {
    const home = tempHome('tb-agy-env-');
    const one = writeAntigravityCorpus(path.join(home, 'gen-a'), { seed: 1, conversations: 3 });
    const two = writeAntigravityCorpus(path.join(home, 'gen-b'), { seed: 2, conversations: 3 });
    for (const w of [...one.open, ...two.open]) w.close();
    // The corpus writes under <home>/.gemini/…: point the variable at two of those roots.
    const env = { ANTIGRAVITY_DATA_DIR: `${path.join(home, 'gen-a', '.gemini', 'antigravity-cli')},${path.join(home, 'gen-b', '.gemini', 'antigravity-cli')}` };
    const mine = scanAgent('antigravity', home, env);
    assert.ok(mine.days.size > 0);
    const theirs = await ccusageDaily('antigravity', home, env);
    assertSameDays(mine.days, theirs, { fields: ['input', 'read', 'write', 'cost'] });
  });
});
