/**
 * The scan worker (bundled as dist/scanWorker.js): runs the Scanner off the extension host's
 * main thread, so reading hundreds of megabytes never makes another extension stutter. It keeps
 * the scan state in memory between requests and saves it to the state files it is given. A scan
 * with a lot to read (a first scan) shares the reading with a parser thread
 * (dist/scanParser.js), kept for the next scan and stopped when idle (ParserPool). Requests are
 * served one at a time, in order.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { ParserPool, type ParserSpec } from './parallel';
import type { FromWorker, ToWorker, WorkerOptions } from './protocol';
import { Scanner, type ScanProgress } from './scanner';

const port = parentPort;
if (!port) throw new Error('scanWorker.js runs as a worker thread');
const options = (workerData ?? {}) as WorkerOptions;
const scanner = new Scanner({ ...(options.saveIntervalMs !== undefined ? { saveIntervalMs: options.saveIntervalMs } : {}) });
const post = (m: FromWorker) => port.postMessage(m);

/** From this many CPUs a large scan shares its reading with a parser thread (see parserSpec). */
export const SHARE_FROM_CPUS = 2;

/**
 * The parser thread's script: as configured, else dist/scanParser.js next to this bundle when the
 * machine has SHARE_FROM_CPUS or more. Only a large scan (a first one) uses it; it costs about a
 * fifth more CPU time and ~20 MB, for a first scan up to half as long when a second CPU is free.
 */
function parserSpec(): ParserSpec | undefined {
  if (options.parser !== undefined) return options.parser ?? undefined;
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  if (cpus < SHARE_FROM_CPUS) return undefined;
  const file = path.join(__dirname, 'scanParser.js');
  return existsSync(file) ? { file } : undefined;
}

let pool: ParserPool | null | undefined;
/** The parser thread's pool (kept across scans, its thread stopped when idle), or null without one. */
function parserPool(): ParserPool | null {
  if (pool === undefined) {
    const spec = parserSpec();
    pool = spec ? new ParserPool(spec) : null;
  }
  return pool;
}

async function handle(m: ToWorker): Promise<void> {
  try {
    if (m.type === 'scan') {
      // The extension host's time zone decides the local days.
      if (m.tz !== undefined && process.env['TZ'] !== m.tz) process.env['TZ'] = m.tz;
      else if (m.tz === undefined && process.env['TZ'] !== undefined) delete process.env['TZ'];
      const progress = (p: ScanProgress) => post({ id: m.id, type: 'progress', progress: p });
      const pool = parserPool();
      const result = pool ? await scanner.scanShared(m.request, progress, pool) : scanner.scan(m.request, progress);
      post({ id: m.id, type: 'result', result });
    } else if (m.type === 'flush') {
      scanner.flush();
      post({ id: m.id, type: 'flushed' });
    } else {
      const mem = process.memoryUsage();
      post({ id: m.id, type: 'memory', memory: { heapUsed: mem.heapUsed, rss: mem.rss } });
    }
  } catch (error) {
    post({ id: m.id, type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

let queue: Promise<void> = Promise.resolve();
let queued = 0;
port.on('message', (m: ToWorker) => {
  queued++;
  queue = queue.then(async () => {
    await handle(m);
    // Save once nothing waits: writing a few MB never delays an answer.
    if (--queued === 0) {
      try {
        scanner.saveDue();
      } catch {
        // the next save retries; a lost state file is recovered from the ledger
      }
    }
  });
});
