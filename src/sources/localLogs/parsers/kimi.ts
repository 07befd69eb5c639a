/**
 * Kimi Code CLI (MoonshotAI/kimi-cli): session wire logs → one usage per step, priced as the model
 * the CLI's config names (the logs name none).
 *
 * Where: `$KIMI_SHARE_DIR` (kimi-cli's own variable), else `~/.kimi` (src/kimi_cli/share.py
 * `get_share_dir`), and `~/.kimi-code`, Kimi Code's folder (read by the ccusage 20.0.24 binary; no
 * public source of Kimi Code was found, so its own variable, if any, is not known). Sessions are
 * `<share>/sessions/<md5 of the work dir>/<session id>/wire.jsonl` (metadata.py
 * `WorkDirMeta.sessions_dir`, session.py); a sub-agent keeps its own wire log one level down,
 * `…/<session id>/subagents/<agent id>/wire.jsonl` (subagents/store.py `SubagentStore.wire_path`),
 * Kimi Code `…/<session id>/agents/<agent id>/wire.jsonl`. Wire files at either depth count, as
 * in the ccusage 20.0.24 binary: a sub-agent's steps reach the parent's wire log only wrapped in
 * `SubagentEvent` (wire/types.py), never as its own StatusUpdate, so its own file is the one
 * record of its usage. (The mirrored ccusage 20.0.11 source reads the first depth only.) ccusage
 * reads `$KIMI_DATA_DIR` (its own name) instead of `$KIMI_SHARE_DIR`.
 *
 * Records (wire/types.py `StatusUpdate`; packages/kosong/src/kosong/chat_provider/__init__.py
 * `TokenUsage`): `{"timestamp":<float seconds>,"message":{"type":"StatusUpdate","payload":
 * {"token_usage":{"input_other","output","input_cache_read","input_cache_creation"},"message_id"}}}`.
 * `input_other` is the input "excluding input_cache_read and input_cache_creation": the ledger's
 * uncached input as it is. Other StatusUpdates (context size, plan mode, MCP status) carry no
 * `token_usage` and are skipped; so is the `{"type":"metadata"}` first line. Kimi Code writes
 * `{"type":"usage.record","model":"kimi-code/<model>","usage":{"inputOther","output",
 * "inputCacheRead","inputCacheCreation"},"usageScope":"turn"|"session","time":<ms>}`: turn records
 * count (session records are running totals), under their own model with `kimi-code/` dropped
 * (this shape is known only from ccusage's reader, ccusage/ccusage
 * rust/crates/ccusage/src/adapter/kimi/parser.rs @ 096014d9a59634050b7f9e4014b6f4a5e7e7f0e9, and
 * the strings of the 20.0.24 binary). Only lines containing `usage"` are handed over (both shapes
 * have it: `"token_usage"`, `"usage":`).
 *
 * The model: the wire log never names one. kimi-cli's config is `<share>/config.toml`
 * (`default_model = "<key>"`, `[models.<key>] model = "<API model name>"`; config.py `Config`,
 * `LLMModel`), migrated from a legacy `config.json` of the same fields. It is read once per wire
 * file, when its first usage is seen, and kept in the file's state (from the folder that holds
 * `sessions/`): config.toml first, then
 * config.json (`default_model` → `models`, else a top-level `model`, which is what ccusage reads),
 * else `kimi-for-coding`, the model of a Kimi Code login (docs/en/configuration/config-files.md).
 * `kimi-for-coding` is not a priced model name: as ccusage does (adapter/kimi/parser.rs
 * `kimi_for_coding_pricing_model`), usage before 2026-04-20T15:28:10.072Z is priced as `kimi-k2.5`
 * and from then on as `kimi-k2.6`. A config changed later reprices nothing already read.
 *
 * The project: `<share>/kimi.json` (metadata.py `Metadata`, MoonshotAI/kimi-cli@04fe42b2) maps a
 * session id to its work directory (`session_to_workdir`) and lists the work directories
 * (`work_dirs[].path`), whose md5 names their sessions' folder (`WorkDirMeta.sessions_dir`); read
 * once per wire file (`kimiProjectOf`). Kimi Code's folder has no such file: no project.
 *
 * Traps:
 * - A forked session (session_fork.py `fork_session`) copies the source's wire lines verbatim into
 *   a new session folder: same timestamps, message ids and counts. The key leaves the session out,
 *   so the copy counts once. ccusage's key (`kimi_entry_key`) starts with the session id and counts
 *   a fork again: there this follows kimi-cli and the test asserts hand-computed totals.
 * - Counts missing but `total` given: the difference goes to output when output is 0 (ccusage's
 *   `apply_total_token_fallback`).
 * - A line without a timestamp is dated by its file's modification time, as ccusage does.
 *
 * References: MoonshotAI/kimi-cli @ 4a550effdfcb29a25a5d325bf935296cc50cd417; ccusage
 * rust/crates/ccusage/src/adapter/kimi/{paths,parser,loader}.rs @ 5816e640e8824986f33427203da164b01394a161
 * (20.0.11; the 20.0.24 binary prices kimi-for-coding the same way, checked on the corpus of
 * test/fixtures/agents/kimi).
 */
import { statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Env } from '../paths';
import type { JsonLinesFormat, Usage } from './format';
import { bareModel, countOf, envValue, expandHome, numberOf, objectOf, readSmallFile, readSmallJson, textOf } from './jsonFields';

/** The model of a Kimi Code login, and of a config that names none. */
export const KIMI_DEFAULT_MODEL = 'kimi-for-coding';
/** From this instant `kimi-for-coding` is priced as kimi-k2.6 (before it, kimi-k2.5), as ccusage does. */
export const KIMI_K2_6_FROM_MS = 1_776_698_890_072;

/** What is remembered per wire file. */
export interface KimiFileState {
  /** The configured model (null until the first usage line is read). */
  model: string | null;
  /** The share folder (see `kimiShareOf`); '' for a file at no counted depth; null until checked. */
  share: string | null;
  /** The session's work directory (see `kimiProjectOf`); '' when kimi.json does not say; absent until checked. */
  project?: string;
}

function kimiRoots(env: Env, home: string): string[] {
  const share = envValue(env, 'KIMI_SHARE_DIR');
  return share !== null ? [expandHome(share, home)] : [path.join(home, '.kimi'), path.join(home, '.kimi-code')];
}

/** A TOML basic or literal string value, or a bare key (enough for kimi-cli's config). */
function unquote(raw: string): string | null {
  const t = raw.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) {
    const inner = t.slice(1, -1);
    return t.startsWith('"') ? inner.replace(/\\(["\\])/g, '$1') : inner;
  }
  return /^[A-Za-z0-9_-]+$/.test(t) ? t : null;
}

/** `key = "value"` (a trailing comment allowed), else null. */
function assignment(line: string): { key: string; value: string } | null {
  const m = /^([A-Za-z0-9_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*')\s*(?:#.*)?$/.exec(line);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const value = unquote(m[2]);
  return value === null ? null : { key: m[1], value };
}

/**
 * The API model name kimi-cli's config.toml selects: `default_model`, looked up in its
 * `[models.<key>]` table. Only the shapes kimi-cli itself writes (tomlkit, one key per line) are
 * read; anything else gives null.
 */
export function kimiModelFromToml(text: string): string | null {
  let table: string | null = '';
  let selected: string | null = null;
  const models = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[\s*([^[\]]+?)\s*\](?:\s*#.*)?$/.exec(line);
    if (header?.[1] !== undefined) {
      const name = header[1];
      table = name.startsWith('models.') ? unquote(name.slice('models.'.length)) : `#${name}`;
      continue;
    }
    if (line.startsWith('[')) {
      table = '#';
      continue;
    }
    const a = assignment(line);
    if (!a || table === null) continue;
    if (table === '' && a.key === 'default_model') selected = a.value;
    else if (table !== '' && !table.startsWith('#') && a.key === 'model') models.set(table, a.value);
  }
  if (selected === null || selected === '') return null;
  return models.get(selected) ?? null;
}

/** The model a config.json (kimi-cli's legacy config, or ccusage's reading of it) selects. */
export function kimiModelFromJson(value: unknown): string | null {
  const config = objectOf(value);
  if (!config) return null;
  const selected = textOf(config['default_model']);
  if (selected !== null) {
    const model = textOf(objectOf(objectOf(config['models'])?.[selected])?.['model']);
    if (model !== null) return model;
  }
  return textOf(config['model']);
}

/** The model kimi-cli's config under `root` selects (see the header), or the default. */
export function kimiConfiguredModel(root: string): string {
  const toml = readSmallFile(path.join(root, 'config.toml'));
  const fromToml = toml !== null ? kimiModelFromToml(toml) : null;
  return fromToml ?? kimiModelFromJson(readSmallJson(path.join(root, 'config.json'))) ?? KIMI_DEFAULT_MODEL;
}

/** The model name the ledger prices a configured model at, at instant `ms`. */
export function kimiPricedModel(configured: string, ms: number): string {
  if (configured === KIMI_DEFAULT_MODEL) return ms < KIMI_K2_6_FROM_MS ? 'kimi-k2.5' : 'kimi-k2.6';
  return bareModel(configured);
}

/**
 * The share folder of a wire file that is a session's (`sessions/<group>/<session>/wire.jsonl`) or
 * an agent's in it (`sessions/<group>/<session>/<subagents|agents>/<agent>/wire.jsonl`), else null.
 */
export function kimiShareOf(file: string): string | null {
  const up = (p: string, n: number): string => (n === 0 ? p : up(path.dirname(p), n - 1));
  if (path.basename(up(file, 3)) === 'sessions') return up(file, 4);
  const agents = path.basename(up(file, 2));
  if ((agents === 'subagents' || agents === 'agents') && path.basename(up(file, 5)) === 'sessions') return up(file, 6);
  return null;
}

/**
 * The work directory a session's wire file belongs to, as kimi-cli records it in `<share>/kimi.json`
 * (metadata.py `Metadata`): the session's entry of `session_to_workdir`, else the `work_dirs` entry
 * whose md5 (of its UTF-8 path) names the session's folder (`WorkDirMeta.sessions_dir`). Null when
 * kimi.json says neither.
 */
export function kimiProjectOf(share: string, file: string): string | null {
  const up = (p: string, n: number): string => (n === 0 ? p : up(path.dirname(p), n - 1));
  const sessionDir = path.basename(up(file, 3)) === 'sessions' ? up(file, 1) : up(file, 3);
  const meta = objectOf(readSmallJson(path.join(share, 'kimi.json')));
  if (!meta) return null;
  const bySession = textOf(objectOf(meta['session_to_workdir'])?.[path.basename(sessionDir)]);
  if (bySession !== null) return bySession;
  const group = path.basename(path.dirname(sessionDir));
  const dirs = Array.isArray(meta['work_dirs']) ? (meta['work_dirs'] as unknown[]) : [];
  for (const d of dirs) {
    const p = textOf(objectOf(d)?.['path']);
    if (p !== null && createHash('md5').update(p, 'utf8').digest('hex') === group) return p;
  }
  return null;
}

function fileTime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** The ledger's counts of a usage object (`total` fills a missing output), or null when it holds no tokens. */
function countsOf(input: number, outputLogged: number, cacheRead: number, cacheWrite: number, total: number): [number, number, number, number] | null {
  const known = input + outputLogged + cacheRead + cacheWrite;
  const output = total > known && outputLogged === 0 ? total - known : outputLogged;
  return input + output + cacheRead + cacheWrite === 0 ? null : [input, output, cacheRead, cacheWrite];
}

/** The usage one wire line holds (null for every other line). */
export function kimiLine(value: unknown, state: KimiFileState, file: string): Usage | null {
  const record = objectOf(value);
  if (!record || record['type'] === 'metadata') return null;
  if (state.share === null) state.share = kimiShareOf(file) ?? '';
  if (state.share === '') return null;
  state.project ??= kimiProjectOf(state.share, file) ?? '';
  const project = state.project === '' ? {} : { project: state.project };
  if (record['type'] === 'usage.record') {
    // Kimi Code: a turn's usage, with its model.
    const usage = objectOf(record['usage']);
    if (!usage || record['usageScope'] !== 'turn') return null;
    const c = countsOf(countOf(usage['inputOther']), countOf(usage['output']), countOf(usage['inputCacheRead']), countOf(usage['inputCacheCreation']), 0);
    if (!c) return null;
    const time = numberOf(record['time']);
    const ms = time !== null ? Math.trunc(time) : Math.trunc(fileTime(file));
    const raw = textOf(record['model']) ?? KIMI_DEFAULT_MODEL;
    const named = raw.startsWith('kimi-code/') ? raw.slice('kimi-code/'.length) : raw;
    const [input, output, cacheRead, cacheWrite] = c;
    return { ms, model: kimiPricedModel(named, ms), input, output, cacheRead, cacheWrite, key: `|${ms}|${named}|${input}|${output}|${cacheRead}|${cacheWrite}`, ...project };
  }
  const message = objectOf(record['message']);
  if (!message || message['type'] !== 'StatusUpdate') return null;
  const payload = objectOf(message['payload']);
  const usage = objectOf(payload?.['token_usage']);
  if (!payload || !usage) return null;
  const c = countsOf(countOf(usage['input_other']), countOf(usage['output']), countOf(usage['input_cache_read']), countOf(usage['input_cache_creation']), countOf(usage['total']));
  if (!c) return null;
  const seconds = numberOf(record['timestamp']);
  const ms = seconds !== null ? Math.trunc(seconds * 1000) : Math.trunc(fileTime(file));
  if (state.model === null) state.model = kimiConfiguredModel(state.share);
  const messageId = textOf(payload['message_id']) ?? '';
  const [input, output, cacheRead, cacheWrite] = c;
  return { ms, model: kimiPricedModel(state.model, ms), input, output, cacheRead, cacheWrite, key: `${messageId}|${ms}|${input}|${output}|${cacheRead}|${cacheWrite}`, ...project };
}

export const kimiFormat: JsonLinesFormat<KimiFileState> = {
  kind: 'jsonl',
  source: 'kimi',
  roots: kimiRoots,
  dirs: (root) => [path.join(root, 'sessions')],
  isLog: (name) => name === 'wire.jsonl',
  needle: 'usage"',
  initial: () => ({ model: null, share: null }),
  line: kimiLine,
};
