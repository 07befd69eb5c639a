// Factory Droid's format: pure tests of the session reader on each trap (hand-computed), and the
// cross-check of a generated corpus (test/fakes/agents/droid.ts) with `ccusage droid daily`:
// within 0.5% on the days ccusage counts as Droid means, once its thinking-on-top is taken back
// out (Droid's output already holds the thinking: src/sources/localLogs/parsers/droid.ts); on the
// days with /compact successors and a tied older snapshot, hand-computed totals.
import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { droidFormat, droidModel, droidOpening, droidRoots, droidSessionUsage, droidTotals, droidTranscriptModel } from '../../../../src/sources/localLogs/parsers/droid';
import { Scanner } from '../../../../src/sources/localLogs/scanner';
import { buildDroidCorpus, DROID_AGREED_DAYS, DROID_MODELS, DROID_TRAP_DAYS, writeSession } from '../../../fakes/agents/droid';
import { assertSameDays, ccusageDaily, scanAgent, type DayTotals } from '../agentHarness';
import { tempHome } from '../helpers';
import { handTotals, only, outputRate } from './hand';

const LOCK = '2026-03-02T06:00:00.000Z';

void describe('Factory Droid format', () => {
  void it('reads tokenUsage with the thinking inside the output (never added on top)', () => {
    assert.deepEqual(droidTotals({ inputTokens: 100, outputTokens: 50, cacheCreationTokens: 20, cacheReadTokens: 10, thinkingTokens: 5, factoryCredits: 3 }), { input: 100, output: 50, cacheWrite: 20, cacheRead: 10, thinking: 5 });
    assert.equal(droidTotals({ inputTokens: 10, outputTokens: 0, thinkingTokens: 7 })?.output, 7, 'output is at least the thinking');
    assert.equal(droidTotals({ totalTokens: 456 })?.output, 456, 'a total without parts is output');
    assert.equal(droidTotals({ inputTokens: 0, outputTokens: 0 }), null);
    for (const v of [null, 'x', [], { inputTokens: '5', outputTokens: -3, cacheReadTokens: NaN }]) assert.equal(droidTotals(v), null);
  });

  void it('names models as genai-prices knows them', () => {
    assert.equal(droidModel('custom:Claude-Opus-4.5-Thinking-[Anthropic]-0'), 'claude-opus-4.5-thinking-0');
    assert.equal(droidModel('Claude-Sonnet-4-[Anthropic]'), 'claude-sonnet-4');
    assert.equal(droidModel('gemini-2.5-pro'), 'gemini-2.5-pro');
    assert.equal(droidModel('Claude Haiku 4.5'), 'claude-haiku-4.5');
    assert.equal(droidTranscriptModel('{"x":1}\n{"content":"Model: Claude Opus 4.5 Thinking [Anthropic]\\n</r>"}\n'), 'claude-opus-4.5-thinking');
    assert.equal(droidTranscriptModel('no model here'), null);
  });

  void it('tells a /compact successor from a fork and a plain session by its transcript’s opening', () => {
    const start = (extra: object) => JSON.stringify({ type: 'session_start', id: 's', cwd: '/w', ...extra });
    const compaction = '{"type":"compaction_state","id":"c","summaryText":"…"}';
    assert.deepEqual(droidOpening(`${start({ parent: 'p' })}\n${compaction}\n`), { cwd: '/w', parent: 'p', successor: true });
    assert.equal(droidOpening(`${start({ parent: 'p', forkedAtMessageId: 'm' })}\n${compaction}\n`).successor, false, 'a fork');
    assert.equal(droidOpening(`${start({ parent: 'p' })}\n{"type":"message"}\n${compaction}\n`).successor, false, 'compacted in place later');
    assert.equal(droidOpening(`${start({})}\n${compaction}\n`).successor, false, 'no parent');
    assert.deepEqual(droidOpening('not json\n'), { cwd: null, parent: null, successor: false });
    assert.deepEqual(droidOpening(''), { cwd: null, parent: null, successor: false });
  });

  void it('counts a session once: its totals on its lock day, keyed by session id, as an aggregate, with its project', () => {
    const home = tempHome('tb-droid-unit-');
    const dir = path.join(home, 'sessions', '-w');
    const file = writeSession({ dir, id: 's1', cwd: '/w', model: 'claude-opus-4-5-20251101', usage: { inputTokens: 100, outputTokens: 50, cacheCreationTokens: 20, cacheReadTokens: 10, thinkingTokens: 5 }, lock: Date.parse(LOCK) });
    const value = JSON.parse(JSON.stringify({ model: 'claude-opus-4-5-20251101', providerLockTimestamp: LOCK, tokenUsage: { inputTokens: 100, outputTokens: 50, cacheCreationTokens: 20, cacheReadTokens: 10, thinkingTokens: 5 } })) as unknown;
    assert.deepEqual(droidSessionUsage(value, file), [{ ms: Date.parse(LOCK), model: 'claude-opus-4-5-20251101', input: 100, output: 50, cacheRead: 10, cacheWrite: 20, key: 'droid:s1', aggregate: true, project: '/w' }]);
    // No lock: the file's change time.
    const mtime = Date.parse('2026-03-04T10:00:00.000Z');
    utimesSync(file, new Date(mtime), new Date(mtime));
    assert.equal(droidSessionUsage({ model: 'gpt-5', tokenUsage: { inputTokens: 1 } }, file)[0]?.ms, mtime);
    // No model anywhere: unknown (unpriced, never $0).
    assert.equal(droidSessionUsage({ tokenUsage: { inputTokens: 1 } }, file)[0]?.model, 'unknown');
    for (const v of [null, [], { tokenUsage: 'x' }, { tokenUsage: { inputTokens: 0 } }]) assert.deepEqual(droidSessionUsage(v, file), []);
  });

  void it('counts a /compact successor less its parent’s inherited totals; its whole total when the parent is gone', () => {
    const home = tempHome('tb-droid-unit-');
    const dir = path.join(home, 'sessions', '-w');
    const parent = { inputTokens: 400, outputTokens: 120, cacheCreationTokens: 80, cacheReadTokens: 1500, thinkingTokens: 0 };
    const succ = { inputTokens: 490, outputTokens: 145, cacheCreationTokens: 90, cacheReadTokens: 2100, thinkingTokens: 0 };
    const compaction = '{"type":"compaction_state","id":"c","summaryKind":"llm_summary"}';
    writeSession({ dir, id: 'p', cwd: '/w', model: DROID_MODELS.opus, usage: parent, lock: Date.parse(LOCK) });
    const file = writeSession({ dir, id: 's', cwd: '/w', model: DROID_MODELS.opus, usage: succ, lock: Date.parse(LOCK), opening: { parent: 'p' }, lines: [compaction] });
    const value = { model: DROID_MODELS.opus, providerLockTimestamp: LOCK, tokenUsage: succ };
    const got = droidSessionUsage(value, file)[0];
    assert.deepEqual([got?.input, got?.output, got?.cacheWrite, got?.cacheRead], [90, 25, 10, 600]);
    // The parent's settings in the flat layout above the project folder are found too.
    const flat = path.join(home, 'sessions');
    writeSession({ dir: flat, id: 'p2', cwd: '/w', model: DROID_MODELS.opus, usage: parent, lock: Date.parse(LOCK) });
    const file2 = writeSession({ dir, id: 's2', cwd: '/w', model: DROID_MODELS.opus, usage: succ, lock: Date.parse(LOCK), opening: { parent: 'p2' }, lines: [compaction] });
    assert.equal(droidSessionUsage(value, file2)[0]?.input, 90);
    // Parent gone: the whole total (the parent's usage is then counted only here).
    const file3 = writeSession({ dir, id: 's3', cwd: '/w', model: DROID_MODELS.opus, usage: succ, lock: Date.parse(LOCK), opening: { parent: 'gone' }, lines: [compaction] });
    assert.equal(droidSessionUsage(value, file3)[0]?.input, 490);
    // No call of its own yet: nothing.
    const file4 = writeSession({ dir, id: 's4', cwd: '/w', model: DROID_MODELS.opus, usage: parent, lock: null, opening: { parent: 'p' }, lines: [compaction] });
    assert.deepEqual(droidSessionUsage({ tokenUsage: parent }, file4), []);
    // A garbled parent file: the whole total.
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'bad.settings.json'), '{"tokenUsage":');
    const file5 = writeSession({ dir, id: 's5', cwd: '/w', model: DROID_MODELS.opus, usage: succ, lock: Date.parse(LOCK), opening: { parent: 'bad' }, lines: [compaction] });
    assert.equal(droidSessionUsage(value, file5)[0]?.input, 490);
  });

  void it('finds Droid’s folder as Droid does (FACTORY_HOME_OVERRIDE, else the home) and scans sessions/ for *.settings.json', () => {
    assert.deepEqual(droidRoots({}, '/home/u'), ['/home/u/.factory']);
    assert.deepEqual(droidRoots({ FACTORY_HOME_OVERRIDE: '/srv/f' }, '/home/u'), ['/srv/f/.factory']);
    assert.deepEqual(droidFormat.dirs('/r'), [path.join('/r', 'sessions')]);
    assert.ok(droidFormat.isLog('abc.settings.json') && !droidFormat.isLog('abc.jsonl') && !droidFormat.isLog('settings.json.bak'));
  });

  void it('follows a running total as Droid rewrites it: the latest totals, once', () => {
    const home = tempHome('tb-droid-grow-');
    const dir = path.join(home, '.factory', 'sessions', '-w');
    const scanner = new Scanner();
    const write = (input: number) => writeSession({ dir, id: 'live', cwd: '/w', model: DROID_MODELS.haiku, usage: { inputTokens: input, outputTokens: 100, cacheCreationTokens: 0, cacheReadTokens: 0, thinkingTokens: 0 }, lock: Date.parse(LOCK) });
    write(1_000);
    assert.equal(scanAgent('droid', home, {}, scanner).days.get('2026-03-02')?.tokens, 1_100);
    const file = write(5_000);
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    assert.equal(scanAgent('droid', home, {}, scanner).days.get('2026-03-02')?.tokens, 5_100);
  });

  void it('skips a settings file that is not JSON (ccusage fails its whole report on one)', () => {
    const home = tempHome('tb-droid-bad-');
    const dir = path.join(home, '.factory', 'sessions', '-w');
    writeSession({ dir, id: 'ok', cwd: '/w', model: DROID_MODELS.haiku, usage: { inputTokens: 1_000, outputTokens: 100, cacheCreationTokens: 0, cacheReadTokens: 0, thinkingTokens: 0 }, lock: Date.parse(LOCK) });
    writeFileSync(path.join(dir, 'torn.settings.json'), '{"tokenUsage":{"inputTokens":5');
    const { days } = scanAgent('droid', home);
    assert.deepEqual([...days.keys()], ['2026-03-02']);
    assert.equal(days.get('2026-03-02')?.tokens, 1_100);
  });

  void it('prices a session total at the model’s base tier, not as one request of the sum’s size', () => {
    const home = tempHome('tb-droid-tier-');
    const usage = { inputTokens: 300_000, outputTokens: 40_000, cacheCreationTokens: 100_000, cacheReadTokens: 2_000_000, thinkingTokens: 0 };
    writeSession({ dir: path.join(home, '.factory', 'sessions', '-w'), id: 'big', cwd: '/w', model: 'claude-sonnet-4-5-20250929', usage, lock: Date.parse(LOCK) });
    const { days } = scanAgent('droid', home);
    const day = days.get('2026-03-02');
    // Claude Sonnet 4.5 below 200k: $3 input, $15 output, $3.75 cache write, $0.30 cache read per million.
    const base = (300_000 * 3 + 40_000 * 15 + 100_000 * 3.75 + 2_000_000 * 0.3) / 1e6;
    assert.ok(day && Math.abs(day.cost - base) < 1e-9, `cost ${day?.cost} vs ${base}`);
  });

  void it('cross-check: ccusage droid daily less its thinking-on-top on the agreed days; hand-computed totals everywhere', async () => {
    const home = tempHome('tb-droid-');
    const corpus = buildDroidCorpus(home);
    const { days: mine } = scanAgent('droid', home);
    const theirs = await ccusageDaily('droid', home);
    const hand = handTotals(corpus.expected);
    assert.deepEqual([...mine.keys()].sort(), [...DROID_AGREED_DAYS, ...DROID_TRAP_DAYS].sort());
    // ccusage's daily `outputTokens` is the logged output (the harness sums the four kinds), but its
    // cost (and `totalTokens`) adds the thinking once more, priced as output. Taken back out here,
    // by the generator's account.
    let thinkingDays = 0;
    const adjusted: DayTotals = new Map();
    for (const day of DROID_AGREED_DAYS) {
      const t = theirs.get(day);
      assert.ok(t, day);
      let cost = 0;
      for (const [model, n] of corpus.ccusageThinking.get(day) ?? []) cost += n * outputRate(model);
      if (cost > 0) thinkingDays++;
      adjusted.set(day, { ...t, cost: t.cost - cost });
    }
    assert.ok(thinkingDays >= 3, 'thinking tokens on most days');
    assertSameDays(only(mine, DROID_AGREED_DAYS), adjusted);
    assertSameDays(mine, hand, { tolerance: 1e-9 });
    // On the trap days ccusage counts each successor's inherited totals again and the tied older snapshot.
    for (const day of DROID_TRAP_DAYS) assert.notEqual(theirs.get(day)?.tokens, hand.get(day)?.tokens, day);
  });
});
