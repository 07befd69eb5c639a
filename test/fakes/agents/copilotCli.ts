/**
 * A GitHub Copilot CLI corpus under a home folder: session-state event logs and OpenTelemetry
 * file exports, with the traps test/fixtures/agents/copilotCli/README.md lists. Deterministic for
 * a seed; days in March 2026, instants between 05:00 and 17:00 UTC (the same day in UTC and in
 * Asia/Kolkata, the harness's zone).
 *
 * Everything written here is counted the same by ccusage 20.0.24 and by copilotCli.ts, so the
 * corpus is the cross-check's; the traps where they differ are built by hand in the unit test.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32, randomIndex, type Random } from '../../../src/core/random';
import { shiftMs, type Shift } from './shift';

/**
 * Models both genai-prices and ccusage's LiteLLM table price alike (base tier). A run of Claude
 * stays under 200k input tokens in all (ccusage prices a shutdown's sum as one request).
 */
export const COPILOT_MODELS = ['claude-sonnet-4.5', 'gpt-5', 'gpt-5-mini'] as const;

const DAYS = ['2026-03-02', '2026-03-03', '2026-03-05', '2026-03-09'];

/** `minutes` after 05:00 UTC of `day`, that instant moved by `shift`. */
function isoAt(day: string, minutes: number, shift: Shift | undefined): string {
  return new Date(shiftMs(Date.parse(`${day}T05:00:00.000Z`), shift) + minutes * 60_000).toISOString();
}

/** An OTel export's file name: the instant `at` (UTC `YYYY-MM-DDTHH:MM:SS`) moved by `shift`. */
function otelName(at: string, shift: Shift | undefined): string {
  const d = new Date(shiftMs(Date.parse(`${at}.000Z`), shift)).toISOString();
  return `copilot-otel-${d.slice(0, 10).replace(/-/g, '')}-${d.slice(11, 19).replace(/:/g, '')}.jsonl`;
}

function hex(random: Random, n: number): string {
  let s = '';
  for (let k = 0; k < n; k++) s += '0123456789abcdef'[randomIndex(random, 16)];
  return s;
}

