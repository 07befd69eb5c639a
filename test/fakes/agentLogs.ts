/**
 * A generator of realistic local coding-agent logs (Claude Code transcripts and Codex CLI
 * rollouts), for unit tests, the ccusage cross-check, the end-to-end test and the bench.
 *
 * Deterministic for a seed. Line shapes follow what the agents write (see
 * /work/shared/docs/agent-logs.md): most lines carry no usage, assistant lines carry
 * `message.usage`, Codex turns carry `token_count` events. Traps, each on by default
 * (`traps: false` turns them off):
 *
 * - Claude Code: the same response written on several lines (one per content block), some with
 *   growing `output_tokens` (streaming snapshots: the largest counts); resumed sessions whose new
 *   file starts with a copy of the old one; sub-agent files under `{session}/subagents/`, some of
 *   which replay a parent message with a new request id (`isSidechain`: dropped); `Task` results on
 *   user lines with a `usage` object outside `message` (not a response); non-JSON lines that
 *   mention "usage"; a torn last line; `<synthetic>` zero-usage lines; one-hour cache writes;
 *   models no price table knows; model switches inside a session. With `fastMode`, sessions on
 *   Opus 4.6 and Opus 5 whose turns carry `usage.speed` ("fast" or "standard").
 * - Codex: `token_count` events with and without `last_token_usage` (then only totals), with
 *   `info: null`, early rollouts without any `turn_context` model, model switches, archived copies
 *   of sessions under `archived_sessions/`.
 *
 * Sizes: `profile: 'heavy'` draws file sizes from a log-normal with median ~100 KB and p99
 * ~5 MB, plus one file of `largestBytes`, scaled so the total is `totalBytes`.
 */
