/** The status bar meter: one item named "Token Budget", rendered from each new snapshot. */
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { StatusBarDisplay } from '../core/config';
import type { Snapshot } from '../core/snapshot';
import { statusBarView } from './statusBarModel';

export class StatusBarMeter extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private last: Snapshot | undefined;

  constructor(private display: () => StatusBarDisplay) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem('tokenBudget.meter', vscode.StatusBarAlignment.Right, 100));
    this.item.name = 'Token Budget';
    this.item.text = '$(sync~spin) Token Budget';
    this.item.show();
  }

  update(snapshot: Snapshot): void {
    this.last = snapshot;
    const view = statusBarView(snapshot, this.display(), new Date());
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltip, true);
    tooltip.isTrusted = { enabledCommands: ['tokenBudget.openDashboard', 'tokenBudget.refresh', 'tokenBudget.showLog', 'tokenBudget.setApiKey', 'tokenBudget.setAnnualBudget', 'tokenBudget.configure'] };
    tooltip.supportHtml = false;
    this.item.tooltip = tooltip;
    this.item.command = view.command;
    this.item.accessibilityInformation = { label: view.accessibilityLabel, role: 'button' };
    this.item.backgroundColor =
      view.level === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : view.level === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  /** What the item shows now (for the extension-host tests, through the extension's API). */
  state(): { text: string; tooltip: string; command: string | undefined; background: string | undefined; accessibilityLabel: string | undefined } {
    const tooltip = this.item.tooltip;
    const command = this.item.command;
    return {
      text: this.item.text,
      tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''),
      command: typeof command === 'string' ? command : command?.command,
      background: this.item.backgroundColor instanceof vscode.ThemeColor ? (this.item.backgroundColor as unknown as { id: string }).id : undefined,
      accessibilityLabel: this.item.accessibilityInformation?.label,
    };
  }

  /** Re-renders the last snapshot (e.g. the display setting changed, or to refresh "3 min ago"). */
  rerender(): void {
    if (this.last) this.update(this.last);
  }
}
