/**
 * A corpus of Factory Droid sessions (`~/.factory/sessions/`) with Droid's traps, for the Droid
 * format's tests and its cross-check with `ccusage droid daily`. Deterministic for a seed.
 *
 * Shapes follow Droid's own CLI (see test/fixtures/agents/droid/README.md): per session a
 * transcript `<id>.jsonl` opening with `session_start` and a `<id>.settings.json` holding the
 * running `tokenUsage`, in a folder per working directory (`-home-dev-app/`), the older flat
 * layout (`sessions/<id>.*`), sub-agent sessions, forks, sessions without `providerLockTimestamp`
 * (dated by the file's change time), sessions naming no model (a `Model:` line in the transcript).
 *
 * Days 2026-03-02 … 2026-03-06 (Asia/Kolkata) hold what ccusage counts as Droid means it, but for
 * `thinkingTokens`, which ccusage adds on top of the output that already holds them
 * (`ccusageThinking` says how many, by day and model). Days 2026-03-09 and 2026-03-10 hold the
 * traps ccusage miscounts: `/compact` successors that start at their parent's totals (one with
 * calls of its own, one without), and an older snapshot left beside the live one with the same
 * `providerLockTimestamp` (ccusage keeps the copy last in path order, the older one here).
 *
 * `expected` is the generator's own account of every session, once, in the ledger's convention,
 * by local day and (genai-prices) model.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../../../src/core/random';
import { localDay, type Expected, type Tokens } from './amp';

export const DROID_MODELS = { opus: 'claude-opus-4-5-20251101', haiku: 'claude-haiku-4-5-20251001', gpt5: 'gpt-5' } as const;

const ZONE_OFFSET_MS = 5.5 * 3_600_000;

export const DROID_AGREED_DAYS = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'] as const;
export const DROID_TRAP_DAYS = ['2026-03-09', '2026-03-10'] as const;

export interface DroidCorpus {
  readonly sessions: string;
  readonly expected: Expected;
  /** Thinking tokens ccusage adds to the output of what it counts on the agreed days, by day and model. */
  readonly ccusageThinking: Map<string, Map<string, number>>;
}

function at(day: string, hour: number, minute: number): number {
  return Date.parse(`${day}T00:00:00Z`) - ZONE_OFFSET_MS + (hour * 60 + minute) * 60_000;
}

export interface DroidUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  thinkingTokens: number;
}

export interface SessionSpec {
  readonly dir: string;
  readonly id: string;
  readonly cwd: string;
  readonly usage: DroidUsage | null;
  readonly model?: string;
  /** providerLockTimestamp; null: none (the file's change time is set to `mtime`). */
  readonly lock: number | null;
  readonly mtime?: number;
  readonly opening?: Record<string, unknown>;
  /** Lines after session_start. */
  readonly lines?: readonly string[];
  readonly settings?: Record<string, unknown>;
}

/** Writes one session's transcript and settings. */
export function writeSession(s: SessionSpec): string {
  mkdirSync(s.dir, { recursive: true });
  const start = { type: 'session_start', id: s.id, title: `Session ${s.id.slice(0, 8)}`, owner: 'dev', version: 2, cwd: s.cwd, ...s.opening };
  const transcript = [JSON.stringify(start), ...(s.lines ?? [JSON.stringify({ type: 'message', id: `${s.id}-m1`, timestamp: '2026-03-01T00:00:00.000Z', message: { role: 'user', content: [{ type: 'text', text: 'hello' }] } })])];
  writeFileSync(path.join(s.dir, `${s.id}.jsonl`), `${transcript.join('\n')}\n`);
  const settings: Record<string, unknown> = {
    assistantActiveTimeMs: 1234,
    ...(s.model !== undefined ? { model: s.model } : {}),
    reasoningEffort: 'medium',
    autonomyLevel: 'auto-low',
    ...(s.lock !== null ? { providerLock: s.model?.startsWith('gpt') ? 'openai' : 'anthropic', providerLockTimestamp: new Date(s.lock).toISOString() } : {}),
    ...(s.usage ? { tokenUsage: s.usage } : {}),
    ...s.settings,
  };
  const file = path.join(s.dir, `${s.id}.settings.json`);
  writeFileSync(file, JSON.stringify(settings, null, 2));
  if (s.mtime !== undefined) utimesSync(file, new Date(s.mtime), new Date(s.mtime));
  return file;
}

