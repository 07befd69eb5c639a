import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { calcPrice } from '@pydantic/genai-prices';
import { CODEX_ASSUMED_LABEL, CODEX_NEEDLE, newCodexState, parseCodexLine, parseCodexLineSlow, type CodexFileState } from '../../../src/sources/localLogs/parsers/codex';
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

  void it('a turn is priced in the tier its own input reaches: gpt-5.4 and gpt-5.5 from 272k, not from 200k', () => {
    const home = tempHome();
    // gpt-5.4 / gpt-5.5 cost more from 272k input tokens (genai-prices: tiers starting at 271,999).
    const over: CodexTokens = { input: 300_000, cached: 0, output: 1_000, reasoning: 0 };
    const overCached: CodexTokens = { input: 280_000, cached: 200_000, output: 3_000, reasoning: 500 };
    const between: CodexTokens = { input: 250_000, cached: 50_000, output: 2_000, reasoning: 0 }; // long by the 200k rule, base for gpt-5.4
    let total = ZERO_TOKENS;
    const line = (at: string, t: CodexTokens) => tokenCount(at, (total = addTokens(total, t)), t);
    write(codexFile(home, 'sessions/2026/11/18/rollout-lc.jsonl'), [
      turnContext(T('10:00:00'), 'gpt-5.4'),
      line(T('10:00:05'), over),
      line(T('10:01:00'), between),
      turnContext(T('10:02:00'), 'gpt-5.5'),
      line(T('10:02:05'), overCached),
    ]);
    const rows = session(home).scan().rows;
    // The reference: genai-prices for each request on its own (input includes the cached part).
    const price = (model: string, t: CodexTokens, at: string) => calcPrice({ input_tokens: t.input, cache_read_tokens: t.cached, output_tokens: t.output }, model, { timestamp: new Date(at) })?.total_price ?? NaN;
    const by = (model: string) => rows.find((r) => r.model === model)?.cost ?? NaN;
    assert.ok(close(price('gpt-5.4', over, T('10:00:05')), 1.5225), 'genai-prices: $5 / $22.50 per M over 272k');
    assert.ok(close(by('gpt-5.4'), price('gpt-5.4', over, T('10:00:05')) + price('gpt-5.4', between, T('10:01:00'))), `gpt-5.4: ${by('gpt-5.4')}`);
    assert.ok(close(by('gpt-5.5'), price('gpt-5.5', overCached, T('10:02:05'))), `gpt-5.5: ${by('gpt-5.5')}`);
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
      const fast = newCodexState();
      const slow = newCodexState();
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
      const a: CodexFileState = { ...newCodexState(), model: 'gpt-5-codex' };
      const b: CodexFileState = { ...newCodexState(), model: 'gpt-5-codex' };
      assert.deepEqual(parseCodexLine(buf, 0, e, u, a), parseCodexLineSlow(buf, 0, e, b), l);
      assert.deepEqual(a, b, l);
    }
  });
});

