// Claude Code fast mode (`message.usage.speed: "fast"`): priced at the model's multiple of every
// standard rate (src/pricing/fastMode.ts), in the same model row as the standard usage.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { HttpClient } from '../../../src/sources/http';
import { parseClaudeLine, parseClaudeLineSlow } from '../../../src/sources/localLogs/parsers/claude';
import { InProcessRunner } from '../../../src/sources/localLogs/runner';
import { Scanner } from '../../../src/sources/localLogs/scanner';
import { createSources } from '../../../src/sources/registry';
import { claudeAssistantLine as assistant, CLAUDE_MODELS, type ClaudeUsage } from '../../fakes/agentLogs';
import { claudeCost, claudeFile, close, Session, tempHome, totals, write } from './helpers';

const T = (hh: string) => `2026-11-18T${hh}.000Z`;
/** Every kind of token: uncached input, output, cache reads, 5-minute and one-hour writes. */
const U: ClaudeUsage = { input: 40, output: 1_200, cacheRead: 80_000, write5m: 3_000, write1h: 2_000 };
const OPUS46 = CLAUDE_MODELS.opus46;
const OPUS5 = CLAUDE_MODELS.opus5;

function scanOne(model: string, usage: ClaudeUsage, stateFile?: string) {
  const home = tempHome('tb-fast-');
  write(claudeFile(home, 'p/a.jsonl'), [assistant({ timestamp: T('10:00:00'), messageId: 'msg_1', requestId: 'req_1', model, usage })]);
  const s = new Session(new Scanner(), 'claudeCode', home, stateFile);
  return { home, session: s, result: s.scan() };
}

