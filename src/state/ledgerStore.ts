/**
 * The ledger on disk, under the extension's global storage: one JSON file with a schema version,
 * written atomically (temporary file, flush, rename) so a crash mid-write leaves the old file or
 * the new one, never a torn one. A file that cannot be read is moved aside, never deleted.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, rename, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { SOURCE_IDS, type LedgerRow, type SourceId } from '../core/types';

export const STORE_VERSION = 1;

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
  identity: v.optional(v.string()),
  sync: v.optional(v.unknown()),
});
export type SourceMemory = v.InferOutput<typeof SourceMemory>;

const StoreFile = v.object({
  version: v.literal(STORE_VERSION),
  savedAt: v.string(),
  rows: v.array(RowTuple),
  sources: v.record(v.string(), SourceMemory),
  gatewayBudget: v.optional(v.nullable(v.object({ amount: v.number(), periodStart: v.string(), periodEnd: v.string() }))),
});

export interface StoredState {
  readonly rows: LedgerRow[];
  readonly sources: Record<string, SourceMemory>;
  readonly gatewayBudget: { amount: number; periodStart: string; periodEnd: string } | null;
}

export type LoadResult =
  | { readonly kind: 'empty' }
  | { readonly kind: 'loaded'; readonly state: StoredState }
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

export class LedgerStore {
  readonly file: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly dir: string, private readonly now: () => Date = () => new Date()) {
    this.file = join(dir, 'ledger.json');
  }

  /**
   * Reads the saved state. A file that cannot be used is moved aside, unless `moveAside` is false
   * (a window that only reads what another window writes leaves it to the writer).
   */
  async load(options: { readonly moveAside?: boolean } = {}): Promise<LoadResult> {
    const moveAside = (reason: string): Promise<LoadResult> | LoadResult => (options.moveAside === false ? { kind: 'unreadable', reason } : this.moveAside(reason));
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
    const parsed = v.safeParse(StoreFile, json);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      return moveAside(`it does not match the expected format (${v.getDotPath(issue) ?? 'root'}: ${issue.message})`);
    }
    return {
      kind: 'loaded',
      state: { rows: parsed.output.rows.map(fromTuple), sources: parsed.output.sources, gatewayBudget: parsed.output.gatewayBudget ?? null },
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
    const body = JSON.stringify({
      version: STORE_VERSION,
      savedAt: this.now().toISOString(),
      rows: state.rows.map(toTuple),
      sources: state.sources,
      gatewayBudget: state.gatewayBudget,
    });
    // Unique per write: two stores on one folder in one process (tests, a leader handing over) never share it.
    const tmp = `${this.file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(body, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file);
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
