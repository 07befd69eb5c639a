/**
 * The typed message protocol between the extension host and the dashboard webview. Both sides
 * import this file. The webview says `ready` first; only then does the host post data.
 * Inbound messages are validated on each side before use.
 */
import * as v from 'valibot';
import type { DashboardModel } from '../src/core/dashboardModel';

/** Host → webview. */
export type HostMessage = { readonly type: 'model'; readonly model: DashboardModel } | { readonly type: 'theme' };

/** Webview → host. */
export const WebviewMessageSchema = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('refresh') }),
  v.object({ type: v.literal('exportCsv') }),
  v.object({ type: v.literal('command'), command: v.picklist(['tokenBudget.setApiKey', 'tokenBudget.setAnnualBudget', 'tokenBudget.showLog', 'tokenBudget.configure']) }),
]);
export type WebviewMessage = v.InferOutput<typeof WebviewMessageSchema>;

/** What the webview keeps across reloads with getState/setState. */
export interface WebviewState {
  readonly model?: DashboardModel;
  readonly tab?: string;
  readonly dailyRange?: 'd90' | 'year';
}
