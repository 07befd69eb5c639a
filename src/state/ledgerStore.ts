/**
 * The ledger on disk, under the extension's global storage: one JSON file with a schema version,
 * written atomically and flushed (durableFile.ts) so a crash mid-write leaves the old file or the
 * new one, never a torn one. A file that cannot be read is moved aside, never deleted.
 *
 * Versions. Every file says which format it is in (`version`). A file in an older format is
 * read with that format's schema and brought up to date by the migrations below, one version at
 * a time; the original is copied to `ledger.json.v<N>-backup` first (once), and the next save
 * writes the current format. A file from a newer version of the extension (a downgrade) is read
 * when it still matches the current schema (unknown fields are dropped, a backup is kept), and
 * moved aside otherwise.
 *
 * - version 1: rows, per-source memory, the budget the gateway reports.
 * - version 2: adds `years`, the archive of budget years seen (period and budget), so a past
 *   year stays readable with its own budget after the gateway moves on to the next period.
 *   Later, still version 2: a row may end with the project and the cost the agent logged
 *   (optional trailing elements: a row without them reads as before, and an older extension
 *   reading a row with them drops them).
 */
import { join } from 'node:path';
import * as v from 'valibot';
import { addDaysKey, isDayKey } from '../core/dates';
import { SOURCE_IDS, type LedgerRow, type SourceId } from '../core/types';
import { corruptNameOf, DurableFile, parseVersioned, type VersionedFormat } from './durableFile';

export const STORE_VERSION = 2;
export const LEDGER_FILE = 'ledger.json';

const RowTuple = v.tuple([
  v.string(), // date
  v.picklist(SOURCE_IDS as SourceId[]),
  v.string(), // model
  v.number(), // cost
  v.number(), // input
  v.number(), // output
  v.number(), // cache read
  v.number(), // cache write
  v.number(), // requests
  v.picklist([0, 1]), // unpriced
  v.optional(v.string()), // project ('' = none)
  v.optional(v.number()), // USD the agent logged (LedgerRow.loggedCost)
  v.optional(v.number()), // list price of that part (LedgerRow.loggedListCost)
]);

const SourceMemory = v.object({
  lastSuccess: v.optional(v.string()),
  lastAttempt: v.optional(v.string()),
  error: v.optional(v.string()),
  demo: v.optional(v.boolean()),
  user: v.optional(v.string()),
  note: v.optional(v.string()),
  limits: v.optional(
    v.array(v.object({ label: v.string(), spent: v.number(), limit: v.nullable(v.number()), resetsAt: v.optional(v.string()) })),
  ),
  retryAt: v.optional(v.string()),
  /** The service's own total disagreeing with the rows held (core/reconcile.ts), as last found. */
  mismatch: v.optional(
    v.object({ what: v.string(), from: v.string(), to: v.string(), serviceTotal: v.number(), rowsTotal: v.number(), gap: v.number(), days: v.optional(v.array(v.string())) }),
  ),
  identity: v.optional(v.string()),
  sync: v.optional(v.unknown()),
});
export type SourceMemory = v.InferOutput<typeof SourceMemory>;

const GatewayBudgetSchema = v.object({ amount: v.number(), periodStart: v.string(), periodEnd: v.string() });

const DayKeySchema = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/));

/** A budget year the ledger has seen: its period (end exclusive), its budget and where that came from. */
const BudgetYearRecordSchema = v.object({
  start: DayKeySchema,
  end: DayKeySchema,
  budget: v.nullable(v.number()),
  origin: v.picklist(['setting', 'gateway', 'none']),
  /** The last day on which this was the current budget year. */
  lastSeen: DayKeySchema,
});
export type BudgetYearRecord = v.InferOutput<typeof BudgetYearRecordSchema>;

/** Format 1 (Token Budget 0.1). */
const StoreFileV1 = v.object({
  version: v.literal(1),
  savedAt: v.string(),
  rows: v.array(RowTuple),
  sources: v.record(v.string(), SourceMemory),
  gatewayBudget: v.optional(v.nullable(GatewayBudgetSchema)),
});

/** Format 2, the current one. */
const StoreFileV2 = v.object({
  version: v.literal(2),
  savedAt: v.string(),
  rows: v.array(RowTuple),
  sources: v.record(v.string(), SourceMemory),
  gatewayBudget: v.nullable(GatewayBudgetSchema),
  years: v.array(BudgetYearRecordSchema),
});
type StoreFile = v.InferOutput<typeof StoreFileV2>;

/** The current format's schema, and each older one's with its migration to the next version. */
const FORMAT: VersionedFormat<StoreFile> = {
  version: STORE_VERSION,
  schema: StoreFileV2,
  older: {
    /** 1 → 2: the archive of budget years starts with the gateway's period, when one was saved. */
    1: {
      schema: StoreFileV1,
      migrate: (file: v.InferOutput<typeof StoreFileV1>): v.InferOutput<typeof StoreFileV2> => {
        const budget = file.gatewayBudget ?? null;
        const period = budget && budget.amount > 0 && isDayKey(budget.periodStart) && isDayKey(budget.periodEnd) && budget.periodStart < budget.periodEnd ? budget : null;
        // The period was current when the file was saved (clamped into the period).
        const savedDay = file.savedAt.slice(0, 10);
        const lastDay = period ? addDaysKey(period.periodEnd, -1) : '';
        const lastSeen = !period || !isDayKey(savedDay) || savedDay < period.periodStart ? period?.periodStart : savedDay > lastDay ? lastDay : savedDay;
        return {
          version: 2,
          savedAt: file.savedAt,
          rows: file.rows,
          sources: file.sources,
          gatewayBudget: budget,
          years: period && lastSeen ? [{ start: period.periodStart, end: period.periodEnd, budget: period.amount, origin: 'gateway', lastSeen }] : [],
        };
      },
    },
  },
};

