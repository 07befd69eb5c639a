// The worker path: the same scan run in a worker thread (the .ts source through tsx, as the
// bundle runs dist/scanWorker.js) gives the same result as in-process.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { InProcessRunner, sourceWorker, WorkerRunner } from '../../../src/sources/localLogs/runner';
import type { ScanProgress } from '../../../src/sources/localLogs/scanner';
import { generateCorpus } from '../../fakes/agentLogs';
import { request, tempHome } from './helpers';

/** worker.ts and parser.ts from source, through tsx (the bundle uses dist/scanWorker.js and dist/scanParser.js). */
const WORKER = sourceWorker(path.resolve(__dirname, '../../../src/sources/localLogs/worker.ts'), require.resolve('tsx/cjs'));
const PARSER = sourceWorker(path.resolve(__dirname, '../../../src/sources/localLogs/parser.ts'), require.resolve('tsx/cjs'));

void describe('scan worker', () => {
  void it('scans in a worker thread with the same result as in-process, with progress, and keeps its state between scans', async () => {
    const home = tempHome();
    generateCorpus({ home, files: 30, totalBytes: 2e6, seed: 9 });
    const worker = new WorkerRunner({ ...WORKER, parser: null });
    const inProcess = new InProcessRunner();
    try {
      for (const source of ['claudeCode', 'codex'] as const) {
        const progress: ScanProgress[] = [];
        const a = await worker.scan(request(source, home), (p) => progress.push(p));
        const b = await inProcess.scan(request(source, home));
        assert.deepEqual(a.rows, b.rows);
        assert.deepEqual(a.days, b.days);
        assert.ok(a.rows.length > 0);
        assert.ok(progress.length >= 2, 'progress reported');
        assert.equal(progress.at(-1)?.filesDone, progress.at(-1)?.filesTotal);
      }
      // Its state lives on in the worker: a second scan with the sync finds nothing new (it reads
      // only the torn last lines again, a few hundred bytes).
      const first = await worker.scan(request('claudeCode', home));
      const again = await worker.scan(request('claudeCode', home, { sync: first.sync }));
      assert.equal(again.stats.mode, 'incremental');
      assert.deepEqual(again.days, []);
      assert.ok(again.stats.bytesRead < 2_000, `${again.stats.bytesRead} bytes read again`);
      const mem = await worker.memory();
      assert.ok(mem.heapUsed > 0 && mem.rss > 0);
    } finally {
      await worker.dispose();
      await inProcess.dispose();
    }
  });

  void it('stops when idle (state saved) and resumes from the state file', async () => {
    const home = tempHome();
    const stateFile = path.join(tempHome('tb-state-'), 'claude.state');
    generateCorpus({ home, files: 10, totalBytes: 5e5, seed: 3, codexShare: 0 });
    const worker = new WorkerRunner({ ...WORKER, parser: null, idleMs: 50, saveIntervalMs: 60_000 });
    try {
      const first = await worker.scan(request('claudeCode', home, { stateFile }));
      await new Promise((r) => setTimeout(r, 50));
      while (worker.running) await new Promise((r) => setTimeout(r, 50));
      const second = await worker.scan(request('claudeCode', home, { stateFile, sync: first.sync }));
      assert.equal(worker.started, 2, 'a new worker');
      assert.equal(second.stats.mode, 'incremental', 'the saved state matched the ledger');
      assert.deepEqual(second.days, []);
    } finally {
      await worker.dispose();
    }
  });

  void it('a large scan shared with the parser thread gives exactly what one thread gives, and later appends stay incremental', async () => {
    const home = tempHome();
    generateCorpus({ home, files: 60, totalBytes: 4e6, seed: 13 });
    const shared = new InProcessRunner({ parallelMinBytes: 1 }, PARSER);
    const single = new InProcessRunner();
    const inWorker = new WorkerRunner({ ...WORKER, parser: PARSER });
    try {
      for (const source of ['claudeCode', 'codex'] as const) {
        const a = await shared.scan(request(source, home));
        const b = await single.scan(request(source, home));
        assert.deepEqual(a.rows, b.rows);
        assert.equal(a.stats.bytesRead, b.stats.bytesRead);
        assert.equal(a.stats.entries, b.stats.entries);
        const again = await shared.scan(request(source, home, { sync: a.sync }));
        assert.deepEqual(again.days, []);
        const c = await inWorker.scan(request(source, home));
        assert.deepEqual(c.rows, b.rows);
      }
    } finally {
      await shared.dispose();
      await single.dispose();
      await inWorker.dispose();
    }
  });
});
