/**
 * Per-request prices for log lines, through `priceUsage` (genai-prices), memoised.
 *
 * Every log line is one request and is priced as one: the long-context tier is decided by that
 * request's own input (uncached + cache reads + cache writes > 200k tokens), never by a sum.
 * Within a tier prices are linear, so a line's cost is the dot product of its token counts with
 * per-token rates; the rates come from `priceUsage` (a call costs ~50 µs, a history holds
 * hundreds of thousands of lines). Cache reads and 5-minute and one-hour cache writes each have
 * their own rate.
 *
 * How long rates hold: genai-prices gives a model either one price, or prices with start dates, or
 * prices by time of day. The cache key follows: (model, tier); (model, tier, UTC day); or
 * (model, tier, quarter hour).
 */
import { calcPrice } from '@pydantic/genai-prices';
import { priceUsage } from '../../pricing/prices';

/** Above this many input tokens in one request, the long-context tier applies (priceUsage's own boundary). */
export const LONG_CONTEXT_THRESHOLD = 200_000;

/** Rates per token: uncached input, cache read, 5-minute write, one-hour write, output. */
export type Rates = Float64Array;

const UNIT = 1_000_000;
const QUARTER_HOUR_MS = 900_000;

type Variation = 'none' | 'day' | 'timeOfDay' | 'unknown';

interface ModelEntry {
  readonly variation: Variation;
  /** Time-invariant rates: [base, long]; undefined = not computed yet. */
  fixed: [Rates | null | undefined, Rates | null | undefined];
  /** Time-bound rates by key. */
  readonly timed: Map<string, Rates | null>;
}

export class RateCache {
  private readonly models = new Map<string, ModelEntry>();
  private lastModel = '';
  private lastEntry: ModelEntry | undefined;
  readonly unpricedModels = new Set<string>();
  /** priceUsage calls made (for the bench). */
  calls = 0;

  private entry(model: string): ModelEntry {
    if (model === this.lastModel && this.lastEntry) return this.lastEntry;
    let e = this.models.get(model);
    if (!e) {
      let variation: Variation;
      try {
        const calc = calcPrice({ input_tokens: 1 }, model);
        const prices = calc?.model.prices;
        if (!calc) variation = 'unknown';
        else if (!Array.isArray(prices)) variation = 'none';
        else variation = prices.some((p) => p.constraint && !('start_date' in p.constraint)) ? 'timeOfDay' : 'day';
      } catch {
        variation = 'unknown';
      }
      e = { variation, fixed: [undefined, undefined], timed: new Map() };
      this.models.set(model, e);
    }
    this.lastModel = model;
    this.lastEntry = e;
    return e;
  }

  /** Rates for `model` at instant `ms` in the base or long-context tier; null = unpriced. */
  rates(model: string, ms: number, long: boolean): Rates | null {
    const e = this.entry(model);
    if (e.variation === 'none' || e.variation === 'unknown') {
      const hit = e.fixed[long ? 1 : 0];
      if (hit !== undefined) return hit;
      const rates = e.variation === 'none' ? this.compute(model, new Date(ms), long) : null;
      if (rates === null) this.unpricedModels.add(model);
      e.fixed[long ? 1 : 0] = rates;
      return rates;
    }
    const when = e.variation === 'day' ? new Date(ms).toISOString().slice(0, 10) : String(Math.floor(ms / QUARTER_HOUR_MS));
    const key = long ? `${when}L` : when;
    const hit = e.timed.get(key);
    if (hit !== undefined) return hit;
    // Noon UTC of the day for date-bound prices; the line's own instant for time-of-day ones.
    const rates = this.compute(model, e.variation === 'day' ? new Date(`${when}T12:00:00Z`) : new Date(ms), long);
    if (rates === null) this.unpricedModels.add(model);
    e.timed.set(key, rates);
    return rates;
  }

  private compute(model: string, at: Date, long: boolean): Rates | null {
    const price = (u: { cacheReadTokens?: number; cacheWrite5mTokens?: number; cacheWrite1hTokens?: number; outputTokens?: number }) => {
      this.calls++;
      return priceUsage({ model, inputTokens: UNIT, outputTokens: 0, ...u, at, longContext: long });
    };
    const input = price({});
    if (input.unpriced) return null;
    const read = price({ cacheReadTokens: UNIT });
    const w5 = price({ cacheWrite5mTokens: UNIT });
    const w1 = price({ cacheWrite1hTokens: UNIT });
    const out = price({ outputTokens: UNIT });
    if (read.unpriced || w5.unpriced || w1.unpriced || out.unpriced) return null;
    return Float64Array.of(input.cost / UNIT, read.cost / UNIT, w5.cost / UNIT, w1.cost / UNIT, (out.cost - input.cost) / UNIT);
  }
}
