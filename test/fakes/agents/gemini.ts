/**
 * Gemini CLI chat recordings under a temp HOME, with the traps of its logs (what each reflects:
 * test/fixtures/agents/gemini/README.md). Deterministic for a seed. Every response the corpus
 * holds is returned once, with its counts in the ledger's convention worked out here by hand
 * (uncached input = prompt − cached + tool; output = candidates + thoughts), so a test can hold
 * the parser, the scanner and ccusage to them.
 *
 * `writeGeminiCorpus`: what ccusage reads the same way (the cross-check). `writeGeminiMigrated`:
 * what ccusage counts wrong or drops (a legacy session resumed into JSONL, a first response
 * without a model), for hand-computed totals.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32, type Random } from '../../../src/core/random';
import { shiftIso, type Shift } from './shift';

/** Models genai-prices and ccusage's LiteLLM data price alike (checked on this corpus, requests under 200k). */
export const GEMINI_MODELS = { pro: 'gemini-2.5-pro', flash: 'gemini-2.5-flash', flash3: 'gemini-3-flash-preview', lite: 'gemini-2.5-flash-lite' } as const;

/** A response's `tokens`, as Gemini CLI records them (recordMessageTokens). */
export interface GeminiTokens {
  readonly input: number;
  readonly output: number;
  readonly cached: number;
  readonly thoughts: number;
  readonly tool: number;
  readonly total: number;
}

/** One response of the corpus, once, with its ledger counts. */
export interface GeminiResponse {
  readonly ms: number;
  readonly model: string;
  /** Uncached input (prompt − cached + tool). */
  readonly input: number;
  /** Candidates + thoughts. */
  readonly output: number;
  readonly cacheRead: number;
  /** Thoughts alone (ccusage's `outputTokens` leaves them out). */
  readonly thoughts: number;
  readonly project?: string;
}

