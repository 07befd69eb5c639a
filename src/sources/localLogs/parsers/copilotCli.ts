/**
 * GitHub Copilot CLI: its session-state event logs and, where the user exported them, its
 * OpenTelemetry spans → usage, each model call once.
 *
 * Where: `${COPILOT_HOME:-~/.copilot}` (COPILOT_HOME is the CLI's one relocation of its data root;
 * `--config-dir` is its deprecated alias and leaves no trace a reader could follow). Scanned:
 * `session-state/` and `otel/`, recursively, for `*.jsonl`; only lines containing `"type":"s` are
 * parsed (`"type":"session.…"` events and `"type":"span"` records).
 *
 * - Session state, `session-state/<session id>/events.jsonl`, written by every session whether or
 *   not telemetry is on. Usage is in one event only: `{"type":"session.shutdown","timestamp":ISO,
 *   "data":{"modelMetrics":{"<model>":{"requests":{"count","cost"},"usage":{"inputTokens",
 *   "outputTokens","cacheReadTokens","cacheWriteTokens","reasoningTokens"?}}}}}`, the running
 *   totals of the session per model (the per-call `assistant.usage` events are ephemeral, never
 *   written). Traps:
 *   - A resumed session writes one shutdown per run, each with totals: the CLI versions that keep
 *     `session.usage_checkpoint` events restore the totals on resume (cumulative: a run's usage is
 *     its shutdown minus the one before, as ccusage counts it), older ones started every run from
 *     zero. A shutdown whose counts all grew is taken as cumulative; one where any count shrank
 *     is a run that started from zero and counts whole (ccusage subtracts field by field there and
 *     loses that run: see the test). Kept per file, across incremental reads.
 *   - `inputTokens` includes the cache reads and the cache writes, `outputTokens` includes
 *     `reasoningTokens` (which is therefore never added).
 *   - A shutdown is the sum of `requests.count` calls: an aggregate, priced at the model's base tier
 *     (a session's 2M input tokens are not one 2M-token request). ccusage prices the sum as one
 *     request, above 200k at the long-context rate.
 *   - A shutdown carrying `agentId` is a sub-agent's, whose usage the main shutdown's
 *     `modelMetrics` already holds: not counted.
 *   - Model ids `…-1m` and `…-1m-internal` are Copilot's long-context variants: priced as the model.
 *   - The working directory (project) is `data.context.cwd` of `session.start` / `session.resume`,
 *     or `data.cwd` of `session.context_changed`.
 * - OpenTelemetry file export (`COPILOT_OTEL_FILE_EXPORTER_PATH`, opt-in, one JSON record a line;
 *   ccusage's documented setup puts the file under `~/.copilot/otel/`: a file elsewhere is not
 *   read). Records `{"type":"span","traceId","spanId","name","endTime":[s,ns],"attributes":{…}}`
 *   with the GenAI semantic-convention attributes: `gen_ai.operation.name` (`chat` for a model
 *   call, `invoke_agent` for an agent turn), `gen_ai.response.model` / `gen_ai.request.model`,
 *   `gen_ai.conversation.id` (the session id), `gen_ai.usage.input_tokens` (cache reads and writes
 *   included), `.output_tokens` (reasoning included), `.cache_read.input_tokens`,
 *   `.cache_write.input_tokens` (`.cache_creation.input_tokens` in older versions). Traps:
 *   - An `invoke_agent` span repeats the usage of the `chat` spans under it (same trace): counted
 *     only for a trace none of whose chat spans was seen before it in the file (a parent span ends,
 *     and is written, after its children).
 *   - The same calls are in the session's shutdown: spans of a session that has
 *     `session-state/<id>/events.jsonl` beside `otel/` are not counted, the shutdown is. (ccusage
 *     counts those written after the session's last shutdown; here they wait for the next one.)
 *   - ccusage 20.0.24 subtracts only the cache reads from the span's input: cache writes are
 *     counted twice there (hand-computed in the test, not cross-checked).
 *   - A span is keyed by trace and span id, so a file copied next to itself counts once.
 *
 * Beside the network `copilot` source (GitHub's premium-request billing) this is an estimate at
 * list prices: the same calls are billed there as premium requests (`requests.cost`, the model's
 * multiplier summed) or AI credits, not per token.
 *
 * References: github/copilot-sdk nodejs/src/generated/session-events.ts (ShutdownData,
 * ShutdownModelMetricUsage, AssistantUsageData) @ cc0438d66e3e68c333537cb935d9425d4e4ed8d5;
 * the CLI's own package @github/copilot-linux-x64 1.0.102 (npm): schemas/session-events.schema.json
 * (UsageCheckpointData: "for reconstructing aggregate accounting on resume"), cli-main.js (the
 * normalisation of a call's usage: `inputTokensUncached = input − cacheRead − cacheWrite`; the
 * `copilot help monitoring` text listing the spans), prebuilds/linux-x64/runtime.node (the span
 * attribute names; "The number of input tokens used, including cached tokens"; "The number of
 * output tokens used, including reasoning tokens"); github/copilot-cli issue #524 (usage restarted
 * on resume) and changelog.md @ 9532bdacf5a343c3dcc444337f7b25e88fc7372c; ccusage
 * rust/crates/ccusage/src/adapter/copilot/parser.rs @ 5816e640 (20.0.11, OTel only) and the
 * behaviour of ccusage 20.0.24 (session state, COPILOT_HOME), which the cross-check runs.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../paths';
import type { JsonLinesFormat, Usage } from './format';

/** A shutdown's running totals of one model. */
interface Totals {
  /** inputTokens (cache reads and writes included). */
  i: number;
  o: number;
  r: number;
  w: number;
  /** requests.count */
  n: number;
}

