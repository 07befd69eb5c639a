/**
 * Schemas of the Anthropic Admin API answers this extension reads (platform.claude.com API
 * reference: usage_report/messages, cost_report, usage_report/claude_code; errors page). Only the
 * fields read are checked; others pass through. test/fixtures/anthropic/README.md names the
 * upstream text each shape was checked against.
 *
 * Tolerant where the meaning is clear (a missing token count is 0, a missing cache or tool block
 * is none, a Claude Code `date` may carry a time); loud where it is not: a `service_tier`,
 * `speed` or `customer_type` this code does not know fails the fetch with the field and the value,
 * because pricing it as something else would put a wrong number in the meter.
 */
import * as v from 'valibot';

const tokens = v.pipe(v.number(), v.finite(), v.minValue(0));
const optionalTokens = v.optional(v.nullable(tokens), null);
const instant = v.pipe(v.string(), v.isoTimestamp('an RFC 3339 timestamp'));

const page = <T extends v.GenericSchema>(item: T) =>
  v.object({
    data: v.array(item),
    has_more: v.boolean(),
    /** Opaque cursor; null when has_more is false. */
    next_page: v.optional(v.nullable(v.string()), null),
  });

/** The usage report's service tiers (its `service_tiers[]` filter and `service_tier` field). */
export const SERVICE_TIERS = ['standard', 'batch', 'priority', 'priority_on_demand', 'flex', 'flex_discount'] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];
/** The usage report's `speed`: fast mode or not. */
export const SPEEDS = ['standard', 'fast'] as const;

/** One row of the messages usage report. There is no total-input field: sum the four parts. */
export const MessagesResultSchema = v.object({
  uncached_input_tokens: tokens,
  cache_read_input_tokens: v.optional(tokens, 0),
  cache_creation: v.optional(
    v.object({
      ephemeral_5m_input_tokens: v.optional(tokens, 0),
      ephemeral_1h_input_tokens: v.optional(tokens, 0),
    }),
    { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
  ),
  output_tokens: tokens,
  server_tool_use: v.optional(v.nullable(v.object({ web_search_requests: optionalTokens }))),
  /** Null unless grouped by model. */
  model: v.optional(v.nullable(v.string()), null),
  /** `0-200k` | `200k-1M`; null unless grouped by context_window. */
  context_window: v.optional(v.nullable(v.string()), null),
  /** Null unless grouped by service_tier. */
  service_tier: v.optional(v.nullable(v.picklist(SERVICE_TIERS)), null),
  /**
   * `standard` | `fast` (research preview); null unless grouped by speed, and only sent with the
   * `anthropic-beta: fast-mode-2026-02-01` header.
   */
  speed: v.optional(v.nullable(v.picklist(SPEEDS)), null),
});
export type MessagesResult = v.InferOutput<typeof MessagesResultSchema>;

export const MessagesBucketSchema = v.object({
  starting_at: instant,
  ending_at: instant,
  results: v.array(MessagesResultSchema),
});
export type MessagesBucket = v.InferOutput<typeof MessagesBucketSchema>;
export const MessagesPageSchema = page(MessagesBucketSchema);

/**
 * Cost report `amount`: "Cost amount in lowest currency units (e.g. cents) as a decimal string"
 * ("123.45" in USD = $1.23). A JSON number is accepted too, in the same unit.
 */
export const CentsSchema = v.union([
  v.pipe(v.number(), v.finite()),
  v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^-?\d+(\.\d+)?$/, 'a decimal string of cents'),
    v.transform((s) => Number(s)),
  ),
]);

export const CostResultSchema = v.object({
  amount: CentsSchema,
  currency: v.optional(v.string(), 'USD'),
});
export const CostBucketSchema = v.object({
  starting_at: instant,
  ending_at: instant,
  results: v.array(CostResultSchema),
});
export type CostBucket = v.InferOutput<typeof CostBucketSchema>;
export const CostPageSchema = page(CostBucketSchema);

/**
 * Claude Code analytics `customer_type`: "api for API customers, subscription for Pro/Team
 * customers" (a seat paid by subscription, whose `estimated_cost` is not billed per use).
 */
export const CUSTOMER_TYPES = ['api', 'subscription'] as const;

/** Claude Code analytics: one record per actor (and terminal/customer type) per day. */
export const ClaudeCodeRecordSchema = v.object({
  customer_type: v.picklist(CUSTOMER_TYPES),
  actor: v.variant('type', [
    v.object({ type: v.literal('user_actor'), email_address: v.string() }),
    v.object({ type: v.literal('api_actor'), api_key_name: v.optional(v.nullable(v.string())) }),
  ]),
  /** Documented as YYYY-MM-DD, shown as 2025-08-08T00:00:00Z in the example: both are read. */
  date: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'a YYYY-MM-DD date')),
  model_breakdown: v.optional(
    v.array(
      v.object({
        model: v.string(),
        /** Minor units (cents for USD), a number. */
        estimated_cost: v.object({ amount: v.pipe(v.number(), v.finite()), currency: v.optional(v.string(), 'USD') }),
        tokens: v.object({
          input: v.optional(tokens, 0),
          output: v.optional(tokens, 0),
          cache_read: v.optional(tokens, 0),
          cache_creation: v.optional(tokens, 0),
        }),
      }),
    ),
    [],
  ),
});
export type ClaudeCodeRecord = v.InferOutput<typeof ClaudeCodeRecordSchema>;
export const ClaudeCodePageSchema = page(ClaudeCodeRecordSchema);

/** `{"type":"error","error":{"type","message"},"request_id"}` */
export const AnthropicErrorSchema = v.object({
  type: v.literal('error'),
  error: v.object({ type: v.string(), message: v.string() }),
  request_id: v.optional(v.nullable(v.string())),
});

/** `authentication_error: invalid x-api-key`, from an Anthropic error body. */
export function anthropicErrorMessage(body: unknown): string | undefined {
  const parsed = v.safeParse(AnthropicErrorSchema, body);
  if (!parsed.success) return undefined;
  return `${parsed.output.error.type}: ${parsed.output.error.message}`;
}
