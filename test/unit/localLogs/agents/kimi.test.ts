// Kimi Code CLI: the format on its traps (hand-computed), and its day totals against ccusage's
// `kimi daily` on a generated corpus (test/fakes/agents/kimi.ts; shapes and references in
// test/fixtures/agents/kimi).
//
// ccusage computes every cost (Kimi logs none), pricing kimi-for-coding as moonshot/kimi-k2.5 before
// 2026-04-20T15:28:10.072Z and kimi-k2.6 after; genai-prices and LiteLLM agree on both models'
// input, output and cache-read rates (not on cache writes, which Kimi's own API never reports:
// `input_cache_creation` is 0 in the corpus), so costs compare too. Where ccusage is wrong (a
// forked session's verbatim copy counts again), the totals are hand-computed.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { KIMI_K2_6_FROM_MS, kimiConfiguredModel, kimiFormat, kimiLine, kimiModelFromJson, kimiModelFromToml, kimiPricedModel, kimiShareOf, type KimiFileState } from '../../../../src/sources/localLogs/parsers/kimi';
import { KIMI_CONFIG_TOML, writeKimiCorpus } from '../../../fakes/agents/kimi';
import { assertSameDays, ccusageDaily, scanAgent } from '../agentHarness';
import { tempHome } from '../helpers';
import { formatDays, totalsOfUsages, usagesOf } from './formatScan';

/** Float sums in another order: equal but for rounding. */
const EXACT = { tolerance: 1e-9 };

const fresh = (): KimiFileState => kimiFormat.initial();
const WIRE = '/k/sessions/0123abcd/sess-1/wire.jsonl';

function status(tokenUsage: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { timestamp: 1770983427.123, message: { type: 'StatusUpdate', payload: { token_usage: tokenUsage, message_id: 'msg-1' } }, ...extra };
}