/** What is remembered per file between reads. */
export interface CopilotFileState {
  /** Session state: the last shutdown's totals per model. */
  last: Record<string, Totals>;
  /** Session state: the session's working directory. */
  cwd: string | null;
  /** OpenTelemetry: traces whose chat spans were seen (the latest, bounded). */
  chat: string[];
  /** OpenTelemetry: sessions found to have a session-state log (the latest, bounded). */
  logged: string[];
}

const MAX_REMEMBERED = 512;

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/** A non-negative whole count (numbers, or digits in a string as some exporters write them). */
function count(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0;
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  return 0;
}

/** Copilot's long-context variants (`claude-opus-4.6-1m`, `…-1m-internal`) are priced as the model. */
export function copilotModel(raw: string): string {
  const m = raw.trim();
  if (m.endsWith('-1m-internal')) return m.slice(0, -'-1m-internal'.length);
  if (m.endsWith('-1m')) return m.slice(0, -'-1m'.length);
  return m;
}

function remember(list: string[], value: string): void {
  if (list.includes(value)) return;
  list.push(value);
  if (list.length > MAX_REMEMBERED) list.splice(0, list.length - MAX_REMEMBERED);
}

/** The totals of one `modelMetrics` entry, or null when it has none. */
function totalsOf(metric: unknown): Totals | null {
  if (!isRecord(metric) || !isRecord(metric['usage'])) return null;
  const u = metric['usage'];
  const requests = isRecord(metric['requests']) ? metric['requests'] : {};
  return { i: count(u['inputTokens']), o: count(u['outputTokens']), r: count(u['cacheReadTokens']), w: count(u['cacheWriteTokens']), n: count(requests['count']) };
}

/**
 * A run's usage from its shutdown's totals and the previous shutdown's: the difference where every
 * count grew or stayed (the totals were restored on resume), the totals themselves where one shrank
 * (the run started from zero).
 */
