/**
 * Files made durable once. Every file Token Budget keeps under its global storage is written and
 * read through here: the ledger (ledgerStore.ts), the alert memory (alertStore.ts), the lease and
 * refresh request of the windows (coordinator.ts), and the local-log scan state
 * (sources/localLogs/state.ts).
 *
 * - **Atomic write**: the bytes go to a temporary file of their own (`<name>.<pid>.<random>.tmp`,
 *   so two writers never share one), which is flushed (fsync), renamed over the file, and the
 *   folder flushed, so a crash mid-write leaves the old file or the new one, never a torn one.
 *   The rename is retried briefly while another process (a reader, an indexer, an antivirus)
 *   holds the target, as Windows answers EPERM / EBUSY / EACCES then.
 * - **No-fsync mode** (`fsync: false`), for files that can be rebuilt or are only worth
 *   something for seconds: the rename still makes a killed process harmless, but a power loss
 *   may lose the last writes (or leave the file empty). The scan state (rebuilt from the logs and
 *   the ledger's copy of the per-day totals) and the lease (stale after a power loss anyway)
 *   use it.
 * - **Leftovers**: temporary files of a writer that was killed (its process is gone, or they are
 *   older than an hour) are removed by the next writer.
 * - **Versioned read**: every JSON document says its format (`version`); an older one is read
 *   with that version's schema and brought up to date by the migrations, one version at a time;
 *   one from a newer version of the extension (a downgrade) is read when it still fits the
 *   current schema (unknown fields are dropped).
 * - **Move-aside**: a file that cannot be used is never deleted: it is kept as
 *   `<name>.corrupt-<time>` (renamed, or copied when the file must never be missing meanwhile),
 *   and a file about to be rewritten in another format is copied to `<name>.v<N>-backup`, once.
 * - **Backup** (`backup: true`): each write goes first to `<name>.bak`, then to the file itself,
 *   so when the file cannot be read, the last good copy can.
 *
 * Free of `vscode`; the synchronous variants serve the scan worker, whose scanner is synchronous.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, constants, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as v from 'valibot';

/** What is written: text (UTF-8), bytes, or several byte ranges one after the other. */
export type Body = string | Uint8Array | readonly Uint8Array[];

export interface WriteOptions {
  /**
   * Flush the file before the rename and the folder after it (default true). False only for a
   * file that can be rebuilt, or is worthless after a power loss: see the module comment.
   */
  readonly fsync?: boolean;
}

/** A temporary file older than this is a leftover even if its process id is in use again. */
const LEFTOVER_AGE_MS = 60 * 60_000;
/** How often, and how long apart, a rename refused while the target is held is tried again. */
const RENAME_ATTEMPTS = 6;
const RENAME_PAUSE_MS = 20;
const RETRIED = new Set(['EPERM', 'EBUSY', 'EACCES']);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function partsOf(body: Body): readonly Uint8Array[] {
  if (typeof body === 'string') return [Buffer.from(body, 'utf8')];
  return body instanceof Uint8Array ? [body] : body;
}

