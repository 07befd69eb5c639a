/**
 * A helper thread for large scans: the scan worker reads some files itself while this thread
 * reads the others (parser.ts). Started for the first scan that has many megabytes to read, kept
 * for the scans that follow (a first start reads every source in turn), stopped once idle
 * (ParserPool).
 */
import { Worker } from 'node:worker_threads';
import type { FromParser, ParseJob, ParsedFile } from './reader';

/** How to start the parser thread: its script, or code to evaluate (tests run the .ts source through tsx). */
export interface ParserSpec {
  readonly file: string;
  readonly eval?: boolean;
}

export class ParserThread {
  private readonly worker: Worker;
  private readonly results = new Map<number, ParsedFile | null>();
  private waiting: { id: number; resolve: () => void } | undefined;
  private failure: Error | undefined;
  private stopped = false;
  /** Jobs handed over whose result has not come yet. */
  private outstanding = 0;

  constructor(spec: ParserSpec) {
    // A small young generation: this thread allocates little (entries go to typed arrays).
    this.worker = new Worker(spec.file, { ...(spec.eval ? { eval: true } : {}), resourceLimits: { maxYoungGenerationSizeMb: 4 }, stdout: false, stderr: false });
    this.worker.on('message', (m: FromParser) => {
      this.outstanding--;
      this.results.set(m.id, m.result);
      this.check();
    });
    const fail = (e: Error) => {
      this.failure = e;
      this.check();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the parser thread stopped (exit code ${code})`)));
  }

  private check(): void {
    const w = this.waiting;
    if (w && (this.failure || this.results.has(w.id))) {
      this.waiting = undefined;
      w.resolve();
    }
  }

  start(jobs: readonly ParseJob[]): void {
    if (jobs.length === 0) return;
    this.outstanding += jobs.length;
    this.worker.postMessage({ type: 'parse', jobs });
  }

  /** The result of a job (null for a file that could not be read), removed from memory; rejects if the thread died. */
  async take(id: number): Promise<ParsedFile | null> {
    if (!this.results.has(id)) {
      await new Promise<void>((resolve) => {
        this.waiting = { id, resolve };
        this.check();
      });
    }
    if (!this.results.has(id)) throw this.failure ?? new Error('the parser thread gave no result');
    const r = this.results.get(id) ?? null;
    this.results.delete(id);
    return r;
  }

  /** Whether it can take another scan's files: alive, with no job of the last one still to come or left untaken. */
  get reusable(): boolean {
    return !this.stopped && this.failure === undefined && this.outstanding === 0 && this.results.size === 0 && this.waiting === undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/** Where a shared scan gets its parser thread, and gives it back (settles once it is kept or stopped). */
export interface ParserLease {
  acquire(): ParserThread;
  release(): Promise<void>;
}

/** How long a parser thread is kept without a scan to help with. */
export const PARSER_IDLE_MS = 5_000;

/**
 * One parser thread, started when a scan asks for it and kept for the next scan (starting a
 * thread costs tens of milliseconds, and a first scan asks for one per source); stopped after
 * PARSER_IDLE_MS without a scan, or when a scan failed while using it (results of that scan may
 * still come), or on `stop`.
 */
export class ParserPool implements ParserLease {
  private thread: ParserThread | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly spec: ParserSpec,
    private readonly idleMs = PARSER_IDLE_MS,
  ) {}

  /** The thread for a scan; give it back with `release`. */
  acquire(): ParserThread {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.thread && !this.thread.reusable) void this.drop();
    this.thread ??= new ParserThread(this.spec);
    return this.thread;
  }

  /** A scan is done with the thread: kept for PARSER_IDLE_MS, or stopped at once if it is not reusable. */
  async release(): Promise<void> {
    if (this.thread && !this.thread.reusable) return this.drop();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drop(), this.idleMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.drop();
  }

  private async drop(): Promise<void> {
    const t = this.thread;
    this.thread = undefined;
    await t?.stop();
  }
}
