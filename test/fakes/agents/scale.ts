/**
 * Other agents' logs at bench scale, for `npm run bench:logs` (bench/localLogs.ts): hundreds of
 * sessions per agent over months, files of log-normal sizes (heavySizes), lines as long as real
 * ones (prompts, answers, thoughts, tool output: filler text), in the shapes of the trap corpora
 * beside this file (gemini.ts, qwen.ts, pi.ts, openClaw.ts, kimi.ts, grok.ts, copilotCli.ts, amp.ts,
 * droid.ts), whose usage builders it reuses. Deterministic for a seed.
 *
 * The shapes are the ones ccusage and Token Budget read alike, so the bench can compare totals;
 * the differences left are where ccusage miscounts by design (Qwen's input holding the cache
 * reads, Droid's thinking added to the output, a Copilot shutdown's sum priced as one request):
 * see each format's tests.
 *
 * Also the many-small-lines corpus (`writeSmallLines`): Claude Code transcripts of short lines, for
 * the bench's peak-memory case.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32, type Random } from '../../../src/core/random';
import { claudeAssistantLine, claudeToolResultLine, claudeUserLine, CLAUDE_MODELS, heavySizes, makeFiller } from '../agentLogs';
import { AMP_MODELS, Thread } from './amp';
import { add as addTotals, agentSpan, chatSpan, COPILOT_MODELS, metrics as shutdownMetrics, zero as zeroTotals, type Totals as CopilotTotals } from './copilotCli';
import { DROID_MODELS, writeSession, type DroidUsage } from './droid';
import { GEMINI_MODELS, geminiTokens } from './gemini';
import { KIMI_CONFIG_TOML } from './kimi';
import { listPrice, type Counts } from './kit';
import type { PiModel } from './pi';
import { QWEN_MODELS, qwenUsage, sanitizeCwd } from './qwen';

/** The JSON-lines agents generated here (each file is appended to as the agent does). */
export const JSONL_AGENTS = ['geminiCli', 'qwenCode', 'pi', 'openClaw', 'kimi', 'grok', 'copilotCli'] as const;
export type JsonlAgent = (typeof JSONL_AGENTS)[number];
/** The agents whose logs are one JSON document per session. */
export const JSON_AGENTS = ['amp', 'droid'] as const;
export type ScaleAgent = JsonlAgent | (typeof JSON_AGENTS)[number];

export interface ScaleFile {
  readonly path: string;
  readonly bytes: number;
  readonly agent: ScaleAgent;
  /** `log`: a session's log (where the agent appends); `other`: a file beside it (config, summary, export). */
  readonly kind: 'log' | 'other';
}

