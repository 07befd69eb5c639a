import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseClaudeLine, parseClaudeLineSlow, USAGE_NEEDLE, usageObjectAt } from '../../../src/sources/localLogs/parsers/claude';
import { Scanner } from '../../../src/sources/localLogs/scanner';
import {
  claudeAssistantLine as assistant,
  claudeSummaryLine,
  claudeSyntheticLine,
  claudeTaskResultLine,
  claudeToolResultLine,
  claudeUserLine,
  CLAUDE_MODELS,
  generateCorpus,
  type ClaudeUsage,
} from '../../fakes/agentLogs';
import { append, claudeCost, claudeFile, close, filesUnder, Session, tempHome, totals, write } from './helpers';

const SONNET = CLAUDE_MODELS.sonnet;
const T = (hh: string) => `2026-11-18T${hh}.000Z`;
const U1: ClaudeUsage = { input: 4, output: 120, cacheRead: 30_000, write5m: 2_000 };
const U2: ClaudeUsage = { input: 7, output: 800, cacheRead: 50_000, write1h: 4_000 };
const U3: ClaudeUsage = { input: 2, output: 60, cacheRead: 10_000 };

function session(home: string): Session {
  return new Session(new Scanner(), 'claudeCode', home);
}

void describe('Claude Code logs', () => {
  void it('counts each response once: one line per content block, streaming snapshots (the largest wins), copies in a resumed session', () => {
    const home = tempHome();
    write(claudeFile(home, 'p/a.jsonl'), [
      claudeSummaryLine('a session'),
      claudeUserLine(T('10:00:00'), 'hello'),
      // msg_1 streamed: three lines, output growing; the last one counts
      assistant({ timestamp: T('10:00:01'), messageId: 'msg_1', requestId: 'req_1', model: SONNET, usage: { ...U1, output: 5 }, blockType: 'thinking', text: 'hmm' }),
      assistant({ timestamp: T('10:00:02'), messageId: 'msg_1', requestId: 'req_1', model: SONNET, usage: { ...U1, output: 50 }, text: 'part' }),
      assistant({ timestamp: T('10:00:03'), messageId: 'msg_1', requestId: 'req_1', model: SONNET, usage: U1, blockType: 'tool_use', text: 'run' }),
      claudeToolResultLine(T('10:00:04'), 'file contents'),
      // msg_2 written twice, identical
      assistant({ timestamp: T('10:00:05'), messageId: 'msg_2', requestId: 'req_2', model: SONNET, usage: U2 }),
      assistant({ timestamp: T('10:00:05'), messageId: 'msg_2', requestId: 'req_2', model: SONNET, usage: U2 }),
    ]);
    // A resumed session: a new file starting with copies of the old lines.
    write(claudeFile(home, 'p/b.jsonl'), [
      assistant({ timestamp: T('10:00:03'), messageId: 'msg_1', requestId: 'req_1', model: SONNET, usage: U1 }),
      assistant({ timestamp: T('10:00:05'), messageId: 'msg_2', requestId: 'req_2', model: SONNET, usage: U2 }),
      assistant({ timestamp: T('11:00:00'), messageId: 'msg_3', requestId: 'req_3', model: SONNET, usage: U3 }),
    ]);
    const s = session(home);
    const r = s.scan();
    const t = totals(r.rows);
    assert.equal(t.requests, 3);
    assert.equal(t.output, U1.output + U2.output + U3.output);
    assert.equal(t.read, 90_000);
    assert.equal(t.write, 6_000);
    const expected = claudeCost(SONNET, U1, T('10:00:03')) + claudeCost(SONNET, U2, T('10:00:05')) + claudeCost(SONNET, U3, T('11:00:00'));
    assert.ok(close(t.cost, expected), `${t.cost} vs ${expected}`);
  });

  void it('a larger snapshot arriving in a later append replaces the counted one (not added to it)', () => {
    const home = tempHome();
    const file = claudeFile(home, 'p/a.jsonl');
    write(file, [assistant({ timestamp: T('10:00:01'), messageId: 'msg_1', requestId: 'req_1', model: SONNET, usage: { ...U1, output: 3 } })]);
    const s = session(home);
    assert.equal(totals(s.scan().rows).output, 3);
    append(file, assistant({ timestamp: T('10:00:02'), messageId: 'msg_1', requestId: 'req_1', model: SONNET, usage: U1 }) + '\n');
    const t = totals(s.scan().rows);
    assert.equal(t.requests, 1);
    assert.equal(t.output, U1.output);
    assert.ok(close(t.cost, claudeCost(SONNET, U1, T('10:00:02'))));
  });

  void it('sub-agent files are counted; a sidechain replay of a parent message (new request id) is not', () => {
    const home = tempHome();
    write(claudeFile(home, 'p/sess.jsonl'), [assistant({ timestamp: T('09:00:00'), messageId: 'msg_p', requestId: 'req_p', model: SONNET, usage: U2 })]);
    write(claudeFile(home, 'p/sess/subagents/agent-1.jsonl'), [
      assistant({ timestamp: T('09:00:00'), messageId: 'msg_p', requestId: 'req_replay', model: SONNET, usage: U2, isSidechain: true }),
      assistant({ timestamp: T('09:01:00'), messageId: 'msg_s1', requestId: 'req_s1', model: CLAUDE_MODELS.haiku, usage: U3, isSidechain: true }),
      assistant({ timestamp: T('09:02:00'), messageId: 'msg_s2', requestId: 'req_s2', model: CLAUDE_MODELS.haiku, usage: U1, isSidechain: true }),
    ]);
    const r = session(home).scan();
    assert.equal(totals(r.rows).requests, 3);
    assert.equal(totals(r.rows, (x) => x.model === CLAUDE_MODELS.haiku).requests, 2);
    assert.equal(totals(r.rows, (x) => x.model === SONNET).output, U2.output);
  });

  void it('the main-chain copy replaces a sidechain copy seen first', () => {
    const home = tempHome();
    write(claudeFile(home, 'p/sess/subagents/agent-1.jsonl'), [assistant({ timestamp: T('09:00:00'), messageId: 'msg_p', requestId: 'req_replay', model: SONNET, usage: U2, isSidechain: true })]);
    const s = session(home);
    assert.equal(totals(s.scan().rows).requests, 1);
    write(claudeFile(home, 'p/sess.jsonl'), [assistant({ timestamp: T('09:00:00'), messageId: 'msg_p', requestId: 'req_p', model: SONNET, usage: U2 })]);
    const t = totals(s.rows());
    s.scan();
    assert.equal(totals(s.rows()).requests, 1);
    assert.equal(totals(s.rows()).output, t.output);
  });

  void it('skips lines that are not responses without noise: prompts, tool and Task results, summaries, <synthetic> errors, garbled JSON', () => {
    const home = tempHome();
    write(claudeFile(home, 'p/a.jsonl'), [
      claudeUserLine(T('10:00:00'), 'a prompt mentioning \\"usage\\":{ in text'),
      claudeTaskResultLine(T('10:00:01'), { input: 500, output: 900, cacheRead: 1000 }),
      claudeSyntheticLine(T('10:00:02')),
      '{"type":"assistant","message":{"usage":{"input_tokens":12,"output_tok',
      'not json at all "usage":{ nope',
      '',
      assistant({ timestamp: T('10:00:03'), messageId: 'msg_1', requestId: 'req_1', model: SONNET, usage: U3 }),
    ]);
    const r = session(home).scan();
    assert.equal(totals(r.rows).requests, 1);
    assert.equal(totals(r.rows).output, U3.output);
  });

  void it('a torn last line is skipped, then counted once when the rest of it arrives', () => {
    const home = tempHome();
    const file = claudeFile(home, 'p/a.jsonl');
    const last = assistant({ timestamp: T('12:00:00'), messageId: 'msg_t', requestId: 'req_t', model: SONNET, usage: U2 });
    write(file, [assistant({ timestamp: T('11:00:00'), messageId: 'msg_1', requestId: 'req_1', model: SONNET, usage: U1 })], last.slice(0, 200));
    const s = session(home);
    assert.equal(totals(s.scan().rows).requests, 1);
    assert.equal(totals(s.scan().rows).requests, 0, 'nothing new: no day returned');
    assert.equal(totals(s.rows()).requests, 1);
    append(file, last.slice(200) + '\n');
    s.scan();
    assert.equal(totals(s.rows()).requests, 2);
    assert.equal(totals(s.rows()).output, U1.output + U2.output);
    s.scan();
    assert.equal(totals(s.rows()).requests, 2, 'counted once');
  });

  void it('an unknown model is unpriced: its tokens are kept and flagged, never a $0 cost', () => {
    const home = tempHome();
    write(claudeFile(home, 'p/a.jsonl'), [
      assistant({ timestamp: T('10:00:00'), messageId: 'msg_1', requestId: 'req_1', model: CLAUDE_MODELS.unknown, usage: U2 }),
      assistant({ timestamp: T('10:01:00'), messageId: 'msg_2', requestId: 'req_2', model: SONNET, usage: U1 }),
    ]);
    const r = session(home).scan();
    const unknown = r.rows.find((x) => x.model === CLAUDE_MODELS.unknown);
    assert.ok(unknown);
    assert.equal(unknown.unpriced, true);
    assert.equal(unknown.cost, 0);
    assert.equal(unknown.outputTokens, U2.output);
    assert.equal(unknown.cacheWriteTokens, 4_000);
    assert.deepEqual(r.unpricedModels, [CLAUDE_MODELS.unknown]);
    const known = r.rows.find((x) => x.model === SONNET);
    assert.ok(known && !known.unpriced && known.cost > 0);
  });

  void it('prices every request on its own: the long-context tier per line, one-hour writes at their own price', () => {
    const home = tempHome();
    const long: ClaudeUsage = { input: 10, output: 1_000, cacheRead: 230_000, write5m: 1_000 };
    const short: ClaudeUsage = { input: 10, output: 1_000, cacheRead: 150_000, write5m: 1_000 };
    const hour: ClaudeUsage = { input: 10, output: 1_000, cacheRead: 150_000, write1h: 1_000 };
    write(claudeFile(home, 'p/a.jsonl'), [
      assistant({ timestamp: T('10:00:00'), messageId: 'm1', requestId: 'r1', model: SONNET, usage: long }),
      assistant({ timestamp: T('10:01:00'), messageId: 'm2', requestId: 'r2', model: SONNET, usage: short }),
      assistant({ timestamp: T('10:02:00'), messageId: 'm3', requestId: 'r3', model: SONNET, usage: hour }),
    ]);
    const r = session(home).scan();
    const c = [claudeCost(SONNET, long, T('10:00:00')), claudeCost(SONNET, short, T('10:01:00')), claudeCost(SONNET, hour, T('10:02:00'))];
    assert.ok(close(totals(r.rows).cost, c[0]! + c[1]! + c[2]!));
    // The >200k request costs more per token than the others; the one-hour write more than the 5-minute one.
    assert.ok(c[0]! / 231_010 > (c[1]! / 151_010) * 1.5);
    assert.ok(c[2]! > c[1]!);
    // Summing first and pricing the sum would land everything in the long tier: not what happens.
    assert.ok(totals(r.rows).cost < claudeCost(SONNET, { input: 30, output: 3_000, cacheRead: 530_000, write5m: 3_000 }, T('10:00:00')));
  });

  void it('the fast path reads every line of a generated corpus exactly as JSON.parse does', () => {
    const home = tempHome();
    generateCorpus({ home, files: 40, totalBytes: 3e6, seed: 5, codexShare: 0, fastMode: true });
    const files = filesUnder(path.join(home, '.claude', 'projects'));
    let lines = 0;
    let fast = 0;
    for (const f of files) {
      const buf = readFileSync(f);
      let i = 0;
      for (;;) {
        const u = buf.indexOf(USAGE_NEEDLE, i);
        if (u < 0) break;
        if (!usageObjectAt(buf, u)) {
          i = u + USAGE_NEEDLE.length;
          continue;
        }
        const s = buf.lastIndexOf(10, u) + 1;
        const nl = buf.indexOf(10, u);
        const e = nl < 0 ? buf.length : nl;
        const counters = { fast: 0, slow: 0 };
        const got = parseClaudeLine(buf, s, buf.length, u, counters);
        const gotCopy = got ? { ...got } : null;
        const want = parseClaudeLineSlow(buf, s, e);
        assert.deepEqual(gotCopy, want, `line ${buf.toString('utf8', s, Math.min(e, s + 300))}`);
        lines++;
        fast += counters.fast;
        i = e + 1;
      }
    }
    assert.ok(lines > 500, `${lines} usage lines`);
    assert.ok(fast / lines > 0.95, `most lines take the fast path (${fast}/${lines})`);
  });

  void it('lines the fast path does not expect go through JSON.parse: escapes, another key order, CRLF', () => {
    const mk = (s: string) => Buffer.from(s + '\n');
    const reordered = mk('{"timestamp":"2026-11-18T10:00:00.000Z","requestId":"r1","message":{"content":[],"id":"m1","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":2}},"type":"assistant"}');
    const escaped = mk('{"isSidechain":false,"message":{"model":"claude-sonnet-4-5\\u002d20250929","id":"m1","content":[],"usage":{"input_tokens":1,"output_tokens":2}},"requestId":"r1","timestamp":"2026-11-18T10:00:00.000Z"}');
    const crlf = Buffer.from('{"isSidechain":false,"message":{"model":"claude-sonnet-4-5-20250929","id":"m1","content":[],"usage":{"input_tokens":1,"output_tokens":2}},"requestId":"r1","timestamp":"2026-11-18T10:00:00.000Z"}\r\n');
    for (const buf of [reordered, escaped, crlf]) {
      const u = buf.indexOf('"usage":{');
      const got = parseClaudeLine(buf, 0, buf.length, u);
      assert.ok(got, buf.toString());
      assert.equal(got.model, 'claude-sonnet-4-5-20250929');
      assert.equal(got.output, 2);
      assert.equal(got.ms, Date.parse('2026-11-18T10:00:00.000Z'));
    }
  });
});
