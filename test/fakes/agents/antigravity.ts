/**
 * An Antigravity corpus under a home folder: one SQLite database per conversation, its usage in
 * protobuf blobs (field numbers: src/sources/localLogs/parsers/antigravity.ts), written with
 * node:sqlite in WAL mode as Antigravity writes them, with the traps
 * test/fixtures/agents/antigravity/README.md lists. Deterministic for a seed; days in March 2026,
 * instants between 05:00 and 17:00 UTC (the same day in UTC and in Asia/Kolkata).
 *
 * Needs node:sqlite (Node 22.5+): run the tests with the editor's Node 24.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { mulberry32, randomIndex, type Random } from '../../../src/core/random';

type Param = string | number | null | Uint8Array;

/** The part of node:sqlite's DatabaseSync the corpus uses. */
export interface AgyWriter {
  exec(sql: string): void;
  prepare(sql: string): { run(...params: Param[]): unknown };
  close(): void;
}

type SqliteModule = { DatabaseSync: new (file: string, options?: { readOnly?: boolean }) => AgyWriter & { prepare(sql: string): { run(...params: Param[]): unknown; all(...params: Param[]): unknown[] } } };

let loaded: SqliteModule | null | undefined;

function sqlite(): SqliteModule | null {
  if (loaded === undefined) {
    try {
      loaded = createRequire(__filename)('node:sqlite') as SqliteModule;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/** A database opened as the scanner opens it (read-only), or for writing without WAL set up. */
export function openDatabase(file: string, options: { readOnly?: boolean } = {}): AgyWriter & { prepare(sql: string): { run(...params: Param[]): unknown; all(...params: Param[]): unknown[] } } {
  const mod = sqlite();
  if (!mod) throw new Error(String(agySkip()));
  return new mod.DatabaseSync(file, options);
}

/** Why the Antigravity tests cannot run on this Node, or false when they can. */
export function agySkip(): string | false {
  return sqlite() ? false : `node:sqlite is missing from Node ${process.version}: run with ~/.cache/token-budget/editor/node_modules/.bin/node`;
}

// ---- protobuf encoding ----

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

export function fieldVarint(n: number, value: number): Buffer {
  return Buffer.from([...varint(n * 8), ...varint(value)]);
}

export function fieldBytes(n: number, value: Uint8Array | string): Buffer {
  const b = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  return Buffer.concat([Buffer.from([...varint(n * 8 + 2), ...varint(b.length)]), b]);
}

export function timestamp(ms: number): Buffer {
  return Buffer.concat([fieldVarint(1, Math.floor(ms / 1000)), fieldVarint(2, (ms % 1000) * 1_000_000)]);
}

/** A ModelUsageStats; `output` undefined leaves field 3 out (thinking + response only). */
export interface CallSpec {
  modelId?: number;
  input: number;
  output?: number;
  write?: number;
  read?: number;
  thinking?: number;
  response?: number;
  responseId?: string;
  providerId?: string;
  messageId?: string;
}

export function usageBlob(c: CallSpec): Buffer {
  const parts: Buffer[] = [];
  if (c.modelId !== undefined) parts.push(fieldVarint(1, c.modelId));
  if (c.input) parts.push(fieldVarint(2, c.input));
  if (c.output) parts.push(fieldVarint(3, c.output));
  if (c.write) parts.push(fieldVarint(4, c.write));
  if (c.read) parts.push(fieldVarint(5, c.read));
  parts.push(fieldVarint(6, 24)); // api provider (Gemini)
  if (c.messageId) parts.push(fieldBytes(7, c.messageId));
  if (c.thinking) parts.push(fieldVarint(9, c.thinking));
  if (c.response) parts.push(fieldVarint(10, c.response));
  if (c.responseId) parts.push(fieldBytes(11, c.responseId));
  if (c.providerId) parts.push(fieldBytes(12, c.providerId));
  return Buffer.concat(parts);
}

/** A gen_metadata.data blob: { 1: ChatModelMetadata }. */
export function generationBlob(g: { model?: string; modelId?: number; call?: CallSpec; ms?: number; retries?: CallSpec[]; request?: boolean }): Buffer {
  const chat: Buffer[] = [];
  if (g.modelId !== undefined) chat.push(fieldVarint(3, g.modelId));
  if (g.call) chat.push(fieldBytes(4, usageBlob(g.call)));
  if (g.ms !== undefined) chat.push(fieldBytes(9, Buffer.concat([fieldVarint(1, 7), fieldBytes(4, timestamp(g.ms))])));
  for (const r of g.retries ?? []) chat.push(fieldBytes(17, Buffer.concat([fieldVarint(1, 1), fieldBytes(2, usageBlob(r))])));
  if (g.model !== undefined) chat.push(fieldBytes(19, g.model));
  const outer = [fieldBytes(1, Buffer.concat(chat))];
  if (g.request) outer.push(fieldBytes(2, Buffer.from([0x08, 0x01, 0x08, 0x03]))); // step_indices, as the wrapper carries them
  return Buffer.concat(outer);
}

/** A steps.metadata blob (CortexStepMetadata). */
export function stepBlob(s: { ms?: number; msField?: 1 | 8; call?: CallSpec; model?: string; retries?: CallSpec[] }): Buffer {
  const parts: Buffer[] = [];
  if (s.ms !== undefined) parts.push(fieldBytes(s.msField ?? 1, timestamp(s.ms)));
  if (s.call) parts.push(fieldBytes(9, usageBlob(s.call)));
  if (s.model !== undefined) parts.push(fieldBytes(24, Buffer.concat([fieldVarint(7, 24), fieldBytes(12, s.model)])));
  for (const r of s.retries ?? []) parts.push(fieldBytes(28, Buffer.concat([fieldVarint(1, 1), fieldBytes(2, usageBlob(r))])));
  return Buffer.concat(parts);
}

export function trajectoryBlob(ms: number): Buffer {
  return Buffer.concat([fieldBytes(1, 'cascade'), fieldBytes(2, timestamp(ms))]);
}

// ---- databases ----

/** A conversation database as Antigravity creates it, WAL mode, no automatic checkpoint, held open. */
export function openConversation(file: string): AgyWriter {
  const mod = sqlite();
  if (!mod) throw new Error(String(agySkip()));
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new mod.DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA wal_autocheckpoint = 0');
  db.exec(`CREATE TABLE IF NOT EXISTS trajectory_meta (id TEXT PRIMARY KEY, data BLOB);
    CREATE TABLE IF NOT EXISTS steps (idx INTEGER PRIMARY KEY, step_type INTEGER, status INTEGER, has_subtrajectory INTEGER, metadata BLOB, error_details BLOB, permissions BLOB, task_details BLOB, render_info BLOB, step_payload BLOB);
    CREATE TABLE IF NOT EXISTS trajectory_metadata_blob (id TEXT, data BLOB);
    CREATE TABLE IF NOT EXISTS gen_metadata (idx INTEGER PRIMARY KEY, data BLOB, size INTEGER);
    CREATE TABLE IF NOT EXISTS executor_metadata (idx INTEGER PRIMARY KEY, data BLOB);
    CREATE TABLE IF NOT EXISTS parent_references (id TEXT, data BLOB);
    CREATE TABLE IF NOT EXISTS battle_mode_infos (id TEXT, data BLOB);`);
  return db;
}

export function checkpoint(db: AgyWriter): void {
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
}

export function addGeneration(db: AgyWriter, idx: number, blob: Uint8Array): void {
  db.prepare('INSERT INTO gen_metadata (idx, data, size) VALUES (?, ?, ?)').run(idx, blob, blob.length);
}

export function addStep(db: AgyWriter, idx: number, blob: Uint8Array | null, stepType = 20): void {
  db.prepare('INSERT INTO steps (idx, step_type, status, has_subtrajectory, metadata, step_payload) VALUES (?, ?, 3, 0, ?, ?)').run(idx, stepType, blob, Buffer.from('payload: the user prompt is here, not read'));
}

export function addTrajectory(db: AgyWriter, ms: number): void {
  db.prepare('INSERT INTO trajectory_metadata_blob (id, data) VALUES (?, ?)').run('main', trajectoryBlob(ms));
}

// ---- the corpus ----

const DAYS = [2, 3, 5, 9];

function at(day: number, minutes: number): number {
  return Date.UTC(2026, 2, day, 5, 0, 0) + minutes * 60_000;
}

function hex(random: Random, n: number): string {
  let s = '';
  for (let k = 0; k < n; k++) s += '0123456789abcdef'[randomIndex(random, 16)];
  return s;
}

/**
 * Models as Antigravity logs them (text in `response_model`, or an enum id), each priced alike by
 * genai-prices and ccusage once named: gemini-2.5-pro, gemini-2.5-flash, gemini-3-flash-preview,
 * gemini-3-pro-preview (no cache writes: ccusage's LiteLLM charges Gemini 3 Pro's writes otherwise),
 * claude-sonnet-4-5 (id 333).
 */
const MODELS: readonly { text?: string; id?: number; writes: boolean }[] = [{ text: 'gemini-2.5-pro', writes: false }, { text: 'Gemini 2.5 Flash', writes: false }, { text: 'gemini-3-flash', writes: false }, { text: 'Gemini 3 Pro (High)', writes: false }, { id: 333, writes: true }];

function call(random: Random, model: { id?: number; writes: boolean }, id: string, split: boolean): CallSpec {
  const input = 800 + randomIndex(random, 9_000);
  const read = randomIndex(random, 3) === 0 ? 0 : 2_000 + randomIndex(random, 40_000);
  const thinking = randomIndex(random, 600);
  const response = 40 + randomIndex(random, 900);
  return {
    ...(model.id !== undefined ? { modelId: model.id } : {}),
    input,
    ...(split ? {} : { output: thinking + response }),
    ...(model.writes ? { write: randomIndex(random, 4_000) } : {}),
    read,
    thinking,
    response,
    responseId: `resp-${id}`,
    providerId: `msg_${id}`,
    messageId: `bot-${id}`,
  };
}

export interface AgyCorpus {
  /** Every database file written. */
  readonly files: readonly string[];
  /** Writers left open (rows after their last checkpoint are only in the -wal file): close them when done. */
  readonly open: readonly AgyWriter[];
}

/** Writes the corpus under `home` (Antigravity's default roots). */
export function writeAntigravityCorpus(home: string, options: { seed?: number; conversations?: number } = {}): AgyCorpus {
  const random = mulberry32(options.seed ?? 20260309);
  const files: string[] = [];
  const open: AgyWriter[] = [];
  const n = options.conversations ?? 9;
  for (let c = 0; c < n; c++) {
    const root = c % 4 === 3 ? path.join(home, '.gemini', 'antigravity') : path.join(home, '.gemini', 'antigravity-cli');
    const id = `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-8${hex(random, 3)}-${hex(random, 12)}`;
    const file = path.join(root, 'conversations', `${id}.db`);
    files.push(file);
    const db = openConversation(file);
    const day = DAYS[c % DAYS.length] as number;
    let minute = 30 + randomIndex(random, 200);
    addTrajectory(db, at(day, minute));
    const model = MODELS[c % MODELS.length] as (typeof MODELS)[number];
    const named = model.text !== undefined ? { model: model.text } : { modelId: model.id as number };
    let step = 0;
    let gen = 0;
    const turns = 3 + randomIndex(random, 5);
    const parentCalls: CallSpec[] = [];
    for (let t = 0; t < turns; t++) {
      minute += 3 + randomIndex(random, 20);
      const ms = at(day, minute);
      const key = `${id.slice(0, 8)}-${t}`;
      const spec = call(random, model, key, t % 3 === 2);
      parentCalls.push(spec);
      addStep(db, step++, stepBlob({}), 14); // the user's input step: no usage
      // The planner step records the call, with its own date (field 1, or 8 on some builds).
      addStep(db, step++, stepBlob({ ms: ms - 2_000, msField: t % 2 === 0 ? 1 : 8, call: spec, ...(t === 0 && model.text !== undefined ? { model: model.text } : {}) }));
      // gen_metadata records the same call again (a row without a model takes the one before;
      // some rows carry no date of their own: the step's is theirs).
      const retries: CallSpec[] = [];
      if (t === 1) {
        // A failed attempt (its own response id, tokens consumed) and the successful one repeated.
        retries.push({ ...call(random, model, `${key}-failed`, false), response: 0, thinking: 0, output: 0 }, spec);
      }
      addGeneration(db, gen++, generationBlob({ ...(t === 0 || t === 3 ? named : {}), call: spec, ...(t === 2 ? {} : { ms }), retries, request: true }));
      // A background call that only the steps table holds (a summary, a title), on the conversation's model.
      if (t % 2 === 1) addStep(db, step++, stepBlob({ ms: ms + 1_000, call: { ...call(random, model, `${key}-bg`, false), read: 0, write: 0 } }), 23);
      if (t === 1) checkpoint(db);
    }
    // A sub-agent's conversation repeats the parent's first call, and makes one of its own.
    if (c % 3 === 0) {
      const subFile = path.join(root, 'conversations', id, 'subagents', `${hex(random, 8)}.db`);
      files.push(subFile);
      const sub = openConversation(subFile);
      const first = parentCalls[0] as CallSpec;
      addTrajectory(sub, at(day, 10));
      addGeneration(sub, 0, generationBlob({ ...named, call: first, ms: at(day, minute + 1) }));
      addGeneration(sub, 1, generationBlob({ ...named, call: call(random, model, `${id.slice(0, 8)}-sub`, false), ms: at(day, minute + 2) }));
      checkpoint(sub);
      sub.close();
    }
    // Most conversations are finished (checkpointed and closed); the last ones are still open, their last rows in the -wal file.
    if (c < n - 2) {
      checkpoint(db);
      db.close();
    } else open.push(db);
  }
  return { files, open };
}
