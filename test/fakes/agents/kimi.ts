/**
 * A generator of Kimi Code CLI session wire logs under a home folder, with Kimi's traps
 * (test/fixtures/agents/kimi/README.md says which source each shape follows).
 *
 * `~/.kimi/config.toml` selecting `kimi-for-coding` (a Kimi Code login), `~/.kimi/kimi.json`, and
 * `~/.kimi/sessions/<md5 of the work dir>/<session id>/wire.jsonl` with kimi-cli's wire records
 * (metadata, TurnBegin, StepBegin, ContentPart, StatusUpdate with and without `token_usage`,
 * TurnEnd) and a `context.jsonl` beside it, over days around 2026-04-20, when ccusage starts
 * pricing kimi-for-coding as kimi-k2.6 instead of kimi-k2.5. Traps: StatusUpdates without usage
 * or with zero usage, a sub-agent's own wire file one level deeper (counted: its steps are nowhere
 * else), a Kimi Code session under `~/.kimi-code` (`usage.record` lines, turn and session scope),
 * and (with `forks`) a forked session whose wire log is a verbatim copy of another's.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { KIMI_K2_6_FROM_MS } from '../../../src/sources/localLogs/parsers/kimi';
import { Draw, utc, writeLines, type Counts } from './kit';
import { shiftMs, type Shift } from './shift';

export interface KimiWritten extends Counts {
  readonly ms: number;
  /** The LIST_RATES name it is priced as. */
  readonly model: string;
}

export interface KimiCorpus {
  readonly usages: readonly KimiWritten[];
  /** The usages a fork copied (counted once here, again by ccusage). */
  readonly copied: readonly KimiWritten[];
}

export const KIMI_CONFIG_TOML = `default_model = "kimi-for-coding"
default_thinking = false

[providers.kimi-for-coding]
type = "kimi"
base_url = "https://api.kimi.com/coding/v1"
api_key = ""

[models.kimi-for-coding]
provider = "kimi-for-coding"
model = "kimi-for-coding"
max_context_size = 262144

[loop_control]
max_steps_per_turn = 1000
`;

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

function wire(draw: Draw, start: number, turns: number): { lines: object[]; written: KimiWritten[] } {
  const lines: object[] = [{ type: 'metadata', protocol_version: '1.3' }];
  const written: KimiWritten[] = [];
  let t = start / 1000;
  const at = (): number => Math.round(t * 1e6) / 1e6;
  for (let turn = 0; turn < turns; turn++) {
    t += draw.int(20, 300) + draw.int(0, 999_999) / 1e6;
    lines.push({ timestamp: at(), message: { type: 'TurnBegin', payload: { user_input: `Fix bug ${turn}` } } });
    const steps = draw.int(1, 4);
    for (let step = 1; step <= steps; step++) {
      t += draw.int(1, 40) + draw.int(0, 999_999) / 1e6;
      lines.push({ timestamp: at(), message: { type: 'StepBegin', payload: { n: step } } });
      lines.push({ timestamp: at(), message: { type: 'ContentPart', payload: { type: 'text', text: 'Looking at the token_usage of it.' } } });
      const c: Counts = { input: draw.int(100, 6000), output: draw.int(20, 2500), cacheRead: draw.chance(0.8) ? draw.int(3000, 120000) : 0, cacheWrite: 0 };
      const ms = Math.trunc(at() * 1000);
      lines.push({
        timestamp: at(),
        message: {
          type: 'StatusUpdate',
          payload: { context_usage: 0.2, context_tokens: c.input + c.cacheRead, max_context_tokens: 262144, token_usage: { input_other: c.input, output: c.output, input_cache_read: c.cacheRead, input_cache_creation: 0 }, message_id: `chatcmpl-${draw.hex(16)}`, plan_mode: null },
        },
      });
      written.push({ ms, model: ms < KIMI_K2_6_FROM_MS ? 'kimi-k2.5' : 'kimi-k2.6', ...c });
      if (draw.chance(0.2)) lines.push({ timestamp: at(), message: { type: 'StatusUpdate', payload: { plan_mode: false } } });
      if (draw.chance(0.1)) lines.push({ timestamp: at(), message: { type: 'StatusUpdate', payload: { token_usage: { input_other: 0, output: 0, input_cache_read: 0, input_cache_creation: 0 } } } });
    }
    lines.push({ timestamp: at(), message: { type: 'TurnEnd', payload: {} } });
  }
  return { lines, written };
}

