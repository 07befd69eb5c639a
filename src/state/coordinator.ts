/**
 * Many windows, one poller. Every window of a profile runs the extension in its own extension
 * host, and they all share the extension's global storage folder. One window leads: it alone
 * calls the usage APIs (once per refresh interval) and saves the ledger (`ledger.json`); the
 * others follow: they reload that file when it changes and never fetch.
 *
 * The lease. `leader.json` = `{ version, id, pid, heartbeat, since }`, written atomically without
 * a flush to disk (durableFile.ts: after a power loss a lease is stale whatever it says). Every
 * `heartbeatMs` each window looks at it: the leader renews its heartbeat; a follower that finds it
 * missing, or with a heartbeat older than `staleMs` (3 heartbeats by default), claims it. Claims
 * and renewals happen under a short cross-process lock (`leader.lock`, see fileLock.ts), so two
 * windows never both claim the same free lease, and a leader that was stalled past `staleMs` and
 * taken over learns it on its next renewal and steps down. So a crashed window holds the lease for
 * at most `staleMs` + `heartbeatMs`; a window that closes releases it at once (in `dispose`, and
 * again once a renewal under way has ended), and a follower takes over on its next look (sooner
 * when the file system reports the deletion).
 *
 * Nothing to fetch, nobody leads. While no source is configured (`active()` false) no window
 * claims or renews the lease, so none rewrites a file every heartbeat for nothing: a leader lets
 * go of its lease, and "Refresh Now" refreshes the window asking. When a source is configured
 * again (`changed()`), the first window to look claims the lease and fetches.
 *
 * The schedule is shared too: the leader fetches an interval after its own last fetch started,
 * or, when another window saved last, an interval after `ledger.json` was modified; so a new
 * leader carries on the old one's rhythm instead of fetching at once.
 *
 * "Refresh Now" in a follower writes `refresh-request.json` = `{ id, at, reason }` and waits until
 * `ledger.json` changes (or this window becomes the leader and fetches itself); the leader fetches
 * when it sees a request newer than its last fetch. A key or setting changed in one window reaches
 * every window by itself (secret-storage and configuration events fire in all of them); the
 * leader's `changed()` fetches, the followers then reload.
 *
 * Free of `vscode`: tested with several coordinators, in one process and in several, over the
 * real file system, on a clock the test moves (`CoordinatorClock`), so heartbeats, stale leases and
 * intervals cost no real time.
 */
import { randomUUID } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { DurableFile, type VersionedFormat } from './durableFile';
import { removeIfOwnedSync, withFileLock } from './fileLock';

export interface CoordinatedService {
  refresh(reason: string): Promise<void>;
  reloadFromStore(): Promise<boolean>;
  readonly refreshing: boolean;
}

export interface CoordinatorLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface CoordinatorOptions {
  /** The shared folder (the extension's global storage). */
  readonly dir: string;
  readonly service: CoordinatedService;
  /** The refresh interval, read at each heartbeat. */
  readonly intervalMs: () => number;
  readonly logger: CoordinatorLogger;
  /** This window's id (default: pid + random). */
  readonly id?: string;
  /** Default 5 s. */
  readonly heartbeatMs?: number;
  /** A lease whose heartbeat is older is taken over; default 3 × heartbeatMs. */
  readonly staleMs?: number;
  /** How long a follower's "Refresh Now" waits for the leader; default 60 s. */
  readonly requestTimeoutMs?: number;
  /** React to file-system events as well as to the heartbeat; default true. */
  readonly watch?: boolean;
  /**
   * Whether there is anything to fetch (a source is configured), read at each heartbeat; default
   * always. While false no window leads (see the module comment).
   */
  readonly active?: () => boolean;
  /** The time and the timers to run on; default the real ones (`REAL_CLOCK`). */
  readonly clock?: CoordinatorClock;
}

/**
 * The time and the timers a coordinator runs on: the real ones, or (tests) a clock moved by hand.
 * The lock (fileLock.ts) keeps to real time: it is held for milliseconds.
 */
export interface CoordinatorClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** A file's modification time (ms since the epoch, as the file system dates files) on this clock. */
  fileTime(mtimeMs: number): number;
  /** Calls `look` every `ms` until stopped (`look`'s promise: the look it started). */
  every(ms: number, look: () => Promise<void>): { stop(): void };
  /** Calls `fn` once, `ms` from now, unless cancelled (a promise it returns: the work it started). */
  after(ms: number, fn: () => unknown): { cancel(): void };
}

