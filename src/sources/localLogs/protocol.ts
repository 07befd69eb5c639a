/** Messages between the extension host and the scan worker. */
import type { ParserSpec } from './parallel';
import type { ScanProgress, ScanRequest, ScanResult } from './scanner';

export interface WorkerOptions {
  /** Minimum time between two saves of a state file. */
  readonly saveIntervalMs?: number;
  /** The parser thread for large scans; default dist/scanParser.js next to the worker; null = none. */
  readonly parser?: ParserSpec | null;
}

export type ToWorker =
  | { readonly id: number; readonly type: 'scan'; readonly request: ScanRequest; readonly tz: string | undefined }
  | { readonly id: number; readonly type: 'flush' }
  | { readonly id: number; readonly type: 'memory' };

export interface WorkerMemory {
  /** The worker isolate's heap. */
  readonly heapUsed: number;
  /** The whole process (the worker shares it with the extension host). */
  readonly rss: number;
}

export type FromWorker =
  | { readonly id: number; readonly type: 'progress'; readonly progress: ScanProgress }
  | { readonly id: number; readonly type: 'result'; readonly result: ScanResult }
  | { readonly id: number; readonly type: 'flushed' }
  | { readonly id: number; readonly type: 'memory'; readonly memory: WorkerMemory }
  | { readonly id: number; readonly type: 'error'; readonly message: string };
