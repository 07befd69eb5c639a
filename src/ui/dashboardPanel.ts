/**
 * The dashboard panel (host side): one panel, revealed if already open, restored after a reload
 * by a WebviewPanelSerializer. Strict CSP with a nonce; the webview never talks to the network.
 */
import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import * as vscode from 'vscode';
import { buildDashboardModel } from '../core/dashboardModel';
import type { Snapshot } from '../core/snapshot';
import { WebviewMessageSchema, type HostMessage, type WebviewMessage } from '../../webview/protocol';

export const VIEW_TYPE = 'tokenBudget.dashboard';

export interface DashboardHost {
  snapshot(): Snapshot;
  onMessage(message: WebviewMessage): void;
  warn(message: string): void;
}

/** The panel's HTML: the CSP allows only our nonce'd script and styles/fonts from the extension. */
export function dashboardHtml(webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>, extensionUri: vscode.Uri, nonce: string): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'dashboard.js'));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'dashboard.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css.toString()}">
<title>Token Budget</title>
</head>
<body>
<div id="root"><p class="loading">Loading your budget…</p></div>
<script type="module" nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

export class DashboardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: DashboardHost,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
        deserializeWebviewPanel: (panel) => {
          this.attach(panel);
          return Promise.resolve();
        },
      }),
    );
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

  /** Posts the new model in place (no re-creation, no flicker). */
  update(snapshot: Snapshot): void {
    if (this.panel && this.ready) this.post({ type: 'model', model: buildDashboardModel(snapshot) });
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.options();
    panel.webview.html = dashboardHtml(panel.webview, this.extensionUri, randomBytes(16).toString('base64'));
    const subscriptions = [
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down (no retainContextWhenHidden); it says "ready" again when shown.
        if (!panel.visible) this.ready = false;
      }),
      vscode.window.onDidChangeActiveColorTheme(() => this.post({ type: 'theme' })),
    ];
    panel.onDidDispose(() => {
      for (const d of subscriptions) d.dispose();
      this.panel = undefined;
      this.ready = false;
    });
  }

  private receive(raw: unknown): void {
    const parsed = v.safeParse(WebviewMessageSchema, raw);
    if (!parsed.success) {
      this.host.warn(`Dashboard sent a message that was ignored: ${JSON.stringify(raw).slice(0, 200)}`);
      return;
    }
    if (parsed.output.type === 'ready') {
      this.ready = true;
      this.update(this.host.snapshot());
      return;
    }
    this.host.onMessage(parsed.output);
  }

  private post(message: HostMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
