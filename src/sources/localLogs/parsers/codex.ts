/**
 * Codex CLI: rollout lines → per-turn usage, and its counting, each turn once.
 *
 * - `{"type":"turn_context","payload":{"model":…}}` sets the model of the turns that follow.
 * - `{"type":"event_msg","payload":{"type":"token_count","info":{"last_token_usage":…,"total_token_usage":…}}}`
 *   carries a turn: `last_token_usage` is the turn's delta; where it is missing, the delta is the
 *   difference of successive `total_token_usage` (kept per file, across incremental reads).
 *   `info: null` events carry nothing, nor do events whose `total_token_usage` equals the one
 *   before (Codex writes the last turn's token_count again, with a new timestamp).
 * - `input_tokens` includes `cached_input_tokens`; `output_tokens` includes `reasoning_output_tokens`.
 * - Early rollouts have no model anywhere: those turns are priced as `gpt-5` (the default of that
 *   era, as ccusage does) under the model name `gpt-5 (assumed)`, so the estimate shows.
 * - The first line, `{"type":"session_meta","payload":{"id":…,"forked_from_id"?:…,"source"?:…}}`,
 *   names the session and, for a fork or a spawned sub-agent
 *   (`source.subagent.thread_spawn.parent_thread_id`), the session whose history it starts by
 *   replaying. Each turn gets its index in the rollout, and the instants of the first two
 *   token_counts are noted: the counting skips the replayed turns with these (`replayed` below).
 * - The project is the rollout's working directory: `session_meta`'s `payload.cwd`, else the first
 *   `turn_context`'s (kept per file; a turn_context's is looked at only while the file has none).
 *
 * The scanner hands over only lines containing `"type":"t` (both markers start so). As for Claude
 * Code, a byte-level reader takes the fields from the lines it expects and leaves anything else to
 * JSON.parse.
 */
import { hash53, secondOf, type FileState } from '../state';
import { ENTRY, type CountContext, type Entries, type LogParser } from './types';
import { bytes, closedAt, count, countOf, instantAt, keyIs, keyStart, LBRACE, nextKey, parseJsonLine, plainString, QUOTE, readCount, skipValue, takeString } from '../jsonBytes';

export const CODEX_NEEDLE = Buffer.from('"type":"t');
const OKEN_COUNT = Buffer.from('oken_count"');
const URN_CONTEXT = Buffer.from('urn_context"');

/** The model Codex used before its logs named one. */
export const CODEX_FALLBACK_MODEL = 'gpt-5';
/** How such turns are labelled in the ledger. */
export const CODEX_ASSUMED_LABEL = `${CODEX_FALLBACK_MODEL} (assumed)`;

/** input, cached, output, reasoning, total. */
export type CodexTotals = [number, number, number, number, number];

/** What a rollout's first line (`session_meta`) says about where its history comes from. */
export interface CodexSessionMeta {
  /** The session's id (`payload.id`). */
  readonly id: string | null;
  /** The session whose history it replays: `forked_from_id`, else the thread that spawned it as a sub-agent. */
  readonly parent: string | null;
  /** The line's instant: the moment of the fork. */
  readonly ms: number | null;
  /** The session's working directory (`payload.cwd`). */
  readonly cwd?: string | null;
}

/**
 * A replayed history is written in one go, its token_counts this close together (ccusage measured
 * bursts of 10–40 ms, then 6 to 15 s before the fork's own first turn, and skips what is within a
 * second of the turn before).
 */
export const REPLAY_BURST_MS = 1_000;

/** What is remembered per rollout between reads. */
export interface CodexFileState {
  model: string | null;
  /** The last `total_token_usage` seen. */
  total: CodexTotals | null;
  /** Turns read so far: the index the next turn has in the rollout. */
  turns: number;
  /** From the first line; null when it is not a `session_meta` line (or was not read yet). */
  meta: CodexSessionMeta | null;
  /** Instant of the first token_count with usage (a repeated or empty one too); null until one is seen. */
  firstMs: number | null;
  /** Whether the second token_count with usage came within REPLAY_BURST_MS of the first; null until seen. */
  burst: boolean | null;
  /** The working directory (the project): session_meta's, else the first turn_context's; null until one is seen. */
  cwd: string | null;
}

/** The state of a rollout not read yet. */
export function newCodexState(): CodexFileState {
  return { model: null, total: null, turns: 0, meta: null, firstMs: null, burst: null, cwd: null };
}

