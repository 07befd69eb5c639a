/**
 * Antigravity (Google's agent, CLI `agy`, IDE and desktop): one SQLite database per conversation,
 * usage in protobuf blobs → usage per model call, each call once.
 *
 * Where: `<root>/conversations/**\/*.db` under `~/.gemini/antigravity`, `~/.gemini/antigravity-cli`,
 * `~/.gemini/antigravity-ide`, `~/.gemini/antigravity-backup` and `~/.config/antigravity`, or the
 * comma-separated roots of `ANTIGRAVITY_DATA_DIR` (ccusage's variable: Antigravity itself has none
 * we know of; its `--app_data_dir` flag names the folder under `~/.gemini`). A sub-conversation
 * (a sub-agent, an arm of a model comparison) is a database of its own, deeper in `conversations/`.
 * WAL mode: recent rows can be in the `-wal` file (the scanner's node:sqlite sees them).
 *
 * Antigravity ships no `.proto`. The field numbers below are those of the protobuf descriptors
 * embedded in the `agy` binary (`exa.codeium_common_pb.ModelUsageStats`, `exa.cortex_pb.
 * ChatModelMetadata`, `CortexStepMetadata`), as ccusage's adapter and two independent readers of
 * the binary report them alike (references below); Antigravity must read these blobs back after
 * its own upgrades, so it cannot renumber them. Only these fields are read:
 * - `gen_metadata(idx, data)`: `data` = { 1: ChatModelMetadata { 3: model (enum id), 4: usage
 *   (ModelUsageStats), 9: chat start { 4: created_at (Timestamp) }, 17: retry_infos { 2: usage },
 *   19: response_model (text), 21: display name } }.
 * - `steps(idx, metadata)`: CortexStepMetadata { 1: created_at, 8: timestamp (Timestamp),
 *   9: model_usage, 24: model info { 1: enum id, 12 / 8: name }, 28: retry_infos { 2: usage } }:
 *   one row per invocation, background calls included, which `gen_metadata` may not hold.
 * - `trajectory_metadata_blob(data)`: { 2: created_at }: the conversation's start, the date of a
 *   call that has none of its own. (Failing that: the database file's change time.)
 * - ModelUsageStats { 1: model (enum id), 2: input_tokens, 3: output_tokens, 4: cache_write_tokens,
 *   5: cache_read_tokens, 7: message_id, 9: thinking_output_tokens, 10: response_output_tokens,
 *   11: response_id, 12: provider_assigned_message_id }. Timestamp { 1: seconds, 2: nanos }.
 *
 * Traps:
 * - `input_tokens` excludes the cache reads (a call logs input 4,050 beside cache reads 16,275);
 *   `output_tokens` already includes `thinking_output_tokens` (output = thinking + response on
 *   every call an independent reader checked): counted as output once. Where `output_tokens` is
 *   missing it is rebuilt as thinking + response. (ccusage's report shows the response part as
 *   `outputTokens` and adds the thinking in `totalTokens` and its cost: the same sum.)
 * - One call is recorded in several places: in `steps` and in `gen_metadata`, in `retry_infos`
 *   beside the failed attempts, and again in a sub-conversation's database. Within a database the
 *   records sharing an identity (response id, provider message id, message id) are one call
 *   (largest count of each kind, earliest of the best-ranked dates: a step's own date, then a
 *   date another record of the same call has, then the conversation's, then the file's); across
 *   databases the call is keyed by its preferred identity and the copy with the most tokens counts.
 *   (ccusage takes the largest count of each kind across databases too; copies differ only when
 *   Antigravity rewrote one.) A failed attempt with its own response id is a call of its own.
 * - Models: the `response_model` text (e.g. "Gemini 3 Pro (High)", "gemini-3-flash") or the model
 *   enum id, named as ccusage names them (effort suffixes dropped, Antigravity's aliases and
 *   placeholder ids mapped), then spelt as genai-prices knows them ("gemini-3-pro" is
 *   `gemini-3-pro-preview`, "claude-4.5-sonnet" is `claude-sonnet-4-5`, …). A call with no model
 *   anywhere is `gemini-internal-model`, an unknown id `antigravity-model-<id>`: unpriced.
 * - A malformed blob loses its row only (ccusage stops at it).
 * - Antigravity leaves `model_cost` / `credit_cost` unset on consumer accounts: no logged cost.
 * - The working directory is in `trajectory_metadata_blob` too, under a field number no reader
 *   documents: not read (no project).
 *
 * Read whole on every change (no `readSince`): a call's usage is merged from several rows (its
 * steps, its generation, their retries), so a row cannot be counted alone; a database holds one
 * conversation, small.
 *
 * References: ccusage/ccusage rust/adapters/antigravity/README.md @ 087b936e (field table),
 * src/proto.rs @ 2fbeb31d (field numbers "recovered from the FileDescriptorProto blobs embedded in
 * the agy binary"), src/parser.rs @ 0a67b461 and src/paths.rs @ 12f33fd7 (the version whose
 * behaviour ccusage 20.0.24's binary shows: probed with databases built in the test); two
 * independent reverse-engineering notes found by code search (the full ModelUsageStats descriptor
 * dumped from the binary; "output = thinking + response on 100%" of 5,434 calls, "cache_read >
 * input on 4,876"). Not Antigravity's own source: it is closed.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../paths';
import type { SqliteDb, SqliteFormat, Usage } from './format';

/** A call with no model anywhere (ccusage's name). */
export const ANTIGRAVITY_UNKNOWN_MODEL = 'gemini-internal-model';

