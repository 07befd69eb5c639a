/**
 * A generator of OpenClaw agent transcripts under a home folder, with OpenClaw's traps
 * (test/fixtures/agents/openclaw/README.md says which source each shape follows).
 *
 * `~/.openclaw/agents/<agent>/sessions/<sessionId>.jsonl` in pi's transcript format (header, model
 * changes, user / assistant / toolResult messages), two agents, plus a legacy `~/.clawdbot` state
 * folder; Claude Sonnet 4.5 and GPT-5.2 over four days of March 2026; a logged `cost.total` (the
 * list price) on most messages. Traps: a reset archive and a deleted archive whose usage counts; a
 * live file beside a reset archive holding a copy of its first messages (each message once);
 * `sessions.json` and a `.bak` backup (not transcripts). With `divergent`, a compaction checkpoint
 * twin that copies a transcript (OpenClaw and Token Budget count it once, ccusage twice) and a
 * `.trajectory.jsonl` runtime file with usage lines (OpenClaw leaves it out of usage, ccusage reads it).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Draw, listPrice, utc, writeLines, type Counts } from './kit';
import { shiftMs, type Shift } from './shift';

const MODELS = [
  { provider: 'anthropic', model: 'claude-sonnet-4-5', writes: true },
  { provider: 'openai-codex', model: 'gpt-5.2', writes: false },
] as const;

export interface OpenClawWritten extends Counts {
  readonly ms: number;
  readonly model: string;
}

export interface OpenClawCorpus {
  /** Every usage OpenClaw counts, each once. */
  readonly usages: readonly OpenClawWritten[];
  /** What ccusage counts on top (`divergent` only): a checkpoint twin's copies, a trajectory file's lines. */
  readonly ccusageExtra: readonly OpenClawWritten[];
}

interface Session {
  readonly lines: object[];
  readonly written: OpenClawWritten[];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function session(draw: Draw, start: number, cwd: string): Session {
  const id = draw.uuid();
  const lines: object[] = [{ type: 'session', version: 3, id, timestamp: iso(start), cwd }];
  const written: OpenClawWritten[] = [];
  let t = start;
  let m = draw.pick(MODELS);
  let parent: string | null = null;
  const entry = (body: object): object => {
    const id = draw.hex(8);
    const e = { id, parentId: parent, timestamp: iso(t), ...body };
    parent = id;
    return e;
  };
  lines.push(entry({ type: 'model_change', provider: m.provider, modelId: m.model }));
  const turns = draw.int(3, 6);
  for (let turn = 0; turn < turns; turn++) {
    t += draw.int(30, 600) * 1000;
    lines.push(entry({ type: 'message', message: { role: 'user', content: [{ type: 'text', text: `Task ${turn}` }], timestamp: t } }));
    if (draw.chance(0.2)) {
      m = draw.pick(MODELS);
      lines.push(entry({ type: 'custom', customType: 'model-snapshot', data: { provider: m.provider, modelId: m.model } }));
    }
    const calls = draw.int(1, 3);
    for (let call = 0; call < calls; call++) {
      t += draw.int(3, 90) * 1000;
      const c: Counts = {
        input: draw.int(80, 5000),
        output: draw.int(30, 3000),
        cacheRead: draw.chance(0.75) ? draw.int(1000, 100000) : 0,
        cacheWrite: m.writes && draw.chance(0.35) ? draw.int(400, 12000) : 0,
      };
      const usage: Record<string, unknown> = { ...c, totalTokens: c.input + c.output + c.cacheRead + c.cacheWrite };
      if (!draw.chance(0.2)) usage['cost'] = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: listPrice(m.model, c) };
      lines.push(entry({ type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: 'ok' }], api: 'x', provider: m.provider, model: m.model, usage, stopReason: 'toolUse', timestamp: t } }));
      written.push({ ms: t, model: m.model, ...c });
      lines.push(entry({ type: 'message', message: { role: 'toolResult', toolCallId: draw.hex(8), toolName: 'exec', content: [{ type: 'text', text: 'done' }], timestamp: t } }));
    }
  }
  return { lines, written };
}

