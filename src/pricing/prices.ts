/**
 * Tokens → USD through `@pydantic/genai-prices` (its bundled price data; nothing is fetched).
 *
 * How aggregates are priced. genai-prices decides a model's long-context tier from the
 * `input_tokens` it is given, as if they were ONE request: a day's aggregate of millions of tokens
 * would land in the expensive ">200k" tier (claude-sonnet-4-5 at $6/M instead of $3/M). Tiers
 * apply per request, never to a sum, and prices are linear within a tier, so an aggregate is
 * priced by scaling it down to a request of `BASE_PROBE_INPUT` input tokens (every part scaled
 * by the same factor, so the mix of cache reads, writes and output is kept), pricing that with
 * `calcPrice`, and scaling the price back up. That is the base tier's per-token rate. When the
 * data says every request was in the long-context tier (Anthropic's `context_window: "200k-1M"`
 * rows), the same is done at `LONG_CONTEXT_PROBE_INPUT` tokens, just over the 200k boundary; for
 * a model whose data has no long-context tier but whose requests do cost more there (Claude
 * Sonnet 4), `LONG_CONTEXT_MULTIPLIERS` supplies Anthropic's published ratios.
 *
 * One request, or requests known to be of one tier (a local log line), is priced at its own input
 * size instead (`requestInput`): the tier it reaches is the model's own, wherever its data starts
 * it (Claude at 200k, gpt-5.4 at 272k); `tierStarts` tells where a model's tiers start.
 *
 * What each count means: `inputTokens` is ALL input, cache reads and writes included (that is
 * what genai-prices reads as `input_tokens`); the cache counts are the parts of it billed at the
 * cache prices. One-hour cache writes have their own price in genai-prices
 * (`cache_write_1h_mtok`, 2× base input for Claude); for a model whose data has none, they are
 * priced at 2× the base input price, Anthropic's published multiplier for one-hour writes.
 *
 * A model genai-prices does not know is reported `unpriced` with cost 0: callers keep its tokens
 * and flag it; they never read it as $0.
 */
import { calcPrice, type ModelPrice, type PriceCalculation, type Usage } from '@pydantic/genai-prices';
import { BASE_PROBE_INPUT } from './probe';

export { BASE_PROBE_INPUT };
/** Anthropic's long-context boundary: a request over this many input tokens is priced higher. */
export const LONG_CONTEXT_START = 200_000;
/** Just over 200k input tokens: the tier of Anthropic's "200k-1M" context-window rows. */
export const LONG_CONTEXT_PROBE_INPUT = LONG_CONTEXT_START + 1;
/** Anthropic: "1-hour cache write tokens are 2 times the base input tokens price". */
export const ONE_HOUR_WRITE_MULTIPLIER = 2;
/**
 * Batch API usage is billed at half the list price, by Anthropic (Message Batches: input and
 * output, cache reads and writes included; web searches are not discounted) and by OpenAI
 * (Batch API: input, cached input and output). Both admin sources multiply a batch result's
 * token cost by this.
 */
export const BATCH_PRICE_FACTOR = 0.5;
/**
 * Long-context rates the bundled genai-prices data lacks, by the model id it resolves to.
 * Anthropic charges requests over 200k input tokens to Claude Sonnet 4 (1M context window) at
 * $6 / $22.50 per million instead of $3 / $15: input ×2 (cache reads and writes with it, as they
 * are priced off input) and output ×1.5, the ratios genai-prices has for claude-sonnet-4-5. A
 * model whose data has tiers is priced from them, never from this table.
 */
export const LONG_CONTEXT_MULTIPLIERS: Readonly<Record<string, { readonly input: number; readonly output: number }>> = {
  'claude-sonnet-4-0': { input: 2, output: 1.5 },
};

