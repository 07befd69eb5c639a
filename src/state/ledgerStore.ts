/**
 * The ledger on disk, under the extension's global storage: one JSON file with a schema version,
 * written atomically (temporary file, flush, rename, flush of the folder) so a crash mid-write
 * leaves the old file or the new one, never a torn one. A file that cannot be read is moved
 * aside, never deleted.
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
 */
import { randomUUID } from 'node:crypto';
import { copyFile, open, readdir, readFile, rename, mkdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { addDaysKey, isDayKey } from '../core/dates';
import { SOURCE_IDS, type LedgerRow, type SourceId } from '../core/types';

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

/**
 * The schema of each format, by version. A migration from version N reads a file that passed
 * `SCHEMAS[N]` and returns one in format N + 1.
 */
const SCHEMAS: Readonly<Record<number, v.GenericSchema>> = { 1: StoreFileV1, 2: StoreFileV2 };

const MIGRATIONS: Readonly<Record<number, (file: never) => unknown>> = {
  /** 1 → 2: the archive of budget years starts with the gateway's period, when one was saved. */
  1: (file: v.InferOutput<typeof StoreFileV1>): v.InferOutput<typeof StoreFileV2> => {
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

function toTuple(r: LedgerRow): v.InferOutput<typeof RowTuple> {
  return [r.date, r.source, r.model, r.cost, r.inputTokens, r.outputTokens, r.cacheReadTokens, r.cacheWriteTokens, r.requests, r.unpriced ? 1 : 0];
}

function fromTuple(t: v.InferOutput<typeof RowTuple>): LedgerRow {
  const [date, source, model, cost, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, requests, unpriced] = t;
  return { date, source, model, cost, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, requests, ...(unpriced === 1 ? { unpriced: true } : {}) };
}

type Parsed = { ok: true; file: StoreFile; migratedFrom?: number; newerFormat?: number } | { ok: false; reason: string };

function describeIssue(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  return issue ? `${v.getDotPath(issue) ?? 'root'}: ${issue.message}` : 'unknown problem';
}

/** Brings a parsed JSON document of any known format up to the current one. */
export function migrate(json: unknown): Parsed {
  const version = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['version'] : undefined;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, reason: 'it does not match the expected format (version: not a format version)' };
  }
  if (version > STORE_VERSION) {
    // A newer extension wrote it: read what this version understands, if the shape still fits.
    const parsed = v.safeParse(StoreFileV2, { ...(json as Record<string, unknown>), version: STORE_VERSION });
    if (!parsed.success) return { ok: false, reason: `it was written by a newer version of Token Budget (format ${version}) in a shape this version cannot read (${describeIssue(parsed.issues)})` };
    return { ok: true, file: parsed.output, newerFormat: version };
  }
  let current: unknown = json;
  for (let from = version; from < STORE_VERSION; from++) {
    const schema = SCHEMAS[from];
    const step = MIGRATIONS[from];
    if (!schema || !step) return { ok: false, reason: `format ${from} cannot be migrated` };
    const parsed = v.safeParse(schema, current);
    if (!parsed.success) return { ok: false, reason: `it does not match the expected format ${from} (${describeIssue(parsed.issues)})` };
    current = (step as (file: unknown) => unknown)(parsed.output);
  }
  const parsed = v.safeParse(StoreFileV2, current);
  if (!parsed.success) return { ok: false, reason: `it does not match the expected format (${describeIssue(parsed.issues)})` };
  return version < STORE_VERSION ? { ok: true, file: parsed.output, migratedFrom: version } : { ok: true, file: parsed.output };
}

const TMP_NAME = /^ledger\.json\.(\d+)\.[0-9a-f]{8}\.tmp$/;
/** A temporary file older than this is a leftover even if its process id is in use again. */
const TMP_MAX_AGE_MS = 60 * 60_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Flushes a folder's entry table (the rename) to disk; not possible on every platform (Windows). */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: the rename itself is atomic; this only orders it before a power loss.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Renames, retrying briefly while another process (a reader, an indexer, antivirus) holds the target on Windows. */
async function renameRetrying(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= 5 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw error;
      await sleep(20 * (attempt + 1));
    }
  }
}

export class LedgerStore {
  readonly file: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly dir: string, private readonly now: () => Date = () => new Date()) {
    this.file = join(dir, LEDGER_FILE);
  }

  /**
   * Reads the saved state. A file that cannot be used is moved aside, unless `moveAside` is false
   * (a window that only reads what another window writes leaves it to the writer, and writes nothing).
   */
  async load(options: { readonly moveAside?: boolean } = {}): Promise<LoadResult> {
    const writer = options.moveAside !== false;
    const moveAside = (reason: string): Promise<LoadResult> | LoadResult => (writer ? this.moveAside(reason) : { kind: 'unreadable', reason });
    if (writer) await this.removeLeftovers();
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'empty' };
      return moveAside(`it could not be read (${(error as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return moveAside('it is not valid JSON');
    }
    const parsed = migrate(json);
    if (!parsed.ok) return moveAside(parsed.reason);
    const older = parsed.migratedFrom ?? parsed.newerFormat;
    if (writer && older !== undefined) await this.keepBackup(older);
    const file = parsed.file;
    return {
      kind: 'loaded',
      state: { rows: file.rows.map(fromTuple), sources: file.sources, gatewayBudget: file.gatewayBudget, years: file.years },
      ...(parsed.migratedFrom !== undefined ? { migratedFrom: parsed.migratedFrom } : {}),
      ...(parsed.newerFormat !== undefined ? { newerFormat: parsed.newerFormat } : {}),
    };
  }

  /** Saves the state; saves are serialised so two never interleave. */
  save(state: StoredState): Promise<void> {
    const next = this.writing.then(() => this.write(state));
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async write(state: StoredState): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file: StoreFile = {
      version: STORE_VERSION,
      savedAt: this.now().toISOString(),
      rows: state.rows.map(toTuple),
      sources: state.sources,
      gatewayBudget: state.gatewayBudget,
      years: [...(state.years ?? [])],
    };
    const body = JSON.stringify(file);
    // Unique per write: two stores on one folder (two windows, a leader handing over) never share it.
    const tmp = `${this.file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    try {
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(body, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await renameRetrying(tmp, this.file);
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
    await syncFolder(this.dir);
  }

  /** Copies a file about to be replaced by a migrated one to `ledger.json.v<N>-backup`, once. */
  private async keepBackup(version: number): Promise<void> {
    try {
      await copyFile(this.file, `${this.file}.v${version}-backup`, 1 /* COPYFILE_EXCL: keep the first backup */);
    } catch {
      // Already there, or not possible: the migration works on the copy in memory either way.
    }
  }

  /** Removes temporary files left by a write that was killed (its process is gone, or it is old). */
  private async removeLeftovers(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const match = TMP_NAME.exec(name);
      if (!match) continue;
      const pid = Number(match[1]);
      const path = join(this.dir, name);
      try {
        const old = this.now().getTime() - (await stat(path)).mtimeMs > TMP_MAX_AGE_MS;
        if (old || (pid !== process.pid && !processAlive(pid))) await unlink(path);
      } catch {
        // Gone already (its writer renamed it), or not ours to remove.
      }
    }
  }

  private async moveAside(reason: string): Promise<LoadResult> {
    const movedTo = `${this.file}.corrupt-${this.now().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(this.file, movedTo);
    } catch {
      // If it cannot even be moved, leave it; the next save replaces it atomically.
    }
    return { kind: 'corrupt', movedTo, reason };
  }
}
