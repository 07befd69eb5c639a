/**
 * The scan states of the sources between scans: which one a scan starts from (memory, the state
 * file, or a fresh one), how it recovers what the ledger counted beyond what it remembers, and
 * when it is saved.
 *
 * The ledger keeps a small copy of the per-day totals (`LocalSync`, the previous result's `sync`):
 * a state lost (no state file, a torn one) or older than the ledger (another window scanned
 * meanwhile) is detected by its id and generation, and the ledger's days are kept (`recover`).
 */
import * as v from 'valibot';
import type { DayKey } from '../../core/types';
import type { LocalSourceId } from './paths';
import { ARCHIVE_FILE_ID, COST, FIELDS, INPUT, loadState, LOGGED, LOGGED_LIST, LOGGED_N, OUTPUT, READ, REQUESTS, saveState, SourceState, UNPRICED, WRITE } from './state';

/**
 * [model, cost, input, output, cacheRead, cacheWrite, requests, unpricedRequests, project?,
 * loggedRequests?, loggedUsd?, loggedListUsd?]. The trailing four came later (same `v`): a row
 * without a project was written before buckets had projects, and holds the day × model's total
 * over every project; the logged costs are there only where some request had one.
 */
const DayRowSchema = v.tuple([
  v.string(),
  v.number(),
  v.number(),
  v.number(),
  v.number(),
  v.number(),
  v.number(),
  v.number(),
  v.optional(v.string()),
  v.optional(v.number()),
  v.optional(v.number()),
  v.optional(v.number()),
]);
/** A sync row as written (the optional elements left off, never set to undefined: JSON would write null). */
export type SyncRow = (string | number)[];
export const LocalSyncSchema = v.object({
  v: v.literal(1),
  stateId: v.string(),
  generation: v.number(),
  days: v.record(v.string(), v.array(DayRowSchema)),
  /** Models whose fast-mode usage was priced at standard rates (kept here too, for a lost state). */
  fastUnknown: v.optional(v.array(v.string())),
});
export type LocalSync = v.InferOutput<typeof LocalSyncSchema>;

/**
 * fresh: no state and nothing in the ledger; incremental: the state is the one the ledger last
 * saw; resync: a state, but not the ledger's latest (or no ledger copy); recovered: the state was
 * lost, the ledger's days are kept.
 */
export type ScanMode = 'fresh' | 'incremental' | 'resync' | 'recovered';

/** What a scan starts from. */
export interface Opened {
  readonly state: SourceState;
  /** The ledger's copy, when valid. */
  readonly sync: LocalSync | undefined;
  readonly mode: ScanMode;
}

function randomId(): string {
  return `${Date.now().toString(36)}-${Math.floor(Math.random() * 0xffffffff).toString(36)}`;
}

export interface StateStoreOptions {
  /** Minimum time between two state saves (default 30 s; 0 = after every change). */
  readonly saveIntervalMs?: number;
  readonly clock?: () => number;
}

/** The states of the sources in memory, their files, and when each is due to be saved. */
export class StateStore {
  private readonly states = new Map<LocalSourceId, SourceState>();
  private readonly stateFiles = new Map<LocalSourceId, string>();
  private readonly lastSave = new Map<LocalSourceId, number>();
  private readonly dirty = new Set<LocalSourceId>();
  private readonly saveSoon = new Set<LocalSourceId>();
  private readonly clock: () => number;

  constructor(private readonly options: StateStoreOptions = {}) {
    this.clock = options.clock ?? (() => Date.now());
  }

  get(source: LocalSourceId): SourceState | undefined {
    return this.states.get(source);
  }

  /** The state a scan of `source` over `identity` starts from, given the ledger's `sync`. */
  open(source: LocalSourceId, identity: string, syncValue: unknown, stateFile: string | undefined): Opened {
    const previous = v.safeParse(LocalSyncSchema, syncValue);
    const sync = previous.success ? previous.output : undefined;
    let state = this.states.get(source);
    if (state && state.identity !== identity) state = undefined;
    if (stateFile && (!state || (sync && (sync.stateId !== state.stateId || sync.generation !== state.generation)))) {
      // Not loaded yet, or the ledger is newer than this memory (another window scanned meanwhile): the file may know better.
      const disk = loadState(stateFile);
      if (disk && disk.identity === identity && disk.source === source) {
        if (!state || (disk.stateId === state.stateId ? disk.generation > state.generation : sync !== undefined && disk.stateId === sync.stateId)) state = disk;
      }
    }
    let mode: ScanMode;
    if (!state) {
      state = new SourceState(source, identity, randomId());
      mode = sync && Object.keys(sync.days).length > 0 ? 'recovered' : 'fresh';
    } else if (!sync) mode = 'resync';
    else if (sync.stateId !== state.stateId) mode = 'recovered';
    else if (sync.generation !== state.generation) mode = 'resync';
    else mode = 'incremental';
    this.states.set(source, state);
    if (stateFile) this.stateFiles.set(source, stateFile);
    return { state, sync, mode };
  }

