// Stopping the scan runner (the extension deactivating) saves the scan state before its promise
// settles, also when a scan is under way and the state's save was not due yet; a scan asked for
// afterwards is refused.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { InProcessRunner, sourceWorker, WorkerRunner, type ScanRunner } from '../../../src/sources/localLogs/runner';
import { loadState } from '../../../src/sources/localLogs/state';
import { generateCorpus } from '../../fakes/agentLogs';
import { request, tempHome } from './helpers';

const WORKER = sourceWorker(path.resolve(__dirname, '../../../src/sources/localLogs/worker.ts'), require.resolve('tsx/cjs'));

const generationOf = (sync: unknown) => (sync as { generation?: number }).generation;

async function scanThenStop(runner: ScanRunner, home: string, stateFile: string): Promise<void> {
  const first = await runner.scan(request('claudeCode', home, { stateFile }));
  // More logs; the next save is not due for an hour.
  generateCorpus({ home, files: 4, totalBytes: 2e5, seed: 21, codexShare: 0 });
  const scanning = runner.scan(request('claudeCode', home, { stateFile, sync: first.sync }));
  const stopped = runner.dispose(); // while the scan is under way
  const second = await scanning;
  assert.ok((generationOf(second.sync) ?? 0) > (generationOf(first.sync) ?? 0), 'the second scan changed the state');
  await stopped;
  assert.equal(loadState(stateFile)?.generation, generationOf(second.sync), 'saved when dispose settled');
  await assert.rejects(runner.scan(request('claudeCode', home, { stateFile })), /stopped/);
}

void describe('stopping the scan runner', () => {
  void it('in a worker thread: dispose settles once the last scan’s state is saved', async () => {
    const home = tempHome();
    generateCorpus({ home, files: 10, totalBytes: 5e5, seed: 7, codexShare: 0 });
    await scanThenStop(new WorkerRunner({ ...WORKER, parser: null, saveIntervalMs: 3_600_000 }), home, path.join(tempHome('tb-state-'), 'claude.state'));
  });

  void it('in-process: the same', async () => {
    const home = tempHome();
    generateCorpus({ home, files: 10, totalBytes: 5e5, seed: 8, codexShare: 0 });
    await scanThenStop(new InProcessRunner({ saveIntervalMs: 3_600_000 }), home, path.join(tempHome('tb-state-'), 'claude.state'));
  });
});
