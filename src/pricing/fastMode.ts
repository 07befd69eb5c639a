/**
 * Anthropic fast mode (`speed: "fast"` on a request; Claude Code writes it to
 * `message.usage.speed`). Fast mode is billed as a per-model multiplier on EVERY rate of the
 * standard price: uncached input, output, 5-minute and one-hour cache writes, cache reads, and in
 * every context tier ("across the full context window, including requests over 200k input
 * tokens"). genai-prices has no fast prices, so a fast request is priced at its standard rates
 * times the multiplier below.
 *
 * A model with fast usage but no entry here is priced at standard rates: an underestimate, which
 * the caller flags (see `fastModeMultiplier`).
 *
 * Checked 2026-11-27. Sources:
 * - Anthropic, "Fast mode" (platform.claude.com/docs/en/build-with-claude/fast-mode and
 *   code.claude.com/docs/en/fast-mode): a multiplier on standard rates across the full context
 *   window; supported on Opus 5.5, Opus 5, Opus 4.8 (deprecated), earlier on Opus 4.6 and 4.7
 *   (removed 2026-07-24), and on Fable 5.2 / Mythos 5.2 (multiplier not listed here: unknown).
 * - OpenRouter: anthropic/claude-opus-4.6-fast and claude-opus-4.7-fast at $30/$150 per M
 *   ("premium 6x pricing") against $5/$25; anthropic/claude-opus-5-fast at $10/$50 ("2x pricing").
 * - Vercel AI Gateway: anthropic/claude-opus-5-fast at $10/$50 against Opus 5's $5/$25.
 * - LiteLLM, "Day 0 Support: Claude Opus 5.5": fast mode "about 2x the base price" ($4/$20 base).
 * - ccusage 20.x (rust/crates/ccusage-core/src/fast-multiplier-overrides.json): opus-4-6 6,
 *   opus-4-7 6, opus-4-8 2 — the same numbers.
 */

export interface FastModeRate {
  /** Normalised model id (see `normaliseClaudeModelId`), matched as a whole version. */
  readonly model: string;
  /** Factor on every standard rate. */
  readonly multiplier: number;
  /** Where the number comes from. */
  readonly source: string;
}

/** When the table was last checked against the sources above. */
export const FAST_MODE_CHECKED = '2026-11-27';

export const FAST_MODE_RATES: readonly FastModeRate[] = [
  { model: 'claude-opus-4-6', multiplier: 6, source: 'OpenRouter claude-opus-4.6-fast $30/$150 vs $5/$25; ccusage overrides' },
  { model: 'claude-opus-4-7', multiplier: 6, source: 'OpenRouter claude-opus-4.7-fast $30/$150 vs $5/$25; ccusage overrides' },
  { model: 'claude-opus-4-8', multiplier: 2, source: 'Anthropic fast-mode docs; ccusage overrides' },
  { model: 'claude-opus-5', multiplier: 2, source: 'OpenRouter / Vercel claude-opus-5-fast $10/$50 vs $5/$25' },
  { model: 'claude-opus-5-5', multiplier: 2, source: 'LiteLLM Opus 5.5 day-0 notes: fast about 2x the $4/$20 base' },
];

/**
 * A Claude model id reduced to its family and version, for matching: lower case; a provider
 * prefix dropped (`anthropic/`, Bedrock's `us.anthropic.`); a bracketed variant dropped
 * (`[1m]`); a Vertex `@date`, a Bedrock `-v1:0` and a trailing `-YYYYMMDD` date dropped; dots
 * read as dashes (`claude-opus-4.6` = `claude-opus-4-6`).
 */
export function normaliseClaudeModelId(id: string): string {
  let s = id.trim().toLowerCase();
  const claude = s.indexOf('claude-');
  if (claude > 0) s = s.slice(claude);
  s = s
    .replace(/\[[^\]]*\]/g, '')
    .replace(/@.*$/, '')
    .replace(/-v\d+(:\d+)?$/, '')
    .replace(/:\d+$/, '')
    .replace(/\./g, '-')
    .replace(/-\d{8}$/, '');
  return s;
}

const memo = new Map<string, number | null>();

/**
 * The fast-mode multiplier of `model`, or null when none is known (then price fast usage at
 * standard rates and flag it). A table entry matches the normalised id exactly or followed by a
 * `-` and a non-digit (`claude-opus-4-6-thinking`), never another version (`claude-opus-5`
 * does not match `claude-opus-5-5`).
 */
export function fastModeMultiplier(model: string): number | null {
  const hit = memo.get(model);
  if (hit !== undefined) return hit;
  const id = normaliseClaudeModelId(model);
  let best: FastModeRate | undefined;
  for (const r of FAST_MODE_RATES) {
    const n = r.model.length;
    const after = id.charCodeAt(n + 1);
    const matches = id === r.model || (id.startsWith(r.model) && id[n] === '-' && !(after >= 48 && after <= 57));
    if (matches && (!best || n > best.model.length)) best = r;
  }
  const result = best ? best.multiplier : null;
  if (memo.size < 1000) memo.set(model, result);
  return result;
}
