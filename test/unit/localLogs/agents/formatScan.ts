/**
 * A reference reading of one agent format, for the agent tests: every log the format names under
 * a home folder, read whole, each line through the format, copies deduplicated by key (highest
 * rank, default the token total, wins; on a tie the first read in path order stays), bucketed by
 * local day in the harness's zone and priced at list price with genai-prices, one request per
 * usage. It is what the scanner does for these formats, written plainly, so that a format's totals
 * can be set against ccusage's and against hand-computed ones on their own.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { JsonLinesFormat, Usage } from '../../../../src/sources/localLogs/parsers/format';
import type { Env } from '../../../../src/sources/localLogs/paths';
import { priceUsage } from '../../../../src/pricing/prices';
import { ZONE, type DayTotal, type DayTotals } from '../agentHarness';

function walk(dir: string, isLog: (name: string) => boolean, out: string[]): void {
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
    if (st.isDirectory()) walk(p, isLog, out);
    else if (st.isFile() && isLog(name)) out.push(p);
  }
}

/** The logs a format reads under `home`, in path order. */
export function logsOf<S>(format: JsonLinesFormat<S>, home: string, env: Env = {}): string[] {
  const files: string[] = [];
  for (const root of format.roots(env, home)) for (const dir of format.dirs(root)) if (existsSync(dir)) walk(dir, (name) => format.isLog(name), files);
  return [...new Set(files)].sort();
}

/** Every usage the format reads under `home`, each copy once. */
export function usagesOf<S>(format: JsonLinesFormat<S>, home: string, env: Env = {}): Usage[] {
  const keyed = new Map<string, { usage: Usage; rank: number }>();
  const all: (Usage | string)[] = [];
  for (const file of logsOf(format, home, env)) {
    const state = format.initial();
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    if (!text.endsWith('\n')) {
      const last = lines.pop() ?? '';
      try {
        JSON.parse(last);
        lines.push(last);
      } catch {
        // A torn last line: not read (yet).
      }
    }
    for (const line of lines) {
      if (!line.includes(format.needle)) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      const got = format.line(value, state, file);
      for (const u of got === null ? [] : Array.isArray(got) ? (got as readonly Usage[]) : [got as Usage]) {
        if (u.key === undefined) {
          all.push(u);
          continue;
        }
        const rank = u.rank ?? u.input + u.output + u.cacheRead + u.cacheWrite;
        const seen = keyed.get(u.key);
        if (!seen) {
          keyed.set(u.key, { usage: u, rank });
          all.push(u.key);
        } else if (rank > seen.rank) keyed.set(u.key, { usage: u, rank });
      }
    }
  }
  return all.map((u) => (typeof u === 'string' ? (keyed.get(u) as { usage: Usage }).usage : u));
}

const DAY = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The local day (in ZONE) of an instant. */
export function dayOf(ms: number): string {
  return DAY.format(new Date(ms));
}

/** The list price of one usage (genai-prices, as the scanner prices a log line). */
export function priceOf(u: Pick<Usage, 'model' | 'ms' | 'input' | 'output' | 'cacheRead' | 'cacheWrite'>): number {
  const whole = u.input + u.cacheRead + u.cacheWrite;
  const p = priceUsage({ model: u.model, at: new Date(u.ms), inputTokens: whole, outputTokens: u.output, cacheReadTokens: u.cacheRead, cacheWrite5mTokens: u.cacheWrite, requestInput: whole });
  return p.unpriced ? 0 : p.cost;
}

/** Day totals of usages (tokens, and list price where `priced`). */
export function totalsOfUsages(usages: readonly Pick<Usage, 'model' | 'ms' | 'input' | 'output' | 'cacheRead' | 'cacheWrite'>[], priced = true): DayTotals {
  const map: DayTotals = new Map();
  for (const u of usages) {
    const day = dayOf(u.ms);
    const d: DayTotal = map.get(day) ?? { cost: 0, input: 0, output: 0, read: 0, write: 0, tokens: 0 };
    d.cost += priced ? priceOf(u) : 0;
    d.input += u.input;
    d.output += u.output;
    d.read += u.cacheRead;
    d.write += u.cacheWrite;
    d.tokens += u.input + u.output + u.cacheRead + u.cacheWrite;
    map.set(day, d);
  }
  return map;
}

/** The format's day totals under `home`. */
export function formatDays<S>(format: JsonLinesFormat<S>, home: string, env: Env = {}): DayTotals {
  return totalsOfUsages(usagesOf(format, home, env));
}
