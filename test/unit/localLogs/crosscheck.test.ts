// Cross-check: on a generated corpus with every trap (duplicates, streaming snapshots, resumed
// sessions, sub-agent files and sidechain replays, torn and garbled lines, unknown models,
// one-hour cache writes, Codex totals-only logs, rollouts without a model, archived copies), the
// daily totals equal ccusage's (`daily --json --offline`, native binary, a devDependency used only
// as an oracle) within 0.5%.
//
// Both use the same local-day convention: ccusage buckets by the system time zone (TZ) or
// --timezone; the scanner by the process's local time zone. Both are set explicitly here, to a
// zone with a half-hour offset. ccusage finds the logs under HOME (~/.claude/projects,
// ~/.codex/sessions and archived_sessions) when CLAUDE_CONFIG_DIR / CODEX_HOME are unset; it is
// run with a temporary HOME and those variables removed.
//
// Fast mode is part of the corpus: sessions on Opus 4.6 and Opus 5 with `speed: "fast"` turns.
// ccusage 20 prices a fast request at a per-model multiple of its standard rates (its
// fast-multiplier table: opus-4-6 6×, opus-4-7 6×, opus-4-8 2×; Opus 5 2× from its price data),
// the same multiples as src/pricing/fastMode.ts, so the totals must agree with fast lines in.
//
// Not part of the corpus: requests over 200k input tokens (ccusage tiers each token kind at 200k,
// genai-prices tiers the request by its whole input: the prices differ by design) and `costUSD`
// fields (ccusage would use them).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Scanner } from '../../../src/sources/localLogs/scanner';
import { generateCorpus } from '../../fakes/agentLogs';
import { request, tempHome } from './helpers';
import { CCUSAGE_CLI, ccusageDailyJson } from '../../ccusage';

const ZONE = 'Asia/Kolkata';

interface CcusageDaily {
  daily: { period: string; totalCost: number; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheCreationTokens: number; totalTokens: number }[];
}

async function ccusage(home: string): Promise<CcusageDaily> {
  return JSON.parse(await ccusageDailyJson(home, ZONE)) as CcusageDaily;
}

void describe('cross-check with ccusage', () => {
  void it('daily totals equal ccusage daily --json --offline within 0.5% (cost) on a corpus with every trap', async () => {
    assert.ok(existsSync(CCUSAGE_CLI), 'ccusage is a devDependency (npm ci)');
    const original = process.env['TZ'];
    process.env['TZ'] = ZONE;
    try {
      const home = tempHome('tb-cross-');
      const corpus = generateCorpus({ home, files: 120, totalBytes: 8e6, seed: 2026, spanDays: 20, traps: true, longContext: false, fastMode: true });
      assert.ok(corpus.files.some((f) => f.kind === 'claude-subagent') && corpus.files.some((f) => f.kind === 'codex-archived'));
      const fastLines = corpus.files.filter((f) => f.kind === 'claude').reduce((n, f) => n + (readFileSync(f.path, 'utf8').match(/"speed":"fast"/g)?.length ?? 0), 0);
      assert.ok(fastLines >= 20, `the corpus has fast-mode lines (${fastLines})`);
      const scanner = new Scanner();
      const mine = new Map<string, { cost: number; tokens: number; input: number; output: number; read: number; write: number }>();
      for (const source of ['claudeCode', 'codex'] as const) {
        for (const r of scanner.scan(request(source, home)).rows) {
          const d = mine.get(r.date) ?? { cost: 0, tokens: 0, input: 0, output: 0, read: 0, write: 0 };
          d.cost += r.cost;
          d.input += r.inputTokens;
          d.output += r.outputTokens;
          d.read += r.cacheReadTokens;
          d.write += r.cacheWriteTokens;
          d.tokens += r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens;
          mine.set(r.date, d);
        }
      }
      const theirs = await ccusage(home);
      assert.deepEqual([...mine.keys()].sort(), theirs.daily.map((d) => d.period).sort(), 'the same days');
      assert.ok(theirs.daily.length >= 10);
      let sumMine = 0;
      let sumTheirs = 0;
      for (const d of theirs.daily) {
        const m = mine.get(d.period);
        assert.ok(m);
        sumMine += m.cost;
        sumTheirs += d.totalCost;
        assert.ok(Math.abs(m.cost - d.totalCost) <= 0.005 * d.totalCost, `${d.period}: cost ${m.cost} vs ccusage ${d.totalCost}`);
        assert.ok(Math.abs(m.tokens - d.totalTokens) <= 0.005 * d.totalTokens, `${d.period}: tokens ${m.tokens} vs ccusage ${d.totalTokens}`);
        assert.equal(m.output, d.outputTokens, `${d.period}: output tokens`);
        assert.equal(m.read, d.cacheReadTokens, `${d.period}: cache reads`);
        assert.equal(m.write, d.cacheCreationTokens, `${d.period}: cache writes`);
      }
      assert.ok(Math.abs(sumMine - sumTheirs) <= 0.005 * sumTheirs, `total ${sumMine} vs ${sumTheirs}`);
    } finally {
      if (original === undefined) delete process.env['TZ'];
      else process.env['TZ'] = original;
    }
  });
});
