/**
 * The typed message protocol between the extension host and the dashboard webview. Both sides
 * import this file. The webview says `ready` first; only then does the host post data.
 * Inbound messages are validated on each side before use: the host with the valibot schema below,
 * the webview with the type guard in `guard.ts` (which keeps valibot out of the browser bundle).
 */
import * as v from 'valibot';
import type { DashboardModel } from '../src/core/dashboardModel';

/** Host → webview: a new model to show in place, or "the colour theme changed". */
export type HostMessage = { readonly type: 'model'; readonly model: DashboardModel } | { readonly type: 'theme' };

/** Commands the dashboard may run (anything else is refused by the schema). */
export const DASHBOARD_COMMANDS = ['tokenBudget.setApiKey', 'tokenBudget.setAnnualBudget', 'tokenBudget.showLog', 'tokenBudget.configure'] as const;

/** Webview → host. */
export const WebviewMessageSchema = v.variant('type', [
  /** The page is loaded and listening: post the model. */
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('refresh') }),
  v.object({ type: v.literal('exportCsv') }),
  v.object({ type: v.literal('command'), command: v.picklist(DASHBOARD_COMMANDS) }),
  /** Show another budget year (by its first day); the current year's first day goes back to today. */
  v.object({ type: v.literal('selectYear'), start: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/)) }),
  /** The charts of a model are drawn (how long it took, in ms), for the log and the bench. */
  v.object({ type: v.literal('drawn'), ms: v.pipe(v.number(), v.finite(), v.minValue(0)) }),
]);
export type WebviewMessage = v.InferOutput<typeof WebviewMessageSchema>;

export type DailyRange = 'd90' | 'year';
export type BreakdownTab = 'model' | 'source' | 'project';
export type SortKey = 'label' | 'cost' | 'share' | 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'requests';
export interface SortState {
  readonly key: SortKey;
  readonly descending: boolean;
}

/** What the webview keeps across reloads and hide/show with getState/setState. */
export interface WebviewState {
  readonly model?: DashboardModel;
  readonly dailyRange?: DailyRange;
  readonly breakdownTab?: BreakdownTab;
  readonly sort?: { readonly model?: SortState; readonly source?: SortState; readonly project?: SortState };
  /** Series of the daily chart the user hid through its legend. */
  readonly hiddenSeries?: readonly string[];
}