  /** After a scan that changed something: a new generation, to be saved (at once after a first scan or a recovery). */
  changed(state: SourceState, mode: ScanMode): void {
    state.generation++;
    this.dirty.add(state.source);
    if (mode !== 'incremental') this.saveSoon.add(state.source);
  }

  /**
   * Saves the states whose save is due: changed, and either a first scan or a recovery, or the
   * last save older than `saveIntervalMs`. Returns the bytes written.
   */
  saveDue(): number {
    let bytes = 0;
    const interval = this.options.saveIntervalMs ?? 30_000;
    for (const source of [...this.dirty]) {
      if (!this.stateFiles.has(source)) continue;
      const last = this.lastSave.get(source);
      if (this.saveSoon.has(source) || last === undefined || this.clock() - last >= interval) bytes += this.save(source);
    }
    return bytes;
  }

  /** Saves every state with unsaved changes (on shutdown). */
  flush(): void {
    for (const source of [...this.dirty]) this.save(source);
  }

  private save(source: LocalSourceId): number {
    const state = this.states.get(source);
    const file = this.stateFiles.get(source);
    if (!state || !file) return 0;
    const bytes = saveState(state, file);
    this.dirty.delete(source);
    this.saveSoon.delete(source);
    this.lastSave.set(source, this.clock());
    return bytes;
  }
}

/**
 * After a lost or older state: what the ledger had beyond what the files still hold is kept (file
 * id 0); its days go to `changed`. A row of a sync written before buckets had projects is compared
 * with the state's day × model over every project, and what it has beyond them is kept under no
 * project.
 */
export function recover(state: SourceState, sync: LocalSync, changed: Set<DayKey>): void {
  for (const m of sync.fastUnknown ?? []) state.fastUnknown.add(m);
  // The buckets of each day × model, for rows without a project (made once, only when needed).
  let byModel: Map<string, number[]> | undefined;
  const bucketsOf = (day: string, model: string): number[] => {
    if (!byModel) {
      byModel = new Map();
      for (let b = 0; b < state.bucketKeys.length; b++) {
        const key = `${state.bucketDay[b] as string}\u0000${state.bucketModel[b] as string}`;
        const list = byModel.get(key);
        if (list) list.push(b);
        else byModel.set(key, [b]);
      }
    }
    return byModel.get(`${day}\u0000${model}`) ?? [];
  };
  for (const [day, rows] of Object.entries(sync.days)) {
    for (const [model, cost, input, output, read, write, requests, unpriced, project, loggedN = 0, logged = 0, loggedList = 0] of rows) {
      const held = project !== undefined ? [state.bucket(day, model, project)] : bucketsOf(day, model);
      const b = project !== undefined ? (held[0] as number) : state.bucket(day, model);
      const t = state.totals; // after bucket(), which may grow it
      const d = (k: number, x: number) => Math.max(0, x - held.reduce((sum, h) => sum + (t[h * FIELDS + k] as number), 0));
      const delta = [d(COST, cost), d(INPUT, input), d(OUTPUT, output), d(READ, read), d(WRITE, write), d(REQUESTS, requests), d(UNPRICED, unpriced)] as const;
      const loggedDelta = [d(LOGGED_N, loggedN), d(LOGGED, logged), d(LOGGED_LIST, loggedList)] as const;
      if (delta.some((x) => x > 1e-9)) {
        state.add(ARCHIVE_FILE_ID, b, 1, ...delta);
        changed.add(day);
      }
      if (loggedDelta.some((x) => x > 1e-9)) {
        state.addLogged(ARCHIVE_FILE_ID, b, 1, ...loggedDelta);
        changed.add(day);
      }
    }
  }
}
