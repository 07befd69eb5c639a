/**
 * Projection backtest: `node --import tsx bench/backtest.ts` (npm run bench:backtest).
 *
 * Simulates budget years of six shapes, many seeds each, predicts the year-end spend at day 30,
 * 90 and 180 with the core `project` (median and p10–p90 band) and with the naive projection
 * (spent ÷ days elapsed × days in the year), and reports per shape the median absolute percentage
 * error (MdAPE) of each and how often the band contained the actual outcome.
 *
 * Targets: a lower error than the naive projection on every shape; band coverage 70–90 %. Both
 * are reported per shape; the run fails (exit 1) when they are missed over all shapes together,
 * or on any shape with TB_BACKTEST_STRICT=1 (TB_BACKTEST_NO_FAIL=1 never fails).
 *
 * What the numbers say (src/core/projection.ts): with the default 300 seeds every shape's band
 * covers 71–87 % (the sudden switch 73 %, thanks to a regime-change tail that is long while the
 * current rate is young and short once it has held for months), and the median error is below
 * naive on every shape but bursty (+0.3 points, 95 % interval −0.3 … +0.8). Bursty is a tie, not
 * a loss: with nothing changing, spent ÷ days elapsed already uses every day. On 2000 years per
 * shape (TB_BACKTEST_SEEDS=2000, about 6 minutes) it is +0.1 (−0.1 … +0.4): behind naive at day
 * 90 (+0.3, the recency weighting), ahead at day 30 (−0.4) and day 180 (−0.2); a longer
 * half-life makes it level (−0.0 at 180 days) but loses on growing years and drops the switch's
 * band below 70 %. The clear wins are where the rate changes (growing, joiner, switch) and after
 * a long vacation.
 *
 * Every simulated year has the same background: a person-level spend rate (lognormal), workdays
 * heavy and weekends light (sometimes nothing), noisy days (lognormal, σ 0.6), busy and quiet
 * periods (a weekly log level, AR(1) with ρ 0.8 and σ 0.25: they last a few weeks), a few days
 * off (public holidays) and one week of vacation. On top:
 *   steady       nothing more;
 *   growing      the rate grows linearly over the year, to 1.5–3× its start;
 *   bursty       a burst (4–10× for 1–3 days) on about one workday in 12;
 *   vacation     a long vacation of 4–8 weeks (nothing spent) somewhere in the year;
 *   joiner       nothing before joining (day 45–150), then a ramp over two weeks; its horizons
 *                count from the join (30, 90, 180 days after it), as the tool starts then;
 *   switch       a sudden switch to an expensive model (the rate × 2–4) between day 20 and 250.
 *
 * Options (environment): TB_BACKTEST_SEEDS (default 300 per shape), TB_BACKTEST_SEED_OFFSET (the
 * first seed, default 0: another sample of years, to check a result is not the seeds' luck), TB_BACKTEST_SIMULATIONS
 * (the projection's paths, default: the projection's own default), TB_BACKTEST_BACKGROUND=iid
 * (independent weeks instead of busy and quiet periods: a sensitivity check of the band).
 */
import { addDaysKey, eachDayInfo } from '../src/core/dates';
import { project, type ProjectionOptions } from '../src/core/projection';
import { mulberry32, standardNormal, type Random } from '../src/core/random';
import type { BudgetInputs, DayKey } from '../src/core/types';

const SEEDS = Number(process.env.TB_BACKTEST_SEEDS ?? 300);
const SEED_OFFSET = Number(process.env.TB_BACKTEST_SEED_OFFSET ?? 0);
const SIMULATIONS = process.env.TB_BACKTEST_SIMULATIONS ? Number(process.env.TB_BACKTEST_SIMULATIONS) : undefined;
const HORIZONS = [30, 90, 180] as const;
const WORKDAYS = [1, 2, 3, 4, 5];
const YEAR_STARTS: readonly DayKey[] = ['2025-01-01', '2025-04-01', '2026-01-01', '2026-07-01'];
const TARGET_COVERAGE = [0.7, 0.9] as const;
/** 'ar1' (default): busy and quiet periods last a few weeks; 'iid': every week independent. */
const BACKGROUND = process.env.TB_BACKTEST_BACKGROUND === 'iid' ? 'iid' : 'ar1';

export type Shape = 'steady' | 'growing' | 'bursty' | 'vacation' | 'joiner' | 'switch';
export const SHAPES: readonly Shape[] = ['steady', 'growing', 'bursty', 'vacation', 'joiner', 'switch'];

export interface SimulatedYear {
  readonly start: DayKey;
  readonly end: DayKey;
  readonly days: readonly { readonly key: DayKey; readonly weekday: number }[];
  readonly spend: readonly number[];
  /** Where the horizons count from (the join day for a joiner, else 0). */
  readonly origin: number;
}

