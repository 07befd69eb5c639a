/**
 * Qwen Code transcripts under a temp HOME, with the traps of its logs (what each reflects:
 * test/fixtures/agents/qwen/README.md). Deterministic for a seed. Every response the corpus holds
 * is returned once with its counts in the ledger's convention, worked out here by hand from what
 * each provider path puts in `usageMetadata`:
 *
 * - OpenAI-compatible (gpt-*, qwen3-coder-plus): prompt = prompt_tokens (cached included),
 *   candidates = completion_tokens (reasoning included), thoughts = reasoning, total = prompt +
 *   candidates. Ledger: input = prompt − cached, output = candidates, cache read = cached.
 * - Gemini: thoughts apart, total = prompt + candidates + thoughts. Ledger output = candidates + thoughts.
 * - Anthropic: prompt = input + cache reads + cache writes, cached = cache reads, total = prompt +
 *   output. Ledger: input = input + cache writes (logged nowhere apart), output, cache read.
 *
 * `writeQwenCorpus`: the cross-check corpus. `writeQwenForks`: what ccusage counts again or
 * drops (a `/branch` copy of a session, the early usage shape), for hand-computed totals.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32, type Random } from '../../../src/core/random';

export const QWEN_MODELS = { coder: 'qwen3-coder-plus', gpt41: 'gpt-4.1', gpt5mini: 'gpt-5-mini', flash: 'gemini-2.5-flash', sonnet: 'claude-sonnet-4-5' } as const;

type Provider = 'openai' | 'gemini' | 'anthropic';

const PROVIDER: Readonly<Record<string, Provider>> = {
  [QWEN_MODELS.coder]: 'openai',
  [QWEN_MODELS.gpt41]: 'openai',
  [QWEN_MODELS.gpt5mini]: 'openai',
  [QWEN_MODELS.flash]: 'gemini',
  [QWEN_MODELS.sonnet]: 'anthropic',
};

/** A record's `usageMetadata` (Gemini's field names). */
export interface QwenUsageMetadata {
  readonly promptTokenCount: number;
  readonly candidatesTokenCount: number;
  readonly cachedContentTokenCount: number;
  readonly thoughtsTokenCount: number;
  readonly totalTokenCount: number;
}

/** One response of the corpus, once, with its ledger counts. */
export interface QwenResponse {
  readonly ms: number;
  /** The model as the ledger names it (a `$runtime|…|` prefix dropped). */
  readonly model: string;
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  /** The part of `output` that ccusage leaves out of its `outputTokens` (thoughts logged apart). */
  readonly thoughtsApart: number;
  readonly project: string;
}

export interface QwenCorpus {
  readonly responses: QwenResponse[];
  readonly files: string[];
}

type Json = Record<string, unknown>;

function hex(random: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(random() * 16).toString(16);
  return s;
}

