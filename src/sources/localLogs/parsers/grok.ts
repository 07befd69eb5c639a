/**
 * Grok Build CLI (xAI's `grok`): session update logs → one usage per model per completed turn.
 *
 * Where: `$GROK_HOME`, else `~/.grok` (xai-grok-config src/paths.rs `grok_home`). Sessions are
 * `<home>/sessions/<url-encoded cwd>/<session id>/updates.jsonl`, beside a `summary.json`
 * (xai-grok-shell src/session/storage/jsonl/mod.rs `session_dir`); a sub-agent's session may sit
 * deeper, under `<session id>/subagents/<id>/`. Every `updates.jsonl` under `sessions/` is read,
 * as the ccusage 20.0.24 binary does.
 *
 * Records (xai-grok-shell src/session/storage/mod.rs `SessionUpdateEnvelope`,
 * src/extensions/notification.rs `SessionUpdate::TurnCompleted`, `PromptUsage`, `PromptUsageModel`):
 * `{"timestamp":<epoch seconds>,"method":"_x.ai/session/update","params":{"sessionId","update":
 * {"sessionUpdate":"turn_completed","prompt_id","stop_reason","usage":{<totals>,"modelUsage":
 * {"<model>":{"inputTokens","outputTokens","totalTokens","cachedReadTokens","cacheCreationTokens",
 * "reasoningTokens","modelCalls","costUsdTicks"?,"costIsPartial"?}},"usageIsIncomplete"?}},
 * "_meta":{"eventId":"<session>-<n>","agentTimestampMs"?}}}`. One such line closes a turn; its usage
 * is the whole turn's (every model call of it), split by model in `modelUsage`.
 *
 * Counting (the doc comment of `PromptUsage`, "Wire contract"):
 * - `inputTokens` is the full prompt, cache reads and cache writes included; the ledger's input is
 *   `inputTokens − cachedReadTokens − cacheCreationTokens` (grok's own headless projection,
 *   `project_result_usage`). `reasoningTokens` is a subset of `outputTokens`: output as logged.
 * - Per model: one usage per `modelUsage` entry; a turn without `modelUsage` is one usage of the
 *   totals, under the session's `summary.json` `current_model_id` (else `unknown`).
 * - Cost: `costUsdTicks`, 1e10 ticks to the dollar, per model; grok drops it when the sum is partial
 *   or the usage incomplete ("absence of cost means untrustworthy or unknown — not free"), and it is
 *   taken as the logged cost only when neither `costIsPartial` nor `usageIsIncomplete` is set.
 * - Model names: a `-build` suffix (a third-party capture of real turns shows the key
 *   `grok-4.5-build`; grok-build's source does not list model ids) is dropped for pricing, as the
 *   ccusage 20.0.24 binary does (it prices `grok-4-build` as grok-4).
 * - Time: `_meta.agentTimestampMs` when present (the 20.0.24 binary prefers it), else the envelope's
 *   `timestamp` (seconds; milliseconds when above 1e12, as ccusage reads it). A line with neither
 *   is not counted.
 *
 * Traps:
 * - A replayed turn: the same `turn_completed` persisted again with its `eventId` (the event id is
 *   minted once and rides every copy: src/agent/subagent/tests/mod.rs on "re-applied lines"), in the
 *   same file or a copied session. The key is `eventId` + model, else session + time + model +
 *   counts (ccusage's `entry_id`), across all files: a replay counts once.
 * - Sub-agent usage: grok folds a finished sub-agent's usage into the parent's ledger
 *   (xai-chat-state src/usage.rs `record_subagent`) and a sub-agent session may log its own turns;
 *   whether both reach `updates.jsonl` files could not be established from the source. This format
 *   reads them all, as the ccusage 20.0.24 binary does (its adapter README observed no nested
 *   updates.jsonl in live sessions).
 *
 * References: grok-build as published by xAI ("Publish harness and TUI open-source", mirrored at
 * wow-look-at-my/grok-build @ 8adf9013a0929e5c7f1d4e849492d2387837a28d); ccusage
 * rust/crates/ccusage/src/adapter/grok/{paths,parser,loader}.rs @ cf0f048ca1ba32ac8cc10349ebfa77cce0c3252f
 * (ccusage/ccusage, not the mirrored 20.0.11). That source adds `reasoningTokens` to the billed
 * output and keeps `inputTokens` whole; the 20.0.24 binary (the oracle) does neither, subtracts the
 * cache from the input, reads `costUsdTicks`, strips `-build`, and prefers `agentTimestampMs`
 * (probed with hand-made lines: test/fixtures/agents/grok/README.md). This format follows grok's
 * source, which the binary agrees with.
 */
import path from 'node:path';
import type { Env } from '../paths';
import type { JsonLinesFormat, Usage } from './format';
import { bareModel, countOf, envValue, expandHome, isoMs, numberOf, objectOf, readSmallJson, textOf } from './jsonFields';

/** 1 USD = 10^10 ticks (notification.rs `USD_TICKS_PER_USD`). */
export const GROK_TICKS_PER_USD = 1e10;

