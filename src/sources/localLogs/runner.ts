/**
 * Where scans run: in a worker thread (the extension: dist/scanWorker.js next to the bundle), or
 * in-process (tests and tools; a scan then blocks its thread).
 *
 * The worker is started on the first scan, keeps the scan state in memory, and, when its state
 * is saved to files, is stopped after `idleMs` without work (it saves first) and started again
 * on the next scan, which reloads the state files.
 *
 * `dispose` (the extension deactivating) saves what is unsaved, after a scan under way, and
 * settles once it is on disk; a scan asked for afterwards is refused.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ParserPool, type ParserSpec } from './parallel';
import type { FromWorker, ToWorker, WorkerMemory, WorkerOptions } from './protocol';
import { Scanner, type ScannerOptions, type ScanProgress, type ScanRequest, type ScanResult } from './scanner';

export interface ScanRunner {
  scan(request: ScanRequest, onProgress?: (p: ScanProgress) => void): Promise<ScanResult>;
  /** Saves unsaved state. */
  flush(): Promise<void>;
  /** Saves unsaved state (after a scan under way) and stops; settles once it is saved. */
  dispose(): Promise<void>;
}

const stopped = () => new Error('the log scanner was stopped');

/** Runs the scanner on the calling thread (with `parser`, large scans share the reading with a parser thread). */
export class InProcessRunner implements ScanRunner {
  readonly scanner: Scanner;
  /** A shared scan under way (it awaits its parser thread): a flush waits for it. */
  private running: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly parser: ParserPool | undefined;
  constructor(options: ScannerOptions = {}, parser?: ParserSpec) {
    this.scanner = new Scanner(options);
    this.parser = parser ? new ParserPool(parser) : undefined;
  }
  scan(request: ScanRequest, onProgress?: (p: ScanProgress) => void): Promise<ScanResult> {
    if (this.disposed) return Promise.reject(stopped());
    const parser = this.parser;
    if (parser) {
      const result = this.scanner.scanShared(request, onProgress, parser).then((r) => {
        this.scanner.saveDue();
        return r;
      });
      this.running = result.catch(() => undefined);
      return result;
    }
    return new Promise((resolve, reject) => {
      try {
        const result = this.scanner.scan(request, onProgress);
        this.scanner.saveDue();
        resolve(result);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
  async flush(): Promise<void> {
    await this.running;
    this.scanner.flush();
  }
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.flush();
    await this.parser?.stop();
  }
}

/** The scan worker's young generation, MB (see WorkerRunner.ensure). */
const SCAN_WORKER_YOUNG_MB = 8;

export interface WorkerRunnerOptions extends WorkerOptions {
  /** The worker script (dist/scanWorker.js), or with `eval`, the code that starts it. */
  readonly file: string | URL;
  /** `file` is code to run (e.g. registering a TypeScript loader, then requiring worker.ts). */
  readonly eval?: boolean;
  readonly execArgv?: string[];
  /** Stop the worker after this long without work (default: never). Use only when state is saved to files. */
  readonly idleMs?: number;
}

interface Pending {
  readonly worker: Worker;
  readonly resolve: (m: FromWorker) => void;
  readonly reject: (e: Error) => void;
  readonly onProgress?: (p: ScanProgress) => void;
}

export class WorkerRunner implements ScanRunner {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Workers started so far (tests check the idle stop). */
  started = 0;

  constructor(private readonly options: WorkerRunnerOptions) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.file, {
      workerData: { ...(this.options.saveIntervalMs !== undefined ? { saveIntervalMs: this.options.saveIntervalMs } : {}), ...(this.options.parser !== undefined ? { parser: this.options.parser } : {}) } satisfies WorkerOptions,
      ...(this.options.execArgv ? { execArgv: this.options.execArgv } : {}),
      ...(this.options.eval ? { eval: true } : {}),
      // A young generation of 8 MB (V8's default lets it grow to 48): the scan's own data lives
      // in typed arrays, and what the agents' JSON leaves behind is short-lived; with the default,
      // the JSON agents (Amp's documents, Codex's first lines) grew the process by ~30 MB that
      // stayed (bench:logs' multi-agent peak RSS 202-203 MB; with 8 MB 169-172 MB, the scan as
      // fast within the bench's noise). Only the young generation: the old one has no limit, so
      // a large log never runs the worker out of memory.
      resourceLimits: { maxYoungGenerationSizeMb: SCAN_WORKER_YOUNG_MB },
      stdout: false,
      stderr: false,
    });
    this.started++;
    worker.on('message', (m: FromWorker) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress') {
        p.onProgress?.(m.progress);
        return;
      }
      this.pending.delete(m.id);
      if (m.type === 'error') p.reject(new Error(m.message));
      else p.resolve(m);
      this.armIdle();
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      // Only this worker's requests: after an idle stop, a new worker may already be at work.
      for (const [id, p] of this.pending) {
        if (p.worker !== worker) continue;
        this.pending.delete(id);
        p.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the log scan worker stopped (exit code ${code})`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private send(message: ToWorker extends infer T ? (T extends ToWorker ? Omit<T, 'id'> : never) : never, onProgress?: (p: ScanProgress) => void): Promise<FromWorker> {
    if (this.disposed && message.type === 'scan') return Promise.reject(stopped());
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const worker = this.ensure();
    worker.ref();
    const id = this.nextId++;
    return new Promise<FromWorker>((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject, ...(onProgress ? { onProgress } : {}) });
      worker.postMessage({ ...message, id });
    });
  }

  private armIdle(): void {
    if (this.pending.size > 0) return;
    this.worker?.unref();
    if (this.options.idleMs === undefined || !Number.isFinite(this.options.idleMs)) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stopWorker(), this.options.idleMs);
    this.idleTimer.unref();
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.pending.size > 0) return;
    try {
      await this.send({ type: 'flush' });
    } catch {
      // stopping anyway
    }
    if (this.pending.size > 0 || this.worker !== worker) return;
    this.worker = undefined;
    worker.removeAllListeners('exit');
    await worker.terminate();
  }

  async scan(request: ScanRequest, onProgress?: (p: ScanProgress) => void): Promise<ScanResult> {
    const m = await this.send({ type: 'scan', request, tz: process.env['TZ'] }, onProgress);
    if (m.type !== 'result') throw new Error(`unexpected worker answer ${m.type}`);
    return m.result;
  }

  /** The worker's memory (heap of its isolate, RSS of the whole process). */
  async memory(): Promise<WorkerMemory> {
    const m = await this.send({ type: 'memory' });
    if (m.type !== 'memory') throw new Error(`unexpected worker answer ${m.type}`);
    return m.memory;
  }

  async flush(): Promise<void> {
    if (!this.worker) return;
    await this.send({ type: 'flush' });
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const worker = this.worker;
    if (!worker) return;
    try {
      // Served after a scan under way (the worker answers in order), then saved.
      await this.flush();
    } catch {
      // terminating anyway
    }
    this.worker = undefined;
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}

/**
 * Worker options that run worker.ts from source through tsx's CommonJS hook (tests, tools): Node
 * 20 does not hand `--import tsx` loader hooks to worker threads.
 */
export function sourceWorker(workerTs: string, tsxCjs: string): { file: string; eval: true } {
  return { file: `require(${JSON.stringify(tsxCjs)}); require(${JSON.stringify(workerTs)});`, eval: true };
}

/** The bundled worker next to the extension bundle (dist/scanWorker.js), when there is one. */
export function bundledWorkerFile(dir: string = __dirname): string | undefined {
  const file = path.join(dir, 'scanWorker.js');
  return existsSync(file) ? file : undefined;
}