function uuid(random: Random): string {
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`;
}

const between = (random: Random, lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));

/** A response's usage as the model's provider path writes it, and its ledger counts. */
export function qwenUsage(random: Random, model: string): { meta: QwenUsageMetadata; ledger: Omit<QwenResponse, 'ms' | 'model' | 'project'> } {
  const provider = PROVIDER[model] ?? 'openai';
  // Requests stay under 200k tokens: Sonnet's price doubles above (both price tables agree on that).
  const fresh = between(random, 2_000, provider === 'anthropic' ? 60_000 : 90_000);
  const cached = random() < 0.2 ? 0 : between(random, 1_000, 100_000);
  if (provider === 'anthropic') {
    const write = random() < 0.5 ? between(random, 500, 20_000) : 0;
    const output = between(random, 50, 4_000);
    const prompt = fresh + cached + write;
    return {
      meta: { promptTokenCount: prompt, candidatesTokenCount: output, cachedContentTokenCount: cached, thoughtsTokenCount: 0, totalTokenCount: prompt + output },
      ledger: { input: fresh + write, output, cacheRead: cached, thoughtsApart: 0 },
    };
  }
  const prompt = fresh + cached;
  if (provider === 'gemini') {
    const candidates = between(random, 50, 3_000);
    const thoughts = between(random, 0, 2_000);
    return {
      meta: { promptTokenCount: prompt, candidatesTokenCount: candidates, cachedContentTokenCount: cached, thoughtsTokenCount: thoughts, totalTokenCount: prompt + candidates + thoughts },
      ledger: { input: fresh, output: candidates + thoughts, cacheRead: cached, thoughtsApart: thoughts },
    };
  }
  const reasoning = model === QWEN_MODELS.gpt41 ? 0 : between(random, 0, 3_000);
  const completion = between(random, 50, 3_000) + reasoning;
  return {
    meta: { promptTokenCount: prompt, candidatesTokenCount: completion, cachedContentTokenCount: cached, thoughtsTokenCount: reasoning, totalTokenCount: prompt + completion },
    ledger: { input: fresh, output: completion, cacheRead: cached, thoughtsApart: 0 },
  };
}

const line = (o: unknown): string => JSON.stringify(o);

function write(file: string, lines: readonly string[], files: string[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  files.push(file);
}

/** Qwen's project folder name: the working directory with every non-alphanumeric as '-'. */
export const sanitizeCwd = (cwd: string): string => cwd.replace(/[^a-zA-Z0-9]/g, '-');

interface SessionPlan {
  readonly cwd: string;
  readonly start: string;
  readonly turns: number;
  readonly models: readonly string[];
  /** Write this model id with a `$runtime|openai|` prefix. */
  readonly runtimePrefix?: boolean;
  readonly rewind?: boolean;
}

/** One transcript: per turn a user record, an assistant record, its ui_telemetry copy, a tool result. */
function session(runtime: string, plan: SessionPlan, random: Random, out: QwenResponse[], files: string[]): { file: string; records: Json[] } {
  const sessionId = uuid(random);
  let ms = Date.parse(plan.start);
  let parent: string | null = null;
  const records: Json[] = [];
  const base = (type: string): Json => {
    const r: Json = { uuid: uuid(random), parentUuid: parent, sessionId, timestamp: new Date(ms).toISOString(), type, cwd: plan.cwd, version: '0.16.2', gitBranch: 'main' };
    parent = r['uuid'] as string;
    return r;
  };
  for (let t = 0; t < plan.turns; t++) {
    ms += between(random, 20, 300) * 1000;
    records.push({ ...base('user'), message: { role: 'user', parts: [{ text: `task ${t}` }] } });
    ms += between(random, 2, 80) * 1000;
    const model = plan.models[t % plan.models.length] as string;
    const { meta, ledger } = qwenUsage(random, model);
    const logged = plan.runtimePrefix === true && t % 3 === 1 ? `$runtime|openai|${model}` : model;
    records.push({ ...base('assistant'), model: logged, message: { role: 'model', parts: [{ text: `done ${t}` }] }, usageMetadata: meta, contextWindowSize: 131072 });
    out.push({ ms, model, ...ledger, project: plan.cwd });
    records.push({
      ...base('system'),
      subtype: 'ui_telemetry',
      systemPayload: { uiEvent: { 'event.name': 'qwen-code.api_response', 'event.timestamp': new Date(ms).toISOString(), model, input_token_count: meta.promptTokenCount, output_token_count: meta.candidatesTokenCount, cached_content_token_count: meta.cachedContentTokenCount, thoughts_token_count: meta.thoughtsTokenCount, total_token_count: meta.totalTokenCount } },
    });
    if (t % 2 === 0) records.push({ ...base('tool_result'), message: { role: 'user', parts: [{ functionResponse: { id: `c${t}`, name: 'read_file', response: { output: 'x' } } }] }, toolCallResult: { callId: `c${t}`, status: 'success' } });
    if (plan.rewind === true && t === plan.turns - 3) records.push({ ...base('system'), subtype: 'rewind', systemPayload: { truncatedCount: 4 } });
  }
  const file = path.join(runtime, 'projects', sanitizeCwd(plan.cwd), 'chats', `${sessionId}.jsonl`);
  write(file, records.map(line), files);
  return { file, records };
}

/** Files under `projects/` that are not transcripts: a ledger sidecar, a sub-agent log, a diagnostic log. */
function noise(runtime: string, cwd: string, copyOf: Json, files: string[]): void {
  const dir = path.join(runtime, 'projects', sanitizeCwd(cwd));
  write(path.join(dir, 'chats', `${copyOf['sessionId'] as string}.ledger.jsonl`), [line(copyOf)], files);
  write(path.join(dir, 'subagents', copyOf['sessionId'] as string, 'agent-explore.jsonl'), [line({ ...copyOf, uuid: 'sub-1', isSidechain: true, agentId: 'explore-1' })], files);
  write(path.join(runtime, 'usage_record.jsonl'), [line({ version: 1, sessionId: copyOf['sessionId'], models: { 'qwen3-coder-plus': { requests: 1, inputTokens: 10 } } })], files);
}

/** The cross-check corpus: five days of April 2026, five models over three provider paths. */
export function writeQwenCorpus(home: string, seed = 5): QwenCorpus {
  const random = mulberry32(seed);
  const runtime = path.join(home, '.qwen');
  const responses: QwenResponse[] = [];
  const files: string[] = [];
  const m = QWEN_MODELS;
  const first = session(runtime, { cwd: '/home/dev/alpha', start: '2026-04-06T02:00:00.000Z', turns: 12, models: [m.coder, m.gpt41], runtimePrefix: true, rewind: true }, random, responses, files);
  session(runtime, { cwd: '/home/dev/alpha', start: '2026-04-07T18:10:00.000Z', turns: 10, models: [m.gpt5mini, m.flash] }, random, responses, files);
  session(runtime, { cwd: '/work/beta_service', start: '2026-04-08T08:00:00.000Z', turns: 9, models: [m.sonnet, m.coder] }, random, responses, files);
  session(runtime, { cwd: '/work/beta_service', start: '2026-04-10T12:30:00.000Z', turns: 8, models: [m.flash, m.gpt41, m.sonnet] }, random, responses, files);
  const assistant = first.records.find((r) => r['type'] === 'assistant') as Json;
  noise(runtime, '/home/dev/alpha', assistant, files);
  return { responses, files };
}

/**
 * What ccusage counts again or drops: `/branch` copies a session into a new one (same uuids, the
 * new sessionId, `forkedFrom`), and a transcript of the early format whose `usageMetadata` used the
 * TokensSummary names.
 */
export function writeQwenForks(home: string, seed = 9): QwenCorpus & { readonly forked: QwenResponse[]; readonly early: QwenResponse[] } {
  const random = mulberry32(seed);
  const runtime = path.join(home, '.qwen');
  const responses: QwenResponse[] = [];
  const files: string[] = [];
  const cwd = '/home/dev/gamma';
  const original = session(runtime, { cwd, start: '2026-04-12T05:00:00.000Z', turns: 5, models: [QWEN_MODELS.gpt41] }, random, responses, files);
  const forked = [...responses];
  const forkId = uuid(random);
  const copies = original.records.map((r) => ({ ...r, sessionId: forkId, forkedFrom: { sessionId: r['sessionId'], messageUuid: r['uuid'] } }));
  write(path.join(runtime, 'projects', sanitizeCwd(cwd), 'chats', `${forkId}.jsonl`), copies.map(line), files);

  const early: QwenResponse[] = [];
  const earlyId = uuid(random);
  let ms = Date.parse('2026-04-13T09:00:00.000Z');
  const lines: string[] = [];
  for (let t = 0; t < 3; t++) {
    ms += 90_000;
    const { meta, ledger } = qwenUsage(random, QWEN_MODELS.gpt41);
    const usageMetadata = { input: meta.promptTokenCount, output: meta.candidatesTokenCount, cached: meta.cachedContentTokenCount, thoughts: meta.thoughtsTokenCount, tool: 0, total: meta.totalTokenCount };
    lines.push(line({ uuid: uuid(random), parentUuid: null, sessionId: earlyId, timestamp: new Date(ms).toISOString(), type: 'assistant', cwd, version: '0.0.14', model: QWEN_MODELS.gpt41, message: { role: 'model', parts: [{ text: 'ok' }] }, usageMetadata }));
    const r: QwenResponse = { ms, model: QWEN_MODELS.gpt41, ...ledger, project: cwd };
    early.push(r);
    responses.push(r);
  }
  write(path.join(runtime, 'projects', sanitizeCwd(cwd), 'chats', `${earlyId}.jsonl`), lines, files);
  return { responses, files, forked, early };
}