export function runTotals(current: Totals, previous: Totals | undefined): Totals {
  if (!previous) return current;
  const keys = ['i', 'o', 'r', 'w', 'n'] as const;
  if (keys.some((k) => current[k] < previous[k])) return current;
  return { i: current.i - previous.i, o: current.o - previous.o, r: current.r - previous.r, w: current.w - previous.w, n: current.n - previous.n };
}

/** A run's usage: the sum of its calls (an aggregate, see the header). */
export function runUsage(run: Totals, ms: number, model: string, project: string | null): Usage {
  return { ms, model, input: Math.max(0, run.i - run.r - run.w), output: run.o, cacheRead: run.r, cacheWrite: run.w, aggregate: true, ...(project !== null ? { project } : {}) };
}

function isSessionStateLog(file: string): boolean {
  return path.basename(file) === 'events.jsonl' && path.basename(path.dirname(path.dirname(file))) === 'session-state';
}

function cwdOf(context: unknown): string | null {
  return isRecord(context) ? str(context['cwd']) : null;
}

function sessionEvent(v: Json, type: string, state: CopilotFileState): Usage[] | null {
  const data = v['data'];
  if (!isRecord(data)) return null;
  if (type === 'session.start' || type === 'session.resume') {
    state.cwd = cwdOf(data['context']) ?? state.cwd;
    return null;
  }
  if (type === 'session.context_changed') {
    state.cwd = cwdOf(data) ?? state.cwd;
    return null;
  }
  if (type !== 'session.shutdown' || str(v['agentId']) !== null) return null;
  const ms = typeof v['timestamp'] === 'string' ? Date.parse(v['timestamp']) : NaN;
  const metrics = data['modelMetrics'];
  if (!Number.isFinite(ms) || !isRecord(metrics)) return null;
  const out: Usage[] = [];
  for (const [raw, metric] of Object.entries(metrics)) {
    const model = copilotModel(raw);
    const totals = totalsOf(metric);
    if (model === '' || !totals) continue;
    const run = runTotals(totals, state.last[model]);
    state.last[model] = totals;
    if (run.i + run.o + run.r + run.w > 0) out.push(runUsage(run, ms, model, state.cwd));
  }
  return out;
}

/** `[seconds, nanoseconds]` → ms. */
function fromParts(v: unknown): number | null {
  if (!Array.isArray(v) || v.length < 2) return null;
  const s = count(v[0]);
  const ns = count(v[1]);
  return s > 0 ? s * 1000 + Math.floor(ns / 1e6) : null;
}

/** An epoch in s, ms, µs or ns → ms (ccusage's reading of scalar OTel times). */
function fromScalar(v: unknown): number | null {
  const raw = count(v);
  if (raw <= 0) return null;
  if (raw >= 1e17) return Math.floor(raw / 1e6);
  if (raw >= 1e14) return Math.floor(raw / 1e3);
  if (raw >= 1e11) return raw;
  return raw * 1000;
}

function spanInstant(v: Json, file: string): number | null {
  const ms = fromParts(v['endTime']) ?? fromParts(v['startTime']) ?? fromParts(v['hrTime']) ?? fromParts(v['_hrTime']) ?? fromParts(v['time']) ?? fromScalar(v['timestamp']) ?? fromScalar(v['observedTimestamp']) ?? fromScalar(v['timeUnixNano']);
  if (ms !== null) return ms;
  try {
    return statSync(file).mtimeMs; // as ccusage: a record without a time is dated by its file
  } catch {
    return null;
  }
}

function nested(v: Json, object: string, key: string): string | null {
  const o = v[object];
  return isRecord(o) ? str(o[key]) : null;
}

const SESSION_ATTRS = ['gen_ai.conversation.id', 'copilot_chat.session_id', 'copilot_chat.chat_session_id', 'session.id'];

