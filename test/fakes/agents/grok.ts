/**
 * A generator of Grok Build CLI session logs under a home folder, with Grok's traps
 * (test/fixtures/agents/grok/README.md says which source each shape follows).
 *
 * `~/.grok/sessions/<url-encoded cwd>/<session id>/updates.jsonl` beside a `summary.json`: many
 * session/update lines (message and thought chunks, tool calls) and one `turn_completed` line per
 * turn whose usage is split by model in `modelUsage` (`grok-4.5-build`, the agent model, and
 * `grok-code-fast-1`), with `inputTokens` counting the cache reads, `reasoningTokens` inside
 * `outputTokens`, and `costUsdTicks` (1e10 per USD, the list price) unless the cost was partial.
 * Traps: a turn without `modelUsage` (the summary's current model), `_meta.agentTimestampMs` beside
 * the envelope's seconds, a turn replayed in the same file and a session copied with its event
 * ids, turns of zero usage, and a sub-agent's own log one level deeper.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Draw, listPrice, utc, writeLines, type Counts } from './kit';
import { shiftMs, type Shift } from './shift';

export interface GrokWritten extends Counts {
  readonly ms: number;
  /** The LIST_RATES name it is priced as. */
  readonly model: string;
}

export interface GrokCorpus {
  readonly usages: readonly GrokWritten[];
}

interface Row {
  readonly name: string;
  readonly priced: string;
}

const AGENT: Row = { name: 'grok-4.5-build', priced: 'grok-4.5' };
const FAST: Row = { name: 'grok-code-fast-1', priced: 'grok-code-fast-1' };

function modelRow(draw: Draw, model: Row): { wire: Record<string, unknown>; counts: Counts } {
  const input = draw.int(100, 6000);
  const cacheRead = draw.chance(0.8) ? draw.int(2000, 150000) : 0;
  const output = draw.int(30, 4000);
  const counts: Counts = { input, output, cacheRead, cacheWrite: 0 };
  const wire: Record<string, unknown> = {
    inputTokens: input + cacheRead,
    outputTokens: output,
    totalTokens: input + cacheRead + output,
    cachedReadTokens: cacheRead,
    cacheCreationTokens: 0,
    reasoningTokens: Math.floor(output * 0.4),
    modelCalls: draw.int(1, 8),
    apiDurationMs: draw.int(800, 90000),
  };
  if (draw.chance(0.85)) wire['costUsdTicks'] = Math.round(listPrice(model.priced, counts) * 1e10);
  else wire['costIsPartial'] = true;
  return { wire, counts };
}

function totals(rows: readonly Record<string, unknown>[]): Record<string, unknown> {
  const sum: Record<string, number> = {};
  for (const r of rows) for (const [k, v] of Object.entries(r)) if (typeof v === 'number') sum[k] = (sum[k] ?? 0) + v;
  return sum;
}

