/**
 * pi (pi-agent, `pi` of badlogic/pi-mono): session transcripts → one usage per assistant message.
 *
 * Where: `$PI_CODING_AGENT_DIR` (pi's own variable, `~` expanded), else `~/.pi/agent`; the
 * sessions are `<agent dir>/sessions/--<cwd with / as ->--/<time>_<uuid>.jsonl`
 * (packages/coding-agent/src/config.ts `getAgentDir`, `getSessionsDir`; core/session-manager.ts
 * `getDefaultSessionDir`). ccusage reads `$PI_AGENT_DIR` instead (its own name for the sessions
 * folder itself, comma list); pi does not know that variable, so it is not read here.
 *
 * Records (core/session-manager.ts `SessionHeader`, `SessionMessageEntry`; packages/ai/src/types.ts
 * `Usage`, `AssistantMessage`):
 * - first line `{"type":"session","id","timestamp","cwd",…}`: the working directory (the project).
 *   Lines without `"usage"` are never handed over, so it is read once per file from the file itself.
 * - `{"type":"message","id","parentId","timestamp":"<ISO>","message":{"role":"assistant","model",
 *   "provider","usage":{"input","output","cacheRead","cacheWrite","totalTokens","cost":{…,"total"}},
 *   "timestamp":<ms>}}`: one model call. `input` is already the uncached input (pi subtracts
 *   cached tokens, e.g. providers/openai-completions.ts), `output` already includes reasoning, so
 *   the counts are taken as logged. `cost.total` (USD, from pi's model table) is the logged cost.
 *
 * Traps:
 * - Counts missing but `totalTokens` given (older or partial records): the difference goes to
 *   output when output is 0, as ccusage does (adapter/pi/parser.rs with `apply_total_token_fallback`);
 *   when output is known the surplus belongs to no kind and is left out (ccusage keeps it only in
 *   its `totalTokens`).
 * - A branched or forked session (`createBranchedSession`, `SessionManager.forkFrom`) is a new file
 *   that copies the earlier entries verbatim: same entry `id`, same timestamp, same usage. The key
 *   is the entry id, the timestamp, the model and the counts, without the file, so a copy counts
 *   once. ccusage's key (adapter/pi/parser.rs `entry_id`) includes the session file's name and
 *   counts such a copy again: there this follows pi and the test asserts hand-computed totals.
 * - Model names as pi logs them, with a router's prefix for OpenRouter (`anthropic/claude-sonnet-4.5`):
 *   priced by the bare name (`bareModel`); ccusage prices `[pi] <model>` by substring match.
 *
 * References: badlogic/pi-mono @ 83378aad7e74a0e2bb8f37c007a9685fb4609d8a; ccusage
 * rust/crates/ccusage/src/adapter/pi/{paths,parser,loader}.rs @ 5816e640e8824986f33427203da164b01394a161
 * (20.0.11; the 20.0.24 binary agrees on the corpus of test/fixtures/agents/pi).
 */
import path from 'node:path';
import type { Env } from '../paths';
import type { JsonLinesFormat, Usage } from './format';
import { bareModel, countOf, envValue, expandHome, isoMs, numberOf, objectOf, readFirstJsonLine, textOf } from './jsonFields';

/** What is remembered per session file. */
export interface PiFileState {
  /** Whether the header (first line) was read. */
  headRead: boolean;
  /** The session's working directory, from the header. */
  cwd: string | null;
}

/** The counts of a pi `usage` object (also OpenClaw's, which embeds pi), and its logged cost; null when it holds no tokens. */
export interface PiCounts {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  readonly loggedCost: number | undefined;
}

/** Reads a pi-shaped `usage` object (see the header: `totalTokens` fills a missing output). */
export function piCounts(usage: Readonly<Record<string, unknown>>): PiCounts | null {
  const input = countOf(usage['input']);
  let output = countOf(usage['output']);
  const cacheRead = countOf(usage['cacheRead']);
  const cacheWrite = countOf(usage['cacheWrite']);
  const total = countOf(usage['totalTokens']);
  const known = input + output + cacheRead + cacheWrite;
  if (total > known && output === 0) output = total - known;
  if (input + output + cacheRead + cacheWrite === 0) return null;
  const loggedCost = numberOf(objectOf(usage['cost'])?.['total']) ?? undefined;
  return { input, output, cacheRead, cacheWrite, loggedCost };
}

/** pi's agent folder: `$PI_CODING_AGENT_DIR` or `~/.pi/agent`. */
function piRoots(env: Env, home: string): string[] {
  const dir = envValue(env, 'PI_CODING_AGENT_DIR');
  return [dir !== null ? expandHome(dir, home) : path.join(home, '.pi', 'agent')];
}

/** The usage one pi session line holds (null for every other line). */
export function piLine(value: unknown, state: PiFileState, file: string): Usage | null {
  const entry = objectOf(value);
  if (!entry) return null;
  const type = entry['type'];
  if (type !== undefined && type !== 'message') return null;
  const message = objectOf(entry['message']);
  if (!message || message['role'] !== 'assistant') return null;
  const usage = objectOf(message['usage']);
  if (!usage) return null;
  const counts = piCounts(usage);
  if (!counts) return null;
  const stamp = typeof entry['timestamp'] === 'string' ? entry['timestamp'] : '';
  const ms = isoMs(stamp) ?? numberOf(message['timestamp']);
  if (ms === null) return null;
  if (!state.headRead) {
    state.headRead = true;
    const head = objectOf(readFirstJsonLine(file));
    state.cwd = head && head['type'] === 'session' ? textOf(head['cwd']) : null;
  }
  const logged = textOf(message['model']);
  const model = logged !== null ? bareModel(logged) : 'unknown';
  const id = textOf(entry['id']) ?? '';
  const { input, output, cacheRead, cacheWrite, loggedCost } = counts;
  return {
    ms,
    model,
    input,
    output,
    cacheRead,
    cacheWrite,
    ...(loggedCost !== undefined ? { loggedCost } : {}),
    key: `${id}|${stamp !== '' ? stamp : ms}|${logged ?? ''}|${input}|${output}|${cacheRead}|${cacheWrite}`,
    ...(state.cwd !== null ? { project: state.cwd } : {}),
  };
}

export const piFormat: JsonLinesFormat<PiFileState> = {
  kind: 'jsonl',
  source: 'pi',
  roots: piRoots,
  dirs: (root) => [path.join(root, 'sessions')],
  isLog: (name) => name.endsWith('.jsonl'),
  needle: '"usage"',
  initial: () => ({ headRead: false, cwd: null }),
  line: piLine,
};
