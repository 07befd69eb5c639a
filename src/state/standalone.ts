/**
 * A window that cannot coordinate with the others (its global storage folder cannot be created
 * or locked: state/coordinator.ts) fetches on its own: every refresh interval, read at each check
 * so a changed setting applies, as a leader would. Without this it fetched once at start-up and
 * never again.
 */
export interface OnOwnOptions {
  readonly refresh: (reason: string) => Promise<void>;
  /** The refresh interval now (the setting can change). */
  readonly intervalMs: () => number;
  /** How often the interval is checked; default one minute. */
  readonly checkMs?: number;
  readonly now?: () => number;
}

/** Refreshes every `intervalMs()` from now on; a clock set back counts as due. */
export function fetchOnOwn(options: OnOwnOptions): { dispose(): void } {
  const now = options.now ?? Date.now;
  let last = now();
  const timer = setInterval(() => {
    const t = now();
    if (t - last >= options.intervalMs() || t < last) {
      last = t;
      void options.refresh('interval');
    }
  }, options.checkMs ?? 60_000);
  return { dispose: () => clearInterval(timer) };
}
