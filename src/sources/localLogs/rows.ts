/**
 * A scan's output from a source's state: the ledger rows of the days asked for (the ledger
 * replaces whole days, so a changed day gets all its rows), and the small copy of the per-day
 * totals that travels in the ledger's `sync` (scanState.ts).
 */
import type { DayKey, LedgerRow } from '../../core/types';
import type { LocalSync } from './scanState';
import { COST, FIELDS, INPUT, OUTPUT, READ, REQUESTS, UNPRICED, WRITE, type SourceState } from './state';

/** Every row (local day × model) of `days`, ordered by day then model. */
export function rowsOf(state: SourceState, days: ReadonlySet<DayKey>): LedgerRow[] {
  const rows: LedgerRow[] = [];
  const t = state.totals;
  for (let b = 0; b < state.bucketKeys.length; b++) {
    const day = state.bucketDay[b] as string;
    if (!days.has(day)) continue;
    const o = b * FIELDS;
    const requests = Math.round(t[o + REQUESTS] as number);
    if (requests <= 0) continue;
    const unpriced = (t[o + UNPRICED] as number) > 0.5;
    const row: LedgerRow = {
      date: day,
      source: state.source,
      model: state.bucketModel[b] as string,
      cost: unpriced ? 0 : Math.max(0, t[o + COST] as number),
      inputTokens: Math.round(t[o + INPUT] as number),
      outputTokens: Math.round(t[o + OUTPUT] as number),
      cacheReadTokens: Math.round(t[o + READ] as number),
      cacheWriteTokens: Math.round(t[o + WRITE] as number),
      requests,
    };
    rows.push(unpriced ? { ...row, unpriced: true } : row);
  }
  rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  return rows;
}

/** The ledger's copy of the state's per-day totals. */
export function syncOf(state: SourceState): LocalSync {
  const days: Record<string, [string, number, number, number, number, number, number, number][]> = {};
  const t = state.totals;
  for (let b = 0; b < state.bucketKeys.length; b++) {
    const o = b * FIELDS;
    if ((t[o + REQUESTS] as number) < 0.5) continue;
    const day = state.bucketDay[b] as string;
    const round = (x: number) => Math.round(x);
    (days[day] ??= []).push([state.bucketModel[b] as string, Number((t[o + COST] as number).toFixed(6)), round(t[o + INPUT] as number), round(t[o + OUTPUT] as number), round(t[o + READ] as number), round(t[o + WRITE] as number), round(t[o + REQUESTS] as number), round(t[o + UNPRICED] as number)]);
  }
  return { v: 1, stateId: state.stateId, generation: state.generation, days, ...(state.fastUnknown.size > 0 ? { fastUnknown: [...state.fastUnknown].sort() } : {}) };
}
