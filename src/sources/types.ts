/**
 * What every source adapter provides: whether it is enabled by the configuration, and a fetch
 * that turns its API into ledger rows for whole days.
 */
import type { TokenBudgetConfig } from '../core/config';
import type { GatewayBudget } from '../core/snapshot';
import type { ReportedTotal } from '../core/reconcile';
import type { DayKey, LedgerRow, SourceId } from '../core/types';
import type { HttpClient } from './http';

export interface FetchContext {
  readonly config: TokenBudgetConfig;
  readonly http: HttpClient;
  /** The source's key, when it needs one (resolved from SecretStorage or the environment). */
  readonly key: string | undefined;
  readonly today: DayKey;
  readonly utcToday: DayKey;
  /** First day of the budget year per the settings (when the source does not know better). */
  readonly yearStart: DayKey;
  /** The instant of this fetch (the host's clock; injectable in tests). */
  readonly now?: Date;
  /** What this source remembered from its last successful fetch (unvalidated: check it). */
  readonly sync: unknown;
}

/**
 * What a keyed HTTP source's fetch takes (gateway, LiteLLM, OpenAI, Anthropic): the client, the
 * base URL and key, the days wanted and its validated sync state `S`.
 */
export interface KeyedFetchInput<S> {
  readonly http: HttpClient;
  /** e.g. https://api.openai.com/v1 */
  readonly baseUrl: URL;
  readonly key: string;
  /** First day wanted: the budget year in force (the settings' year, or the gateway's period when that governs). */
  readonly yearStart: DayKey;
  /** Today in the local calendar and as a UTC date: the later of the two is asked for. */
  readonly today: DayKey;
  readonly utcToday: DayKey;
  readonly sync: S;
}

/** A limit shorter than the budget year that a source enforces (e.g. LiteLLM's monthly budget). */
export interface SourceLimit {
  /** e.g. "this month", "this week", "key limit". */
  readonly label: string;
  readonly spent: number;
  /** USD, or null when unlimited. */
  readonly limit: number | null;
  /** ISO instant of the next reset, when known. */
  readonly resetsAt?: string;
}

/**
 * A total the service itself reports for a span of days. The budget service holds it against the
 * sum of the rows it keeps for this source over the same span (after this fetch's rows are
 * stored): a gap above 1% of the total and above $1 is a mismatch, shown on the source
 * (`data-mismatch`), in the tooltip and in the log. Never built from the rows themselves.
 */
export type ServiceTotal = ReportedTotal;

export interface FetchOutcome {
  /** Every day fetched: their rows replace what the ledger had for this source on those days. */
  readonly days: readonly DayKey[];
  readonly rows: readonly LedgerRow[];
  readonly sync: unknown;
  readonly demo?: boolean;
  readonly user?: string;
  /** A budget reported by the source (the gateway), or null when it reports none. */
  readonly budget?: GatewayBudget | null;
  /** Shorter limits the source enforces, shown beside the annual budget. */
  readonly limits?: readonly SourceLimit[];
  /** A caveat to show with the source's numbers, e.g. "whole organisation, no personal filter". */
  readonly note?: string;
  /** Totals the service reports for spans of days, to reconcile with the rows (none when the rows are built from that very total). */
  readonly totals?: readonly ServiceTotal[];
  readonly requests: number;
}

/** Long work of a source (a first scan of a large log history), for a progress indicator. */
export interface SourceProgress {
  readonly source: SourceId;
  readonly phase: 'start' | 'progress' | 'end';
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

/** What an adapter's `start` is given by its owner (the extension): all optional, so tests may start bare. */
export interface SourceStartContext {
  /** A folder for the source's own files (the extension's global storage); omitted = memory only. */
  readonly stateDir?: string;
  /** Asks for a refresh, e.g. when watched logs changed; omitted = no watching, the refresh interval only. */
  readonly requestRefresh?: (reason: string) => void;
  /** Progress of long work. */
  readonly onProgress?: (p: SourceProgress) => void;
}

export interface SourceAdapter {
  readonly id: SourceId;
  readonly label: string;
  /** The setting that turns it on, for messages. */
  readonly setting: string;
  readonly needsKey: boolean;
  isEnabled(config: TokenBudgetConfig): boolean;
  /**
   * True when the source, though enabled, is only an estimate to compare with: its rows are kept
   * and shown beside the others but not added to the spend (local logs beside a network source).
   */
  estimateOnly?(config: TokenBudgetConfig): boolean;
  /** While off: a hint on how the source could help (shown with the source in the dashboard), if any. */
  offHint?(config: TokenBudgetConfig): string | undefined;
  /** Where the data comes from (e.g. the URL): when it changes, the source's old rows are dropped. */
  identity(config: TokenBudgetConfig): string;
  /**
   * True when a fetch without sync state re-reads every day from the service and loses nothing:
   * a new mismatch with the service's own total is then read again once before it is reported.
   */
  readonly rereadsFromScratch?: boolean;
  fetch(context: FetchContext): Promise<FetchOutcome>;
  /** Called by the adapter's owner before the first fetch (watchers, state files). */
  start?(context: SourceStartContext): void;
  /** Called by the owner when it lets go (deactivation): resolves once the adapter has saved and let go. */
  stop?(): Promise<void>;
}