void describe('Codex forks and sub-agents', () => {
  // A forked rollout (`forked_from_id`) or a spawned sub-agent's (`thread_spawn.parent_thread_id`)
  // opens with the parent's token_count events, replayed and stamped at the moment of the fork:
  // that history was spent (and counted) in the parent. ccusage 20 skips the leading turns that
  // equal the parent's, in order; without the parent, the burst of turns written within a second
  // of each other at the head of the fork.
  const D: CodexTokens = { input: 50_000, cached: 10_000, output: 2_000, reasoning: 100 };
  const ms = (hhmmss: string) => `2026-11-18T${hhmmss}Z`;
  const AB = addTokens(A, B);
  const parentLines = [codexSessionMetaLine(ms('10:00:00.000'), 'p1'), turnContext(ms('10:00:00.100'), CODEX_MODELS.codex), tokenCount(ms('10:00:05.000'), A, A), tokenCount(ms('10:01:05.000'), AB, B)];
  const parentFile = (home: string) => codexFile(home, 'sessions/2026/11/18/rollout-2026-11-18T10-00-00-p1.jsonl');

  void it('a fork and a spawned sub-agent count their own turns, not the parent history they replayed', () => {
    const home = tempHome();
    // The parent goes on after the forks with a turn equal to the fork's own: not part of what was replayed.
    write(parentFile(home), [...parentLines, tokenCount(ms('13:00:00.000'), addTokens(AB, C), C)]);
    write(codexFile(home, 'sessions/2026/11/18/rollout-2026-11-18T11-00-00-c1.jsonl'), [
      codexSessionMetaLine(ms('11:00:00.000'), 'c1', '', { forkedFrom: 'p1' }),
      turnContext(ms('11:00:00.010'), CODEX_MODELS.codex),
      tokenCount(ms('11:00:00.020'), A, A),
      tokenCount(ms('11:00:00.045'), AB, B),
      tokenCount(ms('11:05:00.000'), addTokens(AB, C), C),
    ]);
    // Replayed 3 s apart (no burst): only the parent's turns tell what was replayed. Archived, it
    // is listed before its parent.
    write(codexFile(home, 'archived_sessions/rollout-2026-11-18T12-00-00-s1.jsonl'), [
      codexSessionMetaLine(ms('12:00:00.000'), 's1', '', { spawnedBy: 'p1' }),
      turnContext(ms('12:00:00.100'), CODEX_MODELS.codex),
      tokenCount(ms('12:00:00.200'), A, A),
      tokenCount(ms('12:00:03.000'), AB, B),
      tokenCount(ms('12:06:00.000'), addTokens(AB, D), D),
    ]);
    const t = totals(session(home).scan().rows);
    assert.equal(t.requests, 5, 'the parent A, B, C; the fork C; the sub-agent D');
    assert.equal(t.input + t.read, A.input + B.input + 2 * C.input + D.input);
    assert.equal(t.output, A.output + B.output + 2 * C.output + D.output);
    const cost = codexCost(CODEX_MODELS.codex, A, ms('10:00:05.000')) + codexCost(CODEX_MODELS.codex, B, ms('10:01:05.000')) + codexCost(CODEX_MODELS.codex, C, ms('13:00:00.000')) + codexCost(CODEX_MODELS.codex, C, ms('11:05:00.000')) + codexCost(CODEX_MODELS.codex, D, ms('12:06:00.000'));
    assert.ok(close(t.cost, cost));
  });

  void it('without the parent log, the burst a fork opens with is skipped, the running total kept through it; turns after a pause count', () => {
    const home = tempHome();
    const burst = codexFile(home, 'sessions/2026/11/18/rollout-2026-11-18T11-00-00-c2.jsonl');
    // Totals only: the first own turn is the difference from the last replayed total.
    write(burst, [
      codexSessionMetaLine(ms('11:00:00.000'), 'c2', '', { forkedFrom: 'gone' }),
      turnContext(ms('11:00:00.005'), CODEX_MODELS.codex),
      tokenCount(ms('11:00:00.010'), A, null),
      tokenCount(ms('11:00:00.030'), AB, null),
      tokenCount(ms('11:04:00.000'), addTokens(AB, D), null),
    ]);
    // Its turns 5 s apart: nothing shows they were replayed.
    write(codexFile(home, 'sessions/2026/11/18/rollout-2026-11-18T11-30-00-c3.jsonl'), [
      codexSessionMetaLine(ms('11:30:00.000'), 'c3', '', { forkedFrom: 'gone' }),
      turnContext(ms('11:30:00.005'), CODEX_MODELS.codex),
      tokenCount(ms('11:30:00.010'), A, A),
      tokenCount(ms('11:30:05.000'), AB, B),
    ]);
    const s = session(home);
    s.scan();
    append(burst, `${tokenCount(ms('11:09:00.000'), addTokens(addTokens(AB, D), C), null)}\n`);
    s.scan();
    const t = totals(s.rows());
    assert.equal(t.requests, 4, 'c2: D and C; c3: A and B');
    assert.equal(t.input + t.read, D.input + C.input + A.input + B.input);
    assert.equal(t.output, D.output + C.output + A.output + B.output);
  });

  void it('a fork written after a restart finds its parent turns in the saved state', () => {
    const home = tempHome();
    const stateFile = path.join(tempHome('tb-state-'), 'codex.state');
    write(parentFile(home), parentLines);
    const first = new Session(new Scanner({ saveIntervalMs: 0 }), 'codex', home, stateFile);
    first.scan();
    const restarted = new Session(new Scanner(), 'codex', home, stateFile);
    restarted.sync = first.sync;
    const child = codexFile(home, 'sessions/2026/11/18/rollout-2026-11-18T11-00-00-c1.jsonl');
    write(child, [codexSessionMetaLine(ms('11:00:00.000'), 'c1', '', { forkedFrom: 'p1' }), turnContext(ms('11:00:00.010'), CODEX_MODELS.codex), tokenCount(ms('11:00:00.200'), A, A)]);
    assert.equal(restarted.scan().stats.mode, 'incremental');
    append(child, `${tokenCount(ms('11:00:04.000'), AB, B)}\n${tokenCount(ms('11:05:00.000'), addTokens(AB, C), C)}\n`);
    restarted.scan();
    for (const [d, rows] of restarted.ledger) first.ledger.set(d, rows);
    const t = totals(first.rows());
    assert.equal(t.requests, 3, 'the parent A, B; the fork C');
    assert.equal(t.output, A.output + B.output + C.output);
  });
});
