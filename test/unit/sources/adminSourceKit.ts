/**
 * What the OpenAI and Anthropic Admin source tests share: the clock, the HTTP client, the fake's
 * lifecycle and request log, the common fields of a fetch input, and small row helpers.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import { readConfig, type TokenBudgetConfig } from '../../../src/core/config';
import type { LedgerRow } from '../../../src/core/types';
import { HttpClient } from '../../../src/sources/http';
import type { FakeServer, LoggedRequest } from '../../fakes/providerFake';

export const NOW = new Date('2026-11-27T12:00:00Z');
export const http = new HttpClient({ retries: 1, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 2000 });

export const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** The weekdays (UTC) of 2026 up to NOW, in order. */
export const WEEKDAYS: readonly string[] = (() => {
  const out: string[] = [];
  for (let t = Date.parse('2026-01-01T00:00:00Z'); t <= NOW.getTime(); t += 86_400_000) {
    const w = new Date(t).getUTCDay();
    if (w !== 0 && w !== 6) out.push(dayOf(t));
  }
  return out;
})();

export interface FakeLog {
  /** Requests since the last mark (each test starts with one), optionally only to `path`. */
  readonly since: (path?: string) => LoggedRequest[];
  /** Marks the request log: `since` starts again from here. */
  readonly mark: () => void;
}

/**
 * Starts the fake before the file's tests and closes it after them; before each test, clears its
 * fault and marks its request log.
 */
export function useFake(start: () => Promise<FakeServer>): FakeLog {
  let fake: FakeServer | undefined;
  let mark = 0;
  const server = (): FakeServer => {
    assert.ok(fake, 'the fake is started before the tests');
    return fake;
  };
  before(async () => {
    fake = await start();
  });
  after(() => server().close());
  beforeEach(() => {
    server().setFault(null);
    mark = server().requests.length;
  });
  return {
    since: (path) => server().requests.slice(mark).filter((r) => path === undefined || r.path === path),
    mark: () => {
      mark = server().requests.length;
    },
  };
}

/** The fetch-input fields both sources take: the year 2026 up to NOW, fetched afresh. */
export function inputBase(baseUrl: string, key: string) {
  return { http, baseUrl: new URL(baseUrl), key, yearStart: '2026-01-01', today: '2026-11-27', utcToday: '2026-11-27', now: NOW, sync: {} };
}

/** A configuration with these settings (without the `tokenBudget.` prefix). */
export const configOf = (values: Record<string, unknown>): TokenBudgetConfig => readConfig((k) => values[k]);

export const rowsOn = (rows: readonly LedgerRow[], d: string): LedgerRow[] => rows.filter((r) => r.date === d);
/** The priced total of rows (unpriced rows count 0). */
export const total = (rows: readonly LedgerRow[]): number => rows.reduce((s, r) => s + (r.unpriced ? 0 : r.cost), 0);

/** An HTTP client like `http` that records the waits it is asked for instead of sleeping. */
export function recordingWaits(): { readonly http: HttpClient; readonly waits: number[] } {
  const waits: number[] = [];
  const client = new HttpClient({
    retries: 1,
    baseDelayMs: 1,
    maxDelayMs: 2,
    timeoutMs: 2000,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  return { http: client, waits };
}
