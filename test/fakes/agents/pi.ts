/**
 * A generator of pi (pi-agent) session transcripts under a home folder, with pi's traps
 * (test/fixtures/agents/pi/README.md says which source each shape follows).
 *
 * `~/.pi/agent/sessions/--<cwd>--/<time>_<uuid>.jsonl`: a header line with the cwd, then user,
 * assistant and toolResult messages and model changes. Assistant messages carry pi's `usage`
 * (uncached `input`, `output` with reasoning, `cacheRead`, `cacheWrite`, `totalTokens`, `cost`
 * with the list price pi computes), on three models (Claude Sonnet 4.5 from Anthropic, Claude
 * Haiku 4.5 through OpenRouter as `anthropic/claude-haiku-4.5`, GPT-5.2 from OpenAI) over four
 * days of March 2026. Traps: a message of `totalTokens` only, aborted messages of zero usage,
 * messages without a logged cost, user text that mentions "usage", a torn last line, and (with
 * `forks`) a branched session that copies an earlier session's entries verbatim.
 */
import path from 'node:path';
import { Draw, listPrice, utc, writeLines, type Counts } from './kit';
import { shiftMs, type Shift } from './shift';

export interface PiModel {
  readonly provider: string;
  readonly api: string;
  /** As pi logs it. */
  readonly model: string;
  /** The LIST_RATES name. */
  readonly priced: string;
  readonly writes: boolean;
}

const MODELS: readonly PiModel[] = [
  { provider: 'anthropic', api: 'anthropic-messages', model: 'claude-sonnet-4-5', priced: 'claude-sonnet-4-5', writes: true },
  { provider: 'openrouter', api: 'openai-completions', model: 'anthropic/claude-haiku-4.5', priced: 'claude-haiku-4-5', writes: true },
  { provider: 'openai', api: 'openai-responses', model: 'gpt-5.2', priced: 'gpt-5.2', writes: false },
];

/** One assistant usage as written (for hand-computed totals). */
export interface PiWritten extends Counts {
  readonly ms: number;
  readonly model: string;
}

