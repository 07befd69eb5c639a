/**
 * OpenClaw: agent session transcripts (pi's format: OpenClaw runs pi's agent core) → one usage per
 * assistant message, live files and their reset/deleted archives alike, each message once.
 *
 * Where: `$OPENCLAW_STATE_DIR` (or the older `$CLAWDBOT_STATE_DIR`), else `~/.openclaw` and the
 * legacy state folders `~/.clawdbot`, `~/.moldbot`, `~/.moltbot`, with `$OPENCLAW_HOME` standing for
 * the home folder (openclaw src/config/paths.ts `resolveStateDir`). Transcripts are
 * `<state>/agents/<agentId>/sessions/<sessionId>.jsonl` (src/config/sessions/paths.ts
 * `resolveAgentSessionsDir`); `agents/` is scanned. ccusage reads `$OPENCLAW_DIR` (its own name)
 * and every matching file anywhere under the state folder.
 *
 * Which files (src/config/sessions/artifacts.ts `isUsageCountedSessionTranscriptFileName`):
 * `<id>.jsonl`, its compaction checkpoint twins `<id>.checkpoint.<uuid>.jsonl`, and the archives a
 * reset or a deletion leaves, `<id>.jsonl.reset.<time>` and `<id>.jsonl.deleted.<time>`: they still
 * hold spent tokens. Not `.trajectory.jsonl` runtime files (OpenClaw leaves them out of usage;
 * ccusage reads any `*.jsonl`) nor `.bak.` backups.
 *
 * Records: as pi's (see pi.ts): `{"type":"message","id","timestamp","message":{"role":"assistant",
 * "model"|"modelId","provider","usage":{"input","output","cacheRead","cacheWrite","totalTokens",
 * "cost":{"total"}},"timestamp":<ms>}}`, plus `{"type":"model_change","provider","modelId"}` and
 * `{"type":"custom","customType":"model-snapshot","data":{"provider","modelId"}}`, which set the
 * model of the messages after them that name none (kept per file). The first line, the session
 * header, names the working directory (`cwd`).
 *
 * Traps:
 * - Archives against the live file: a reset renames `<id>.jsonl` to `<id>.jsonl.reset.<time>`, so
 *   the same messages are read first from the live file and again from the archive (and a
 *   checkpoint twin copies them). The key (timestamp, model, counts, logged cost; not the file)
 *   makes every copy one usage, as ccusage's key (session id = file name before `.jsonl`) does for
 *   a live file and its archives.
 * - Only lines containing `"model` are handed over: usage lines carry `"model":` (pi's
 *   AssistantMessage always has it), model changes `"model_change"` / `"model-snapshot"`.
 * - A message without a timestamp is dated by its file's modification time, as ccusage does.
 *
 * References: ccusage rust/crates/ccusage/src/adapter/openclaw/{paths,parser,loader}.rs @
 * 5816e640e8824986f33427203da164b01394a161 (20.0.11; the 20.0.24 binary agrees on the corpus of
 * test/fixtures/agents/openclaw); openclaw/openclaw src/config/paths.ts @ 009f1606356ee25c6142775d880718e2abccbb84,
 * src/config/sessions/paths.ts @ 00358f665e10e59f919a61a19ee2679259b4c5ca,
 * src/config/sessions/artifacts.ts @ 0849551642f081db8079b70b4cd472cd57b594dc.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../paths';
import type { JsonLinesFormat, Usage } from './format';
import { bareModel, envValue, expandHome, isoMs, numberOf, objectOf, readFirstJsonLine, textOf } from './jsonFields';
import { piCounts } from './pi';

/** What is remembered per transcript. */
export interface OpenClawFileState {
  /** The model the last model change named. */
  model: string | null;
  headRead: boolean;
  cwd: string | null;
}

const STATE_DIRS = ['.openclaw', '.clawdbot', '.moldbot', '.moltbot'];

function openClawRoots(env: Env, home: string): string[] {
  const state = envValue(env, 'OPENCLAW_STATE_DIR') ?? envValue(env, 'CLAWDBOT_STATE_DIR');
  if (state !== null) return [expandHome(state, home)];
  const base = envValue(env, 'OPENCLAW_HOME');
  const h = base !== null ? expandHome(base, home) : home;
  return STATE_DIRS.map((d) => path.join(h, d));
}

/** Whether a file name is a transcript whose usage counts (see the header). */
export function isOpenClawLog(name: string): boolean {
  const at = name.indexOf('.jsonl');
  if (at <= 0) return false;
  const suffix = name.slice(at);
  if (suffix === '.jsonl') return !name.endsWith('.trajectory.jsonl');
  return suffix.startsWith('.jsonl.reset.') || suffix.startsWith('.jsonl.deleted.');
}

function msOf(value: unknown): number | null {
  return numberOf(value) ?? isoMs(value);
}

function fileTime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** The usage one transcript line holds; a model change only updates the state. */
export function openClawLine(value: unknown, state: OpenClawFileState, file: string): Usage | null {
  const record = objectOf(value);
  if (!record) return null;
  const type = record['type'];
  if (type === 'model_change' || (type === 'custom' && record['customType'] === 'model-snapshot')) {
    const source = objectOf(record['data']) ?? record;
    const model = textOf(source['modelId']) ?? textOf(source['model']);
    if (model !== null) state.model = model;
    return null;
  }
  if (type !== 'message') return null;
  const message = objectOf(record['message']);
  if (!message || message['role'] !== 'assistant') return null;
  const usage = objectOf(message['usage']);
  if (!usage) return null;
  const counts = piCounts(usage);
  if (!counts) return null;
  const ms = Math.trunc(msOf(message['timestamp'] ?? record['timestamp']) ?? fileTime(file));
  if (!state.headRead) {
    state.headRead = true;
    const head = objectOf(readFirstJsonLine(file));
    state.cwd = head && head['type'] === 'session' ? textOf(head['cwd']) : null;
  }
  const logged = textOf(message['modelId']) ?? textOf(message['model']) ?? state.model;
  const { input, output, cacheRead, cacheWrite, loggedCost } = counts;
  return {
    ms,
    model: logged !== null ? bareModel(logged) : 'unknown',
    input,
    output,
    cacheRead,
    cacheWrite,
    ...(loggedCost !== undefined ? { loggedCost } : {}),
    key: `${ms}|${logged ?? ''}|${input}|${output}|${cacheRead}|${cacheWrite}|${loggedCost ?? ''}`,
    ...(state.cwd !== null ? { project: state.cwd } : {}),
  };
}

export const openClawFormat: JsonLinesFormat<OpenClawFileState> = {
  kind: 'jsonl',
  source: 'openClaw',
  roots: openClawRoots,
  dirs: (root) => [path.join(root, 'agents')],
  isLog: isOpenClawLog,
  needle: '"model',
  initial: () => ({ model: null, headRead: false, cwd: null }),
  line: openClawLine,
};