/** Writes a Grok Build corpus under `home`; `shift` moves every instant (test/fakes/agents/shift.ts). */
export function writeGrokCorpus(home: string, options: { seed?: number; shift?: Shift } = {}): GrokCorpus {
  const draw = new Draw(options.seed ?? 0x960c);
  const at = (month: number, day: number, hour: number, minute: number): number => shiftMs(utc(month, day, hour, minute), options.shift);
  const usages: GrokWritten[] = [];
  const sessions = path.join(home, '.grok', 'sessions');
  const cwds = ['/home/dev/app', '/home/dev/ml pipeline'];
  const starts = [at(3, 9, 4, 0), at(3, 9, 17, 30), at(3, 10, 8, 15), at(3, 10, 19, 5), at(3, 11, 11, 40), at(3, 12, 6, 20), at(3, 12, 18, 45)];
  let replaySource: { lines: (object | string)[]; written: GrokWritten[]; cwd: string } | null = null;
  for (const [i, start] of starts.entries()) {
    const cwd = cwds[i % cwds.length] ?? '/home/dev/app';
    const id = draw.uuid();
    const dir = path.join(sessions, encodeURIComponent(cwd), id);
    const lines: (object | string)[] = [];
    const written: GrokWritten[] = [];
    let seq = 0;
    let t = start;
    const meta = (): Record<string, unknown> => ({ eventId: `${id}-${++seq}`, promptId: `p-${draw.hex(6)}`, agentTimestampMs: t });
    const turns = draw.int(3, 5);
    for (let turn = 0; turn < turns; turn++) {
      t += draw.int(60, 900) * 1000;
      lines.push({ timestamp: Math.floor(t / 1000), method: 'session/update', params: { sessionId: id, update: { sessionUpdate: 'user_message_chunk', content: { type: 'text', text: `Refactor step ${turn}` }, _meta: { modelId: 'grok-4.5' } }, _meta: meta() } });
      for (let c = 0; c < 3; c++) {
        t += draw.int(1, 20) * 1000;
        lines.push({ timestamp: Math.floor(t / 1000), method: 'session/update', params: { sessionId: id, update: { sessionUpdate: draw.pick(['agent_message_chunk', 'agent_thought_chunk']), content: { type: 'text', text: 'token usage looks fine' } }, _meta: meta() } });
      }
      lines.push({ timestamp: Math.floor(t / 1000), method: 'session/update', params: { sessionId: id, update: { sessionUpdate: 'tool_call', toolCallId: `call-${draw.hex(8)}`, title: 'read_file', kind: 'read', rawInput: { target_file: 'README.md' } }, _meta: meta() } });
      t += draw.int(5, 120) * 1000;
      const models = draw.chance(0.6) ? [AGENT, FAST] : [AGENT];
      const rows = models.map((m) => ({ m, ...modelRow(draw, m) }));
      const usage: Record<string, unknown> = { ...totals(rows.map((r) => r.wire)), numTurns: draw.int(1, 9) };
      const noBreakdown = i === 1 && turn === 0;
      if (noBreakdown) {
        // Older lines: totals only, under the summary's current model (grok-4).
        const only = rows[0];
        if (only) {
          Object.assign(usage, only.wire);
          written.push({ ms: t, model: 'grok-4', ...only.counts });
          usage['costUsdTicks'] = Math.round(listPrice('grok-4', only.counts) * 1e10);
        }
      } else {
        usage['modelUsage'] = Object.fromEntries(rows.map((r) => [r.m.name, r.wire]));
        for (const r of rows) written.push({ ms: t, model: r.m.priced, ...r.counts });
      }
      if (rows.some((r) => r.wire['costIsPartial'] === true)) {
        usage['costIsPartial'] = true;
        delete usage['costUsdTicks'];
      }
      // The envelope's `timestamp` is when the line was written (seconds); agentTimestampMs is the agent's own instant.
      const m = meta();
      lines.push({ timestamp: Math.floor(t / 1000) + draw.int(0, 2), method: '_x.ai/session/update', params: { sessionId: id, update: { sessionUpdate: 'turn_completed', prompt_id: m['promptId'], stop_reason: 'end_turn', usage }, _meta: m } });
      if (i === 3 && turn === 1) lines.push(lines[lines.length - 1] ?? {});
    }
    // A turn that spent nothing (cancelled before the first call).
    lines.push({ timestamp: Math.floor(t / 1000) + 30, method: '_x.ai/session/update', params: { sessionId: id, update: { sessionUpdate: 'turn_completed', prompt_id: 'p-x', stop_reason: 'cancelled', usage: { inputTokens: 0, outputTokens: 0, modelUsage: {} } }, _meta: meta() } });
    writeLines(path.join(dir, 'updates.jsonl'), lines);
    writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ info: { id, cwd }, git_root_dir: `${cwd}/`, current_model_id: 'grok-4', updated_at: new Date(t).toISOString() }));
    usages.push(...written);
    if (i === 2) replaySource = { lines, written, cwd };
    if (i === 4) {
      // A sub-agent's own session log, one level down.
      const childId = draw.uuid();
      const childDir = path.join(dir, 'subagents', childId);
      const r = modelRow(draw, FAST);
      const ct = t + 30_000;
      writeLines(path.join(childDir, 'updates.jsonl'), [
        { timestamp: Math.floor(ct / 1000), method: '_x.ai/session/update', params: { sessionId: childId, update: { sessionUpdate: 'turn_completed', prompt_id: 'p-c', stop_reason: 'end_turn', usage: { ...r.wire, modelUsage: { [FAST.name]: r.wire } } }, _meta: { eventId: `${childId}-1`, agentTimestampMs: ct } } },
      ]);
      usages.push({ ms: ct, model: FAST.priced, ...r.counts });
    }
  }
  if (replaySource) {
    // A copied session: the same lines, event ids and all, in another session folder.
    writeLines(path.join(sessions, encodeURIComponent(replaySource.cwd), draw.uuid(), 'updates.jsonl'), replaySource.lines);
  }
  return { usages };
}