export interface PiCorpus {
  /** Every counted usage, each once. */
  readonly usages: readonly PiWritten[];
  /** The usages a branched session copied (counted once here, again by ccusage). */
  readonly copied: readonly PiWritten[];
  readonly files: readonly string[];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function sessionDir(home: string, cwd: string): string {
  return path.join(home, '.pi', 'agent', 'sessions', `--${cwd.replace(/^\//, '').replace(/\//g, '-')}--`);
}

/**
 * Writes a pi corpus under `home`; `forks` adds a branched session (ccusage counts its copy twice);
 * `shift` moves every instant (test/fakes/agents/shift.ts).
 */
export function writePiCorpus(home: string, options: { forks?: boolean; seed?: number; shift?: Shift } = {}): PiCorpus {
  const draw = new Draw(options.seed ?? 0x9141);
  const at = (month: number, day: number, hour: number, minute: number): number => shiftMs(utc(month, day, hour, minute), options.shift);
  const usages: PiWritten[] = [];
  const copied: PiWritten[] = [];
  const files: string[] = [];
  const projects = ['/home/dev/shop', '/home/dev/tools', '/srv/infra'];
  const days: [number, number][] = [
    [3, 9],
    [3, 10],
    [3, 11],
    [3, 12],
  ];
  let firstSession: { lines: object[]; written: PiWritten[]; cwd: string } | null = null;
  let sessionNo = 0;
  for (const [month, day] of days) {
    for (const cwd of projects) {
      if (draw.chance(0.25)) continue;
      sessionNo++;
      const start = at(month, day, draw.int(3, 19), draw.int(0, 59));
      const id = draw.uuid();
      const file = path.join(sessionDir(home, cwd), `${iso(start).replace(/[:.]/g, '-')}_${id}.jsonl`);
      const lines: (object | string)[] = [{ type: 'session', version: 3, id, timestamp: iso(start), cwd }];
      const written: PiWritten[] = [];
      let parent: string | null = null;
      let t = start;
      let m = draw.pick(MODELS);
      const entry = (body: object): object => {
        const id = draw.hex(8);
        const e = { id, parentId: parent, timestamp: iso(t), ...body };
        parent = id;
        return e;
      };
      lines.push(entry({ type: 'model_change', provider: m.provider, modelId: m.model }));
      const turns = draw.int(3, 7);
      for (let turn = 0; turn < turns; turn++) {
        t += draw.int(20, 400) * 1000;
        const mentions = draw.chance(0.2) ? ' What does the "usage" field mean?' : '';
        lines.push(entry({ type: 'message', message: { role: 'user', content: [{ type: 'text', text: `Step ${turn}.${mentions}` }], timestamp: t } }));
        if (draw.chance(0.15)) {
          m = draw.pick(MODELS);
          lines.push(entry({ type: 'model_change', provider: m.provider, modelId: m.model }));
        }
        const calls = draw.int(1, 3);
        for (let call = 0; call < calls; call++) {
          t += draw.int(2, 60) * 1000;
          const kind = draw.int(0, 19);
          let usage: Record<string, unknown>;
          let counts: Counts | null;
          if (kind === 0) {
            // Aborted: nothing spent.
            usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } };
            counts = null;
          } else if (kind === 1 && m.priced === 'gpt-5.2') {
            // Only a total: it is the output (ccusage's fallback, followed here).
            const total = draw.int(100, 900);
            usage = { totalTokens: total };
            counts = { input: 0, output: total, cacheRead: 0, cacheWrite: 0 };
          } else {
            const c: Counts = {
              input: draw.int(50, 4000),
              output: draw.int(40, 2500),
              cacheRead: draw.chance(0.8) ? draw.int(2000, 90000) : 0,
              cacheWrite: m.writes && draw.chance(0.4) ? draw.int(500, 15000) : 0,
            };
            const total = c.input + c.output + c.cacheRead + c.cacheWrite;
            usage = { input: c.input, output: c.output, cacheRead: c.cacheRead, cacheWrite: c.cacheWrite, totalTokens: total };
            if (!draw.chance(0.1)) usage['cost'] = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: listPrice(m.priced, c) };
            counts = c;
          }
          lines.push(
            entry({
              type: 'message',
              message: { role: 'assistant', content: [{ type: 'text', text: 'Done.' }], api: m.api, provider: m.provider, model: m.model, usage, stopReason: counts ? 'toolUse' : 'aborted', timestamp: t },
            }),
          );
          if (counts) written.push({ ms: Date.parse(iso(t)), model: m.priced, ...counts });
          lines.push(entry({ type: 'message', message: { role: 'toolResult', toolCallId: draw.hex(10), toolName: 'bash', content: [{ type: 'text', text: 'ok' }], isError: false, timestamp: t } }));
        }
      }
      if (sessionNo === 3) lines.push('{"type":"message","id":"torn","message":{"role":"assistant","usage":{"input":12');
      writeLines(file, lines, sessionNo !== 3);
      files.push(file);
      usages.push(...written);
      if (!firstSession) firstSession = { lines: lines.filter((l): l is object => typeof l !== 'string').slice(1), written, cwd };
    }
  }
  if (options.forks && firstSession) {
    // A branched session in another project: the source's entries copied as they are, then one more call.
    const id = draw.uuid();
    const t = at(3, 12, 21, 15);
    const cwd = '/home/dev/fork';
    const file = path.join(sessionDir(home, cwd), `${iso(t).replace(/[:.]/g, '-')}_${id}.jsonl`);
    const own: Counts = { input: 700, output: 300, cacheRead: 12000, cacheWrite: 0 };
    writeLines(file, [
      { type: 'session', version: 3, id, timestamp: iso(t), cwd, parentSession: 'source.jsonl' },
      ...firstSession.lines,
      {
        type: 'message',
        id: 'f0f0f0f0',
        parentId: null,
        timestamp: iso(t),
        message: { role: 'assistant', content: [], api: 'anthropic-messages', provider: 'anthropic', model: 'claude-sonnet-4-5', usage: { ...own, totalTokens: 13000, cost: { total: listPrice('claude-sonnet-4-5', own) } }, stopReason: 'stop', timestamp: t },
      },
    ]);
    files.push(file);
    usages.push({ ms: t, model: 'claude-sonnet-4-5', ...own });
    copied.push(...firstSession.written);
  }
  return { usages, copied, files };
}
