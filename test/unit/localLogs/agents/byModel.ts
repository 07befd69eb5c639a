/**
 * For the cross-checks of agents whose costs ccusage and the ledger price alike for some models
 * only: day totals by model on both sides (ccusage's `modelBreakdowns`, the scan's rows), and
 * hand-computed costs at list prices.
 */
import type { Env } from '../../../../src/sources/localLogs/paths';
import type { ScanResult } from '../../../../src/sources/localLogs/scanner';
import { ZONE } from '../agentHarness';
import { ccusageDailyJson } from '../../../ccusage';

export interface ModelDay {
  cost: number;
  input: number;
  output: number;
  read: number;
  write: number;
}

/** `day\tmodel`. */
export type ByModel = Map<string, ModelDay>;

function add(map: ByModel, key: string, t: ModelDay): void {
  const d = map.get(key) ?? { cost: 0, input: 0, output: 0, read: 0, write: 0 };
  d.cost += t.cost;
  d.input += t.input;
  d.output += t.output;
  d.read += t.read;
  d.write += t.write;
  map.set(key, d);
}

interface Report {
  daily: {
    period?: string;
    date?: string;
    totalTokens: number;
    modelBreakdowns: { modelName: string; cost: number; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheCreationTokens: number }[];
  }[];
}

/** What `ccusage <command> daily --json` says beyond the harness's day totals. */
export interface CcusageReport {
  /** Day totals by model (`modelName` mapped by `name`, e.g. to the ledger's bare model names). */
  readonly models: ByModel;
  /** ccusage's own `totalTokens` by day (it counts tokens there that are in none of its four kinds). */
  readonly totals: Map<string, number>;
}

/** `ccusage <command> daily --json --offline --timezone ZONE`, by model, under HOME = `home` and only `env` besides. */
export async function ccusageReport(command: string, home: string, env: Env = {}, name: (model: string) => string = (m) => m): Promise<CcusageReport> {
  const stdout = await ccusageDailyJson(home, ZONE, { agent: command, env });
  const parsed = JSON.parse(stdout) as Report;
  const models: ByModel = new Map();
  const totals = new Map<string, number>();
  for (const d of parsed.daily) {
    const day = d.period ?? d.date ?? '';
    totals.set(day, d.totalTokens);
    for (const b of d.modelBreakdowns) add(models, `${day}\t${name(b.modelName)}`, { cost: b.cost, input: b.inputTokens, output: b.outputTokens, read: b.cacheReadTokens, write: b.cacheCreationTokens });
  }
  return { models, totals };
}

/** The scan's day totals by model. */
export function scanByModel(result: ScanResult): ByModel {
  const map: ByModel = new Map();
  for (const r of result.rows) add(map, `${r.date}\t${r.model}`, { cost: r.cost, input: r.inputTokens, output: r.outputTokens, read: r.cacheReadTokens, write: r.cacheWriteTokens });
  return map;
}

/** The day of an instant in ZONE (Asia/Kolkata, UTC+5:30, no daylight saving). */
export function zoneDay(ms: number): string {
  return new Date(ms + 5.5 * 3_600_000).toISOString().slice(0, 10);
}

/** USD per million tokens. */
export interface ListPrice {
  readonly input: number;
  readonly output: number;
  readonly read: number;
  readonly write: number;
}

/** Published list prices (per million tokens) of the models the SQLite agents' corpora use. */
export const LIST_PRICES: Readonly<Record<string, ListPrice>> = {
  // Anthropic pricing page: Haiku 4.5 $1 / $5, cache reads $0.10, 5-minute writes $1.25.
  'claude-haiku-4-5': { input: 1, output: 5, read: 0.1, write: 1.25 },
  'claude-haiku-4.5': { input: 1, output: 5, read: 0.1, write: 1.25 },
  // Opus 4.5 $5 / $25, reads $0.50, writes $6.25.
  'claude-opus-4-5': { input: 5, output: 25, read: 0.5, write: 6.25 },
  'claude-opus-4.5': { input: 5, output: 25, read: 0.5, write: 6.25 },
  // Sonnet 4.5 $3 / $15, reads $0.30, writes $3.75 (requests up to 200k input).
  'claude-sonnet-4-5': { input: 3, output: 15, read: 0.3, write: 3.75 },
  // OpenAI: GPT-5 $1.25 / $10, cached input $0.125 (no cache writes).
  'gpt-5': { input: 1.25, output: 10, read: 0.125, write: 1.25 },
  // Google: Gemini 2.5 Flash $0.30 / $2.50, cached input $0.03.
  'gemini-2.5-flash': { input: 0.3, output: 2.5, read: 0.03, write: 0.3 },
};

/** The list price of some tokens (uncached input, output, cache reads, cache writes). */
export function listCost(p: ListPrice, t: { input: number; output: number; read: number; write: number }): number {
  return (t.input * p.input + t.output * p.output + t.read * p.read + t.write * p.write) / 1e6;
}

/** Whether `a` is within `tolerance` (relative) of `b`. */
export function near(a: number, b: number, tolerance = 0.005): boolean {
  return Math.abs(a - b) <= tolerance * Math.abs(b) + 1e-9;
}
