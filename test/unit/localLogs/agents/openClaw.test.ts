// OpenClaw: the format on its traps (hand-computed), and its day totals against ccusage's
// `openclaw daily` on a generated corpus (test/fakes/agents/openClaw.ts; shapes and references in
// test/fixtures/agents/openclaw).
//
// ccusage takes the logged `cost.total` where there is one (auto mode) and prices the rest with
// LiteLLM; the corpus logs list prices that genai-prices and LiteLLM agree on, so costs compare too.
// Where OpenClaw and ccusage count different files (a compaction checkpoint twin's copies, a
// `.trajectory.jsonl` runtime file), the totals follow OpenClaw and are hand-computed.
import assert from 'node:assert/strict';
import { appendFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isOpenClawLog, openClawFormat, openClawLine, type OpenClawFileState } from '../../../../src/sources/localLogs/parsers/openClaw';
import { listPrice, writeLines } from '../../../fakes/agents/kit';
import { writeOpenClawCorpus } from '../../../fakes/agents/openClaw';
import { Scanner } from '../../../../src/sources/localLogs/scanner';
import { assertSameDays, ccusageDaily, scanAgent, type DayTotals } from '../agentHarness';
import { tempHome } from '../helpers';
import { formatDays, logsOf, totalsOfUsages, usagesOf } from './formatScan';

/** Float sums in another order: equal but for rounding. */
const EXACT = { tolerance: 1e-9 };

const fresh = (): OpenClawFileState => openClawFormat.initial();

function assistant(extra: Record<string, unknown> = {}, message: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: 'e1',
    timestamp: '2026-03-10T10:00:00.000Z',
    message: { role: 'assistant', model: 'gpt-5.2', usage: { input: 1660, output: 55, cacheRead: 108928, cost: { total: 0.02 } }, timestamp: 1769753935279, ...message },
    ...extra,
  };
}

void describe('OpenClaw format', () => {
  void it('finds the state folder from $OPENCLAW_STATE_DIR / $CLAWDBOT_STATE_DIR, else ~/.openclaw and the legacy folders', () => {
    assert.deepEqual(openClawFormat.roots({}, '/h'), ['/h/.openclaw', '/h/.clawdbot', '/h/.moldbot', '/h/.moltbot']);
    assert.deepEqual(openClawFormat.roots({ OPENCLAW_HOME: '/o' }, '/h'), ['/o/.openclaw', '/o/.clawdbot', '/o/.moldbot', '/o/.moltbot']);
    assert.deepEqual(openClawFormat.roots({ OPENCLAW_STATE_DIR: '~/claw' }, '/h'), ['/h/claw']);
    assert.deepEqual(openClawFormat.roots({ CLAWDBOT_STATE_DIR: '/s' }, '/h'), ['/s']);
    assert.deepEqual(openClawFormat.dirs('/h/.openclaw'), ['/h/.openclaw/agents']);
  });

  void it('takes live transcripts, reset and deleted archives and checkpoint twins; not trajectories, backups or the store', () => {
    for (const name of ['abc.jsonl', 'abc.jsonl.reset.2026-03-20T06-34-44.520Z', 'abc.jsonl.deleted.1700000000000', 'abc.checkpoint.0b3d3c1e-5a4f-4c6d-9e8f-1a2b3c4d5e6f.jsonl']) assert.ok(isOpenClawLog(name), name);
    for (const name of ['abc.trajectory.jsonl', 'abc.jsonl.bak.2026-03-20T06-34-44.520Z', 'sessions.json', 'abc.json', '.jsonl', 'abc.jsonlx']) assert.ok(!isOpenClawLog(name), name);
  });

  void it('reads an assistant message: epoch-ms message time, counts as logged, logged cost, the header cwd', () => {
    const home = tempHome('tb-oc-');
    const file = path.join(home, 'abc.jsonl');
    writeLines(file, [{ type: 'session', version: 3, id: 'abc', timestamp: '2026-01-30T06:00:00.000Z', cwd: '/home/dev/ws' }]);
    assert.deepEqual(openClawLine(assistant(), fresh(), file), {
      ms: 1769753935279,
      model: 'gpt-5.2',
      input: 1660,
      output: 55,
      cacheRead: 108928,
      cacheWrite: 0,
      loggedCost: 0.02,
      key: '1769753935279|gpt-5.2|1660|55|108928|0|0.02',
      project: '/home/dev/ws',
    });
  });

  void it('names a message without a model by the last model change or model snapshot of its file', () => {
    const s = fresh();
    assert.equal(openClawLine({ type: 'model_change', provider: 'openai-codex', modelId: 'gpt-5.2' }, s, '/x'), null);
    assert.equal(openClawLine(assistant({}, { model: undefined }), s, '/x')?.model, 'gpt-5.2');
    openClawLine({ type: 'custom', customType: 'model-snapshot', data: { provider: 'anthropic', modelId: 'claude-sonnet-4-5' } }, s, '/x');
    assert.equal(openClawLine(assistant({}, { model: undefined }), s, '/x')?.model, 'claude-sonnet-4-5');
    assert.equal(openClawLine(assistant({}, { model: undefined, modelId: 'openrouter/x-ai/grok-4' }), s, '/x')?.model, 'grok-4');
    assert.equal(openClawLine(assistant({}, { model: undefined }), fresh(), '/x')?.model, 'unknown');
  });

  void it('gives the same message in a live file and its archive one key', () => {
    const live = openClawLine(assistant(), fresh(), '/s/abc.jsonl');
    const archived = openClawLine(assistant(), fresh(), '/s/abc.jsonl.reset.2026-03-20T06-34-44.520Z');
    assert.ok(live?.key);
    assert.equal(archived?.key, live.key);
  });

  void it('dates by the message time, else the entry time, else the file time; skips the rest', () => {
    assert.equal(openClawLine(assistant({}, { timestamp: undefined }), fresh(), '/x')?.ms, Date.parse('2026-03-10T10:00:00.000Z'));
    assert.equal(openClawLine(assistant({ timestamp: undefined }, { timestamp: undefined }), fresh(), '/nonexistent')?.ms, 0);
    assert.equal(openClawLine(assistant({}, { usage: { totalTokens: 222 } }), fresh(), '/x')?.output, 222);
    assert.equal(openClawLine(assistant({}, { role: 'user' }), fresh(), '/x'), null);
    assert.equal(openClawLine(assistant({}, { usage: { input: 0, output: 0 } }), fresh(), '/x'), null);
    assert.equal(openClawLine('model', fresh(), '/x'), null);
  });
});