import { closeSync, copyFileSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../../src/core/random';


export const CLAUDE_MODELS = {
  sonnet: 'claude-sonnet-4-5-20250929',
  opus: 'claude-opus-4-5-20251101',
  haiku: 'claude-haiku-4-5-20251001',
  opus41: 'claude-opus-4-1-20250805',
  unknown: 'claude-nebula-7-20261001',
  /** Fast mode at 6× (see src/pricing/fastMode.ts). */
  opus46: 'claude-opus-4-6',
  /** Fast mode at 2×. */
  opus5: 'claude-opus-5',
} as const;
/** Models whose turns carry `speed` in a `fastMode` corpus. */
const FAST_CAPABLE: ReadonlySet<string> = new Set([CLAUDE_MODELS.opus46, CLAUDE_MODELS.opus5]);
export const CODEX_MODELS = { codex: 'gpt-5-codex', gpt5: 'gpt-5', codex51: 'gpt-5.1-codex', unknown: 'gpt-7-preview' } as const;

// ---------------------------------------------------------------------------------------------
// Line builders (exported for hand-made fixtures)

export interface ClaudeUsage {
  readonly input: number;
  readonly output: number;
  readonly cacheRead?: number;
  /** 5-minute cache writes. */
  readonly write5m?: number;
  /** One-hour cache writes. */
  readonly write1h?: number;
  /** Leave out the `cache_creation` breakdown (older versions): all writes are then 5-minute. */
  readonly noBreakdown?: boolean;
  /** `usage.speed`, written last when given (Anthropic fast mode). */
  readonly speed?: 'standard' | 'fast';
}

export interface ClaudeAssistantLine {
  readonly timestamp: string;
  readonly messageId?: string;
  readonly requestId?: string;
  readonly model: string;
  readonly usage: ClaudeUsage;
  readonly sessionId?: string;
  readonly isSidechain?: boolean;
  /** Filler text in the content block (bytes, roughly). */
  readonly text?: string;
  readonly blockType?: 'text' | 'thinking' | 'tool_use';
  readonly uuid?: string;
  readonly cwd?: string;
}

function usageJson(u: ClaudeUsage): string {
  const w5 = u.write5m ?? 0;
  const w1 = u.write1h ?? 0;
  const breakdown = u.noBreakdown ? '' : `,"cache_creation":{"ephemeral_5m_input_tokens":${w5},"ephemeral_1h_input_tokens":${w1}}`;
  const speed = u.speed === undefined ? '' : `,"speed":"${u.speed}"`;
  return `{"input_tokens":${u.input},"cache_creation_input_tokens":${w5 + w1},"cache_read_input_tokens":${u.cacheRead ?? 0}${breakdown},"output_tokens":${u.output},"service_tier":"standard"${speed}}`;
}

/** The first `n` characters of JSON-safe filler, never ending inside an escape. */
function cut(text: string, n: number): string {
  const s = text.slice(0, n);
  return s.endsWith('\\') ? s.slice(0, -1) : s;
}

function contentBlock(type: ClaudeAssistantLine['blockType'], text: string, id: string): string {
  if (type === 'thinking') return `{"type":"thinking","thinking":"${text}","signature":"${id}${text.slice(0, 64).replace(/[^A-Za-z0-9]/g, 'Q')}"}`;
  if (type === 'tool_use') return `{"type":"tool_use","id":"toolu_${id}","name":"Bash","input":{"command":"ls -la","description":"${cut(text, 200)}"}}`;
  return `{"type":"text","text":"${text}"}`;
}

export function claudeAssistantLine(l: ClaudeAssistantLine): string {
  const session = l.sessionId ?? '00000000-0000-4000-8000-000000000000';
  const ids = [l.messageId === undefined ? '' : `"id":"${l.messageId}",`];
  const req = l.requestId === undefined ? '' : `"requestId":"${l.requestId}",`;
  return (
    `{"parentUuid":"p-${l.uuid ?? 'x'}","isSidechain":${l.isSidechain ? 'true' : 'false'},"userType":"external","cwd":"${l.cwd ?? '/home/dev/app'}","sessionId":"${session}","version":"2.0.14","gitBranch":"main",` +
    `"message":{"model":"${l.model}",${ids[0]}"type":"message","role":"assistant","content":[${contentBlock(l.blockType ?? 'text', l.text ?? 'ok', l.uuid ?? 'x')}],"stop_reason":null,"stop_sequence":null,"usage":${usageJson(l.usage)}},` +
    `${req}"type":"assistant","uuid":"${l.uuid ?? 'u-x'}","timestamp":"${l.timestamp}"}`
  );
}

export function claudeUserLine(timestamp: string, text: string, opts: { sessionId?: string; uuid?: string; isSidechain?: boolean } = {}): string {
  return `{"parentUuid":null,"isSidechain":${opts.isSidechain ? 'true' : 'false'},"userType":"external","cwd":"/home/dev/app","sessionId":"${opts.sessionId ?? '00000000-0000-4000-8000-000000000000'}","version":"2.0.14","gitBranch":"main","type":"user","message":{"role":"user","content":"${text}"},"uuid":"${opts.uuid ?? 'u-user'}","timestamp":"${timestamp}"}`;
}

export function claudeToolResultLine(timestamp: string, text: string, opts: { sessionId?: string; uuid?: string } = {}): string {
  return `{"parentUuid":"p","isSidechain":false,"userType":"external","cwd":"/home/dev/app","sessionId":"${opts.sessionId ?? '00000000-0000-4000-8000-000000000000'}","version":"2.0.14","gitBranch":"main","type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_${opts.uuid ?? 'x'}","type":"tool_result","content":"${text}","is_error":false}]},"uuid":"${opts.uuid ?? 'u-tool'}","timestamp":"${timestamp}","toolUseResult":{"stdout":"${cut(text, Math.floor(text.length / 2))}","stderr":"","interrupted":false,"isImage":false}}`;
}

/** A Task (sub-agent) result: a user line whose `toolUseResult` has a `usage` object. Not a response. */
export function claudeTaskResultLine(timestamp: string, usage: ClaudeUsage, opts: { sessionId?: string; uuid?: string } = {}): string {
  return `{"parentUuid":"p","isSidechain":false,"userType":"external","cwd":"/home/dev/app","sessionId":"${opts.sessionId ?? '00000000-0000-4000-8000-000000000000'}","version":"2.0.14","gitBranch":"main","type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_${opts.uuid ?? 't'}","type":"tool_result","content":[{"type":"text","text":"done"}]}]},"uuid":"${opts.uuid ?? 'u-task'}","timestamp":"${timestamp}","toolUseResult":{"status":"completed","prompt":"look around","agentId":"a1","content":[{"type":"text","text":"done"}],"totalDurationMs":5123,"totalTokens":${usage.input + usage.output + (usage.cacheRead ?? 0)},"totalToolUseCount":3,"usage":${usageJson(usage)}}}`;
}

export function claudeSummaryLine(text: string): string {
  return `{"type":"summary","summary":"${text}","leafUuid":"leaf-1"}`;
}

export function claudeSyntheticLine(timestamp: string, opts: { sessionId?: string; uuid?: string } = {}): string {
  return `{"parentUuid":"p","isSidechain":false,"userType":"external","cwd":"/home/dev/app","sessionId":"${opts.sessionId ?? '00000000-0000-4000-8000-000000000000'}","version":"2.0.14","gitBranch":"main","message":{"id":"${opts.uuid ?? 'syn'}","container":null,"model":"<synthetic>","role":"assistant","stop_reason":"stop_sequence","stop_sequence":"","type":"message","usage":{"input_tokens":0,"output_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"server_tool_use":{"web_search_requests":0},"service_tier":null},"content":[{"type":"text","text":"API Error: 500"}]},"type":"assistant","uuid":"${opts.uuid ?? 'u-syn'}","timestamp":"${timestamp}","isApiErrorMessage":true}`;
}

export interface CodexTokens {
  readonly input: number;
  readonly cached: number;
  readonly output: number;
  readonly reasoning: number;
}

function codexTokensJson(t: CodexTokens): string {
  return `{"input_tokens":${t.input},"cached_input_tokens":${t.cached},"output_tokens":${t.output},"reasoning_output_tokens":${t.reasoning},"total_tokens":${t.input + t.output}}`;
}

/**
 * A rollout's first line. `fork`: the session it was forked from (`forked_from_id`) or the thread
 * that spawned it as a sub-agent (`source.subagent.thread_spawn.parent_thread_id`); such a rollout
 * starts by replaying that session's history.
 */
export function codexSessionMetaLine(timestamp: string, id: string, instructions = '', fork?: { readonly forkedFrom?: string; readonly spawnedBy?: string }): string {
  const from = fork?.forkedFrom === undefined ? '' : `"forked_from_id":"${fork.forkedFrom}",`;
  const source = fork?.spawnedBy === undefined ? '' : `"source":{"subagent":{"thread_spawn":{"parent_thread_id":"${fork.spawnedBy}","depth":1}}},`;
  return `{"timestamp":"${timestamp}","type":"session_meta","payload":{"id":"${id}",${from}"timestamp":"${timestamp}","cwd":"/home/dev/app","originator":"codex_cli_rs","cli_version":"0.46.0",${source}"instructions":"${instructions}","git":{"commit_hash":"0123456789abcdef","branch":"main"}}}`;
}

export function codexTurnContextLine(timestamp: string, model: string | null): string {
  const m = model === null ? '' : `"model":"${model}",`;
  return `{"timestamp":"${timestamp}","type":"turn_context","payload":{"cwd":"/home/dev/app","approval_policy":"on-request","sandbox_policy":{"mode":"workspace-write","network_access":false},${m}"effort":"medium","summary":"auto"}}`;
}

/** A `token_count` event; `last` null = only the running total (older Codex); `total` null with `last` null = `info: null`. */
export function codexTokenCountLine(timestamp: string, total: CodexTokens | null, last: CodexTokens | null): string {
  if (total === null && last === null) return `{"timestamp":"${timestamp}","type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":{"primary":{"used_percent":1.0,"window_minutes":300}}}}`;
  const parts = [total ? `"total_token_usage":${codexTokensJson(total)}` : '', last ? `"last_token_usage":${codexTokensJson(last)}` : ''].filter(Boolean);
  return `{"timestamp":"${timestamp}","type":"event_msg","payload":{"type":"token_count","info":{${parts.join(',')},"model_context_window":272000},"rate_limits":{"primary":{"used_percent":12.0,"window_minutes":300,"resets_in_seconds":1200},"secondary":{"used_percent":3.0,"window_minutes":10080,"resets_in_seconds":86400}}}}`;
}

export function codexResponseLine(timestamp: string, kind: 'message' | 'reasoning' | 'function_call' | 'function_call_output', text: string): string {
  if (kind === 'reasoning') return `{"timestamp":"${timestamp}","type":"response_item","payload":{"type":"reasoning","summary":[{"type":"summary_text","text":"${cut(text, 120)}"}],"content":null,"encrypted_content":"gAAAA${text.replace(/[^A-Za-z0-9]/g, 'x')}"}}`;
  if (kind === 'function_call') return `{"timestamp":"${timestamp}","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\\"command\\":[\\"bash\\",\\"-lc\\",\\"${cut(text, 80)}\\"]}","call_id":"call_1"}}`;
  if (kind === 'function_call_output') return `{"timestamp":"${timestamp}","type":"response_item","payload":{"type":"function_call_output","call_id":"call_1","output":"{\\"output\\":\\"${text}\\",\\"metadata\\":{\\"exit_code\\":0,\\"duration_seconds\\":0.1}}"}}`;
  return `{"timestamp":"${timestamp}","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"${text}"}]}}`;
}

export function codexAgentMessageLine(timestamp: string, text: string): string {
  return `{"timestamp":"${timestamp}","type":"event_msg","payload":{"type":"agent_message","message":"${text}"}}`;
}

export const addTokens = (a: CodexTokens, b: CodexTokens): CodexTokens => ({ input: a.input + b.input, cached: a.cached + b.cached, output: a.output + b.output, reasoning: a.reasoning + b.reasoning });
export const ZERO_TOKENS: CodexTokens = { input: 0, cached: 0, output: 0, reasoning: 0 };

// ---------------------------------------------------------------------------------------------
// The corpus

export interface CorpusOptions {
  /** The fake home: `.claude/` and `.codex/` are created inside. */
  readonly home: string;
  readonly seed?: number;
  /** Number of files (default 60). */
  readonly files?: number;
  /** Target total size in bytes (default 4 MB). */
  readonly totalBytes?: number;
  /** 'heavy': log-normal sizes (median ~100 KB scaled, p99 ~50×median) plus one largest file; 'flat': similar sizes. */
  readonly profile?: 'heavy' | 'flat';
  /** Size of the largest file in the heavy profile (default: none forced). */
  readonly largestBytes?: number;
  /** Sessions end before this instant (default 2026-11-20T12:00:00Z). */
  readonly now?: Date;
  /** Sessions start within this many days before `now` (default 40). */
  readonly spanDays?: number;
  /** Share of Codex files (default 0.15). */
  readonly codexShare?: number;
  /** Share of Claude files that are sub-agent files (default 0.2). */
  readonly subagentShare?: number;
  /** Include the traps (default true). */
  readonly traps?: boolean;
  /** Include requests of more than 200k input tokens (long-context tier; default false). */
  readonly longContext?: boolean;
  /** Include sessions on fast-mode models (Opus 4.6, Opus 5) with `speed: "fast"` turns (default false). */
  readonly fastMode?: boolean;
  /** Called after each file is written. */
  readonly onFile?: (file: GeneratedFile) => void;
}

export interface GeneratedFile {
  readonly path: string;
  readonly bytes: number;
  readonly kind: 'claude' | 'claude-subagent' | 'codex' | 'codex-archived';
}

export interface GeneratedCorpus {
  readonly home: string;
  readonly claudeDir: string;
  readonly codexDir: string;
  readonly files: GeneratedFile[];
  readonly totalBytes: number;
}

/** JSON-safe filler: letters, digits, spaces, punctuation and escaped newlines; no quotes or backslashes except `\n`. */
export function makeFiller(random: () => number, bytes: number): string {
  const words = ['const', 'function', 'return', 'import', 'export', 'the', 'value', 'of', 'a', 'test', 'file', 'src', 'budget', 'token', 'ledger', 'cache', 'read', 'write', 'model', 'usage', 'day', 'await', 'async', 'if', 'else', '{', '}', '(x)', '=>', '42', 'ok;', 'line', 'error:', 'path/to/file.ts', 'npm', 'run', 'build', 'résumé', 'naïve', '–', '✓'];
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    const w = words[Math.floor(random() * words.length)] ?? 'x';
    const sep = random() < 0.08 ? '\\n' : ' ';
    parts.push(w, sep);
    n += w.length + sep.length;
  }
  return parts.join('');
}

