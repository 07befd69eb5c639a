/**
 * Qwen Code (a Gemini CLI fork): chat transcripts → one usage per model response, each once.
 *
 * Where: `<runtime>/projects/<cwd with every non-alphanumeric as '-'>/chats/<sessionId>.jsonl`,
 * where `<runtime>` is `QWEN_RUNTIME_DIR`, else `QWEN_HOME`, else `~/.qwen` (Qwen's docs:
 * "QWEN_RUNTIME_DIR overrides the runtime output directory (conversations, logs, todos); defaults to
 * QWEN_HOME"; a `~` in either is the home folder). Only files right inside a `chats` folder are
 * transcripts (ccusage reads those alone): a `<session>.ledger.jsonl` sidecar there, and
 * sub-agent or diagnostic logs elsewhere under `projects/`, are not. `QWEN_DATA_DIR` is ccusage's
 * own variable, not Qwen's: not read. A runtime folder set in settings.json, or per run with
 * `--config-dir`, is not seen: set the source's paths for those.
 *
 * A transcript line is a `ChatRecord` (packages/core/src/services/chatRecordingService.ts):
 * `{uuid, parentUuid, sessionId, timestamp, type, cwd, model?, usageMetadata?, …}`. A response is
 * `type: "assistant"` with `model` and `usageMetadata`, the last stream chunk's Gemini-shaped
 * usage (`recordAssistantTurn` in geminiChat.ts); `cwd` is the usage's project.
 *
 * Traps, and how they are counted:
 * - Cached tokens are inside `promptTokenCount` whatever the provider: the OpenAI converter sets it
 *   to `prompt_tokens` (cached included) and `cachedContentTokenCount` to their cached part, the
 *   DashScope one to `input_tokens` ("ALREADY INCLUDES cached_tokens"), the Anthropic one to input
 *   + cache reads + cache writes. They are taken out of the input. ccusage keeps them in its input
 *   and counts them again as cache reads: twice.
 * - Reasoning: the OpenAI and DashScope converters set `candidatesTokenCount` to the completion
 *   tokens, reasoning included, and `thoughtsTokenCount` to the reasoning part (or an estimate from
 *   the reasoning text when the provider reports none), the total being prompt + candidates; with
 *   Gemini's own API the thoughts are apart from the candidates and in the total. The total says
 *   which (`ledgerTokens`); a total that says neither is read the OpenAI way. ccusage adds the
 *   thoughts on top of the candidates in its cost either way: reasoning priced twice there.
 * - Cache writes (Anthropic) are inside `promptTokenCount` and logged nowhere apart: counted as
 *   input.
 * - The same response in two sessions under one `uuid`: `/branch` copies every record verbatim
 *   into the new session's file (only `sessionId` and `parentUuid` rewritten, `forkedFrom` added).
 *   Counted once by `uuid`. ccusage keys on the session too and counts the copy again.
 * - `system` records repeat usage (`ui_telemetry` carries each `api_response` event with its token
 *   counts) and rewinds re-root the chain without removing anything: only `assistant` records
 *   count, rewound ones included (their requests were paid).
 * - A `$runtime|<authType>|` prefix on a model id (runtimeModelPrefix.ts) is dropped.
 * - An early transcript format wrote `usageMetadata` as `{input, output, cached, thoughts, tool,
 *   total}` (the TokensSummary names): read as well; ccusage reads it as zeros.
 * - A Managed session (the newer daemon's transaction log) wraps its records: not read.
 *
 * References (QwenLM/qwen-code): packages/core/src/services/chatRecordingService.ts at
 * 015346f1d5d7312fddaf84a7ef1f83c7d217d389 (ChatRecord, forkedFrom, rewind, ui_telemetry) and at
 * 1ef5167055c937d5a87e8fe0bde5a53503f1c833 (the early usage shape); packages/core/src/core/
 * geminiChat.ts at 71d13b40c8709c49ab5515ac8b3917331e1020f2 (`tokens: usageMetadata`);
 * openaiContentGenerator/converter.ts at 049f7fa0c857768536034bea2f57d9b3f869695c,
 * dashscopeContentGenerator/usage.ts at af5858526d78a16c40963a43cca608507ab2e06f,
 * anthropicContentGenerator/usage.ts at 423e0f850756e0d9eb6299dbc4f99aa41934ce93 (what the counts
 * hold); packages/core/src/config/storage.ts at 013e660f5799186a369c737aea6b4bcb9ca0ef47
 * (`getRuntimeBaseDir`: QWEN_RUNTIME_DIR first, `~` expanded; `getProjectDir`: projects/ under it),
 * packages/channels/base/src/paths.ts (`getGlobalQwenDir`: QWEN_HOME, else ~/.qwen) and Qwen Code's
 * environment-variable reference ("QWEN_RUNTIME_DIR … defaults to QWEN_HOME", quoted at
 * developersdigest.tech/reference/qwen-code/env-vars). ccusage 20.0.11
 * rust/crates/ccusage/src/adapter/qwen/ (what the oracle counts: parser.rs, paths.rs).
 */