/** A fresh temporary name beside `file`, unique per write (two windows, two threads, never share it). */
export function tempFileOf(file: string): string {
  return `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
}

function retriable(error: unknown, attempt: number): boolean {
  return attempt + 1 < RENAME_ATTEMPTS && RETRIED.has((error as NodeJS.ErrnoException).code ?? '');
}

async function renameRetrying(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      if (!retriable(error, attempt)) throw error;
      await sleep(RENAME_PAUSE_MS * (attempt + 1));
    }
  }
}

function renameRetryingSync(from: string, to: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(from, to);
      return;
    } catch (error) {
      if (!retriable(error, attempt)) throw error;
      sleepSync(RENAME_PAUSE_MS * (attempt + 1));
    }
  }
}

/** Flushes a folder's entry table (the rename) to disk; not possible on every platform (Windows). */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: the rename itself is atomic; this only orders it before a power loss.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function syncFolderSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Best effort, as above.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `body` to `file` atomically (see the module comment). */
export async function writeFileAtomic(file: string, body: Body, options: WriteOptions = {}): Promise<void> {
  const fsync = options.fsync !== false;
  await mkdir(dirname(file), { recursive: true });
  const tmp = tempFileOf(file);
  try {
    const handle = await open(tmp, 'w');
    try {
      for (const part of partsOf(body)) await handle.write(part);
      if (fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    await renameRetrying(tmp, file);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  if (fsync) await syncFolder(dirname(file));
}

/** `writeFileAtomic`, synchronously (the scan worker). Returns the bytes written. */
export function writeFileAtomicSync(file: string, body: Body, options: WriteOptions = {}): number {
  const fsync = options.fsync !== false;
  mkdirSync(dirname(file), { recursive: true });
  const tmp = tempFileOf(file);
  let bytes = 0;
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (const part of partsOf(body)) {
        let off = 0;
        while (off < part.length) off += writeSync(fd, part, off, part.length - off);
        bytes += part.length;
      }
      if (fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameRetryingSync(tmp, file);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or gone
    }
    throw error;
  }
  if (fsync) syncFolderSync(dirname(file));
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Leftovers of killed writers

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `<name>.<pid>.<8 hex>.tmp`, and `<name>.<pid>.tmp` as the scan state's writer named them before. */
function leftoverPattern(file: string): RegExp {
  return new RegExp(`^${escapeRegExp(basename(file))}\\.(\\d+)(?:\\.[0-9a-f]{8})?\\.tmp$`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a temporary file of process `pid`, last modified at `mtimeMs`, is a leftover. */
function isLeftover(pid: number, mtimeMs: number, now: number): boolean {
  // Another thread of this process may be writing its own: only age tells for our pid.
  return now - mtimeMs > LEFTOVER_AGE_MS || (pid !== process.pid && !processAlive(pid));
}

/** The temporary files of `file` among `names` (its folder's listing), each with the process that wrote it. */
function leftoverCandidates(file: string, names: readonly string[]): { readonly path: string; readonly pid: number }[] {
  const pattern = leftoverPattern(file);
  const dir = dirname(file);
  return names.flatMap((name) => {
    const match = pattern.exec(name);
    return match ? [{ path: join(dir, name), pid: Number(match[1]) }] : [];
  });
}

/** Removes the temporary files of `file` left by writes that were killed. */
export async function removeLeftovers(file: string, now: number = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dirname(file));
  } catch {
    return;
  }
  for (const { path, pid } of leftoverCandidates(file, names)) {
    try {
      if (isLeftover(pid, (await stat(path)).mtimeMs, now)) await unlink(path);
    } catch {
      // Gone already (its writer renamed it), or not ours to remove.
    }
  }
}

/** `removeLeftovers`, synchronously. */
export function removeLeftoversSync(file: string, now: number = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return;
  }
  for (const { path, pid } of leftoverCandidates(file, names)) {
    try {
      if (isLeftover(pid, statSync(path).mtimeMs, now)) unlinkSync(path);
    } catch {
      // as above
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Keeping what cannot be used

/** Where `moveAside` keeps `file` at `now`. */
export function corruptNameOf(file: string, now: Date): string {
  return `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * Keeps an unusable `file` as `<name>.corrupt-<time>`: renamed, or with `copy` copied (the file
 * stays in place until the caller replaces it atomically, so a reader never finds it missing).
 * Throws when it could not be kept; a copy never overwrites an earlier one.
 */
export async function moveAside(file: string, options: { readonly now?: Date; readonly copy?: boolean } = {}): Promise<string> {
  const keptAs = corruptNameOf(file, options.now ?? new Date());
  if (options.copy) await copyFile(file, keptAs, constants.COPYFILE_EXCL);
  else await renameRetrying(file, keptAs);
  return keptAs;
}

/** Copies `file`, about to be rewritten in the current format, to `<name>.v<version>-backup`, once. */
export async function keepVersionBackup(file: string, version: number): Promise<void> {
  try {
    await copyFile(file, `${file}.v${version}-backup`, constants.COPYFILE_EXCL); // keep the first one
  } catch {
    // Already there, or not possible: the reader works on its copy in memory either way.
  }
}

// ---------------------------------------------------------------------------------------------
// Versioned JSON

export interface VersionedFormat<T> {
  /** The current format, and its schema. */
  readonly version: number;
  readonly schema: v.GenericSchema<unknown, T>;
  /** Each older format still read, by version: its schema, and the step to the next version. */
  readonly older?: Readonly<Record<number, { readonly schema: v.GenericSchema; readonly migrate: (document: never) => unknown }>>;
  /** A document without `version` is taken to be in this format (e.g. a file that predates versions); default: unusable. */
  readonly unversioned?: number;
}

export type Parsed<T> =
  | {
      readonly ok: true;
      readonly value: T;
      /** It was in this older format and was migrated (in memory). */
      readonly migratedFrom?: number;
      /** It was written by a newer version of the extension; what this version knows was read. */
      readonly newerFormat?: number;
    }
  | { readonly ok: false; readonly reason: string };

function describeIssue(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  return issue ? `${v.getDotPath(issue) ?? 'root'}: ${issue.message}` : 'unknown problem';
}

/** Brings a parsed JSON document of any known format up to the current one; the reason says why not, for people. */
export function parseVersioned<T>(json: unknown, format: VersionedFormat<T>): Parsed<T> {
  const current = format.version;
  const object = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const stated = object ? object['version'] : undefined;
  const version = stated === undefined && object && format.unversioned !== undefined ? format.unversioned : stated;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, reason: 'it does not match the expected format (version: not a format version)' };
  }
  if (version > current) {
    // A newer extension wrote it: read what this version understands, if the shape still fits.
    const parsed = v.safeParse(format.schema, { ...object, version: current });
    if (!parsed.success) return { ok: false, reason: `it was written by a newer version of Token Budget (format ${version}) in a shape this version cannot read (${describeIssue(parsed.issues)})` };
    return { ok: true, value: parsed.output, newerFormat: version };
  }
  let document: unknown = stated === undefined ? { ...object, version } : json;
  for (let from = version; from < current; from++) {
    const older = format.older?.[from];
    if (!older) return { ok: false, reason: `format ${from} cannot be migrated` };
    const parsed = v.safeParse(older.schema, document);
    if (!parsed.success) return { ok: false, reason: `it does not match the expected format ${from} (${describeIssue(parsed.issues)})` };
    document = (older.migrate as (d: unknown) => unknown)(parsed.output);
  }
  const parsed = v.safeParse(format.schema, document);
  if (!parsed.success) return { ok: false, reason: `it does not match the expected format (${describeIssue(parsed.issues)})` };
  return version < current ? { ok: true, value: parsed.output, migratedFrom: version } : { ok: true, value: parsed.output };
}

