/**
 * The local-log sources in the editor: state files under the extension's global storage, a
 * refresh when the watched logs change, and progress in the status bar for a scan that takes more
 * than a second (the first scan of a large history).
 */
import * as vscode from 'vscode';
import { toDisposable, type IDisposable } from '../../lifecycle';
import { configureLocalLogs, LOCAL_LABELS, type LocalScanProgress } from './adapter';
import type { LocalSourceId } from './paths';

/** Show progress only for scans still running after this long. */
export const PROGRESS_DELAY_MS = 1000;

class ScanProgressUi {
  private readonly running = new Map<LocalSourceId, { timer: NodeJS.Timeout; report?: (p: LocalScanProgress) => void; done?: () => void; last: LocalScanProgress }>();

  update(p: LocalScanProgress): void {
    if (p.phase === 'start') {
      this.end(p.source);
      const entry: { timer: NodeJS.Timeout; report?: (p: LocalScanProgress) => void; done?: () => void; last: LocalScanProgress } = {
        last: p,
        timer: setTimeout(() => this.show(p.source), PROGRESS_DELAY_MS),
      };
      this.running.set(p.source, entry);
      return;
    }
    const entry = this.running.get(p.source);
    if (!entry) return;
    entry.last = p;
    if (p.phase === 'end') this.end(p.source);
    else entry.report?.(p);
  }

  private show(source: LocalSourceId): void {
    const entry = this.running.get(source);
    if (!entry) return;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Token Budget: reading ${LOCAL_LABELS[source]}` }, (progress) => {
      let reported = 0;
      const report = (p: LocalScanProgress) => {
        if (p.bytesTotal <= 0) return;
        const pct = Math.min(100, (p.bytesDone / p.bytesTotal) * 100);
        progress.report({ message: `${Math.floor(pct)}% of ${(p.bytesTotal / 1e6).toFixed(0)} MB`, increment: pct - reported });
        reported = pct;
      };
      report(entry.last);
      return new Promise<void>((resolve) => {
        entry.report = report;
        entry.done = resolve;
      });
    });
  }

  private end(source: LocalSourceId): void {
    const entry = this.running.get(source);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.done?.();
    this.running.delete(source);
  }

  dispose(): void {
    for (const source of [...this.running.keys()]) this.end(source);
  }
}

/**
 * Sets up the local sources for this extension host. `refresh` is asked for when logs change
 * (debounced; at most every 10 s while an agent writes). Disposing it returns the promise of the
 * scan worker's last save.
 */
export function activateLocalLogs(context: vscode.ExtensionContext, refresh: (reason: string) => unknown): IDisposable {
  const ui = new ScanProgressUi();
  const handle = configureLocalLogs({
    stateDir: context.globalStorageUri.fsPath,
    onLogsChanged: (sources) => void refresh(`local logs changed (${sources.join(', ')})`),
    onProgress: (p) => ui.update(p),
  });
  return toDisposable(async () => {
    ui.dispose();
    await handle.dispose();
  });
}
