/**
 * For each agent's cross-check with ccusage: the day totals Token Budget's scanner finds under a
 * home folder, the day totals `ccusage <agent> daily --json --offline` finds under the same home
 * (native binary, a devDependency used only as an oracle), and their comparison.
 *
 * Both bucket by local day in the same zone: the scanner by the process's TZ, ccusage by
 * `--timezone`. `scanAgent` sets TZ for the scan and puts it back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { candidateRoots, scanDirs, type Env, type LocalSourceId } from '../../../src/sources/localLogs/paths';
import { Scanner, type ScanResult } from '../../../src/sources/localLogs/scanner';
import { ccusageDailyJson } from '../../ccusage';

export const ZONE = 'Asia/Kolkata';

export interface DayTotal {
  cost: number;
  input: number;
  output: number;
  read: number;
  write: number;
  tokens: number;
}

export type DayTotals = Map<string, DayTotal>;

function add(map: DayTotals, day: string, t: Omit<DayTotal, 'tokens'>): void {
  const d = map.get(day) ?? { cost: 0, input: 0, output: 0, read: 0, write: 0, tokens: 0 };
  d.cost += t.cost;
  d.input += t.input;
  d.output += t.output;
  d.read += t.read;
  d.write += t.write;
  d.tokens += t.input + t.output + t.read + t.write;
  map.set(day, d);
}

/** The day totals of a scan result's rows. */
export function totalsOf(result: ScanResult): DayTotals {
  const map: DayTotals = new Map();
  for (const r of result.rows) add(map, r.date, { cost: r.cost, input: r.inputTokens, output: r.outputTokens, read: r.cacheReadTokens, write: r.cacheWriteTokens });
  return map;
}

/** A full scan of one agent's logs under `home` (the agent's default folders, or what `env` points to), in ZONE. */
export function scanAgent(source: LocalSourceId, home: string, env: Env = {}, scanner: Scanner = new Scanner()): { result: ScanResult; days: DayTotals } {
  const original = process.env['TZ'];
  process.env['TZ'] = ZONE;
  try {
    const roots = candidateRoots(source, [], env, home);
    const result = scanner.scan({ source, identity: roots.join(path.delimiter), dirs: scanDirs(source, roots), sync: undefined });
    return { result, days: totalsOf(result) };
  } finally {
    if (original === undefined) delete process.env['TZ'];
    else process.env['TZ'] = original;
  }
}

interface CcusageDaily {
  daily: { period?: string; date?: string; totalCost: number; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheCreationTokens: number; totalTokens: number }[];
}

/**
 * `ccusage <command> daily --json --offline --timezone ZONE` with HOME = `home` and only `env`
 * besides (so the machine's own agent variables do not leak in). `command`: ccusage's name for
 * the agent (`gemini`, `opencode`, `qwen`, …).
 */
export async function ccusageDaily(command: string, home: string, env: Env = {}): Promise<DayTotals> {
  const stdout = await ccusageDailyJson(home, ZONE, { agent: command, env });
  const parsed = JSON.parse(stdout) as CcusageDaily;
  const map: DayTotals = new Map();
  for (const d of parsed.daily) {
    const day = d.period ?? d.date;
    assert.ok(day, `ccusage ${command} daily gave a row without a day: ${JSON.stringify(d)}`);
    add(map, day, { cost: d.totalCost, input: d.inputTokens, output: d.outputTokens, read: d.cacheReadTokens, write: d.cacheCreationTokens });
  }
  return map;
}

/**
 * Asserts the same days, and per day token totals and cost within `tolerance` (0.5% by default)
 * of ccusage's. `fields`: which to compare (by default every token kind and the cost).
 */
export function assertSameDays(mine: DayTotals, theirs: DayTotals, options: { tolerance?: number; fields?: readonly (keyof DayTotal)[] } = {}): void {
  const tolerance = options.tolerance ?? 0.005;
  const fields = options.fields ?? ['cost', 'input', 'output', 'read', 'write', 'tokens'];
  assert.deepEqual([...mine.keys()].sort(), [...theirs.keys()].sort(), 'the same days');
  for (const [day, t] of theirs) {
    const m = mine.get(day);
    assert.ok(m, day);
    for (const f of fields) {
      const a = m[f];
      const b = t[f];
      assert.ok(Math.abs(a - b) <= tolerance * Math.abs(b) + 1e-9, `${day} ${f}: ours ${a} vs ccusage ${b}`);
    }
  }
}

/**
 * Makes temporary homes with `prefix`, each removed when the process ends (no test hook: a file
 * using it may share its process with others).
 */
export function tempHomes(prefix: string): () => string {
  const made: string[] = [];
  process.once('exit', () => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