export const REAL_CLOCK: CoordinatorClock = {
  now: () => Date.now(),
  fileTime: (mtimeMs) => mtimeMs,
  every: (ms, look) => {
    const timer = setInterval(() => void look(), ms);
    return { stop: () => clearInterval(timer) };
  },
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

export type Role = 'leader' | 'follower';

const LEASE_FILE = 'leader.json';
const LOCK_FILE = 'leader.lock';
const REQUEST_FILE = 'refresh-request.json';
const LEDGER_FILE = 'ledger.json';

const LeaseSchema = v.object({ version: v.literal(1), id: v.string(), pid: v.number(), heartbeat: v.string(), since: v.string() });
type Lease = v.InferOutput<typeof LeaseSchema>;
const RequestSchema = v.object({ version: v.literal(1), id: v.string(), at: v.string(), reason: v.string() });
type Request = v.InferOutput<typeof RequestSchema>;
/** Both files were written without `version` before it was added (and still are by older versions): such a file is version 1. */
const LEASE_FORMAT: VersionedFormat<Lease> = { version: 1, schema: LeaseSchema, unversioned: 1 };
const REQUEST_FORMAT: VersionedFormat<Request> = { version: 1, schema: RequestSchema, unversioned: 1 };

/** `mtime:size` of a file, or undefined when it does not exist. */
async function stampOf(file: string): Promise<{ key: string; mtimeMs: number } | undefined> {
  const info = await stat(file).catch(() => undefined);
  return info ? { key: `${info.mtimeMs}:${info.size}:${info.ino}`, mtimeMs: info.mtimeMs } : undefined;
}

export class Coordinator {
  readonly id: string;
  private role: Role = 'follower';
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private readonly requestTimeoutMs: number;
  private readonly leaseFile: string;
  private readonly lockFile: string;
  private readonly requestFile: string;
  /** Worth something for seconds only: written without a flush to disk. */
  private readonly lease: DurableFile<Lease>;
  private readonly request: DurableFile<Request>;
  private readonly ledgerFile: string;
  private readonly clock: CoordinatorClock;
  private timer: { stop(): void } | undefined;
  private watcher: FSWatcher | undefined;
  private poke: { cancel(): void } | undefined;
  /** The look running now, and the one queued after it. */
  private ticking: Promise<void> | undefined;
  private nextTick: Promise<void> | undefined;
  /** When this window last started a fetch (ms since the epoch; 0 = never). */
  private lastFetch = 0;
  /** The ledger file as this window's own last fetch left it (its modification time is then not news). */
  private ownSave: string | undefined;
  /** The time of the refresh request answered last. */
  private answeredRequest = 0;
  /**
   * The ledger file as last reloaded (followers). None before the first look, which therefore
   * reloads: the service loaded the ledger before `start`, and another window may have saved since
   * (two windows opened together, the other leading and saving its first fetch in between).
   * Marked seen at start, that save was shown only at the leader's next one, a refresh interval later.
   */
  private seenLedger: string | undefined;
  private readonly listeners = new Set<(role: Role) => void>();
  private disposed = false;
  /** The last look found nothing to fetch (`active()` false). */
  private idle = false;

  constructor(private readonly options: CoordinatorOptions) {
    this.id = options.id ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
    this.staleMs = options.staleMs ?? 3 * this.heartbeatMs;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.clock = options.clock ?? REAL_CLOCK;
    this.leaseFile = join(options.dir, LEASE_FILE);
    this.lockFile = join(options.dir, LOCK_FILE);
    this.requestFile = join(options.dir, REQUEST_FILE);
    this.ledgerFile = join(options.dir, LEDGER_FILE);
    this.lease = new DurableFile(this.leaseFile, LEASE_FORMAT, { fsync: false });
    this.request = new DurableFile(this.requestFile, REQUEST_FORMAT, { fsync: false });
  }

  get isLeader(): boolean {
    return this.role === 'leader';
  }

  onDidChangeRole(listener: (role: Role) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Takes part: looks at the lease now, then at every heartbeat and on file-system events. */
  async start(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    await this.lease.removeLeftovers();
    await this.request.removeLeftovers();
    if (this.disposed) return; // closed while starting
    this.timer = this.clock.every(this.heartbeatMs, () => this.tick());
    if (this.options.watch !== false) this.watchFolder();
    await this.tick();
  }

  /**
   * "Refresh Now": the leader fetches; a follower asks the leader and waits for its save (or
   * fetches itself if it becomes the leader meanwhile).
   */
  async refresh(reason: string): Promise<void> {
    await this.tick();
    if (this.isLeader) return this.runFetch(reason);
    // Nothing to fetch for all windows: this one refreshes what it shows.
    if (this.idle) return this.options.service.refresh(reason);
    const before = (await stampOf(this.ledgerFile))?.key;
    await this.request.write({ version: 1, id: this.id, at: new Date(this.clock.now()).toISOString(), reason });
    this.options.logger.info(`Refresh (${reason}): asked the window that fetches for all windows.`);
    const deadline = this.clock.now() + this.requestTimeoutMs;
    while (!this.disposed && this.clock.now() < deadline) {
      const now = (await stampOf(this.ledgerFile))?.key;
      if (now !== undefined && now !== before) {
        await this.reloadIfChanged();
        return;
      }
      await new Promise<void>((resolve) => this.clock.after(Math.min(200, this.heartbeatMs), resolve));
    }
    if (!this.disposed) this.options.logger.warn(`Refresh (${reason}): no window answered within ${Math.round(this.requestTimeoutMs / 1000)} s.`);
  }

  /**
   * What is fetched changed (a key, a source setting): the leader fetches again, even mid-fetch.
   * While nobody leads (nothing was configured), this window looks at once, and fetches if it
   * comes to lead.
   */
  changed(reason: string): void {
    if (this.isLeader) this.fetch(reason, true);
    else if (this.idle && !this.disposed) {
      this.tick()
        .then(() => {
          if (this.isLeader) this.fetch(reason, false);
        })
        .catch((error: unknown) => this.options.logger.warn(`Could not check which window fetches (${(error as Error).message}).`));
    }
  }

  /**
   * Stops taking part; a leader releases the lease so another window takes over at once. The
   * promise settles once a look under way has ended and the lease is released again, in case
   * that look renewed it meanwhile.
   */
  dispose(): Promise<void> {
    this.stop();
    this.release();
    const running = this.ticking;
    return running ? running.catch(() => undefined).then(() => this.release()) : Promise.resolve();
  }

  private release(): void {
    try {
      removeIfOwnedSync(this.leaseFile, 'id', this.id);
    } catch {
      // The lease then expires by itself.
    }
    this.role = 'follower';
  }

  /** Stops without releasing anything, as a crashed or frozen window would (for tests). */
  stop(): void {
    this.disposed = true;
    this.timer?.stop();
    this.poke?.cancel();
    this.watcher?.close();
    this.timer = undefined;
    this.watcher = undefined;
  }

  private watchFolder(): void {
    try {
      this.watcher = watch(this.options.dir, (_event, filename) => {
        const name = filename?.toString();
        const relevant = this.isLeader ? name === REQUEST_FILE : name === LEDGER_FILE || name === LEASE_FILE;
        if (relevant && !this.poke) {
          this.poke = this.clock.after(30, () => {
            this.poke = undefined;
            return this.tick();
          });
        }
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      // No file-system events here: the heartbeat alone drives everything.
    }
  }

  /** Looks at the lease and the shared files now (as each heartbeat does). */
  check(): Promise<void> {
    return this.tick();
  }

  /**
   * One look at the lease and the shared files; never two at once. A call while one runs gets one
   * more look, which starts when the running one ends (all calls meanwhile share it), and waits for
   * that look only: when looks are slow (each waits a heartbeat for a busy lock) the heartbeat keeps
   * asking for more, and a caller waiting for the looks to stop would wait forever.
   */
  private tick(): Promise<void> {
    if (this.nextTick) return this.nextTick;
    if (!this.ticking) return this.runTick();
    const next = this.ticking
      .catch(() => undefined)
      .then(() => {
        this.nextTick = undefined;
        return this.runTick();
      });
    this.nextTick = next;
    return next;
  }

  private runTick(): Promise<void> {
    const running = this.tickOnce().finally(() => {
      this.ticking = undefined;
    });
    this.ticking = running;
    return running;
  }

  private async tickOnce(): Promise<void> {
    if (this.disposed) return;
    const active = this.options.active?.() ?? true;
    this.idle = !active;
    let leads: boolean;
    try {
      leads = active ? await this.claimOrRenew() : await this.letGo();
    } catch (error) {
      this.options.logger.warn(`Could not check which window fetches (${(error as Error).message}); this one waits.`);
      leads = false;
    }
    if (this.disposed) return;
    if (leads !== this.isLeader) {
      this.role = leads ? 'leader' : 'follower';
      this.options.logger.info(leads ? 'This window now fetches usage for all windows.' : active ? 'Another window fetches usage; this one shows its results.' : 'No source is configured: no window fetches.');
      if (leads) await this.options.service.reloadFromStore();
      for (const listener of this.listeners) listener(this.role);
    }
    if (this.isLeader) await this.leaderDuties();
    else await this.reloadIfChanged();
  }

  private isStale(lease: Lease, now: number): boolean {
    const age = now - Date.parse(lease.heartbeat);
    return !(Math.abs(age) <= this.staleMs);
  }

  private async readLease(): Promise<Lease | undefined> {
    const read = await this.lease.read();
    return read.kind === 'ok' ? read.value : undefined;
  }

  /** Nothing to fetch: a leader removes its lease (under the lock, so never one just claimed by another); nothing is written otherwise. */
  private async letGo(): Promise<false> {
    if (!this.isLeader) return false;
    await withFileLock(
      this.lockFile,
      async () => {
        if ((await this.readLease())?.id === this.id) await rm(this.leaseFile, { force: true });
      },
      { timeoutMs: this.heartbeatMs, staleMs: Math.max(2_000, this.heartbeatMs) },
    );
    return false;
  }

  /** True when this window holds the lease after the look (renewed or newly claimed). */
  private async claimOrRenew(): Promise<boolean> {
    const seen = await this.readLease();
    if (seen && seen.id !== this.id && !this.isStale(seen, this.clock.now())) return false;
    return withFileLock(
      this.lockFile,
      async () => {
        const lease = await this.readLease();
        const now = this.clock.now();
        if (lease && lease.id !== this.id && !this.isStale(lease, now)) return false;
        if (this.disposed) return false;
        if (lease && lease.id !== this.id) this.options.logger.info(`The window that fetched (${lease.id}) stopped answering; this one takes over.`);
        const since = lease?.id === this.id ? lease.since : new Date(now).toISOString();
        await this.lease.write({ version: 1, id: this.id, pid: process.pid, heartbeat: new Date(now).toISOString(), since });
        return true;
      },
      { timeoutMs: this.heartbeatMs, staleMs: Math.max(2_000, this.heartbeatMs) },
    );
  }

  private async leaderDuties(): Promise<void> {
    // The last fetch started at our own start time, or (after a handover) when the last leader saved.
    const saved = await stampOf(this.ledgerFile);
    const times = saved && saved.key !== this.ownSave ? [this.lastFetch, this.clock.fileTime(saved.mtimeMs)] : [this.lastFetch];
    // A time "in the future" was taken by a clock that has since been set back (or the ledger was
    // saved by a window whose clock ran ahead): it tells nothing about when the next fetch is due,
    // and waiting until the clock reaches it would stop fetching for the whole skew (across
    // restarts too, for the ledger's). It counts as never: a fetch is due, and the rhythm restarts
    // from the clock as it is (each time on its own, so a fetch that fails cannot make it due again).
    const now = this.clock.now();
    const last = Math.max(...times.map((t) => (t > now ? 0 : t)));
    const skewed = times.some((t) => t > now);
    const read = await this.request.read();
    const request = read.kind === 'ok' ? read.value : undefined;
    const asked = request ? Date.parse(request.at) : Number.NaN;
    // Answered once (the same request again is not news), and not "only if newer than the last
    // one answered": after the clock is set back, every new request would be older for the skew.
    if (request && asked !== this.answeredRequest && asked > last) {
      this.answeredRequest = asked;
      this.fetch(`asked by another window: ${request.reason}`, true);
    } else if (now - last >= this.options.intervalMs()) {
      this.fetch(last > 0 ? 'interval' : skewed ? 'the last fetch is dated in the future: the clock was set back' : 'first fetch', false);
    }
  }

  /** Starts a fetch; `always` queues one more after a fetch already running. */
  private fetch(reason: string, always: boolean): void {
    if (!always && this.options.service.refreshing) return;
    this.runFetch(reason).catch((error: unknown) => this.options.logger.warn(`Refresh (${reason}) failed: ${(error as Error).message}`));
  }

  private async runFetch(reason: string): Promise<void> {
    this.lastFetch = this.clock.now();
    await this.options.service.refresh(reason);
    this.ownSave = (await stampOf(this.ledgerFile))?.key;
  }

  private async reloadIfChanged(): Promise<void> {
    const stamp = await stampOf(this.ledgerFile);
    if (!stamp || stamp.key === this.seenLedger) return;
    if (await this.options.service.reloadFromStore()) this.seenLedger = stamp.key;
  }
}
