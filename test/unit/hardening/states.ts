/**
 * Large states that can be told apart and rebuilt from their number alone, for the durability
 * test: a ledger (state N has a different number of rows, different costs, and says its number in
 * the gateway's note), an alert memory and a local-log scan state.
 */
import type { AlertMemory } from '../../../src/core/alerts';
import type { LedgerRow, SourceId } from '../../../src/core/types';
import { hash53, RECORD, SourceState } from '../../../src/sources/localLogs/state';
import type { StoredState } from '../../../src/state/ledgerStore';

/** What the write loop (writeLoop.ts) writes through. */
export type WriteKind = 'ledger' | 'alerts' | 'lease' | 'scanState';

/** The lease writer's id, the same in every run (each renews the lease the last one left). */
export const LEASE_WRITER = 'killed-writer';

const SOURCES: readonly SourceId[] = ['gateway', 'litellm', 'openrouter', 'openai', 'anthropic'];
const MODELS = ['claude-sonnet-4-5', 'gpt-4o-mini', 'gemini-2.5-pro', 'claude-haiku-4-5', 'o3'];

/** The 700 days the states spread over, from 2025-01-01. */
const DAYS = Array.from({ length: 700 }, (_, d) => new Date(Date.UTC(2025, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));

function dayOf(i: number): string {
  return DAYS[i % 700] ?? '';
}

const MAX_ROWS = 6_000;
/** The day, source and model of the rows (the same in every state), with the index `i` each was made at: made once. */
let skeleton: readonly { readonly i: number; readonly date: string; readonly source: SourceId; readonly model: string }[] | undefined;
function rowSkeleton(): NonNullable<typeof skeleton> {
  if (skeleton) return skeleton;
  const made: { i: number; date: string; source: SourceId; model: string }[] = [];
  // Day, source and model by number (the day's of the 700, the source's, the model's name and
  // version): one key per distinct row, as `${date}|${source}|${model}` would be.
  const seen = new Set<number>();
  for (let i = 0; made.length < MAX_ROWS; i++) {
    const day = i % 700;
    const sourceIndex = i % SOURCES.length;
    const modelIndex = Math.floor(i / 700) % MODELS.length;
    const version = Math.floor(i / 3500);
    const key = ((day * SOURCES.length + sourceIndex) * MODELS.length + modelIndex) * 1_000 + version;
    if (seen.has(key)) continue;
    seen.add(key);
    made.push({ i, date: dayOf(i), source: SOURCES[sourceIndex] ?? 'gateway', model: `${MODELS[modelIndex] ?? 'm'}-${version}` });
  }
  skeleton = made;
  return made;
}

/** State number `n`: 4,000 to 6,000 rows (about 0.5 MB of JSON). */
export function stateNumber(n: number): StoredState {
  const count = 4_000 + (n % 7) * 330;
  const rows: LedgerRow[] = rowSkeleton()
    .slice(0, count)
    .map(({ i, date, source, model }) => ({ date, source, model, cost: Math.round((n * 1.37 + i * 0.01) * 100) / 100, inputTokens: n + i, outputTokens: i, cacheReadTokens: n % 13, cacheWriteTokens: i % 11, requests: 1 + (i % 5), ...(i % 97 === 0 ? { unpriced: true } : {}) }));
  return {
    rows,
    sources: { gateway: { note: `state ${n}`, lastSuccess: new Date(Date.UTC(2026, 10, 27) + n * 1000).toISOString(), sync: { coverage: { from: '2025-01-01', to: dayOf(n) } } } },
    gatewayBudget: { amount: 100_000 + n, periodStart: '2026-04-01', periodEnd: '2027-04-01' },
    years: [{ start: '2026-04-01', end: '2027-04-01', budget: 100_000 + n, origin: 'gateway', lastSeen: '2026-11-27' }],
  };
}

/** The number a saved state says it is. */
export function numberOf(state: StoredState): number {
  const match = /^state (\d+)$/.exec(state.sources['gateway']?.note ?? '');
  if (!match) throw new Error('not a numbered state');
  return Number(match[1]);
}

/** Alert memory number `n`: 6,000 to 9,000 spike days (about 100 KB of JSON), snoozed until second `n`. */
export function alertMemoryNumber(n: number): AlertMemory {
  const count = 6_000 + (n % 7) * 500;
  return {
    version: 1,
    snoozedUntil: new Date(n * 1000).toISOString(),
    years: { '2026-01-01': { thresholdsShown: [50, 75], thresholdsMuted: n % 2 === 0, paceArmed: true } },
    spikeDays: Array.from({ length: count }, (_, i) => `${n}-${i}`),
  };
}

/** The number an alert memory says it is. */
export function alertNumberOf(memory: AlertMemory): number {
  return Date.parse(memory.snoozedUntil ?? '') / 1000;
}

/** Scan state number `n` (generation `n`): 8,000 to 11,000 responses (about 0.75 MB). */
export function scanStateNumber(n: number): SourceState {
  const state = new SourceState('claudeCode', '/home/someone/.claude', 'state-id');
  state.generation = n;
  state.nextFileId = 2;
  const count = 8_000 + (n % 7) * 500;
  for (let i = 0; i < count; i++) {
    const bucket = state.bucket(dayOf(i), MODELS[i % MODELS.length] ?? 'm');
    state.add(1, bucket, 1, n + i / 100, i, n, 0, 0, 1, 0);
    const r = state.newRecord();
    state.records.set([1, bucket, 0, i, n, 0, 0, n + i / 100], r * RECORD);
    state.exact.set(hash53(`${n}:${i}`), r);
  }
  return state;
}

/** Whether `state` is exactly scan state number `n` as written (its size, totals and dedupe keys). */
export function isScanStateNumber(state: SourceState, n: number): boolean {
  const expected = scanStateNumber(n);
  return (
    state.generation === n &&
    state.recordCount === expected.recordCount &&
    state.exact.size === expected.exact.size &&
    state.bucketKeys.join('|') === expected.bucketKeys.join('|') &&
    state.totals.subarray(0, expected.bucketKeys.length * 7).every((x, i) => x === expected.totals[i])
  );
}
