/**
 * Schemas of what the OpenAI Admin usage and costs endpoints return (openai/openai-openapi
 * `openapi.yaml`: `UsageResponse`, `UsageTimeBucket`, `UsageCompletionsResult`, `CostsResult`,
 * `ErrorResponse`). Only the fields this extension reads are checked; others pass through.
 */
import * as v from 'valibot';

const tokens = v.pipe(v.number(), v.finite(), v.minValue(0));
const optionalTokens = v.optional(v.nullable(tokens), null);
const unixSeconds = v.pipe(v.number(), v.integer());

/** `UsageCompletionsResult`: required are input_tokens, output_tokens, num_model_requests. */
export const CompletionsResultSchema = v.object({
  /** Includes input_cached_tokens and input_cache_write_tokens. */
  input_tokens: tokens,
  input_cached_tokens: optionalTokens,
  input_cache_write_tokens: optionalTokens,
  input_uncached_tokens: optionalTokens,
  output_tokens: tokens,
  num_model_requests: tokens,
  /** Null unless grouped by model. */
  model: v.optional(v.nullable(v.string()), null),
  /** True for Batch API usage; null unless grouped by batch. */
  batch: v.optional(v.nullable(v.boolean()), null),
  /** "default", "flex", "scale", "priority", …; null unless grouped by service_tier. */
  service_tier: v.optional(v.nullable(v.string()), null),
});
export type CompletionsResult = v.InferOutput<typeof CompletionsResultSchema>;

const bucket = <T extends v.GenericSchema>(result: T) =>
  v.object({
    start_time: unixSeconds,
    end_time: unixSeconds,
    results: v.array(result),
  });

const page = <T extends v.GenericSchema>(result: T) =>
  v.object({
    data: v.array(bucket(result)),
    has_more: v.boolean(),
    next_page: v.optional(v.nullable(v.string()), null),
  });

export const CompletionsPageSchema = page(CompletionsResultSchema);
export type CompletionsBucket = v.InferOutput<typeof CompletionsPageSchema>['data'][number];

/**
 * `amount.value`: USD dollars; a number per the spec, a numeric string in some live answers
 * (steipete/CodexBar#999). Both are read as a number.
 */
export const AmountValueSchema = v.union([
  v.pipe(v.number(), v.finite()),
  v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, 'a number or a numeric string'),
    v.transform((s) => Number(s)),
  ),
]);

/**
 * `CostsResult`: the spec requires only `object`, so `amount` (and its `value`) may be absent; what
 * an absent amount means is not said, so the source refuses it by name rather than read it as $0
 * (see `billedPerDay`). A missing `currency` is read as USD, as in every example of the spec.
 */
export const CostsResultSchema = v.object({
  amount: v.optional(
    v.nullable(
      v.object({
        value: v.optional(v.nullable(AmountValueSchema)),
        currency: v.optional(v.string(), 'usd'),
      }),
    ),
  ),
});
export type CostsResult = v.InferOutput<typeof CostsResultSchema>;

export const CostsPageSchema = page(CostsResultSchema);
export type CostsBucket = v.InferOutput<typeof CostsPageSchema>['data'][number];

/** `ErrorResponse`: `{"error": {"message", "type", "param", "code"}}`. */
export const OpenAIErrorSchema = v.object({
  error: v.object({
    message: v.string(),
    type: v.optional(v.nullable(v.string())),
    code: v.optional(v.nullable(v.string())),
  }),
});