export interface StoredState {
  readonly rows: LedgerRow[];
  readonly sources: Record<string, SourceMemory>;
  readonly gatewayBudget: { amount: number; periodStart: string; periodEnd: string } | null;
  /** The archive of budget years; a save without it keeps none. */
  readonly years?: readonly BudgetYearRecord[];
}

export interface LoadedState extends StoredState {
  readonly years: readonly BudgetYearRecord[];
}

export type LoadResult =
  | {
      readonly kind: 'loaded';
      readonly state: LoadedState;
      /** The file was in this older format and was migrated (in memory; the next save writes the current one). */
      readonly migratedFrom?: number;
      /** The file came from a newer version of the extension; what this version knows was read. */
      readonly newerFormat?: number;
    }
  | { readonly kind: 'empty' }
  | { readonly kind: 'corrupt'; readonly movedTo: string; readonly reason: string }
  /** Only from `load({ moveAside: false })`: the file is unusable and was left where it is. */
  | { readonly kind: 'unreadable'; readonly reason: string };

type SavedRow = v.InferOutput<typeof RowTuple>;

/**
 * A row as saved: the trailing elements only where the row has a project or a logged cost (an
 * element left `undefined` would be written as `null`, which the schema refuses).
 */
function toTuple(r: LedgerRow): SavedRow {
  const t: (string | number)[] = [r.date, r.source, r.model, r.cost, r.inputTokens, r.outputTokens, r.cacheReadTokens, r.cacheWriteTokens, r.requests, r.unpriced ? 1 : 0];
  if (r.loggedCost !== undefined) t.push(r.project ?? '', r.loggedCost, r.loggedListCost ?? 0);
  else if (r.project) t.push(r.project);
  return t as SavedRow;
}

function fromTuple(t: SavedRow): LedgerRow {
  const [date, source, model, cost, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, requests, unpriced, project, loggedCost, loggedListCost] = t;
  return {
    date,
    source,
    model,
    cost,
    inputTokens,
    outputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    requests,
    ...(unpriced === 1 ? { unpriced: true } : {}),
    ...(project ? { project } : {}),
    ...(loggedCost !== undefined ? { loggedCost, loggedListCost: loggedListCost ?? 0 } : {}),
  };
}

type Parsed = { ok: true; file: StoreFile; migratedFrom?: number; newerFormat?: number } | { ok: false; reason: string };

/** Brings a parsed JSON document of any known format up to the current one. */
export function migrate(json: unknown): Parsed {
  const parsed = parseVersioned(json, FORMAT);
  if (!parsed.ok) return parsed;
  const { value, ok: _ok, ...how } = parsed;
  return { ok: true, file: value, ...how };
}

export class LedgerStore {
  readonly file: string;
  private readonly durable: DurableFile<StoreFile>;

  constructor(readonly dir: string, private readonly now: () => Date = () => new Date()) {
    this.file = join(dir, LEDGER_FILE);
    this.durable = new DurableFile(this.file, FORMAT, { now });
  }

  /**
   * Reads the saved state. A file that cannot be used is moved aside, unless `moveAside` is false
   * (a window that only reads what another window writes leaves it to the writer, and writes nothing).
   */
  async load(options: { readonly moveAside?: boolean } = {}): Promise<LoadResult> {
    const writer = options.moveAside !== false;
    if (writer) await this.durable.removeLeftovers();
    const read = await this.durable.read();
    if (read.kind === 'missing') return { kind: 'empty' };
    if (read.kind === 'unreadable') return writer ? this.moveAside(read.reason) : { kind: 'unreadable', reason: read.reason };
    const older = read.migratedFrom ?? read.newerFormat;
    if (writer && older !== undefined) await this.durable.keepVersionBackup(older);
    const file = read.value;
    return {
      kind: 'loaded',
      state: { rows: file.rows.map(fromTuple), sources: file.sources, gatewayBudget: file.gatewayBudget, years: file.years },
      ...(read.migratedFrom !== undefined ? { migratedFrom: read.migratedFrom } : {}),
      ...(read.newerFormat !== undefined ? { newerFormat: read.newerFormat } : {}),
    };
  }

  /** Saves the state; saves are serialised so two never interleave. */
  save(state: StoredState): Promise<void> {
    return this.durable.write({
      version: STORE_VERSION,
      savedAt: this.now().toISOString(),
      rows: state.rows.map(toTuple),
      sources: state.sources,
      gatewayBudget: state.gatewayBudget,
      years: [...(state.years ?? [])],
    });
  }

  private async moveAside(reason: string): Promise<LoadResult> {
    try {
      return { kind: 'corrupt', movedTo: await this.durable.moveAside(), reason };
    } catch {
      // If it cannot even be moved, leave it; the next save replaces it atomically.
      return { kind: 'corrupt', movedTo: corruptNameOf(this.file, this.now()), reason };
    }
  }
}
