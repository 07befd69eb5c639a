// Amp's format: pure tests of the thread reader on each trap (hand-computed), and the cross-check
// of a generated corpus (test/fakes/agents/amp.ts) with `ccusage amp daily`: equal within 0.5% on
// the days ccusage counts as Amp means, hand-computed totals on the days it miscounts (the reasons
// are in src/sources/localLogs/parsers/amp.ts and test/fixtures/agents/amp/README.md).
import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Scanner } from '../../../../src/sources/localLogs/scanner';
import { ampFormat, ampRoots, ampThreadUsage, ampUsage, isoMs } from '../../../../src/sources/localLogs/parsers/amp';
import { AMP_AGREED_DAYS, AMP_MODELS, AMP_TRAP_DAYS, buildAmpCorpus } from '../../../fakes/agents/amp';
import { assertSameDays, ccusageDaily, scanAgent } from '../agentHarness';
import { tempHome } from '../helpers';
import { handTotals, only } from './hand';

const T0 = '2026-03-02T06:00:00.000Z';
const ms0 = Date.parse(T0);

void describe('Amp format', () => {
  void it('reads current threads: each assistant usage with a timestamp, the project from the first tree', () => {
    const got = ampThreadUsage({
      id: 'T-1',
      env: { initial: { trees: [{ uri: 'file:///home/dev/my%20app' }] } },
      messages: [
        { role: 'user', messageId: 0, content: [] },
        { role: 'assistant', messageId: 1, usage: { model: AMP_MODELS.sonnet, inputTokens: 10, outputTokens: 178, cacheCreationInputTokens: 986, cacheReadInputTokens: 11372, timestamp: T0 } },
        { role: 'assistant', messageId: 2, usage: { model: AMP_MODELS.haiku, totalTokens: 345, timestamp: T0 } },
        { role: 'assistant', messageId: 3, usage: { model: AMP_MODELS.haiku, inputTokens: 0, outputTokens: 0, timestamp: T0 } },
        { role: 'assistant', messageId: 4, usage: { model: AMP_MODELS.haiku, inputTokens: 5, outputTokens: 5 } },
        { role: 'assistant', messageId: 5, content: [] },
      ],
    });
    assert.equal(got.length, 2);
    assert.deepEqual({ ...got[0], key: undefined }, { ms: ms0, model: AMP_MODELS.sonnet, input: 10, output: 178, cacheRead: 11372, cacheWrite: 986, key: undefined, project: '/home/dev/my app' });
    assert.equal(got[1]?.output, 345, 'totalTokens without a split is output');
    assert.equal(got[1]?.input, 0);
  });

  void it('reads ledger threads: each event once, inference events with their message cache, tool events without', () => {
    const inference = (id: string, to: number, input: number, output: number) => ({ id, timestamp: T0, model: AMP_MODELS.sonnet, credits: 1, tokens: { input, output }, operationType: 'inference', toMessageId: to });
    const got = ampThreadUsage({
      id: 'T-2',
      messages: [
        { role: 'user', messageId: 0 },
        { role: 'assistant', messageId: 1, usage: { model: AMP_MODELS.sonnet, inputTokens: 4, outputTokens: 40, cacheCreationInputTokens: 100, cacheReadInputTokens: 1000 } },
        { role: 'user', messageId: 2 },
        { role: 'assistant', messageId: 3, usage: { model: AMP_MODELS.sonnet, inputTokens: 6, outputTokens: 60, cacheCreationInputTokens: 300, cacheReadInputTokens: 3000 } },
        // After Amp dropped the ledger: counted by itself.
        { role: 'assistant', messageId: 4, usage: { model: AMP_MODELS.haiku, inputTokens: 7, outputTokens: 70, cacheReadInputTokens: 700, timestamp: T0 } },
        // No event and no timestamp: not counted.
        { role: 'assistant', messageId: 5, usage: { model: AMP_MODELS.haiku, inputTokens: 9, outputTokens: 9 } },
      ],
      usageLedger: {
        events: [
          inference('e1', 1, 4, 40),
          { id: 'e2', timestamp: T0, model: AMP_MODELS.haiku, tokens: { input: 120, output: 9 }, operationType: 'title-generation', toMessageId: 0 },
          { id: 'e3', timestamp: T0, model: AMP_MODELS.gpt5, tokens: { input: 5000, output: 1200 }, operationType: 'oracle', toMessageId: 1 },
          { id: 'e4', timestamp: T0, model: AMP_MODELS.haiku, tokens: { input: 50, output: 50 }, operationType: 'subagent', subagentThreadID: 'T-sub', toMessageId: 1 },
          inference('e5', 3, 5, 55), // retried: the message keeps the last call's cache
          inference('e6', 3, 6, 60),
          'not an event',
          { id: 'e7', timestamp: 'soon', model: AMP_MODELS.sonnet, tokens: { input: 1, output: 1 } },
        ],
      },
    });
    const brief = got.map((u) => [u.model, u.input, u.output, u.cacheRead, u.cacheWrite]);
    assert.deepEqual(brief, [
      [AMP_MODELS.sonnet, 4, 40, 1000, 100],
      [AMP_MODELS.haiku, 120, 9, 0, 0],
      [AMP_MODELS.gpt5, 5000, 1200, 0, 0],
      [AMP_MODELS.sonnet, 5, 55, 0, 0],
      [AMP_MODELS.sonnet, 6, 60, 3000, 300],
      [AMP_MODELS.haiku, 7, 70, 700, 0],
    ]);
    // An inference event is the same call as its message: the same key.
    const viaMessage = ampThreadUsage({ id: 'T-3', messages: [{ role: 'assistant', messageId: 4, usage: { model: AMP_MODELS.haiku, inputTokens: 7, outputTokens: 70, cacheReadInputTokens: 700, timestamp: T0 } }] });
    assert.equal(viaMessage[0]?.key, got[5]?.key);
  });

  void it('keys a fork’s copied messages like the originals (counted once), its own messages apart', () => {
    const m = { role: 'assistant', messageId: 1, usage: { model: AMP_MODELS.sonnet, inputTokens: 3, outputTokens: 30, cacheReadInputTokens: 300, timestamp: T0 } };
    const origin = ampThreadUsage({ id: 'T-a', messages: [{ role: 'user', messageId: 0 }, m] });
    const fork = ampThreadUsage({ id: 'T-b', originThreadID: 'T-a', forkPointIndex: 1, messages: [{ role: 'user', messageId: 0 }, structuredClone(m), { role: 'assistant', messageId: 2, usage: { ...m.usage, outputTokens: 31 } }] });
    assert.equal(fork[0]?.key, origin[0]?.key);
    assert.notEqual(fork[1]?.key, origin[0]?.key);
  });

  void it('reads OpenAI and Gemini calls’ cache creation as input; Claude’s as a cache write', () => {
    assert.deepEqual(ampUsage('gpt-5', { input: 0, output: 10, cacheWrite: 900, cacheRead: 100, total: 0 }, 1, undefined, undefined), { ms: 1, model: 'gpt-5', input: 900, output: 10, cacheRead: 100, cacheWrite: 0 });
    assert.equal(ampUsage('gemini-2.5-pro', { input: 0, output: 10, cacheWrite: 900, cacheRead: 0, total: 0 }, 1, undefined, undefined)?.input, 900);
    assert.equal(ampUsage('anthropic/claude-sonnet-4-5', { input: 1, output: 10, cacheWrite: 900, cacheRead: 0, total: 0 }, 1, undefined, undefined)?.cacheWrite, 900);
    assert.equal(ampUsage('anthropic/claude-sonnet-4-5', { input: 1, output: 10, cacheWrite: 0, cacheRead: 0, total: 0 }, 1, undefined, undefined)?.model, 'claude-sonnet-4-5');
    assert.equal(ampUsage('gpt-5', { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, total: 0 }, 1, undefined, undefined), null);
  });

  void it('never throws on malformed documents', () => {
    for (const v of [null, 3, 'x', [], {}, { id: '' }, { id: 'T', messages: 'no' }, { id: 'T', messages: [null, 1, { role: 'assistant', usage: 'x' }, { role: 'assistant', usage: { model: 7, inputTokens: '9', timestamp: T0 } }] }, { id: 'T', usageLedger: { events: [null, { tokens: null }] } }, { id: 'T', env: { initial: { trees: [{ uri: 'http://x' }] } } }]) {
      assert.deepEqual(ampThreadUsage(v), []);
    }
    assert.equal(isoMs('2026-03-02'), null);
    assert.equal(isoMs('2026-03-02T06:00:00.000+05:30'), Date.parse('2026-03-02T00:30:00.000Z'));
  });

  void it('finds Amp’s data folder as Amp does (XDG_DATA_HOME, else ~/.local/share) and scans threads/', () => {
    assert.deepEqual(ampRoots({}, '/home/u'), ['/home/u/.local/share/amp']);
    assert.deepEqual(ampRoots({ XDG_DATA_HOME: '/data' }, '/home/u'), ['/data/amp']);
    assert.deepEqual(ampRoots({ XDG_DATA_HOME: '' }, '/home/u'), ['/home/u/.local/share/amp']);
    assert.deepEqual(ampFormat.dirs('/r'), [path.join('/r', 'threads')]);
    assert.ok(ampFormat.isLog('T-019b.json') && !ampFormat.isLog('T-019b.json.tmp'));
  });

  void it('follows a thread as Amp rewrites it: every message once', () => {
    const home = tempHome('tb-amp-grow-');
    const file = path.join(home, '.local', 'share', 'amp', 'threads', 'T-grow.json');
    mkdirSync(path.dirname(file), { recursive: true });
    const scanner = new Scanner();
    const msg = (id: number, output: number) => ({ role: 'assistant', messageId: id, usage: { model: AMP_MODELS.haiku, inputTokens: 10, outputTokens: output, timestamp: T0 } });
    writeFileSync(file, JSON.stringify({ id: 'T-grow', messages: [msg(1, 90)] }));
    assert.equal(scanAgent('amp', home, {}, scanner).days.get('2026-03-02')?.tokens, 100);
    writeFileSync(file, JSON.stringify({ id: 'T-grow', messages: [msg(1, 90), msg(2, 190)] }));
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    assert.equal(scanAgent('amp', home, {}, scanner).days.get('2026-03-02')?.tokens, 300);
  });

  void it('cross-check: the corpus’s days equal ccusage amp daily where ccusage counts as Amp means, and the hand-computed totals everywhere', async () => {
    const home = tempHome('tb-amp-');
    const corpus = buildAmpCorpus(home);
    assert.ok(corpus.calls >= 50, `dozens of calls (${corpus.calls})`);
    const { days: mine } = scanAgent('amp', home);
    const theirs = await ccusageDaily('amp', home);
    const hand = handTotals(corpus.expected);
    assert.deepEqual([...mine.keys()].sort(), [...AMP_AGREED_DAYS, ...AMP_TRAP_DAYS].sort());
    assertSameDays(only(mine, AMP_AGREED_DAYS), only(theirs, AMP_AGREED_DAYS));
    assertSameDays(mine, hand, { tolerance: 1e-9 });
    // On the trap days ccusage counts more: sub-agent calls twice, the oracle event with its
    // caller's cache, the fork's copies, a retried call's cache twice; and it misses the messages
    // written after the ledger (fewer). Its token total differs from the hand total each day.
    for (const day of AMP_TRAP_DAYS) assert.notEqual(theirs.get(day)?.tokens, hand.get(day)?.tokens, day);
  });
});
