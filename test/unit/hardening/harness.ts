/**
 * A real BudgetService + HttpClient + LedgerStore wired to one fault-suite target, with an
 * injected clock (shared by the service and the client, so `Retry-After` and the clock agree),
 * an instant `sleep` that records how long the client wanted to wait, the client's request
 * timeouts on a timer of their own (`timeoutScale`), and every log line kept.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../../src/core/config';
import type { SourceStatus } from '../../../src/core/snapshot';
import { ADAPTERS } from '../../../src/sources';
import { HttpClient } from '../../../src/sources/http';
import { BudgetService } from '../../../src/state/budgetService';
import { LedgerStore } from '../../../src/state/ledgerStore';
import { KEYS, NOW, type Target } from './targets';

export const TIMEOUT_MS = 2000;
export const RETRIES = 2;

export class Harness {
  clock = NOW.getTime();
  readonly logs: string[] = [];
  /** Every wait the HTTP client asked for (backoff, Retry-After), in ms. */
  readonly waits: number[] = [];
  /**
   * How slow the timer of the client's request timeouts runs, against real time. Ten times slow
   * by default, like the rest of the clock here (which stands still while the client works): a
   * busy machine never makes a healthy request, or a 50 MB body read up to the cap, time out.
   * A fault where the server never answers sets 0.05: its TIMEOUT_MS passes in a twentieth of it,
   * as nothing but the timeout can happen meanwhile.
   */
  timeoutScale = 10;
  /** Every request timeout that fired (the client gave up waiting), in ms as the client set it. */
  readonly timeouts: number[] = [];
  key: string;
  readonly service: BudgetService;
  readonly store: LedgerStore;
  readonly http: HttpClient;

  private constructor(
    readonly target: Target,
    dir: string,
  ) {
    this.key = KEYS[target.id];
    const now = () => new Date(this.clock);
    this.http = new HttpClient({
      timeoutMs: TIMEOUT_MS,
      retries: RETRIES,
      baseDelayMs: 200,
      maxDelayMs: 2000,
      now,
      sleep: (ms) => {
        this.waits.push(ms);
        return Promise.resolve();
      },
      startTimeout: (ms, onTimeout) => {
        const timer = setTimeout(() => {
          this.timeouts.push(ms);
          onTimeout();
        }, ms * this.timeoutScale);
        return () => clearTimeout(timer);
      },
      logger: { debug: (m) => this.logs.push(`debug ${m}`), warn: (m) => this.logs.push(`warn ${m}`) },
    });
    this.store = new LedgerStore(dir, now);
    const config = readConfig((k) => target.settings[k]);
    this.service = new BudgetService({
      adapters: ADAPTERS,
      http: this.http,
      store: this.store,
      config: () => config,
      key: () => Promise.resolve(this.key),
      logger: { info: (m) => this.logs.push(`info ${m}`), warn: (m) => this.logs.push(`warn ${m}`), error: (m) => this.logs.push(`error ${m}`) },
      now,
    });
  }

  static async start(target: Target, dir?: string): Promise<Harness> {
    return new Harness(target, dir ?? (await mkdtemp(join(tmpdir(), `tb-faults-${target.id}-`))));
  }

  advance(ms: number): void {
    this.clock += ms;
  }

  /** Requests the proxy has seen so far. */
  get requestCount(): number {
    return this.target.proxy.requests.length;
  }

  /** Refreshes and returns how many requests reached the server meanwhile. */
  async refresh(reason: string): Promise<number> {
    const before = this.requestCount;
    await this.service.refresh(reason);
    return this.requestCount - before;
  }

  get status(): SourceStatus {
    const s = this.service.snapshot.sources.find((x) => x.id === this.target.id);
    if (!s) throw new Error(`no status for ${this.target.id}`);
    return s;
  }

  /** The source's spend over every row of the ledger (every year). */
  get ledgerTotal(): number {
    return this.service.ledgerRows.filter((r) => r.source === this.target.id).reduce((s, r) => s + r.cost, 0);
  }
}
