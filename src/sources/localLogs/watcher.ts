/**
 * Watches the log folders and asks for a refresh when a log changes (debounced, and at most once
 * per `minIntervalMs`: an agent writes many times a second while it works).
 *
 * Every folder under the scan folders is watched on its own with fs.watch (an inotify watch per
 * folder on Linux, where Node's `recursive` option is emulated by watching every file); on macOS
 * and Windows one recursive watch per scan folder. No deeper than the source's parser looks for
 * logs (`depthFor`: a database beside large folders of other data is watched in its folder only).
 * The changed paths of the parser's logs (and of their companions, SQLite's `-wal`) are remembered,
 * so the next scan reads only those files; anything else (a new folder, an event without a name, a
 * watch error) asks for a full walk. When watching fails the source falls back to the refresh
 * interval.
 *
 * A database's files can be touched without a change: every reader that opens an SQLite database
 * in WAL mode, the scan's own read-only one included, makes the `-wal` file report a change (it
 * creates it when missing, and sets its owner when running as root) while its size and
 * modification time stay. Counted, each scan of OpenCode's or Kilo's store asked for the next, one
 * every `minIntervalMs` for as long as the window was open. For a source with companion files, an event
 * on a file whose size and modification time are those last seen is therefore no change (`stamps`:
 * taken when the folder is first watched, and at each event); the scan's walker decides the same
 * way (a database's stamp is its size and modification time with its companions').
 */
