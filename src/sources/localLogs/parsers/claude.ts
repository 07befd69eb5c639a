/**
 * Claude Code: transcript lines → usage entries, and their counting, each response once.
 *
 * A usage line is an assistant line: top-level `timestamp`, `requestId`, `isSidechain`, and
 * `message.{id, model, usage}` (`usage.speed: "fast"` marks fast mode, priced by the scanner at
 * the model's multiple: src/pricing/fastMode.ts). Most lines are not usage lines and are never looked at: the
 * scanner only hands over lines that contain `"usage":{`.
 *
 * Fast path: a JSON line is mostly content (text, thinking, tool input), and JSON.parse of it all
 * is the cost of a scan. The fast path walks only the parts that matter, as JSON, byte by byte
 * (no string is made for a line): the top-level keys before `message`, the keys of `message`
 * before its `content`, the last `"usage":{…}` object, which must close `message`, and the
 * top-level keys after it. The ids are hashed straight from the bytes. Anything it does not
 * expect (another layout, a `usage` object elsewhere such as a Task result, an escape in a value
 * it needs, a non-integer count) sends the line to `JSON.parse`, which decides. A line that is not
 * JSON (torn, garbled) is skipped without noise.
 */
import { bytes, COLON, COMMA, count, countOf, instantAt, keyIs, LBRACE, N_NULL, parseJsonLine, plainString, QUOTE, RBRACE, readCount, readDigits, skipValue, takeString } from '../jsonBytes';
import { fastModeMultiplier } from '../../../pricing/fastMode';
import { FLAG_SIDECHAIN, FLAG_UNPRICED, hash53, hashBytes, R_BUCKET, R_COST, R_FILE, R_FLAGS, R_INPUT, R_OUTPUT, R_READ, R_WRITE, RECORD, type SourceState } from '../state';
import { ENTRY, type CountContext, type Entries, type LogParser, type ParseCounters } from './types';

/** One response's usage. Reused between lines by the fast path: copy what you keep. */
export interface ClaudeEntry {
  /** Epoch milliseconds. */
  ms: number;
  model: string;
  sidechain: boolean;
  /** True when the line has a `message.id` (then the hashes identify the response). */
  keyed: boolean;
  /** hash53 of `${message.id}\n${requestId ?? ''}`. */
  hExact: number;
  /** hash53 of `message.id`. */
  hMsg: number;
  /** Uncached input tokens. */
  input: number;
  output: number;
  cacheRead: number;
  write5m: number;
  write1h: number;
  /** `message.usage.speed` is `"fast"` (Anthropic fast mode: billed at a multiple of the standard rates). */
  fast: boolean;
}

/**
 * What the scanner searches for: `"usage"` (then checks that `:{` follows). Seven bytes search
 * half again as fast with Buffer.indexOf as the nine of `"usage":{` (fewer table set-ups per call).
 */
export const USAGE_NEEDLE = Buffer.from('"usage"');
/** True when the `"usage"` found at u opens an object (`"usage":{`). */
export function usageObjectAt(buf: Buffer, u: number): boolean {
  return buf[u + 7] === 58 && buf[u + 8] === 123;
}

/** The message head (top-level keys and message keys before `content`) must lie within this many bytes. */
const HEAD_MAX = 8192;

const K_MESSAGE = bytes('message');
const K_CONTENT = bytes('content');
const K_MODEL = bytes('model');
const K_ID = bytes('id');
const K_REQUEST_ID = bytes('requestId');
const K_TIMESTAMP = bytes('timestamp');
const K_SIDECHAIN = bytes('isSidechain');
/** `"messag` (7 bytes: Buffer.indexOf's fast case), then `e":{` is checked. */
const MESSAGE_KEY = Buffer.from('"messag');
const K_SIDECHAIN_COLON = bytes('"isSidechain":');

