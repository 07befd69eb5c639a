/**
 * A scan's output from a source's state: the ledger rows of the days asked for (the ledger
 * replaces whole days, so a changed day gets all its rows), and the small copy of the per-day
 * totals that travels in the ledger's `sync` (scanState.ts).
 */
import type { DayKey, LedgerRow } from '../../core/types';
import type { LocalSync, SyncRow } from './scanState';
import { COST, FIELDS, INPUT, LOGGED, LOGGED_LIST, LOGGED_N, OUTPUT, READ, REQUESTS, UNPRICED, WRITE, type SourceState } from './state';

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Every row (local day × model × project) of `days`, ordered by day, model, project. */
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
    const project = state.bucketProject[b] as string;
    const logged = (t[o + LOGGED_N] as number) > 0.5;
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
      ...(unpriced ? { unpriced: true } : {}),
      ...(project !== '' ? { project } : {}),
      ...(logged ? { loggedCost: Math.max(0, t[o + LOGGED] as number), loggedListCost: unpriced ? 0 : Math.max(0, t[o + LOGGED_LIST] as number) } : {}),
    };
    rows.push(row);
  }
  rows.sort((a, b) => compareText(a.date, b.date) || compareText(a.model, b.model) || compareText(a.project ?? '', b.project ?? ''));
  return rows;
}

/** The ledger's copy of the state's per-day totals. */
export function syncOf(state: SourceState): LocalSync {
  const days: Record<string, SyncRow[]> = {};
  const t = state.totals;
  const round = (x: number) => Math.round(x);
  const money = (x: number) => Number(x.toFixed(6));
  for (let b = 0; b < state.bucketKeys.length; b++) {
    const o = b * FIELDS;
    if ((t[o + REQUESTS] as number) < 0.5) continue;
    const day = state.bucketDay[b] as string;
    const row: SyncRow = [state.bucketModel[b] as string, money(t[o + COST] as number), round(t[o + INPUT] as number), round(t[o + OUTPUT] as number), round(t[o + READ] as number), round(t[o + WRITE] as number), round(t[o + REQUESTS] as number), round(t[o + UNPRICED] as number)];
    const project = state.bucketProject[b] as string;
    const loggedN = round(t[o + LOGGED_N] as number);
    // Always the project (a row without it is of a sync written before projects: recover reads it
    // as the day × model's total), the logged costs where there are some. An older reader drops them.
    row.push(project);
    if (loggedN > 0) row.push(loggedN, money(t[o + LOGGED] as number), money(t[o + LOGGED_LIST] as number));
    (days[day] ??= []).push(row);
  }
  return { v: 1, stateId: state.stateId, generation: state.generation, days: days as LocalSync['days'], ...(state.fastUnknown.size > 0 ? { fastUnknown: [...state.fastUnknown].sort() } : {}) };
}