void describe('OpenClaw against ccusage', () => {
  void it('has the same days, tokens and cost as `ccusage openclaw daily` (within 0.5%)', async () => {
    const home = tempHome('tb-oc-x-');
    const corpus = writeOpenClawCorpus(home);
    assert.ok(corpus.usages.length >= 30, `dozens of usages (${corpus.usages.length})`);
    const names = logsOf(openClawFormat, home).map((f) => path.basename(f));
    assert.ok(names.some((n) => n.includes('.jsonl.reset.')) && names.some((n) => n.includes('.jsonl.deleted.')));
    const mine = scanAgent('openClaw', home).days;
    assertSameDays(formatDays(openClawFormat, home), mine, EXACT);
    assertSameDays(mine, totalsOfUsages(corpus.usages), EXACT);
    assertSameDays(mine, await ccusageDaily('openclaw', home));
  });

  void it('counts a checkpoint twin once and no trajectory file, as OpenClaw does (ccusage counts both: hand-computed)', async () => {
    const home = tempHome('tb-oc-d-');
    const corpus = writeOpenClawCorpus(home, { divergent: true });
    assert.ok(corpus.ccusageExtra.length > 0);
    assert.equal(usagesOf(openClawFormat, home).length, corpus.usages.length);
    assertSameDays(scanAgent('openClaw', home).days, totalsOfUsages(corpus.usages), EXACT);
    assertSameDays(totalsOfUsages([...corpus.usages, ...corpus.ccusageExtra]), await ccusageDaily('openclaw', home));
  });
});

void describe('OpenClaw, read as it is written', () => {
  void it('counts a live transcript renamed to its reset archive once, across incremental scans (hand-computed)', () => {
    const home = tempHome('tb-oc-r-');
    const dir = path.join(home, '.openclaw', 'agents', 'main', 'sessions');
    const message = (n: number, input: number): object => ({
      type: 'message',
      id: `m${n}`,
      timestamp: `2026-03-10T0${n}:00:00.000Z`,
      message: { role: 'assistant', model: 'claude-sonnet-4-5', provider: 'anthropic', usage: { input, output: 100, cacheRead: 1000, cacheWrite: 0, cost: { total: listPrice('claude-sonnet-4-5', { input, output: 100, cacheRead: 1000, cacheWrite: 0 }) } }, timestamp: Date.parse(`2026-03-10T0${n}:00:00.000Z`) },
    });
    const live = path.join(dir, 'abc.jsonl');
    writeLines(live, [{ type: 'session', version: 3, id: 'abc', timestamp: '2026-03-10T00:00:00.000Z', cwd: '/w' }, message(1, 1000), message(2, 2000)]);
    const scanner = new Scanner();
    const days: DayTotals = new Map();
    const scan = (): void => {
      for (const [day, t] of scanAgent('openClaw', home, {}, scanner).days) days.set(day, t);
    };
    scan();
    appendFileSync(live, `${JSON.stringify(message(3, 3000))}\n`);
    scan();
    renameSync(live, path.join(dir, 'abc.jsonl.reset.2026-03-10T05-00-00.000Z'));
    writeLines(path.join(dir, 'def.jsonl'), [{ type: 'session', version: 3, id: 'def', timestamp: '2026-03-10T06:00:00.000Z', cwd: '/w' }, message(6, 6000)]);
    scan();
    const input = 1000 + 2000 + 3000 + 6000;
    const day = days.get('2026-03-10');
    assert.deepEqual([day?.input, day?.output, day?.read], [input, 400, 4000]);
    const cost = [1000, 2000, 3000, 6000].reduce((sum, i) => sum + listPrice('claude-sonnet-4-5', { input: i, output: 100, cacheRead: 1000, cacheWrite: 0 }), 0);
    assert.ok(Math.abs((day?.cost ?? 0) - cost) < 1e-9, `${day?.cost} vs ${cost}`);
  });
});
