/**
 * A "window" for the coordination tests: a BudgetService on the shared folder, fed by the gateway
 * simulator, and its Coordinator with short intervals. Used in-process by coordinator.test.ts and
 * as a child process by coordinator-child.ts.
 */
import { readConfig, type TokenBudgetConfig } from '../../../src/core/config';
import { ADAPTERS } from '../../../src/sources';
import { HttpClient } from '../../../src/sources/http';
import { BudgetService } from '../../../src/state/budgetService';
import { Coordinator } from '../../../src/state/coordinator';
import { LedgerStore } from '../../../src/state/ledgerStore';
import type { TestClock } from './testClock';

export const KEY = 'coord-key-00000001';
export const NOW = new Date('2026-11-27T12:00:00Z');
export const HEARTBEAT_MS = 100;
export const STALE_MS = 400;
export const INTERVAL_MS = 600;

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface TestWindow {
  readonly name: string;
  readonly service: BudgetService;
  readonly coordinator: Coordinator;
  /** Role changes seen, in order. */
  readonly roles: string[];
}

/**
 * Opens a window on `dir`. With a `clock` (a TestClock), its coordinator runs on that clock, and
 * the clock waits for its fetches as for its looks.
 */
export async function openWindow(name: string, dir: string, gatewayUrl: string, options: { log?: (line: string) => void; intervalMs?: number; clock?: TestClock } = {}): Promise<TestWindow> {
  const config: TokenBudgetConfig = readConfig((k) => ({ 'sources.gateway.url': gatewayUrl })[k]);
  const log = options.log;
  const logger = log ? { info: (m: string) => log(`${name}: ${m}`), warn: (m: string) => log(`${name}: WARN ${m}`), error: (m: string) => log(`${name}: ERROR ${m}`) } : quiet;
  const service = new BudgetService({
    adapters: ADAPTERS,
    // (The simulator is local: a generous timeout, so a busy machine never makes a fetch fail.)
    http: new HttpClient({ retries: 0, timeoutMs: 20_000 }),
    store: new LedgerStore(dir),
    config: () => config,
    key: () => Promise.resolve(KEY),
    logger,
    now: () => NOW,
  });
  const clock = options.clock;
  clock?.busyWhile(() => service.refreshing);
  const coordinator = new Coordinator({ dir, service, intervalMs: () => options.intervalMs ?? INTERVAL_MS, logger, id: name, heartbeatMs: HEARTBEAT_MS, staleMs: STALE_MS, requestTimeoutMs: 5_000, ...(clock ? { clock } : {}) });
  const roles: string[] = [];
  coordinator.onDidChangeRole((role) => roles.push(role));
  await service.load();
  await coordinator.start();
  return { name, service, coordinator, roles };
}