/** Index of `k` in buf[from, to) by a plain loop (short ranges), or -1. */
function findIn(buf: Buffer, k: Uint8Array, from: number, to: number): number {
  const first = k[0];
  for (let i = from; i + k.length <= to; i++) {
    if (buf[i] !== first) continue;
    let j = 1;
    while (j < k.length && buf[i + j] === k[j]) j++;
    if (j === k.length) return i;
  }
  return -1;
}
const K_INPUT = bytes('input_tokens');
const K_OUTPUT = bytes('output_tokens');
const K_READ = bytes('cache_read_input_tokens');
const K_CREATED = bytes('cache_creation_input_tokens');
const K_BREAKDOWN = bytes('cache_creation');
const K_5M = bytes('ephemeral_5m_input_tokens');
const K_1H = bytes('ephemeral_1h_input_tokens');
const K_SPEED = bytes('speed');
/** The value `"fast"` of `speed`, quotes included. */
const V_FAST = bytes('"fast"');
const USAGE = Uint8Array.from(Buffer.from('"usage":{'));

/** Where the values read lie: [start, end) of the text of `message.model`, `message.id`, `requestId`, `timestamp` (start -1 = not read). */
const span = new Int32Array(8);
const S_MODEL = 0;
const S_ID = 2;
const S_REQ = 4;
const S_TS = 6;

/** Parsed pieces of a line (module scratch: no allocation per line). */
const at = {
  sidechain: false,
  /** Index of `content`'s value start in the message, -1 if not reached. */
  content: -1,
  /** Index of the `{` of the message object. */
  message: -1,
};

/**
 * Walks `"key":value` pairs from i (just after `{` or a `,`) up to `stop` or the closing brace.
 * mode 0: top level (records requestId, timestamp, isSidechain; stops at the key `message`).
 * mode 1: message head (records model, id; stops at the key `content`).
 * Returns the index where it stopped (the key's opening quote), the index after the closing
 * brace when it reached it, or -1 on anything unexpected.
 */
function walkKeys(buf: Buffer, i: number, end: number, mode: 0 | 1): number {
  // The key loop of nextKey (jsonBytes.ts), written out: this walk is the hottest loop of a scan.
  // Through nextKey the walk gets small enough for V8 to inline into fastParse, whose inlining
  // budget then runs out for the calls inside: under callgrind, 2.1% more instructions per byte of
  // Claude Code logs than before the helpers existed; 0.3% with the loop written out.
  while (i < end) {
    const c = buf[i];
    if (c === COMMA) {
      i++;
      continue;
    }
    if (c === RBRACE) return i + 1;
    if (c !== QUOTE) return -1;
    const ka = i + 1;
    const kb = plainString(buf, i, end);
    if (kb < 0 || buf[kb + 1] !== COLON) return -1;
    const v = kb + 2;
    let slot = -1;
    let nullable = false;
    if (mode === 0) {
      if (keyIs(buf, ka, kb, K_MESSAGE)) return ka - 1;
      if (keyIs(buf, ka, kb, K_REQUEST_ID)) {
        slot = S_REQ;
        nullable = true;
      } else if (keyIs(buf, ka, kb, K_TIMESTAMP)) slot = S_TS;
      else if (keyIs(buf, ka, kb, K_SIDECHAIN)) at.sidechain = buf[v] === 116; // true
    } else if (keyIs(buf, ka, kb, K_CONTENT)) {
      at.content = v;
      return ka - 1;
    } else if (keyIs(buf, ka, kb, K_MODEL)) slot = S_MODEL;
    else if (keyIs(buf, ka, kb, K_ID)) {
      slot = S_ID;
      nullable = true;
    }
    if (slot >= 0) {
      const after = takeString(buf, v, end, span, slot);
      if (after >= 0) {
        i = after;
        continue;
      }
      // Escaped: let JSON.parse read it; a null id or requestId: skipped below.
      if (!nullable || buf[v] !== N_NULL) return -1;
    }
    i = skipValue(buf, v, end);
    if (i < 0) return -1;
  }
  return -1;
}

/** Token counts of the usage object at i (its `{`); returns the index of its closing brace or -1. */
const usage = new Float64Array(7); // input, output, read, created, 5m, 1h (-1 = absent), fast (1 = speed is "fast")
const FAST = 6;

/** True when the value at v is exactly `"fast"` (followed by `,` or `}`). */
function fastAt(buf: Buffer, v: number): boolean {
  for (let j = 0; j < V_FAST.length; j++) if (buf[v + j] !== V_FAST[j]) return false;
  const next = buf[v + V_FAST.length];
  return next === COMMA || next === RBRACE;
}