export interface CodexTurn {
  /** Its index among the rollout's turns (0 = the first). */
  readonly index: number;
  readonly ms: number;
  /** The model name for the ledger (`gpt-5 (assumed)` when the log names none). */
  readonly model: string;
  /** The model to price with. */
  readonly priceAs: string;
  readonly assumed: boolean;
  readonly input: number;
  readonly cached: number;
  readonly output: number;
  readonly reasoning: number;
  readonly total: number;
}

/** What a relevant line says, however it was read. */
interface Raw {
  kind: 'turn_context' | 'token_count' | 'other';
  ms: number;
  /** payload's model (model, model_name, metadata.model), then info's. */
  model: string | null;
  /** A turn_context's `payload.cwd` (read only while the rollout has no project: `wantCwd`). */
  cwd?: string | null;
  total: CodexTotals | null;
  last: CodexTotals | null;
}

function follows(buf: Buffer, at: number, tail: Buffer): boolean {
  for (let i = 0; i < tail.length; i++) if (buf[at + i] !== tail[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// JSON.parse path

function totalsOf(u: unknown): CodexTotals | null {
  if (!u || typeof u !== 'object') return null;
  const o = u as Record<string, unknown>;
  const input = countOf(o['input_tokens']);
  const output = countOf(o['output_tokens']);
  return [input, countOf(o['cached_input_tokens']), output, countOf(o['reasoning_output_tokens']), countOf(o['total_tokens']) || input + output];
}

function modelOf(o: unknown): string | null {
  if (!o || typeof o !== 'object') return null;
  const r = o as Record<string, unknown>;
  for (const k of ['model', 'model_name']) {
    const v = r[k];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  const meta = r['metadata'];
  if (meta && typeof meta === 'object') {
    const v = (meta as Record<string, unknown>)['model'];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return null;
}

function slowRaw(buf: Buffer, start: number, end: number): Raw | null {
  // undefined: not JSON (torn, garbled)
  const o = parseJsonLine(buf, start, end) as { timestamp?: unknown; type?: unknown; payload?: ({ type?: unknown; info?: unknown } & Record<string, unknown>) | null } | null | undefined;
  if (!o || typeof o !== 'object' || !o.payload || typeof o.payload !== 'object') return null;
  const ms = typeof o.timestamp === 'string' ? Date.parse(o.timestamp) : NaN;
  if (o.type === 'turn_context') {
    const cwd = o.payload['cwd'];
    return { kind: 'turn_context', ms, model: modelOf(o.payload), total: null, last: null, cwd: typeof cwd === 'string' && cwd !== '' ? cwd : null };
  }
  if (o.type !== 'event_msg' || o.payload.type !== 'token_count') return { kind: 'other', ms, model: null, total: null, last: null };
  const info = o.payload.info && typeof o.payload.info === 'object' ? (o.payload.info as Record<string, unknown>) : null;
  return {
    kind: 'token_count',
    ms,
    model: modelOf(o.payload) ?? modelOf(info),
    total: info ? totalsOf(info['total_token_usage']) : null,
    last: info ? totalsOf(info['last_token_usage']) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Byte-level path

const K_TIMESTAMP = bytes('timestamp');
const K_TYPE = bytes('type');
const K_PAYLOAD = bytes('payload');
const K_INFO = bytes('info');
const K_TOTAL = bytes('total_token_usage');
const K_LAST = bytes('last_token_usage');
const K_MODEL = bytes('model');
const K_MODEL_NAME = bytes('model_name');
const K_METADATA = bytes('metadata');
const K_CWD = bytes('cwd');
const K_TOKENS = [bytes('input_tokens'), bytes('cached_input_tokens'), bytes('output_tokens'), bytes('reasoning_output_tokens'), bytes('total_tokens')] as const;

/** Positions found by the byte-level reader (module scratch). */
interface Found {
  /** [start, end) of the timestamp's text; start -1 = none. */
  ts: Int32Array;
  /** 0 other, 1 event_msg, 2 turn_context. */
  type: number;
  token: boolean;
  hasInfo: boolean;
  total: CodexTotals | null;
  last: CodexTotals | null;
  /** [start, end) of model, model_name, metadata.model, in the payload. */
  models: Int32Array;
  /** Whether a turn_context's cwd is wanted (the rollout has no project yet), and [start, end) of it. */
  wantCwd: boolean;
  cwd: Int32Array;
}
const f: Found = { ts: new Int32Array(2), type: 0, token: false, hasInfo: false, total: null, last: null, models: new Int32Array(6), wantCwd: false, cwd: new Int32Array(2) };
/** The same three in `info`. */
const infoModels = new Int32Array(6);

function stringIs(buf: Buffer, a: number, b: number, s: string): boolean {
  if (b - a !== s.length) return false;
  for (let i = 0; i < s.length; i++) if (buf[a + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** An object of integer token counts at i; its end (after `}`), or -1. */
function readTokens(buf: Buffer, i: number, end: number): [number, CodexTotals | null] {
  if (buf[i] !== LBRACE) return [-1, null];
  const t: CodexTotals = [0, 0, 0, 0, 0];
  let total = false;
  i++;
  for (;;) {
    const v = nextKey(buf, i, end);
    if (v === -1) return [-1, null];
    if (v < 0) {
      if (!total || t[4] === 0) t[4] = t[0] + t[2]; // as totalsOf: absent or 0 → input + output
      return [closedAt(v), t];
    }
    let slot = -1;
    for (let k = 0; k < K_TOKENS.length; k++) {
      if (keyIs(buf, keyStart, v - 2, K_TOKENS[k] as Uint8Array)) {
        slot = k;
        break;
      }
    }
    i = readCount(buf, v, end, slot >= 0); // -1: a count that is not an integer
    if (i < 0) return [-1, null];
    if (slot >= 0 && count.value >= 0) {
      t[slot] = count.value;
      if (slot === 4) total = true;
    }
  }
}

/** Keys of an object at i (its `{`); level 0 top, 1 payload, 2 info, 3 metadata of payload, 4 metadata of info. Returns the end or -1. */
function walk(buf: Buffer, i: number, end: number, level: number): number {
  if (buf[i] !== LBRACE) return -1;
  i++;
  for (;;) {
    const v = nextKey(buf, i, end);
    if (v < 0) return v === -1 ? -1 : closedAt(v);
    const ka = keyStart;
    const kb = v - 2;
    let next = -2;
    if (level === 0) {
      if (keyIs(buf, ka, kb, K_TIMESTAMP)) {
        next = takeString(buf, v, end, f.ts, 0);
        if (next < 0) return -1;
      } else if (keyIs(buf, ka, kb, K_TYPE)) {
        const e = plainString(buf, v, end);
        if (e < 0) return -1;
        f.type = stringIs(buf, v + 1, e, 'event_msg') ? 1 : stringIs(buf, v + 1, e, 'turn_context') ? 2 : 0;
        next = e + 1;
      } else if (keyIs(buf, ka, kb, K_PAYLOAD) && buf[v] === LBRACE) next = walk(buf, v, end, 1);
    } else if (level === 1 || level === 2) {
      const models = level === 1 ? f.models : infoModels;
      if (level === 1 && keyIs(buf, ka, kb, K_TYPE)) {
        const e = plainString(buf, v, end);
        if (e < 0) return -1;
        f.token = stringIs(buf, v + 1, e, 'token_count');
        next = e + 1;
      } else if (level === 1 && keyIs(buf, ka, kb, K_INFO) && buf[v] === LBRACE) {
        f.hasInfo = true;
        next = walk(buf, v, end, 2);
      } else if (level === 2 && (keyIs(buf, ka, kb, K_TOTAL) || keyIs(buf, ka, kb, K_LAST))) {
        const isTotal = keyIs(buf, ka, kb, K_TOTAL);
        if (buf[v] === LBRACE) {
          const [e, t] = readTokens(buf, v, end);
          if (e < 0) return -1;
          if (isTotal) f.total = t;
          else f.last = t;
          next = e;
        }
      } else if (level === 1 && f.wantCwd && f.type === 2 && keyIs(buf, ka, kb, K_CWD) && buf[v] === QUOTE) {
        next = takeString(buf, v, end, f.cwd, 0);
        if (next < 0) return -1;
      } else if (keyIs(buf, ka, kb, K_MODEL) || keyIs(buf, ka, kb, K_MODEL_NAME)) {
        if (buf[v] === QUOTE) {
          next = takeString(buf, v, end, models, keyIs(buf, ka, kb, K_MODEL) ? 0 : 2);
          if (next < 0) return -1;
        }
      } else if (keyIs(buf, ka, kb, K_METADATA) && buf[v] === LBRACE) next = walk(buf, v, end, level + 2);
    } else if (keyIs(buf, ka, kb, K_MODEL) && buf[v] === QUOTE) {
      // metadata.model
      next = takeString(buf, v, end, level === 3 ? f.models : infoModels, 4);
      if (next < 0) return -1;
    }
    i = next === -2 ? skipValue(buf, v, end) : next;
    if (i < 0) return -1;
  }
}

/** The first non-blank model of the three places, as modelOf does; undefined = needs JSON.parse (padded name). */
function modelAt(buf: Buffer, m: Int32Array): string | null | undefined {
  for (let k = 0; k < 6; k += 2) {
    const a = m[k] as number;
    const b = m[k + 1] as number;
    if (a < 0 || b <= a) continue;
    if (buf[a] === 32 || buf[b - 1] === 32) return undefined;
    return buf.toString('latin1', a, b);
  }
  return null;
}

function fastRaw(buf: Buffer, start: number, end: number): Raw | null {
  f.ts.fill(-1);
  f.type = 0;
  f.token = false;
  f.hasInfo = false;
  f.total = f.last = null;
  f.models.fill(-1);
  infoModels.fill(-1);
  f.cwd[0] = -1;
  const after = walk(buf, start, end, 0);
  if (after < 0 || (after !== end && !(after === end - 1 && buf[after] === 13))) return null;
  const kind = f.type === 2 ? 'turn_context' : f.type === 1 && f.token ? 'token_count' : 'other';
  const ms = (f.ts[0] as number) >= 0 ? instantAt(buf, f.ts[0] as number, f.ts[1] as number) : NaN;
  const payloadModel = modelAt(buf, f.models);
  if (payloadModel === undefined) return null;
  let model = payloadModel;
  if (model === null && kind === 'token_count') {
    const infoModel = modelAt(buf, infoModels);
    if (infoModel === undefined) return null;
    model = infoModel;
  }
  const cwdAt = f.cwd[0];
  const cwd = kind === 'turn_context' && cwdAt >= 0 && (f.cwd[1] as number) > cwdAt ? buf.toString('utf8', cwdAt, f.cwd[1]) : null;
  return { kind, ms, model, total: f.total, last: f.last, cwd };
}

// ---------------------------------------------------------------------------------------------

const SESSION_META = Buffer.from('"type":"session_meta"');

/** The rollout's first line buf[start, end), read with JSON.parse (once per rollout); null when it is not a `session_meta` line. */
export function parseCodexMeta(buf: Buffer, start: number, end: number): CodexSessionMeta | null {
  if (buf.subarray(start, end).indexOf(SESSION_META) < 0) return null;
  const o = parseJsonLine(buf, start, end) as { timestamp?: unknown; type?: unknown; payload?: unknown } | null | undefined;
  if (!o || typeof o !== 'object' || o.type !== 'session_meta') return null;
  const payload = o.payload && typeof o.payload === 'object' ? (o.payload as Record<string, unknown>) : {};
  const field = (v: unknown, key: string): unknown => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined);
  const forked = payload['forked_from_id'];
  const spawnedBy = field(field(field(payload['source'], 'subagent'), 'thread_spawn'), 'parent_thread_id');
  // As ccusage: forked_from_id when it is a string (even empty), else the spawning thread; empty = none.
  const parent = typeof forked === 'string' ? forked : typeof spawnedBy === 'string' ? spawnedBy : '';
  const id = payload['id'];
  const ms = typeof o.timestamp === 'string' ? Date.parse(o.timestamp) : NaN;
  const cwd = payload['cwd'];
  return { id: typeof id === 'string' && id !== '' ? id : null, parent: parent !== '' ? parent : null, ms: Number.isFinite(ms) ? ms : null, cwd: typeof cwd === 'string' && cwd !== '' ? cwd : null };
}

/**
 * Reads the line buf[start, end) into `state`; returns the turn it carries, if any. `marker` is
 * where the scanner found `"type":"t` in it. Lines that are not JSON (torn, garbled) are skipped.
 */
export function parseCodexLine(buf: Buffer, start: number, end: number, marker: number, state: CodexFileState): CodexTurn | null {
  const after = marker + CODEX_NEEDLE.length;
  if (!follows(buf, after, OKEN_COUNT) && !follows(buf, after, URN_CONTEXT)) return null;
  f.wantCwd = state.cwd === null;
  const raw = fastRaw(buf, start, end) ?? slowRaw(buf, start, end);
  if (!raw) return null;
  return applyRaw(raw, state);
}

/** The JSON.parse reading only (the reference the byte-level reader must agree with). */
export function parseCodexLineSlow(buf: Buffer, start: number, end: number, state: CodexFileState): CodexTurn | null {
  const raw = slowRaw(buf, start, end);
  return raw ? applyRaw(raw, state) : null;
}

function applyRaw(raw: Raw, state: CodexFileState): CodexTurn | null {
  if (raw.kind === 'turn_context') {
    if (raw.model) state.model = raw.model;
    if (state.cwd === null && raw.cwd) state.cwd = raw.cwd;
    return null;
  }
  if (raw.kind !== 'token_count') return null;
  const { total, last } = raw;
  if ((total || last) && Number.isFinite(raw.ms)) {
    if (state.firstMs === null) state.firstMs = raw.ms;
    else if (state.burst === null) state.burst = raw.ms >= state.firstMs && raw.ms - state.firstMs <= REPLAY_BURST_MS;
  }
  const p = state.total;
  // Codex writes a token_count again (a new timestamp, the same last_token_usage) where no request
  // was made, e.g. along with a rate-limit update: a total that did not move is no turn, whatever
  // `last` says (ccusage reads it so too).
  if (total && p && total[0] === p[0] && total[1] === p[1] && total[2] === p[2] && total[3] === p[3] && total[4] === p[4]) return null;
  let delta: CodexTotals | null = last;
  if (!delta && total) {
    delta = p ? [Math.max(0, total[0] - p[0]), Math.max(0, total[1] - p[1]), Math.max(0, total[2] - p[2]), Math.max(0, total[3] - p[3]), Math.max(0, total[4] - p[4])] : total;
  }
  if (total) state.total = total;
  if (!delta || delta[0] + delta[1] + delta[2] + delta[3] === 0) return null;
  if (!Number.isFinite(raw.ms)) return null;
  if (raw.model) state.model = raw.model;
  const model = raw.model ?? state.model;
  const [input, cached, output, reasoning, sum] = delta;
  return {
    index: state.turns++,
    ms: raw.ms,
    model: model ?? CODEX_ASSUMED_LABEL,
    priceAs: model ?? CODEX_FALLBACK_MODEL,
    assumed: model === null,
    input,
    cached: Math.min(cached, input),
    output,
    reasoning,
    total: sum,
  };
}

// ---------------------------------------------------------------------------------------------
// The parser: entries, and their counting

// An entry: [ms, model, priceAs, assumed, input, cached, output, reasoning, total, index of the turn in its rollout]

/** The turn of the line at `start` (its `"type":"t` at `marker`) as an entry of `out`; returns the index of its newline. */
function parseLine(buf: Buffer, start: number, _limit: number, marker: number, state: CodexFileState, out: Entries): number {
  const e = buf.indexOf(10, marker);
  const turn = parseCodexLine(buf, start, e, marker, state);
  if (turn) {
    const o = out.next();
    const d = out.data;
    d[o] = turn.ms;
    d[o + 1] = out.model(turn.model);
    d[o + 2] = out.model(turn.priceAs);
    d[o + 3] = turn.assumed ? 1 : 0;
    d[o + 4] = turn.input;
    d[o + 5] = turn.cached;
    d[o + 6] = turn.output;
    d[o + 7] = turn.reasoning;
    d[o + 8] = turn.total;
    d[o + 9] = turn.index;
  }
  return e;
}

/**
 * One turn (entry `o` of `d`, of the rollout `f`, whose state after the read is `codex`) into the
 * state, unless it is history a fork replayed, or the same turn was counted from another copy of
 * the rollout.
 */
function addTurn(ctx: CountContext, f: FileState, codex: CodexFileState, d: Float64Array, o: number, models: readonly string[]): void {
  const state = ctx.state;
  const fileId = f.id;
  const ms = d[o] as number;
  const model = models[d[o + 1] as number] as string;
  const priceAs = models[d[o + 2] as number] as string;
  const input = d[o + 4] as number;
  const cached = d[o + 5] as number;
  const output = d[o + 6] as number;
  const index = d[o + 9] as number;
  const tokens = `${input}|${cached}|${output}|${d[o + 7] as number}|${d[o + 8] as number}`;
  const replay = f.replay !== undefined && replayed(ctx, f, codex, index, tokens, ms);
  // Every turn, replayed or not, is a turn of this session that a fork of it may replay.
  const session = codex.meta?.id;
  if (session) state.sessionTurns.set(hash53(`${session}\u0000${index}|${tokens}`), secondOf(ms));
  if (replay) return;
  const h = hash53(`${ms}|${priceAs}|${tokens}`);
  if (state.events.has(h)) return; // the same turn in another copy of the rollout
  state.events.set(h, fileId);
  ctx.counters.entries++;
  if (d[o + 3] === 1) ctx.counters.assumed++;
  const day = ctx.day(ms);
  const uncached = input - cached;
  const rates = ctx.prices.rates(priceAs, ms, input);
  const cost = rates ? uncached * (rates[0] as number) + cached * (rates[1] as number) + output * (rates[4] as number) : 0;
  state.add(fileId, ctx.bucket(day, model, codex.cwd ?? ''), 1, cost, uncached, output, cached, 0, 1, rates ? 0 : 1);
  ctx.changed.add(day);
}

/**
 * Whether turn `index` of the fork `f` is history it replayed; moves `f.replay` on. A fork (or a
 * spawned sub-agent) opens with its parent's turns, written again at the moment of the fork. As
 * ccusage 20 decides: while each turn equals the parent's turn of the same index (recorded before
 * the fork), it was replayed; at the first that does not, the fork's own turns begin. When not
 * even the first turn is the parent's (the parent's rollout was deleted before it was ever read,
 * or Codex rewrote the copied history), the burst the rollout opens with is taken for the replay,
 * if its first two token_counts came within REPLAY_BURST_MS: every turn within that of the one
 * before it. Whether they did is known once both are written: Codex writes the replay in one go.
 * The running total was kept through the skipped turns (applyRaw), so the next difference is right.
 */
function replayed(ctx: CountContext, f: FileState, codex: CodexFileState, index: number, tokens: string, ms: number): boolean {
  const meta = codex.meta;
  if (f.replay === 'parent') {
    const parent = meta?.parent;
    if (parent && parent !== meta.id) {
      const at = ctx.state.sessionTurns.get(hash53(`${parent}\u0000${index}|${tokens}`));
      if (at >= 0 && (meta.ms === null || at <= secondOf(meta.ms))) return true;
    }
    if (index === 0 && codex.burst === true && codex.firstMs !== null) f.replay = codex.firstMs;
    else {
      delete f.replay;
      return false;
    }
  }
  const last = f.replay;
  if (typeof last === 'number' && ms >= last && ms - last <= REPLAY_BURST_MS) {
    f.replay = ms;
    return true;
  }
  delete f.replay;
  return false;
}

/**
 * Codex rollouts (`sessions/` and `archived_sessions/`, `*.jsonl`): `token_count` lines, one
 * entry per turn, with the model of the `turn_context` before; per file the running total, the
 * model, the session and the working directory (from the first line). A turn is counted once across copies of a
 * rollout, and a fork's replay of its parent's history is not counted again.
 */
export const codexParser: LogParser<CodexFileState> = {
  source: 'codex',
  isLog: (name) => name.endsWith('.jsonl'),
  needle: CODEX_NEEDLE,
  initial: newCodexState,
  copy: (s) => ({ ...s, total: s.total ? [...s.total] : null }),
  head(buf, start, end, state) {
    state.meta = parseCodexMeta(buf, start, end);
    state.cwd = state.meta?.cwd ?? null;
  },
  parseLine,
  count(ctx, f, parsed, codex, fromStart) {
    // Read from the start: a fork first goes through the history it replayed.
    if (fromStart) {
      if (codex.meta?.parent) f.replay = 'parent';
      else delete f.replay;
    }
    const d = parsed.entries;
    for (let k = 0; k < parsed.count; k++) addTurn(ctx, f, codex, d, k * ENTRY, parsed.models);
  },
  // A fork read from its start waits for the end of the scan, so that its parent's turns are known
  // whatever the paths' order (a fork moved to archived_sessions is listed before its parent under sessions).
  defer: (_parsed, codex) => Boolean(codex.meta?.parent),
  forget(f) {
    delete f.replay;
  },
  assumedModel: CODEX_ASSUMED_LABEL,
};