import path from 'node:path';
import type { Env } from '../paths';
import type { JsonLinesFormat, Usage } from './format';
import { instant, isRecord, ledgerTokens, text, tokenCount, type GeminiCounts } from './gemini';

const RUNTIME_PREFIX = '$runtime|';

/** A model id without Qwen's `$runtime|<authType>|` prefixes. */
export function qwenModel(id: string): string {
  let m = id;
  while (m.startsWith(RUNTIME_PREFIX)) {
    const rest = m.split('|').slice(2).join('|');
    if (rest === '') break;
    m = rest;
  }
  return m;
}

/** A response's `usageMetadata` as counts, in either shape; null when it is not an object. */
export function qwenCounts(u: unknown): GeminiCounts | null {
  if (!isRecord(u)) return null;
  const pick = (current: string, early: string): number => tokenCount(u[current] ?? u[early]);
  return {
    prompt: pick('promptTokenCount', 'input'),
    candidates: pick('candidatesTokenCount', 'output'),
    cached: pick('cachedContentTokenCount', 'cached'),
    thoughts: pick('thoughtsTokenCount', 'thoughts'),
    tool: pick('toolUsePromptTokenCount', 'tool'),
    total: pick('totalTokenCount', 'total'),
  };
}

/** Whether a file is a transcript: right inside `projects/<project>/chats/`. */
export function isQwenTranscript(file: string): boolean {
  const chats = path.dirname(file);
  return path.basename(chats) === 'chats' && path.basename(path.dirname(path.dirname(chats))) === 'projects';
}

/** What is remembered per transcript between reads. */
export interface QwenState {
  /** Whether the file is a transcript (null: not decided yet). */
  transcript: boolean | null;
  /** The last instant the file gave (for a record without one). */
  ms: number | null;
}

function expand(dir: string, home: string): string {
  if (dir === '~') return home;
  if (dir.startsWith('~/') || dir.startsWith('~\\')) return path.join(home, dir.slice(2));
  return path.resolve(dir);
}

export const qwenCodeFormat: JsonLinesFormat<QwenState> = {
  kind: 'jsonl',
  source: 'qwenCode',
  roots(env: Env, home: string): string[] {
    const runtime = env['QWEN_RUNTIME_DIR'] || env['QWEN_HOME'];
    return [runtime ? expand(runtime, home) : path.join(home, '.qwen')];
  },
  dirs: (root) => [path.join(root, 'projects')],
  /** Transcripts lie at `projects/<project>/chats/<session>.jsonl`. */
  depth: 2,
  isLog: (name) => name.endsWith('.jsonl') && !name.endsWith('.ledger.jsonl'),
  needle: '"type":"assistant"',
  initial: () => ({ transcript: null, ms: null }),
  line(value, state, file): Usage | null {
    state.transcript ??= isQwenTranscript(file);
    if (!state.transcript || !isRecord(value)) return null;
    const ms = instant(value['timestamp']);
    if (ms !== null) state.ms = ms;
    if (value['type'] !== 'assistant') return null;
    const counts = qwenCounts(value['usageMetadata']);
    const when = ms ?? state.ms;
    if (!counts || when === null) return null;
    const tokens = ledgerTokens(counts, false);
    if (!tokens) return null;
    const model = text(value['model']);
    const uuid = text(value['uuid']);
    const cwd = text(value['cwd']);
    return {
      ms: when,
      model: model ? qwenModel(model) : 'unknown',
      ...tokens,
      ...(uuid ? { key: uuid } : {}),
      ...(cwd ? { project: cwd } : {}),
    };
  },
};