/**
 * Writes a Kimi corpus under `home`; `forks` adds a forked session (ccusage counts its copy twice);
 * `shift` moves every instant (test/fakes/agents/shift.ts), each usage priced as kimi-k2.5 or
 * kimi-k2.6 by its moved instant (moved past 2026-04-20T15:28:10Z, all of them kimi-k2.6).
 */
export function writeKimiCorpus(home: string, options: { forks?: boolean; seed?: number; shift?: Shift } = {}): KimiCorpus {
  const draw = new Draw(options.seed ?? 0x41a1);
  const at = (month: number, day: number, hour: number, minute: number): number => shiftMs(utc(month, day, hour, minute), options.shift);
  const root = path.join(home, '.kimi');
  const usages: KimiWritten[] = [];
  const copied: KimiWritten[] = [];
  writeLines(path.join(root, 'config.toml'), [KIMI_CONFIG_TOML.trimEnd()]);
  const workDirs = ['/home/dev/api', '/home/dev/web'];
  writeFileSync(path.join(root, 'kimi.json'), JSON.stringify({ work_dirs: workDirs.map((p) => ({ path: p, kaos: 'local', last_session_id: null })) }));
  const starts = [at(4, 18, 5, 10), at(4, 18, 16, 40), at(4, 19, 9, 0), at(4, 20, 11, 30), at(4, 20, 15, 20), at(4, 20, 18, 5), at(4, 21, 7, 45), at(4, 22, 13, 15), at(4, 22, 19, 50)];
  let first: { dir: string; lines: object[]; written: KimiWritten[] } | null = null;
  for (const [i, start] of starts.entries()) {
    const work = workDirs[i % workDirs.length] ?? '/home/dev/api';
    const dir = path.join(root, 'sessions', md5(work), draw.uuid());
    const w = wire(draw, start, draw.int(2, 4));
    writeLines(path.join(dir, 'wire.jsonl'), w.lines);
    writeLines(path.join(dir, 'context.jsonl'), [{ role: 'user', content: 'Fix bug 0' }, { role: '_usage', token_count: 1234 }]);
    usages.push(...w.written);
    if (!first) first = { dir, lines: w.lines, written: w.written };
    if (i === 2) {
      // A sub-agent's own wire file: the one record of its steps.
      const sub = wire(draw, start + 60_000, 1);
      writeLines(path.join(dir, 'subagents', `agent-${draw.hex(6)}`, 'wire.jsonl'), sub.lines);
      usages.push(...sub.written);
    }
  }
  // Kimi Code: usage.record lines under ~/.kimi-code, per agent.
  const codeDir = path.join(home, '.kimi-code', 'sessions', md5('/home/dev/api'), draw.uuid(), 'agents', 'main');
  const records: object[] = [];
  let t = at(4, 21, 10, 0);
  const sum = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  for (let turn = 0; turn < 6; turn++) {
    t += draw.int(30, 500) * 1000;
    const c: Counts = { input: draw.int(100, 5000), output: draw.int(50, 2000), cacheRead: draw.int(0, 80000), cacheWrite: 0 };
    records.push({ type: 'turn.begin', time: t - 5000 });
    records.push({ type: 'usage.record', model: 'kimi-code/kimi-for-coding', usage: { inputOther: c.input, output: c.output, inputCacheRead: c.cacheRead, inputCacheCreation: 0 }, usageScope: 'turn', time: t });
    usages.push({ ms: t, model: t < KIMI_K2_6_FROM_MS ? 'kimi-k2.5' : 'kimi-k2.6', ...c });
    sum.input += c.input;
    sum.output += c.output;
    sum.cacheRead += c.cacheRead;
  }
  // The session's running total: not a spend of its own.
  records.push({ type: 'usage.record', model: 'kimi-code/kimi-for-coding', usage: { inputOther: sum.input, output: sum.output, inputCacheRead: sum.cacheRead, inputCacheCreation: 0 }, usageScope: 'session', time: t + 1000 });
  writeLines(path.join(codeDir, 'wire.jsonl'), records);
  if (options.forks && first) {
    const dir = path.join(path.dirname(first.dir), draw.uuid());
    writeLines(path.join(dir, 'wire.jsonl'), first.lines);
    copied.push(...first.written);
  }
  return { usages, copied };
}