export type ReadResult<T> =
  | { readonly kind: 'missing' }
  | { readonly kind: 'ok'; readonly value: T; readonly migratedFrom?: number; readonly newerFormat?: number }
  | { readonly kind: 'unreadable'; readonly reason: string };

/** Reads and parses the versioned JSON document in `file`. */
export async function readVersioned<T>(file: string, format: VersionedFormat<T>): Promise<ReadResult<T>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', reason: `it could not be read (${(error as Error).message})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    return { kind: 'unreadable', reason: 'it is not valid JSON' };
  }
  const parsed = parseVersioned(json, format);
  if (!parsed.ok) return { kind: 'unreadable', reason: parsed.reason };
  const { ok: _ok, ...rest } = parsed;
  return { kind: 'ok', ...rest };
}

// ---------------------------------------------------------------------------------------------
// One file

export interface DurableFileOptions<T> {
  /** Write `<name>.bak` before each write (the last good copy; see `readBackup`). Default false. */
  readonly backup?: boolean;
  /** See `WriteOptions.fsync`; default true. */
  readonly fsync?: boolean;
  /** How a document is turned into text; default `JSON.stringify`. */
  readonly serialize?: (document: T) => string;
  readonly now?: () => Date;
}

/**
 * One versioned JSON file: read (and migrated), written atomically (its writes serialised, the
 * backup first when kept), moved aside when unusable.
 */
export class DurableFile<T> {
  readonly backupFile: string;
  private writing: Promise<void> = Promise.resolve();
  private readonly now: () => Date;

  constructor(
    readonly file: string,
    private readonly format: VersionedFormat<T>,
    private readonly options: DurableFileOptions<T> = {},
  ) {
    this.backupFile = `${file}.bak`;
    this.now = options.now ?? (() => new Date());
  }

  read(): Promise<ReadResult<T>> {
    return readVersioned(this.file, this.format);
  }

  /** The last good copy (with `backup`). */
  readBackup(): Promise<ReadResult<T>> {
    return readVersioned(this.backupFile, this.format);
  }

  /** Writes `document`: the backup first (when kept), then the file. Writes from one object never interleave. */
  write(document: T): Promise<void> {
    const text = (this.options.serialize ?? ((d: T) => JSON.stringify(d)))(document);
    const options = { fsync: this.options.fsync !== false };
    const next = this.writing.then(async () => {
      if (this.options.backup) await writeFileAtomic(this.backupFile, text, options);
      await writeFileAtomic(this.file, text, options);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** Keeps the unusable file as `<name>.corrupt-<time>` (see `moveAside`); throws when it could not. */
  moveAside(options: { readonly copy?: boolean } = {}): Promise<string> {
    return moveAside(this.file, { now: this.now(), ...options });
  }

  keepVersionBackup(version: number): Promise<void> {
    return keepVersionBackup(this.file, version);
  }

  /** Removes the temporary files of this file (and of its backup) left by killed writers. */
  async removeLeftovers(): Promise<void> {
    await removeLeftovers(this.file, this.now().getTime());
    if (this.options.backup) await removeLeftovers(this.backupFile, this.now().getTime());
  }
}
