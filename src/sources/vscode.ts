/**
 * The sources started in the editor: state files under the extension's global storage, a refresh
 * when the watched logs change, and progress in the status bar for a scan that takes more than a
 * second (the first scan of a large history).
 */
import * as vscode from 'vscode';
import type { SourceId } from '../core/types';
import { toDisposable, type IDisposable } from '../lifecycle';
import { labelOf, type Sources } from './registry';
import type { SourceProgress } from './types';

/** Show progress only for scans still running after this long. */
export const PROGRESS_DELAY_MS = 1000;

class ScanProgressUi {
  private readonly running = new Map<SourceId, { timer: NodeJS.Timeout; report?: (p: SourceProgress) => void; done?: () => void; last: SourceProgress }>();

  update(p: SourceProgress): void {
    if (p.phase === 'start') {
      this.end(p.source);
      const entry: { timer: NodeJS.Timeout; report?: (p: SourceProgress) => void; done?: () => void; last: SourceProgress } = {
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

  private show(source: SourceId): void {
    const entry = this.running.get(source);
    if (!entry) return;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Token Budget: reading ${labelOf(source)}` }, (progress) => {
      let reported = 0;
      const report = (p: SourceProgress) => {
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

  private end(source: SourceId): void {
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
 * Starts the sources for this extension host: their files under the extension's global storage,
 * `refresh` asked for when watched logs change (debounced; at most every 10 s while an agent
 * writes), progress in the status bar for long scans. Disposing it stops them and returns the
 * promise of that (the scan worker's last save), which `deactivate` awaits.
 */
export function startSources(context: vscode.ExtensionContext, sources: Sources, refresh: (reason: string) => unknown): IDisposable {
  const ui = new ScanProgressUi();
  sources.start({
    stateDir: context.globalStorageUri.fsPath,
    requestRefresh: (reason) => void refresh(reason),
    onProgress: (p) => ui.update(p),
  });
  return toDisposable(async () => {
    ui.dispose();
    await sources.stopAll();
  });
}
