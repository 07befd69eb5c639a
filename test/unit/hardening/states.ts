/**
 * Large ledger states that can be told apart and rebuilt from their number alone, for the
 * durability test: state N has a different number of rows, different costs, and says its number
 * in the gateway's note.
 */
import type { LedgerRow, SourceId } from '../../../src/core/types';
import type { StoredState } from '../../../src/state/ledgerStore';

const SOURCES: readonly SourceId[] = ['gateway', 'litellm', 'openrouter', 'openai', 'anthropic'];
const MODELS = ['claude-sonnet-4-5', 'gpt-4o-mini', 'gemini-2.5-pro', 'claude-haiku-4-5', 'o3'];

function dayOf(i: number): string {
  return new Date(Date.UTC(2025, 0, 1) + (i % 700) * 86_400_000).toISOString().slice(0, 10);
}

/** State number `n`: 12,000 to 18,000 rows (about 1.5 MB of JSON). */
export function stateNumber(n: number): StoredState {
  const count = 12_000 + (n % 7) * 1_000;
  const rows: LedgerRow[] = [];
  const seen = new Set<string>();
  for (let i = 0; rows.length < count; i++) {
    const date = dayOf(i);
    const source = SOURCES[i % SOURCES.length] ?? 'gateway';
    const model = `${MODELS[Math.floor(i / 700) % MODELS.length] ?? 'm'}-${Math.floor(i / 3500)}`;
    const key = `${date}|${source}|${model}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ date, source, model, cost: Math.round((n * 1.37 + i * 0.01) * 100) / 100, inputTokens: n + i, outputTokens: i, cacheReadTokens: n % 13, cacheWriteTokens: i % 11, requests: 1 + (i % 5), ...(i % 97 === 0 ? { unpriced: true } : {}) });
  }
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
