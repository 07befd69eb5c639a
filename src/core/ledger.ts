/**
 * The daily ledger: what each source reported, per day and model.
 *
 * Rows are keyed by date × source × model × project and stored in nested maps (date → source →
 * model and project), so replacing a source's days and aggregating a date range never scan
 * unrelated rows. The project is known only for some coding agents' rows (`LedgerRow.project`);
 * everything summed by model, source or day adds a model's rows of every project.
 */
import { addDaysKey, eachDayKey, isDayKey, maxDay, minDay, newestDayBegun } from './dates';
import type { DayKey, LedgerRow, SourceId, TokenCounts } from './types';

/**
 * A lump: one row holding the spend of several days whose split is not known (e.g. OpenRouter's
 * spend between two readings days apart). Its model names what it is and its first and last day,
 * `(what: first…last)`, and it is dated on one of them.
 */
export function lumpLabel(what: string, first: DayKey, last: DayKey): string {
  return `(${what}: ${first}…${last})`;
}

const LUMP = /^\([^:()]+: (\d{4}-\d{2}-\d{2})…(\d{4}-\d{2}-\d{2})\)$/u;

/** The first and last day of a lump's model name (see `lumpLabel`); null when it is no lump of two days or more. */
export function lumpSpan(model: string): { readonly first: DayKey; readonly last: DayKey } | null {
  const m = LUMP.exec(model);
  const [first, last] = [m?.[1], m?.[2]];
  return first !== undefined && last !== undefined && isDayKey(first) && isDayKey(last) && first < last ? { first, last } : null;
}

/**
 * The day spend dated `day` counts on, `today` at `now`: a day after today, already begun
 * somewhere (`newestDayBegun`), counts today. Providers report UTC days (a gateway, the days of its
 * own time zone), so west of UTC the next UTC day begins while today lasts here; what was spent in
 * it has been spent, today, and must not wait for midnight to count. A day later still cannot hold
 * real spend (a clock set wrong) and stays where it is, outside the spend so far.
 */
function countedOn(day: DayKey, today: DayKey, newest: DayKey): DayKey {
  return day > today && day <= newest ? today : day;
}

/** `rows` as they count on `today` at `now` (see `countedOn`). */
export function rowsCountedBy(rows: readonly LedgerRow[], today: DayKey, now: Date): readonly LedgerRow[] {
  const newest = newestDayBegun(now);
  const moved = (r: LedgerRow) => countedOn(r.date, today, newest) !== r.date;
  return rows.some(moved) ? rows.map((r) => (moved(r) ? { ...r, date: today } : r)) : rows;
}

/** `daily` (spend per day) as it counts on `today` at `now` (see `countedOn`). */
export function dailyCountedBy(daily: ReadonlyMap<DayKey, number>, today: DayKey, now: Date): Map<DayKey, number> {
  const newest = newestDayBegun(now);
  const out = new Map<DayKey, number>();
  for (const [day, cost] of daily) {
    const counted = countedOn(day, today, newest);
    out.set(counted, (out.get(counted) ?? 0) + cost);
  }
  return out;
}

/** How `Ledger.dailyTotals` places lumps. */
export interface DailyTotalsOptions {
  /**
   * Spread each lump evenly over its days inside the range instead of putting it all on its
   * date: what a projection or a spike check should see (a month's spend is not one day's). The
   * range's total stays the same.
   */
  readonly spreadLumps?: boolean;
}

/** Which rows `Ledger.rows` returns; `from` inclusive, `toExclusive` exclusive. */
export interface LedgerFilter {
  readonly source?: SourceId;
  readonly from?: DayKey;
  readonly toExclusive?: DayKey;
}

/** What a breakdown groups by. */
export type BreakdownBy = 'model' | 'source' | 'project';