/** Writes an OpenClaw corpus under `home`; `shift` moves every instant (test/fakes/agents/shift.ts), the archives' names too. */
export function writeOpenClawCorpus(home: string, options: { divergent?: boolean; seed?: number; shift?: Shift } = {}): OpenClawCorpus {
  const draw = new Draw(options.seed ?? 0x0c1a);
  const at = (month: number, day: number, hour: number, minute = 0): number => shiftMs(utc(month, day, hour, minute), options.shift);
  /** An archive's suffix: the instant it was made, as OpenClaw names it (`2026-03-10T12-00-00.000Z`). */
  const stamp = (month: number, day: number, hour: number, minute = 0): string => iso(at(month, day, hour, minute)).replace(/:/g, '-');
  const usages: OpenClawWritten[] = [];
  const ccusageExtra: OpenClawWritten[] = [];
  const mainDir = path.join(home, '.openclaw', 'agents', 'main', 'sessions');
  const workDir = path.join(home, '.openclaw', 'agents', 'work', 'sessions');
  const legacyDir = path.join(home, '.clawdbot', 'agents', 'main', 'sessions');
  const days: [number, number][] = [
    [3, 9],
    [3, 10],
    [3, 11],
    [3, 12],
  ];
  let n = 0;
  const put = (dir: string, name: string, s: Session, lines: readonly object[] = s.lines): void => {
    writeLines(path.join(dir, name), lines);
  };
  for (const [month, day] of days) {
    for (const dir of [mainDir, workDir]) {
      n++;
      const s = session(draw, at(month, day, draw.int(2, 18), draw.int(0, 59)), dir === mainDir ? '/home/dev/.openclaw/workspace' : '/home/dev/work');
      put(dir, `s${n}.jsonl`, s);
      usages.push(...s.written);
    }
  }
  // A reset and a deletion: the archives still hold spent tokens.
  const reset = session(draw, at(3, 10, 6, 5), '/home/dev/.openclaw/workspace');
  put(mainDir, `r1.jsonl.reset.${stamp(3, 10, 12)}`, reset);
  usages.push(...reset.written);
  const deleted = session(draw, at(3, 11, 14, 40), '/home/dev/work');
  put(workDir, `d1.jsonl.deleted.${stamp(3, 12, 9, 30)}`, deleted);
  usages.push(...deleted.written);
  // A live file and a reset archive holding a copy of its first messages.
  const live = session(draw, at(3, 12, 4, 20), '/home/dev/.openclaw/workspace');
  put(mainDir, 'c1.jsonl', live);
  const half = Math.ceil(live.lines.length / 2);
  put(mainDir, `c1.jsonl.reset.${stamp(3, 12, 6)}`, live, live.lines.slice(0, half));
  usages.push(...live.written);
  // The legacy state folder.
  const old = session(draw, at(3, 9, 20, 10), '/home/dev/old');
  put(legacyDir, 'old1.jsonl', old);
  usages.push(...old.written);
  // Not transcripts.
  writeFileSync(path.join(mainDir, 'sessions.json'), JSON.stringify({ 'agent:main:main': { sessionId: 's1', updatedAt: at(3, 12, 9) } }));
  put(mainDir, `s1.jsonl.bak.${stamp(3, 12, 6)}`, live);
  if (options.divergent) {
    const twin = session(draw, at(3, 11, 9, 0), '/home/dev/.openclaw/workspace');
    put(mainDir, 't1.jsonl', twin);
    put(mainDir, 't1.checkpoint.0b3d3c1e-5a4f-4c6d-9e8f-1a2b3c4d5e6f.jsonl', twin, twin.lines.slice(0, Math.ceil(twin.lines.length / 2)));
    usages.push(...twin.written);
    const copiedCount = twin.lines.slice(0, Math.ceil(twin.lines.length / 2)).filter((l) => (l as { message?: { role?: string } }).message?.role === 'assistant').length;
    ccusageExtra.push(...twin.written.slice(0, copiedCount));
    const trajectory = session(draw, at(3, 10, 16, 30), '/home/dev/.openclaw/workspace');
    put(mainDir, 'j1.trajectory.jsonl', trajectory);
    ccusageExtra.push(...trajectory.written);
  }
  return { usages, ccusageExtra };
}