/** Seeded draws and filler text. */
class Gen {
  readonly random: Random;
  private readonly filler: string;
  constructor(seed: number) {
    this.random = mulberry32(seed);
    // Real newlines (JSON.stringify escapes them as the agents' writers do).
    this.filler = makeFiller(this.random, 400_000).replace(/\\n/g, '\n');
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += Math.floor(this.random() * 0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  /** Filler of `min`–`max` characters; now and then (`longP`) up to `long`. */
  text(min: number, max: number, longP = 0, long = max): string {
    const len = this.chance(longP) ? this.int(max, long) : this.int(min, max);
    const start = Math.floor(this.random() * (this.filler.length - len - 1));
    return this.filler.slice(start, start + len);
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();
const line = (o: unknown): string => JSON.stringify(o);
const PROJECTS = ['/home/dev/app', '/home/dev/api', '/home/dev/web-client', '/home/dev/infra', '/work/payments', '/work/data pipeline', '/home/dev/cli', '/home/dev/docs', '/work/ml/train', '/home/dev/mobile', '/work/search', '/home/dev/notes'];

/** One session of a JSON-lines agent being written: its log, its lines turn by turn. */
interface Session {
  readonly file: string;
  /** Lines before the first turn. */
  head(): string[];
  /** One more turn (the clock moves on). */
  turn(): string[];
  /** Lines that close the session (a shutdown's totals), if any. */
  end(): string[];
  /** Files beside the log (written after it): their paths. */
  beside(): string[];
}

type SessionOf = (g: Gen, home: string, startMs: number) => Session;

// ---------------------------------------------------------------------------------------------
// Gemini CLI: ~/.gemini/tmp/<project>/chats/session-<time>-<id8>.jsonl

const GEMINI_WEIGHTED = [GEMINI_MODELS.pro, GEMINI_MODELS.flash, GEMINI_MODELS.flash, GEMINI_MODELS.flash3, GEMINI_MODELS.lite];

const geminiSession: SessionOf = (g, home, startMs) => {
  const root = g.pick(PROJECTS);
  const slug = path.basename(root).replace(/[^a-z0-9]/gi, '-');
  const dir = path.join(home, '.gemini', 'tmp', slug);
  const sessionId = g.uuid();
  const file = path.join(dir, 'chats', `session-${iso(startMs).slice(0, 16).replace(/:/g, '-')}-${sessionId.slice(0, 8)}.jsonl`);
  let t = startMs;
  let model = g.pick(GEMINI_WEIGHTED);
  // A few sessions hold a `$set` checkpoint of every message so far (a history sync).
  const checkpointAt = g.chance(0.05) ? g.int(3, 40) : -1;
  const messages: unknown[] = [];
  let turns = 0;
  return {
    file,
    head: () => [line({ sessionId, projectHash: g.hex(64), startTime: iso(t), lastUpdated: iso(t), kind: 'main' })],
    turn() {
      const out: string[] = [];
      t += g.int(20, 240) * 1000;
      const user = { id: g.uuid(), timestamp: iso(t), type: 'user', content: [{ text: g.text(30, 1_500, 0.05, 12_000) }] };
      out.push(line(user), line({ $set: { lastUpdated: iso(t) } }));
      t += g.int(2, 90) * 1000;
      if (g.chance(0.03)) model = g.pick(GEMINI_WEIGHTED);
      const tokens = geminiTokens(g.random, model);
      const thoughts = model === GEMINI_MODELS.lite ? [] : [{ subject: 'Planning the change', description: g.text(80, 900), timestamp: iso(t) }];
      const base = { id: g.uuid(), timestamp: iso(t), type: 'gemini', content: g.text(40, 2_500), thoughts, model };
      const withTokens = { ...base, tokens };
      let last: unknown = withTokens;
      const pattern = g.int(0, 9);
      if (pattern < 4) out.push(line(withTokens)); // written once
      else {
        if (pattern < 6) out.push(line({ ...base, tokens: null })); // its tokens arrive after it was written
        const toolCalls = Array.from({ length: g.int(1, 3) }, () => {
          const id = `call-${g.hex(12)}`;
          return { id, name: 'read_file', args: { absolute_path: `${root}/src/${g.hex(6)}.ts` }, result: [{ functionResponse: { id, name: 'read_file', response: { output: g.text(200, 5_000, 0.05, 40_000) } } }], status: 'success', timestamp: iso(t), resultDisplay: g.text(20, 300), displayName: 'ReadFile' };
        });
        last = { ...withTokens, toolCalls };
        out.push(line(withTokens), line(last)); // written again with its tool calls
      }
      out.push(line({ $set: { lastUpdated: iso(t) } }));
      if (checkpointAt >= 0) {
        messages.push(user, last);
        if (++turns === checkpointAt) out.push(line({ $set: { messages, lastUpdated: iso(t) } }));
      }
      return out;
    },
    end: () => [],
    beside() {
      const marker = path.join(dir, '.project_root');
      mkdirSync(dir, { recursive: true });
      writeFileSync(marker, root);
      return [];
    },
  };
};

// ---------------------------------------------------------------------------------------------
// Qwen Code: ~/.qwen/projects/<cwd>/chats/<session>.jsonl

const QWEN_WEIGHTED = [QWEN_MODELS.coder, QWEN_MODELS.coder, QWEN_MODELS.coder, QWEN_MODELS.gpt41, QWEN_MODELS.gpt5mini, QWEN_MODELS.flash, QWEN_MODELS.sonnet];

const qwenSession: SessionOf = (g, home, startMs) => {
  const cwd = g.pick(PROJECTS);
  const sessionId = g.uuid();
  const file = path.join(home, '.qwen', 'projects', sanitizeCwd(cwd), 'chats', `${sessionId}.jsonl`);
  let t = startMs;
  let parent: string | null = null;
  let model = g.pick(QWEN_WEIGHTED);
  const base = (type: string): Record<string, unknown> => {
    const r = { uuid: g.uuid(), parentUuid: parent, sessionId, timestamp: iso(t), type, cwd, version: '0.16.2', gitBranch: 'main' };
    parent = r.uuid;
    return r;
  };
  return {
    file,
    head: () => [],
    turn() {
      const out: string[] = [];
      t += g.int(20, 300) * 1000;
      out.push(line({ ...base('user'), message: { role: 'user', parts: [{ text: g.text(30, 1_500, 0.05, 10_000) }] } }));
      const steps = g.int(1, 4);
      for (let s = 0; s < steps; s++) {
        t += g.int(2, 80) * 1000;
        if (g.chance(0.03)) model = g.pick(QWEN_WEIGHTED);
        const { meta } = qwenUsage(g.random, model);
        const callId = `call_${g.hex(20)}`;
        out.push(line({ ...base('assistant'), model, message: { role: 'model', parts: [{ text: g.text(40, 2_000) }, { functionCall: { id: callId, name: 'read_file', args: { absolute_path: `${cwd}/src/${g.hex(6)}.ts` } } }] }, usageMetadata: meta, contextWindowSize: 131072 }));
        out.push(
          line({
            ...base('system'),
            subtype: 'ui_telemetry',
            systemPayload: { uiEvent: { 'event.name': 'qwen-code.api_response', 'event.timestamp': iso(t), model, duration_ms: g.int(800, 40_000), input_token_count: meta.promptTokenCount, output_token_count: meta.candidatesTokenCount, cached_content_token_count: meta.cachedContentTokenCount, thoughts_token_count: meta.thoughtsTokenCount, total_token_count: meta.totalTokenCount } },
          }),
        );
        out.push(line({ ...base('tool_result'), message: { role: 'user', parts: [{ functionResponse: { id: callId, name: 'read_file', response: { output: g.text(200, 5_000, 0.05, 40_000) } } }] }, toolCallResult: { callId, status: 'success' } }));
      }
      return out;
    },
    end: () => [],
    beside: () => [],
  };
};

// ---------------------------------------------------------------------------------------------
// pi and OpenClaw: pi's transcript format (header, model changes, user / assistant / toolResult)

const PI_MODELS: readonly PiModel[] = [
  { provider: 'anthropic', api: 'anthropic-messages', model: 'claude-sonnet-4-5', priced: 'claude-sonnet-4-5', writes: true },
  { provider: 'anthropic', api: 'anthropic-messages', model: 'claude-sonnet-4-5', priced: 'claude-sonnet-4-5', writes: true },
  { provider: 'openrouter', api: 'openai-completions', model: 'anthropic/claude-haiku-4.5', priced: 'claude-haiku-4-5', writes: true },
  { provider: 'openai', api: 'openai-responses', model: 'gpt-5.2', priced: 'gpt-5.2', writes: false },
];
const OPENCLAW_MODELS: readonly PiModel[] = [
  { provider: 'anthropic', api: 'anthropic-messages', model: 'claude-sonnet-4-5', priced: 'claude-sonnet-4-5', writes: true },
  { provider: 'openai-codex', api: 'openai-codex-responses', model: 'gpt-5.2', priced: 'gpt-5.2', writes: false },
];

function piLike(g: Gen, file: string, startMs: number, cwd: string, models: readonly PiModel[], loggedCostP: number): Session {
  const id = g.uuid();
  let t = startMs;
  let parent: string | null = null;
  let m = g.pick(models);
  const entry = (body: object): string => {
    const eid = g.hex(8);
    const e = { type: 'message', id: eid, parentId: parent, timestamp: iso(t), ...body };
    parent = eid;
    return line(e);
  };
  return {
    file,
    head: () => [line({ type: 'session', version: 3, id, timestamp: iso(t), cwd }), entry({ type: 'model_change', provider: m.provider, modelId: m.model })],
    turn() {
      const out: string[] = [];
      t += g.int(20, 400) * 1000;
      out.push(entry({ message: { role: 'user', content: [{ type: 'text', text: g.text(30, 1_500, 0.05, 10_000) }], timestamp: t } }));
      if (g.chance(0.05)) {
        m = g.pick(models);
        out.push(entry({ type: 'model_change', provider: m.provider, modelId: m.model }));
      }
      const calls = g.int(1, 4);
      for (let c = 0; c < calls; c++) {
        t += g.int(2, 60) * 1000;
        const counts: Counts = { input: g.int(50, 4_000), output: g.int(40, 2_500), cacheRead: g.chance(0.85) ? g.int(2_000, 120_000) : 0, cacheWrite: m.writes && g.chance(0.4) ? g.int(500, 15_000) : 0 };
        const usage: Record<string, unknown> = { ...counts, totalTokens: counts.input + counts.output + counts.cacheRead + counts.cacheWrite };
        if (g.chance(loggedCostP)) usage['cost'] = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: listPrice(m.priced, counts) };
        const callId = `toolu_${g.hex(20)}`;
        const content = [...(g.chance(0.4) ? [{ type: 'thinking', thinking: g.text(80, 1_500) }] : []), { type: 'text', text: g.text(20, 1_500) }, { type: 'toolCall', id: callId, name: 'bash', arguments: { command: `rg -n ${g.hex(6)} src` } }];
        out.push(entry({ message: { role: 'assistant', content, api: m.api, provider: m.provider, model: m.model, usage, stopReason: 'toolUse', timestamp: t } }));
        out.push(entry({ message: { role: 'toolResult', toolCallId: callId, toolName: 'bash', content: [{ type: 'text', text: g.text(100, 5_000, 0.05, 40_000) }], isError: false, timestamp: t } }));
      }
      return out;
    },
    end: () => [],
    beside: () => [],
  };
}

const piSession: SessionOf = (g, home, startMs) => {
  const cwd = g.pick(PROJECTS);
  const dir = path.join(home, '.pi', 'agent', 'sessions', `--${cwd.replace(/^\//, '').replace(/[/ ]/g, '-')}--`);
  return piLike(g, path.join(dir, `${iso(startMs).replace(/[:.]/g, '-')}_${g.uuid()}.jsonl`), startMs, cwd, PI_MODELS, 0.9);
};

const openClawSession: SessionOf = (g, home, startMs) => {
  const agent = g.chance(0.7) ? 'main' : 'work';
  const cwd = agent === 'main' ? '/home/dev/.openclaw/workspace' : g.pick(PROJECTS);
  const id = g.uuid();
  // Now and then a reset archive: its usage still counts.
  const name = g.chance(0.05) ? `${id}.jsonl.reset.${iso(startMs + 86_400_000).replace(/:/g, '-')}` : `${id}.jsonl`;
  return piLike(g, path.join(home, '.openclaw', 'agents', agent, 'sessions', name), startMs, cwd, OPENCLAW_MODELS, 0.8);
};

// ---------------------------------------------------------------------------------------------
// Kimi: ~/.kimi/sessions/<md5 of the work dir>/<session>/wire.jsonl (the model in config.toml)

const kimiSession: SessionOf = (g, home, startMs) => {
  const work = g.pick(PROJECTS);
  const dir = path.join(home, '.kimi', 'sessions', createHash('md5').update(work).digest('hex'), g.uuid());
  let t = startMs / 1000;
  const at = (): number => Math.round(t * 1e6) / 1e6;
  const rec = (type: string, payload: object): string => line({ timestamp: at(), message: { type, payload } });
  return {
    file: path.join(dir, 'wire.jsonl'),
    head: () => [line({ type: 'metadata', protocol_version: '1.3' })],
    turn() {
      const out: string[] = [];
      t += g.int(20, 300) + g.int(0, 999_999) / 1e6;
      out.push(rec('TurnBegin', { user_input: g.text(30, 1_500, 0.05, 10_000) }));
      const steps = g.int(1, 5);
      for (let step = 1; step <= steps; step++) {
        t += g.int(1, 40) + g.int(0, 999_999) / 1e6;
        out.push(rec('StepBegin', { n: step }));
        if (g.chance(0.5)) out.push(rec('ContentPart', { type: 'think', think: g.text(60, 1_200) }));
        out.push(rec('ContentPart', { type: 'text', text: g.text(20, 1_500) }));
        const callId = `tool_${g.hex(16)}`;
        out.push(rec('ToolCall', { type: 'function', id: callId, function: { name: 'ReadFile', arguments: JSON.stringify({ path: `${work}/src/${g.hex(6)}.py` }) } }));
        out.push(rec('ToolResult', { tool_call_id: callId, return_value: { is_error: false, output: g.text(100, 5_000, 0.05, 40_000), message: '', display: [] } }));
        const c: Counts = { input: g.int(100, 6_000), output: g.int(20, 2_500), cacheRead: g.chance(0.85) ? g.int(3_000, 120_000) : 0, cacheWrite: 0 };
        out.push(rec('StatusUpdate', { context_usage: 0.2, context_tokens: c.input + c.cacheRead, max_context_tokens: 262144, token_usage: { input_other: c.input, output: c.output, input_cache_read: c.cacheRead, input_cache_creation: 0 }, message_id: `chatcmpl-${g.hex(24)}`, plan_mode: null }));
      }
      out.push(rec('TurnEnd', {}));
      return out;
    },
    end: () => [],
    beside() {
      const context = path.join(dir, 'context.jsonl');
      writeFileSync(context, `${line({ role: 'user', content: 'Fix the bug' })}\n${line({ role: '_usage', token_count: g.int(1_000, 90_000) })}\n`);
      return [context];
    },
  };
};

// ---------------------------------------------------------------------------------------------
// Grok Build: ~/.grok/sessions/<url-encoded cwd>/<session>/updates.jsonl beside summary.json

const GROK_AGENT = { name: 'grok-4.5-build', priced: 'grok-4.5' };
const GROK_FAST = { name: 'grok-code-fast-1', priced: 'grok-code-fast-1' };

const grokSession: SessionOf = (g, home, startMs) => {
  const cwd = g.pick(PROJECTS);
  const id = g.uuid();
  const dir = path.join(home, '.grok', 'sessions', encodeURIComponent(cwd), id);
  let t = startMs;
  let seq = 0;
  const update = (u: object, method = 'session/update'): string => line({ timestamp: Math.floor(t / 1000), method, params: { sessionId: id, update: u, _meta: { eventId: `${id}-${++seq}`, agentTimestampMs: t } } });
  const row = (m: { priced: string }): { wire: Record<string, number>; counts: Counts } => {
    const counts: Counts = { input: g.int(100, 6_000), output: g.int(30, 4_000), cacheRead: g.chance(0.85) ? g.int(2_000, 150_000) : 0, cacheWrite: 0 };
    const wire = { inputTokens: counts.input + counts.cacheRead, outputTokens: counts.output, totalTokens: counts.input + counts.cacheRead + counts.output, cachedReadTokens: counts.cacheRead, cacheCreationTokens: 0, reasoningTokens: Math.floor(counts.output * 0.4), modelCalls: g.int(1, 8), apiDurationMs: g.int(800, 90_000), costUsdTicks: Math.round(listPrice(m.priced, counts) * 1e10) };
    return { wire, counts };
  };
  return {
    file: path.join(dir, 'updates.jsonl'),
    head: () => [],
    turn() {
      const out: string[] = [];
      t += g.int(60, 900) * 1000;
      out.push(update({ sessionUpdate: 'user_message_chunk', content: { type: 'text', text: g.text(30, 1_500, 0.05, 10_000) }, _meta: { modelId: 'grok-4.5' } }));
      const chunks = g.int(2, 12);
      for (let c = 0; c < chunks; c++) {
        t += g.int(100, 3_000);
        out.push(update({ sessionUpdate: g.chance(0.3) ? 'agent_thought_chunk' : 'agent_message_chunk', content: { type: 'text', text: g.text(10, 400) } }));
      }
      const tools = g.int(0, 3);
      for (let k = 0; k < tools; k++) {
        const callId = `call-${g.hex(8)}`;
        out.push(update({ sessionUpdate: 'tool_call', toolCallId: callId, title: 'read_file', kind: 'read', status: 'pending', rawInput: { target_file: `${cwd}/src/${g.hex(6)}.rs` } }));
        t += g.int(200, 5_000);
        out.push(update({ sessionUpdate: 'tool_call_update', toolCallId: callId, status: 'completed', content: [{ type: 'content', content: { type: 'text', text: g.text(100, 5_000, 0.05, 40_000) } }] }));
      }
      t += g.int(5, 120) * 1000;
      const rows = (g.chance(0.6) ? [GROK_AGENT, GROK_FAST] : [GROK_AGENT]).map((m) => ({ m, ...row(m) }));
      const usage: Record<string, unknown> = { modelUsage: Object.fromEntries(rows.map((r) => [r.m.name, r.wire])), numTurns: g.int(1, 9) };
      for (const r of rows) for (const [k, v] of Object.entries(r.wire)) usage[k] = ((usage[k] as number | undefined) ?? 0) + v;
      out.push(update({ sessionUpdate: 'turn_completed', prompt_id: `p-${g.hex(6)}`, stop_reason: 'end_turn', usage }, '_x.ai/session/update'));
      return out;
    },
    end: () => [],
    beside() {
      const summary = path.join(dir, 'summary.json');
      writeFileSync(summary, JSON.stringify({ info: { id, cwd }, git_root_dir: `${cwd}/`, current_model_id: 'grok-4.5-build', updated_at: iso(t) }));
      return [summary];
    },
  };
};

// ---------------------------------------------------------------------------------------------
// GitHub Copilot CLI: ~/.copilot/session-state/<session>/events.jsonl (a shutdown's totals per run)

const copilotSession: SessionOf = (g, home, startMs) => {
  const id = g.uuid();
  const cwd = g.pick(PROJECTS);
  let t = startMs;
  let parent: string | null = null;
  const totals = new Map<string, CopilotTotals>();
  let model: string = g.pick(COPILOT_MODELS);
  const event = (type: string, data: object): string => {
    const eid = g.uuid();
    const l = line({ type, data, id: eid, timestamp: iso(t), parentId: parent });
    parent = eid;
    return l;
  };
  return {
    file: path.join(home, '.copilot', 'session-state', id, 'events.jsonl'),
    head: () => [event('session.start', { sessionId: id, version: 1, producer: 'copilot-agent', copilotVersion: '1.0.102', startTime: iso(t), selectedModel: model, context: { cwd, gitRoot: cwd, branch: 'main' } })],
    turn() {
      const out: string[] = [];
      t += g.int(20, 300) * 1000;
      out.push(event('user.message', { content: g.text(30, 1_500, 0.05, 10_000) }));
      if (g.chance(0.03)) model = g.pick(COPILOT_MODELS);
      const calls = g.int(1, 4);
      for (let c = 0; c < calls; c++) {
        t += g.int(2, 60) * 1000;
        const claude = model.startsWith('claude');
        const input = g.int(8_000, 60_000);
        const read = Math.floor(input * (0.5 + g.random() * 0.45));
        const write = claude ? Math.floor((input - read) * g.random() * 0.5) : 0;
        const reasoning = model === 'gpt-5' ? g.int(0, 800) : 0;
        const output = g.int(60, 2_000) + reasoning;
        totals.set(model, addTotals(totals.get(model) ?? zeroTotals(), { inputTokens: input, outputTokens: output, cacheReadTokens: read, cacheWriteTokens: write, reasoningTokens: reasoning, requests: 1 }));
        const callId = `toolu_${g.hex(20)}`;
        out.push(event('assistant.message', { messageId: g.uuid(), content: g.text(20, 1_500), toolRequests: [{ toolCallId: callId, name: 'bash', arguments: { command: `grep -rn ${g.hex(6)} .` } }], outputTokens: output }));
        out.push(event('tool.execution_start', { toolCallId: callId, toolName: 'bash', arguments: { command: 'grep' } }));
        out.push(event('tool.execution_complete', { toolCallId: callId, success: true, result: { content: g.text(100, 5_000, 0.05, 40_000) } }));
      }
      return out;
    },
    end() {
      const modelMetrics = shutdownMetrics(totals);
      t += 5_000;
      return [event('session.shutdown', { shutdownType: 'routine', totalPremiumRequests: 1, totalApiDurationMs: 1000, sessionStartTime: startMs, codeChanges: { linesAdded: 1, linesRemoved: 0, filesModified: [] }, modelMetrics, currentModel: model })];
    },
    beside: () => [],
  };
};

/** An OpenTelemetry export of sessions whose session state is gone: chat spans, a tool span, the turn's agent span. */
const copilotOtel: SessionOf = (g, home, startMs) => {
  let t = startMs;
  const session = g.uuid();
  return {
    file: path.join(home, '.copilot', 'otel', `copilot-otel-${iso(startMs).replace(/[-:]/g, '').slice(0, 15)}-${g.hex(6)}.jsonl`),
    head: () => [],
    turn() {
      const out: string[] = [];
      t += g.int(20, 300) * 1000;
      const model = g.pick(COPILOT_MODELS);
      const trace = g.hex(32);
      const agent = g.hex(16);
      const sum = { input: 0, output: 0, cacheRead: 0 };
      const calls = g.int(1, 5);
      for (let c = 0; c < calls; c++) {
        t += g.int(2, 40) * 1000;
        const input = g.int(8_000, 60_000);
        const cacheRead = Math.floor(input * (0.5 + g.random() * 0.45));
        const output = g.int(60, 2_000);
        out.push(chatSpan({ trace, span: g.hex(16), parent: agent, model, session, ms: t, input, output, cacheRead }));
        out.push(line({ type: 'span', traceId: trace, spanId: g.hex(16), parentSpanId: agent, name: 'execute_tool bash', endTime: [Math.floor(t / 1000) + 1, 0], attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'bash', 'gen_ai.tool.call.result': g.text(50, 600) } }));
        sum.input += input;
        sum.output += output;
        sum.cacheRead += cacheRead;
      }
      out.push(agentSpan({ trace, span: agent, model, session, ms: t + 1_000, ...sum }));
      return out;
    },
    end: () => [],
    beside: () => [],
  };
};

const SESSIONS: Readonly<Record<JsonlAgent, SessionOf>> = {
  geminiCli: geminiSession,
  qwenCode: qwenSession,
  pi: piSession,
  openClaw: openClawSession,
  kimi: kimiSession,
  grok: grokSession,
  copilotCli: copilotSession,
};

/** Writes a session of about `target` bytes; returns its bytes. */
function writeLog(s: Session, target: number): number {
  const parts: string[] = [];
  let bytes = 0;
  const add = (lines: string[]) => {
    for (const l of lines) {
      parts.push(l, '\n');
      bytes += Buffer.byteLength(l) + 1;
    }
  };
  add(s.head());
  do add(s.turn());
  while (bytes < target);
  add(s.end());
  mkdirSync(path.dirname(s.file), { recursive: true });
  writeFileSync(s.file, parts.join(''));
  return bytes;
}

/**
 * About `bytes` of an agent's lines as it appends them to a session's log: turns of a session
 * started `ageMs` ago (fresh ids: every usage in them is new), then what closes the session.
 */
export function appendedLines(agent: JsonlAgent, seed: number, bytes: number, now = Date.now()): string {
  const g = new Gen(seed);
  const s = SESSIONS[agent](g, '/nowhere', now - 60_000);
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    for (const l of s.turn()) {
      parts.push(l, '\n');
      n += Buffer.byteLength(l) + 1;
    }
  }
  for (const l of s.end()) parts.push(l, '\n');
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// Amp (one JSON per thread) and Droid (a settings JSON of running totals beside the transcript)

function writeAmpThread(g: Gen, home: string, target: number, startMs: number): string {
  const cwd = g.pick(PROJECTS);
  const thread = new Thread(`T-${g.uuid()}`, startMs, cwd);
  let t = startMs;
  let bytes = 0;
  while (bytes < target) {
    t += g.int(20, 300) * 1000;
    const prompt = g.text(30, 1_500, 0.05, 10_000);
    thread.user(prompt);
    bytes += prompt.length + 200;
    const calls = g.int(1, 4);
    for (let c = 0; c < calls; c++) {
      t += g.int(2, 60) * 1000;
      const model = g.chance(0.8) ? AMP_MODELS.sonnet : AMP_MODELS.haiku;
      thread.assistant({ model, ms: t, input: g.int(3, 400), output: g.int(50, 4_000), write: g.int(0, 6_000), read: g.int(2_000, 120_000) }, true);
      const msg = thread.messages[thread.messages.length - 1] as Record<string, unknown>;
      const text = g.text(40, 2_000);
      const result = g.text(100, 5_000, 0.05, 40_000);
      const toolId = `toolu_${g.hex(20)}`;
      msg['content'] = [{ type: 'thinking', thinking: g.text(50, 800) }, { type: 'text', text }, { type: 'tool_use', id: toolId, name: 'Read', input: { path: `${cwd}/src/${g.hex(6)}.ts` } }];
      thread.messages.push({ role: 'user', messageId: thread.messages.length + 1000, content: [{ type: 'tool_result', toolUseID: toolId, run: { status: 'done', result } }] });
      bytes += text.length + result.length + 1_200;
    }
  }
  const file = path.join(home, '.local', 'share', 'amp', 'threads', `${thread.id}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(thread.json(false), null, 2));
  return file;
}

function writeDroidSession(g: Gen, home: string, target: number, startMs: number): string[] {
  const cwd = g.pick(PROJECTS);
  const id = g.uuid();
  const model = g.pick([DROID_MODELS.opus, DROID_MODELS.opus, DROID_MODELS.haiku, DROID_MODELS.gpt5]);
  const usage: DroidUsage = { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, thinkingTokens: 0 };
  const lines: string[] = [];
  let t = startMs;
  let bytes = 0;
  while (bytes < target) {
    t += g.int(20, 300) * 1000;
    lines.push(line({ type: 'message', id: g.uuid(), timestamp: iso(t), message: { role: 'user', content: [{ type: 'text', text: g.text(30, 1_500, 0.05, 10_000) }] } }));
    const calls = g.int(1, 4);
    for (let c = 0; c < calls; c++) {
      t += g.int(2, 60) * 1000;
      const output = g.int(50, 3_000);
      usage.inputTokens += g.int(100, 5_000);
      usage.outputTokens += output;
      usage.cacheReadTokens += g.int(5_000, 120_000);
      usage.cacheCreationTokens += model.startsWith('gpt') ? 0 : g.int(0, 8_000);
      usage.thinkingTokens += g.chance(0.3) ? Math.floor(output * 0.3) : 0;
      const toolId = `toolu_${g.hex(20)}`;
      lines.push(line({ type: 'message', id: g.uuid(), timestamp: iso(t), message: { role: 'assistant', content: [{ type: 'text', text: g.text(40, 2_000) }, { type: 'tool_use', id: toolId, name: 'Read', input: { file_path: `${cwd}/src/${g.hex(6)}.ts` } }] } }));
      lines.push(line({ type: 'message', id: g.uuid(), timestamp: iso(t), message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolId, content: g.text(100, 5_000, 0.05, 40_000) }] } }));
    }
    bytes = lines.reduce((s, l) => s + l.length + 1, 0);
  }
  const dir = path.join(home, '.factory', 'sessions', cwd.replace(/[/ ]/g, '-'));
  const settings = writeSession({ dir, id, cwd, model, usage, lock: startMs, lines });
  return [path.join(dir, `${id}.jsonl`), settings];
}

// ---------------------------------------------------------------------------------------------
// The corpus

export interface AgentScale {
  /** Sessions. */
  readonly files: number;
  /** Bytes, about. */
  readonly bytes: number;
}

export interface ScaleOptions {
  readonly home: string;
  readonly seed: number;
  /** Sessions end before this instant. */
  readonly now: Date;
  /** Sessions start within this many days before `now`. */
  readonly spanDays: number;
  readonly agents: Readonly<Partial<Record<ScaleAgent, AgentScale>>>;
  readonly onFile?: (f: ScaleFile) => void;
}

/** Writes every agent's sessions; returns the files written (logs and the files beside them). */
export function writeAgentsAtScale(o: ScaleOptions): ScaleFile[] {
  const files: ScaleFile[] = [];
  const now = o.now.getTime();
  const spanMs = o.spanDays * 86_400_000;
  const put = (f: ScaleFile) => {
    files.push(f);
    o.onFile?.(f);
  };
  let k = 0;
  for (const [agent, scale] of Object.entries(o.agents) as [ScaleAgent, AgentScale][]) {
    const g = new Gen(o.seed + 7919 * ++k);
    const sizes = heavySizes(g.random, scale.files, scale.bytes, undefined);
    if (agent === 'copilotCli') mkdirSync(path.join(o.home, '.copilot', 'otel'), { recursive: true });
    if (agent === 'kimi') {
      const config = path.join(o.home, '.kimi', 'config.toml');
      mkdirSync(path.dirname(config), { recursive: true });
      writeFileSync(config, KIMI_CONFIG_TOML);
      put({ path: config, bytes: Buffer.byteLength(KIMI_CONFIG_TOML), agent, kind: 'other' });
    }
    for (const target of sizes) {
      // Long sessions start earlier so they still end before `now` (a turn every ~2 min, ~10 KB).
      const durationGuess = (target / 10_000) * 120_000;
      const startMs = Math.floor(now - durationGuess - g.random() * Math.max(0, spanMs - durationGuess));
      if (agent === 'amp') {
        const file = writeAmpThread(g, o.home, target, startMs);
        put({ path: file, bytes: statBytes(file), agent, kind: 'log' });
        continue;
      }
      if (agent === 'droid') {
        const [transcript, settings] = writeDroidSession(g, o.home, target, startMs) as [string, string];
        put({ path: transcript, bytes: statBytes(transcript), agent, kind: 'other' });
        put({ path: settings, bytes: statBytes(settings), agent, kind: 'log' });
        continue;
      }
      // A tenth of Copilot's files are OpenTelemetry exports.
      const session = (agent === 'copilotCli' && g.chance(0.1) ? copilotOtel : SESSIONS[agent])(g, o.home, startMs);
      put({ path: session.file, bytes: writeLog(session, target), agent, kind: 'log' });
      for (const beside of session.beside()) put({ path: beside, bytes: statBytes(beside), agent, kind: 'other' });
    }
  }
  return files;
}

function statBytes(file: string): number {
  return statSync(file).size;
}

// ---------------------------------------------------------------------------------------------
// Many small lines (Claude Code)

export interface SmallLinesOptions {
  readonly home: string;
  readonly seed: number;
  readonly files: number;
  /** Lines in all (about). */
  readonly lines: number;
  readonly now: Date;
  readonly spanDays: number;
}

/**
 * Claude Code transcripts of short lines (`lines` over `files`, ~800 bytes a line): per turn a
 * user prompt, 1–4 responses of 1–3 content blocks each (streaming copies of one message), tool
 * results. About three lines in five carry usage.
 */
export function writeSmallLines(o: SmallLinesOptions): { files: { path: string; bytes: number; lines: number }[]; lines: number; bytes: number } {
  const g = new Gen(o.seed);
  const perFile = o.lines / o.files;
  const out: { path: string; bytes: number; lines: number }[] = [];
  const now = o.now.getTime();
  const spanMs = o.spanDays * 86_400_000;
  const models = [CLAUDE_MODELS.sonnet, CLAUDE_MODELS.sonnet, CLAUDE_MODELS.sonnet, CLAUDE_MODELS.opus, CLAUDE_MODELS.haiku];
  let total = 0;
  let totalBytes = 0;
  for (let f = 0; f < o.files; f++) {
    const want = Math.max(20, Math.round(perFile * (0.3 + 1.4 * g.random())));
    const sessionId = g.uuid();
    const project = `-home-dev-${path.basename(g.pick(PROJECTS)).replace(/[^a-z0-9]/gi, '-')}`;
    const file = path.join(o.home, '.claude', 'projects', project, `${sessionId}.jsonl`);
    const cwd = `/home/dev/${project.slice(10)}`;
    let t = Math.floor(now - want * 20_000 - g.random() * Math.max(0, spanMs - want * 20_000));
    const model = g.pick(models);
    const parts: string[] = [];
    let n = 0;
    const push = (l: string) => {
      parts.push(l, '\n');
      n++;
    };
    while (n < want) {
      t += g.int(5, 90) * 1000;
      push(claudeUserLine(iso(t), g.text(10, 200).replace(/[\n"\\]/g, ' '), { sessionId, uuid: g.uuid() }));
      const responses = g.int(1, 4);
      for (let r = 0; r < responses && n < want; r++) {
        t += g.int(2, 30) * 1000;
        const messageId = `msg_01${g.hex(22)}`;
        const requestId = `req_011C${g.hex(20)}`;
        const usage = { input: g.int(1, 40), output: g.int(1, 1_500), cacheRead: g.int(5_000, 150_000), write5m: g.chance(0.5) ? g.int(0, 6_000) : 0 };
        const blocks = g.int(1, 3);
        for (let b = 0; b < blocks; b++) {
          const blockType = b === 0 && blocks > 1 ? 'thinking' : b === blocks - 1 && blocks > 1 ? 'tool_use' : 'text';
          push(claudeAssistantLine({ timestamp: iso(t + b * 500), messageId, requestId, model, usage, sessionId, uuid: g.uuid(), cwd, text: g.text(10, 160).replace(/[\n"\\]/g, ' '), blockType }));
        }
        if (g.chance(0.7)) push(claudeToolResultLine(iso(t + 1_500), g.text(10, 200).replace(/[\n"\\]/g, ' '), { sessionId, uuid: g.uuid() }));
      }
    }
    const text = parts.join('');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    const bytes = Buffer.byteLength(text);
    out.push({ path: file, bytes, lines: n });
    total += n;
    totalBytes += bytes;
  }
  return { files: out, lines: total, bytes: totalBytes };
}
