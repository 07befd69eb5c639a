// GitHub Copilot CLI: the format on its traps (hand-computed), and its day totals against ccusage's
// `copilot daily` on a generated corpus (test/fakes/agents/copilotCli.ts; shapes and references in
// test/fixtures/agents/copilotCli/README.md).
//
// Where ccusage 20.0.24 counts otherwise (a run that restarted its totals, a sub-agent's shutdown,
// a span's cache writes, a shutdown's sum priced as one request), the test asserts the totals
// hand-computed from the CLI's own definitions, and what ccusage reports beside them.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { copilotCliFormat, copilotModel, runTotals, type CopilotFileState } from '../../../../src/sources/localLogs/parsers/copilotCli';
import type { Usage } from '../../../../src/sources/localLogs/parsers/format';
import { Scanner } from '../../../../src/sources/localLogs/scanner';
import { agentSpan, chatSpan, writeCopilotCorpus } from '../../../fakes/agents/copilotCli';
import { assertSameDays, ccusageDaily, scanAgent } from '../agentHarness';
import { append, tempHome, write } from '../helpers';

const fresh = (): CopilotFileState => copilotCliFormat.initial();
const T = (hhmm: string, day = '2026-03-10') => `${day}T${hhmm}:00.000Z`;

function usages(value: unknown, state: CopilotFileState, file: string): Usage[] {
  const got = copilotCliFormat.line(value, state, file);
  return got === null ? [] : Array.isArray(got) ? [...(got as readonly Usage[])] : [got as Usage];
}

