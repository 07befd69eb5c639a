import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calcPrice } from '@pydantic/genai-prices';
import { priceUsage, tierStarts } from '../../../src/pricing/prices';

const close = (actual: number, expected: number, message?: string) => assert.ok(Math.abs(actual - expected) < 1e-9 * Math.max(1, Math.abs(expected)), message ?? `${actual} ≈ ${expected}`);

void describe('priceUsage (genai-prices)', () => {
  void it('prices gpt-4o input at $2.50/M, and all-cached input at $1.25/M (usage-apis.md)', () => {
    const plain = priceUsage({ model: 'gpt-4o', provider: 'openai', inputTokens: 1e6, outputTokens: 0 });
    close(plain.cost, 2.5);
    assert.equal(plain.unpriced, false);
    assert.equal(plain.pricedAs, 'gpt-4o');
    close(priceUsage({ model: 'gpt-4o', provider: 'openai', inputTokens: 1e6, cacheReadTokens: 1e6, outputTokens: 0 }).cost, 1.25);
  });

  void it('prices an aggregate of claude-sonnet-4-5 at the base $3/M, not the 200k+ tier; the long-context tier only when told', () => {
    // calcPrice on the sum lands in the expensive tier: the pitfall this module exists to avoid.
    close(calcPrice({ input_tokens: 1e6 }, 'claude-sonnet-4-5', { providerId: 'anthropic' })?.total_price ?? NaN, 6);
    close(priceUsage({ model: 'claude-sonnet-4-5', provider: 'anthropic', inputTokens: 1e6, outputTokens: 0 }).cost, 3);
    close(priceUsage({ model: 'claude-sonnet-4-5', provider: 'anthropic', inputTokens: 1e6, outputTokens: 0, longContext: true }).cost, 6);
    close(priceUsage({ model: 'claude-sonnet-4-5', provider: 'anthropic', inputTokens: 0, outputTokens: 1e6 }).cost, 15);
  });

  void it('prices claude-sonnet-4 over 200k at Anthropic\'s long-context $6 / $22.50 per M, which its genai-prices data lacks', () => {
    const sonnet4 = (extra: { longContext?: boolean; cacheReadTokens?: number; webSearches?: number }) =>
      priceUsage({ model: 'claude-sonnet-4-20250514', provider: 'anthropic', inputTokens: 1e6, outputTokens: 100_000, ...extra });
    // The data itself has one flat rate for this model: $3/M even at 1M tokens in one request.
    close(calcPrice({ input_tokens: 1e6 }, 'claude-sonnet-4-20250514', { providerId: 'anthropic' })?.total_price ?? NaN, 3);
    close(sonnet4({}).cost, 1e6 * 3e-6 + 100_000 * 15e-6); // $4.50, base tier
    close(sonnet4({ longContext: true }).cost, 1e6 * 6e-6 + 100_000 * 22.5e-6); // $8.25, as claude-sonnet-4-5 in that tier
    close(sonnet4({ longContext: true }).cost, priceUsage({ model: 'claude-sonnet-4-5', provider: 'anthropic', inputTokens: 1e6, outputTokens: 100_000, longContext: true }).cost);
    // Cache reads at a tenth of the long-context input price; a web search keeps its $10 per thousand.
    close(sonnet4({ longContext: true, cacheReadTokens: 400_000, webSearches: 10 }).cost, 600_000 * 6e-6 + 400_000 * 0.6e-6 + 100_000 * 22.5e-6 + 10 * 0.01);
    assert.equal(sonnet4({ longContext: true }).pricedAs, 'claude-sonnet-4-0');
  });

  void it('an aggregate costs what its requests cost one by one (prices are linear within a tier)', () => {
    const request = { input_tokens: 150_000, cache_read_tokens: 100_000, cache_write_tokens: 20_000, output_tokens: 4_000 };
    const one = calcPrice(request, 'claude-sonnet-4-5', { providerId: 'anthropic' })?.total_price ?? NaN;
    const fifty = priceUsage({ model: 'claude-sonnet-4-5', provider: 'anthropic', inputTokens: 50 * 150_000, cacheReadTokens: 50 * 100_000, cacheWrite5mTokens: 50 * 20_000, outputTokens: 50 * 4_000 });
    close(fifty.cost, 50 * one);
  });

  void it('prices one-hour cache writes at their own price, above five-minute writes', () => {
    const fiveMinutes = priceUsage({ model: 'claude-sonnet-4-5', provider: 'anthropic', inputTokens: 1e6, cacheWrite5mTokens: 1e6, outputTokens: 0 });
    const oneHour = priceUsage({ model: 'claude-sonnet-4-5', provider: 'anthropic', inputTokens: 1e6, cacheWrite1hTokens: 1e6, outputTokens: 0 });
    close(fiveMinutes.cost, 3.75);
    close(oneHour.cost, 6);
    assert.ok(oneHour.cost > fiveMinutes.cost);
  });

  void it('prices each part of a mixed Anthropic row at its own price', () => {
    // uncached 1M × $3 + reads 1M × $0.30 + 5m writes 1M × $3.75 + 1h writes 1M × $6 + output 1M × $15 + 1000 searches × $10/1000
    const mixed = priceUsage({ model: 'claude-sonnet-4-5', provider: 'anthropic', inputTokens: 4e6, cacheReadTokens: 1e6, cacheWrite5mTokens: 1e6, cacheWrite1hTokens: 1e6, outputTokens: 1e6, webSearches: 1000 });
    close(mixed.cost, 3 + 0.3 + 3.75 + 6 + 15 + 10);
  });

  void it('without a one-hour write price in the data, prices those writes at 2× base input', () => {
    // claude-2 has no cache prices at all: $8/M input.
    close(priceUsage({ model: 'claude-2', provider: 'anthropic', inputTokens: 1e6, outputTokens: 0 }).cost, 8);
    close(priceUsage({ model: 'claude-2', provider: 'anthropic', inputTokens: 2e6, cacheWrite1hTokens: 1e6, outputTokens: 0 }).cost, 8 + 16);
  });

  void it('matches dated model names', () => {
    const r = priceUsage({ model: 'claude-sonnet-4-20250514', provider: 'anthropic', inputTokens: 1e6, outputTokens: 0 });
    assert.equal(r.unpriced, false);
    close(r.cost, 3);
  });

  void it('reports a model it does not know as unpriced with cost 0, never as a priced $0', () => {
    const r = priceUsage({ model: 'gpt-imaginary-9', provider: 'openai', inputTokens: 1e6, outputTokens: 1e6 });
    assert.equal(r.unpriced, true);
    assert.equal(r.cost, 0);
    assert.match(r.reason ?? '', /gpt-imaginary-9/);
  });

  void it('prices one request in the tier its own input reaches, where the model starts it (requestInput, tierStarts)', () => {
    // gpt-5.4: $2.50 / $15 per M up to 272k input tokens in a request, $5 / $22.50 above (genai-prices: start 271,999).
    assert.deepEqual(tierStarts('gpt-5.4'), [271_999]);
    assert.deepEqual(tierStarts('claude-sonnet-4-5'), [200_000]);
    assert.deepEqual(tierStarts('claude-sonnet-4-20250514'), [200_000], 'flat data, long-context multipliers from 200k');
    assert.deepEqual(tierStarts('gpt-5'), []);
    assert.equal(tierStarts('no-such-model-xyz'), null);
    const gpt54 = (requestInput: number) => priceUsage({ model: 'gpt-5.4', inputTokens: 1e6, outputTokens: 1e6, requestInput }).cost;
    close(gpt54(250_000), 2.5 + 15, 'over 200k, under 272k: base');
    close(gpt54(271_999), 2.5 + 15);
    close(gpt54(272_000), 5 + 22.5);
    close(priceUsage({ model: 'gpt-5.4', inputTokens: 300_000, outputTokens: 1_000, requestInput: 300_000 }).cost, calcPrice({ input_tokens: 300_000, output_tokens: 1_000 }, 'gpt-5.4')?.total_price ?? NaN);
    // Claude as with longContext: the 200k boundary, Sonnet 4's multipliers included.
    for (const model of ['claude-sonnet-4-5', 'claude-sonnet-4-20250514']) {
      for (const [requestInput, longContext] of [[200_000, false], [200_001, true]] as const) {
        close(priceUsage({ model, provider: 'anthropic', inputTokens: 1e6, outputTokens: 1e5, requestInput }).cost, priceUsage({ model, provider: 'anthropic', inputTokens: 1e6, outputTokens: 1e5, longContext }).cost, `${model} ${requestInput}`);
      }
    }
  });

  void it('uses the prices in force on the day', () => {
    // claude-opus-4-6: a 200k+ tier until 2026-03-13, one flat price after.
    close(priceUsage({ model: 'claude-opus-4-6', provider: 'anthropic', inputTokens: 1e6, outputTokens: 0, longContext: true, at: new Date('2026-01-10T12:00:00Z') }).cost, 10);
    close(priceUsage({ model: 'claude-opus-4-6', provider: 'anthropic', inputTokens: 1e6, outputTokens: 0, longContext: true, at: new Date('2026-06-10T12:00:00Z') }).cost, 5);
  });

  void it('charges a per-request fee once per request, not once per call', () => {
    // perplexity sonar: $1/M in, $1/M out, $12 per 1000 requests.
    close(priceUsage({ model: 'sonar', provider: 'perplexity', inputTokens: 1e6, outputTokens: 1e6, requests: 1000 }).cost, 14);
    close(priceUsage({ model: 'sonar', provider: 'perplexity', inputTokens: 1e6, outputTokens: 1e6 }).cost, 2);
  });

  void it('reads cache parts larger than the input as "the input was at least its parts"', () => {
    const r = priceUsage({ model: 'gpt-4o', provider: 'openai', inputTokens: 0, cacheReadTokens: 1e6, outputTokens: 0 });
    assert.equal(r.unpriced, false);
    close(r.cost, 1.25);
  });
});