/** What is remembered per updates file: its session's `summary.json`, read once. */
export interface GrokFileState {
  /** Whether the session's summary was read. */
  summaryRead: boolean;
  /** `summary.json` `current_model_id`: the model of turns without `modelUsage`. */
  fallbackModel: string | null;
  /** The working directory: `summary.json` `info.cwd`, else its `git_root_dir`, else the decoded folder name. */
  project: string | null;
}

function grokRoots(env: Env, home: string): string[] {
  const dir = envValue(env, 'GROK_HOME');
  return [dir !== null ? expandHome(dir, home) : path.join(home, '.grok')];
}

/** The model name the ledger prices a grok model name at: provider prefix and `-build` suffix off. */
export function grokPricedModel(raw: string): string {
  const bare = bareModel(raw);
  return bare.endsWith('-build') && bare.length > '-build'.length ? bare.slice(0, -'-build'.length) : bare;
}

/** The cwd a session folder's name encodes (`sessions/<url-encoded cwd>/…`), or null. */
function cwdFromPath(file: string): string | null {
  const parts = path.resolve(file).split(path.sep);
  const at = parts.lastIndexOf('sessions');
  const encoded = at >= 0 ? parts[at + 1] : undefined;
  if (encoded === undefined || encoded === path.basename(file)) return null;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

function readSummary(state: GrokFileState, file: string): void {
  state.summaryRead = true;
  const summary = objectOf(readSmallJson(path.join(path.dirname(file), 'summary.json')));
  state.fallbackModel = textOf(summary?.['current_model_id']);
  const cwd = textOf(objectOf(summary?.['info'])?.['cwd']) ?? textOf(summary?.['git_root_dir']);
  state.project = cwd !== null ? cwd.replace(/\/+$/, '') || cwd : cwdFromPath(file);
}

/** Epoch ms of a turn line (see the header), or null. */
function turnMs(record: Readonly<Record<string, unknown>>, meta: Readonly<Record<string, unknown>> | null): number | null {
  const agent = numberOf(meta?.['agentTimestampMs']);
  if (agent !== null && agent > 0) return Math.trunc(agent);
  const stamp = record['timestamp'];
  const n = numberOf(stamp);
  if (n !== null) {
    if (n <= 0) return null;
    return Math.trunc(n > 1e12 ? n : n * 1000);
  }
  return isoMs(stamp);
}

/** The usages one updates line holds: one per model of a completed turn (empty for every other line). */
export function grokLine(value: unknown, state: GrokFileState, file: string): Usage[] | null {
  const record = objectOf(value);
  const params = objectOf(record?.['params']);
  const update = objectOf(params?.['update']);
  if (!record || !params || !update || update['sessionUpdate'] !== 'turn_completed') return null;
  const usage = objectOf(update['usage']);
  if (!usage) return null;
  const meta = objectOf(params['_meta']);
  const ms = turnMs(record, meta);
  if (ms === null) return null;
  if (!state.summaryRead) readSummary(state, file);
  const eventId = textOf(meta?.['eventId']) ?? textOf(objectOf(update['_meta'])?.['eventId']);
  const sessionId = textOf(params['sessionId']) ?? path.basename(path.dirname(file));
  const incomplete = usage['usageIsIncomplete'] === true;
  const byModel = objectOf(usage['modelUsage']);
  const rows: [string, Readonly<Record<string, unknown>>][] = [];
  if (byModel && Object.keys(byModel).length > 0) {
    for (const [model, row] of Object.entries(byModel)) {
      const r = objectOf(row);
      if (r) rows.push([model, r]);
    }
  } else {
    rows.push([state.fallbackModel ?? 'unknown', usage]);
  }
  const out: Usage[] = [];
  for (const [model, row] of rows) {
    const full = countOf(row['inputTokens']);
    const output = countOf(row['outputTokens']);
    const cacheRead = countOf(row['cachedReadTokens']);
    const cacheWrite = countOf(row['cacheCreationTokens']);
    const input = Math.max(0, full - cacheRead - cacheWrite);
    if (input + output + cacheRead + cacheWrite === 0) continue;
    const ticks = numberOf(row['costUsdTicks']);
    const trusted = ticks !== null && !incomplete && row['costIsPartial'] !== true && usage['costIsPartial'] !== true;
    out.push({
      ms,
      model: grokPricedModel(model),
      input,
      output,
      cacheRead,
      cacheWrite,
      ...(trusted ? { loggedCost: ticks / GROK_TICKS_PER_USD } : {}),
      key: eventId !== null ? `${eventId}|${model}` : `${sessionId}|${ms}|${model}|${full}|${output}|${cacheRead}|${cacheWrite}`,
      ...(state.project !== null ? { project: state.project } : {}),
    });
  }
  return out;
}

export const grokFormat: JsonLinesFormat<GrokFileState> = {
  kind: 'jsonl',
  source: 'grok',
  roots: grokRoots,
  dirs: (root) => [path.join(root, 'sessions')],
  isLog: (name) => name === 'updates.jsonl',
  needle: '"turn_completed"',
  initial: () => ({ summaryRead: false, fallbackModel: null, project: null }),
  line: grokLine,
};

