/**
 * The data flow's middle: asks every enabled source for the days it lacks, folds the answers
 * into the ledger, keeps each source's state (ok / stale / error / off) and the last good data,
 * saves it all, and publishes a fresh snapshot. Never two refreshes at once.
 *
 * Free of `vscode` so that it is tested against real HTTP servers without an editor.
 */
import type { TokenBudgetConfig } from '../core/config';
import { SPIKE_WINDOW_DAYS, type SpendByDay } from '../core/alerts';
import { addDaysKey, todayKey, utcDayKey } from '../core/dates';
import { Ledger } from '../core/ledger';
import { buildSnapshot, countsTowardSpend, type GatewayBudget, type Snapshot, type SourceStatus } from '../core/snapshot';
import { resolveBudget } from '../core/budgetYear';
import type { SourceId } from '../core/types';
import { hideUrlCredentials, redact, SourceError, type HttpClient } from '../sources/http';
import type { FetchOutcome, ServiceTotal, SourceAdapter } from '../sources/types';
import { largestMismatch, reconcile, type Mismatch } from '../core/reconcile';
import { mismatchDaysText, mismatchText } from '../core/wording';
import type { BudgetYearRecord, LedgerStore, SourceMemory } from './ledgerStore';
import { recordBudgetYear, yearSnapshot } from './yearArchive';

export interface ServiceLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface BudgetServiceDeps {
  readonly adapters: readonly SourceAdapter[];
  readonly http: HttpClient;
  readonly store: LedgerStore;
  readonly config: () => TokenBudgetConfig;
  readonly key: (source: SourceId) => Promise<string | undefined>;
  readonly logger: ServiceLogger;
  readonly now?: () => Date;
}

type Memory = SourceMemory;

/** The longest `Retry-After` wait honoured across refreshes. */
export const MAX_RATE_LIMIT_WAIT_MS = 24 * 60 * 60_000;

export type LoadNotice = { readonly kind: 'corrupt'; readonly movedTo: string; readonly reason: string } | undefined;

export class BudgetService {
  private ledger = new Ledger();
  private memory = new Map<SourceId, Memory>();
  private gatewayBudget: GatewayBudget | null = null;
  /** The budget years seen, oldest first (state/yearArchive.ts). */
  private years: BudgetYearRecord[] = [];
  private running: Promise<void> | undefined;
  private again = false;
  private listeners = new Set<(snapshot: Snapshot) => void>();
  private current: Snapshot | undefined;
  private readonly now: () => Date;

