/**
 * A helper thread for large scans: the scan worker reads some files itself while this thread
 * reads the others (parser.ts). Started for a scan that has many megabytes to read, stopped after.
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

  constructor(spec: ParserSpec) {
    // A small young generation: this thread allocates little (entries go to typed arrays).
    this.worker = new Worker(spec.file, { ...(spec.eval ? { eval: true } : {}), resourceLimits: { maxYoungGenerationSizeMb: 4 }, stdout: false, stderr: false });
    this.worker.on('message', (m: FromParser) => {
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
    if (jobs.length > 0) this.worker.postMessage({ type: 'parse', jobs });
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

  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