export interface GeminiCorpus {
  readonly responses: GeminiResponse[];
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

/** Plausible counts: a prompt of 4k–150k tokens, part of it cached; thoughts unless the model has none. */
export function geminiTokens(random: Random, model: string): GeminiTokens {
  const input = between(random, 4_000, 150_000);
  const cached = random() < 0.25 ? 0 : Math.floor(input * (0.3 + 0.6 * random()));
  const output = between(random, 40, 3_000);
  const thoughts = model === GEMINI_MODELS.lite ? 0 : between(random, 0, 2_500);
  const tool = random() < 0.15 ? between(random, 20, 400) : 0;
  return { input, output, cached, thoughts, tool, total: input + output + thoughts + tool };
}

/** The ledger's counts of a response's tokens (the arithmetic the parser must reproduce). */
export function ledgerOf(t: GeminiTokens): { input: number; output: number; cacheRead: number } {
  return { input: t.input - t.cached + t.tool, output: t.output + t.thoughts, cacheRead: t.cached };
}

const line = (o: unknown): string => JSON.stringify(o);

/** A project folder under `~/.gemini/tmp`: `.project_root` names its directory (none: an old hash-named folder). */
function projectDir(home: string, slug: string, root: string | null): string {
  const dir = path.join(home, '.gemini', 'tmp', slug);
  mkdirSync(path.join(dir, 'chats'), { recursive: true });
  if (root !== null) writeFileSync(path.join(dir, '.project_root'), root);
  return dir;
}

function write(file: string, lines: readonly string[], files: string[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  files.push(file);
}

interface SessionPlan {
  readonly slug: string;
  readonly root: string | null;
  readonly start: string;
  readonly turns: number;
  readonly models: readonly string[];
  readonly subagent?: boolean;
  readonly rewind?: boolean;
}

/**
 * One JSONL session: metadata line, then per turn a user message, `$set` of lastUpdated and the
 * response in one of four write patterns (once; without tokens then again with them; with tokens
 * then again with tool calls; a model-less synthetic message then again with tool calls), a
 * `$set` checkpoint of all messages midway, optionally a `$rewindTo`, a torn line, and a
 * sub-agent's file under `chats/<session id>/`.
 */
function session(home: string, plan: SessionPlan, random: Random, out: GeminiResponse[], files: string[]): void {
  const dir = projectDir(home, plan.slug, plan.root);
  const sessionId = uuid(random);
  let ms = Date.parse(plan.start);
  const iso = (): string => new Date(ms).toISOString();
  const lines: string[] = [line({ sessionId, projectHash: hex(random, 64), startTime: iso(), lastUpdated: iso(), kind: 'main' })];
  const messages: Json[] = [];
  let firstUserId = '';
  let lastModel = '';
  for (let t = 0; t < plan.turns; t++) {
    ms += between(random, 20, 240) * 1000;
    const user: Json = { id: uuid(random), timestamp: iso(), type: 'user', content: [{ text: `step ${t}` }] };
    if (t === 0) firstUserId = user['id'] as string;
    lines.push(line(user), line({ $set: { lastUpdated: iso() } }));
    messages.push(user);
    ms += between(random, 2, 90) * 1000;
    const model = plan.models[t % plan.models.length] as string;
    const tokens = geminiTokens(random, model);
    const pattern = t === 0 ? 0 : t % 4;
    const base: Json = { id: uuid(random), timestamp: iso(), type: 'gemini', content: `answer ${t}`, thoughts: [] };
    const named: Json = pattern === 3 ? base : { ...base, model };
    const withTokens: Json = { ...named, tokens };
    const toolCalls = [{ id: `call-${t}`, name: 'read_file', args: { path: 'src/a.ts' }, status: 'success', timestamp: iso() }];
    if (pattern === 0) lines.push(line(withTokens));
    if (pattern === 1) lines.push(line({ ...named, tokens: null }), line(withTokens));
    if (pattern === 2 || pattern === 3) lines.push(line(withTokens), line({ ...withTokens, toolCalls }));
    messages.push(pattern === 2 || pattern === 3 ? { ...withTokens, toolCalls } : withTokens);
    // A model-less message was made with the model the file named last.
    const used = pattern === 3 ? lastModel : model;
    if (pattern !== 3) lastModel = model;
    out.push({ ms, model: used, ...ledgerOf(tokens), thoughts: tokens.thoughts, ...(plan.root !== null ? { project: plan.root } : {}) });
    lines.push(line({ $set: { lastUpdated: iso() } }));
    if (t === Math.floor(plan.turns / 2)) {
      lines.push(line({ $set: { messages, lastUpdated: iso() } }));
      lines.push(`{"id":"${uuid(random)}","timestamp":"${iso()}","type":"gemini","tok`);
    }
    if (plan.rewind === true && t === plan.turns - 3) lines.push(line({ $rewindTo: firstUserId }));
    if (t === 1) lines.push(line({ id: uuid(random), timestamp: iso(), type: 'info', content: 'Switched model' }));
  }
  const stamp = plan.start.slice(0, 16).replace(/:/g, '-');
  write(path.join(dir, 'chats', `session-${stamp}-${sessionId.slice(0, 8)}.jsonl`), lines, files);

  if (plan.subagent === true) {
    const subId = uuid(random);
    let sm = Date.parse(plan.start) + 300_000;
    const sub: string[] = [line({ sessionId: subId, projectHash: hex(random, 64), startTime: new Date(sm).toISOString(), lastUpdated: new Date(sm).toISOString(), kind: 'subagent', directories: [plan.root ?? '/'] })];
    for (let k = 0; k < 4; k++) {
      sm += between(random, 5, 60) * 1000;
      const tokens = geminiTokens(random, GEMINI_MODELS.flash);
      sub.push(line({ id: uuid(random), timestamp: new Date(sm).toISOString(), type: 'user', content: [{ text: `sub ${k}` }] }));
      sub.push(line({ id: uuid(random), timestamp: new Date(sm).toISOString(), type: 'gemini', content: '', model: GEMINI_MODELS.flash, tokens }));
      out.push({ ms: sm, model: GEMINI_MODELS.flash, ...ledgerOf(tokens), thoughts: tokens.thoughts, ...(plan.root !== null ? { project: plan.root } : {}) });
    }
    write(path.join(dir, 'chats', sessionId, `${subId}.jsonl`), sub, files);
  }
}

/** A legacy session: one pretty-printed document (before April 2026). */
function legacySession(home: string, slug: string, root: string | null, start: string, turns: number, model: string, random: Random, out: GeminiResponse[] | null, files: string[]): Json[] {
  const dir = projectDir(home, slug, root);
  const sessionId = uuid(random);
  let ms = Date.parse(start);
  const messages: Json[] = [];
  for (let t = 0; t < turns; t++) {
    ms += between(random, 30, 200) * 1000;
    messages.push({ id: uuid(random), timestamp: new Date(ms).toISOString(), type: 'user', content: `q ${t}` });
    ms += between(random, 3, 40) * 1000;
    const tokens = geminiTokens(random, model);
    messages.push({ id: uuid(random), timestamp: new Date(ms).toISOString(), type: 'gemini', content: `a ${t}`, thoughts: [], tokens, model });
    out?.push({ ms, model, ...ledgerOf(tokens), thoughts: tokens.thoughts, ...(root !== null ? { project: root } : {}) });
  }
  const doc = { sessionId, projectHash: hex(random, 64), startTime: start, lastUpdated: new Date(ms).toISOString(), messages };
  const file = path.join(dir, 'chats', `session-${start.slice(0, 16).replace(/:/g, '-')}-${sessionId.slice(0, 8)}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  files.push(file);
  return messages;
}

/** What shares the folders and is no usage: activity logs, saved checkpoints, the prompt log. */
function noise(home: string, slug: string, random: Random, files: string[], shift: Shift | undefined): void {
  const dir = path.join(home, '.gemini', 'tmp', slug);
  const network = {
    type: 'network',
    payload: { url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent', response: { body: line({ usageMetadata: { promptTokenCount: 900, candidatesTokenCount: 12, totalTokenCount: 912 }, type: 'gemini' }) } },
    sessionId: uuid(random),
    timestamp: Date.parse(shiftIso('2026-03-02T05:00:00.000Z', shift)),
  };
  write(path.join(dir, 'logs', `session-${uuid(random)}.jsonl`), [line(network), line({ type: 'console', payload: { type: 'log', content: 'ok' }, timestamp: 1 })], files);
  writeFileSync(path.join(dir, 'checkpoint-save1.json'), JSON.stringify([{ role: 'user', parts: [{ text: 'hi' }] }]));
  writeFileSync(path.join(dir, 'logs.json'), JSON.stringify([{ sessionId: 'x', messageId: 0, type: 'user', message: 'hi', timestamp: shift ? shiftIso('2026-03-02T05:00:00.000Z', shift) : '2026-03-02T05:00:00Z' }]));
}

/**
 * The cross-check corpus: five days of March 2026, four models, dozens of responses. `shift`
 * moves every instant (test/fakes/agents/shift.ts); none: the fixed days.
 */
export function writeGeminiCorpus(home: string, seed = 7, options: { shift?: Shift } = {}): GeminiCorpus {
  const random = mulberry32(seed);
  const responses: GeminiResponse[] = [];
  const files: string[] = [];
  const m = GEMINI_MODELS;
  const at = (iso: string): string => shiftIso(iso, options.shift);
  session(home, { slug: 'alpha', root: '/home/dev/alpha', start: at('2026-03-02T03:10:00.000Z'), turns: 12, models: [m.pro, m.flash], subagent: true, rewind: true }, random, responses, files);
  session(home, { slug: 'alpha', root: '/home/dev/alpha', start: at('2026-03-03T18:05:00.000Z'), turns: 10, models: [m.flash3] }, random, responses, files);
  session(home, { slug: 'beta-tools', root: '/home/dev/beta-tools', start: at('2026-03-05T09:30:00.000Z'), turns: 9, models: [m.lite, m.flash], subagent: true }, random, responses, files);
  session(home, { slug: 'beta-tools', root: '/home/dev/beta-tools', start: at('2026-03-06T13:00:00.000Z'), turns: 8, models: [m.pro] }, random, responses, files);
  // An old hash-named folder without `.project_root`, holding a legacy session.
  legacySession(home, 'f3a9'.repeat(16), null, at('2026-03-04T07:45:00.000Z'), 6, m.flash, random, responses, files);
  noise(home, 'alpha', random, files, options.shift);
  return { responses, files };
}

/**
 * What ccusage counts wrong or drops: a legacy session resumed into JSONL (the `.json` stays, its
 * messages are appended again to the `.jsonl` beside it, under the same ids, then the session goes
 * on), and a session whose first response names no model.
 */
export function writeGeminiMigrated(home: string, seed = 11): GeminiCorpus & { readonly copied: GeminiResponse[]; readonly modelless: GeminiResponse } {
  const random = mulberry32(seed);
  const responses: GeminiResponse[] = [];
  const files: string[] = [];
  const root = '/home/dev/gamma';
  const start = '2026-03-10T04:00:00.000Z';
  const legacy = legacySession(home, 'gamma', root, start, 3, GEMINI_MODELS.flash, random, responses, files);
  const copied = [...responses];
  const doc = files[0] as string;
  const lines: string[] = [line({ sessionId: 'migrated', projectHash: hex(random, 64), startTime: start, lastUpdated: start, kind: 'main' })];
  for (const msg of legacy) lines.push(line(msg));
  lines.push(line({ $set: { sessionId: 'migrated' } }));
  let ms = Date.parse('2026-03-10T06:00:00.000Z');
  for (let t = 0; t < 2; t++) {
    ms += 60_000;
    const tokens = geminiTokens(random, GEMINI_MODELS.pro);
    lines.push(line({ id: uuid(random), timestamp: new Date(ms).toISOString(), type: 'gemini', content: 'more', model: GEMINI_MODELS.pro, tokens }));
    responses.push({ ms, model: GEMINI_MODELS.pro, ...ledgerOf(tokens), thoughts: tokens.thoughts, project: root });
  }
  write(`${doc}l`, lines, files);

  const dir = projectDir(home, 'delta', '/home/dev/delta');
  const tokens = geminiTokens(random, GEMINI_MODELS.flash);
  const at = '2026-03-11T10:00:00.000Z';
  const modelless: GeminiResponse = { ms: Date.parse(at), model: 'gemini-2.5-pro', ...ledgerOf(tokens), thoughts: tokens.thoughts, project: '/home/dev/delta' };
  responses.push(modelless);
  write(path.join(dir, 'chats', 'session-2026-03-11T10-00-dddddddd.jsonl'), [line({ sessionId: 'd', projectHash: 'd', startTime: at, lastUpdated: at }), line({ id: 'first-modelless', timestamp: at, type: 'gemini', content: '', tokens, toolCalls: [] })], files);
  return { responses, files, copied, modelless };
}