const lognormal = (random: Random, sigma: number) => Math.exp(sigma * standardNormal(random) - (sigma * sigma) / 2);
const uniform = (random: Random, lo: number, hi: number) => lo + (hi - lo) * random();
const integer = (random: Random, lo: number, hi: number) => Math.floor(uniform(random, lo, hi + 1));

/** One simulated year of `shape` (see the module comment). */
export function simulateYear(shape: Shape, seed: number): SimulatedYear {
  const random = mulberry32(seed * 7919 + SHAPES.indexOf(shape) * 104_729 + 1);
  const start = YEAR_STARTS[seed % YEAR_STARTS.length] ?? '2025-01-01';
  const end = addDaysKey(start, 365);
  const days = eachDayInfo(start, end);
  const n = days.length;
  const base = 400 * lognormal(random, 0.5);
  const weekendShare = random() < 0.5 ? 0 : uniform(random, 0.05, 0.3);
  // Busy and quiet weeks: an AR(1) log level (ρ = 0.8, stationary σ = 0.25), or independent weeks (σ 0.2).
  const weekly: number[] = [];
  let level = 0.25 * standardNormal(random);
  for (let w = 0; w < Math.ceil(n / 7) + 1; w++) {
    if (BACKGROUND === 'iid') weekly.push(lognormal(random, 0.2));
    else {
      level = 0.8 * level + 0.25 * Math.sqrt(1 - 0.64) * standardNormal(random);
      weekly.push(Math.exp(level - 0.25 ** 2 / 2));
    }
  }
  const off = new Set<number>();
  for (let i = 0; i < 8; i++) off.add(integer(random, 0, n - 1));
  const week = integer(random, 0, n - 8);
  for (let i = week; i < week + 7; i++) off.add(i);

  // The shape's multiplier per day.
  const factor = new Array<number>(n).fill(1);
  let origin = 0;
  if (shape === 'growing') {
    const to = uniform(random, 1.5, 3);
    for (let i = 0; i < n; i++) factor[i] = 1 + ((to - 1) * i) / (n - 1);
  } else if (shape === 'bursty') {
    for (let i = 0; i < n; i++) {
      if (random() < 1 / 12) {
        const size = uniform(random, 4, 10);
        const length = integer(random, 1, 3);
        for (let j = i; j < Math.min(n, i + length); j++) factor[j] = size;
        i += length;
      }
    }
  } else if (shape === 'vacation') {
    const length = integer(random, 4, 8) * 7;
    const from = integer(random, 0, n - length);
    for (let i = from; i < from + length; i++) factor[i] = 0;
  } else if (shape === 'joiner') {
    origin = integer(random, 45, 150);
    for (let i = 0; i < n; i++) factor[i] = i < origin ? 0 : Math.min(1, (i - origin + 1) / 14);
  } else if (shape === 'switch') {
    const at = integer(random, 20, 250);
    const to = uniform(random, 2, 4);
    for (let i = at; i < n; i++) factor[i] = to;
  }

  const spend = days.map((d, i) => {
    if (off.has(i)) return 0;
    const work = WORKDAYS.includes(d.weekday);
    const level = base * (work ? 1 : weekendShare) * (weekly[Math.floor(i / 7)] ?? 1) * (factor[i] ?? 1);
    return level * lognormal(random, 0.6);
  });
  return { start, end, days, spend, origin };
}

