/**
 * Gemini CLI: chat recordings → one usage per model response, each response once.
 *
 * Where: `~/.gemini/tmp/<project>/chats/`, where `~` is `GEMINI_CLI_HOME` when set (Gemini CLI
 * reads it in place of the home folder: packages/core/src/utils/paths.ts `homedir()`), else the
 * home folder. `<project>` is a short name Gemini CLI keeps for the working directory (older
 * versions: the SHA-256 of its path); the folder holds `.project_root`, the directory itself
 * (packages/core/src/config/projectRegistry.ts), which becomes the usage's `project` (none where
 * the marker is missing). `GEMINI_DATA_DIR` is ccusage's own variable, not Gemini CLI's: not read.
 *
 * Files (packages/core/src/services/chatRecordingService.ts):
 * - `chats/session-<time>-<id8>.jsonl`, and a sub-agent's `chats/<parent session>/<id>.jsonl`: a
 *   metadata line (`sessionId`, `projectHash`, `startTime`, `kind`), then one line per record,
 *   appended. A response is `{"id","timestamp","type":"gemini","model","tokens":{input, output,
 *   cached, thoughts, tool, total}}`, the fields of Gemini's usageMetadata (promptTokenCount,
 *   candidatesTokenCount, cachedContentTokenCount, thoughtsTokenCount, toolUsePromptTokenCount,
 *   totalTokenCount: `recordMessageTokens`). Sub-agents are their own API calls: counted.
 * - `chats/session-<time>-<id8>.json` (before the JSONL recording of April 2026, f744913584): the
 *   whole conversation as one pretty-printed document `{sessionId, startTime, lastUpdated,
 *   messages: [...]}`, rewritten on every message. Read whole (the `companion` format).
 *
 * Traps, and how they are counted:
 * - The same message is appended again, whole, under the same `id`: when its tokens arrive after
 *   it was written, when its tool calls are recorded, when a history sync writes it into a
 *   `{"$set":{"messages":[…]}}` checkpoint. Counted once by `id` (the copy with the most tokens).
 *   `$set` checkpoints are not read: every message in one was appended as itself before.
 * - `{"$rewindTo": id}` drops messages from the conversation Gemini CLI shows, but their requests
 *   were made and paid: still counted (ccusage counts them too).
 * - Resuming a legacy `.json` session moves it to a `.jsonl` beside it (the whole conversation
 *   appended again) and leaves the `.json` in place: the messages are in both files, under the
 *   same ids, and count once. ccusage reads both and counts them twice.
 * - `tokens.input` (promptTokenCount) includes the cached tokens: they are taken out of the
 *   input. `tokens.output` (candidatesTokenCount) excludes the thoughts: they are added to the
 *   output. `tool` (toolUsePromptTokenCount) is input. `total` says which: see `ledgerTokens`.
 * - A response that names no model (the synthetic message of a turn that only called tools gets
 *   the tokens but no `model`) was made with the model the file last named, as ccusage reads it;
 *   with none named before it in the file, with Gemini CLI's default model (`assumedModel`), where
 *   ccusage drops it.
 * - Activity logs (`<project>/logs/session-<id>.jsonl`, lines `{"type":"network"|"console"}`)
 *   share the folder and the extension: no line of theirs is a response.
 * - A failed attempt that is retried is not recorded (only the successful attempt's usage is
 *   flushed, geminiChat.ts): that spend is not in the logs.
 * - ccusage also reads any other `.json` under `tmp/` and `stats` objects (the shape of
 *   `gemini -p --output-format json` output) wherever they are; Gemini CLI writes neither there
 *   (checkpoints and `logs.json` are arrays): only `session-*.json` documents are read here.
 *
 * References (google-gemini/gemini-cli at 5411f113cafae26161b4969b0237b8e1e024e2c2):
 * packages/core/src/services/chatRecordingService.ts and chatRecordingTypes.ts (shapes, appends,
 * `$set`, `$rewindTo`, the `.json` → `.jsonl` migration), packages/core/src/core/geminiChat.ts
 * (tokens recorded per response), packages/core/src/config/storage.ts and projectRegistry.ts
 * (folders, `.project_root`), packages/core/src/config/models.ts (DEFAULT_GEMINI_MODEL); the
 * `.json` layout at f744913584~1 (`JSON.stringify(conversation, null, 2)`). ccusage 20.0.11
 * rust/crates/ccusage/src/adapter/gemini/parser.rs (what the oracle counts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../paths';
import type { JsonLinesFormat, Usage } from './format';

/** Gemini CLI's default model (DEFAULT_GEMINI_MODEL), for a response whose file names no model. */
export const GEMINI_DEFAULT_MODEL = 'gemini-2.5-pro';

/** The counts of a Gemini `usageMetadata`, 0 where absent. */
export interface GeminiCounts {
  /** promptTokenCount: the whole prompt, cached tokens included. */
  readonly prompt: number;
  /** candidatesTokenCount. */
  readonly candidates: number;
  /** cachedContentTokenCount. */
  readonly cached: number;
  /** thoughtsTokenCount. */
  readonly thoughts: number;
  /** toolUsePromptTokenCount. */
  readonly tool: number;
  /** totalTokenCount (0: not logged). */
  readonly total: number;
}

export type LedgerTokens = Pick<Usage, 'input' | 'output' | 'cacheRead' | 'cacheWrite'>;

/**
 * Gemini usage counts in the ledger's convention. Gemini's API reports the thoughts apart from
 * the candidates and the cached tokens inside the prompt, its total being prompt + candidates +
 * thoughts + tool; an OpenAI-style API converted to this shape (Qwen Code) reports the reasoning
 * inside the candidates, its total being prompt + candidates. The total says which: a total that
 * counts the thoughts (or the cached tokens) on top says they are apart. Where it says neither
 * (no total, or another sum), `thoughtsApart` decides and the cached tokens are in the prompt.
 * Tokens the total has beyond its parts are output (ccusage prices them so). Null: no tokens.
 */