/** The usage object as Claude Code writes it, key by key; the counts in between. */
const USUAL = [bytes('{"input_tokens":'), bytes(',"cache_creation_input_tokens":'), bytes(',"cache_read_input_tokens":'), bytes(',"cache_creation":{"ephemeral_5m_input_tokens":'), bytes(',"ephemeral_1h_input_tokens":'), bytes('},"output_tokens":')] as const;
const USUAL_SLOTS = [0, 3, 2, 4, 5, 1] as const;

/** Matches the usual layout up to output_tokens; the index after it (at `,` or `}`) or -1. */
function readUsual(buf: Buffer, i: number, end: number): number {
  for (let k = 0; k < USUAL.length; k++) {
    const pat = USUAL[k] as Uint8Array;
    if (i + pat.length >= end) return -1;
    for (let j = 0; j < pat.length; j++) if (buf[i + j] !== pat[j]) return -1;
    i += pat.length;
    const e = readDigits(buf, i, end);
    if (e === i) return -1;
    usage[USUAL_SLOTS[k] as number] = count.value;
    i = e;
  }
  return i;
}

function readUsage(buf: Buffer, i: number, end: number): number {
  usage.fill(-1);
  const usual = readUsual(buf, i, end);
  if (usual >= 0) {
    // The rest: simple keys (service_tier, speed, server_tool_use…) up to the closing brace.
    let k = usual;
    while (k < end) {
      const c = buf[k];
      if (c === RBRACE) return k;
      if (c !== COMMA) return fallbackUsage(buf, i, end);
      const kb = plainString(buf, k + 1, end);
      if (kb < 0 || buf[kb + 1] !== COLON) return fallbackUsage(buf, i, end);
      if (keyIs(buf, k + 2, kb, K_INPUT) || keyIs(buf, k + 2, kb, K_OUTPUT) || keyIs(buf, k + 2, kb, K_READ) || keyIs(buf, k + 2, kb, K_CREATED) || keyIs(buf, k + 2, kb, K_BREAKDOWN)) return fallbackUsage(buf, i, end);
      if (keyIs(buf, k + 2, kb, K_SPEED) && fastAt(buf, kb + 2)) usage[FAST] = 1;
      k = skipValue(buf, kb + 2, end);
      if (k < 0) return -1;
    }
    return -1;
  }
  return fallbackUsage(buf, i, end);
}

/** Any key order: the general reader. */
function fallbackUsage(buf: Buffer, i: number, end: number): number {
  usage.fill(-1);
  let depth = 0;
  let inBreakdown = false;
  while (i < end) {
    const c = buf[i];
    if (c === LBRACE) {
      depth++;
      i++;
    } else if (c === RBRACE) {
      if (--depth === 0) return i;
      inBreakdown = false;
      i++;
    } else if (c === COMMA) i++;
    else if (c === QUOTE) {
      const ka = i + 1;
      const kb = plainString(buf, i, end);
      if (kb < 0 || buf[kb + 1] !== COLON) return -1;
      let slot = -1;
      if (depth === 1) {
        if (keyIs(buf, ka, kb, K_INPUT)) slot = 0;
        else if (keyIs(buf, ka, kb, K_OUTPUT)) slot = 1;
        else if (keyIs(buf, ka, kb, K_READ)) slot = 2;
        else if (keyIs(buf, ka, kb, K_CREATED)) slot = 3;
        else if (keyIs(buf, ka, kb, K_BREAKDOWN)) inBreakdown = buf[kb + 2] === LBRACE;
        else if (keyIs(buf, ka, kb, K_SPEED) && fastAt(buf, kb + 2)) usage[FAST] = 1;
      } else if (depth === 2 && inBreakdown) {
        if (keyIs(buf, ka, kb, K_5M)) slot = 4;
        else if (keyIs(buf, ka, kb, K_1H)) slot = 5;
      }
      i = kb + 2;
      if (buf[i] === LBRACE && inBreakdown && depth === 1) continue; // descend into cache_creation
      // 1.5, 1e3, a count that is not a number: -1 (null reads as absent)
      i = readCount(buf, i, end, slot >= 0);
      if (i < 0) return -1;
      if (slot >= 0 && count.value >= 0) usage[slot] = count.value;
    } else return -1;
  }
  return -1;
}

