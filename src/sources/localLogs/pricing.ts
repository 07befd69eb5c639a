/**
 * Per-request prices for log lines, through `priceUsage` (genai-prices), memoised.
 *
 * Every log line is one request and is priced as one: its tier is decided by that request's own
 * input (uncached + cache reads + cache writes), never by a sum, and where the model's own data
 * starts its tiers (Claude's long context from 200k, gpt-5.4's and gpt-5.5's from 272k). Within a
 * tier prices are linear, so a line's cost is the dot product of its token counts with per-token
 * rates; the rates of a tier come from `priceUsage` at a request just over the tier's start (a
 * call costs ~50 µs, a history holds hundreds of thousands of lines). Cache reads and 5-minute
 * and one-hour cache writes each have their own rate.
 *
 * How long rates hold: genai-prices gives a model either one price, or prices with start dates, or
 * prices by time of day. The cache key follows: (model, tier); (model, UTC day, tier); or
 * (model, quarter hour, tier). Where the tiers start is read once per model, day or quarter hour.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { utcDayKeyOfMs } from '../../core/dates';
import { BASE_PROBE_INPUT, priceInstantOfUtcDay, priceUsage, tierStarts } from '../../pricing/prices';

/** Rates per token: uncached input, cache read, 5-minute write, one-hour write, output. */
export type Rates = Float64Array;

const UNIT = 1_000_000;
const QUARTER_HOUR_MS = 900_000;

type Variation = 'none' | 'day' | 'timeOfDay' | 'unknown';

/** The prices of a model for a stretch of time. */
interface Period {
  /** The instant rates are computed at. */
  readonly at: Date;
  /** Input sizes above which the next tier applies, ascending (empty: one tier). */
  readonly starts: readonly number[];
  /** Rates by tier (0 = base); undefined = not computed yet, null = unpriced. */
  readonly rates: (Rates | null | undefined)[];
}

interface ModelEntry {
  readonly variation: Variation;
  /** The time-invariant period; undefined = not read yet. */
  fixed: Period | undefined;
  /** Time-bound periods by key (UTC day or quarter hour). */
  readonly timed: Map<string, Period>;
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
      e = { variation, fixed: undefined, timed: new Map() };
      this.models.set(model, e);
    }
    this.lastModel = model;
    this.lastEntry = e;
    return e;
  }

  /** Rates for one request of `model` at instant `ms` with `input` input tokens in all; null = unpriced. */
  rates(model: string, ms: number, input: number): Rates | null {
    const e = this.entry(model);
    if (e.variation === 'unknown') {
      this.unpricedModels.add(model);
      return null;
    }
    let period: Period | undefined;
    if (e.variation === 'none') period = e.fixed ??= this.period(model, new Date(ms));
    else {
      const when = e.variation === 'day' ? utcDayKeyOfMs(ms) : String(Math.floor(ms / QUARTER_HOUR_MS));
      period = e.timed.get(when);
      if (!period) {
        // Noon UTC of the day for date-bound prices; the line's own instant for time-of-day ones.
        period = this.period(model, e.variation === 'day' ? priceInstantOfUtcDay(when) : new Date(ms));
        e.timed.set(when, period);
      }
    }
    const { starts } = period;
    let tier = 0;
    while (tier < starts.length && input > (starts[tier] as number)) tier++;
    const hit = period.rates[tier];
    if (hit !== undefined) return hit;
    const rates = this.compute(model, period.at, tier === 0 ? BASE_PROBE_INPUT : (starts[tier - 1] as number) + 1);
    if (rates === null) this.unpricedModels.add(model);
    period.rates[tier] = rates;
    return rates;
  }

  private period(model: string, at: Date): Period {
    const starts = tierStarts(model, at) ?? [];
    return { at, starts, rates: new Array<Rates | null | undefined>(starts.length + 1).fill(undefined) };
  }

  /** Per-token rates of a request of `requestInput` input tokens (the tier that size reaches). */
  private compute(model: string, at: Date, requestInput: number): Rates | null {
    const price = (u: { cacheReadTokens?: number; cacheWrite5mTokens?: number; cacheWrite1hTokens?: number; outputTokens?: number }) => {
      this.calls++;
      return priceUsage({ model, inputTokens: UNIT, outputTokens: 0, ...u, at, requestInput });
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