/** The Copilot data root an OTel file lies in (the parent of its `otel` folder), if any. */
function rootOf(file: string): string | null {
  let dir = path.dirname(file);
  for (;;) {
    if (path.basename(dir) === 'otel') return path.dirname(dir);
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * Sessions whose session-state log was looked for and not found, per read of a file (a read works
 * on its own copy of the file's state): a session's spans are many, one look a read is enough.
 */
const absent = new WeakMap<CopilotFileState, Set<string>>();

/** Whether the session keeps a session-state log (then its shutdowns count, not its spans). */
function hasSessionState(file: string, session: string, state: CopilotFileState): boolean {
  if (state.logged.includes(session)) return true;
  const root = rootOf(file);
  if (root === null || session.includes('/') || session.includes('\\') || session.startsWith('.')) return false;
  let missing = absent.get(state);
  if (missing?.has(session)) return false;
  if (!existsSync(path.join(root, 'session-state', session, 'events.jsonl'))) {
    if (!missing) absent.set(state, (missing = new Set()));
    missing.add(session);
    return false;
  }
  remember(state.logged, session);
  return true;
}

function span(v: Json, state: CopilotFileState, file: string): Usage | null {
  const attrs = v['attributes'];
  if (!isRecord(attrs)) return null;
  const op = str(attrs['gen_ai.operation.name']);
  const name = str(v['name']) ?? '';
  const chat = op === 'chat' || name.startsWith('chat ');
  const summary = !chat && (op === 'invoke_agent' || name.startsWith('invoke_agent '));
  if (!chat && !summary) return null;
  const trace = str(v['traceId']) ?? nested(v, 'spanContext', 'traceId');
  const spanId = str(v['spanId']) ?? nested(v, 'spanContext', 'spanId');
  if (chat && trace !== null) remember(state.chat, trace);
  if (summary && trace !== null && state.chat.includes(trace)) return null;
  const session = SESSION_ATTRS.map((k) => str(attrs[k])).find((s) => s !== null) ?? null;
  if (session !== null && hasSessionState(file, session, state)) return null;
  const input = count(attrs['gen_ai.usage.input_tokens']);
  let output = count(attrs['gen_ai.usage.output_tokens']);
  const cacheRead = count(attrs['gen_ai.usage.cache_read.input_tokens']);
  const cacheWrite = count(attrs['gen_ai.usage.cache_write.input_tokens']) || count(attrs['gen_ai.usage.cache_creation.input_tokens']);
  if (input + output + cacheRead + cacheWrite === 0) output = count(attrs['gen_ai.usage.total_tokens']); // only a total: ccusage counts it as output
  const ms = spanInstant(v, file);
  if (ms === null) return null;
  const model = copilotModel(str(attrs['gen_ai.response.model']) ?? str(attrs['gen_ai.request.model']) ?? 'unknown');
  return {
    ms,
    model,
    input: Math.max(0, input - cacheRead - cacheWrite),
    output,
    cacheRead,
    cacheWrite,
    ...(trace !== null && spanId !== null ? { key: `copilot-span:${trace}:${spanId}` } : {}),
  };
}

export const copilotCliFormat: JsonLinesFormat<CopilotFileState> = {
  kind: 'jsonl',
  source: 'copilotCli',
  roots(env: Env, home: string): string[] {
    const own = str(env['COPILOT_HOME']);
    if (own === null) return [path.join(home, '.copilot')];
    return [own === '~' ? home : own.startsWith('~/') ? path.join(home, own.slice(2)) : own];
  },
  dirs: (root) => [path.join(root, 'session-state'), path.join(root, 'otel')],
  isLog: (name) => name.endsWith('.jsonl'),
  needle: '"type":"s',
  initial: () => ({ last: {}, cwd: null, chat: [], logged: [] }),
  line(value, state, file) {
    if (!isRecord(value)) return null;
    const type = str(value['type']);
    if (type === 'span') return span(value, state, file);
    if (type !== null && type.startsWith('session.') && isSessionStateLog(file)) return sessionEvent(value, type, state);
    return null;
  },
};
