/**
 * Schemas of the GitHub endpoints the Copilot source reads (usage-apis.md §5.1):
 *
 * - `GET /user` → `{login, …}` (docs.github.com/en/rest/users/users, "Get the authenticated user").
 * - `GET /users/{username}/settings/billing/premium_request/usage` and
 *   `GET /organizations/{org}/settings/billing/premium_request/usage` → `{timePeriod, user |
 *   organization, usageItems: [{product, sku, model, unitType, pricePerUnit, grossQuantity,
 *   grossAmount, discountQuantity, discountAmount, netQuantity, netAmount}]}`
 *   (docs.github.com/en/rest/billing/usage). Amounts are USD as JSON numbers; items carry no date.
 * - `GET /copilot_internal/user` (undocumented; what the Copilot clients read) → `{quota_reset_date,
 *   quota_reset_date_utc?, copilot_plan?, quota_snapshots: {premium_interactions: {entitlement,
 *   remaining, percent_remaining, overage_count, unlimited, …}}}` (ilteoood/copilot-status
 *   `types/api.ts`). Only what is read is required.
 */
import * as v from 'valibot';

const amount = v.pipe(v.number(), v.finite());
const quantity = v.pipe(v.number(), v.finite(), v.minValue(0));

export const GitHubUserSchema = v.object({ login: v.pipe(v.string(), v.minLength(1)) });

export const UsageItemSchema = v.object({
  product: v.nullish(v.string()),
  sku: v.nullish(v.string()),
  model: v.nullish(v.string()),
  unitType: v.nullish(v.string()),
  pricePerUnit: v.nullish(amount),
  grossQuantity: quantity,
  grossAmount: amount,
  discountQuantity: v.nullish(quantity, 0),
  discountAmount: v.nullish(amount, 0),
  netQuantity: v.nullish(quantity, 0),
  netAmount: v.nullish(amount, 0),
});
export type UsageItem = v.InferOutput<typeof UsageItemSchema>;

export const UsageReportSchema = v.object({
  timePeriod: v.nullish(v.object({ year: v.nullish(v.number()), month: v.nullish(v.number()), day: v.nullish(v.number()) })),
  user: v.nullish(v.string()),
  organization: v.nullish(v.string()),
  usageItems: v.array(UsageItemSchema),
});
export type UsageReport = v.InferOutput<typeof UsageReportSchema>;

export const QuotaDetailSchema = v.object({
  entitlement: quantity,
  remaining: amount,
  percent_remaining: v.nullish(amount),
  overage_count: v.nullish(quantity, 0),
  overage_permitted: v.nullish(v.boolean()),
  unlimited: v.nullish(v.boolean(), false),
});

export const CopilotUserSchema = v.object({
  copilot_plan: v.nullish(v.string()),
  access_type_sku: v.nullish(v.string()),
  quota_reset_date: v.nullish(v.string()),
  quota_reset_date_utc: v.nullish(v.string()),
  quota_snapshots: v.nullish(v.object({ premium_interactions: v.nullish(QuotaDetailSchema) })),
});
export type CopilotUser = v.InferOutput<typeof CopilotUserSchema>;

/** GitHub's error body `{"message": "…", "documentation_url": "…", "status"?: "…"}`. */
export function githubErrorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const message = (body as Record<string, unknown>)['message'];
  return typeof message === 'string' ? message : undefined;
}
