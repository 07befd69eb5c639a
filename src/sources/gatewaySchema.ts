/**
 * Schemas of the allowance gateway protocol v1 (docs/allowance-gateway.md). Every response is
 * validated against these before anything is read from it.
 */
import * as v from 'valibot';

const dayKey = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'a YYYY-MM-DD date'));
const money = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.finite(), v.minValue(0));

export const AllowanceSchema = v.object({
  user: v.string(),
  timezone: v.string(),
  currency: v.string(),
  budget: v.nullable(
    v.object({
      amount: money,
      period_start: dayKey,
      period_end: dayKey,
    }),
  ),
  spent: money,
  as_of: v.string(),
});
export type Allowance = v.InferOutput<typeof AllowanceSchema>;

export const ModelUsageSchema = v.object({
  model: v.string(),
  cost: money,
  requests: v.optional(count, 0),
  input_tokens: v.optional(count, 0),
  output_tokens: v.optional(count, 0),
  cache_read_tokens: v.optional(count, 0),
  cache_write_tokens: v.optional(count, 0),
});

export const UsageDaySchema = v.object({
  date: dayKey,
  cost: money,
  models: v.optional(v.array(ModelUsageSchema), []),
});
export type UsageDay = v.InferOutput<typeof UsageDaySchema>;

export const UsagePageSchema = v.object({
  days: v.array(UsageDaySchema),
  next_cursor: v.nullable(v.string()),
});