// ---- protobuf wire format (only what Antigravity's blobs use) ----

/** One field: a varint, or the bytes of a length-delimited field (fixed-width ones are skipped). */
interface Field {
  readonly n: number;
  readonly v?: number;
  readonly b?: Uint8Array;
}

class Malformed extends Error {}

/** A message's fields in order; throws Malformed on a truncated or invalid message. */
export function decodeFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let p = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      if (p >= buf.length) throw new Malformed('truncated varint');
      const byte = buf[p++] as number;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
    throw new Malformed('varint overflow');
  };
  while (p < buf.length) {
    const tag = varint();
    const n = Math.floor(tag / 8);
    if (n === 0) throw new Malformed('field number zero');
    switch (tag % 8) {
      case 0:
        out.push({ n, v: varint() });
        break;
      case 1:
        p += 8;
        break;
      case 2: {
        const len = varint();
        if (p + len > buf.length) throw new Malformed('truncated bytes');
        out.push({ n, b: buf.subarray(p, p + len) });
        p += len;
        break;
      }
      case 5:
        p += 4;
        break;
      default:
        throw new Malformed('unsupported wire type');
    }
    if (p > buf.length) throw new Malformed('truncated fixed-width value');
  }
  return out;
}

/** The last varint of field `n` (protobuf: the last one wins). */
function varintOf(fields: readonly Field[], n: number): number | undefined {
  for (let k = fields.length - 1; k >= 0; k--) {
    const f = fields[k] as Field;
    if (f.n === n && f.v !== undefined) return f.v;
  }
  return undefined;
}

/** The first bytes of field `n`. */
function bytesOf(fields: readonly Field[], n: number): Uint8Array | undefined {
  return fields.find((f) => f.n === n && f.b !== undefined)?.b;
}

