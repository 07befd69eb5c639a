/**
 * Wiring only: build the services, register the commands, hand every disposable to the context.
 */
import * as vscode from 'vscode';
import { loadConfig } from './config';
import { SECTION } from './core/config';
import type { Snapshot } from './core/snapshot';
import { createLog } from './log';
import { KEY_SPECS, Keys, isKeyedSource } from './secrets';
import { ADAPTERS } from './sources';
import { HttpClient } from './sources/http';
import { BudgetService } from './state/budgetService';
import { LedgerStore } from './state/ledgerStore';
import { registerCommands } from './ui/commands';
import { DashboardPanel } from './ui/dashboardPanel';
import { EXPORT_CSV_COMMAND, registerExportCsv } from './ui/exportCsv';
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

export function activate(context: vscode.ExtensionContext): TokenBudgetApi {
  const log = createLog();
  const keys = new Keys(context.secrets);
  let config = loadConfig();
  const http = new HttpClient({ logger: { debug: (m) => log.debug(m), warn: (m) => log.warn(m) } });
  const service = new BudgetService({
    adapters: ADAPTERS,
    http,
    store: new LedgerStore(context.globalStorageUri.fsPath),
    config: () => config,
    key: async (source) => (isKeyedSource(source) ? (await keys.get(source))?.key : undefined),
    logger: log,
  });
  const meter = new StatusBarMeter(() => config.statusBar.display);
  const dashboard = new DashboardPanel(context.extensionUri, {
    snapshot: () => service.snapshot,
    ledger: () => service.ledgerRows,
    workdays: () => config.workdays,
    warn: (m) => log.warn(m),
    debug: (m) => log.debug(m),
    onMessage: (message) => {
      if (message.type === 'refresh') void vscode.commands.executeCommand('tokenBudget.refresh');
      else if (message.type === 'exportCsv') void vscode.commands.executeCommand(EXPORT_CSV_COMMAND);
      else if (message.type === 'command') void vscode.commands.executeCommand(message.command);
    },
  });

  const refresh = (reason: string) => service.refresh(reason);
  let timer = interval(config.refreshIntervalMinutes * 60_000, () => void refresh('interval'));
  // Re-render once a minute so "updated 3 min ago" and the day boundary stay true.
  const clock = interval(60_000, () => service.recompute());

  context.subscriptions.push(
    log,
    keys,
    meter,
    dashboard,
    clock,
    { dispose: () => void timer.dispose() },
    service.onDidChange((snapshot) => {
      meter.update(snapshot);
      dashboard.update(snapshot);
    }),
    ...registerCommands({ keys, log, refresh, openDashboard: () => dashboard.open() }),
    registerExportCsv({ rows: () => service.ledgerRows, log }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      const before = config;
      config = loadConfig();
      if (before.refreshIntervalMinutes !== config.refreshIntervalMinutes) {
        timer.dispose();
        timer = interval(config.refreshIntervalMinutes * 60_000, () => void refresh('interval'));
      }
      if (e.affectsConfiguration(`${SECTION}.statusBar`) && !e.affectsConfiguration(`${SECTION}.sources`)) {
        meter.rerender();
      }
      service.recompute();
      void refresh('settings changed');
    }),
    keys.onDidChange((source) => {
      log.info(`Key for ${KEY_SPECS.find((s) => s.source === source)?.label ?? source} changed.`);
      void refresh('key changed');
    }),
  );

  const manifest = context.extension.packageJSON as { version?: unknown };
  log.info(`Token Budget ${String(manifest.version)} activated.`);
  void (async () => {
    const notice = await service.load();
    if (notice?.kind === 'corrupt') {
      void vscode.window.showWarningMessage(`Token Budget: the saved history could not be read (${notice.reason}). It was kept as ${notice.movedTo}, and the history is being rebuilt from your sources.`);
    }
    await refresh('startup');
  })();

  return {
    snapshot: () => service.snapshot,
    statusBar: () => meter.state(),
    refresh: () => refresh('api'),
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