function hex(random: () => number, n: number): string {
  let s = '';
  while (s.length < n) s += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, n);
}

function uuid(random: () => number): string {
  const h = hex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Heavy-user file sizes: log-normal (median 100 KB, σ 1.65), the largest set to `largest`, scaled to `total`. */
export function heavySizes(random: () => number, count: number, total: number, largest: number | undefined): number[] {
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const u1 = 1 - random();
    const u2 = random();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    sizes.push(Math.max(2_000, Math.min(60e6, 100_000 * Math.exp(1.65 * z))));
  }
  const idx = sizes.indexOf(Math.max(...sizes));
  const rest = sizes.reduce((s, x, i) => (i === idx ? s : s + x), 0);
  if (largest !== undefined && largest < total) {
    sizes[idx] = largest;
    const scale = (total - largest) / rest;
    for (let i = 0; i < sizes.length; i++) if (i !== idx) sizes[i] = Math.max(2_000, (sizes[i] ?? 0) * scale);
  } else {
    const sum = rest + (sizes[idx] ?? 0);
    for (let i = 0; i < sizes.length; i++) sizes[i] = Math.max(2_000, (sizes[i] ?? 0) * (total / sum));
  }
  return sizes.map(Math.round);
}

class Writer {
  private fd: number;
  private buf: string[] = [];
  private pending = 0;
  bytes = 0;
  constructor(file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'w');
  }
  line(s: string): void {
    this.raw(s + '\n');
  }
  raw(s: string): void {
    this.buf.push(s);
    this.pending += s.length;
    this.bytes += Buffer.byteLength(s);
    if (this.pending > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.pending = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

interface Ctx {
  readonly random: () => number;
  readonly filler: string;
  readonly traps: boolean;
  readonly longContext: boolean;
  readonly fastMode: boolean;
}

function text(ctx: Ctx, min: number, max: number): string {
  const len = Math.floor(min + ctx.random() * (max - min));
  const start = Math.floor(ctx.random() * (ctx.filler.length - len - 2));
  let s = ctx.filler.slice(start, start + len);
  // never cut an escape sequence in half
  if (s.endsWith('\\')) s = s.slice(0, -1);
  if (s.startsWith('n') && ctx.filler[start - 1] === '\\') s = s.slice(1);
  return s;
}

function pick<T>(random: () => number, items: readonly (readonly [T, number])[]): T {
  let r = random() * items.reduce((s, [, w]) => s + w, 0);
  for (const [item, w] of items) {
    r -= w;
    if (r <= 0) return item;
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

interface ClaudeSessionResult {
  /** Lines written, for a later resumed session to copy. */
  readonly lines: string[];
  readonly endMs: number;
}

/** One Claude Code session file of about `target` bytes. */
function writeClaudeSession(ctx: Ctx, w: Writer, target: number, startMs: number, opts: { sessionId: string; sidechain: boolean; model: string; copy?: readonly string[]; replayParent?: { messageId: string; model: string; usage: ClaudeUsage; ms: number } }): ClaudeSessionResult {
  const { random } = ctx;
  const kept: string[] = [];
  const keep = (s: string) => {
    w.line(s);
    if (kept.length < 400) kept.push(s);
  };
  let ms = startMs;
  if (opts.copy) for (const l of opts.copy) w.line(l);
  if (opts.replayParent) {
    const p = opts.replayParent;
    keep(claudeAssistantLine({ timestamp: iso(p.ms), messageId: p.messageId, requestId: `req_replay${hex(random, 20)}`, model: p.model, usage: p.usage, sessionId: opts.sessionId, isSidechain: true, uuid: uuid(random), text: 'aside' }));
  }
  let model = opts.model;
  if (!opts.sidechain) keep(claudeSummaryLine(text(ctx, 20, 80)));
  while (w.bytes < target) {
    ms += Math.floor(5_000 + random() * 90_000);
    keep(opts.sidechain ? claudeUserLine(iso(ms), text(ctx, 100, 600), { sessionId: opts.sessionId, uuid: uuid(random), isSidechain: true }) : claudeUserLine(iso(ms), text(ctx, 40, 400), { sessionId: opts.sessionId, uuid: uuid(random) }));
    const turns = 1 + Math.floor(random() * 5);
    for (let t = 0; t < turns && w.bytes < target; t++) {
      if (ctx.traps && random() < 0.02) model = pick(random, [[CLAUDE_MODELS.sonnet, 5], [CLAUDE_MODELS.opus, 2], [CLAUDE_MODELS.haiku, 1], [CLAUDE_MODELS.unknown, 1]]);
      ms += Math.floor(2_000 + random() * 40_000);
      const messageId = `msg_01${hex(random, 22)}`;
      const requestId = `req_011C${hex(random, 20)}`;
      const long = ctx.longContext && random() < 0.05;
      const oneHour = ctx.traps && random() < 0.15;
      const write = random() < 0.6 ? Math.floor(random() * 12_000) : 0;
      const usage: ClaudeUsage = {
        input: 1 + Math.floor(random() * 40),
        cacheRead: long ? 210_000 + Math.floor(random() * 200_000) : Math.floor(8_000 + random() * 140_000),
        write5m: oneHour ? 0 : write,
        write1h: oneHour ? write : 0,
        output: 1 + Math.floor(random() ** 2 * 4_000),
        ...(random() < 0.05 ? { noBreakdown: true, write5m: write, write1h: 0 } : {}),
        ...(ctx.fastMode && FAST_CAPABLE.has(model) ? { speed: random() < 0.4 ? 'fast' : 'standard' } : {}),
      };
      const blocks = 1 + Math.floor(random() * 3);
      const streaming = ctx.traps && random() < 0.3;
      for (let b = 0; b < blocks; b++) {
        const last = b === blocks - 1;
        const out = streaming && !last ? Math.max(1, Math.floor(usage.output * (b + 1) / (blocks + 2))) : usage.output;
        const blockType = b === 0 && blocks > 1 ? 'thinking' : last && blocks > 1 ? 'tool_use' : 'text';
        keep(claudeAssistantLine({ timestamp: iso(ms + b * 700), messageId, requestId, model, usage: { ...usage, output: out }, sessionId: opts.sessionId, isSidechain: opts.sidechain, uuid: uuid(random), text: text(ctx, 80, blockType === 'thinking' ? 2_500 : 1_200), blockType }));
      }
      ms += blocks * 700;
      if (random() < 0.8) keep(claudeToolResultLine(iso(ms + 500), text(ctx, 200, random() < 0.1 ? 30_000 : 5_000), { sessionId: opts.sessionId, uuid: uuid(random) }));
      if (ctx.traps && random() < 0.02) keep(claudeTaskResultLine(iso(ms + 600), { input: 300, output: 800, cacheRead: 5000 }, { sessionId: opts.sessionId, uuid: uuid(random) }));
      if (ctx.traps && random() < 0.005) keep(claudeSyntheticLine(iso(ms + 700), { sessionId: opts.sessionId, uuid: uuid(random) }));
      if (ctx.traps && random() < 0.004) w.line(`{"type":"assistant","message":{"usage":{"input_tokens":12,"output_tok`); // a garbled line
      if (random() < 0.03) w.line(`{"type":"file-history-snapshot","messageId":"${uuid(random)}","snapshot":{"trackedFileBackups":{},"timestamp":"${iso(ms)}"},"isSnapshotUpdate":false}`);
    }
  }
  return { lines: kept, endMs: ms };
}

/** One Codex rollout of about `target` bytes. */
function writeCodexSession(ctx: Ctx, w: Writer, target: number, startMs: number, opts: { id: string; model: string | null; totalsOnly: boolean }): void {
  const { random } = ctx;
  let ms = startMs;
  w.line(codexSessionMetaLine(iso(ms), opts.id, text(ctx, 200, 2_000)));
  let total = ZERO_TOKENS;
  let model = opts.model;
  let first = true;
  while (w.bytes < target) {
    ms += Math.floor(10_000 + random() * 120_000);
    if (ctx.traps && model !== null && random() < 0.03) model = pick(random, [[CODEX_MODELS.codex, 3], [CODEX_MODELS.gpt5, 2], [CODEX_MODELS.codex51, 2], [CODEX_MODELS.unknown, 1]]);
    w.line(codexTurnContextLine(iso(ms), model));
    w.line(`{"timestamp":"${iso(ms)}","type":"event_msg","payload":{"type":"user_message","message":"${text(ctx, 30, 300)}","kind":"plain"}}`);
    if (first && ctx.traps) {
      w.line(codexTokenCountLine(iso(ms + 1), null, null));
      first = false;
    }
    const steps = 1 + Math.floor(random() * 6);
    for (let s = 0; s < steps && w.bytes < target; s++) {
      ms += Math.floor(1_000 + random() * 20_000);
      w.line(codexResponseLine(iso(ms), 'reasoning', text(ctx, 200, 1_500)));
      w.line(codexResponseLine(iso(ms), 'function_call', text(ctx, 20, 100)));
      w.line(codexResponseLine(iso(ms + 300), 'function_call_output', text(ctx, 200, random() < 0.1 ? 20_000 : 4_000)));
      const input = 6_000 + Math.floor(random() * 120_000);
      const last: CodexTokens = { input, cached: Math.floor(input * random() * 0.9), output: 20 + Math.floor(random() ** 2 * 3_000), reasoning: 0 };
      const withReasoning = { ...last, reasoning: Math.floor(last.output * random() * 0.7) };
      total = addTokens(total, withReasoning);
      w.line(codexTokenCountLine(iso(ms + 400), total, opts.totalsOnly ? null : withReasoning));
    }
    w.line(codexAgentMessageLine(iso(ms + 500), text(ctx, 50, 600)));
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Writes a corpus into `home/.claude/projects` and `home/.codex/{sessions,archived_sessions}`. */
export function generateCorpus(options: CorpusOptions): GeneratedCorpus {
  const random = mulberry32(options.seed ?? 1);
  const fileCount = options.files ?? 60;
  const total = options.totalBytes ?? 4e6;
  const now = (options.now ?? new Date('2026-11-20T12:00:00Z')).getTime();
  const spanMs = (options.spanDays ?? 40) * 86_400_000;
  const traps = options.traps ?? true;
  const fastMode = options.fastMode ?? false;
  const ctx: Ctx = { random, filler: makeFiller(random, 600_000), traps, longContext: options.longContext ?? false, fastMode };
  const claudeDir = path.join(options.home, '.claude');
  const codexDir = path.join(options.home, '.codex');
  const sizes =
    options.profile === 'heavy'
      ? heavySizes(random, fileCount, total, options.largestBytes)
      : Array.from({ length: fileCount }, () => Math.round((total / fileCount) * (0.5 + random())));
  // Shuffle so the largest file is not always of the same kind.
  const files: GeneratedFile[] = [];
  const codexShare = options.codexShare ?? 0.15;
  const subShare = options.subagentShare ?? 0.2;
  const projects = Array.from({ length: Math.max(1, Math.ceil(fileCount / 40)) }, (_, i) => `-home-dev-projects-app${i}`);
  const sessions: { dir: string; sessionId: string; startMs: number; endMs: number; lines: string[]; parentMessage?: { messageId: string; model: string; usage: ClaudeUsage; ms: number } }[] = [];
  let totalBytes = 0;

  for (let i = 0; i < fileCount; i++) {
    const target = sizes[i] ?? 10_000;
    // Long sessions start earlier so they still end before `now`.
    const durationGuess = (target / 6_000) * 40_000;
    const startMs = now - durationGuess - random() * Math.max(0, spanMs - durationGuess);
    const r = random();
    if (r < codexShare) {
      const d = new Date(startMs);
      const id = uuid(random);
      const name = `rollout-${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}-${id}.jsonl`;
      const file = path.join(codexDir, 'sessions', String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()), name);
      const w = new Writer(file);
      const early = traps && random() < 0.1;
      const model = early ? null : pick(random, [[CODEX_MODELS.codex, 5], [CODEX_MODELS.gpt5, 2], [CODEX_MODELS.codex51, 2], [CODEX_MODELS.unknown, traps ? 0.3 : 0]]);
      writeCodexSession(ctx, w, target, startMs, { id, model, totalsOnly: traps && random() < 0.2 });
      w.close();
      files.push({ path: file, bytes: w.bytes, kind: 'codex' });
      totalBytes += w.bytes;
      options.onFile?.(files[files.length - 1] as GeneratedFile);
      if (traps && (random() < 0.1 || !files.some((f) => f.kind === 'codex-archived'))) {
        // An archived copy of the same rollout (Codex archives by moving; a copy must not count twice).
        const archived = path.join(codexDir, 'archived_sessions', name);
        mkdirSync(path.dirname(archived), { recursive: true });
        copyFileSync(file, archived);
        files.push({ path: archived, bytes: w.bytes, kind: 'codex-archived' });
        totalBytes += w.bytes;
      }
      continue;
    }
    const project = projects[Math.floor(random() * projects.length)] ?? 'p';
    const parent = sessions.length > 0 && random() < subShare / (1 - codexShare) ? sessions[Math.floor(random() * sessions.length)] : undefined;
    if (parent) {
      // A sub-agent file of an earlier session.
      const file = path.join(parent.dir, parent.sessionId, 'subagents', `agent-${hex(random, 8)}.jsonl`);
      const w = new Writer(file);
      const replay = traps && parent.parentMessage && (random() < 0.2 || !files.some((f) => f.kind === 'claude-subagent')) ? parent.parentMessage : undefined;
      writeClaudeSession(ctx, w, target, parent.startMs + random() * Math.max(1, parent.endMs - parent.startMs), { sessionId: parent.sessionId, sidechain: true, model: random() < 0.6 ? CLAUDE_MODELS.haiku : CLAUDE_MODELS.sonnet, ...(replay ? { replayParent: replay } : {}) });
      if (traps && random() < 0.15) w.raw(claudeAssistantLine({ timestamp: iso(now), messageId: 'msg_torn', requestId: 'req_torn', model: CLAUDE_MODELS.sonnet, usage: { input: 5, output: 5 } }).slice(0, 180));
      w.close();
      files.push({ path: file, bytes: w.bytes, kind: 'claude-subagent' });
      totalBytes += w.bytes;
      options.onFile?.(files[files.length - 1] as GeneratedFile);
      continue;
    }
    const sessionId = uuid(random);
    const dir = path.join(claudeDir, 'projects', project);
    const file = path.join(dir, `${sessionId}.jsonl`);
    const w = new Writer(file);
    const resumeOf = traps && sessions.length > 0 && (random() < 0.06 || sessions.length === 1) ? sessions[Math.floor(random() * sessions.length)] : undefined;
    const model = pick(random, [[CLAUDE_MODELS.sonnet, 6], [CLAUDE_MODELS.opus, 2], [CLAUDE_MODELS.haiku, 1], [CLAUDE_MODELS.opus41, 0.5], [CLAUDE_MODELS.unknown, traps ? 0.2 : 0], [CLAUDE_MODELS.opus46, fastMode ? 1.5 : 0], [CLAUDE_MODELS.opus5, fastMode ? 1 : 0]]);
    const start = resumeOf ? Math.max(startMs, resumeOf.endMs + 60_000) : startMs;
    const result = writeClaudeSession(ctx, w, target, start, { sessionId, sidechain: false, model, ...(resumeOf ? { copy: resumeOf.lines.slice(0, 200) } : {}) });
    if (traps && random() < 0.1) w.raw(claudeAssistantLine({ timestamp: iso(now), messageId: 'msg_torn2', requestId: 'req_torn2', model, usage: { input: 5, output: 5 } }).slice(0, 150));
    w.close();
    const firstAssistant = result.lines.find((l) => l.includes('"type":"assistant"') && l.includes('"id":"msg_'));
    const parentMessage = firstAssistant ? parseParent(firstAssistant) : undefined;
    sessions.push({ dir, sessionId, startMs: start, endMs: result.endMs, lines: result.lines, ...(parentMessage ? { parentMessage } : {}) });
    files.push({ path: file, bytes: w.bytes, kind: 'claude' });
    totalBytes += w.bytes;
    options.onFile?.(files[files.length - 1] as GeneratedFile);
  }
  return { home: options.home, claudeDir, codexDir, files, totalBytes };
}

function parseParent(line: string): { messageId: string; model: string; usage: ClaudeUsage; ms: number } | undefined {
  const o = JSON.parse(line) as { timestamp: string; message: { id: string; model: string; usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number; speed?: 'standard' | 'fast' } } };
  const u = o.message.usage;
  return { messageId: o.message.id, model: o.message.model, usage: { input: u.input_tokens, output: u.output_tokens, cacheRead: u.cache_read_input_tokens, write5m: u.cache_creation_input_tokens, ...(u.speed ? { speed: u.speed } : {}) }, ms: Date.parse(o.timestamp) };
}