/** Model names seen, by the hash of their bytes (a handful of distinct names). */
const models = new Map<number, string>();
function modelAt(buf: Buffer, a: number, b: number): string {
  const h = hashBytes(buf, a, b);
  let m = models.get(h);
  if (m === undefined || m.length !== b - a) {
    m = buf.toString('latin1', a, b);
    if (models.size < 10_000) models.set(h, m);
  }
  return m;
}

/** 5-minute and one-hour writes: the breakdown when present (one-hour writes cost more), else all 5-minute. Sets `w`. */
const w = { w5: 0, w1: 0 };
function writes(created: number, b5: number, b1: number): void {
  w.w5 = Math.max(0, b5);
  w.w1 = Math.max(0, b1);
  if (w.w5 + w.w1 === 0) {
    w.w5 = created;
    w.w1 = 0;
  }
}

const scratch: ClaudeEntry = { ms: 0, model: '', sidechain: false, keyed: false, hExact: 0, hMsg: 0, input: 0, output: 0, cacheRead: 0, write5m: 0, write1h: 0, fast: false };

/** The fast path: the entry, null = not the expected layout (JSON.parse decides), 'skip' = not a usage entry. */
function fastParse(buf: Buffer, start: number, end: number, firstUsage: number): ClaudeEntry | null | 'skip' {
  // `end` is the end of the data (the line's newline lies before it).
  if (buf[start] !== LBRACE) return null;
  span[S_MODEL] = span[S_ID] = span[S_REQ] = span[S_TS] = at.content = -1;
  at.sidechain = false;
  const headEnd = Math.min(firstUsage, start + HEAD_MAX);
  // Top-level keys up to `message`.
  // The top-level `message` key: found by search, not by walking the keys before it (cwd,
  // session id, …). A match that is not the top-level key cannot pass the checks below (the line
  // must end right after `message` and the top-level keys that follow it).
  const m = buf.indexOf(MESSAGE_KEY, start);
  if (m < 0 || m >= headEnd || buf[m + 7] !== 101 || buf[m + 8] !== QUOTE || buf[m + 9] !== COLON || buf[m + 10] !== LBRACE) return null;
  const mEnd = m + 8;
  // isSidechain sits before `message` (or after it, read by the tail walk below).
  const sc = findIn(buf, K_SIDECHAIN_COLON, start, m);
  if (sc >= 0 && buf[sc + K_SIDECHAIN_COLON.length] === 116) at.sidechain = true;
  // Message keys up to `content`.
  if (walkKeys(buf, mEnd + 3, headEnd, 1) < 0 || at.content < 0 || span[S_MODEL] < 0) return null;
  // The usage object found first must be message.usage: it comes after `content` and closes
  // `message`, and only top-level keys follow it (a `usage` inside content fails these checks).
  const u = firstUsage;
  if (u <= at.content) return null;
  const close = readUsage(buf, u + USAGE.length - 1, end);
  // `usage` must be the last key of `message`.
  if (close < 0 || buf[close + 1] !== RBRACE) return null;
  // Top-level keys after `message`.
  const after = walkKeys(buf, close + 2, end, 0);
  if (after < 0) return null;
  const nl = buf[after] === 13 ? after + 1 : after; // CRLF allowed
  if (nl >= end || buf[nl] !== 10) return null;
  line.end = nl;
  const input = usage[0] as number;
  const output = usage[1] as number;
  if (input < 0 || output < 0) return 'skip';
  if (span[S_TS] < 0 || span[S_REQ] < 0) {
    // Not after `message`: walk the keys before it (the layout of other versions).
    if (walkKeys(buf, start + 1, m + 1, 0) !== m) return null;
    if (span[S_TS] < 0) return null;
  }
  const ms = instantAt(buf, span[S_TS], span[S_TS + 1] as number);
  if (!Number.isFinite(ms)) return 'skip';
  writes(Math.max(0, usage[3] as number), usage[4] as number, usage[5] as number);
  const e = scratch;
  e.ms = ms;
  const modelA = span[S_MODEL];
  const modelB = span[S_MODEL + 1] as number;
  const idA = span[S_ID];
  const idB = span[S_ID + 1] as number;
  const reqA = span[S_REQ];
  e.model = modelB > modelA ? modelAt(buf, modelA, modelB) : 'unknown';
  e.sidechain = at.sidechain;
  e.keyed = idA >= 0 && idB > idA;
  e.hMsg = e.keyed ? hashBytes(buf, idA, idB) : 0;
  // `${message.id}\n${requestId ?? ''}`, as the slow path hashes it.
  e.hExact = e.keyed ? (reqA >= 0 ? hashBytes(buf, idA, idB, reqA, span[S_REQ + 1]) : hashBytes(buf, idA, idB, 0, 0)) : 0;
  e.input = input;
  e.output = output;
  e.cacheRead = Math.max(0, usage[2] as number);
  e.write5m = w.w5;
  e.write1h = w.w1;
  e.fast = usage[FAST] === 1;
  return e;
}

