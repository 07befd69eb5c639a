/**
 * A short-lived exclusive lock between the processes (windows) of one profile. (Files are written
 * atomically by durableFile.ts.)
 *
 * The lock is a file created with O_EXCL (`wx`), so exactly one process can create it. It guards
 * critical sections of a few milliseconds (read, decide, write). A holder releases only its own
 * lock (matched by a random token).
 *
 * A holder that crashed inside one leaves the file behind: a lock older than `staleMs` (or modified
 * as far in the future: the clock was set back) is broken. The file system has no "delete this name
 * if it is still that file", so breaking is a check and then a delete, and nothing may change the
 * name in between. Two processes breaking at once would break that (one deletes the stale lock and
 * a third process takes the free name; the other, still acting on what it saw, deletes the third's
 * fresh lock: two holders). So breaking is serialised behind a second lock, the breaker
 * (`<lock>.break`, taken the same way): its holder looks at the lock again and deletes it only if
 * it is still the very file found stale (same inode and modification time) and still stale. Why
 * that is enough: only a holder releasing its own lock and a breaker holding the breaker ever
 * delete the lock; the holder of a stale lock is gone (or has overrun `staleMs`, which the lock
 * cannot protect against), and no other breaker runs meanwhile, so the file looked at is the file
 * deleted. A fresh lock taken after that has a new modification time, so a breaker that saw the old
 * one leaves it alone. A breaker left behind by a process that crashed while breaking (a few
 * milliseconds) is itself broken the same way, after twice `staleMs`, behind `<lock>.break.break`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { readFileSync, rmSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
    if (info && isStale(info, staleMs) && (await breakStale(file, info, staleMs, retryMs, deadline))) continue;
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

/**
 * Older than `staleMs`, or as far in the future: a lock modified "in the future" was left before
 * the clock was set back, and would otherwise stay fresh, and hold everyone off, for that long.
 */
function isStale(info: Stats, staleMs: number): boolean {
  return Math.abs(Date.now() - info.mtimeMs) > staleMs;
}

/**
 * Deletes the lock `file` if it is still the file `seen` (found stale), holding the breaker (see
 * the module comment). False when the breaker stayed busy until `deadline`.
 */
async function breakStale(file: string, seen: Stats, staleMs: number, retryMs: number, deadline: number): Promise<boolean> {
  try {
    await withFileLock(
      `${file}.break`,
      async () => {
        const now = await stat(file).catch(() => undefined);
        if (now && now.ino === seen.ino && now.mtimeMs === seen.mtimeMs && isStale(now, staleMs)) await rm(file, { force: true });
      },
      { staleMs: 2 * staleMs, retryMs, timeoutMs: Math.max(0, deadline - Date.now()) },
    );
    return true;
  } catch (error) {
    if (error instanceof LockTimeoutError) return false;
    throw error;
  }
}

/** Removes `file` synchronously if it holds JSON whose `field` equals `value` (a release at shutdown). */
export function removeIfOwnedSync(file: string, field: string, value: string): boolean {
  const held = readJsonSync(file) as Record<string, unknown> | undefined;
  if (held?.[field] !== value) return false;
  rmSync(file, { force: true });
  return true;
}