void describe('Claude Code fast mode', () => {
  void it('a fast line on Opus 4.6 costs 6× the same line at standard speed; tokens are the same', () => {
    const standard = scanOne(OPUS46, { ...U, speed: 'standard' }).result;
    const fast = scanOne(OPUS46, { ...U, speed: 'fast' }).result;
    const none = scanOne(OPUS46, U).result;
    const s = totals(standard.rows);
    const f = totals(fast.rows);
    assert.ok(s.cost > 0);
    assert.ok(close(s.cost, claudeCost(OPUS46, U, T('10:00:00'))), 'standard = list price');
    assert.ok(close(totals(none.rows).cost, s.cost), 'no speed = standard');
    assert.ok(close(f.cost, 6 * s.cost), `${f.cost} vs 6 × ${s.cost}`);
    assert.deepEqual({ ...f, cost: 0 }, { ...s, cost: 0 });
    assert.deepEqual(fast.fastUnknownModels, []);
  });

  void it('Opus 5 fast is 2×', () => {
    const s = totals(scanOne(OPUS5, { ...U, speed: 'standard' }).result.rows).cost;
    const f = totals(scanOne(OPUS5, { ...U, speed: 'fast' }).result.rows).cost;
    assert.ok(s > 0);
    assert.ok(close(f, 2 * s), `${f} vs 2 × ${s}`);
  });

  void it('cache reads and writes are multiplied too (a line of cache tokens only)', () => {
    const cacheOnly: ClaudeUsage = { input: 0, output: 0, cacheRead: 120_000, write1h: 8_000 };
    const s = totals(scanOne(OPUS46, cacheOnly).result.rows).cost;
    const f = totals(scanOne(OPUS46, { ...cacheOnly, speed: 'fast' }).result.rows).cost;
    assert.ok(s > 0);
    assert.ok(close(f, 6 * s), `${f} vs 6 × ${s}`);
  });

  void it('the long-context tier is multiplied as well (the multiplier holds across the context window)', () => {
    const long: ClaudeUsage = { input: 10, output: 500, cacheRead: 250_000 };
    const s = totals(scanOne(OPUS46, long).result.rows).cost;
    const f = totals(scanOne(OPUS46, { ...long, speed: 'fast' }).result.rows).cost;
    assert.ok(close(s, claudeCost(OPUS46, long, T('10:00:00'))));
    assert.ok(close(f, 6 * s));
  });

  void it('fast and standard lines of a model share its row (one row per day and model)', () => {
    const home = tempHome('tb-fast-');
    write(claudeFile(home, 'p/a.jsonl'), [
      assistant({ timestamp: T('10:00:00'), messageId: 'msg_1', requestId: 'req_1', model: OPUS46, usage: { ...U, speed: 'standard' } }),
      assistant({ timestamp: T('10:05:00'), messageId: 'msg_2', requestId: 'req_2', model: OPUS46, usage: { ...U, speed: 'fast' } }),
    ]);
    const r = new Session(new Scanner(), 'claudeCode', home).scan();
    assert.equal(r.rows.length, 1);
    const row = r.rows[0];
    assert.ok(row);
    assert.equal(row.model, OPUS46);
    assert.equal(row.requests, 2);
    assert.ok(close(row.cost, 7 * claudeCost(OPUS46, U, T('10:00:00'))));
  });

  void it('a streaming snapshot of a fast response replaces the counted one at the fast price', () => {
    const home = tempHome('tb-fast-');
    write(claudeFile(home, 'p/a.jsonl'), [
      assistant({ timestamp: T('10:00:00'), messageId: 'msg_1', requestId: 'req_1', model: OPUS46, usage: { ...U, output: 10, speed: 'fast' } }),
      assistant({ timestamp: T('10:00:01'), messageId: 'msg_1', requestId: 'req_1', model: OPUS46, usage: { ...U, speed: 'fast' } }),
    ]);
    const t = totals(new Session(new Scanner(), 'claudeCode', home).scan().rows);
    assert.equal(t.requests, 1);
    assert.ok(close(t.cost, 6 * claudeCost(OPUS46, U, T('10:00:01'))));
  });

  void it('a model without a known multiplier: fast usage at standard rates, and the model is flagged, across scans and a restart', () => {
    const sonnet = CLAUDE_MODELS.sonnet;
    const stateFile = path.join(tempHome('tb-fast-state-'), 'claude.state');
    const { home, session, result } = scanOne(sonnet, { ...U, speed: 'fast' }, stateFile);
    assert.ok(close(totals(result.rows).cost, claudeCost(sonnet, U, T('10:00:00'))));
    assert.equal(result.rows[0]?.unpriced, undefined, 'priced (at standard rates), not unpriced');
    assert.deepEqual(result.fastUnknownModels, [sonnet]);
    assert.deepEqual(result.sync.fastUnknown, [sonnet]);
    // An incremental scan that reads nothing new keeps the flag; so does a new scanner (restart) on the saved state.
    assert.deepEqual(session.scan().fastUnknownModels, [sonnet]);
    const restarted = new Session(new Scanner(), 'claudeCode', home, stateFile);
    restarted.sync = session.sync;
    const again = restarted.scan();
    assert.equal(again.stats.mode, 'incremental');
    assert.deepEqual(again.fastUnknownModels, [sonnet]);
    // Standard usage alone flags nothing.
    assert.deepEqual(scanOne(sonnet, { ...U, speed: 'standard' }).result.fastUnknownModels, []);
    assert.deepEqual(scanOne(OPUS46, { ...U, speed: 'fast' }).result.fastUnknownModels, []);
  });

  void it('the flag survives a lost state file through the ledger’s copy (sync)', () => {
    const sonnet = CLAUDE_MODELS.sonnet;
    const { home, session } = scanOne(sonnet, { ...U, speed: 'fast' });
    const fresh = new Session(new Scanner(), 'claudeCode', home);
    fresh.sync = session.sync;
    const r = fresh.scan();
    assert.equal(r.stats.mode, 'recovered');
    assert.deepEqual(r.fastUnknownModels, [sonnet]);
  });

  void it('an unpriced model with fast usage is unpriced, not flagged as a fast estimate', () => {
    const r = scanOne(CLAUDE_MODELS.unknown, { ...U, speed: 'fast' }).result;
    assert.equal(r.rows[0]?.unpriced, true);
    assert.deepEqual(r.fastUnknownModels, []);
  });

  void it('the source note says which models are priced at standard rates for want of a multiplier', async () => {
    const home = tempHome('tb-fast-');
    write(claudeFile(home, 'p/a.jsonl'), [assistant({ timestamp: new Date().toISOString(), messageId: 'msg_1', requestId: 'req_1', model: CLAUDE_MODELS.sonnet, usage: { ...U, speed: 'fast' } })]);
    const sources = createSources({ agentLogs: { env: {}, home, runner: () => new InProcessRunner() } });
    after(() => sources.stopAll());
    const claudeCodeAdapter = sources.adapters.find((a) => a.id === 'claudeCode');
    assert.ok(claudeCodeAdapter);
    const today = new Date().toISOString().slice(0, 10);
    const out = await claudeCodeAdapter.fetch({ config: readConfig(() => undefined), http: new HttpClient({ retries: 0 }), key: undefined, today, utcToday: today, yearStart: `${today.slice(0, 4)}-01-01`, sync: undefined });
    assert.match(out.note ?? '', new RegExp(`Fast-mode requests of ${CLAUDE_MODELS.sonnet} are priced at standard rates`));
  });

  void it('the fast path reads speed as JSON.parse does, wherever the key stands', () => {
    const base = assistant({ timestamp: T('10:00:00'), messageId: 'msg_1', requestId: 'req_1', model: OPUS46, usage: U });
    const variants = [
      base.replace('"service_tier":"standard"}', '"service_tier":"standard","speed":"fast"}'),
      base.replace('"service_tier":"standard"}', '"speed":"fast","service_tier":"standard"}'),
      base.replace('"service_tier":"standard"}', '"service_tier":"standard","speed":"standard"}'),
      base.replace('"service_tier":"standard"}', '"service_tier":"standard","speed":"faster"}'),
      base.replace('"service_tier":"standard"}', '"service_tier":"standard","speed":null}'),
      // Another key order (the general reader): speed before the counts.
      base.replace('"usage":{"input_tokens"', '"usage":{"speed":"fast","input_tokens"'),
      base.replace('"usage":{"input_tokens"', '"usage":{"speed":"standard","input_tokens"'),
    ];
    const expected = [true, true, false, false, false, true, false];
    variants.forEach((line, k) => {
      const buf = Buffer.from(`${line}\n`);
      const u = buf.indexOf('"usage":{');
      const counters = { fast: 0, slow: 0 };
      const got = parseClaudeLine(buf, 0, buf.length, u, counters);
      assert.ok(got, line);
      assert.equal(counters.fast, 1, `fast path: ${line}`);
      assert.equal(got.fast, expected[k], line);
      assert.deepEqual({ ...got }, parseClaudeLineSlow(buf, 0, buf.length - 1));
    });
  });
});
