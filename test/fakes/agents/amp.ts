/**
 * A corpus of Amp thread files (`~/.local/share/amp/threads/T-*.json`) with Amp's traps, for the
 * Amp format's tests and its cross-check with `ccusage amp daily`. Deterministic for a seed.
 *
 * Shapes follow Amp's own CLI (see test/fixtures/agents/amp/README.md): threads without a ledger
 * (current Amp: `messages[].usage` with a `timestamp`), threads with a `usageLedger` (older Amp:
 * one event per call, `inference` events pointing at their message by `toMessageId`, message usage
 * without a timestamp), `title-generation` events, malformed files and entries.
 *
 * Days 2026-03-02 … 2026-03-06 (Asia/Kolkata) hold only what ccusage counts as Amp means it.
 * Days 2026-03-09 and 2026-03-10 hold the traps ccusage miscounts: a Task sub-agent counted both in
 * the parent's ledger and in its own thread, an oracle event given its caller's cache counts, a
 * fork's copied messages, gpt-5 calls whose uncached prompt Amp logs as cache creation, a
 * ledger-era thread continued without the ledger, two inference events on one message.
 *
 * `expected` is the generator's own account of every call it wrote, once, in the ledger's
 * convention (input = uncached input; output; cache read; cache write), by local day and model.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../../../src/core/random';

export const AMP_MODELS = { sonnet: 'claude-sonnet-4-5-20250929', haiku: 'claude-haiku-4-5-20251001', gpt5: 'gpt-5' } as const;

/** The zone both sides bucket days in (agentHarness ZONE), a fixed +05:30. */
const ZONE_OFFSET_MS = 5.5 * 3_600_000;

export const AMP_AGREED_DAYS = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'] as const;
export const AMP_TRAP_DAYS = ['2026-03-09', '2026-03-10'] as const;

export interface Tokens {
  input: number;
  output: number;
  read: number;
  write: number;
}

/** Expected tokens by day, then by (genai-prices) model. */
export type Expected = Map<string, Map<string, Tokens>>;

export interface AmpCorpus {
  readonly dir: string;
  readonly files: string[];
  readonly expected: Expected;
  /** Calls written (each once). */
  readonly calls: number;
}

export function localDay(ms: number): string {
  return new Date(ms + ZONE_OFFSET_MS).toISOString().slice(0, 10);
}

/** An instant on a local day at local `hour:minute`. */
function at(day: string, hour: number, minute: number): number {
  return Date.parse(`${day}T00:00:00Z`) - ZONE_OFFSET_MS + (hour * 60 + minute) * 60_000;
}

export interface Call {
  model: string;
  input: number;
  output: number;
  write: number;
  read: number;
  ms: number;
}

type Json = Record<string, unknown>;

/** One Amp thread being written (also used by test/fakes/agents/scale.ts). */
export class Thread {
  readonly messages: Json[] = [];
  readonly events: Json[] = [];
  private next = 0;
  constructor(
    readonly id: string,
    readonly created: number,
    readonly cwd: string,
  ) {}

  user(text: string): number {
    const id = this.next++;
    this.messages.push({ role: 'user', messageId: id, content: [{ type: 'text', text }], meta: { sentAt: this.created } });
    return id;
  }

  /** An assistant message; `stamp` false: no timestamp (the ledger era). */
  assistant(c: Call, stamp: boolean, extra: Json = {}): number {
    const id = this.next++;
    const usage: Json = {
      model: c.model,
      maxInputTokens: 168_000,
      inputTokens: c.input,
      outputTokens: c.output,
      cacheCreationInputTokens: c.write,
      cacheReadInputTokens: c.read,
      totalInputTokens: c.input + c.write + c.read,
      ...(stamp ? { timestamp: new Date(c.ms).toISOString() } : {}),
      ...extra,
    };
    this.messages.push({ role: 'assistant', messageId: id, content: [{ type: 'text', text: 'ok' }], state: { type: 'complete', stopReason: 'end_turn' }, usage });
    return id;
  }

