/**
 * Factory Droid (`droid`): one settings JSON per session holding the session's running token
 * totals, rewritten after every call, and its counting.
 *
 * Where: `${FACTORY_HOME_OVERRIDE:-~}/.factory/sessions/` (Droid's home override; `.factory-dev`
 * is its development build's and is not scanned). A session is `<id>.jsonl` (the transcript) and
 * `<id>.settings.json`, in a folder per working directory (`-home-me-repo/`, the path with `/` as
 * `-`), in `btw/` for side sessions, or, from older Droid, in `sessions/` itself. ccusage's own
 * `DROID_SESSIONS_DIR` is not Droid's and is not read.
 *
 * A settings file: `{ model, providerLock, providerLockTimestamp, tokenUsage: { inputTokens,
 * outputTokens, cacheCreationTokens, cacheReadTokens, thinkingTokens, factoryCredits? },
 * inclusiveTokenUsage?, childInclusiveTokenUsageBySessionId?, … }`. The transcript opens with
 * `{"type":"session_start","id","cwd","parent"?,"forkedAtMessageId"?,…}`.
 *
 * Traps, and how each is counted:
 * - Running totals: a session is one usage, its whole `tokenUsage`, on the day of its
 *   `providerLockTimestamp` (when its first call locked the provider), else of the file's change
 *   time, as ccusage does. Being a sum of many calls it is marked `aggregate` (priced at the
 *   model's base tier, not as one request of the sum's size).
 * - The same session in two folders (an older snapshot left behind): keyed by the session id, the
 *   copy with the larger total (the later snapshot of a running total) counts. ccusage keeps the
 *   later `providerLockTimestamp` and, on a tie, the copy later in path order.
 * - `thinkingTokens` is part of `outputTokens`: Droid's clients set output from the provider's
 *   output count (Anthropic `output_tokens`, OpenAI `output_tokens`, Gemini candidates + thoughts)
 *   and thinking from OpenAI's `reasoning_tokens` or an estimate from the thinking text's length,
 *   and Droid's own credit price charges output alone. Output is `outputTokens` (at least the
 *   thinking); ccusage adds the thinking on top.
 * - `/compact` starts a successor session whose `tokenUsage` starts at its parent's totals
 *   (`inheritTokenUsage`): its transcript opens with `session_start` naming the `parent`, followed
 *   at once by a `compaction_state` line. Such a session counts its totals less the parent's (read
 *   from `<parent>.settings.json` beside it or in `sessions/`), each part at least 0; where the
 *   parent's file is gone its whole total counts (the parent's usage then only there). ccusage
 *   counts the parent's usage in both. Forks (`forkedAtMessageId`) start from zero and are not
 *   reduced; sub-agent sessions keep their own totals in their own files (`inclusiveTokenUsage`,
 *   which adds the children's, is not read).
 * - The model: `model` lower-cased, `custom:` and bracketed provider tags (`[Anthropic]`) dropped,
 *   spaces as dashes (ccusage also turns dots into dashes, which genai-prices does not know for
 *   `gemini-2.5-pro`); without one, the `Model: …` line of the transcript's first 500 lines, as
 *   ccusage and Droid's own usage stats read it.
 * - `totalTokens` larger than the parts (no Droid writes one; ccusage reads it) adds the
 *   difference to the output.
 * - The project is the transcript's `session_start.cwd`.
 *
 * References: Droid's CLI as published on npm (`@factory/cli-linux-x64` 0.225.2, bin/droid, its
 * embedded JavaScript: the settings schema `$A`/`Rr`, `createInactiveSessionWithId` and the manual
 * compaction handoff with `inheritTokenUsage`, `forkSession` (`tokenUsage: void 0`),
 * `saveCompactionSummary`, the stream usage handlers of its Anthropic, OpenAI, Gemini and Bedrock
 * clients, `E3` = FACTORY_HOME_OVERRIDE, the `[userStats]` session reader); ccusage 20.0.11
 * (ryoppippi/ccusage@5816e640, rust/crates/ccusage/src/adapter/droid/{parser,loader,paths}.rs).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../paths';
import type { JsonFileFormat, Usage } from './format';
import { count, isObj, text, type Obj } from './values';


const SETTINGS = '.settings.json';
/** How much of a transcript is read for its first lines. */
const HEAD_BYTES = 64 * 1024;
/** How much of a transcript is searched for a `Model:` line (ccusage: its first 500 lines). */
const MODEL_BYTES = 1024 * 1024;
const MODEL_LINES = 500;

/** A session's totals as Droid keeps them. */
export interface DroidTotals {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite: number;
  readonly cacheRead: number;
  readonly thinking: number;
}

/** `tokenUsage` read defensively; null when it is not an object or holds nothing. */
export function droidTotals(v: unknown): DroidTotals | null {
  if (!isObj(v)) return null;
  const input = count(v['inputTokens']);
  const cacheWrite = count(v['cacheCreationTokens']);
  const cacheRead = count(v['cacheReadTokens']);
  const thinking = count(v['thinkingTokens']);
  let output = Math.max(count(v['outputTokens']), thinking);
  const missing = count(v['totalTokens']) - (input + output + cacheWrite + cacheRead);
  if (missing > 0) output += missing;
  if (input + output + cacheWrite + cacheRead <= 0) return null;
  return { input, output, cacheWrite, cacheRead, thinking };
}