function allBytesOf(fields: readonly Field[], n: number): Uint8Array[] {
  return fields.filter((f) => f.n === n && f.b !== undefined).map((f) => f.b as Uint8Array);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The last text of field `n`, if it is UTF-8 and not blank. */
function textOf(fields: readonly Field[], n: number): string | undefined {
  for (let k = fields.length - 1; k >= 0; k--) {
    const f = fields[k] as Field;
    if (f.n !== n || f.b === undefined) continue;
    try {
      const t = UTF8.decode(f.b);
      return t.trim() === '' ? undefined : t;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A google.protobuf.Timestamp → ms; none for an unset or non-positive one. */
function timestampOf(bytes: Uint8Array | undefined): number | undefined {
  if (!bytes) return undefined;
  const f = decodeFields(bytes);
  const seconds = varintOf(f, 1);
  if (seconds === undefined || seconds <= 0) return undefined;
  return seconds * 1000 + Math.floor(Math.min(varintOf(f, 2) ?? 0, 999_999_999) / 1e6);
}

// ---- models ----

/** Antigravity's model enum ids (and placeholder ids) as ccusage names them. */
function modelOfId(id: number): string {
  const named: Record<number, string> = {
    246: 'gemini-2.5-pro',
    312: 'gemini-2.5-flash',
    313: 'gemini-2.5-flash-thinking',
    329: 'gemini-2.5-flash-thinking',
    330: 'gemini-2.5-flash-lite',
    281: 'claude-4-sonnet',
    282: 'claude-4-sonnet',
    290: 'claude-4-opus',
    291: 'claude-4-opus',
    333: 'claude-4.5-sonnet',
    334: 'claude-4.5-sonnet',
    340: 'claude-4.5-haiku',
    341: 'claude-4.5-haiku',
    342: 'model_openai_gpt_oss_120b_medium',
    1318: 'gemini-3.8-flash-high',
    1319: 'gemini-3.8-flash-medium',
    1320: 'gemini-3.8-flash-low',
    1298: 'gemini-3.7-flash-high',
    1299: 'gemini-3.7-flash-medium',
    1300: 'gemini-3.7-flash-low',
    1071: 'gemini-3.6-flash-high',
    1072: 'gemini-3.6-flash-medium',
    1073: 'gemini-3.6-flash-low',
  };
  return named[id] ?? (id >= 1000 ? `model_placeholder_m${id - 1000}` : `antigravity-model-${id}`);
}

const EFFORT_VARIANTS: Record<string, string> = {
  'gemini 3.8 flash (high)': 'gemini-3.8-flash-high',
  'gemini 3.8 flash (medium)': 'gemini-3.8-flash-medium',
  'gemini 3.8 flash (low)': 'gemini-3.8-flash-low',
  'gemini 3.7 flash (high)': 'gemini-3.7-flash-high',
  'gemini 3.7 flash (medium)': 'gemini-3.7-flash-medium',
  'gemini 3.7 flash (low)': 'gemini-3.7-flash-low',
  'gemini 3.6 flash (high)': 'gemini-3.6-flash-high',
  'gemini 3.6 flash (medium)': 'gemini-3.6-flash-medium',
  'gemini 3.6 flash (low)': 'gemini-3.6-flash-low',
};

const ALIASES: Record<string, string> = {
  'gemini 3.8 flash': 'gemini-3.8-flash',
  'gemini 3.8 flash thinking': 'gemini-3.8-flash',
  'gemini 3.7 flash': 'gemini-3.7-flash',
  'gemini 3.7 flash thinking': 'gemini-3.7-flash',
  'gemini 3.7 pro': 'gemini-3.7-pro',
  'gemini 3.7 pro thinking': 'gemini-3.7-pro',
  'gemini 3.6 flash': 'gemini-3.6-flash',
  'gemini 3 flash': 'gemini-3.6-flash',
  'gemini 3.6 pro': 'gemini-3.6-pro',
  'gemini 3 pro': 'gemini-3-pro',
  'gemini 3 pro thinking': 'gemini-3-pro',
  'gemini 2.5 flash': 'gemini-2.5-flash',
  'gemini 2.5 pro': 'gemini-2.5-pro',
  'gemini 2.0 flash': 'gemini-2.0-flash',
  'gemini 2 flash': 'gemini-2.0-flash',
  'gemini 2.0 pro': 'gemini-2.0-pro',
  'gemini 1.5 flash': 'gemini-1.5-flash',
  'gemini 1.5 pro': 'gemini-1.5-pro',
  model_placeholder_m318: 'gemini-3.8-flash-high',
  model_placeholder_m319: 'gemini-3.8-flash-medium',
  model_placeholder_m320: 'gemini-3.8-flash-low',
  model_placeholder_m298: 'gemini-3.7-flash-high',
  model_placeholder_m299: 'gemini-3.7-flash-medium',
  model_placeholder_m300: 'gemini-3.7-flash-low',
  model_placeholder_m71: 'gemini-3.6-flash-high',
  model_placeholder_m72: 'gemini-3.6-flash-medium',
  model_placeholder_m73: 'gemini-3.6-flash-low',
  model_placeholder_m26: 'claude-opus-4-6',
  model_placeholder_m35: 'claude-sonnet-4-6',
  model_placeholder_m36: 'gemini-3.1-pro',
  model_placeholder_m37: 'gemini-3.1-pro',
  model_placeholder_m16: 'gemini-3.1-pro',
  model_placeholder_m18: 'gemini-3-flash-preview',
  model_placeholder_m84: 'gemini-3-flash-preview',
  model_placeholder_m47: 'gemini-3-flash-preview',
  model_placeholder_m132: 'gemini-3.5-flash-high',
  model_placeholder_m133: 'gemini-3.5-flash-high',
  model_placeholder_m187: 'gemini-3.5-flash-extra-low',
  model_placeholder_m20: 'gemini-3.5-flash-medium',
  model_openai_gpt_oss_120b_medium: 'gpt-oss-120b-medium',
  'gemini-pro-default': 'gemini-3.1-pro',
  'gemini-pro-agent': 'gemini-3.1-pro',
  'gemini-3-flash-agent': 'gemini-3.5-flash-high',
  'gemini-3-flash-agent-a': 'gemini-3.5-flash-high',
  'gemini-3-flash-agent-b': 'gemini-3.5-flash-high',
  'gemini-3-flash-a': 'gemini-3.5-flash-high',
  'gemini-3-flash-b': 'gemini-3.5-flash-high',
  'gemini-3-flash-c': 'gemini-3-flash-preview',
  'gemini-3-flash': 'gemini-3-flash-preview',
  'gemini-3.5-flash-low': 'gemini-3.5-flash-medium',
  'gemini-3.1-pro-high': 'gemini-3.1-pro',
  'gemini-3.1-pro-low': 'gemini-3.1-pro',
  'gemini-3-pro-high': 'gemini-3-pro',
  'gemini-3-pro-low': 'gemini-3-pro',
  'claude 3.7 sonnet': 'claude-3-7-sonnet',
  'claude 3.7 sonnet thinking': 'claude-3-7-sonnet',
  'claude 3.5 sonnet': 'claude-3-5-sonnet',
  'claude 3.5 haiku': 'claude-3-5-haiku',
  'claude 3 opus': 'claude-3-opus',
};

/** An Antigravity model text as ccusage 20.0.24 names it; undefined for a blank one. */
export function antigravityModelName(raw: string): string | undefined {
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  const lower = trimmed.toLowerCase();
  const effort = EFFORT_VARIANTS[lower];
  if (effort) return effort;
  const paren = lower.indexOf('(');
  const base = paren >= 0 ? lower.slice(0, paren).trim() : lower;
  const alias = ALIASES[base];
  if (alias) return alias;
  const converted = base.replaceAll(' ', '-');
  return /^(gemini|claude|gpt)-/.test(converted) ? converted : trimmed;
}

/** ccusage's names that genai-prices spells otherwise (its model ids). */
const PRICED_AS: Record<string, string> = {
  'gemini-3-pro': 'gemini-3-pro-preview',
  'gemini-3.1-pro': 'gemini-3.1-pro-preview',
  'gemini-2.5-flash-thinking': 'gemini-2.5-flash',
  'claude-4-sonnet': 'claude-sonnet-4-0',
  'claude-4-opus': 'claude-opus-4-0',
  'claude-4.5-sonnet': 'claude-sonnet-4-5',
  'claude-4.5-haiku': 'claude-haiku-4-5',
  'gpt-oss-120b-medium': 'gpt-oss-120b',
};

/** The ledger's model for an Antigravity model name (ccusage's naming, genai-prices' spelling). */
export function antigravityLedgerModel(name: string): string {
  return PRICED_AS[name] ?? name;
}

// ---- calls ----

/** One ModelUsageStats, as read. */
export interface AntigravityCall {
  modelId?: number;
  input: number;
  /** output_tokens (thinking included). */
  output: number;
  write: number;
  read: number;
  thinking: number;
  response: number;
  /** Identities, best first: response:…, provider:…, message:…. */
  ids: string[];
}

function callOf(bytes: Uint8Array): AntigravityCall {
  const f = decodeFields(bytes);
  const modelId = varintOf(f, 1);
  const ids = [['response', textOf(f, 11)], ['provider', textOf(f, 12)], ['message', textOf(f, 7)]].filter((x): x is [string, string] => x[1] !== undefined).map(([k, v]) => `${k}:${v}`);
  return {
    ...(modelId !== undefined && modelId !== 0 ? { modelId } : {}),
    input: varintOf(f, 2) ?? 0,
    output: varintOf(f, 3) ?? 0,
    write: varintOf(f, 4) ?? 0,
    read: varintOf(f, 5) ?? 0,
    thinking: varintOf(f, 9) ?? 0,
    response: varintOf(f, 10) ?? 0,
    ids,
  };
}

function retryCallOf(bytes: Uint8Array): AntigravityCall | undefined {
  const usage = bytesOf(decodeFields(bytes), 2);
  return usage ? callOf(usage) : undefined;
}

/** A record's calls: its usage and its retries'. */
function callsOf(fields: readonly Field[], usageField: number, retryField: number): AntigravityCall[] {
  const out: AntigravityCall[] = [];
  const usage = bytesOf(fields, usageField);
  if (usage) out.push(callOf(usage));
  for (const r of allBytesOf(fields, retryField)) {
    const c = retryCallOf(r);
    if (c) out.push(c);
  }
  return out;
}

/** A `gen_metadata.data` blob. */
export interface GenerationRecord {
  model?: string;
  ms?: number;
  calls: AntigravityCall[];
}

export function generationRecord(blob: Uint8Array): GenerationRecord {
  const chat = bytesOf(decodeFields(blob), 1);
  if (!chat) throw new Malformed('missing chat model field 1');
  const f = decodeFields(chat);
  const named = textOf(f, 19) ?? textOf(f, 21);
  const id = varintOf(f, 3);
  const model = (named !== undefined ? antigravityModelName(named) : undefined) ?? (id !== undefined && id !== 0 ? antigravityModelName(modelOfId(id)) : undefined);
  const start = bytesOf(f, 9);
  const ms = start ? timestampOf(bytesOf(decodeFields(start), 4)) : undefined;
  return { ...(model !== undefined ? { model } : {}), ...(ms !== undefined ? { ms } : {}), calls: callsOf(f, 4, 17) };
}

/** A `steps.metadata` blob. */
export interface StepRecord {
  model?: string;
  ms?: number;
  calls: AntigravityCall[];
}

export function stepRecord(blob: Uint8Array): StepRecord {
  const f = decodeFields(blob);
  const info = bytesOf(f, 24);
  let model: string | undefined;
  if (info) {
    const i = decodeFields(info);
    const named = textOf(i, 12) ?? textOf(i, 8);
    const id = varintOf(i, 1);
    model = (named !== undefined ? antigravityModelName(named) : undefined) ?? (id !== undefined && id !== 0 ? antigravityModelName(modelOfId(id)) : undefined);
  }
  const ms = timestampOf(bytesOf(f, 8) ?? bytesOf(f, 1));
  return { ...(model !== undefined ? { model } : {}), ...(ms !== undefined ? { ms } : {}), calls: callsOf(f, 9, 28) };
}

/** A call placed in time, with the rank of its date (3 its own, 2 another record's, 1 the conversation's, 0 the file's). */
interface Placed {
  ms: number;
  rank: number;
  model: string;
  input: number;
  total: number;
  write: number;
  read: number;
  ids: string[];
}

function totalOutput(c: AntigravityCall): number {
  return Math.max(c.output, c.thinking + c.response);
}

function hasTokens(c: AntigravityCall): boolean {
  return c.input > 0 || c.read > 0 || c.write > 0 || c.thinking > 0 || c.response > 0 || c.output > 0;
}

/** Keeps the earlier date among the best-ranked. */
function better(ms: number, rank: number, than: { ms: number; rank: number }): boolean {
  return rank > than.rank || (rank === than.rank && ms < than.ms);
}

/** Calls sharing an identity are one: the largest count of each kind, the best date, a named model over none. */
function merge(into: Placed, other: Placed): void {
  into.input = Math.max(into.input, other.input);
  into.total = Math.max(into.total, other.total);
  into.write = Math.max(into.write, other.write);
  into.read = Math.max(into.read, other.read);
  if (into.model === ANTIGRAVITY_UNKNOWN_MODEL && other.model !== ANTIGRAVITY_UNKNOWN_MODEL) into.model = other.model;
  if (better(other.ms, other.rank, into)) {
    into.ms = other.ms;
    into.rank = other.rank;
  }
  for (const id of other.ids) if (!into.ids.includes(id)) into.ids.push(id);
}

/** The best identity of a merged call (response id, else provider message id, else message id). */
function preferredId(ids: readonly string[]): string | undefined {
  for (const kind of ['response:', 'provider:', 'message:']) {
    const id = ids.find((x) => x.startsWith(kind));
    if (id) return id;
  }
  return undefined;
}

/**
 * One database's calls, each once: step rows first (their own dates, their model or the
 * conversation's last named one), then generation rows (a row without a model takes the one before).
 */
export function conversationCalls(steps: readonly StepRecord[], generations: readonly GenerationRecord[], conversationMs: number | undefined, fileMs: number): Placed[] {
  const placed: Placed[] = [];
  const byId = new Map<string, number>();
  const idDates = new Map<string, { ms: number; rank: number }>();
  const lastNamed = [...generations].reverse().find((g) => g.model !== undefined)?.model;
  const add = (c: AntigravityCall, model: string | undefined, ms: number | undefined): void => {
    if (!hasTokens(c)) return;
    let when: { ms: number; rank: number } | undefined = ms !== undefined ? { ms, rank: 3 } : undefined;
    if (!when) {
      const known = c.ids.map((id) => idDates.get(id)).find((d) => d !== undefined);
      when = known ?? (conversationMs !== undefined ? { ms: conversationMs, rank: 1 } : { ms: fileMs, rank: 0 });
    }
    for (const id of c.ids) {
      const seen = idDates.get(id);
      if (!seen || better(when.ms, when.rank, seen)) idDates.set(id, when);
    }
    const own = c.modelId !== undefined ? antigravityModelName(modelOfId(c.modelId)) : undefined;
    const call: Placed = { ms: when.ms, rank: when.rank, model: own ?? model ?? ANTIGRAVITY_UNKNOWN_MODEL, input: c.input, total: totalOutput(c), write: c.write, read: c.read, ids: [...c.ids] };
    const matches = [...new Set(c.ids.map((id) => byId.get(id)).filter((k): k is number => k !== undefined))].sort((a, b) => a - b);
    const target = matches[0];
    if (target === undefined) {
      for (const id of call.ids) byId.set(id, placed.length);
      placed.push(call);
      return;
    }
    const into = placed[target] as Placed;
    for (const other of matches.slice(1)) {
      const dup = placed[other] as Placed;
      if (dup.total < 0) continue;
      merge(into, dup);
      dup.total = -1; // merged away
    }
    merge(into, call);
    for (const id of into.ids) byId.set(id, target);
  };
  for (const s of steps) for (const c of s.calls) add(c, s.model ?? lastNamed, s.ms);
  let current: string | undefined;
  for (const g of generations) {
    const own = g.model ?? g.calls.map((c) => (c.modelId !== undefined ? antigravityModelName(modelOfId(c.modelId)) : undefined)).find((m) => m !== undefined);
    if (own !== undefined) current = own;
    for (const c of g.calls) add(c, current, g.ms);
  }
  return placed.filter((p) => p.total >= 0);
}

/** The rows of a query, or none when the table is missing (an older or half-written database). */
function rows(db: SqliteDb, sql: string): unknown[] {
  try {
    return db.prepare(sql).all();
  } catch {
    return [];
  }
}

function blobOf(row: unknown, column: string): Uint8Array | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const v = (row as Record<string, unknown>)[column];
  return v instanceof Uint8Array ? v : undefined;
}

/** Decodes what decodes; a malformed blob loses its row only. */
function decodeAll<T>(blobs: readonly (Uint8Array | undefined)[], decode: (b: Uint8Array) => T): T[] {
  const out: T[] = [];
  for (const b of blobs) {
    if (!b) continue;
    try {
      out.push(decode(b));
    } catch {
      // not a record of ours (or torn): skipped
    }
  }
  return out;
}

/** Every call one conversation database holds, as usage. */
export function readAntigravity(db: SqliteDb, file: string): Usage[] {
  const generations = decodeAll(rows(db, 'SELECT idx, data FROM gen_metadata ORDER BY idx ASC').map((r) => blobOf(r, 'data')), generationRecord);
  const steps = decodeAll(rows(db, 'SELECT idx, metadata FROM steps WHERE metadata IS NOT NULL ORDER BY idx ASC').map((r) => blobOf(r, 'metadata')), stepRecord);
  const conversationMs = decodeAll(rows(db, 'SELECT data FROM trajectory_metadata_blob ORDER BY rowid ASC').map((r) => blobOf(r, 'data')), (b) => timestampOf(bytesOf(decodeFields(b), 2))).find((ms) => ms !== undefined);
  let fileMs = 0;
  try {
    fileMs = statSync(file).mtimeMs;
  } catch {
    // gone since it was listed
  }
  return conversationCalls(steps, generations, conversationMs, fileMs).map((c) => {
    const id = preferredId(c.ids);
    return { ms: c.ms, model: antigravityLedgerModel(c.model), input: c.input, output: c.total, cacheRead: c.read, cacheWrite: c.write, ...(id !== undefined ? { key: `antigravity:${id}` } : {}) };
  });
}

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

export const antigravityFormat: SqliteFormat = {
  kind: 'sqlite',
  source: 'antigravity',
  roots(env: Env, home: string): string[] {
    const own = (env['ANTIGRAVITY_DATA_DIR'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => expandHome(s, home));
    if (own.length > 0) return own;
    return [path.join(home, '.gemini', 'antigravity'), path.join(home, '.gemini', 'antigravity-cli'), path.join(home, '.gemini', 'antigravity-ide'), path.join(home, '.gemini', 'antigravity-backup'), path.join(home, '.config', 'antigravity')];
  },
  dirs: (root) => [path.join(root, 'conversations')],
  isLog: (name) => name.endsWith('.db'),
  read: readAntigravity,
};