  /** Messages copied from another thread (a fork), ids kept. */
  copy(messages: readonly Json[]): void {
    for (const m of messages) {
      this.messages.push(structuredClone(m));
      const id = m['messageId'];
      if (typeof id === 'number') this.next = Math.max(this.next, id + 1);
    }
  }

  event(e: Json): void {
    this.events.push({ id: `ev-${this.id}-${this.events.length}`, credits: 0.01, ...e });
  }

  json(withLedger: boolean, extra: Json = {}): Json {
    return {
      v: this.messages.length,
      id: this.id,
      created: this.created,
      title: `Thread ${this.id}`,
      agentMode: 'smart',
      env: { initial: { trees: [{ displayName: path.basename(this.cwd), uri: `file://${this.cwd}` }], platform: { os: 'linux', client: 'CLI' } } },
      messages: this.messages,
      nextMessageId: this.next,
      ...(withLedger ? { usageLedger: { events: this.events } } : {}),
      ...extra,
    };
  }
}

/** Writes the corpus under `home`; returns what a correct reader counts. */
export function buildAmpCorpus(home: string, seed = 7): AmpCorpus {
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const dir = path.join(home, '.local', 'share', 'amp', 'threads');
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const expected: Expected = new Map();
  let calls = 0;
  let n = 0;
  const tid = () => `T-0000${(n++).toString(16).padStart(4, '0')}-1111-4222-8333-${seed.toString(16).padStart(12, '0')}`;
  const save = (t: Thread, withLedger: boolean, extra: Json = {}) => {
    const file = path.join(dir, `${t.id}.json`);
    writeFileSync(file, JSON.stringify(t.json(withLedger, extra), null, 2));
    files.push(file);
  };
  const count = (model: string, tokens: Tokens, ms: number) => {
    const day = localDay(ms);
    const byModel = expected.get(day) ?? new Map<string, Tokens>();
    const t = byModel.get(model) ?? { input: 0, output: 0, read: 0, write: 0 };
    t.input += tokens.input;
    t.output += tokens.output;
    t.read += tokens.read;
    t.write += tokens.write;
    byModel.set(model, t);
    expected.set(day, byModel);
    calls++;
  };
  const claudeCall = (model: string, ms: number): Call => ({ model, ms, input: int(3, 400), output: int(50, 4000), write: int(0, 6000), read: int(2000, 90_000) });
  /** A Claude call counted as written. */
  const countClaude = (c: Call) => count(c.model, { input: c.input, output: c.output, read: c.read, write: c.write }, c.ms);

  // --- Days ccusage counts as Amp means ---------------------------------------------------------
  for (const [d, day] of AMP_AGREED_DAYS.entries()) {
    // Current Amp: no ledger, usage with a timestamp.
    for (let k = 0; k < 2; k++) {
      const t = new Thread(tid(), at(day, 9 + k, 0), `/home/dev/project-${k}`);
      for (let turn = 0; turn < int(3, 5); turn++) {
        t.user(`task ${turn}`);
        const c = claudeCall(turn % 2 === 0 ? AMP_MODELS.sonnet : AMP_MODELS.haiku, at(day, 9 + k, 5 + turn * 7));
        t.assistant(c, true);
        countClaude(c);
        // A streaming assistant message without usage yet.
        if (turn === 1) t.messages.push({ role: 'assistant', messageId: 900 + turn, content: [], state: { type: 'streaming' } });
      }
      if (d === 1 && k === 0) {
        // A usage with its split missing: totalTokens is the output.
        const ms = at(day, 11, 40);
        t.user('summarise');
        t.messages.push({ role: 'assistant', messageId: 950, usage: { model: AMP_MODELS.haiku, totalTokens: 345, timestamp: new Date(ms).toISOString() } });
        count(AMP_MODELS.haiku, { input: 0, output: 345, read: 0, write: 0 }, ms);
        // A usage of zeros: nothing.
        t.messages.push({ role: 'assistant', messageId: 951, usage: { model: AMP_MODELS.haiku, inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, timestamp: new Date(ms).toISOString() } });
      }
      save(t, false);
    }
    // Older Amp: the ledger, one inference event per call, message usage without a timestamp.
    const t = new Thread(tid(), at(day, 14, 0), '/home/dev/legacy');
    t.user('first');
    for (let turn = 0; turn < int(3, 5); turn++) {
      if (turn > 0) t.user(`again ${turn}`);
      const c = claudeCall(AMP_MODELS.sonnet, at(day, 14, 10 + turn * 9));
      const id = t.assistant(c, false, { credits: 0.02 });
      t.event({ timestamp: new Date(c.ms).toISOString(), model: c.model, tokens: { input: c.input, output: c.output }, operationType: 'inference', fromMessageId: id - 1, toMessageId: id });
      countClaude(c);
    }
    // Title generation: input and output only, pointing at message 0 (a user message).
    const titleMs = at(day, 14, 2);
    t.event({ timestamp: new Date(titleMs).toISOString(), model: AMP_MODELS.haiku, tokens: { input: 120, output: 9 }, operationType: 'title-generation', fromMessageId: 0, toMessageId: 0 });
    count(AMP_MODELS.haiku, { input: 120, output: 9, read: 0, write: 0 }, titleMs);
    // Entries that are not events.
    t.events.push('garbage' as unknown as Json);
    t.event({ timestamp: 'yesterday', model: AMP_MODELS.haiku, tokens: { input: 5, output: 5 }, operationType: 'inference' });
    save(t, true);
  }
  // Late evening UTC: the next local day (Asia/Kolkata).
  {
    const day = AMP_AGREED_DAYS[2];
    const t = new Thread(tid(), at(day, 23, 50), '/home/dev/night');
    t.user('late');
    const c = claudeCall(AMP_MODELS.sonnet, at(day, 23, 58) + 3 * 60_000); // 00:01 the next local day
    t.assistant(c, true);
    countClaude(c);
    save(t, false);
  }
  // Files both readers skip: not JSON, a thread without an id, a list.
  writeFileSync(path.join(dir, 'T-broken.json'), '{"id": "T-broken", "messages": [');
  writeFileSync(path.join(dir, 'T-noid.json'), JSON.stringify({ messages: [{ role: 'assistant', usage: { model: AMP_MODELS.sonnet, inputTokens: 9, outputTokens: 9, timestamp: '2026-03-03T06:00:00.000Z' } }] }));
  writeFileSync(path.join(dir, 'T-list.json'), '[]');
  files.push(path.join(dir, 'T-broken.json'), path.join(dir, 'T-noid.json'), path.join(dir, 'T-list.json'));

  // --- Days ccusage miscounts ---------------------------------------------------------------------
  const [trapA, trapB] = AMP_TRAP_DAYS;
  {
    // A ledger-era parent whose Task sub-agent is a thread of its own.
    const parent = new Thread(tid(), at(trapA, 10, 0), '/home/dev/traps');
    const sub = new Thread(tid(), at(trapA, 10, 6), '/home/dev/traps');
    parent.user('investigate');
    const c1 = claudeCall(AMP_MODELS.sonnet, at(trapA, 10, 5));
    const m1 = parent.assistant(c1, false);
    parent.event({ timestamp: new Date(c1.ms).toISOString(), model: c1.model, tokens: { input: c1.input, output: c1.output }, operationType: 'inference', fromMessageId: 0, toMessageId: m1 });
    countClaude(c1);
    sub.user('sub-task');
    const subCalls: Call[] = [];
    for (let k = 0; k < 3; k++) {
      const c = claudeCall(AMP_MODELS.haiku, at(trapA, 10, 7 + k));
      const id = sub.assistant(c, false);
      sub.event({ timestamp: new Date(c.ms).toISOString(), model: c.model, tokens: { input: c.input, output: c.output }, operationType: 'inference', fromMessageId: 0, toMessageId: id });
      countClaude(c);
      subCalls.push(c);
    }
    // The parent's ledger sums the sub-agent's calls (input and output) once more.
    parent.event({
      timestamp: new Date(at(trapA, 10, 12)).toISOString(),
      model: AMP_MODELS.haiku,
      tokens: { input: subCalls.reduce((s, c) => s + c.input, 0), output: subCalls.reduce((s, c) => s + c.output, 0) },
      operationType: 'subagent',
      subagentThreadID: sub.id,
      fromMessageId: m1,
      toMessageId: m1,
    });
    // An oracle call, triggered by message m1 (whose cache counts are its own call's).
    const oracleMs = at(trapA, 10, 13);
    parent.event({ timestamp: new Date(oracleMs).toISOString(), model: AMP_MODELS.gpt5, tokens: { input: 5_000, output: 1_200 }, operationType: 'oracle', fromMessageId: m1, toMessageId: m1 });
    count(AMP_MODELS.gpt5, { input: 5_000, output: 1_200, read: 0, write: 0 }, oracleMs);
    // A retried inference: two events on one message; the message keeps the last call's cache.
    parent.user('retry');
    const first = claudeCall(AMP_MODELS.sonnet, at(trapA, 10, 20));
    const second = claudeCall(AMP_MODELS.sonnet, at(trapA, 10, 21));
    const m2 = parent.assistant(second, false);
    parent.event({ timestamp: new Date(first.ms).toISOString(), model: first.model, tokens: { input: first.input, output: first.output }, operationType: 'inference', fromMessageId: m2 - 1, toMessageId: m2 });
    parent.event({ timestamp: new Date(second.ms).toISOString(), model: second.model, tokens: { input: second.input, output: second.output }, operationType: 'inference', fromMessageId: m2 - 1, toMessageId: m2 });
    count(first.model, { input: first.input, output: first.output, read: 0, write: 0 }, first.ms);
    countClaude(second);
    // Continued after Amp dropped the ledger: messages with a timestamp and no event.
    parent.user('later');
    const later = claudeCall(AMP_MODELS.sonnet, at(trapA, 16, 0));
    parent.assistant(later, true);
    countClaude(later);
    save(parent, true);
    save(sub, true, { mainThreadID: parent.id });
  }
  {
    // gpt-5 calls as Amp logs them: inputTokens 0, the uncached prompt as cache creation.
    const t = new Thread(tid(), at(trapB, 9, 0), '/home/dev/openai');
    for (let k = 0; k < 4; k++) {
      t.user(`q${k}`);
      const uncached = int(500, 9_000);
      const cached = int(0, 40_000);
      const c: Call = { model: AMP_MODELS.gpt5, ms: at(trapB, 9, 5 + k * 5), input: 0, output: int(100, 3_000), write: uncached, read: cached };
      t.assistant(c, true);
      count(c.model, { input: uncached, output: c.output, read: cached, write: 0 }, c.ms);
    }
    save(t, false);
    // A thread (current Amp) and its fork: the fork copies the first messages, usage and all.
    const origin = new Thread(tid(), at(trapB, 12, 0), '/home/dev/forked');
    for (let k = 0; k < 4; k++) {
      origin.user(`step ${k}`);
      const c = claudeCall(AMP_MODELS.sonnet, at(trapB, 12, 3 + k * 4));
      origin.assistant(c, true);
      countClaude(c);
    }
    save(origin, false);
    const fork = new Thread(tid(), at(trapB, 13, 0), '/home/dev/forked');
    const forkPoint = 4; // messages 0..4 copied
    fork.copy(origin.messages.slice(0, forkPoint + 1));
    fork.user('in the fork');
    const own = claudeCall(AMP_MODELS.haiku, at(trapB, 13, 5));
    fork.assistant(own, true);
    countClaude(own);
    save(fork, false, { originThreadID: origin.id, forkPointIndex: forkPoint });
  }
  return { dir, files, expected, calls };
}
