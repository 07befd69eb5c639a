/**
 * Small file-system primitives shared by the windows of one profile: an atomic JSON write and a
 * short-lived exclusive lock between processes.
 *
 * The lock is a file created with O_EXCL (`wx`), so exactly one process can create it. It guards
 * critical sections of a few milliseconds (read, decide, write). A holder that crashed inside one
 * leaves the file behind: a lock older than `staleMs` is broken by renaming it aside (a rename
 * succeeds for one process only); if what was renamed turns out to be fresh (another process
 * broke the stale one and took the lock in between), it is put back with `link`, which creates the
 * name only if it is free. A holder releases only its own lock (matched by a random token).
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Writes `text` to `file` atomically: a unique temporary file, flushed, renamed over it. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** The parsed JSON in `file`, or undefined when it is missing or not JSON. */
export async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Like `readJson`, synchronously (for a release during shutdown). */
export function readJsonSync(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export interface FileLockOptions {
  /** A lock older than this was left by a crashed holder and is broken; default 10 s. */
  readonly staleMs?: number;
  /** Give up (throw) after waiting this long; default 15 s. */
  readonly timeoutMs?: number;
  /** Pause between attempts; default 15 ms, with jitter. */
  readonly retryMs?: number;
}

export class LockTimeoutError extends Error {}

async function errnoOf<T>(work: Promise<T>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
  }
}

/** Runs `fn` while holding the lock file `file` (see the module comment). */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const staleMs = options.staleMs ?? 10_000;
  const retryMs = options.retryMs ?? 15;
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  const token = randomUUID();
  for (;;) {
    const code = await errnoOf(
      (async () => {
        const handle = await open(file, 'wx');
        try {
          await handle.writeFile(JSON.stringify({ token, pid: process.pid, at: new Date().toISOString() }), 'utf8');
        } finally {
          await handle.close();
        }
      })(),
    );
    if (code === undefined) break;
    if (code === 'ENOENT') {
      await mkdir(dirname(file), { recursive: true });
      continue;
    }
    if (code !== 'EEXIST') throw new Error(`Could not take the lock ${file} (${code}).`);
    const info = await stat(file).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > staleMs) {
      await breakStale(file, staleMs, token);
      continue;
    }
    if (Date.now() > deadline) throw new LockTimeoutError(`The lock ${file} stayed busy.`);
    await sleep(retryMs + Math.random() * retryMs);
  }
  try {
    return await fn();
  } finally {
    const held = (await readJson(file)) as { token?: unknown } | undefined;
    if (held?.token === token) await rm(file, { force: true });
  }
}

async function breakStale(file: string, staleMs: number, token: string): Promise<void> {
  const aside = `${file}.${token.slice(0, 8)}.stale`;
  if ((await errnoOf(rename(file, aside))) !== undefined) return; // someone else broke it first
  const moved = await stat(aside).catch(() => undefined);
  if (moved && Date.now() - moved.mtimeMs <= staleMs) {
    // We moved a fresh lock: give it back unless the name was taken again meanwhile.
    await errnoOf(link(aside, file));
  }
  await rm(aside, { force: true });
}

/** Removes `file` synchronously if it holds JSON whose `field` equals `value` (a release at shutdown). */
export function removeIfOwnedSync(file: string, field: string, value: string): boolean {
  const held = readJsonSync(file) as Record<string, unknown> | undefined;
  if (held?.[field] !== value) return false;
  rmSync(file, { force: true });
  return true;
}
