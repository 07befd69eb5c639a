/**
 * A model name as an agent logs it, as the ledger names and genai-prices prices it: routers and
 * gateways put the vendor (or a route) before the model (`anthropic/claude-opus-4.6` from
 * OpenRouter, `zai/glm-4.6`), which genai-prices does not match; the model is the part after the
 * last `/`. genai-prices matches the rest (case, dots for dashes) itself.
 */
export function bareModel(name: string): string {
  const t = name.trim();
  const slash = t.lastIndexOf('/');
  const bare = slash >= 0 ? t.slice(slash + 1).trim() : t;
  return bare === '' ? t : bare;
}