/** genai-prices' name for Droid's model name. */
export function droidModel(raw: string): string {
  let s = raw.trim();
  if (s.startsWith('custom:')) s = s.slice('custom:'.length);
  let out = '';
  let depth = 0;
  for (const ch of s) {
    if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The first `bytes` of a file as text ('' when it cannot be read). */
function head(file: string, bytes: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.toString('utf8', 0, n);
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What a transcript's opening says. */
export interface DroidOpening {
  readonly cwd: string | null;
  readonly parent: string | null;
  /** Opened by `/compact`: session_start (with a parent, not a fork) then a compaction_state line. */
  readonly successor: boolean;
}

/** Reads the opening of a transcript's text. */
export function droidOpening(transcriptHead: string): DroidOpening {
  const lines = transcriptHead.split('\n').filter((l) => l.trim() !== '');
  const none: DroidOpening = { cwd: null, parent: null, successor: false };
  let first: unknown;
  try {
    first = JSON.parse(lines[0] ?? '') as unknown;
  } catch {
    return none;
  }
  if (!isObj(first) || first['type'] !== 'session_start') return none;
  const parent = text(first['parent']);
  const fork = first['forkedAtMessageId'] !== undefined;
  const second = (lines[1] ?? '').trimStart();
  const successor = parent !== null && !fork && /^\{\s*"type"\s*:\s*"compaction_state"/.test(second);
  return { cwd: text(first['cwd']), parent, successor };
}

/** The model a transcript's `Model: …` line names (ccusage's fallback), normalised. */
export function droidTranscriptModel(transcriptText: string): string | null {
  const lines = transcriptText.split('\n').slice(0, MODEL_LINES);
  for (const line of lines) {
    const at = line.indexOf('Model:');
    if (at < 0) continue;
    const raw = (line.slice(at + 'Model:'.length).split(/["\\[]/)[0] ?? '').trim();
    const model = raw === '' ? '' : droidModel(raw);
    if (model !== '') return model;
  }
  return null;
}

function readSettings(file: string): Obj | null {
  try {
    const v = JSON.parse(head(file, 16 * 1024 * 1024)) as unknown;
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}

/** The parent's totals for a successor: `<parent>.settings.json` beside it, else in `sessions/`. */
function parentTotals(file: string, parent: string): DroidTotals | null {
  const dir = path.dirname(file);
  for (const d of [dir, path.dirname(dir)]) {
    const s = readSettings(path.join(d, `${parent}${SETTINGS}`));
    if (s) return droidTotals(s['tokenUsage']);
  }
  return null;
}

/** The instant a session's usage is counted on: providerLockTimestamp, else the file's change time. */
function sessionMs(settings: Obj, file: string): number | null {
  const stamp = settings['providerLockTimestamp'];
  if (typeof stamp === 'string') {
    const ms = Date.parse(stamp);
    if (Number.isFinite(ms)) return ms;
  }
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/** What a session's settings file counts for. */
export function droidSessionUsage(value: unknown, file: string): Usage[] {
  if (!isObj(value)) return [];
  const totals = droidTotals(value['tokenUsage']);
  if (!totals) return [];
  const id = path.basename(file).endsWith(SETTINGS) ? path.basename(file).slice(0, -SETTINGS.length) : path.basename(file);
  const transcript = path.join(path.dirname(file), `${id}.jsonl`);
  const opening = droidOpening(head(transcript, HEAD_BYTES));
  let { input, output, cacheWrite, cacheRead } = totals;
  if (opening.successor && opening.parent !== null) {
    const p = parentTotals(file, opening.parent);
    if (p) {
      input = Math.max(0, input - p.input);
      output = Math.max(0, output - p.output);
      cacheWrite = Math.max(0, cacheWrite - p.cacheWrite);
      cacheRead = Math.max(0, cacheRead - p.cacheRead);
    }
  }
  if (input + output + cacheWrite + cacheRead <= 0) return [];
  const ms = sessionMs(value, file);
  if (ms === null) return [];
  const named = text(value['model']);
  const model = (named !== null ? droidModel(named) : '') || droidTranscriptModel(head(transcript, MODEL_BYTES)) || 'unknown';
  return [
    {
      ms,
      model,
      input,
      output,
      cacheRead,
      cacheWrite,
      key: `droid:${id}`,
      aggregate: true,
      ...(opening.cwd !== null ? { project: opening.cwd } : {}),
    },
  ];
}

/** Droid's home folder: `$FACTORY_HOME_OVERRIDE/.factory`, else `~/.factory`. */
export function droidRoots(env: Env, home: string): string[] {
  const override = env['FACTORY_HOME_OVERRIDE'];
  return [path.join(override !== undefined && override !== '' ? override : home, '.factory')];
}

export const droidFormat: JsonFileFormat = {
  kind: 'json',
  source: 'droid',
  roots: droidRoots,
  dirs: (root) => [path.join(root, 'sessions')],
  isLog: (name) => name.endsWith(SETTINGS),
  file: (value, file) => droidSessionUsage(value, file),
};
