/**
 * Hand-computed day totals for the agent tests: a generator's own account of what it wrote
 * (tokens by day and model, in the ledger's convention) priced at list prices written out here.
 */
import assert from 'node:assert/strict';
import type { Expected } from '../../../fakes/agents/amp';
import type { DayTotals } from '../agentHarness';

/**
 * List prices, USD per million tokens: input, output, cache read, cache write (5 min). Anthropic's
 * and OpenAI's published prices (genai-prices has the same); gpt-5 has no cache-write price, its
 * writes (none in the corpora) would be input.
 */
export const RATES: Readonly<Record<string, readonly [number, number, number, number]>> = {
  'claude-sonnet-4-5-20250929': [3, 15, 0.3, 3.75],
  'claude-sonnet-4-5': [3, 15, 0.3, 3.75],
  'claude-haiku-4-5-20251001': [1, 5, 0.1, 1.25],
  'claude-haiku-4.5': [1, 5, 0.1, 1.25],
  'claude-opus-4-5-20251101': [5, 25, 0.5, 6.25],
  'gpt-5': [1.25, 10, 0.125, 1.25],
};

/** Output price per token of a model (for what ccusage adds on top of the output). */
export function outputRate(model: string): number {
  const r = RATES[model];
  assert.ok(r, `a list price for ${model}`);
  return r[1] / 1e6;
}

/** Tokens and cost at list prices, by day. */
export function handTotals(expected: Expected, rates = RATES): DayTotals {
  const out: DayTotals = new Map();
  for (const [day, byModel] of expected) {
    const d = { cost: 0, input: 0, output: 0, read: 0, write: 0, tokens: 0 };
    for (const [model, t] of byModel) {
      const r = rates[model];
      assert.ok(r, `a list price for ${model}`);
      d.input += t.input;
      d.output += t.output;
      d.read += t.read;
      d.write += t.write;
      d.tokens += t.input + t.output + t.read + t.write;
      d.cost += (t.input * r[0] + t.output * r[1] + t.read * r[2] + t.write * r[3]) / 1e6;
    }
    out.set(day, d);
  }
  return out;
}

/** The days of `days` that are in `keep`. */
export function only(days: DayTotals, keep: readonly string[]): DayTotals {
  return new Map([...days].filter(([d]) => keep.includes(d)));
}
