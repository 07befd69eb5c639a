/**
 * Schemas of the OpenRouter endpoints this project reads (usage-apis.md §3, from the
 * `OpenRouterTeam/typescript-sdk` OpenAPI spec):
 *
 * - `GET /api/v1/key` → `{data: {usage, usage_daily, usage_weekly, usage_monthly, limit,
 *   limit_remaining, limit_reset, is_management_key, …}}`. The older `/auth/key` shape
 *   (`{data: {label, usage, limit, is_free_tier, rate_limit}}`) validates too: only `usage` is
 *   required.
 * - `GET /api/v1/activity` (management key) → `{data: [{date, model, usage, prompt_tokens,
 *   completion_tokens, requests, …}]}`: one entry per day × model × endpoint. The spec documents
 *   `date` as `YYYY-MM-DD`; live answers send `"2026-08-23 00:00:00"` (steipete/CodexBar issue
 *   3174). Both are read as the UTC day of their date part; anything else is an error naming the
 *   field and the value.
 *
 * Money is USD as JSON numbers. A field present with the wrong type is an error.
 */
import * as v from 'valibot';
import { isDayKey } from '../core/dates';

const ACTIVITY_DATE = /^\d{4}-\d{2}-\d{2}(?: (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d)?$/;

/** `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS` (a UTC day; the time part says nothing more), read as the day. */
const activityDay = v.pipe(
  v.string(),
  v.check((s) => {
    return ACTIVITY_DATE.test(s) && isDayKey(s.slice(0, 10)); // a real calendar day (no 30 February)
  }, 'a YYYY-MM-DD date, optionally followed by " HH:MM:SS"'),
  v.transform((s) => s.slice(0, 10)),
);
const money = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.finite(), v.minValue(0));
const optionalMoney = v.nullish(money);

export const KeySchema = v.object({
  data: v.object({
    label: v.nullish(v.string()),
    /** Lifetime OpenRouter credit usage of the key (USD); never decreases. */
    usage: money,
    /** The current UTC day, the current UTC week (Monday–Sunday), the current UTC month. */
    usage_daily: optionalMoney,
    usage_weekly: optionalMoney,
    usage_monthly: optionalMoney,
    byok_usage: optionalMoney,
    byok_usage_daily: optionalMoney,
    byok_usage_weekly: optionalMoney,
    byok_usage_monthly: optionalMoney,
    include_byok_in_limit: v.nullish(v.boolean()),
    /** USD, or null when unlimited. */
    limit: optionalMoney,
    limit_remaining: optionalMoney,
    /** "daily" | "weekly" | "monthly", or null when the limit never resets. */
    limit_reset: v.nullish(v.string()),
    is_free_tier: v.nullish(v.boolean()),
    is_management_key: v.nullish(v.boolean()),
    is_provisioning_key: v.nullish(v.boolean()),
    expires_at: v.nullish(v.string()),
  }),
});
export type KeyData = v.InferOutput<typeof KeySchema>['data'];

export const ActivitySchema = v.object({
  data: v.array(
    v.object({
      date: activityDay,
      model: v.string(),
      usage: money,
      prompt_tokens: v.nullish(count, 0),
      completion_tokens: v.nullish(count, 0),
      requests: v.nullish(count, 0),
    }),
  ),
});
export type ActivityEntry = v.InferOutput<typeof ActivitySchema>['data'][number];

/** OpenRouter's error body `{"error":{"code":401,"message":"…","metadata":{…}}}`. */
export function openrouterErrorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as Record<string, unknown>)['error'];
  if (typeof error === 'string') return error;
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as Record<string, unknown>;
  const message = typeof record['message'] === 'string' ? record['message'] : undefined;
  const metadata = record['metadata'];
  const type = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>)['error_type'] : undefined;
  if (message === undefined) return typeof type === 'string' ? type : undefined;
  return typeof type === 'string' && !message.toLowerCase().includes(type.replace(/_/g, ' ')) ? `${message} (${type})` : message;
}
