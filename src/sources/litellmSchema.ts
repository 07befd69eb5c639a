/**
 * Schemas of the LiteLLM proxy endpoints this project reads (shapes in
 * ../shared/docs/usage-apis.md §4, from `BerriAI/litellm`):
 *
 * - `GET /key/info` → `{key, info: LiteLLM_VerificationToken row + litellm_budget_table}`
 * - `GET /user/info?user_id=` → `{user_id, user_info: LiteLLM_UserTable row, keys, teams}`
 * - `GET /team/info?team_id=` → `{team_id, team_info: LiteLLM_TeamTable row, keys, team_memberships}`
 * - `GET /user/daily/activity` → `{results: DailySpendData[], metadata}` (one page)
 * - `GET /user/daily/activity/aggregated` → the same shape, every day at once (metadata pinned to page 1 of 1)
 *
 * test/fixtures/litellm/README.md names the upstream source of each shape.
 *
 * Only the fields the source uses are declared; every other field is ignored, and most declared
 * fields may be absent or null (LiteLLM's rows are Prisma models with many nullable columns, and
 * older versions return fewer of them). A field that is present with the wrong type is an error.
 */
import * as v from 'valibot';

/**
 * A day: `YYYY-MM-DD`, also with a midnight time part (`2026-11-26T00:00:00`, `… 00:00:00+00:00`),
 * which names the same day. Any other time of day leaves the day unclear: an error.
 */
const dayKey = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}(?:[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?$/, 'a YYYY-MM-DD day (a time part only at midnight UTC)'),
  v.transform((text) => text.slice(0, 10)),
);
const money = v.pipe(v.number(), v.finite());
/** Spend the daily tables report: never below zero (a negative figure has no meaning we know). */
const spendOfDay = v.pipe(v.number(), v.finite(), v.minValue(0, 'a spend of 0 or more'));
const count = v.pipe(v.number(), v.finite(), v.minValue(0));
/** A number that may be absent or null (SQL NULL): read as 0. */
const countOr0 = v.nullish(count, 0);
const optionalMoney = v.nullish(money);
const optionalString = v.nullish(v.string());

/** The budget fields shared by keys, users, teams and budget tables. */
const budgetFields = {
  max_budget: optionalMoney,
  budget_duration: optionalString,
  budget_reset_at: optionalString,
};

export const BudgetTableSchema = v.object({
  ...budgetFields,
  soft_budget: optionalMoney,
});
export type BudgetTable = v.InferOutput<typeof BudgetTableSchema>;

export const KeyInfoSchema = v.object({
  key: v.nullish(v.string()),
  info: v.object({
    key_name: optionalString,
    key_alias: optionalString,
    user_id: optionalString,
    team_id: optionalString,
    spend: v.nullish(money, 0),
    ...budgetFields,
    litellm_budget_table: v.nullish(BudgetTableSchema),
    /** When the key was made: the start of its spend counter when no budget resets it. */
    created_at: optionalString,
  }),
});
export type KeyInfo = v.InferOutput<typeof KeyInfoSchema>['info'];

export const TeamRowSchema = v.object({
  team_id: v.string(),
  team_alias: optionalString,
  spend: v.nullish(money, 0),
  ...budgetFields,
});
export type TeamRow = v.InferOutput<typeof TeamRowSchema>;

export const UserInfoSchema = v.object({
  user_id: optionalString,
  user_info: v.nullish(
    v.object({
      user_id: optionalString,
      user_email: optionalString,
      user_alias: optionalString,
      /** e.g. "internal_user", "proxy_admin": whether the proxy holds the caller to its own rows. */
      user_role: optionalString,
      spend: v.nullish(money, 0),
      ...budgetFields,
      created_at: optionalString,
    }),
  ),
  /** The user's keys (LiteLLM_VerificationToken rows; `token` is the hash the daily rows name keys by). */
  keys: v.nullish(v.array(v.unknown()), []),
  /** Team rows (LiteLLM_TeamTable); some versions list team ids instead: each entry is checked when used. */
  teams: v.nullish(v.array(v.unknown()), []),
});
export type UserInfo = v.InferOutput<typeof UserInfoSchema>;

export const TeamMembershipSchema = v.object({
  user_id: v.string(),
  team_id: optionalString,
  spend: v.nullish(money, 0),
  litellm_budget_table: v.nullish(BudgetTableSchema),
});
export type TeamMembership = v.InferOutput<typeof TeamMembershipSchema>;