export interface Prediction {
  readonly actual: number;
  readonly naive: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

/**
 * Predicts the year-end spend after `elapsed` complete days, on the morning of the next day
 * (today has no spend yet), so both methods stand on the same `elapsed` days.
 */
export function predict(year: SimulatedYear, elapsed: number, options: ProjectionOptions = {}): Prediction {
  const daily = new Map<DayKey, number>();
  let spent = 0;
  for (let i = 0; i < elapsed; i++) {
    const day = year.days[i];
    if (day) daily.set(day.key, year.spend[i] ?? 0);
    spent += year.spend[i] ?? 0;
  }
  const inputs: BudgetInputs = {
    year: { start: year.start, end: year.end, origin: 'setting' },
    budget: null,
    today: year.days[elapsed]?.key ?? year.end,
    workdays: WORKDAYS,
    daily,
  };
  const p = project(inputs, { ...(SIMULATIONS ? { simulations: SIMULATIONS } : {}), ...options });
  return {
    actual: year.spend.reduce((a, b) => a + b, 0),
    naive: (spent / elapsed) * year.days.length,
    ...p.yearEnd,
  };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

export interface Score {
  readonly mdapeProjected: number;
  readonly mdapeNaive: number;
  readonly coverage: number;
  readonly count: number;
}

export function score(predictions: readonly Prediction[]): Score {
  const ape = (x: number, p: Prediction) => Math.abs(x - p.actual) / p.actual;
  return {
    mdapeProjected: median(predictions.map((p) => ape(p.p50, p))),
    mdapeNaive: median(predictions.map((p) => ape(p.naive, p))),
    coverage: predictions.filter((p) => p.p10 <= p.actual && p.actual <= p.p90).length / predictions.length,
    count: predictions.length,
  };
}

/** Predictions of one shape, per horizon. */
export function runShape(shape: Shape, seeds: number, options: ProjectionOptions = {}): Map<number, Prediction[]> {
  const byHorizon = new Map<number, Prediction[]>(HORIZONS.map((h) => [h, []]));
  for (let seed = SEED_OFFSET; seed < SEED_OFFSET + seeds; seed++) {
    const year = simulateYear(shape, seed);
    for (const h of HORIZONS) {
      const elapsed = Math.min(year.origin + h, year.days.length - 1);
      byHorizon.get(h)?.push(predict(year, elapsed, options));
    }
  }
  return byHorizon;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** A 95% interval of MdAPE(project) − MdAPE(naive), in points, by a seeded bootstrap over the predictions. */
export function differenceInterval(predictions: readonly Prediction[], resamples = 400): [number, number] {
  const random = mulberry32(12345);
  const diffs: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const sample = Array.from({ length: predictions.length }, () => predictions[Math.floor(random() * predictions.length)] as Prediction);
    const s = score(sample);
    diffs.push((s.mdapeProjected - s.mdapeNaive) * 100);
  }
  diffs.sort((a, b) => a - b);
  return [diffs[Math.floor(0.025 * resamples)] ?? 0, diffs[Math.floor(0.975 * resamples)] ?? 0];
}

const points = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;

function main(): void {
  const started = Date.now();
  const rows: string[][] = [];
  const misses: string[] = [];
  const everything: Prediction[] = [];
  for (const shape of SHAPES) {
    const byHorizon = runShape(shape, SEEDS);
    const predictions = [...byHorizon.values()].flat();
    everything.push(...predictions);
    const all = score(predictions);
    for (const h of HORIZONS) {
      const s = score(byHorizon.get(h) ?? []);
      rows.push([shape, `day ${h}`, pct(s.mdapeProjected), pct(s.mdapeNaive), points((s.mdapeProjected - s.mdapeNaive) * 100), '', pct(s.coverage)]);
    }
    const [lo, hi] = differenceInterval(predictions);
    rows.push([`**${shape}**`, '**all**', `**${pct(all.mdapeProjected)}**`, `**${pct(all.mdapeNaive)}**`, `**${points((all.mdapeProjected - all.mdapeNaive) * 100)}**`, `${points(lo)} … ${points(hi)}`, `**${pct(all.coverage)}**`]);
    if (!(all.mdapeProjected < all.mdapeNaive)) misses.push(`${shape}: error ${pct(all.mdapeProjected)} not below naive ${pct(all.mdapeNaive)}`);
    if (all.coverage < TARGET_COVERAGE[0] || all.coverage > TARGET_COVERAGE[1]) misses.push(`${shape}: coverage ${pct(all.coverage)} outside 70–90%`);
  }
  const total = score(everything);
  rows.push(['**all shapes**', '**all**', `**${pct(total.mdapeProjected)}**`, `**${pct(total.mdapeNaive)}**`, `**${points((total.mdapeProjected - total.mdapeNaive) * 100)}**`, '', `**${pct(total.coverage)}**`]);
  const failures: string[] = [];
  if (total.coverage < TARGET_COVERAGE[0] || total.coverage > TARGET_COVERAGE[1]) failures.push(`all shapes: coverage ${pct(total.coverage)} outside 70–90%`);
  if (!(total.mdapeProjected < total.mdapeNaive)) failures.push(`all shapes: error ${pct(total.mdapeProjected)} not below naive ${pct(total.mdapeNaive)}`);
  const header = ['shape', 'horizon', 'MdAPE project (p50)', 'MdAPE naive', 'Δ pt', 'Δ 95% CI', 'p10–p90 coverage'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`Projection backtest: ${SEEDS} simulated years per shape${SEED_OFFSET ? ` (seeds from ${SEED_OFFSET})` : ''} (${BACKGROUND} background), horizons ${HORIZONS.join(', ')} days (joiner: after joining).\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log(`\nTargets: lower error than naive on every shape, coverage 70–90% (per shape, all horizons). ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(misses.length > 0 ? `Missed per shape:\n- ${misses.join('\n- ')}` : 'Every shape meets both targets.');
  console.log(failures.length > 0 ? `FAILED over all shapes:\n- ${failures.join('\n- ')}` : 'Over all shapes: both targets met.');
  if ((failures.length > 0 || (process.env.TB_BACKTEST_STRICT && misses.length > 0)) && !process.env.TB_BACKTEST_NO_FAIL) process.exitCode = 1;
}

if (require.main === module) main();
