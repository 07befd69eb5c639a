/**
 * Wiring only: build the services, register the commands, and register every disposable with one
 * tree (lifecycle.ts), whose disposal `deactivate` returns: the editor then waits for the local-log
 * scan worker's last save and for this window to give up leading the others.
 */
import * as vscode from 'vscode';
import { loadConfig } from './config';
import { SECTION } from './core/config';
import type { Snapshot } from './core/snapshot';
import { Disposable } from './lifecycle';
import { createLog } from './log';
import { Keys, isKeyedSource, keySpec } from './secrets';
import { HttpClient } from './sources/http';
import { githubSessionProvider } from './sources/githubAuth';
import { createSources } from './sources/registry';
import { startSources } from './sources/vscode';
import { AlertStore } from './state/alertStore';
import { BudgetService } from './state/budgetService';
import { Coordinator } from './state/coordinator';
import { LedgerStore } from './state/ledgerStore';
import { fetchOnOwn } from './state/standalone';
import { AlertNotifier, registerSnoozeCommand } from './ui/alerts';
import { registerCommands } from './ui/commands';
import { DashboardPanel } from './ui/dashboardPanel';
import { EXPORT_CSV_COMMAND, registerExportCsv } from './ui/exportCsv';
import { registerSignInGitHub, vscodeGitHubAuth } from './ui/githubSignIn';
import { StatusBarMeter } from './ui/statusBar';

/** A repeating timer owned by the disposable tree. */
function interval(ms: number, tick: () => void): vscode.Disposable {
  const handle = setInterval(tick, ms);
  return new vscode.Disposable(() => clearInterval(handle));
}

/** What activate() returns: read-only views and a refresh, for the extension-host tests. */
export interface TokenBudgetApi {
  snapshot(): Snapshot;
  statusBar(): ReturnType<StatusBarMeter['state']>;
  refresh(): Promise<void>;
}

/** The running extension's disposable tree, for `deactivate` (the editor calls it without the context). */
let running: Disposable | undefined;

