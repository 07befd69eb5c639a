/**
 * For the OpenCode and Kilo SQLite tests (Node 24): reading a store through its format alone,
 * without the scanner, as format.ts describes it — the databases its roots hold (read-only, the
 * `-wal` seen), its JSON companion's files, one usage per key (the highest rank, a tie keeps the
 * first in path order), local days in the harness's zone, priced per request with genai-prices.
 * It checks the format (the companion included) against ccusage while the scanner's side of
 * `companion` and `depth` is not merged; the scanner's own read is checked with scanAgent.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { JsonFileFormat, SqliteDb, SqliteFormat, Usage } from '../../../../src/sources/localLogs/parsers/format';
import type { Env } from '../../../../src/sources/localLogs/paths';
import { priceUsage } from '../../../../src/pricing/prices';
import { databaseSync } from '../../../fakes/agents/opencode';
import { ZONE, type DayTotal, type DayTotals } from '../agentHarness';
import { ccusageDailyJson } from '../../../ccusage';

function files(dir: string, depth: number | undefined, isLog: (name: string) => boolean, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const p = path.join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (depth === undefined || depth > 0) files(p, depth === undefined ? undefined : depth - 1, isLog, out);
    } else if (isLog(name)) out.push(p);
  }
}

function logsOf(format: SqliteFormat | JsonFileFormat, env: Env, home: string): string[] {
  const out: string[] = [];
  for (const root of format.roots(env, home)) for (const dir of format.dirs(root)) files(dir, format.depth, (n) => format.isLog(n), out);
  return [...new Set(out)].sort();
}

/** Every usage the format finds under `home`, each key once. */
export function formatUsages(format: SqliteFormat, env: Env, home: string): Usage[] {
  const all: Usage[] = [];
  const Db = databaseSync();
  for (const file of logsOf(format, env, home)) {
    const db = new Db(file, { readOnly: true });
    try {
      all.push(...format.read(db as unknown as SqliteDb, file));
    } finally {
      db.close();
    }
  }
  const companion = format.companion;
  if (companion) {
    for (const file of logsOf(companion, env, home)) {
      let value: unknown;
      try {
        value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      } catch {
        continue;
      }
      all.push(...companion.file(value, file));
    }
  }
  const kept = new Map<string, Usage>();
  const unkeyed: Usage[] = [];
  for (const u of all) {
    if (u.key === undefined) {
      unkeyed.push(u);
      continue;
    }
    const had = kept.get(u.key);
    const rank = (x: Usage) => x.rank ?? x.input + x.output + x.cacheRead + x.cacheWrite;
    if (!had || rank(u) > rank(had)) kept.set(u.key, u);
  }
  return [...kept.values(), ...unkeyed];
}

const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Day totals of usages, each priced as one request at list price. */
export function daysOf(usages: readonly Usage[]): DayTotals {
  const map: DayTotals = new Map();
  for (const u of usages) {
    const day = dayOf.format(new Date(u.ms));
    const priced = priceUsage({ model: u.model, inputTokens: u.input + u.cacheRead + u.cacheWrite, cacheReadTokens: u.cacheRead, cacheWrite5mTokens: u.cacheWrite, outputTokens: u.output, at: new Date(u.ms), requestInput: u.input + u.cacheRead + u.cacheWrite });
    const d: DayTotal = map.get(day) ?? { cost: 0, input: 0, output: 0, read: 0, write: 0, tokens: 0 };
    d.cost += priced.cost;
    d.input += u.input;
    d.output += u.output;
    d.read += u.cacheRead;
    d.write += u.cacheWrite;
    d.tokens += u.input + u.output + u.cacheRead + u.cacheWrite;
    map.set(day, d);
  }
  return map;
}

/**
 * `ccusage <command> daily --json --offline` as the harness runs it, with output read as the
 * ledger's: ccusage's `outputTokens` leave out what it adds for reasoning (its "extra total
 * tokens", in `totalTokens` and priced as output), which the harness's sum of the four counts
 * drops; here output = totalTokens − input − cache.
 */
export async function ccusageDays(command: string, home: string, env: Env = {}): Promise<DayTotals> {
  const stdout = await ccusageDailyJson(home, ZONE, { agent: command, env });
  const parsed = JSON.parse(stdout) as { daily: { date?: string; period?: string; totalCost: number; inputTokens: number; cacheReadTokens: number; cacheCreationTokens: number; totalTokens: number }[] };
  const map: DayTotals = new Map();
  for (const d of parsed.daily) {
    const day = d.period ?? d.date;
    if (!day) throw new Error(`ccusage ${command}: a row without a day`);
    map.set(day, { cost: d.totalCost, input: d.inputTokens, output: d.totalTokens - d.inputTokens - d.cacheReadTokens - d.cacheCreationTokens, read: d.cacheReadTokens, write: d.cacheCreationTokens, tokens: d.totalTokens });
  }
  return map;
}

/** `days` without `drop`. */
export function without(days: DayTotals, drop: readonly string[]): DayTotals {
  const out: DayTotals = new Map(days);
  for (const d of drop) out.delete(d);
  return out;
}