export function ledgerTokens(c: GeminiCounts, thoughtsApart: boolean): LedgerTokens | null {
  const base = c.prompt + c.candidates + c.tool;
  let apart = thoughtsApart;
  let cachedApart = false;
  if (c.total > 0) {
    if (c.total === base + c.thoughts) apart = true;
    else if (c.total === base) apart = false;
    else if (c.cached > 0 && c.total === base + c.thoughts + c.cached) [apart, cachedApart] = [true, true];
    else if (c.cached > 0 && c.total === base + c.cached) [apart, cachedApart] = [false, true];
  }
  const input = (cachedApart ? c.prompt : c.prompt - Math.min(c.prompt, c.cached)) + c.tool;
  let output = c.candidates + (apart ? c.thoughts : 0);
  const cacheRead = c.cached;
  const rest = c.total - (input + output + cacheRead);
  if (rest > 0) output += rest;
  if (input + output + cacheRead === 0) return null;
  return { input, output, cacheRead, cacheWrite: 0 };
}

/** A token count: a finite number, negatives as 0, fractions dropped (as ccusage reads them). */
export function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.trunc(value)) : 0;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, trimmed; null otherwise. */
export function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const t = value.trim();
  return t === '' ? null : t;
}

/** Epoch ms of an ISO time string; null when it is not one. */
export function instant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** A response's `tokens` object as counts; null when it is not an object. */
function countsOf(tokens: unknown): GeminiCounts | null {
  if (!isRecord(tokens)) return null;
  return {
    prompt: tokenCount(tokens['input']),
    candidates: tokenCount(tokens['output']),
    cached: tokenCount(tokens['cached']),
    thoughts: tokenCount(tokens['thoughts']),
    tool: tokenCount(tokens['tool']),
    total: tokenCount(tokens['total']),
  };
}

/**
 * The project directory of a chat file: `.project_root` in the project's folder, the parent of
 * the `chats` folder the file is in (a sub-agent's file is one level deeper). Null when missing.
 */
export function geminiProjectOf(file: string): string | null {
  let dir = path.dirname(file);
  for (let i = 0; i < 3 && path.basename(dir) !== 'chats'; i++) dir = path.dirname(dir);
  if (path.basename(dir) !== 'chats') return null;
  try {
    return text(readFileSync(path.join(path.dirname(dir), '.project_root'), 'utf8'));
  } catch {
    return null;
  }
}

/** What is remembered per chat file between reads. */
export interface GeminiState {
  /** The model the file last named (a response that names none was made with it). */
  model: string | null;
  /** The last instant the file gave (for a response without one). */
  ms: number | null;
  /** The project directory; null when none. Valid once `looked`. */
  project: string | null;
  looked: boolean;
}

/** What one recorded message holds, with the file's running model and time. */
function messageUsage(m: Record<string, unknown>, state: GeminiState, file: string): Usage | null {
  const model = text(m['model']);
  if (model) state.model = model;
  const ms = instant(m['timestamp']) ?? instant(m['created_at']);
  if (ms !== null) state.ms = ms;
  if (m['type'] !== 'gemini') return null;
  const counts = countsOf(m['tokens']);
  const when = ms ?? state.ms;
  if (!counts || when === null) return null;
  const tokens = ledgerTokens(counts, true);
  if (!tokens) return null;
  if (!state.looked) {
    state.project = geminiProjectOf(file);
    state.looked = true;
  }
  const id = text(m['id']);
  return {
    ms: when,
    model: state.model ?? GEMINI_DEFAULT_MODEL,
    ...tokens,
    ...(id ? { key: id } : {}),
    ...(state.project ? { project: state.project } : {}),
  };
}

/** Chat files lie at most at `tmp/<project>/chats/<parent session>/<sub-agent>.jsonl`. */
const CHATS_DEPTH = 3;

/** `~/.gemini`, `~` being GEMINI_CLI_HOME when set. */
function geminiRoots(env: Env, home: string): string[] {
  const cliHome = env['GEMINI_CLI_HOME'];
  return [path.resolve(cliHome && cliHome !== '' ? cliHome : home, '.gemini')];
}

export const geminiCliFormat: JsonLinesFormat<GeminiState> = {
  kind: 'jsonl',
  source: 'geminiCli',
  roots: (env, home) => geminiRoots(env, home),
  dirs: (root) => [path.join(root, 'tmp')],
  depth: CHATS_DEPTH,
  isLog: (name) => name.endsWith('.jsonl'),
  assumedModel: GEMINI_DEFAULT_MODEL,
  needle: '"type":"gemini"',
  initial: () => ({ model: null, ms: null, project: null, looked: false }),
  line(value, state, file) {
    return isRecord(value) ? messageUsage(value, state, file) : null;
  },
  companion: {
    kind: 'json',
    source: 'geminiCli',
    roots: (env, home) => geminiRoots(env, home),
    dirs: (root) => [path.join(root, 'tmp')],
    depth: CHATS_DEPTH,
    isLog: (name) => name.startsWith('session-') && name.endsWith('.json'),
    file(value, file) {
      if (!isRecord(value) || !Array.isArray(value['messages'])) return [];
      const state: GeminiState = { model: null, ms: instant(value['startTime']) ?? instant(value['lastUpdated']), project: null, looked: false };
      const out: Usage[] = [];
      for (const m of value['messages']) {
        if (!isRecord(m)) continue;
        const u = messageUsage(m, state, file);
        if (u) out.push(u);
      }
      return out;
    },
  },
};