interface RawUsage {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cache_read_input_tokens?: unknown;
  cache_creation_input_tokens?: unknown;
  cache_creation?: { ephemeral_5m_input_tokens?: unknown; ephemeral_1h_input_tokens?: unknown } | null;
  speed?: unknown;
}

interface RawLine {
  timestamp?: unknown;
  requestId?: unknown;
  isSidechain?: unknown;
  message?: { id?: unknown; model?: unknown; usage?: RawUsage } | null;
}

/** The slow path, from the parsed line (a new object). */
export function parseClaudeObject(o: unknown): ClaudeEntry | null {
  if (!o || typeof o !== 'object') return null;
  const line = o as RawLine;
  const message = line.message;
  if (!message || typeof message !== 'object' || !message.usage || typeof message.usage !== 'object') return null;
  const u = message.usage;
  if (typeof u.input_tokens !== 'number' || typeof u.output_tokens !== 'number') return null;
  if (typeof line.timestamp !== 'string') return null;
  const ms = Date.parse(line.timestamp);
  if (!Number.isFinite(ms)) return null;
  const b = u.cache_creation && typeof u.cache_creation === 'object' ? u.cache_creation : undefined;
  const has = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.max(0, v) : -1);
  writes(countOf(u.cache_creation_input_tokens), b ? has(b.ephemeral_5m_input_tokens) : -1, b ? has(b.ephemeral_1h_input_tokens) : -1);
  const id = typeof message.id === 'string' && message.id !== '' ? message.id : undefined;
  const req = typeof line.requestId === 'string' ? line.requestId : '';
  return {
    ms,
    model: typeof message.model === 'string' && message.model !== '' ? message.model : 'unknown',
    sidechain: line.isSidechain === true,
    keyed: id !== undefined,
    hExact: id !== undefined ? hash53(`${id}\n${req}`) : 0,
    hMsg: id !== undefined ? hash53(id) : 0,
    input: countOf(u.input_tokens),
    output: countOf(u.output_tokens),
    cacheRead: countOf(u.cache_read_input_tokens),
    write5m: w.w5,
    write1h: w.w1,
    fast: u.speed === 'fast',
  };
}

/** Parses through JSON.parse only (the reference the fast path must agree with). */
export function parseClaudeLineSlow(buf: Buffer, start: number, end: number): ClaudeEntry | null {
  return parseClaudeObject(parseJsonLine(buf, start, end)); // not JSON (a torn or garbled line): skipped without noise
}

/** Where the line handed to parseClaudeLine ends (the index of its newline). */
export const line = { end: -1 };

/**
 * The usage entry of the line starting at `start`, whose first `"usage":{` is at `firstUsage`;
 * null when it is not one. `limit` is the end of the data: the line's newline lies before it.
 * Sets `line.end` to the index of the line's newline. The fast path's entry object is reused by
 * the next call: copy what you keep.
 */
export function parseClaudeLine(buf: Buffer, start: number, limit: number, firstUsage: number, counters?: ParseCounters): ClaudeEntry | null {
  line.end = -1;
  const fast = fastParse(buf, start, limit, firstUsage);
  if (line.end < 0) {
    const nl = buf.indexOf(10, firstUsage);
    line.end = nl < 0 || nl >= limit ? limit : nl;
  }
  if (fast === 'skip') return null;
  if (fast !== null) {
    if (counters) counters.fast++;
    return fast;
  }
  if (counters) counters.slow++;
  return parseClaudeLineSlow(buf, start, line.end);
}

// ---------------------------------------------------------------------------------------------
// The parser: entries, and their counting

// An entry: [ms, hExact, hMsg, flags, input, output, cacheRead, write5m, write1h, model]
export const E_FLAG_KEYED = 1;
export const E_FLAG_SIDECHAIN = 2;
/** `speed: "fast"`: priced at the model's fast-mode multiple. */
export const E_FLAG_FAST = 4;