export const TeamInfoSchema = v.object({
  team_id: optionalString,
  team_info: TeamRowSchema,
  team_memberships: v.nullish(v.array(TeamMembershipSchema), []),
});
export type TeamInfo = v.InferOutput<typeof TeamInfoSchema>;

/** A key of the user, as far as the source needs it. */
export const UserKeySchema = v.object({ token: optionalString, user_id: optionalString });

/** `SpendMetrics`; every field but `spend` may be missing (older versions return fewer). */
const spendMetricsFields = {
  spend: spendOfDay,
  prompt_tokens: countOr0,
  completion_tokens: countOr0,
  cache_read_input_tokens: countOr0,
  cache_creation_input_tokens: countOr0,
  api_requests: countOr0,
};
export const SpendMetricsSchema = v.object(spendMetricsFields);
export type SpendMetrics = v.InferOutput<typeof SpendMetricsSchema>;

/**
 * A `breakdown.models` entry: the current nested `{metrics: SpendMetrics, metadata, …}` or the
 * older flattened `{spend, prompt_tokens, …}` (as in the documented example). Both become
 * `SpendMetrics`.
 */
export const ModelBreakdownSchema = v.union([
  v.pipe(
    v.object({ metrics: SpendMetricsSchema }),
    v.transform((entry): SpendMetrics => entry.metrics),
  ),
  SpendMetricsSchema,
]);

/**
 * A `breakdown.api_keys` entry (keyed by the key's hash): its metrics and, in versions that send
 * it, the key's owner (`metadata.user_id`, null for a key the proxy no longer knows).
 */
export const ApiKeyBreakdownSchema = v.union([
  v.pipe(
    v.object({ metrics: SpendMetricsSchema, metadata: v.nullish(v.object({ user_id: optionalString })) }),
    v.transform((entry) => ({ spend: entry.metrics.spend, owner: entry.metadata?.user_id ?? undefined })),
  ),
  v.pipe(
    SpendMetricsSchema,
    v.transform((m) => ({ spend: m.spend, owner: undefined })),
  ),
]);
export type ApiKeyBreakdown = v.InferOutput<typeof ApiKeyBreakdownSchema>;

export const DailySpendDataSchema = v.object({
  date: dayKey,
  /** The day's totals; when absent, the sum of the models is used. */
  metrics: v.nullish(SpendMetricsSchema),
  breakdown: v.nullish(
    v.object({
      models: v.nullish(v.record(v.string(), ModelBreakdownSchema)),
      api_keys: v.nullish(v.record(v.string(), ApiKeyBreakdownSchema)),
    }),
  ),
});
export type DailySpendData = v.InferOutput<typeof DailySpendDataSchema>;

export const DailyActivityPageSchema = v.object({
  results: v.array(DailySpendDataSchema),
  metadata: v.nullish(
    v.object({
      page: v.nullish(v.number()),
      total_pages: v.nullish(v.number()),
      has_more: v.nullish(v.boolean()),
      /** /aggregated: how many keys spent in the range (breakdown.api_keys lists only the top ones). */
      total_api_keys: v.nullish(count),
    }),
  ),
});
export type DailyActivityPage = v.InferOutput<typeof DailyActivityPageSchema>;

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const field of ['error', 'message', 'msg']) {
      if (typeof record[field] === 'string') return record[field];
    }
  }
  return undefined;
}

/**
 * Reads LiteLLM's error bodies: the proxy's envelope `{"error":{"message","type","param","code"}}`
 * (`code` a string or a number; `message` sometimes a dict), and FastAPI's
 * `{"detail":{"error":"…"}}` / `{"detail":"…"}` / `{"detail":[{"msg":…}]}` raised by the
 * management endpoints directly (e.g. the 403 of `/user/daily/activity`).
 */
export function litellmErrorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const error = record['error'];
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const envelope = error as Record<string, unknown>;
    const message = textOf(envelope['message']) ?? (envelope['message'] !== undefined ? JSON.stringify(envelope['message']) : undefined);
    const type = typeof envelope['type'] === 'string' ? envelope['type'] : undefined;
    if (message !== undefined) return type === 'budget_exceeded' && !/budget/i.test(message) ? `${message} (budget exceeded)` : message;
  }
  const detail = record['detail'];
  if (Array.isArray(detail)) return textOf(detail[0]);
  return textOf(detail) ?? textOf(record['message']);
}