function uuid(random: Random): string {
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`;
}

/** A model's usage in a session's shutdown totals (`modelMetrics`). */
export interface Totals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  requests: number;
}

export function zero(): Totals {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, requests: 0 };
}

/** One run's usage of a model: `calls` calls, input (reads and writes included) under `cap`. */
function runUsage(random: Random, model: string, calls: number): Totals {
  const claude = model.startsWith('claude');
  const perCallInput = claude ? 2_000 + randomIndex(random, 4_000) : 3_000 + randomIndex(random, 9_000);
  const input = perCallInput * calls;
  const read = Math.floor(input * (0.3 + random() * 0.5));
  const write = claude ? Math.floor((input - read) * random() * 0.5) : 0;
  const reasoning = model === 'gpt-5' ? 40 * calls : 0;
  return { inputTokens: input, outputTokens: (120 + randomIndex(random, 500)) * calls + reasoning, cacheReadTokens: read, cacheWriteTokens: write, reasoningTokens: reasoning, requests: calls };
}

export function add(a: Totals, b: Totals): Totals {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    requests: a.requests + b.requests,
  };
}

/** A shutdown's `modelMetrics` of per-model totals. */
export function metrics(totals: ReadonlyMap<string, Totals>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [model, t] of totals) {
    out[model] = {
      requests: { count: t.requests, cost: t.requests },
      usage: { inputTokens: t.inputTokens, outputTokens: t.outputTokens, cacheReadTokens: t.cacheReadTokens, cacheWriteTokens: t.cacheWriteTokens, reasoningTokens: t.reasoningTokens },
    };
  }
  return out;
}

interface Event {
  type: string;
  data: Record<string, unknown>;
  timestamp: string;
  agentId?: string;
}

class EventLog {
  private parent: string | null = null;
  readonly lines: string[] = [];
  constructor(private readonly random: Random) {}
  push(e: Event): void {
    const id = uuid(this.random);
    this.lines.push(JSON.stringify({ type: e.type, data: e.data, id, timestamp: e.timestamp, parentId: this.parent, ...(e.agentId ? { agentId: e.agentId } : {}) }));
    this.parent = id;
  }
}

/** A chat span as the CLI exports it. */
export function chatSpan(o: { trace: string; span: string; parent?: string; model: string; session: string; ms: number; input: number; output: number; cacheRead?: number; cacheWrite?: number; reasoning?: number }): string {
  const seconds = Math.floor(o.ms / 1000);
  const end = [seconds, (o.ms % 1000) * 1_000_000];
  return JSON.stringify({
    type: 'span',
    traceId: o.trace,
    spanId: o.span,
    parentSpanId: o.parent ?? null,
    name: `chat ${o.model}`,
    kind: 2,
    startTime: [seconds - 4, 0],
    endTime: end,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'github',
      'gen_ai.request.model': o.model,
      'gen_ai.response.model': o.model,
      'gen_ai.conversation.id': o.session,
      'gen_ai.response.id': `resp_${o.span}`,
      'gen_ai.usage.input_tokens': o.input,
      'gen_ai.usage.output_tokens': o.output,
      'gen_ai.usage.cache_read.input_tokens': o.cacheRead ?? 0,
      'gen_ai.usage.cache_write.input_tokens': o.cacheWrite ?? 0,
      'gen_ai.usage.reasoning.output_tokens': o.reasoning ?? 0,
    },
    status: { code: 0 },
  });
}

/** The agent-turn span wrapping chat spans: it repeats their usage. */
export function agentSpan(o: { trace: string; span: string; model: string; session: string; ms: number; input: number; output: number; cacheRead?: number }): string {
  return JSON.stringify({
    type: 'span',
    traceId: o.trace,
    spanId: o.span,
    name: 'invoke_agent copilot',
    kind: 1,
    startTime: [Math.floor(o.ms / 1000) - 30, 0],
    endTime: [Math.floor(o.ms / 1000), 0],
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'copilot',
      'gen_ai.request.model': o.model,
      'gen_ai.conversation.id': o.session,
      'gen_ai.usage.input_tokens': o.input,
      'gen_ai.usage.output_tokens': o.output,
      'gen_ai.usage.cache_read.input_tokens': o.cacheRead ?? 0,
    },
  });
}

function toolSpan(random: Random, trace: string, ms: number): string {
  return JSON.stringify({ type: 'span', traceId: trace, spanId: hex(random, 16), name: 'execute_tool bash', endTime: [Math.floor(ms / 1000), 0], attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'bash' } });
}

function metricLine(ms: number): string {
  return JSON.stringify({ type: 'metric', name: 'gen_ai.client.inference.usage.input_tokens', descriptor: { unit: '{token}' }, dataPoints: [{ attributes: { 'gen_ai.request.model': 'gpt-5' }, value: 1234, endTime: [Math.floor(ms / 1000), 0] }] });
}

export interface CopilotCorpus {
  /** The session ids with a session-state log. */
  readonly sessions: readonly string[];
  /** Shutdown events written (the main agent's). */
  readonly shutdowns: number;
  /** Chat spans written, and of those the ones of sessions with a session-state log. */
  readonly chatSpans: number;
  readonly shadowedSpans: number;
}

/**
 * Writes the corpus under `root` (a Copilot data root: `home/.copilot`, or what COPILOT_HOME names).
 * `sessions`: how many sessions with session state. `shift` moves every instant (each day of the
 * corpus, the rest reckoned from it; the exports' file names too: test/fakes/agents/shift.ts).
 */
export function writeCopilotCorpus(root: string, options: { seed?: number; sessions?: number; shift?: Shift } = {}): CopilotCorpus {
  const random = mulberry32(options.seed ?? 20260302);
  const iso = (day: string, minutes: number): string => isoAt(day, minutes, options.shift);
  const stateDir = path.join(root, 'session-state');
  const otelDir = path.join(root, 'otel');
  mkdirSync(path.join(otelDir, 'archive'), { recursive: true });
  const sessions: string[] = [];
  let shutdowns = 0;
  let chatSpans = 0;
  let shadowedSpans = 0;
  const otelLines: string[] = [];
  const n = options.sessions ?? 14;
  for (let s = 0; s < n; s++) {
    const id = uuid(random);
    sessions.push(id);
    const log = new EventLog(random);
    const firstDay = randomIndex(random, DAYS.length);
    const runs = 1 + randomIndex(random, Math.min(3, DAYS.length - firstDay));
    const cwd = `/home/dev/project-${s % 4}`;
    const withCheckpoints = runs > 1 || random() < 0.5;
    let totals = new Map<string, Totals>();
    let minute = 10 + randomIndex(random, 300);
    for (let r = 0; r < runs; r++) {
      const day = DAYS[firstDay + r] as string;
      if (r === 0) log.push({ type: 'session.start', data: { sessionId: id, version: 1, producer: 'copilot-agent', copilotVersion: '1.0.102', startTime: iso(day, minute), selectedModel: COPILOT_MODELS[s % 3], context: { cwd, gitRoot: cwd, branch: 'main' } }, timestamp: iso(day, minute) });
      else log.push({ type: 'session.resume', data: { resumeTime: iso(day, minute), eventCount: log.lines.length, context: { cwd, branch: 'main' } }, timestamp: iso(day, minute) });
      // Lines without usage between: user and assistant messages, tool calls, ephemeral noise.
      const models = r === 1 && s % 2 === 0 ? [COPILOT_MODELS[s % 3] as string, COPILOT_MODELS[(s + 1) % 3] as string] : [COPILOT_MODELS[(s + r) % 3] as string];
      const next = new Map(totals);
      for (const model of models) {
        const calls = 2 + randomIndex(random, 9);
        const run = runUsage(random, model, calls);
        for (let c = 0; c < calls; c++) {
          minute += 1;
          log.push({ type: 'user.message', data: { content: `step ${c} of the task: the "type":"session.shutdown" words in a prompt are no event` }, timestamp: iso(day, minute) });
          log.push({ type: 'assistant.message', data: { messageId: uuid(random), content: 'done', outputTokens: 200 }, timestamp: iso(day, minute) });
          log.push({ type: 'tool.execution_complete', data: { toolCallId: hex(random, 8), success: true, result: { content: '{"type":"span"}' } }, timestamp: iso(day, minute) });
        }
        if (withCheckpoints) log.push({ type: 'session.usage_checkpoint', data: { totalNanoAiu: 1_000_000_000 * (r + 1) }, timestamp: iso(day, minute) });
        next.set(model, add(next.get(model) ?? zero(), run));
        // The same session's calls in an OTel export: counted by its shutdowns, not here.
        if (s % 3 === 0) {
          const trace = hex(random, 32);
          const per = Math.floor(run.inputTokens / run.requests);
          otelLines.push(chatSpan({ trace, span: hex(random, 16), model, session: id, ms: Date.parse(iso(day, minute)), input: per, output: 100, cacheRead: Math.floor(per / 2) }));
          chatSpans++;
          shadowedSpans++;
        }
      }
      totals = next;
      minute += 5;
      log.push({ type: 'session.shutdown', data: { shutdownType: 'routine', totalPremiumRequests: 1, totalApiDurationMs: 1000, sessionStartTime: Date.parse(iso(DAYS[firstDay] as string, 0)), codeChanges: { linesAdded: 1, linesRemoved: 0, filesModified: [] }, modelMetrics: metrics(totals), currentModel: models[0] }, timestamp: iso(day, minute) });
      shutdowns++;
      minute += 20 + randomIndex(random, 60);
    }
    const dir = path.join(stateDir, id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'events.jsonl'), log.lines.join('\n') + '\n');
    if (s === 0) appendFileSync(path.join(dir, 'events.jsonl'), '{"type":"session.shutdown","data":{"modelMetr'); // a torn last line: the run is still being written
    // Files beside events.jsonl that are no usage.
    writeFileSync(path.join(dir, 'plan.md'), '# plan\n');
  }
  // A session whose usage went to Copilot's long-context variant (`-1m-internal`): priced as the model.
  {
    const id = uuid(random);
    sessions.push(id);
    const log = new EventLog(random);
    const day = DAYS[1] as string;
    log.push({ type: 'session.start', data: { sessionId: id, copilotVersion: '1.0.102', context: { cwd: '/home/dev/long' } }, timestamp: iso(day, 400) });
    const t = new Map([['claude-sonnet-4.5-1m-internal', { inputTokens: 90_000, outputTokens: 3_000, cacheReadTokens: 60_000, cacheWriteTokens: 10_000, reasoningTokens: 0, requests: 4 }]]);
    log.push({ type: 'session.shutdown', data: { shutdownType: 'routine', codeChanges: { linesAdded: 0, linesRemoved: 0, filesModified: [] }, modelMetrics: metrics(t), sessionStartTime: 0, totalApiDurationMs: 1 }, timestamp: iso(day, 430) });
    shutdowns++;
    mkdirSync(path.join(stateDir, id), { recursive: true });
    writeFileSync(path.join(stateDir, id, 'events.jsonl'), log.lines.join('\n') + '\n');
  }
  // Sessions known only from their OTel export (their session-state gone, or another machine's).
  for (let t = 0; t < 10; t++) {
    const day = DAYS[t % DAYS.length] as string;
    const session = uuid(random);
    const model = COPILOT_MODELS[t % 3] as string;
    const trace = hex(random, 32);
    const agent = hex(random, 16);
    const base = Date.parse(iso(day, 200 + t * 30));
    let input = 0;
    let output = 0;
    let read = 0;
    const calls = 2 + (t % 3);
    for (let c = 0; c < calls; c++) {
      const i = 4_000 + randomIndex(random, 20_000);
      const o = 100 + randomIndex(random, 900);
      const cr = Math.floor(i * 0.6);
      input += i;
      output += o;
      read += cr;
      otelLines.push(chatSpan({ trace, span: hex(random, 16), parent: agent, model, session, ms: base + c * 5_000, input: i, output: o, cacheRead: cr, reasoning: model === 'gpt-5' ? 30 : 0 }));
      chatSpans++;
      if (c === 0) otelLines.push(toolSpan(random, trace, base + 2_000));
    }
    // The turn's summary, after its chat spans: repeats their usage.
    otelLines.push(agentSpan({ trace, span: agent, model, session, ms: base + calls * 5_000, input, output, cacheRead: read }));
    if (t % 4 === 0) otelLines.push(metricLine(base));
  }
  // A turn exported with its summary span only: the summary is all there is, and counts.
  otelLines.push(agentSpan({ trace: hex(random, 32), span: hex(random, 16), model: 'gpt-5-mini', session: uuid(random), ms: Date.parse(iso(DAYS[2] as string, 500)), input: 30_000, output: 1_500, cacheRead: 12_000 }));
  const half = Math.floor(otelLines.length / 2);
  writeFileSync(path.join(otelDir, otelName('2026-03-02T09:15:00', options.shift)), otelLines.slice(0, half).join('\n') + '\n');
  writeFileSync(path.join(otelDir, 'archive', otelName('2026-03-05T10:15:00', options.shift)), otelLines.slice(half).join('\n') + '\nnot json\n');
  return { sessions, shutdowns, chatSpans, shadowedSpans };
}