/** What is remembered per transcript: its working directory (the project), from the first usage line that names one. */
export interface ClaudeFileState {
  cwd: string | null;
}

const CWD_KEY = Buffer.from('"cwd":"');

/**
 * The top-level `cwd` of the line buf[start, end), looked for among the keys before `message`
 * (within HEAD_MAX bytes); null when none. Read once per transcript, not per line.
 */
export function cwdOfLine(buf: Buffer, start: number, end: number): string | null {
  const at = buf.subarray(start, Math.min(end, start + HEAD_MAX)).indexOf(CWD_KEY);
  if (at < 0) return null;
  const open = start + at + CWD_KEY.length - 1;
  let i = open + 1;
  while (i < end && buf[i] !== QUOTE) i += buf[i] === 92 ? 2 : 1; // a backslash escapes the next byte
  if (i >= end) return null;
  try {
    const cwd = JSON.parse(buf.toString('utf8', open, i + 1)) as unknown;
    return typeof cwd === 'string' && cwd !== '' ? cwd : null;
  } catch {
    return null;
  }
}

/**
 * The project of a transcript whose lines name no `cwd`: the folder under `projects/` it lies in
 * (Claude Code's encoding of the working directory, every character but letters and digits made
 * `-`, which cannot be decoded for sure: kept as it is, as ccusage names the project); '' when
 * the path has no such folder.
 */
export function claudeProjectOfPath(file: string): string {
  const parts = file.split(/[\\/]/);
  const i = parts.indexOf('projects');
  return i >= 0 && i + 2 < parts.length ? (parts[i + 1] ?? '') : '';
}

/** The usage of the line at `start` (its `"usage"` at `marker`) as an entry of `out`; returns the index of its newline. */
function parseLine(buf: Buffer, start: number, limit: number, marker: number, state: ClaudeFileState, out: Entries, counters: ParseCounters): number {
  const entry = parseClaudeLine(buf, start, limit, marker, counters);
  if (state.cwd === null && entry) state.cwd = cwdOfLine(buf, start, line.end);
  if (entry && entry.input + entry.output + entry.cacheRead + entry.write5m + entry.write1h > 0) {
    const o = out.next();
    const d = out.data;
    d[o] = entry.ms;
    d[o + 1] = entry.hExact;
    d[o + 2] = entry.hMsg;
    d[o + 3] = (entry.keyed ? E_FLAG_KEYED : 0) | (entry.sidechain ? E_FLAG_SIDECHAIN : 0) | (entry.fast ? E_FLAG_FAST : 0);
    d[o + 4] = entry.input;
    d[o + 5] = entry.output;
    d[o + 6] = entry.cacheRead;
    d[o + 7] = entry.write5m;
    d[o + 8] = entry.write1h;
    d[o + 9] = out.model(entry.model);
  }
  return line.end;
}

