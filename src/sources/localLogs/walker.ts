/**
 * Which log files to read, and from where: the scan's file side, the same for every agent.
 *
 * 1. List the files: a full walk of the scan folders for the parser's log files (sorted by path,
 *    as ccusage does, so ties in the dedupe resolve the same way), or only the paths a watcher
 *    reported.
 * 2. Per file, compare with what is remembered: unchanged → nothing read; grown → only the bytes
 *    after the remembered offset are read (after checking a fingerprint of the bytes just before
 *    it, so a file rewritten in place is noticed); shorter or rewritten → what the file contributed
 *    is taken out and it is read again from the start; a new inode at the same path (rotation) →
 *    the old file counts as deleted and the new one is read; the same inode at a new path
 *    (renamed, e.g. Codex archiving) → its state moves with it; a file gone → what it contributed
 *    stays.
 */
import { closeSync, openSync, readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { DayKey } from '../../core/types';
import { keepParseState, parseStateOf, readsWhole, type LogParser } from './parsers/types';
import { fingerprintAt } from './reader';
import { sameFile, type FileState, type SourceState } from './state';

/** What the walk counts, for the scan's stats. */
export interface WalkCounters {
  /** Files looked at (stat). */
  files: number;
  fingerprintBytes: number;
  truncated: number;
  rotated: number;
  renamed: number;
  deleted: number;
}

/** A file found, with its stat. */
export interface Found {
  readonly path: string;
  readonly st: Stats;
}

/** A file to read: its state, its stat, and the offset to read from. */
export interface Job {
  readonly f: FileState;
  readonly st: Stats;
  readonly from: number;
  /** A log read whole: its size and change time, companions (an SQLite `-wal`) included. */
  readonly stamp?: { readonly size: number; readonly mtimeMs: number };
}

/** A log's path for a file the watcher reported: the log itself, or the log a companion belongs to. */
export function logPathOf(p: string, parser: LogParser<unknown>): string | undefined {
  const name = path.basename(p);
  if (parser.isLog(name)) return p;
  for (const suffix of parser.companions ?? []) if (name.endsWith(suffix) && parser.isLog(name.slice(0, -suffix.length))) return p.slice(0, -suffix.length);
  return undefined;
}

/** A log's size and change time with its companions'. */
function stampOf(p: string, st: Stats, parser: LogParser<unknown>): { size: number; mtimeMs: number } {
  let size = st.size;
  let mtimeMs = st.mtimeMs;
  for (const suffix of parser.companions ?? []) {
    const c = statOrUndefined(p + suffix);
    if (c) {
      size += c.size;
      mtimeMs = Math.max(mtimeMs, c.mtimeMs);
    }
  }
  return { size, mtimeMs };
}

function listLogs(dir: string, parser: LogParser<unknown>, out: string[], levels = parser.depthFor?.(dir) ?? Infinity): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (levels > 0) listLogs(p, parser, out, levels - 1);
    } else if (e.isFile() && parser.isLog(e.name)) out.push(p);
  }
}