function sum(us: readonly Usage[]): { input: number; output: number; cacheRead: number; cacheWrite: number } {
  return us.reduce((a, u) => ({ input: a.input + u.input, output: a.output + u.output, cacheRead: a.cacheRead + u.cacheRead, cacheWrite: a.cacheWrite + u.cacheWrite }), { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
}

function shutdown(ts: string, metrics: Record<string, { i: number; o: number; r: number; w: number; reasoning?: number; n?: number }>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const modelMetrics: Record<string, unknown> = {};
  for (const [model, m] of Object.entries(metrics)) {
    modelMetrics[model] = { requests: { count: m.n ?? 1, cost: m.n ?? 1 }, usage: { inputTokens: m.i, outputTokens: m.o, cacheReadTokens: m.r, cacheWriteTokens: m.w, reasoningTokens: m.reasoning ?? 0 } };
  }
  return { type: 'session.shutdown', data: { shutdownType: 'routine', codeChanges: { linesAdded: 0, linesRemoved: 0, filesModified: [] }, modelMetrics, sessionStartTime: 0, totalApiDurationMs: 0 }, id: `e-${ts}`, timestamp: ts, parentId: null, ...extra };
}

/** A session's events.jsonl path under a Copilot root. */
const eventsFile = (root: string, session: string) => path.join(root, 'session-state', session, 'events.jsonl');

void describe('GitHub Copilot CLI format', () => {
  void it('reads ${COPILOT_HOME:-~/.copilot}: session-state/ and otel/, every *.jsonl', () => {
    assert.deepEqual(copilotCliFormat.roots({}, '/h'), ['/h/.copilot']);
    assert.deepEqual(copilotCliFormat.roots({ COPILOT_HOME: '/data/copilot' }, '/h'), ['/data/copilot']);
    assert.deepEqual(copilotCliFormat.roots({ COPILOT_HOME: '~/cp' }, '/h'), ['/h/cp']);
    assert.deepEqual(copilotCliFormat.roots({ COPILOT_HOME: '  ' }, '/h'), ['/h/.copilot']);
    assert.deepEqual(copilotCliFormat.dirs('/h/.copilot'), ['/h/.copilot/session-state', '/h/.copilot/otel']);
    assert.ok(copilotCliFormat.isLog('events.jsonl'));
    assert.ok(copilotCliFormat.isLog('copilot-otel-20260310.jsonl'));
    assert.ok(!copilotCliFormat.isLog('plan.md'));
    // Every line worth parsing has it: "type":"session.…" events and "type":"span" records.
    assert.equal(copilotCliFormat.needle, '"type":"s');
  });

  void it('a shutdown: input less its cache reads and writes, output with its reasoning (not added again), the sum of its calls (an aggregate), in the session’s working directory', () => {
    const state = fresh();
    const file = eventsFile('/h/.copilot', 's1');
    assert.equal(copilotCliFormat.line({ type: 'session.start', data: { sessionId: 's1', context: { cwd: '/home/dev/shop' } }, timestamp: T('09:00') }, state, file), null);
    const got = usages(shutdown(T('10:00'), { 'claude-sonnet-4.5': { i: 10_003, o: 500, r: 6_000, w: 1_000, reasoning: 100, n: 3 } }), state, file);
    // 10003 − 6000 − 1000 = 3003 uncached; the 100 reasoning tokens are inside the 500.
    assert.deepEqual(got, [{ ms: Date.parse(T('10:00')), model: 'claude-sonnet-4.5', input: 3003, output: 500, cacheRead: 6000, cacheWrite: 1000, aggregate: true, project: '/home/dev/shop' }]);
  });

  void it('resumed runs with restored totals count their difference; a model first used in a later run counts whole', () => {
    const state = fresh();
    const file = eventsFile('/h/.copilot', 's2');
    const first = sum(usages(shutdown(T('10:00', '2026-03-02'), { 'gpt-5': { i: 10_000, o: 500, r: 6_000, w: 0, n: 3 } }), state, file));
    const second = usages(shutdown(T('10:00', '2026-03-03'), { 'gpt-5': { i: 25_000, o: 900, r: 18_000, w: 0, n: 5 }, 'gpt-5-mini': { i: 1_000, o: 100, r: 0, w: 0, n: 1 } }), state, file);
    assert.deepEqual(first, { input: 4000, output: 500, cacheRead: 6000, cacheWrite: 0 });
    assert.deepEqual(sum(second.filter((u) => u.model === 'gpt-5')), { input: 3000, output: 400, cacheRead: 12000, cacheWrite: 0 });
    assert.deepEqual(sum(second.filter((u) => u.model === 'gpt-5-mini')), { input: 1000, output: 100, cacheRead: 0, cacheWrite: 0 });
    // The same totals again (a resume without calls) count nothing.
    assert.deepEqual(usages(shutdown(T('11:00', '2026-03-03'), { 'gpt-5': { i: 25_000, o: 900, r: 18_000, w: 0, n: 5 } }), state, file), []);
  });

  void it('a run whose totals shrank restarted from zero (CLI versions without usage checkpoints): it counts whole, where ccusage loses it', async () => {
    assert.deepEqual(runTotals({ i: 2_000, o: 100, r: 1_000, w: 0, n: 1 }, { i: 10_000, o: 500, r: 6_000, w: 0, n: 3 }), { i: 2_000, o: 100, r: 1_000, w: 0, n: 1 });
    assert.deepEqual(runTotals({ i: 12_000, o: 600, r: 7_000, w: 0, n: 4 }, { i: 10_000, o: 500, r: 6_000, w: 0, n: 3 }), { i: 2_000, o: 100, r: 1_000, w: 0, n: 1 });
    const home = tempHome('tb-copilot-');
    write(eventsFile(path.join(home, '.copilot'), 'old-session'), [
      JSON.stringify({ type: 'session.start', data: { sessionId: 'old-session', copilotVersion: '0.0.400', context: { cwd: '/w' } }, id: 'a', timestamp: T('09:00', '2026-03-02'), parentId: null }),
      JSON.stringify(shutdown(T('10:00', '2026-03-02'), { 'gpt-5': { i: 10_000, o: 500, r: 6_000, w: 0, n: 3 } })),
      JSON.stringify({ type: 'session.resume', data: { resumeTime: T('09:00', '2026-03-03'), eventCount: 2 }, id: 'b', timestamp: T('09:00', '2026-03-03'), parentId: 'a' }),
      JSON.stringify(shutdown(T('10:00', '2026-03-03'), { 'gpt-5': { i: 2_000, o: 800, r: 1_000, w: 0, n: 1 } })),
    ]);
    const mine = scanAgent('copilotCli', home).days;
    assert.deepEqual(
      [...mine].map(([d, t]) => [d, t.input, t.output, t.read]),
      [
        ['2026-03-02', 4000, 500, 6000],
        ['2026-03-03', 1000, 800, 1000],
      ],
    );
    // ccusage subtracts field by field and floors at zero: only the output that happened to grow is left.
    const theirs = await ccusageDaily('copilot', home);
    assert.deepEqual(
      [...theirs].map(([d, t]) => [d, t.input, t.output, t.read]),
      [
        ['2026-03-02', 4000, 500, 6000],
        ['2026-03-03', 0, 300, 0],
      ],
    );
  });

  void it('a sub-agent’s shutdown (agentId) is inside the main one: not counted', () => {
    const state = fresh();
    const file = eventsFile('/h/.copilot', 's3');
    assert.deepEqual(usages(shutdown(T('10:00'), { 'claude-haiku-4.5': { i: 5_000, o: 100, r: 0, w: 0 } }, { agentId: 'task-1' }), state, file), []);
    assert.equal(usages(shutdown(T('10:05'), { 'claude-haiku-4.5': { i: 5_000, o: 100, r: 0, w: 0 } }), state, file).length, 1);
  });

  void it('prices Copilot’s long-context variants as the model', () => {
    assert.equal(copilotModel('claude-opus-4.6-1m'), 'claude-opus-4.6');
    assert.equal(copilotModel('claude-opus-4.6-1m-internal'), 'claude-opus-4.6');
    assert.equal(copilotModel(' gpt-5 '), 'gpt-5');
    const got = usages(shutdown(T('10:00'), { 'claude-opus-4.6-1m': { i: 100, o: 1, r: 0, w: 0 } }), fresh(), eventsFile('/h/.copilot', 's'));
    assert.equal(got[0]?.model, 'claude-opus-4.6');
  });

  void it('session events count only in session-state/<id>/events.jsonl; malformed lines are nothing, never a throw', () => {
    const line = shutdown(T('10:00'), { 'gpt-5': { i: 100, o: 1, r: 0, w: 0 } });
    assert.deepEqual(usages(line, fresh(), '/h/.copilot/session-state/s/sub/events.jsonl'), []);
    assert.deepEqual(usages(line, fresh(), '/h/.copilot/otel/events.jsonl'), []);
    for (const bad of [null, 3, 'x', [], { type: 'session.shutdown' }, { type: 'session.shutdown', timestamp: 'never', data: { modelMetrics: {} } }, { type: 'session.shutdown', timestamp: T('10:00'), data: { modelMetrics: { m: { usage: 'lots' } } } }, { type: 'session.shutdown', timestamp: T('10:00'), data: { modelMetrics: { m: { usage: { inputTokens: -5, outputTokens: 'NaN' } } } } }, { type: 'span', attributes: [] }, { type: 'span', name: 'chat x', attributes: { 'gen_ai.usage.input_tokens': {} } }]) {
      assert.deepEqual(usages(bad, fresh(), eventsFile('/nonexistent', 's')), [], JSON.stringify(bad));
    }
  });

  void it('a chat span: input less cache reads and writes (ccusage 20.0.24 leaves the writes in), keyed by trace and span', () => {
    const file = '/nonexistent/.copilot/otel/a.jsonl';
    const ms = Date.parse(T('10:00'));
    const got = usages(JSON.parse(chatSpan({ trace: 't1', span: 'c1', model: 'claude-sonnet-4.5', session: 'gone', ms, input: 10_000, output: 500, cacheRead: 6_000, cacheWrite: 1_000, reasoning: 100 })), fresh(), file);
    assert.deepEqual(got, [{ ms, model: 'claude-sonnet-4.5', input: 3_000, output: 500, cacheRead: 6_000, cacheWrite: 1_000, key: 'copilot-span:t1:c1' }]);
    // Older exports name the writes cache_creation; spanContext carries the ids; times in ns.
    const old = usages({ name: 'chat gpt-5', type: 'span', spanContext: { traceId: 't2', spanId: 's2' }, timeUnixNano: '1773136800000000000', attributes: { 'gen_ai.request.model': 'gpt-5', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10, 'gen_ai.usage.cache_creation.input_tokens': 40 } }, fresh(), file);
    assert.deepEqual(old, [{ ms: 1773136800000, model: 'gpt-5', input: 60, output: 10, cacheRead: 0, cacheWrite: 40, key: 'copilot-span:t2:s2' }]);
    // A span with only a total: ccusage counts it as output.
    assert.equal(usages({ type: 'span', name: 'chat m', endTime: [1773136800, 0], attributes: { 'gen_ai.usage.total_tokens': 567 } }, fresh(), file)[0]?.output, 567);
  });

  void it('an invoke_agent span repeats its chat spans: counted only for a trace with none before it', () => {
    const state = fresh();
    const file = '/nonexistent/.copilot/otel/a.jsonl';
    const ms = Date.parse(T('10:00'));
    assert.equal(usages(JSON.parse(chatSpan({ trace: 't', span: 'c1', model: 'gpt-5', session: 'x', ms, input: 100, output: 10 })), state, file).length, 1);
    assert.equal(usages(JSON.parse(chatSpan({ trace: 't', span: 'c2', model: 'gpt-5', session: 'x', ms, input: 200, output: 20 })), state, file).length, 1);
    assert.deepEqual(usages(JSON.parse(agentSpan({ trace: 't', span: 'a', model: 'gpt-5', session: 'x', ms, input: 300, output: 30 })), state, file), []);
    const alone = usages(JSON.parse(agentSpan({ trace: 'u', span: 'b', model: 'gpt-5', session: 'x', ms, input: 300, output: 30 })), state, file);
    assert.deepEqual(alone.map((u) => [u.input, u.output, u.key]), [[300, 30, 'copilot-span:u:b']]);
    // Tool spans and metric records carry no usage.
    assert.deepEqual(usages({ type: 'span', name: 'execute_tool bash', traceId: 't', spanId: 'x', attributes: { 'gen_ai.operation.name': 'execute_tool' } }, state, file), []);
    assert.deepEqual(usages({ type: 'metric', name: 'gen_ai.client.inference.usage.input_tokens', dataPoints: [] }, state, file), []);
  });

  void it('spans of a session with a session-state log are its shutdown’s calls: not counted again', () => {
    const home = tempHome('tb-copilot-');
    const root = path.join(home, '.copilot');
    write(eventsFile(root, 'live'), [JSON.stringify({ type: 'session.start', data: { sessionId: 'live' }, id: 'a', timestamp: T('09:00'), parentId: null })]);
    const state = fresh();
    const file = path.join(root, 'otel', 'nested', 'x.jsonl');
    const span = (session: string) => JSON.parse(chatSpan({ trace: `t-${session}`, span: 's', model: 'gpt-5', session, ms: Date.parse(T('10:00')), input: 100, output: 10 })) as unknown;
    assert.deepEqual(usages(span('live'), state, file), []);
    assert.equal(usages(span('elsewhere'), state, file).length, 1);
    assert.deepEqual(state.logged, ['live']);
  });

  void it('a session-state log that appears after a read of the spans is found by the next read: later spans of that session are not counted', () => {
    const home = tempHome('tb-copilot-');
    const root = path.join(home, '.copilot');
    const file = path.join(root, 'otel', 'x.jsonl');
    const span = (id: string, hhmm: string) => chatSpan({ trace: `t-${id}`, span: 's', model: 'gpt-5', session: 'late', ms: Date.parse(T(hhmm)), input: 100, output: 10 });
    // Several spans of the session in one read (its log is looked for once, and not there).
    write(file, [span('a', '09:00'), span('b', '09:10')]);
    const scanner = new Scanner();
    assert.equal(scanAgent('copilotCli', home, {}, scanner).result.stats.entries, 2);
    write(eventsFile(root, 'late'), [JSON.stringify({ type: 'session.start', data: { sessionId: 'late' }, id: 'a', timestamp: T('09:00'), parentId: null })]);
    append(file, `${span('c', '10:00')}\n`);
    assert.equal(scanAgent('copilotCli', home, {}, scanner).result.stats.entries, 0);
  });

  void it('reads appended lines with the totals of the run before (incremental), a torn line once it is whole', () => {
    const home = tempHome('tb-copilot-');
    const file = eventsFile(path.join(home, '.copilot'), 'inc');
    const first = JSON.stringify(shutdown(T('10:00', '2026-03-02'), { 'gpt-5-mini': { i: 10_000, o: 1_000, r: 5_000, w: 0, n: 2 } }));
    const second = JSON.stringify(shutdown(T('10:00', '2026-03-03'), { 'gpt-5-mini': { i: 16_000, o: 1_500, r: 8_000, w: 0, n: 3 } }));
    write(file, [first], second.slice(0, 40));
    const scanner = new Scanner();
    assert.deepEqual([...scanAgent('copilotCli', home, {}, scanner).days.keys()], ['2026-03-02']);
    append(file, `${second.slice(40)}\n`);
    const days = scanAgent('copilotCli', home, {}, scanner).days;
    assert.deepEqual(
      [...days].map(([d, t]) => [d, t.input, t.output, t.read]),
      [
        ['2026-03-02', 5000, 1000, 5000],
        ['2026-03-03', 3000, 500, 3000],
      ],
    );
  });

  void it('prices a shutdown as the sum of its calls, at the base tier (ccusage prices the sum as one request)', async () => {
    const home = tempHome('tb-copilot-');
    // 10 calls of 100k uncached input each on Claude Sonnet 4.5: $3/M below 200k a request, $6/M above.
    write(eventsFile(path.join(home, '.copilot'), 'big'), [JSON.stringify(shutdown(T('10:00'), { 'claude-sonnet-4.5': { i: 1_000_000, o: 0, r: 0, w: 0, n: 10 } }))]);
    const mine = scanAgent('copilotCli', home).days.get('2026-03-10');
    assert.ok(mine && Math.abs(mine.cost - 3.0) < 1e-9, `ours ${mine?.cost}`);
    const theirs = (await ccusageDaily('copilot', home)).get('2026-03-10');
    assert.ok(theirs && Math.abs(theirs.cost - 5.4) < 1e-9, `ccusage ${theirs?.cost}`); // 200k × $3/M + 800k × $6/M
  });
});

void describe('GitHub Copilot CLI against ccusage 20.0.24', () => {
  void it('has the same day totals (tokens and cost) on a corpus of resumed sessions, spans repeated by summaries and by shutdowns', async () => {
    const home = tempHome('tb-copilot-x-');
    const corpus = writeCopilotCorpus(path.join(home, '.copilot'));
    assert.ok(corpus.shutdowns >= 20 && corpus.chatSpans >= 30 && corpus.shadowedSpans > 0);
    const mine = scanAgent('copilotCli', home);
    const theirs = await ccusageDaily('copilot', home);
    assert.ok(theirs.size >= 4);
    assertSameDays(mine.days, theirs);
  });

  void it('reads COPILOT_HOME as ccusage does', async () => {
    const home = tempHome('tb-copilot-h-');
    const root = path.join(home, 'elsewhere');
    writeCopilotCorpus(root, { seed: 7, sessions: 5 });
    const env = { COPILOT_HOME: root };
    const mine = scanAgent('copilotCli', home, env);
    assert.ok(mine.days.size > 0);
    assertSameDays(mine.days, await ccusageDaily('copilot', home, env));
  });
});