export function activate(context: vscode.ExtensionContext): TokenBudgetApi {
  const tree = new Disposable();
  running = tree;
  context.subscriptions.push(tree);
  // Registered first, disposed last: what is disposed before it may still log.
  const log = tree.register(createLog());
  // The Copilot source reads VS Code's GitHub session only once the user granted it (Sign in with GitHub).
  const sources = createSources({ githubSession: githubSessionProvider(vscodeGitHubAuth) });
  const keys = tree.register(new Keys(context.secrets));
  let config = loadConfig();
  const http = new HttpClient({ logger: { debug: (m) => log.debug(m), warn: (m) => log.warn(m) } });
  const service = new BudgetService({
    adapters: sources.adapters,
    http,
    store: new LedgerStore(context.globalStorageUri.fsPath),
    config: () => config,
    key: async (source) => (isKeyedSource(source) ? (await keys.get(source))?.key : undefined),
    logger: log,
  });
  const meter = tree.register(new StatusBarMeter(() => config.statusBar.display));
  const dashboard = tree.register(
    new DashboardPanel(context.extensionUri, {
      snapshot: () => service.snapshot,
      ledger: () => service.ledgerRows,
      workdays: () => config.workdays,
      budgetYears: () => service.budgetYears,
      snapshotOfYear: (start) => service.snapshotOfYear(start),
      warn: (m) => log.warn(m),
      debug: (m) => log.debug(m),
      onMessage: (message) => {
        if (message.type === 'refresh') void vscode.commands.executeCommand('tokenBudget.refresh');
        else if (message.type === 'exportCsv') void vscode.commands.executeCommand(EXPORT_CSV_COMMAND);
        else if (message.type === 'command') void vscode.commands.executeCommand(message.command);
      },
    }),
  );

  // One window fetches for all windows of the profile and the others follow (state/coordinator.ts);
  // when that cannot work, this one fetches on its own (`onOwn`, state/standalone.ts).
  let onOwn = false;
  // Its disposal is awaited: a leading window gives up the lease.
  const coordinator = tree.register(
    new Coordinator({
      dir: context.globalStorageUri.fsPath,
      service,
      intervalMs: () => config.refreshIntervalMinutes * 60_000,
      // With no source configured no window leads, so none rewrites its lease every heartbeat.
      active: () => service.snapshot.configured,
      logger: log,
    }),
  );
  // A coordinator that cannot use the shared folder fails a refresh as it fails start(): this
  // window then fetches on its own, as after a failed start (below).
  const refresh = (reason: string) =>
    coordinator.refresh(reason).catch(async (error: unknown) => {
      log.warn(`Could not coordinate the refresh with other windows (${(error as Error).message}); this window fetches on its own.`);
      await service.refresh(reason);
    });
  // The sources' own files under global storage (the agents' scan state), a refresh when watched
  // logs change (by the window that fetches for all), progress in the status bar for long scans.
  // Its disposal is awaited: the sources stop (the scan worker's last save).
  tree.register(startSources(context, sources, (reason) => coordinator.changed(reason)));
  const alertStore = new AlertStore(context.globalStorageUri.fsPath, {
    // Told like an unreadable ledger: logged, and a warning saying where the file was kept.
    onUnreadable: (notice) => {
      const instead = notice.restoredFrom ? `its last good copy (${notice.restoredFrom}) is used instead` : 'there was no good copy, so alerts already shown may show again';
      log.error(`The saved alert memory could not be used (${notice.reason}); it was moved to ${notice.movedTo} and ${instead}.`);
      void vscode.window.showWarningMessage(
        `Token Budget: the saved alert memory (snoozes, alerts already shown) could not be read (${notice.reason}). It was kept as ${notice.movedTo}, and ${notice.restoredFrom ? 'its last good copy is used instead' : 'alerts already shown may show again'}.`,
      );
    },
  });
  const alerts = tree.register(
    new AlertNotifier({
      store: alertStore,
      snapshot: () => service.snapshot,
      spendByDay: () => service.spendByDay(),
      config: () => config,
      isLeader: () => onOwn || coordinator.isLeader,
      log,
      openDashboard: () => dashboard.open(),
    }),
  );
  // Re-render once a minute so "updated 3 min ago" and the day boundary stay true.
  tree.register(interval(60_000, () => service.recompute()));

  // Listeners and commands.
  for (const disposable of [
    service.onDidChange((snapshot) => {
      meter.update(snapshot);
      dashboard.update(snapshot);
      alerts.evaluate();
    }),
    coordinator.onDidChangeRole(() => alerts.evaluate()),
    vscode.window.onDidChangeWindowState((state) => state.focused && alerts.evaluate()),
    registerSnoozeCommand({ store: alertStore, log, afterChange: () => alerts.evaluate() }),
    ...registerCommands({ keys, log, refresh, snapshot: () => service.snapshot, openDashboard: () => dashboard.open() }),
    registerSignInGitHub({ log, refresh }),
    registerExportCsv({ rows: () => service.ledgerRows, configured: () => service.snapshot.configured, log }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      config = loadConfig(); // the coordinator reads the refresh interval from it at each heartbeat
      if (e.affectsConfiguration(`${SECTION}.statusBar`) && !e.affectsConfiguration(`${SECTION}.sources`)) {
        meter.rerender();
      }
      service.recompute();
      coordinator.changed('settings changed');
    }),
    keys.onDidChange((source) => {
      log.info(`Key for ${keySpec(source).label} changed.`);
      coordinator.changed('key changed');
    }),
  ])
    tree.register(disposable);

  const manifest = context.extension.packageJSON as { version?: unknown };
  log.info(`Token Budget ${String(manifest.version)} activated.`);
  void (async () => {
    const notice = await service.load();
    if (notice?.kind === 'corrupt') {
      void vscode.window.showWarningMessage(`Token Budget: the saved history could not be read (${notice.reason}). It was kept as ${notice.movedTo}, and the history is being rebuilt from your sources.`);
    }
    await coordinator.start().catch(async (error: unknown) => {
      log.warn(`Could not coordinate with other windows (${(error as Error).message}); this window fetches on its own, every refresh interval, and shows the alerts.`);
      onOwn = true;
      tree.register(fetchOnOwn({ refresh: (reason) => service.refresh(reason), intervalMs: () => config.refreshIntervalMinutes * 60_000 }));
      await service.refresh('startup');
    });
  })();

  return {
    snapshot: () => service.snapshot,
    statusBar: () => meter.state(),
    refresh: () => refresh('api'),
  };
}

/**
 * Disposes the tree and returns the promise of it, which the editor awaits: the local-log scan
 * worker saves its state, and a leading window releases its lease (after a renewal under way).
 */
export function deactivate(): Promise<void> | undefined {
  const tree = running;
  running = undefined;
  return tree?.dispose();
}
