/**
 * What the generators of pi, OpenClaw, Kimi and Grok Build logs share: deterministic ids and
 * draws, file writing, and list prices to write the cost an agent logs (both genai-prices and
 * ccusage's LiteLLM data price these models the same, so a logged cost equals either's price).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32, type Random } from '../../../src/core/random';

/** USD per token: uncached input, output, cache read, cache write. */
export interface ListRates {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

/** List prices (USD per million tokens) that genai-prices and ccusage's LiteLLM data agree on. */
export const LIST_RATES: Readonly<Record<string, ListRates>> = {
  'claude-sonnet-4-5': perMillion(3, 15, 0.3, 3.75),
  'claude-haiku-4-5': perMillion(1, 5, 0.1, 1.25),
  'gpt-5.2': perMillion(1.75, 14, 0.175, 0),
  'kimi-k2.5': perMillion(0.6, 3, 0.1, 0),
  'kimi-k2.6': perMillion(0.95, 4, 0.16, 0),
  'grok-4': perMillion(3, 15, 0.75, 0),
  'grok-4.5': perMillion(2, 6, 0.3, 0),
  'grok-code-fast-1': perMillion(0.2, 1.5, 0.02, 0),
};

function perMillion(input: number, output: number, cacheRead: number, cacheWrite: number): ListRates {
  return { input: input / 1e6, output: output / 1e6, cacheRead: cacheRead / 1e6, cacheWrite: cacheWrite / 1e6 };
}

/** Token counts in the ledger's convention. */
export interface Counts {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

/** The list price of `counts` for a model of LIST_RATES. */
export function listPrice(model: string, c: Counts): number {
  const r = LIST_RATES[model];
  if (!r) throw new Error(`no list rates for ${model}`);
  return c.input * r.input + c.output * r.output + c.cacheRead * r.cacheRead + c.cacheWrite * r.cacheWrite;
}

/** Seeded draws. */
export class Draw {
  private readonly random: Random;
  constructor(seed: number) {
    this.random = mulberry32(seed);
  }
  /** A whole number in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }
  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.random() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.random() * 16).toString(16);
    return s;
  }
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-a${this.hex(3)}-${this.hex(12)}`;
  }
}

/** Writes `lines` (objects as JSON, strings as they are), one per line, creating folders. */
export function writeLines(file: string, lines: readonly (object | string)[], endWithNewline = true): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
  writeFileSync(file, endWithNewline ? `${text}\n` : text);
}

/** Epoch ms of a UTC instant on a day of 2026 (`month` 1-based). */
export function utc(month: number, day: number, hour: number, minute = 0, second = 0): number {
  return Date.UTC(2026, month - 1, day, hour, minute, second);
}