  constructor(private readonly deps: BudgetServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Loads what was saved; reports a corrupt file (moved aside) so the user can be told once. */
  async load(): Promise<LoadNotice> {
    const result = await this.deps.store.load();
    if (result.kind === 'loaded') {
      this.ledger = Ledger.fromJSON(result.state.rows);
      this.memory = new Map(Object.entries(result.state.sources) as [SourceId, Memory][]);
      this.gatewayBudget = result.state.gatewayBudget;
      this.years = [...result.state.years];
      this.deps.logger.info(`Loaded ${this.ledger.size} ledger rows from ${this.deps.store.file}${result.migratedFrom ? ` (format ${result.migratedFrom}, migrated; a backup was kept)` : ''}`);
    } else if (result.kind === 'corrupt') {
      this.deps.logger.error(`The saved ledger could not be used (${result.reason}); it was moved to ${result.movedTo} and will be rebuilt from the sources.`);
    }
    this.publish();
    return result.kind === 'corrupt' ? result : undefined;
  }

  /**
   * Follower mode (another window fetches): takes what was saved, without fetching, and publishes
   * it. An unusable file is left where it is, for its writer to deal with. Does nothing while this
   * service is refreshing itself. True when something was loaded.
   */
  async reloadFromStore(): Promise<boolean> {
    if (this.running) return false;
    const result = await this.deps.store.load({ moveAside: false });
    if (result.kind !== 'loaded' || this.running) {
      if (result.kind === 'unreadable') this.deps.logger.warn(`The saved ledger could not be read (${result.reason}); keeping the numbers shown.`);
      return false;
    }
    this.ledger = Ledger.fromJSON(result.state.rows);
    this.memory = new Map(Object.entries(result.state.sources) as [SourceId, Memory][]);
    this.gatewayBudget = result.state.gatewayBudget;
    this.years = [...result.state.years];
    this.publish();
    return true;
  }

  /** True while this service is fetching. */
  get refreshing(): boolean {
    return this.running !== undefined;
  }

  /** Spend and top model per day for the alert policy: the month before today, over the sources in use. */
  spendByDay(): SpendByDay {
    const snapshot = this.snapshot;
    const active = new Set(snapshot.sources.filter(countsTowardSpend).map((s) => s.id));
    const to = addDaysKey(snapshot.today, 1);
    const from = addDaysKey(snapshot.today, -(SPIKE_WINDOW_DAYS + 2));
    const firstDataDay = this.ledger.dailyTotals('0001-01-01', to, active).keys().next().value;
    return {
      // A lump (several days' spend in one row) is no spike: it is spread over its days.
      daily: this.ledger.dailyTotals(from, to, active, { spreadLumps: true }),
      topModel: this.ledger.topModelByDay(from, to),
      ...(firstDataDay !== undefined ? { firstDataDay } : {}),
    };
  }

  get snapshot(): Snapshot {
    return this.current ?? this.publish();
  }

  get ledgerRows() {
    return this.ledger.rows();
  }

  /** Every budget year this ledger has seen, oldest first; older years keep their rows and budget. */
  get budgetYears(): readonly BudgetYearRecord[] {
    return this.years;
  }

  /** The snapshot of a budget year seen before (by its first day), as it stood on its last day. */
  snapshotOfYear(start: string): Snapshot | undefined {
    const record = this.years.find((y) => y.start === start);
    if (!record) return undefined;
    const config = this.deps.config();
    const now = this.now();
    return yearSnapshot({ record, ledger: this.ledger, settings: { workdays: config.workdays, thresholds: config.alerts.thresholds }, sources: this.sourceStatuses(config), today: todayKey(now), now });
  }

  onDidChange(listener: (snapshot: Snapshot) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Refreshes every enabled source; a call during a refresh runs once more after it. */
  refresh(reason: string): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        let refetched = false;
        do {
          this.again = false;
          const yearMoved = await this.refreshOnce(reason);
          // The other sources fetch the moved year once more (only once: a gateway whose period
          // keeps moving does not keep this loop going).
          if (yearMoved && !refetched) {
            refetched = true;
            this.again = true;
          }
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Re-computes the snapshot without fetching (e.g. a display setting or the day changed). */
  recompute(): Snapshot {
    return this.publish();
  }

  /** One refresh of every enabled source; true when the budget year moved (see `refresh`). */
  private async refreshOnce(reason: string): Promise<boolean> {
    const config = this.deps.config();
    const now = this.now();
    const today = todayKey(now);
    const enabled = this.deps.adapters.filter((a) => a.isEnabled(config));
    const gatewayOn = enabled.some((a) => a.id === 'gateway');
    // The budget year as last known: with the gateway's period when it governs, so every source
    // fetches the year the spend is counted over (see the re-run below when it moves).
    const resolveYear = () => resolveBudget({ annualBudget: config.annualBudget, budgetYearStart: config.budgetYearStart }, gatewayOn ? this.gatewayBudget : null, today);
    const yearStart = resolveYear().year.start;
    this.deps.logger.info(`Refresh (${reason}): ${enabled.length === 0 ? 'no source configured' : enabled.map((a) => a.id).join(', ')}`);

    await Promise.all(
      enabled.map(async (adapter) => {
        const memory: Memory = { ...this.memory.get(adapter.id) };
        const identity = adapter.identity(config);
        if (memory.identity !== undefined && memory.identity !== identity) {
          this.deps.logger.info(hideUrlCredentials(`${adapter.label}: the source changed (${memory.identity} → ${identity}); its old rows are dropped.`));
          this.ledger.replaceDays(adapter.id, this.ledger.daysWithData(adapter.id), []);
          delete memory.sync;
          delete memory.lastSuccess;
          delete memory.mismatch;
          if (adapter.id === 'gateway') this.gatewayBudget = null;
        }
        memory.identity = identity;
        // A wait reaching more than a day ahead is a clock that went back (or a server asking too much): not honoured.
        if (memory.retryAt && Date.parse(memory.retryAt) > now.getTime() && Date.parse(memory.retryAt) - now.getTime() <= MAX_RATE_LIMIT_WAIT_MS) {
          this.deps.logger.info(`${adapter.label}: rate limited until ${memory.retryAt}; skipped this time.`);
          this.memory.set(adapter.id, memory);
          return;
        }
        memory.lastAttempt = now.toISOString();
        let key: string | undefined;
        try {
          key = adapter.needsKey ? await this.deps.key(adapter.id) : undefined;
          const fetchWith = (sync: unknown) => adapter.fetch({ config, http: this.deps.http, key, today, utcToday: utcDayKey(now), yearStart, sync, now });
          const first = await fetchWith(memory.sync);
          this.ledger.replaceDays(adapter.id, first.days, first.rows);
          const outcome = await this.reconcileFetched(adapter, memory, first, fetchWith);
          memory.sync = outcome.sync;
          memory.lastSuccess = this.now().toISOString();
          delete memory.error;
          delete memory.retryAt;
          if (outcome.demo !== undefined) memory.demo = outcome.demo;
          if (outcome.user !== undefined) memory.user = outcome.user;
          if (outcome.note !== undefined) memory.note = outcome.note;
          else delete memory.note;
          if (outcome.limits !== undefined) memory.limits = outcome.limits.map((l) => ({ ...l }));
          else delete memory.limits;
          if (outcome.budget !== undefined && adapter.id === 'gateway') this.gatewayBudget = outcome.budget;
          this.deps.logger.info(`${adapter.label}: ${outcome.days.length} days fetched in ${outcome.requests} requests, ${outcome.rows.length} rows.`);
        } catch (error) {
          // SourceError messages are redacted where they are made; anything else is redacted here.
          const message = error instanceof SourceError ? error.message : redact(`${adapter.label}: unexpected failure (${error instanceof Error ? error.message : String(error)}).`, key ? [key] : []);
          memory.error = message;
          if (error instanceof SourceError && error.details.retryAt) memory.retryAt = error.details.retryAt.toISOString();
          this.deps.logger.warn(message);
        }
        this.memory.set(adapter.id, memory);
      }),
    );

    let yearMoved = false;
    if (enabled.length > 0) {
      // The year as it stands after this refresh, archived with its budget (state/yearArchive.ts).
      const year = resolveYear();
      this.years = recordBudgetYear(this.years, { start: year.year.start, end: year.year.end, budget: year.budget, origin: year.budgetOrigin, lastSeen: today });
      // The gateway's period, first read (or moved) in this refresh, starts elsewhere than the year
      // the other sources just fetched: they fetch again, from its start.
      if (year.year.start !== yearStart && enabled.some((a) => a.id !== 'gateway')) {
        this.deps.logger.info(`The budget year now starts on ${year.year.start} (the gateway's period), not ${yearStart}: the other sources fetch again from there.`);
        yearMoved = true;
      }
    }
    try {
      await this.deps.store.save({ rows: this.ledger.rows(), sources: Object.fromEntries(this.memory), gatewayBudget: this.gatewayBudget, years: this.years });
    } catch (error) {
      this.deps.logger.error(`Could not save the ledger to ${this.deps.store.file}: ${(error as Error).message}. The data stays in memory; saving is retried on the next refresh.`);
    }
    this.publish();
    return yearMoved;
  }

  /**
   * Holds the totals a fetch reported against the rows now held, keeps the finding in `memory`
   * (logged; cleared when a later total agrees; left as it was by a fetch that reports none), and
   * returns the outcome that stands. A new disagreement is read again once, from scratch, by a
   * source that can: its answer stands when it brings the figures closer, else the rows held before.
   */
  private async reconcileFetched(adapter: SourceAdapter, memory: Memory, first: FetchOutcome, fetchWith: (sync: unknown) => Promise<FetchOutcome>): Promise<FetchOutcome> {
    let outcome = first;
    let mismatch = this.reconcile(adapter.id, outcome.totals);
    if (mismatch && memory.mismatch === undefined && adapter.rereadsFromScratch) {
      this.deps.logger.info(`${adapter.label}: ${mismatchText(mismatch)}; reading its days again before reporting it.`);
      // What the ledger held, to put back when reading again does not bring the figures closer
      // (a service that has dropped older days would otherwise take them from the ledger).
      const held = this.ledger.rows({ source: adapter.id });
      const heldDays = this.ledger.daysWithData(adapter.id);
      try {
        const again = await fetchWith(undefined);
        // Days the second reading has no rows for keep what was held: a service may have dropped
        // older days (a retention limit), and what was fetched once is not lost.
        const answered = new Set(again.rows.map((r) => r.date));
        this.ledger.replaceDays(adapter.id, again.days.filter((d) => answered.has(d) || !heldDays.has(d)), again.rows);
        const second = this.reconcile(adapter.id, again.totals);
        if (second === undefined || Math.abs(second.gap) < Math.abs(mismatch.gap)) {
          outcome = { ...again, requests: outcome.requests + again.requests };
          mismatch = second;
        } else {
          this.ledger.replaceDays(adapter.id, new Set([...heldDays, ...again.days]), held);
          this.deps.logger.info(`${adapter.label}: reading again did not bring the figures closer; the rows held before are kept.`);
        }
      } catch (error) {
        this.deps.logger.warn(`${adapter.label}: reading again failed (${error instanceof SourceError ? error.message : 'unexpected failure'}); the first answer stands.`);
      }
    }
    if (mismatch) {
      const line = `${adapter.label}: its own total disagrees with the daily rows. ${mismatchText(mismatch)}; ${mismatchDaysText(mismatch)}.`;
      if (JSON.stringify(mismatch) !== JSON.stringify(memory.mismatch)) this.deps.logger.warn(line);
      else this.deps.logger.info(line);
      const { days, ...rest } = mismatch;
      memory.mismatch = { ...rest, ...(days ? { days: [...days] } : {}) };
    } else if (outcome.totals && outcome.totals.length > 0) {
      if (memory.mismatch) this.deps.logger.info(`${adapter.label}: its own total and the daily rows agree again.`);
      delete memory.mismatch;
    }
    // A fetch that reports no total (e.g. only the last days were asked for) leaves the last finding as it was.
    return outcome;
  }

  /** The largest disagreement between a source's reported totals and the rows held for their spans. */
  private reconcile(source: SourceId, totals: readonly ServiceTotal[] | undefined): Mismatch | undefined {
    if (!totals || totals.length === 0) return undefined;
    const only = new Set([source]);
    return largestMismatch(totals.map((t) => reconcile(t, this.ledger.dailyTotals(t.from, addDaysKey(t.to, 1), only))));
  }

  private sourceStatuses(config: TokenBudgetConfig): SourceStatus[] {
    return this.deps.adapters.map((adapter) => {
      const m = this.memory.get(adapter.id);
      if (!adapter.isEnabled(config)) {
        const hint = adapter.offHint?.(config);
        return { id: adapter.id, label: adapter.label, state: 'off' as const, ...(hint ? { note: hint } : {}) };
      }
      const state = m?.error === undefined ? (m?.lastSuccess ? 'ok' : 'stale') : m.lastSuccess ? 'stale' : 'error';
      return {
        id: adapter.id,
        label: adapter.label,
        state,
        ...(m?.lastSuccess ? { lastSuccess: m.lastSuccess } : {}),
        ...(m?.lastAttempt ? { lastAttempt: m.lastAttempt } : {}),
        ...(m?.error ? { error: m.error } : {}),
        ...(m?.demo ? { demo: true } : {}),
        ...(m?.user ? { user: m.user } : {}),
        ...(m?.note ? { note: m.note } : {}),
        ...(m?.limits && m.limits.length > 0 ? { limits: m.limits } : {}),
        ...(adapter.estimateOnly?.(config) ? { estimate: true } : {}),
        ...(m?.mismatch ? { mismatch: m.mismatch } : {}),
      };
    });
  }

  private publish(): Snapshot {
    const config = this.deps.config();
    const now = this.now();
    const sources = this.sourceStatuses(config);
    const gatewayOn = sources.some((s) => s.id === 'gateway' && s.state !== 'off');
    const snapshot = buildSnapshot({
      ledger: this.ledger,
      settings: { annualBudget: config.annualBudget, budgetYearStart: config.budgetYearStart, workdays: config.workdays, thresholds: config.alerts.thresholds },
      gatewayBudget: gatewayOn ? this.gatewayBudget : null,
      sources,
      today: todayKey(now),
      now,
    });
    this.current = snapshot;
    for (const listener of this.listeners) listener(snapshot);
    return snapshot;
  }
}
