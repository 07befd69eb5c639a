/**
 * The dashboard panel (host side): one panel, revealed if already open, restored after a reload
 * by a WebviewPanelSerializer. Strict CSP with a nonce; the webview never talks to the network.
 * The host builds the view model and posts it after the webview's `ready`, and again in place on
 * every change (an unchanged model is not posted twice).
 */
import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../lifecycle';
import { buildDashboardModel, type DashboardModel } from '../core/dashboardModel';
import type { Ledger } from '../core/ledger';
import type { Snapshot } from '../core/snapshot';
import type { DayKey, LedgerRow } from '../core/types';
import { dashboardHtml } from '../../webview/page';
import { WebviewMessageSchema, type HostMessage, type WebviewMessage } from '../../webview/protocol';

export { dashboardHtml } from '../../webview/page';

export const VIEW_TYPE = 'tokenBudget.dashboard';

export interface DashboardHost {
  snapshot(): Snapshot;
  /** The ledger (or its rows) the snapshot was computed from. */
  ledger(): Ledger | readonly LedgerRow[];
  /** The ISO weekdays the ideal pace rises on (`tokenBudget.workdays`). */
  workdays(): readonly number[];
  /** Every budget year seen (the archive), for the year picker. */
  budgetYears(): readonly { readonly start: DayKey; readonly end: DayKey }[];
  /** An earlier budget year's snapshot, as it stood on its last day; undefined when unknown. */
  snapshotOfYear(start: DayKey): Snapshot | undefined;
  /** Messages the panel does not handle itself: refresh, exportCsv, command. */
  onMessage(message: Exclude<WebviewMessage, { type: 'ready' | 'drawn' | 'selectYear' }>): void;
  warn(message: string): void;
  debug?(message: string): void;
}

/** The page for `webview`, with a fresh nonce. */
function pageFor(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  return dashboardHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: uri('dist', 'webview', 'dashboard.js'),
    codiconsUri: uri('dist', 'webview', 'dashboard.css'),
    styleUri: uri('media', 'dashboard.css'),
  });
}

/** The model without its timestamp, to tell whether anything shown changed. */
function contentKey(model: DashboardModel): string {
  return JSON.stringify({ ...model, generatedAt: undefined });
}

export class DashboardPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private lastPosted: string | undefined;
  /** The budget year shown when it is not today's (by its first day). */
  private selectedYear: DayKey | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: DashboardHost,
  ) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
        deserializeWebviewPanel: (panel) => {
          this.attach(panel);
          return Promise.resolve();
        },
      }),
    );
    this.register(toDisposable(() => this.panel?.dispose()));
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  open(): void {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Token Budget', { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, this.options());
    this.attach(panel);
  }

  /** The budget year shown (its first day): today's unless an earlier one was picked. */
  get shownYear(): DayKey | undefined {
    return this.selectedYear;
  }

  /**
   * Posts the new model in place (no re-creation, no flicker); skipped when nothing shown changed.
   * While an earlier budget year is picked, that year is shown (its numbers only change when its
   * rows do), with today's year one pick away.
   */
  update(snapshot: Snapshot): void {
    if (!this.panel || !this.ready) return;
    const shown = (this.selectedYear !== undefined && this.selectedYear !== snapshot.year.start ? this.host.snapshotOfYear(this.selectedYear) : undefined) ?? snapshot;
    if (shown === snapshot) this.selectedYear = undefined;
    const model = buildDashboardModel(shown, this.host.ledger(), this.host.workdays(), { years: this.host.budgetYears(), currentStart: snapshot.year.start });
    const key = contentKey(model);
    if (key === this.lastPosted) return;
    this.lastPosted = key;
    this.post({ type: 'model', model });
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.lastPosted = undefined;
    this.selectedYear = undefined;
    panel.iconPath = { light: vscode.Uri.joinPath(this.extensionUri, 'media', 'dashboard-light.svg'), dark: vscode.Uri.joinPath(this.extensionUri, 'media', 'dashboard-dark.svg') };
    panel.webview.options = this.options();
    panel.webview.html = pageFor(panel.webview, this.extensionUri);
    // The panel's own listeners, disposed with it.
    const subscriptions = new Disposable();
    subscriptions.register(panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    subscriptions.register(
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down (no retainContextWhenHidden); it says "ready" again when shown.
        if (!panel.visible) {
          this.ready = false;
          this.lastPosted = undefined;
        }
      }),
    );
    subscriptions.register(vscode.window.onDidChangeActiveColorTheme(() => this.post({ type: 'theme' })));
    panel.onDidDispose(() => {
      void subscriptions.dispose();
      this.panel = undefined;
      this.ready = false;
      this.lastPosted = undefined;
    });
  }

  private receive(raw: unknown): void {
    const parsed = v.safeParse(WebviewMessageSchema, raw);
    if (!parsed.success) {
      this.host.warn(`Dashboard sent a message that was ignored: ${JSON.stringify(raw).slice(0, 200)}`);
      return;
    }
    const message = parsed.output;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.lastPosted = undefined;
        this.update(this.host.snapshot());
        return;
      case 'drawn':
        this.host.debug?.(`Dashboard drawn in ${message.ms} ms.`);
        return;
      case 'selectYear':
        this.selectedYear = message.start;
        this.update(this.host.snapshot());
        return;
      default:
        this.host.onMessage(message);
    }
  }

  private post(message: HostMessage): void {
    void this.panel?.webview.postMessage(message);
  }
}