void describe('Kimi format', () => {
  void it('finds the share folder from $KIMI_SHARE_DIR, else ~/.kimi and ~/.kimi-code; reads only wire.jsonl', () => {
    assert.deepEqual(kimiFormat.roots({}, '/h'), ['/h/.kimi', '/h/.kimi-code']);
    assert.deepEqual(kimiFormat.roots({ KIMI_SHARE_DIR: '~/k' }, '/h'), ['/h/k']);
    assert.deepEqual(kimiFormat.dirs('/h/.kimi'), ['/h/.kimi/sessions']);
    assert.ok(kimiFormat.isLog('wire.jsonl'));
    assert.ok(!kimiFormat.isLog('context.jsonl'));
  });

  void it('reads the model kimi-cli selects from config.toml: default_model, looked up in [models.<key>]', () => {
    assert.equal(kimiModelFromToml(KIMI_CONFIG_TOML), 'kimi-for-coding');
    const toml = ['# mine', 'default_model = "turbo" # fast', '', '[models."gpt-4.1"]', 'model = "gpt-4.1"', "[models.'turbo']", 'provider = "moonshot-cn"', 'model = "kimi-k2-turbo-preview"', '[providers.turbo]', 'model = "not-this"'].join('\n');
    assert.equal(kimiModelFromToml(toml), 'kimi-k2-turbo-preview');
    assert.equal(kimiModelFromToml('default_model = "missing"\n[models.x]\nmodel = "y"\n'), null);
    assert.equal(kimiModelFromToml('[models.x]\nmodel = "y"\n'), null);
    assert.equal(kimiModelFromToml('not toml at all ]]'), null);
  });

  void it('reads a legacy config.json the same way, or its top-level model (what ccusage reads)', () => {
    assert.equal(kimiModelFromJson({ default_model: 'a', models: { a: { model: 'kimi-k2-0905-preview' } } }), 'kimi-k2-0905-preview');
    assert.equal(kimiModelFromJson({ model: 'kimi-k2' }), 'kimi-k2');
    assert.equal(kimiModelFromJson({ default_model: 'a', models: 'x' }), null);
    assert.equal(kimiModelFromJson([1]), null);
  });

  void it('prefers config.toml, then config.json, then kimi-for-coding', () => {
    const home = tempHome('tb-kimi-c-');
    assert.equal(kimiConfiguredModel(home), 'kimi-for-coding');
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ model: 'kimi-k2' }));
    assert.equal(kimiConfiguredModel(home), 'kimi-k2');
    writeFileSync(path.join(home, 'config.toml'), 'default_model = "t"\n[models.t]\nmodel = "kimi-k2-turbo-preview"\n');
    assert.equal(kimiConfiguredModel(home), 'kimi-k2-turbo-preview');
  });

  void it('prices kimi-for-coding as kimi-k2.5, then kimi-k2.6 from 2026-04-20T15:28:10.072Z; other models by their bare name', () => {
    assert.equal(kimiPricedModel('kimi-for-coding', KIMI_K2_6_FROM_MS - 1), 'kimi-k2.5');
    assert.equal(kimiPricedModel('kimi-for-coding', KIMI_K2_6_FROM_MS), 'kimi-k2.6');
    assert.equal(kimiPricedModel('moonshot/kimi-k2-turbo-preview', 0), 'kimi-k2-turbo-preview');
  });

  void it('reads a StatusUpdate: input_other is the uncached input, float seconds, the model from the config once per file', () => {
    const home = tempHome('tb-kimi-l-');
    const file = path.join(home, 'sessions', 'g', 's', 'wire.jsonl');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(path.join(home, 'config.toml'), 'default_model = "t"\n[models.t]\nmodel = "kimi-k2-turbo-preview"\n');
    const s = fresh();
    assert.deepEqual(kimiLine(status({ input_other: 100, output: 50, input_cache_read: 10, input_cache_creation: 20 }), s, file), {
      ms: 1770983427123,
      model: 'kimi-k2-turbo-preview',
      input: 100,
      output: 50,
      cacheRead: 10,
      cacheWrite: 20,
      key: 'msg-1|1770983427123|100|50|10|20',
    });
    assert.equal(s.model, 'kimi-k2-turbo-preview');
    writeFileSync(path.join(home, 'config.toml'), 'default_model = "kimi-for-coding"\n');
    assert.equal(kimiLine(status({ input_other: 1 }), s, file)?.model, 'kimi-k2-turbo-preview', 'the config is read once per file');
  });

  void it("counts a session's wire file and its agents' (subagents/ or agents/), at no other depth", () => {
    assert.equal(kimiShareOf('/k/sessions/g/s/wire.jsonl'), '/k');
    assert.equal(kimiShareOf('/k/sessions/g/s/subagents/a1/wire.jsonl'), '/k');
    assert.equal(kimiShareOf('/k/sessions/g/s/agents/main/wire.jsonl'), '/k');
    assert.equal(kimiShareOf('/k/sessions/g/wire.jsonl'), null);
    assert.equal(kimiShareOf('/k/sessions/g/s/other/a1/wire.jsonl'), null);
    assert.equal(kimiShareOf('/k/sessions/a/g/s/wire.jsonl'), null);
    assert.equal(kimiLine(status({ input_other: 5 }), fresh(), '/k/sessions/g/s/x/wire.jsonl'), null);
  });

  void it('reads a Kimi Code turn record with its own model; not a session total', () => {
    const turn = { type: 'usage.record', model: 'kimi-code/kimi-for-coding', usage: { inputOther: 10, output: 20, inputCacheRead: 30, inputCacheCreation: 4 }, usageScope: 'turn', time: KIMI_K2_6_FROM_MS + 5 };
    assert.deepEqual(kimiLine(turn, fresh(), '/k/sessions/g/s/agents/main/wire.jsonl'), {
      ms: KIMI_K2_6_FROM_MS + 5,
      model: 'kimi-k2.6',
      input: 10,
      output: 20,
      cacheRead: 30,
      cacheWrite: 4,
      key: `|${KIMI_K2_6_FROM_MS + 5}|kimi-for-coding|10|20|30|4`,
    });
    assert.equal(kimiLine({ ...turn, usageScope: 'session' }, fresh(), WIRE), null);
    assert.equal(kimiLine({ ...turn, model: 'kimi-k2-turbo-preview' }, fresh(), WIRE)?.model, 'kimi-k2-turbo-preview');
    assert.equal(kimiLine({ ...turn, usage: { inputOther: 0, output: 0 } }, fresh(), WIRE), null);
  });

  void it('skips the metadata line, other messages, StatusUpdates without or with zero usage', () => {
    assert.equal(kimiLine({ type: 'metadata', protocol_version: '1.3' }, fresh(), WIRE), null);
    assert.equal(kimiLine({ timestamp: 1, message: { type: 'TurnBegin', payload: {} } }, fresh(), WIRE), null);
    assert.equal(kimiLine({ timestamp: 1, message: { type: 'StatusUpdate', payload: { plan_mode: true } } }, fresh(), WIRE), null);
    assert.equal(kimiLine(status({ input_other: 0, output: 0, input_cache_read: 0, input_cache_creation: 0 }), fresh(), WIRE), null);
    assert.equal(kimiLine(status('many'), fresh(), WIRE), null);
    assert.equal(kimiLine(42, fresh(), WIRE), null);
  });

  void it('fills a missing output from total; dates a line without a timestamp by its file', () => {
    assert.equal(kimiLine(status({ total: 432 }), fresh(), WIRE)?.output, 432);
    assert.equal(kimiLine(status({ input_other: 3 }, { timestamp: 'now' }), fresh(), WIRE)?.ms, 0);
  });

  void it('gives a forked copy of a step the key of the original', () => {
    const a = kimiLine(status({ input_other: 7, output: 3 }), fresh(), WIRE);
    const b = kimiLine(status({ input_other: 7, output: 3 }), fresh(), '/k/sessions/0123abcd/sess-2/wire.jsonl');
    assert.equal(b?.key, a?.key);
  });
});

void describe('Kimi against ccusage', () => {
  void it('has the same days, tokens and cost as `ccusage kimi daily` (within 0.5%), across the kimi-k2.6 switch', async () => {
    const home = tempHome('tb-kimi-x-');
    const corpus = writeKimiCorpus(home);
    assert.ok(corpus.usages.length >= 30, `dozens of usages (${corpus.usages.length})`);
    assert.deepEqual(new Set(corpus.usages.map((u) => u.model)), new Set(['kimi-k2.5', 'kimi-k2.6']));
    const mine = scanAgent('kimi', home).days;
    assertSameDays(formatDays(kimiFormat, home), mine, EXACT);
    assertSameDays(mine, totalsOfUsages(corpus.usages), EXACT);
    assertSameDays(mine, await ccusageDaily('kimi', home));
  });

  void it('counts a forked session copy once, where ccusage counts it twice (hand-computed)', async () => {
    const home = tempHome('tb-kimi-f-');
    const corpus = writeKimiCorpus(home, { forks: true });
    assert.ok(corpus.copied.length > 0);
    assert.equal(usagesOf(kimiFormat, home).length, corpus.usages.length);
    assertSameDays(scanAgent('kimi', home).days, totalsOfUsages(corpus.usages), EXACT);
    assertSameDays(totalsOfUsages([...corpus.usages, ...corpus.copied]), await ccusageDaily('kimi', home));
  });
});