export interface UsageToPrice {
  readonly model: string;
  /** genai-prices provider id, e.g. `openai`, `anthropic`; omitted = matched from the model name. */
  readonly provider?: string;
  /** ALL input tokens: uncached + cache reads + cache writes. */
  readonly inputTokens: number;
  /** Part of `inputTokens` read from a prompt cache. */
  readonly cacheReadTokens?: number;
  /** Part of `inputTokens` written to a cache at the standard (5-minute) write price; a write with no TTL goes here. */
  readonly cacheWrite5mTokens?: number;
  /** Part of `inputTokens` written to a one-hour cache. */
  readonly cacheWrite1hTokens?: number;
  readonly outputTokens: number;
  /** Number of requests, for models with a per-request fee (default 0). */
  readonly requests?: number;
  /** Server-side web searches (Anthropic `server_tool_use.web_search_requests`). */
  readonly webSearches?: number;
  /** When the usage happened: prices change over time (default: now). */
  readonly at?: Date;
  /** True when every request behind these counts had more than 200k input tokens. */
  readonly longContext?: boolean;
  /**
   * The input tokens (all of them) of the request behind these counts, or of each of them when
   * they are all of one tier: the tier this size reaches is priced, wherever the model's data
   * starts it. Takes the place of `longContext`.
   */
  readonly requestInput?: number;
}

export interface PriceResult {
  /** USD; 0 when unpriced (never read that as a real $0). */
  readonly cost: number;
  readonly unpriced: boolean;
  /** The genai-prices model id that priced it, e.g. `claude-sonnet-4-5`. */
  readonly pricedAs?: string;
  /** Why it could not be priced. */
  readonly reason?: string;
}

const count = (n: number | undefined): number => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0);

function scale(usage: Usage, factor: number): Usage {
  const out: Usage = {};
  for (const [key, value] of Object.entries(usage)) if (value !== undefined) out[key] = value * factor;
  return out;
}

/** A flat per-request price, when the model has one (genai-prices charges it once per call). */
function requestFee(price: ModelPrice): number {
  const fee = price['requests_kcount'];
  if (fee === undefined) return 0;
  return (typeof fee === 'number' ? fee : fee.base) / 1000;
}

interface Priced {
  readonly usd: number;
  readonly calc: PriceCalculation;
}

/**
 * Prices `usage` as if it were made of requests of `probeInput` input tokens each: scaled to one
 * such request, priced, scaled back. Null when genai-prices does not know the model.
 */
function priceAtProbe(usage: Usage, model: string, provider: string | undefined, at: Date | undefined, probeInput: number): Priced | null {
  const input = usage['input_tokens'] ?? 0;
  const factor = input > 0 ? probeInput / input : 1;
  const calc = calcPrice(scale(usage, factor), model, { ...(provider ? { providerId: provider } : {}), ...(at ? { timestamp: at } : {}) });
  if (!calc) return null;
  const fee = requestFee(calc.model_price);
  return { usd: (calc.total_price - fee) / factor, calc };
}

