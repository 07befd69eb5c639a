/**
 * A clock for coordinators (CoordinatorClock) that moves only when the test moves it: heartbeats,
 * stale leases and refresh intervals then cost no real time, and the times a test measures are
 * exact.
 *
 * Its timers fire in the order of their time. Each time it has fired the timers due at one
 * moment, it waits, in real time, until the work they started is done (the looks they return, the
 * fetches `busyWhile` reports, file-system requests, file-system events) before it moves on; the
 * windows' real work (the file system, the lock, HTTP to the simulator) happens while the clock
 * stands still. So a look, or a fetch, takes no time on this clock.
 *
 * File times: a file written while the clock stood at T is dated T (`fileTime`), as the file
 * system of a machine whose clock said T would have dated it. The file system's own clock is
 * coarse (a few ms behind), so a file written just after the clock moved may be dated one step
 * early.
 */
import type { CoordinatorClock } from '../../../src/state/coordinator';

interface Timer {
  due: number;
  readonly id: number;
  readonly every?: number;
  readonly fn: () => unknown;
}

const realNow = () => performance.timeOrigin + performance.now();
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether a file-system request is under way in this process. */
const fileSystemBusy = () => process.getActiveResourcesInfo().some((r) => r.startsWith('FSReq'));

export class TestClock implements CoordinatorClock {
  /** Time as the timers see it (never goes back). */
  private time: number;
  /** How far the wall clock (`now`) was set away from `time`. */
  private offset = 0;
  private readonly timers = new Map<number, Timer>();
  private nextId = 0;
  /** Work started by timers, not yet done. */
  private readonly pending = new Set<Promise<unknown>>();
  private readonly busy: (() => boolean)[] = [];
  /** When (real time) the clock came to show each time it showed, for `fileTime`. */
  private readonly marks: { readonly real: number; readonly at: number }[] = [];
  /** The first failure of a timer's work (a look that threw): the next move of the clock throws it. */
  private failure: { readonly error: unknown } | undefined;

  constructor(start: number = Date.now()) {
    this.time = start;
    this.mark();
  }

  now(): number {
    return this.time + this.offset;
  }

  /** Time as the timers see it. */
  get timerTime(): number {
    return this.time;
  }

  /** When the next timer is due (timer time), if any. */
  next(): number | undefined {
    return this.nextDue();
  }

  fileTime(mtimeMs: number): number {
    const real = realNow();
    // Dated after the present: by a clock set ahead (or by a test): that far ahead of this one.
    if (mtimeMs > real) return this.now() + (mtimeMs - real);
    for (let i = this.marks.length - 1; i >= 0; i--) {
      const mark = this.marks[i]!;
      if (mark.real <= mtimeMs) return mark.at;
    }
    const first = this.marks[0]!;
    return first.at - (first.real - mtimeMs);
  }

  every(ms: number, look: () => Promise<void>): { stop(): void } {
    const id = this.add({ due: this.time + ms, every: ms, fn: look });
    return { stop: () => this.timers.delete(id) };
  }

  after(ms: number, fn: () => unknown): { cancel(): void } {
    const id = this.add({ due: this.time + ms, fn });
    return { cancel: () => this.timers.delete(id) };
  }

  /** The clock waits for the work `isBusy` reports (e.g. a window fetching) as for a look. */
  busyWhile(isBusy: () => boolean): void {
    this.busy.push(isBusy);
  }

  /** Sets the wall clock `ms` forward (back when negative), as a user or NTP would; timers are not moved. */
  setWall(ms: number): void {
    this.offset += ms;
    this.mark();
  }

  /** Moves the clock `ms` on, firing the timers due meanwhile; `observe` is called once the work of each moment is done. */
  async advance(ms: number, observe?: () => void): Promise<void> {
    const end = this.time + ms;
    await this.settle();
    observe?.();
    for (let due = this.nextDue(); due !== undefined && due <= end; due = this.nextDue()) {
      await this.fire(due);
      observe?.();
    }
    this.moveTo(end);
    await this.settle();
    observe?.();
  }

  /** Moves the clock on, timer by timer, until `ok()` holds; fails after `limitMs`. Returns the time it took. */
  async until(what: string, ok: () => boolean, limitMs: number): Promise<number> {
    const start = this.time;
    await this.settle();
    while (!ok()) {
      const due = this.nextDue();
      if (due === undefined || due > start + limitMs) {
        // Nothing more happens on this clock in time; real work may still be finishing.
        const end = realNow() + 2_000;
        while (!ok() && realNow() < end) await pause(5);
        if (ok()) break;
        throw new Error(`timed out waiting for ${what} (${limitMs} ms on the test clock)`);
      }
      await this.fire(due);
    }
    return this.time - start;
  }

  /**
   * Moves the clock on, timer by timer, until `work` has settled; fails after `limitMs`. (Its own
   * real work is waited for as far as it is file-system requests; a timer it sets is a timer.)
   */
  async run<T>(what: string, work: Promise<T>, limitMs: number): Promise<T> {
    let done = false;
    work.then(
      () => (done = true),
      () => (done = true),
    );
    await this.until(what, () => done, limitMs);
    return work;
  }

  private add(timer: Omit<Timer, 'id'>): number {
    const id = this.nextId++;
    this.timers.set(id, { ...timer, id });
    return id;
  }

  private nextDue(): number | undefined {
    let due: number | undefined;
    for (const t of this.timers.values()) if (due === undefined || t.due < due) due = t.due;
    return due;
  }

  private moveTo(time: number): void {
    if (time === this.time) return;
    this.time = time;
    this.mark();
  }

  private mark(): void {
    this.marks.push({ real: realNow(), at: this.now() });
  }

  /** Moves to `due` and fires every timer due then, in order; waits for their work. */
  private async fire(due: number): Promise<void> {
    this.moveTo(due);
    const now = [...this.timers.values()].filter((t) => t.due <= due).sort((a, b) => a.due - b.due || a.id - b.id);
    for (const timer of now) {
      if (!this.timers.has(timer.id)) continue; // stopped by one fired before it
      if (timer.every === undefined) this.timers.delete(timer.id);
      else timer.due += timer.every;
      const result = timer.fn();
      if (result instanceof Promise) {
        const tracked: Promise<unknown> = result
          .catch((error: unknown) => {
            this.failure ??= { error };
          })
          .finally(() => this.pending.delete(tracked));
        this.pending.add(tracked);
      }
    }
    await this.settle();
  }

  /**
   * Waits (real time) until the work under way is done: timers' work, `busyWhile`, file-system
   * requests and events. Throws what a timer's work threw (as an unhandled rejection would fail a
   * test on real timers).
   */
  private async settle(): Promise<void> {
    for (let quiet = 0; quiet < 2; ) {
      await turn();
      if (this.pending.size > 0) {
        await Promise.race([Promise.all(this.pending), pause(5)]);
        quiet = 0;
      } else if (this.busy.some((b) => b()) || fileSystemBusy()) {
        await pause(1);
        quiet = 0;
      } else {
        // Nothing under way: one more turn of the event loop takes in file-system events already
        // reported (they arrive with the write that caused them).
        quiet++;
      }
    }
    if (this.failure) throw this.failure.error;
  }
}
