/**
 * Amp (Sourcegraph's coding agent, `amp`): one JSON document per thread, rewritten whole as the
 * thread grows, and its counting.
 *
 * Where: `${XDG_DATA_HOME:-~/.local/share}/amp/threads/T-<uuid>.json` (Amp resolves its data folder
 * from XDG_DATA_HOME alone; ccusage's own `AMP_DATA_DIR` is not Amp's and is not read). Development
 * builds write `threads-development/`, which is not scanned.
 *
 * A thread: `{ id, created, env: { initial: { trees: [{ uri: "file:///…" }] } }, messages: [...],
 * mainThreadID?, originThreadID?, forkPointIndex?, usageLedger?: { events: [...] } }`. An assistant
 * message carries its call's `usage`: `{ model, inputTokens, outputTokens, cacheCreationInputTokens,
 * cacheReadInputTokens, totalInputTokens, credits?, timestamp? }`.
 *
 * Traps, and how each is counted:
 * - Two formats. Older Amp also kept `usageLedger.events`: `{ id, timestamp, model, credits,
 *   tokens: { input, output }, operationType, toMessageId, subagentThreadID? }`, one event per call,
 *   an `inference` event repeating the usage of the assistant message `toMessageId` (without its
 *   cache counts). Such a thread is counted from its ledger, each call once: an inference event takes
 *   its cache counts from the message it points to (as ccusage does); a message no inference event
 *   points to (history from before the ledger, a fork's copied messages, turns written after Amp
 *   dropped the ledger) counts by itself. Newer Amp writes no ledger: every assistant message with a
 *   usage and a timestamp counts. A message usage without a timestamp (the ledger era wrote none)
 *   counts only through its ledger event.
 * - Ledger events of a tool (`oracle`, `codebase-search`, `title-generation`, `course-correction`)
 *   are calls of their own: input and output only, the ledger keeping no cache counts for them.
 *   ccusage adds the cache counts of the assistant message that called the tool (its `toMessageId`)
 *   to such an event, counting that message's cache twice; here it is not.
 * - `subagent` ledger events sum a Task sub-agent's calls, and the sub-agent is a thread of its own
 *   (`mainThreadID` set) whose file holds the same calls, cache counts included: the event is not
 *   counted (ccusage counts both).
 * - Forks copy the messages up to `forkPointIndex`, usage and all, into a new thread: a message
 *   usage is keyed by its message id, model, counts and timestamp, so a copy is the same usage,
 *   counted once across threads (ccusage counts every copy).
 * - Amp logs OpenAI and Gemini calls with `inputTokens: 0` and the uncached prompt as
 *   `cacheCreationInputTokens` (prompt − cached): for a model that is not Claude that count is
 *   input, not a cache write (ccusage prices it as a cache write at 1.25× input). Gemini's output
 *   already includes its thoughts.
 * - `totalTokens` larger than the parts (a usage without its split) adds the difference to the
 *   output, as ccusage does.
 * - `credits` are Amp's billing units, fetched from Amp's server; their relation to USD is not in
 *   the thread, so they are not taken as a logged cost.
 * - The project is the thread's first workspace tree (`env.initial.trees[0].uri`).
 *
 * References: Amp's CLI as published on npm (`@sourcegraph/amp` 0.0.1767830505-ga62310, dist/main.js:
 * `SC` appends ledger events, the `inference:completed` handler, `Jn4`/`Qn4` tool usage,
 * `createForkedThread`, the `subagent` Task tool with `getOrCreateForSubThread`, the usage builders
 * of the Anthropic, OpenAI and Gemini clients, `tm4` = XDG_DATA_HOME/amp; 0.0.1777897475-g2324e1
 * dist/main.js: no ledger, usage with `timestamp`); ccusage 20.0.11
 * (ryoppippi/ccusage@5816e640, rust/crates/ccusage/src/adapter/amp/{parser,paths,README}.rs).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env } from '../paths';
import type { JsonFileFormat, Usage } from './format';
import { count, isObj, text, type Obj } from './values';


const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an ISO 8601 instant with a zone; null otherwise. */
export function isoMs(v: unknown): number | null {
  if (typeof v !== 'string' || !ISO.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

/** Whether Amp's cache-creation count is a real cache write: only its Anthropic client logs one. */
export function ampLogsCacheWrites(model: string): boolean {
  return /claude/i.test(model);
}

/** genai-prices' name for Amp's model: a provider prefix (`anthropic/`, `openai/`, …) dropped. */
export function ampModel(model: string): string {
  const slash = model.lastIndexOf('/');
  return slash >= 0 ? model.slice(slash + 1) : model;
}

interface Counts {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  total: number;
}

/** One call's usage in the ledger's convention. */
export function ampUsage(model: string, c: Counts, ms: number, key: string | undefined, project: string | undefined): Usage | null {
  let { input, output, cacheWrite } = c;
  const cacheRead = c.cacheRead;
  const missing = c.total - (input + output + cacheWrite + cacheRead);
  if (missing > 0) output += missing;
  if (!ampLogsCacheWrites(model)) {
    input += cacheWrite;
    cacheWrite = 0;
  }
  if (input + output + cacheWrite + cacheRead <= 0) return null;
  return {
    ms,
    model: ampModel(model),
    input,
    output,
    cacheRead,
    cacheWrite,
    ...(key !== undefined ? { key } : {}),
    ...(project !== undefined ? { project } : {}),
  };
}

/** An assistant message's usage, as written. */
interface MessageUsage {
  readonly id: number | string | null;
  readonly model: string | null;
  readonly counts: Counts;
  /** usage.timestamp, else the message's. */
  readonly stamp: string | null;
  readonly key: string;
}

function messageUsage(m: unknown): MessageUsage | null {
  if (!isObj(m) || m['role'] !== 'assistant' || !isObj(m['usage'])) return null;
  const u = m['usage'];
  const rawId = m['messageId'];
  const id = typeof rawId === 'number' && Number.isInteger(rawId) ? rawId : typeof rawId === 'string' ? rawId : null;
  const model = text(u['model']) ?? text(m['model']);
  const counts: Counts = {
    input: count(u['inputTokens']),
    output: count(u['outputTokens']),
    cacheWrite: count(u['cacheCreationInputTokens']),
    cacheRead: count(u['cacheReadInputTokens']),
    total: count(u['totalTokens']),
  };
  const stamp = text(u['timestamp']) ?? text(m['timestamp']);
  // The same call wherever the message was copied (a fork keeps ids, usage and timestamp).
  const key = `amp:${String(id)}:${model ?? ''}:${counts.input}:${counts.output}:${counts.cacheWrite}:${counts.cacheRead}:${counts.total}:${stamp ?? ''}`;
  return { id, model, counts, stamp, key };
}

function projectOf(thread: Obj): string | undefined {
  const env = thread['env'];
  const initial = isObj(env) ? env['initial'] : undefined;
  const trees = isObj(initial) ? initial['trees'] : undefined;
  const first: unknown = Array.isArray(trees) ? trees[0] : undefined;
  const uri = isObj(first) ? text(first['uri']) : null;
  if (!uri || !uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function fromMessage(mu: MessageUsage, project: string | undefined): Usage | null {
  const ms = isoMs(mu.stamp);
  if (ms === null || mu.model === null) return null;
  return ampUsage(mu.model, mu.counts, ms, mu.key, project);
}

/** Every call a thread document holds. */
export function ampThreadUsage(value: unknown): Usage[] {
  if (!isObj(value) || text(value['id']) === null) return [];
  const project = projectOf(value);
  const messages = Array.isArray(value['messages']) ? (value['messages'] as unknown[]) : [];
  const byId = new Map<number | string, MessageUsage>();
  const all: MessageUsage[] = [];
  for (const m of messages) {
    const mu = messageUsage(m);
    if (!mu) continue;
    all.push(mu);
    if (mu.id !== null) byId.set(mu.id, mu);
  }
  const out: Usage[] = [];
  const push = (u: Usage | null) => {
    if (u) out.push(u);
  };
  const ledger = value['usageLedger'];
  const events = isObj(ledger) && Array.isArray(ledger['events']) ? (ledger['events'] as unknown[]) : null;
  if (events === null) {
    for (const mu of all) push(fromMessage(mu, project));
    return out;
  }
  // The last inference event pointing at a message carries that message's cache counts.
  const lastInference = new Map<number | string, number>();
  events.forEach((e, i) => {
    if (!isObj(e)) return;
    const op = e['operationType'] ?? 'inference';
    const to = e['toMessageId'];
    if (op === 'inference' && (typeof to === 'number' || typeof to === 'string') && byId.has(to)) lastInference.set(to, i);
  });
  const referenced = new Set<MessageUsage>();
  events.forEach((e, i) => {
    if (!isObj(e)) return;
    const ms = isoMs(e['timestamp']);
    const model = text(e['model']);
    const tokens = e['tokens'];
    if (ms === null || model === null || !isObj(tokens)) return;
    const op = e['operationType'] ?? 'inference';
    if (op === 'subagent') return;
    const to = e['toMessageId'];
    const mu = op === 'inference' && (typeof to === 'number' || typeof to === 'string') && lastInference.get(to) === i ? byId.get(to) : undefined;
    const counts: Counts = {
      input: count(tokens['input']),
      output: count(tokens['output']),
      cacheWrite: mu ? mu.counts.cacheWrite : 0,
      cacheRead: mu ? mu.counts.cacheRead : 0,
      total: count(tokens['total']),
    };
    if (mu) referenced.add(mu);
    const eventId = text(e['id']);
    push(ampUsage(model, counts, ms, mu ? mu.key : eventId !== null ? `amp:event:${eventId}` : undefined, project));
  });
  for (const mu of all) if (!referenced.has(mu)) push(fromMessage(mu, project));
  return out;
}

/** Amp's data folder: `$XDG_DATA_HOME/amp`, else `~/.local/share/amp`. */
export function ampRoots(env: Env, home: string): string[] {
  const xdg = env['XDG_DATA_HOME'];
  return [path.join(xdg !== undefined && xdg !== '' ? xdg : path.join(home, '.local', 'share'), 'amp')];
}

export const ampFormat: JsonFileFormat = {
  kind: 'json',
  source: 'amp',
  roots: ampRoots,
  dirs: (root) => [path.join(root, 'threads')],
  isLog: (name) => name.endsWith('.json'),
  file: (value) => ampThreadUsage(value),
};
