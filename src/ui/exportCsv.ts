/**
 * "Token Budget: Export Daily Ledger as CSV…": the daily ledger, one row per day × source × model × project,
 * written where the user chooses. A target URI as the command's argument skips the dialog (for
 * scripts and the end-to-end tests: `executeCommand('tokenBudget.exportCsv', uri)`).
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { csvFileName, ledgerCsv } from '../core/csv';
import { todayKey } from '../core/dates';
import type { LedgerRow } from '../core/types';
import { CONFIGURE_SOURCE, emptyExportNotice, REFRESH_NOW } from './commandsModel';

export const EXPORT_CSV_COMMAND = 'tokenBudget.exportCsv';

export interface ExportCsvDeps {
  /** The ledger's rows, sorted by date, source, model, project. */
  readonly rows: () => readonly LedgerRow[];
  /** Some source is configured (the snapshot's `configured`). */
  readonly configured: () => boolean;
  readonly log: Pick<vscode.LogOutputChannel, 'info' | 'error'>;
}

/**
 * A URI from the command's argument: a `Uri`, a URI string (`file:///…`) or an absolute path, and
 * only one naming a `.csv` file (so a command invoked with some other resource never overwrites it).
 */
export function targetFromArgument(arg: unknown): vscode.Uri | undefined {
  let uri: vscode.Uri | undefined;
  if (arg instanceof vscode.Uri) {
    uri = arg;
  } else if (typeof arg === 'object' && arg !== null && typeof (arg as { scheme?: unknown }).scheme === 'string' && typeof (arg as { path?: unknown }).path === 'string') {
    uri = vscode.Uri.from(arg as vscode.Uri);
  } else if (typeof arg === 'string' && arg.trim() !== '') {
    uri = /^[a-z][a-z0-9+.-]+:\/\//i.test(arg) ? vscode.Uri.parse(arg, true) : vscode.Uri.file(arg);
  }
  return uri && /\.csv$/i.test(uri.path) ? uri : undefined;
}

async function chooseTarget(): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  return vscode.window.showSaveDialog({
    title: 'Export Daily Ledger as CSV',
    saveLabel: 'Export',
    defaultUri: vscode.Uri.joinPath(folder, csvFileName(todayKey())),
    filters: { 'CSV files': ['csv'] },
  });
}

/**
 * Writes the CSV; returns the number of data rows written, or undefined when cancelled (or when
 * there is nothing to export and no target was given).
 */
export async function exportCsv(deps: ExportCsvDeps, arg?: unknown): Promise<number | undefined> {
  const given = targetFromArgument(arg);
  // Asked from the palette or the dashboard with nothing to export: said before the file dialog.
  // A target given as the argument (a script) still gets its file, the header alone: it asked for one.
  if (deps.rows().length === 0 && !given) {
    const notice = emptyExportNotice(deps.configured());
    void vscode.window.showInformationMessage(notice.message, ...notice.actions).then((pick) => {
      if (pick === CONFIGURE_SOURCE) void vscode.commands.executeCommand('tokenBudget.configure');
      else if (pick === REFRESH_NOW) void vscode.commands.executeCommand('tokenBudget.refresh');
    });
    return undefined;
  }
  const target = given ?? (await chooseTarget());
  if (!target) return undefined;
  const rows = deps.rows(); // as they are now: a refresh may have ended while the dialog was open
  try {
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(ledgerCsv(rows)));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    deps.log.error(`CSV export to ${target.toString(true)} failed: ${reason}`);
    void vscode.window.showErrorMessage(`Token Budget: could not write ${target.toString(true)}: ${reason}`);
    return undefined;
  }
  deps.log.info(`Exported ${rows.length} ledger rows to ${target.toString(true)}.`);
  const name = target.path.split('/').pop() ?? target.toString(true);
  void vscode.window.showInformationMessage(`Token Budget: exported ${rows.length.toLocaleString('en-US')} rows to ${name}.`, 'Open File').then((choice) => {
    if (choice === 'Open File') void vscode.commands.executeCommand('vscode.open', target);
  });
  return rows.length;
}

export function registerExportCsv(deps: ExportCsvDeps): vscode.Disposable {
  return vscode.commands.registerCommand(EXPORT_CSV_COMMAND, (arg?: unknown) => exportCsv(deps, arg));
}
