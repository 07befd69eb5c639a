/**
 * Shared types of the pure core. Nothing here imports `vscode`.
 *
 * Days are calendar dates written `YYYY-MM-DD` ("day keys"). They are compared as strings
 * (lexicographic order equals chronological order for this format) and converted to `Date`
 * only through `date-fns` in `dates.ts`.
 */

/** A calendar day, `YYYY-MM-DD`. */
export type DayKey = string;

/** The coding agents whose local logs are sources, in the order every list shows them. */
const AGENTS = ['claudeCode', 'codex', 'geminiCli', 'openCode', 'copilotCli', 'amp', 'qwenCode', 'kilo', 'goose', 'droid', 'codebuff', 'kimi', 'grok', 'antigravity', 'hermes', 'pi', 'openClaw', 'zcode'] as const;

/**
 * Identifiers of the data sources (public contract), in the order every list shows them: the
 * network sources, then the agents. The source registry (src/sources/registry.ts) has one
 * descriptor per id, and checks it at compile time; adding a source adds its id here and its line
 * there.
 */
const IDS = ['gateway', 'litellm', 'openrouter', 'openai', 'anthropic', 'copilot', ...AGENTS] as const;

export type AgentId = (typeof AGENTS)[number];

export const AGENT_IDS: readonly AgentId[] = AGENTS;

export type SourceId = (typeof IDS)[number];

export const SOURCE_IDS: readonly SourceId[] = IDS;

/** The budget year: `start` inclusive, `end` exclusive. */
export interface BudgetYear {
  readonly start: DayKey;
  readonly end: DayKey;
  /** Where the period came from. */
  readonly origin: 'setting' | 'gateway';
}

/** Token and request counts, as a ledger row, a breakdown entry and a dashboard row carry them. */
export interface TokenCounts {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly requests: number;
}

/** One row of the daily ledger: what one source reported for one model (and, for a coding agent, one project) on one day. */
export interface LedgerRow extends TokenCounts {
  readonly date: DayKey;
  readonly source: SourceId;
  readonly model: string;
  /**
   * USD: what the priced part of the row cost. With `unpriced` it is only part of the cost (0 when
   * nothing in the row could be priced): never read it as the whole, or as a real $0.
   */
  readonly cost: number;
  /** True when some or all of the row's usage could not be priced (e.g. tokens priced, web searches not). */
  readonly unpriced?: boolean;
  /**
   * The project (the working directory, as the user's path) the usage belongs to, where a coding
   * agent's log says it; absent when unknown. Rows of one date × source × model with different
   * projects are separate rows: summed by model, source or day they give what one row would.
   */
  readonly project?: string;
  /**
   * USD a coding agent itself logged for the part of the row's usage that had a logged cost
   * (0 is a real figure: subscription or free models); absent when none of it had one.
   */
  readonly loggedCost?: number;
  /** With `loggedCost`: what list price (`cost`'s pricing) says for that same part, to compare fairly. */
  readonly loggedListCost?: number;
}

/** Quantiles of a distribution. */
export interface Band<T> {
  readonly p10: T;
  readonly p50: T;
  readonly p90: T;
}

/** Everything the budget arithmetic needs. */
export interface BudgetInputs {
  readonly year: BudgetYear;
  /** USD, or null when no budget is set. */
  readonly budget: number | null;
  /** Today, in the same calendar as the ledger. */
  readonly today: DayKey;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  readonly workdays: readonly number[];
  /** Total cost per day (all sources, all models). Days absent mean no spend. */
  readonly daily: ReadonlyMap<DayKey, number>;
}

export interface BudgetStatus {
  /** Spend inside the budget year up to and including today. */
  readonly spent: number;
  readonly budget: number | null;
  /** budget − spent (may be negative); null without a budget. */
  readonly remaining: number | null;
  /** spent / budget × 100; null without a budget. */
  readonly percent: number | null;
  /** ideal(today) = budget × workdays elapsed by today (inclusive) / workdays in the year. */
  readonly ideal: number | null;
  /** spent − ideal(today): positive = spending ahead of pace (too fast). */
  readonly pace: number | null;
  /** pace as a percentage of ideal(today); null when ideal is 0 or no budget. */
  readonly pacePercent: number | null;
  /** (budget − spent) / workdays remaining (today counts when a workday); null without a budget or without workdays left. */
  readonly perWorkdayLeft: number | null;
  readonly workdaysInYear: number;
  /** Workdays from the start of the year up to and including today. */
  readonly workdaysElapsed: number;
  /** Workdays from today (inclusive when a workday) to the end of the year. */
  readonly workdaysRemaining: number;
  /** Calendar days from the start of the year to today, inclusive. */
  readonly daysElapsed: number;
  readonly daysInYear: number;
}

export interface Projection {
  /** Year-end spend (USD): median and p10–p90. */
  readonly yearEnd: Band<number>;
  /** Day the budget runs out: quantiles of the run-out date, null = not within this year. */
  readonly runOut: Band<DayKey | null>;
  /** Cumulative spend quantiles per future day (tomorrow … last day of the year), for the chart band. */
  readonly path: readonly { readonly date: DayKey; readonly p10: number; readonly p50: number; readonly p90: number }[];
  /** How much history the projection stood on (days in the trailing window that were inside the year). */
  readonly basisDays: number;
  /** Mean expected spend per workday and per other day used by the median path. */
  readonly meanWorkday: number;
  readonly meanOtherDay: number;
}
