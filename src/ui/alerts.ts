/**
 * Alerts as VS Code notifications, and the "Snooze Alerts…" command.
 *
 * Which window shows an alert: the one with focus, else the one that fetches (the leader). Each
 * evaluation consumes what it shows in the shared memory under a lock (state/alertStore.ts), so
 * an alert shows once across all windows whichever evaluates first; a leader without focus waits
 * a few seconds first, giving a focused window (which reloads the leader's data within moments)
 * the chance to show it where the user is looking.
 */
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../lifecycle';
import { alertInputFrom, evaluateAlerts, isSnoozed, muteThresholds, snoozeEnd, withSnooze, type Alert, type SnoozeChoice, type SpendByDay } from '../core/alerts';
import type { TokenBudgetConfig } from '../core/config';
import type { Snapshot } from '../core/snapshot';
import type { AlertStore } from '../state/alertStore';

export const SNOOZE_COMMAND = 'tokenBudget.snoozeAlerts';

const OPEN_DASHBOARD = 'Open Dashboard';
const SNOOZE_DAY = 'Snooze 1 day';
const SNOOZE_WEEK = 'Snooze 1 week';
const MUTE_YEAR = "Don't show again this year";

/** How long a leader without focus leaves the alerts to a focused window. */
const UNFOCUSED_LEADER_DELAY_MS = 4_000;

export interface AlertNotifierDeps {
  readonly store: AlertStore;
  readonly snapshot: () => Snapshot;
  readonly spendByDay: () => SpendByDay;
  readonly config: () => TokenBudgetConfig;
  readonly isLeader: () => boolean;
  readonly log: vscode.LogOutputChannel;
  readonly openDashboard: () => void;
}

/** When a snooze ends, for people: "Tue 14:00". */
function untilText(until: Date): string {
  return until.toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

export class AlertNotifier extends Disposable {
  private chain: Promise<void> = Promise.resolve();
  private delayed: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: AlertNotifierDeps) {
    super();
    // Disposed: no delayed evaluation, and an evaluation under way finishes its write to the shared memory.
    this.register(
      toDisposable(() => {
        if (this.delayed) clearTimeout(this.delayed);
        return this.chain;
      }),
    );
  }

  /** Evaluates the alert policy on the current snapshot, if this window is the one to show them. */
  evaluate(): void {
    if (this.isDisposed) return;
    if (vscode.window.state.focused) {
      this.enqueue();
    } else if (this.deps.isLeader() && !this.delayed) {
      this.delayed = setTimeout(() => {
        this.delayed = undefined;
        this.enqueue();
      }, UNFOCUSED_LEADER_DELAY_MS);
    }
  }

  private enqueue(): void {
    this.chain = this.chain.then(() => this.evaluateOnce()).catch((error: unknown) => this.deps.log.warn(`Alerts: ${(error as Error).message}`));
  }

  private async evaluateOnce(): Promise<void> {
    if (this.isDisposed) return;
    const snapshot = this.deps.snapshot();
    // Only on real numbers: something configured and fetched at least once.
    if (!snapshot.configured || snapshot.lastUpdated === undefined) return;
    const config = this.deps.config();
    const spend = this.deps.spendByDay();
    const alerts = await this.deps.store.update((memory) => {
      const decision = evaluateAlerts(alertInputFrom(snapshot, spend, { now: new Date(), workdays: config.workdays, settings: config.alerts, memory }));
      return { memory: decision.memory, result: decision.alerts };
    });
    for (const alert of alerts) void this.show(alert);
  }

  private async show(alert: Alert): Promise<void> {
    this.deps.log.info(`Alert (${alert.kind}): ${alert.message}`);
    const actions = [OPEN_DASHBOARD, SNOOZE_DAY, SNOOZE_WEEK, ...(alert.kind === 'threshold' ? [MUTE_YEAR] : [])];
    const show = alert.severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const choice = await show(alert.message, ...actions);
    if (choice === OPEN_DASHBOARD) {
      this.deps.openDashboard();
    } else if (choice === SNOOZE_DAY || choice === SNOOZE_WEEK) {
      const until = snoozeEnd(choice === SNOOZE_DAY ? 'day' : 'week', new Date());
      await this.deps.store.update((memory) => ({ memory: withSnooze(memory, until), result: undefined }));
      this.deps.log.info(`Alerts snoozed until ${until.toISOString()}.`);
      void vscode.window.showInformationMessage(`Token Budget: alerts snoozed until ${untilText(until)}.`);
    } else if (choice === MUTE_YEAR) {
      await this.deps.store.update((memory) => ({ memory: muteThresholds(memory, alert.yearStart), result: undefined }));
      this.deps.log.info(`Threshold alerts muted for the budget year starting ${alert.yearStart}.`);
    }
  }
}

interface SnoozeItem extends vscode.QuickPickItem {
  readonly choice: SnoozeChoice | 'off';
}

/**
 * `tokenBudget.snoozeAlerts`: a QuickPick (1 hour, 1 day, 1 week, until tomorrow morning, or off
 * while snoozed). An argument ('hour' | 'day' | 'week' | 'tomorrow' | 'off') skips the QuickPick,
 * for keybindings and tests.
 */
export function registerSnoozeCommand(deps: { readonly store: AlertStore; readonly log: vscode.LogOutputChannel; readonly afterChange: () => void }): vscode.Disposable {
  return vscode.commands.registerCommand(SNOOZE_COMMAND, async (preset?: unknown) => {
    const now = new Date();
    const memory = await deps.store.load();
    const snoozed = isSnoozed(memory, now);
    const items: SnoozeItem[] = [
      { label: 'For 1 hour', choice: 'hour' },
      { label: 'For 1 day', choice: 'day' },
      { label: 'For 1 week', choice: 'week' },
      { label: 'Until tomorrow morning', description: untilText(snoozeEnd('tomorrow', now)), choice: 'tomorrow' },
      ...(snoozed && memory.snoozedUntil ? [{ label: 'Turn snooze off', description: `snoozed until ${untilText(new Date(memory.snoozedUntil))}`, choice: 'off' as const }] : []),
    ];
    const presetChoice = typeof preset === 'string' ? items.find((i) => i.choice === preset)?.choice ?? (preset === 'off' ? 'off' : undefined) : undefined;
    const choice =
      presetChoice ??
      (await vscode.window.showQuickPick(items, { title: 'Token Budget: Snooze Alerts', placeHolder: snoozed ? 'Alerts are snoozed. Snooze for longer, or turn the snooze off' : 'Silence Token Budget alerts in every window for…' }))?.choice;
    if (choice === undefined) return;
    const until = choice === 'off' ? undefined : snoozeEnd(choice, new Date());
    await deps.store.update((m) => ({ memory: withSnooze(m, until), result: undefined }));
    deps.log.info(until ? `Alerts snoozed until ${until.toISOString()}.` : 'Alert snooze turned off.');
    void vscode.window.showInformationMessage(until ? `Token Budget: alerts snoozed until ${untilText(until)}.` : 'Token Budget: alerts are on again.');
    deps.afterChange();
  });
}