function statOrUndefined(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/** A remembered file with the identity of `st` at another path. */
function sameFileElsewhere(state: SourceState, p: string, st: Stats): FileState | undefined {
  for (const f of state.files.values()) if (f.path !== p && sameFile(f, st)) return f;
  return undefined;
}

function move(state: SourceState, f: FileState, to: string, c: WalkCounters): void {
  state.files.delete(f.path);
  f.path = to;
  state.files.set(to, f);
  c.renamed++;
}

/** Every log file under `dirs`, in path order; notes renamed and deleted files in `state`. */
export function walk(state: SourceState, dirs: readonly string[], parser: LogParser<unknown>, c: WalkCounters): Found[] {
  const found: string[] = [];
  for (const d of dirs) listLogs(d, parser, found);
  found.sort();
  const stats = new Map<string, Stats>();
  for (const p of found) {
    const st = statOrUndefined(p);
    if (st) stats.set(p, st);
  }
  c.files += stats.size;
  const work: Found[] = [];
  for (const [p, st] of stats) {
    const known = state.files.get(p);
    if (known && sameFile(known, st)) {
      work.push({ path: p, st });
      continue;
    }
    const other = sameFileElsewhere(state, p, st);
    if (other) {
      const there = stats.get(other.path);
      if (there && sameFile(other, there)) continue; // the same file under a second name: read once
      move(state, other, p, c); // renamed (e.g. archived): its state moves with it
    }
    work.push({ path: p, st });
  }
  const reading = new Set(work.map((w) => w.path));
  for (const p of [...state.files.keys()]) {
    if (!reading.has(p)) {
      // Deleted: what it contributed stays in the totals.
      state.files.delete(p);
      c.deleted++;
    }
  }
  return work;
}

/** Only `paths` (a watcher's report), those that are log files inside `dirs`, in path order. */
export function targeted(state: SourceState, paths: readonly string[], dirs: readonly string[], parser: LogParser<unknown>, c: WalkCounters): Found[] {
  const inside = (p: string) => dirs.some((d) => p.startsWith(d.endsWith(path.sep) ? d : d + path.sep));
  const work: Found[] = [];
  const logs = paths.map((p) => logPathOf(path.resolve(p), parser)).filter((p): p is string => p !== undefined);
  const unique = [...new Set(logs)].filter(inside).sort();
  for (const p of unique) {
    const st = statOrUndefined(p);
    if (!st || !st.isFile()) continue; // gone: the next full walk notes it (what it contributed stays)
    c.files++;
    const known = state.files.get(p);
    if (!known || !sameFile(known, st)) {
      const other = sameFileElsewhere(state, p, st);
      if (other) {
        const there = statOrUndefined(other.path);
        if (there && sameFile(other, there)) continue; // an alias of a file already read
        move(state, other, p, c);
      }
    }
    work.push({ path: p, st });
  }
  return work;
}

/**
 * What to read of a file: nothing (unchanged), from its offset, or from the start (new, rotated,
 * truncated, rewritten). A file read again from the start first gives back what it contributed
 * (its days go to `changed`).
 */
export function plan(state: SourceState, p: string, st: Stats, parser: LogParser<unknown>, c: WalkCounters, changed: Set<DayKey>): Job | null {
  let f = state.files.get(p);
  const whole = readsWhole(parser, p);
  if (f && !sameFile(f, st) && whole) {
    // A document saved by write-and-rename is a new inode each time: the same log, rewritten.
    forget(state, f, parser, changed);
    f.dev = st.dev;
    f.ino = st.ino;
    f.birth = st.birthtimeMs;
    f.size = 0;
    f.mtimeMs = 0;
  } else if (f && !sameFile(f, st)) {
    // A new file at the same path (rotation): the old one counts as deleted.
    state.files.delete(p);
    c.rotated++;
    f = undefined;
  }
  if (!f) {
    f = { id: state.nextFileId++, path: p, dev: st.dev, ino: st.ino, birth: st.birthtimeMs, size: 0, mtimeMs: 0, offset: 0, tail: 0 };
    keepParseState(f, parser.initial());
    state.files.set(p, f);
  }
  if (whole) {
    // Read whole: unchanged → nothing; changed → what it contributed out, read again (or, where
    // the parser resumes, only what changed since its last read).
    const stamp = stampOf(p, st, parser);
    if (stamp.size === f.size && stamp.mtimeMs === f.mtimeMs) return null;
    if (f.mtimeMs !== 0 && parser.resumes?.(parseStateOf(f))) return { f, st, from: f.offset, stamp }; // only what changed is read
    if (f.mtimeMs !== 0) {
      c.truncated++;
      forget(state, f, parser, changed);
    }
    return { f, st, from: 0, stamp };
  }
  if (st.size === f.offset && st.mtimeMs === f.mtimeMs) {
    f.size = st.size;
    return null;
  }
  if (st.size < f.offset || (f.offset > 0 && !fingerprintMatches(f, c))) {
    c.truncated++;
    forget(state, f, parser, changed);
  }
  return { f, st, from: f.offset };
}

function fingerprintMatches(f: FileState, c: WalkCounters): boolean {
  let fd: number;
  try {
    fd = openSync(f.path, 'r');
  } catch {
    return true; // gone meanwhile: nothing will be read
  }
  try {
    return fingerprintAt(fd, f.offset, c) === f.tail;
  } finally {
    closeSync(fd);
  }
}

/** Takes out what a file contributed and what is remembered of it: it is read again from its start. */
function forget(state: SourceState, f: FileState, parser: LogParser<unknown>, changed: Set<DayKey>): void {
  for (const b of state.dropFile(f.id)) changed.add(state.bucketDay[b] as string);
  f.offset = 0;
  f.tail = 0;
  if (parseStateOf(f) !== undefined) keepParseState(f, parser.initial());
  parser.forget?.(f);
}