/** One response (entry `o` of `d`, of a transcript of `project`) into the state, deduplicated. */
function addResponse(ctx: CountContext, fileId: number, d: Float64Array, o: number, models: readonly string[], project: string): void {
  const state = ctx.state;
  const ms = d[o] as number;
  const flags = d[o + 3] as number;
  const input = d[o + 4] as number;
  const output = d[o + 5] as number;
  const read = d[o + 6] as number;
  const w5 = d[o + 7] as number;
  const w1 = d[o + 8] as number;
  const model = models[d[o + 9] as number] as string;
  const sidechain = (flags & E_FLAG_SIDECHAIN) !== 0;
  const write = w5 + w1;
  const total = input + output + read + write;
  if (total === 0) return;
  ctx.counters.entries++;
  const day = ctx.day(ms);
  const rates = ctx.prices.rates(model, ms, input + read + write);
  let cost = rates ? input * (rates[0] as number) + read * (rates[1] as number) + w5 * (rates[2] as number) + w1 * (rates[3] as number) + output * (rates[4] as number) : 0;
  if (rates && (flags & E_FLAG_FAST) !== 0) {
    // Fast mode: every rate times the model's multiplier; unknown → standard rates, flagged.
    const k = fastModeMultiplier(model);
    if (k !== null) cost *= k;
    else state.fastUnknown.add(model);
  }
  const unpriced = rates ? 0 : 1;
  const bucket = ctx.bucket(day, model, project);
  if ((flags & E_FLAG_KEYED) === 0) {
    state.add(fileId, bucket, 1, cost, input, output, read, write, 1, unpriced);
    ctx.changed.add(day);
    return;
  }
  const hExact = d[o + 1] as number;
  const hMsg = d[o + 2] as number;
  let r = state.exact.get(hExact);
  if (r < 0) {
    const m = state.byMsg.get(hMsg);
    // A sidechain copy of a message (e.g. /btw replays the parent's with a new request id) is the same response.
    if (m >= 0 && (sidechain || ((state.records[m * RECORD + R_FLAGS] as number) & FLAG_SIDECHAIN) !== 0)) r = m;
  }
  if (r >= 0) {
    const rec = state.records;
    const q = r * RECORD;
    const existingSide = ((rec[q + R_FLAGS] as number) & FLAG_SIDECHAIN) !== 0;
    const existingTotal = (rec[q + R_INPUT] as number) + (rec[q + R_OUTPUT] as number) + (rec[q + R_READ] as number) + (rec[q + R_WRITE] as number);
    // Keep the main-chain copy over a sidechain one, else the copy with the most tokens (the last streaming snapshot).
    const replace = sidechain !== existingSide ? existingSide : total > existingTotal;
    if (replace) {
      const oldBucket = rec[q + R_BUCKET] as number;
      state.add(rec[q + R_FILE] as number, oldBucket, -1, rec[q + R_COST] as number, rec[q + R_INPUT] as number, rec[q + R_OUTPUT] as number, rec[q + R_READ] as number, rec[q + R_WRITE] as number, 1, ((rec[q + R_FLAGS] as number) & FLAG_UNPRICED) !== 0 ? 1 : 0);
      ctx.changed.add(state.bucketDay[oldBucket] as string);
      writeRecord(state, r, fileId, bucket, sidechain, input, output, read, write, cost, unpriced);
      state.add(fileId, bucket, 1, cost, input, output, read, write, 1, unpriced);
      ctx.changed.add(day);
    }
    state.exact.set(hExact, r);
    return;
  }
  r = state.newRecord();
  writeRecord(state, r, fileId, bucket, sidechain, input, output, read, write, cost, unpriced);
  state.add(fileId, bucket, 1, cost, input, output, read, write, 1, unpriced);
  state.exact.set(hExact, r);
  if (!state.byMsg.has(hMsg)) state.byMsg.set(hMsg, r);
  ctx.changed.add(day);
}

function writeRecord(state: SourceState, r: number, fileId: number, bucket: number, sidechain: boolean, input: number, output: number, read: number, write: number, cost: number, unpriced: number): void {
  const rec = state.records;
  const o = r * RECORD;
  rec[o + R_FILE] = fileId;
  rec[o + R_BUCKET] = bucket;
  rec[o + R_FLAGS] = (sidechain ? FLAG_SIDECHAIN : 0) | (unpriced ? FLAG_UNPRICED : 0);
  rec[o + R_INPUT] = input;
  rec[o + R_OUTPUT] = output;
  rec[o + R_READ] = read;
  rec[o + R_WRITE] = write;
  rec[o + R_COST] = cost;
}

/**
 * Claude Code transcripts (`*.jsonl` under `projects/`): lines with `"usage":{`, one entry per
 * response; the same response written again (streaming snapshots, resumed and forked sessions, a
 * sidechain's replay) is counted once, as its main-chain copy with the most tokens. The project is
 * the transcript's working directory (per file: the `cwd` of its first usage line that has one,
 * else the folder it lies in).
 */
export const claudeParser: LogParser<ClaudeFileState> = {
  source: 'claudeCode',
  isLog: (name) => name.endsWith('.jsonl'),
  needle: USAGE_NEEDLE,
  accepts: usageObjectAt,
  initial: () => ({ cwd: null }),
  copy: (s) => ({ cwd: s.cwd }),
  parseLine,
  count(ctx, f, parsed, state) {
    const d = parsed.entries;
    const project = state.cwd ?? claudeProjectOfPath(f.path);
    for (let k = 0; k < parsed.count; k++) addResponse(ctx, f.id, d, k * ENTRY, parsed.models, project);
  },
};
