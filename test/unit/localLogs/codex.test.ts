import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { CODEX_ASSUMED_LABEL, CODEX_NEEDLE, parseCodexLine, parseCodexLineSlow, type CodexFileState } from '../../../src/sources/localLogs/codex';
import { generateCorpus } from '../../fakes/agentLogs';
import { Scanner } from '../../../src/sources/localLogs/scanner';
import {
  addTokens,
  codexAgentMessageLine,
  codexResponseLine,
  codexSessionMetaLine,
  codexTokenCountLine as tokenCount,
  codexTurnContextLine as turnContext,
  CODEX_MODELS,
  ZERO_TOKENS,
  type CodexTokens,
} from '../../fakes/agentLogs';
import { append, close, codexCost, codexFile, filesUnder, Session, tempHome, totals, write } from './helpers';

const T = (hh: string) => `2026-11-18T${hh}.000Z`;
const A: CodexTokens = { input: 12_000, cached: 8_000, output: 700, reasoning: 300 };
const B: CodexTokens = { input: 30_000, cached: 25_000, output: 1_500, reasoning: 900 };
const C: CodexTokens = { input: 9_000, cached: 0, output: 200, reasoning: 0 };

function session(home: string): Session {
  return new Session(new Scanner(), 'codex', home);
}

void describe('Codex logs', () => {
  void it('takes per-turn deltas from last_token_usage; input includes the cached part, output the reasoning', () => {
    const home = tempHome();
    const ab = addTokens(A, B);
    write(codexFile(home, 'sessions/2026/11/18/rollout-a.jsonl'), [
      codexSessionMetaLine(T('10:00:00'), 's1', 'instructions'),
      turnContext(T('10:00:00'), CODEX_MODELS.codex),
      tokenCount(T('10:00:01'), null, null), // info: null carries nothing
      codexResponseLine(T('10:00:02'), 'reasoning', 'thinking'),
      tokenCount(T('10:00:03'), A, A),
      codexAgentMessageLine(T('10:00:04'), 'done'),
      tokenCount(T('10:00:05'), ab, B),
      tokenCount(T('10:00:06'), ab, ZERO_TOKENS), // a repeated total with an empty turn
    ]);
    const r = session(home).scan();
    const t = totals(r.rows);
    assert.equal(t.requests, 2);
    assert.equal(t.input, A.input - A.cached + B.input - B.cached, 'uncached input');
    assert.equal(t.read, A.cached + B.cached);
    assert.equal(t.output, A.output + B.output, 'reasoning is inside output');
    assert.equal(t.write, 0);
    assert.ok(close(t.cost, codexCost(CODEX_MODELS.codex, A, T('10:00:03')) + codexCost(CODEX_MODELS.codex, B, T('10:00:05'))));
  });

  void it('without last_token_usage, takes the differences of total_token_usage, also across appends', () => {
    const home = tempHome();
    const file = codexFile(home, 'sessions/2026/11/18/rollout-b.jsonl');
    const ab = addTokens(A, B);
    write(file, [turnContext(T('10:00:00'), CODEX_MODELS.gpt5), tokenCount(T('10:00:01'), A, null), tokenCount(T('10:00:02'), ab, null)]);
    const s = session(home);
    s.scan();
    append(file, `${tokenCount(T('10:00:03'), addTokens(ab, C), null)}\n`);
    s.scan();
    const t = totals(s.rows());
    assert.equal(t.requests, 3);
    assert.equal(t.output, A.output + B.output + C.output);
    assert.equal(t.input + t.read, A.input + B.input + C.input);
    assert.ok(close(t.cost, codexCost(CODEX_MODELS.gpt5, A, T('10:00:01')) + codexCost(CODEX_MODELS.gpt5, B, T('10:00:02')) + codexCost(CODEX_MODELS.gpt5, C, T('10:00:03'))));
  });

  void it('a token_count re-emitted with an unchanged total_token_usage is not counted again, also across appends', () => {
    const home = tempHome();
    const file = codexFile(home, 'sessions/2026/11/18/rollout-r.jsonl');
    const ab = addTokens(A, B);
    // Codex writes the same turn's token_count again (a new timestamp, the same total, the same
    // last_token_usage) after e.g. a rate-limit update: only the total moving is a new turn.
    write(file, [turnContext(T('10:00:00'), CODEX_MODELS.codex), tokenCount(T('10:00:01'), A, A), tokenCount(T('10:00:02'), A, A), tokenCount(T('10:00:09'), A, A), tokenCount(T('10:01:00'), ab, B)]);
    const s = session(home);
    s.scan();
    append(file, `${tokenCount(T('10:01:01'), ab, B)}\n`);
    s.scan();
    const t = totals(s.rows());
    assert.equal(t.requests, 2);
    assert.equal(t.input + t.read, ab.input, 'the final total_token_usage');
    assert.equal(t.output, ab.output);
    assert.ok(close(t.cost, codexCost(CODEX_MODELS.codex, A, T('10:00:01')) + codexCost(CODEX_MODELS.codex, B, T('10:01:00'))));
  });

  void it('the model comes from turn_context and may switch mid-file', () => {
    const home = tempHome();
    write(codexFile(home, 'sessions/2026/11/18/rollout-c.jsonl'), [
      turnContext(T('10:00:00'), CODEX_MODELS.codex),
      tokenCount(T('10:00:01'), A, A),
      turnContext(T('10:05:00'), CODEX_MODELS.codex51),
      tokenCount(T('10:05:01'), addTokens(A, B), B),
    ]);
    const r = session(home).scan();
    assert.deepEqual(r.rows.map((x) => [x.model, x.outputTokens]).sort(), [
      [CODEX_MODELS.codex, A.output],
      [CODEX_MODELS.codex51, B.output],
    ]);
  });

  void it('early rollouts without a model are priced as gpt-5 and flagged as assumed', () => {
    const home = tempHome();
    write(codexFile(home, 'sessions/2025/09/01/rollout-old.jsonl'), [codexSessionMetaLine('2025-09-01T10:00:00.000Z', 'old'), turnContext('2025-09-01T10:00:00.000Z', null), tokenCount('2025-09-01T10:00:01.000Z', A, A)]);
    const r = session(home).scan();
    assert.equal(r.rows.length, 1);
    const row = r.rows[0]!;
    assert.equal(row.model, CODEX_ASSUMED_LABEL);
    assert.ok(!row.unpriced);
    assert.ok(close(row.cost, codexCost('gpt-5', A, '2025-09-01T10:00:01.000Z')));
    assert.equal(r.assumedModel, true);
  });

  void it('an unknown model is unpriced, its tokens kept', () => {
    const home = tempHome();
    write(codexFile(home, 'sessions/2026/11/18/rollout-u.jsonl'), [turnContext(T('10:00:00'), CODEX_MODELS.unknown), tokenCount(T('10:00:01'), B, B)]);
    const r = session(home).scan();
    assert.equal(r.rows[0]?.unpriced, true);
    assert.equal(r.rows[0]?.cost, 0);
    assert.equal(r.rows[0]?.cacheReadTokens, B.cached);
    assert.deepEqual(r.unpricedModels, [CODEX_MODELS.unknown]);
  });

  void it('a copy of a rollout under archived_sessions is not counted twice', () => {
    const home = tempHome();
    const file = codexFile(home, 'sessions/2026/11/18/rollout-d.jsonl');
    write(file, [turnContext(T('10:00:00'), CODEX_MODELS.codex), tokenCount(T('10:00:01'), A, A), tokenCount(T('10:00:02'), addTokens(A, B), B)]);
    const archived = codexFile(home, 'archived_sessions/rollout-d.jsonl');
    mkdirSync(path.dirname(archived), { recursive: true });
    copyFileSync(file, archived);
    const r = session(home).scan();
    assert.equal(totals(r.rows).requests, 2);
  });

  void it('a torn token_count line is counted once, when complete', () => {
    const home = tempHome();
    const file = codexFile(home, 'sessions/2026/11/18/rollout-t.jsonl');
    const line = tokenCount(T('10:00:02'), addTokens(A, B), B);
    write(file, [turnContext(T('10:00:00'), CODEX_MODELS.codex), tokenCount(T('10:00:01'), A, A)], line.slice(0, 90));
    const s = session(home);
    s.scan();
    assert.equal(totals(s.rows()).requests, 1);
    append(file, `${line.slice(90)}\n`);
    s.scan();
    s.scan();
    assert.equal(totals(s.rows()).requests, 2);
  });

  void it('the byte-level reader reads every line of a generated corpus exactly as JSON.parse does', () => {
    const home = tempHome();
    generateCorpus({ home, files: 40, totalBytes: 3e6, seed: 8, codexShare: 1 });
    const files = filesUnder(path.join(home, '.codex'));
    let turns = 0;
    for (const file of files) {
      const buf = readFileSync(file);
      const fast: CodexFileState = { model: null, total: null };
      const slow: CodexFileState = { model: null, total: null };
      let i = 0;
      for (;;) {
        const u = buf.indexOf(CODEX_NEEDLE, i);
        if (u < 0) break;
        const s = buf.lastIndexOf(10, u) + 1;
        const nl = buf.indexOf(10, u);
        const e = nl < 0 ? buf.length : nl;
        const a = parseCodexLine(buf, s, e, u, fast);
        const isMarker = /"type":"(token_count|turn_context)"/.test(buf.toString('latin1', u, u + 22));
        const b = isMarker ? parseCodexLineSlow(buf, s, e, slow) : null;
        assert.deepEqual(a, b, buf.toString('utf8', s, Math.min(e, s + 300)));
        assert.deepEqual(fast, slow);
        if (a) turns++;
        i = e + 1;
      }
    }
    assert.ok(turns > 300, `${turns} turns`);
  });

  void it('odd token_count lines: models in payload, info or metadata; totals of 0; escapes; CRLF', () => {
    const lines = [
      '{"timestamp":"2026-11-18T10:00:00Z","type":"event_msg","payload":{"type":"token_count","model":"gpt-5.1-codex","info":{"last_token_usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":5,"reasoning_output_tokens":0,"total_tokens":0}}}}',
      '{"timestamp":"2026-11-18T10:00:01Z","type":"event_msg","payload":{"type":"token_count","info":{"model_name":"gpt-5","last_token_usage":{"input_tokens":10,"output_tokens":5}}}}',
      '{"timestamp":"2026-11-18T10:00:02Z","type":"event_msg","payload":{"type":"token_count","metadata":{"model":"gpt-5-mini"},"info":{"last_token_usage":{"input_tokens":7,"output_tokens":1,"cached_input_tokens":null}}}}',
      '{"timestamp":"2026-11-18T10:00:03Z","type":"event_msg","payload":{"type":"token_count","info":{"model":"gpt\u002d5","last_token_usage":{"input_tokens":3,"output_tokens":1}}}}\r',
      '{"timestamp":"2026-11-18T10:00:04Z","type":"turn_context","payload":{"model":" gpt-5-codex "}}',
      '{"timestamp":"2026-11-18T10:00:05Z","type":"event_msg","payload":{"type":"token_count","info":{"last_token_usage":{"input_tokens":1.5,"output_tokens":1}}}}',
    ];
    for (const l of lines) {
      const buf = Buffer.from(`${l.replace(/\\r$/, '\r')}\n`);
      const u = buf.indexOf(CODEX_NEEDLE);
      const e = buf.indexOf(10);
      const a: CodexFileState = { model: 'gpt-5-codex', total: null };
      const b: CodexFileState = { model: 'gpt-5-codex', total: null };
      assert.deepEqual(parseCodexLine(buf, 0, e, u, a), parseCodexLineSlow(buf, 0, e, b), l);
      assert.deepEqual(a, b, l);
    }
  });
});