import { watch, readdirSync, statSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { parserOf } from './parsers';
import type { LocalSourceId } from './paths';
import { logPathOf } from './walker';

export interface PendingChanges {
  readonly paths: ReadonlySet<string>;
  /** Something happened that a list of files does not describe: walk everything. */
  readonly overflow: boolean;
}

export interface LogWatcherOptions {
  readonly debounceMs?: number;
  /** Minimum time between two change notifications (default 10 s). */
  readonly minIntervalMs?: number;
  /** At most this many folders watched per source (default 4096); beyond it, the interval alone. */
  readonly maxFolders?: number;
  readonly recursive?: boolean;
}

const MAX_PENDING_PATHS = 10_000;

interface SourceWatch {
  dirs: string;
  watchers: Map<string, FSWatcher>;
  paths: Set<string>;
  overflow: boolean;
  healthy: boolean;
  /** Folder levels still watched below each watched folder (the parser's depth; Infinity = all). */
  levels: Map<string, number>;
  /** Whether a file (by its name) is a log of the source, or a log's companion (SQLite's `-wal`). */
  isLog(name: string): boolean;
  /** A source with companion files (a database): its logs' and companions' size and modification time as last seen, by path. */
  stamps?: Map<string, string>;
}

/** A file's size and modification time as one key ('' when it is gone). */
function stampKey(p: string): string {
  try {
    const st = statSync(p);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return '';
  }
}

export class LogWatcher {
  private readonly sources = new Map<LocalSourceId, SourceWatch>();
  private timer: NodeJS.Timeout | undefined;
  private lastNotify = 0;
  private readonly debounceMs: number;
  private readonly minIntervalMs: number;
  private readonly maxFolders: number;
  private readonly recursive: boolean;
  private disposed = false;

  constructor(
    private readonly onChange: (sources: LocalSourceId[]) => void,
    options: LogWatcherOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 1500;
    this.minIntervalMs = options.minIntervalMs ?? 10_000;
    this.maxFolders = options.maxFolders ?? 4096;
    this.recursive = options.recursive ?? (process.platform === 'darwin' || process.platform === 'win32');
  }

  /** Watches `dirs` for `source` (re-arms when the folders changed). */
  watch(source: LocalSourceId, dirs: readonly string[]): void {
    if (this.disposed) return;
    const key = [...dirs].sort().join('\n');
    const current = this.sources.get(source);
    if (current && current.dirs === key && current.healthy) return;
    this.stop(source);
    const parser = parserOf(source);
    const isLog = (name: string) => logPathOf(name, parser) !== undefined;
    const s: SourceWatch = { dirs: key, watchers: new Map(), paths: new Set(), overflow: true, healthy: true, levels: new Map(), isLog, ...((parser.companions?.length ?? 0) > 0 ? { stamps: new Map<string, string>() } : {}) };
    this.sources.set(source, s);
    for (const d of dirs) this.add(source, s, d, !this.recursive, parser.depthFor?.(d) ?? Infinity);
  }

  /** True when every folder of the source is watched. */
  healthy(source: LocalSourceId): boolean {
    return this.sources.get(source)?.healthy ?? false;
  }

  /** The changes since the last call (and forgets them). */
  take(source: LocalSourceId): PendingChanges {
    const s = this.sources.get(source);
    if (!s) return { paths: new Set(), overflow: true };
    const out = { paths: s.paths, overflow: s.overflow || !s.healthy };
    s.paths = new Set();
    s.overflow = false;
    return out;
  }

  stop(source: LocalSourceId): void {
    const s = this.sources.get(source);
    if (!s) return;
    for (const w of s.watchers.values()) w.close();
    this.sources.delete(source);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const source of [...this.sources.keys()]) this.stop(source);
  }

  private add(source: LocalSourceId, s: SourceWatch, dir: string, descend: boolean, levels: number): void {
    if (s.watchers.has(dir)) return;
    s.levels.set(dir, levels);
    if (s.watchers.size >= this.maxFolders) {
      s.healthy = false;
      return;
    }
    let w: FSWatcher;
    try {
      // A folder with a depth limit (a database beside large folders of other data) is watched by itself.
      w = watch(dir, { persistent: false, recursive: this.recursive && levels === Infinity }, (_event, name) => this.event(source, s, dir, name));
    } catch {
      s.healthy = false;
      return;
    }
    w.on('error', () => {
      s.healthy = false;
      s.overflow = true;
      w.close();
      s.watchers.delete(dir);
      this.schedule();
    });
    s.watchers.set(dir, w);
    const stamps = s.stamps;
    if (!stamps && (!descend || levels <= 0)) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (stamps) for (const e of entries) if (e.isFile() && s.isLog(e.name)) stamps.set(path.join(dir, e.name), stampKey(path.join(dir, e.name)));
    if (!descend || levels <= 0) return;
    for (const e of entries) if (e.isDirectory()) this.add(source, s, path.join(dir, e.name), true, levels - 1);
  }

  /** True when `p`, a log or companion of a source with companions, has the size and modification time last seen (and notes them otherwise). */
  private unchanged(s: SourceWatch, p: string): boolean {
    if (!s.stamps) return false;
    const now = stampKey(p);
    if (s.stamps.get(p) === now) return true;
    s.stamps.set(p, now);
    return false;
  }

  private event(source: LocalSourceId, s: SourceWatch, dir: string, name: string | Buffer | null): void {
    if (this.sources.get(source) !== s) return;
    if (name === null) s.overflow = true;
    else {
      const p = path.join(dir, name.toString());
      if (s.isLog(path.basename(p))) {
        if (this.unchanged(s, p)) return; // touched, not changed: a reader opened the database
        if (s.paths.size < MAX_PENDING_PATHS) s.paths.add(p);
        else s.overflow = true;
      } else {
        const levels = s.levels.get(dir) ?? Infinity;
        if (levels <= 0 && !(this.recursive && levels === Infinity)) return; // a file or folder below the depth logs lie at
        // A new folder (a new project, session or day): watch it, and walk everything once.
        s.overflow = true;
        if (!this.recursive) {
          try {
            if (statSync(p).isDirectory()) this.add(source, s, p, true, levels - 1);
          } catch {
            // gone again
          }
        }
      }
    }
    this.schedule();
  }

  private schedule(): void {
    // A burst is gathered into one notification; a steady stream gives one every minIntervalMs.
    if (this.disposed || this.timer) return;
    const wait = Math.max(this.debounceMs, this.lastNotify + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastNotify = Date.now();
      const changed = [...this.sources].filter(([, s]) => s.paths.size > 0 || s.overflow).map(([id]) => id);
      if (changed.length > 0) this.onChange(changed);
    }, wait);
    this.timer.unref();
  }
}