export function priceUsage(u: UsageToPrice): PriceResult {
  const read = count(u.cacheReadTokens);
  const write5m = count(u.cacheWrite5mTokens);
  const write1h = count(u.cacheWrite1hTokens);
  const output = count(u.outputTokens);
  // Cache parts are partitions of the input; a report that says otherwise is read as "the input
  // was at least its parts" rather than rejected.
  const input = Math.max(count(u.inputTokens), read + write5m + write1h);
  const longContext = u.requestInput !== undefined ? u.requestInput > LONG_CONTEXT_START : u.longContext === true;
  const probe = u.requestInput !== undefined ? Math.max(BASE_PROBE_INPUT, u.requestInput) : longContext ? LONG_CONTEXT_PROBE_INPUT : BASE_PROBE_INPUT;
  const unpriced = (reason: string): PriceResult => ({ cost: 0, unpriced: true, reason });

  const usage: Usage = { input_tokens: input, output_tokens: output };
  if (read > 0) usage['cache_read_tokens'] = read;
  if (write5m + write1h > 0) usage['cache_write_tokens'] = write5m + write1h;
  if (write5m > 0) usage['cache_write_5m_tokens'] = write5m;
  if (write1h > 0) usage['cache_write_1h_tokens'] = write1h;
  const searches = count(u.webSearches);
  if (searches > 0) usage['web_searches'] = searches;

  try {
    const all = priceAtProbe(usage, u.model, u.provider, u.at, probe);
    if (!all) return unpriced(`genai-prices has no price for ${u.provider ? `${u.provider}:` : ''}${u.model}`);
    const fees = requestFee(all.calc.model_price) * count(u.requests);
    const pricedAs = all.calc.model.id;
    let cost = all.usd;
    if (write1h > 0 && all.calc.model_price['cache_write_1h_mtok'] === undefined) {
      // No one-hour write price in the data: price those tokens at 2× base input instead of the
      // 5-minute write price genai-prices would fall back to.
      const rest: Usage = { ...usage, input_tokens: input - write1h };
      delete rest['cache_write_1h_tokens'];
      if (write5m > 0) rest['cache_write_tokens'] = write5m;
      else delete rest['cache_write_tokens'];
      const withoutHour = priceAtProbe(rest, u.model, u.provider, u.at, probe);
      const hourAsInput = priceAtProbe({ input_tokens: write1h }, u.model, u.provider, u.at, probe);
      if (!withoutHour || !hourAsInput) return unpriced(`genai-prices could not price the parts of ${u.model}`);
      cost = withoutHour.usd + ONE_HOUR_WRITE_MULTIPLIER * hourAsInput.usd;
    }
    const premium = LONG_CONTEXT_MULTIPLIERS[pricedAs];
    if (longContext && premium && typeof all.calc.model_price.input_mtok !== 'object') {
      // The data has one flat rate: the input side (cache included) and the output at their
      // long-context multiples; web searches are not tokens and keep their price.
      const outputOnly = output > 0 ? priceAtProbe({ output_tokens: output }, u.model, u.provider, u.at, probe) : null;
      const searchesOnly = searches > 0 ? priceAtProbe({ web_searches: searches }, u.model, u.provider, u.at, probe) : null;
      const outputUsd = outputOnly?.usd ?? 0;
      const searchUsd = searchesOnly?.usd ?? 0;
      cost = (cost - outputUsd - searchUsd) * premium.input + outputUsd * premium.output + searchUsd;
    }
    return { cost: cost + fees, unpriced: false, pricedAs };
  } catch (error) {
    return unpriced(`genai-prices failed for ${u.model}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Where `model`'s price per token goes up at instant `at`, ascending: a request of more input
 * tokens than a start is priced at that tier (genai-prices compares the whole input). The starts of
 * the tiers in its genai-prices data (of every kind of token), or LONG_CONTEXT_START for a model
 * priced by LONG_CONTEXT_MULTIPLIERS. Empty: one price at any size; null: genai-prices does not
 * know the model.
 */
export function tierStarts(model: string, at?: Date, provider?: string): number[] | null {
  try {
    const calc = calcPrice({ input_tokens: BASE_PROBE_INPUT }, model, { ...(provider ? { providerId: provider } : {}), ...(at ? { timestamp: at } : {}) });
    if (!calc) return null;
    const starts = new Set<number>();
    for (const price of Object.values(calc.model_price)) {
      if (price && typeof price === 'object' && Array.isArray(price.tiers)) for (const tier of price.tiers) starts.add(tier.start);
    }
    if (starts.size === 0 && LONG_CONTEXT_MULTIPLIERS[calc.model.id]) starts.add(LONG_CONTEXT_START);
    return [...starts].sort((a, b) => a - b);
  } catch {
    return null;
  }
}

/** The instant used to pick a UTC day's prices: noon UTC of that day. */
export function priceInstantOfUtcDay(day: string): Date {
  return new Date(`${day}T12:00:00Z`);
}