function uuid(n: number, seed: number): string {
  return `${n.toString(16).padStart(8, '0')}-aaaa-4bbb-8ccc-${seed.toString(16).padStart(12, '0')}`;
}

/** Writes the corpus under `home`; returns what a correct reader counts. */
export function buildDroidCorpus(home: string, seed = 11): DroidCorpus {
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const sessions = path.join(home, '.factory', 'sessions');
  const app = path.join(sessions, '-home-dev-app');
  const api = path.join(sessions, '-home-dev-api');
  const expected: Expected = new Map();
  const ccusageThinking = new Map<string, Map<string, number>>();
  let n = 1;
  const nextId = () => uuid(n++, seed);
  const count = (model: string, t: Tokens, ms: number, thinking = 0) => {
    const day = localDay(ms);
    const byModel = expected.get(day) ?? new Map<string, Tokens>();
    const e = byModel.get(model) ?? { input: 0, output: 0, read: 0, write: 0 };
    e.input += t.input;
    e.output += t.output;
    e.read += t.read;
    e.write += t.write;
    byModel.set(model, e);
    expected.set(day, byModel);
    if (thinking > 0) {
      const th = ccusageThinking.get(day) ?? new Map<string, number>();
      th.set(model, (th.get(model) ?? 0) + thinking);
      ccusageThinking.set(day, th);
    }
  };
  /** A session's totals; OpenAI reports no cache writes (Droid's Responses client reads none). */
  const usage = (model: string): DroidUsage => {
    const output = int(2_000, 40_000);
    const write = int(0, 30_000);
    return { inputTokens: int(5_000, 60_000), outputTokens: output, cacheCreationTokens: model.startsWith('gpt') ? 0 : write, cacheReadTokens: int(20_000, 180_000), thinkingTokens: rand() < 0.5 ? Math.floor(output * rand() * 0.6) : 0 };
  };
  const tokensOf = (u: DroidUsage): Tokens => ({ input: u.inputTokens, output: u.outputTokens, read: u.cacheReadTokens, write: u.cacheCreationTokens });
  const models = [DROID_MODELS.opus, DROID_MODELS.haiku, DROID_MODELS.gpt5];

  // --- Days ccusage counts as Droid means (thinking aside) ---------------------------------------
  for (const [d, day] of DROID_AGREED_DAYS.entries()) {
    for (let k = 0; k < 3; k++) {
      const model = models[(d + k) % models.length] as string;
      const u = usage(model);
      const lock = at(day, 9 + k * 3, int(0, 50));
      writeSession({ dir: k === 2 ? api : app, id: nextId(), cwd: k === 2 ? '/home/dev/api' : '/home/dev/app', model, usage: u, lock });
      count(model, tokensOf(u), lock, u.thinkingTokens);
    }
  }
  const [d0, d1, d2, d3, d4] = DROID_AGREED_DAYS;
  {
    // A session seen twice: the live copy in its project folder, an older snapshot left in the
    // flat layout (earlier lock, smaller totals): the live one counts, on its own day.
    const id = nextId();
    const older: DroidUsage = { inputTokens: 10_000, outputTokens: 4_000, cacheCreationTokens: 2_000, cacheReadTokens: 30_000, thinkingTokens: 0 };
    const live: DroidUsage = { inputTokens: 25_000, outputTokens: 9_000, cacheCreationTokens: 3_000, cacheReadTokens: 90_000, thinkingTokens: 1_000 };
    writeSession({ dir: sessions, id, cwd: '/home/dev/app', model: DROID_MODELS.opus, usage: older, lock: at(d0, 20, 0) });
    const lock = at(d1, 8, 30);
    writeSession({ dir: app, id, cwd: '/home/dev/app', model: DROID_MODELS.opus, usage: live, lock });
    count(DROID_MODELS.opus, tokensOf(live), lock, live.thinkingTokens);
  }
  {
    // A parent with a sub-agent session: each keeps its own tokenUsage; the parent's inclusive
    // totals (its own plus the child's) are not read.
    const parentId = nextId();
    const childId = nextId();
    const own = usage(DROID_MODELS.opus);
    const child = usage(DROID_MODELS.haiku);
    const lock = at(d2, 10, 0);
    const sum = (a: DroidUsage, b: DroidUsage): DroidUsage => ({
      inputTokens: a.inputTokens + b.inputTokens,
      outputTokens: a.outputTokens + b.outputTokens,
      cacheCreationTokens: a.cacheCreationTokens + b.cacheCreationTokens,
      cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
      thinkingTokens: a.thinkingTokens + b.thinkingTokens,
    });
    writeSession({ dir: app, id: parentId, cwd: '/home/dev/app', model: DROID_MODELS.opus, usage: own, lock, settings: { inclusiveTokenUsage: sum(own, child), childInclusiveTokenUsageBySessionId: { [childId]: child } } });
    count(DROID_MODELS.opus, tokensOf(own), lock, own.thinkingTokens);
    const childLock = at(d2, 10, 5);
    writeSession({ dir: app, id: childId, cwd: '/home/dev/app', model: DROID_MODELS.haiku, usage: child, lock: childLock, opening: { callingSessionId: parentId, callingToolUseId: 'toolu_1' } });
    count(DROID_MODELS.haiku, tokensOf(child), childLock, child.thinkingTokens);
    // A fork of the parent: a transcript copy, totals from zero, the parent's lock copied.
    const forkId = nextId();
    const forkUsage: DroidUsage = { inputTokens: 3_000, outputTokens: 700, cacheCreationTokens: 0, cacheReadTokens: 12_000, thinkingTokens: 0 };
    writeSession({ dir: app, id: forkId, cwd: '/home/dev/app', model: DROID_MODELS.opus, usage: forkUsage, lock, opening: { parent: parentId, forkedAtMessageId: `${parentId}-m1` } });
    count(DROID_MODELS.opus, tokensOf(forkUsage), lock);
  }
  {
    // No providerLockTimestamp: dated by the file's change time.
    const u = usage(DROID_MODELS.gpt5);
    const mtime = at(d3, 15, 0);
    writeSession({ dir: api, id: nextId(), cwd: '/home/dev/api', model: DROID_MODELS.gpt5, usage: u, lock: null, mtime });
    count(DROID_MODELS.gpt5, tokensOf(u), mtime, u.thinkingTokens);
    // No model in the settings: the transcript's `Model:` line names it.
    const v = usage(DROID_MODELS.haiku);
    const lock = at(d4, 11, 0);
    const modelLine = JSON.stringify({ type: 'message', id: 'm0', timestamp: new Date(lock).toISOString(), message: { role: 'user', content: [{ type: 'text', text: '<system-reminder>\nCurrent folder: /home/dev/api\nModel: Claude Haiku 4.5 [Anthropic]\n</system-reminder>' }] } });
    writeSession({ dir: api, id: nextId(), cwd: '/home/dev/api', usage: v, lock, lines: [modelLine] });
    count('claude-haiku-4.5', tokensOf(v), lock, v.thinkingTokens);
    // Nothing used yet: no usage, or all zeros.
    writeSession({ dir: api, id: nextId(), cwd: '/home/dev/api', model: DROID_MODELS.opus, usage: null, lock: at(d4, 12, 0) });
    writeSession({ dir: api, id: nextId(), cwd: '/home/dev/api', model: DROID_MODELS.opus, usage: { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, thinkingTokens: 0 }, lock: at(d4, 12, 5) });
  }

  // --- Days ccusage miscounts ---------------------------------------------------------------------
  const [trapA, trapB] = DROID_TRAP_DAYS;
  {
    // /compact: the successor starts at its parent's totals, then adds its own calls.
    const parentId = nextId();
    const parent: DroidUsage = { inputTokens: 40_000, outputTokens: 12_000, cacheCreationTokens: 8_000, cacheReadTokens: 150_000, thinkingTokens: 0 };
    const parentLock = at(trapA, 9, 0);
    writeSession({ dir: app, id: parentId, cwd: '/home/dev/app', model: DROID_MODELS.opus, usage: parent, lock: parentLock });
    count(DROID_MODELS.opus, tokensOf(parent), parentLock);
    const succId = nextId();
    const ownCalls: DroidUsage = { inputTokens: 9_000, outputTokens: 2_500, cacheCreationTokens: 1_000, cacheReadTokens: 60_000, thinkingTokens: 0 };
    const succLock = at(trapB, 10, 0);
    const compaction = JSON.stringify({ type: 'compaction_state', id: 'c1', timestamp: new Date(succLock).toISOString(), summaryText: 'Summary of the work so far', summaryTokens: 120, summaryKind: 'llm_summary', removedCount: 40 });
    writeSession({
      dir: app,
      id: succId,
      cwd: '/home/dev/app',
      model: DROID_MODELS.opus,
      usage: { inputTokens: parent.inputTokens + ownCalls.inputTokens, outputTokens: parent.outputTokens + ownCalls.outputTokens, cacheCreationTokens: parent.cacheCreationTokens + ownCalls.cacheCreationTokens, cacheReadTokens: parent.cacheReadTokens + ownCalls.cacheReadTokens, thinkingTokens: 0 },
      lock: succLock,
      opening: { parent: parentId },
      lines: [compaction],
    });
    count(DROID_MODELS.opus, tokensOf(ownCalls), succLock);
    // A successor with no call yet: its totals are the parent's, it has no lock (dated by mtime).
    const p2 = nextId();
    const p2Usage: DroidUsage = { inputTokens: 7_000, outputTokens: 1_500, cacheCreationTokens: 500, cacheReadTokens: 20_000, thinkingTokens: 0 };
    const p2Lock = at(trapA, 13, 0);
    writeSession({ dir: api, id: p2, cwd: '/home/dev/api', model: DROID_MODELS.haiku, usage: p2Usage, lock: p2Lock });
    count(DROID_MODELS.haiku, tokensOf(p2Usage), p2Lock);
    writeSession({ dir: api, id: nextId(), cwd: '/home/dev/api', model: DROID_MODELS.haiku, usage: p2Usage, lock: null, mtime: at(trapB, 14, 0), opening: { parent: p2 }, lines: [compaction] });
  }
  {
    // The same session twice with the same lock: the older, smaller snapshot in the flat layout.
    const id = nextId();
    const lock = at(trapA, 16, 0);
    const older: DroidUsage = { inputTokens: 1_000, outputTokens: 500, cacheCreationTokens: 0, cacheReadTokens: 4_000, thinkingTokens: 0 };
    const live: DroidUsage = { inputTokens: 6_000, outputTokens: 2_000, cacheCreationTokens: 0, cacheReadTokens: 30_000, thinkingTokens: 0 };
    writeSession({ dir: sessions, id, cwd: '/home/dev/app', model: DROID_MODELS.gpt5, usage: older, lock });
    writeSession({ dir: app, id, cwd: '/home/dev/app', model: DROID_MODELS.gpt5, usage: live, lock });
    count(DROID_MODELS.gpt5, tokensOf(live), lock);
  }
  return { sessions, expected, ccusageThinking };
}