/** One line of a breakdown by model, by source or by project. */
export interface BreakdownEntry extends TokenCounts {
  /** The model name, the source id, or the project ('' for usage of no known project). */
  readonly key: string;
  readonly cost: number;
  /** True when any row behind this entry could not be priced (its cost is then a lower bound). */
  readonly unpriced: boolean;
  /** cost / total cost of the breakdown; 0 when the total is 0. */
  readonly share: number;
  /**
   * What the coding agents logged themselves for the part of this entry's usage that had a logged
   * cost (`LedgerRow.loggedCost`), and list price for that same part; absent when none had one.
   */
  readonly logged?: { readonly cost: number; readonly list: number };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** What one source reported on one day: its rows by model and project (`rowKey`), and their priced cost. */
interface SourceDay {
  readonly models: Map<string, LedgerRow>;
  pricedCost: number;
}
type SourceRows = Map<SourceId, SourceDay>;

/** A row's key within its date × source: the model, and the project where there is one. */
function rowKey(row: LedgerRow): string {
  return row.project ? `${row.model}\u0000${row.project}` : row.model;
}

/** A copy of `row` holding only the ledger's fields (`unpriced` only when true, `project` only when known, the logged cost only when there is one). */
function cleanRow(row: LedgerRow): LedgerRow {
  const base: Mutable<LedgerRow> = {
    date: row.date,
    source: row.source,
    model: row.model,
    cost: row.cost,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cacheReadTokens: row.cacheReadTokens,
    cacheWriteTokens: row.cacheWriteTokens,
    requests: row.requests,
  };
  if (row.unpriced) base.unpriced = true;
  if (row.project) base.project = row.project;
  if (row.loggedCost !== undefined) {
    base.loggedCost = row.loggedCost;
    base.loggedListCost = row.loggedListCost ?? 0;
  }
  return base;
}

/** The sum of two logged costs (see `LedgerRow.loggedCost`): absent when neither has one. */
function sumLogged(a: LedgerRow, b: LedgerRow): Pick<LedgerRow, 'loggedCost' | 'loggedListCost'> {
  if (a.loggedCost === undefined && b.loggedCost === undefined) return {};
  return { loggedCost: (a.loggedCost ?? 0) + (b.loggedCost ?? 0), loggedListCost: (a.loggedListCost ?? 0) + (b.loggedListCost ?? 0) };
}

/** The sum of two rows with the same date × source × model × project. */
export function sumRows(a: LedgerRow, b: LedgerRow): LedgerRow {
  return cleanRow({
    date: a.date,
    source: a.source,
    model: a.model,
    ...(a.project ? { project: a.project } : {}),
    ...sumLogged(a, b),
    cost: a.cost + b.cost,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    requests: a.requests + b.requests,
    unpriced: a.unpriced === true || b.unpriced === true,
  });
}

/** True when `date` is inside the optional half-open range. */
function inRange(date: DayKey, from: DayKey | undefined, toExclusive: DayKey | undefined): boolean {
  return (from === undefined || date >= from) && (toExclusive === undefined || date < toExclusive);
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class Ledger {
  private readonly byDate = new Map<DayKey, SourceRows>();
  private rowCount = 0;

  constructor(rows?: Iterable<LedgerRow>) {
    for (const row of rows ?? []) {
      this.add(row);
    }
  }

  /** Rebuilds a ledger from `toJSON()` output. */
  static fromJSON(rows: readonly LedgerRow[]): Ledger {
    return new Ledger(rows);
  }

  /** Number of date × source × model × project rows. */
  get size(): number {
    return this.rowCount;
  }

  /**
   * Replaces what `source` reported on each of `days` with `rows`: a re-fetched day replaces the
   * old one, never adds to it. Rows with the same date × source × model × project in `rows` are summed.
   * A listed day without rows becomes empty for that source.
   * @throws RangeError when a day is not a day key, or a row belongs to another source or an unlisted day
   *   (the ledger is then unchanged).
   */
  replaceDays(source: SourceId, days: Iterable<DayKey>, rows: Iterable<LedgerRow>): void {
    const daySet = new Set(days);
    for (const day of daySet) {
      if (!isDayKey(day)) {
        throw new RangeError(`Not a day key: ${JSON.stringify(day)}`);
      }
    }
    const incoming = [...rows];
    for (const row of incoming) {
      if (row.source !== source) {
        throw new RangeError(`Row of source ${row.source} in a replacement for ${source}`);
      }
      if (!daySet.has(row.date)) {
        throw new RangeError(`Row for ${row.date} is outside the replaced days`);
      }
    }
    for (const day of daySet) {
      this.removeSourceDay(day, source);
    }
    for (const row of incoming) {
      this.add(row);
    }
  }

  /** The rows matching `filter`, sorted by date, source, model, project. */
  rows(filter: LedgerFilter = {}): LedgerRow[] {
    const out: LedgerRow[] = [];
    for (const date of this.datesIn(filter.from, filter.toExclusive)) {
      const sources = this.byDate.get(date);
      if (!sources) {
        continue;
      }
      const sourceIds = filter.source !== undefined ? [filter.source] : [...sources.keys()].sort(compareText);
      for (const source of sourceIds) {
        const models = sources.get(source)?.models;
        if (!models) {
          continue;
        }
        for (const model of [...models.keys()].sort(compareText)) {
          const row = models.get(model);
          if (row) {
            out.push(row);
          }
        }
      }
    }
    return out;
  }

  /**
   * Priced cost per day in `[from, toExclusive)`, over `sources` (all when omitted).
   * Days on which the selected sources have no rows are absent.
   */
  dailyTotals(from: DayKey, toExclusive: DayKey, sources?: ReadonlySet<SourceId>, options: DailyTotalsOptions = {}): Map<DayKey, number> {
    const totals = new Map<DayKey, number>();
    const spread: { cost: number; days: DayKey[] }[] = [];
    for (const [date, bySource] of this.byDate) {
      if (!inRange(date, from, toExclusive)) {
        continue;
      }
      let total = 0;
      let any = false;
      for (const [source, day] of bySource) {
        if (!sources || sources.has(source)) {
          any = true;
          total += day.pricedCost;
          if (options.spreadLumps) total -= this.collectLumps(day, from, toExclusive, spread);
        }
      }
      if (any) {
        totals.set(date, total);
      }
    }
    for (const { cost, days } of spread) {
      for (const day of days) totals.set(day, (totals.get(day) ?? 0) + cost / days.length);
    }
    return new Map([...totals].sort(([a], [b]) => compareText(a, b)));
  }

  /** Adds the priced lumps of `day` to `spread` with their days inside the range; returns their cost. */
  private collectLumps(day: SourceDay, from: DayKey, toExclusive: DayKey, spread: { cost: number; days: DayKey[] }[]): number {
    let taken = 0;
    for (const row of day.models.values()) {
      const span = row.unpriced ? null : lumpSpan(row.model);
      if (!span) continue;
      const days = eachDayKey(maxDay(span.first, from), minDay(addDaysKey(span.last, 1), toExclusive));
      if (days.length < 2) continue;
      spread.push({ cost: row.cost, days });
      taken += row.cost;
    }
    return taken;
  }

  /** The days on which `source` has at least one row. */
  daysWithData(source: SourceId): Set<DayKey> {
    const days = new Set<DayKey>();
    for (const [date, bySource] of this.byDate) {
      if ((bySource.get(source)?.models.size ?? 0) > 0) {
        days.add(date);
      }
    }
    return days;
  }

  /** Totals in `[from, toExclusive)` grouped by model, by source or by project, most expensive first (ties by key). */
  breakdown(from: DayKey, toExclusive: DayKey, by: BreakdownBy): BreakdownEntry[] {
    const groups = new Map<string, Mutable<Omit<BreakdownEntry, 'share' | 'logged'>> & { logged?: { cost: number; list: number } }>();
    let total = 0;
    this.forEachRowIn(from, toExclusive, (row) => {
      const key = by === 'model' ? row.model : by === 'source' ? row.source : (row.project ?? '');
      const cost = row.cost; // the priced part, also of a partly unpriced row (see LedgerRow.cost)
      total += cost;
      let g = groups.get(key);
      if (!g) {
        g = { key, cost: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0, unpriced: false };
        groups.set(key, g);
      }
      g.cost += cost;
      g.inputTokens += row.inputTokens;
      g.outputTokens += row.outputTokens;
      g.cacheReadTokens += row.cacheReadTokens;
      g.cacheWriteTokens += row.cacheWriteTokens;
      g.requests += row.requests;
      g.unpriced ||= row.unpriced === true;
      if (row.loggedCost !== undefined) {
        g.logged ??= { cost: 0, list: 0 };
        g.logged.cost += row.loggedCost;
        g.logged.list += row.loggedListCost ?? 0;
      }
    });
    return [...groups.values()]
      .map((g) => ({ ...g, share: total > 0 ? g.cost / total : 0 }))
      .sort((a, b) => b.cost - a.cost || compareText(a.key, b.key));
  }

  /** For each day in `[from, toExclusive)` with data, the model with the highest priced cost (all sources; ties by name). */
  topModelByDay(from: DayKey, toExclusive: DayKey): Map<DayKey, string> {
    const top = new Map<DayKey, string>();
    for (const date of this.datesIn(from, toExclusive)) {
      const costs = new Map<string, number>();
      for (const { models } of this.byDate.get(date)?.values() ?? []) {
        for (const row of models.values()) {
          costs.set(row.model, (costs.get(row.model) ?? 0) + row.cost);
        }
      }
      let best: [string, number] | undefined;
      for (const [model, cost] of costs) {
        if (!best || cost > best[1] || (cost === best[1] && model < best[0])) {
          best = [model, cost];
        }
      }
      if (best) {
        top.set(date, best[0]);
      }
    }
    return top;
  }

  /** All rows, sorted; the inverse of `fromJSON`. */
  toJSON(): LedgerRow[] {
    return this.rows();
  }

  /** Adds `row`, summing with an existing row of the same date × source × model × project. */
  private add(row: LedgerRow): void {
    let bySource = this.byDate.get(row.date);
    if (!bySource) {
      bySource = new Map();
      this.byDate.set(row.date, bySource);
    }
    let day = bySource.get(row.source);
    if (!day) {
      day = { models: new Map(), pricedCost: 0 };
      bySource.set(row.source, day);
    }
    const key = rowKey(row);
    const existing = day.models.get(key);
    if (existing) {
      day.models.set(key, sumRows(existing, row));
    } else {
      day.models.set(key, cleanRow(row));
      this.rowCount++;
    }
    day.pricedCost += row.cost;
  }

  /** Drops every row `source` has on `day`. */
  private removeSourceDay(day: DayKey, source: SourceId): void {
    const bySource = this.byDate.get(day);
    const reported = bySource?.get(source);
    if (!bySource || !reported) {
      return;
    }
    this.rowCount -= reported.models.size;
    bySource.delete(source);
    if (bySource.size === 0) {
      this.byDate.delete(day);
    }
  }

  /** The dates with data in the optional range, sorted. */
  private datesIn(from: DayKey | undefined, toExclusive: DayKey | undefined): DayKey[] {
    return [...this.byDate.keys()].filter((d) => inRange(d, from, toExclusive)).sort(compareText);
  }

  /** Calls `visit` with every row in the range, in no particular order. */
  private forEachRowIn(from: DayKey, toExclusive: DayKey, visit: (row: LedgerRow) => void): void {
    for (const [date, bySource] of this.byDate) {
      if (!inRange(date, from, toExclusive)) {
        continue;
      }
      for (const { models } of bySource.values()) {
        for (const row of models.values()) {
          visit(row);
        }
      }
    }
  }
}
