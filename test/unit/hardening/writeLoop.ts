/**
 * A child process for durability.test.ts (bundled by it with esbuild): writes large numbered
 * states through one real user of src/state/durableFile.ts in a loop, as fast as it can, until it
 * is killed. Prints `loaded` once started, then waits for a line on stdin (so the test can start
 * the next one while the last one runs: the start-up costs no time between kills) and touches
 * nothing before it; then prints `ready` once, then `saved N` after each write has completed (the
 * rename is done).
 *
 *   node writeLoop.js <kind> <dir> <first state number>
 *
 * kind: `ledger` (LedgerStore.save), `alerts` (AlertStore.update: alerts.json.bak, then
 * alerts.json), `lease` (a Coordinator renewing its lease, leader.json; N counts renewals), or
 * `scanState` (the local-log scan state, saveState, written without fsync).
 */
import { join } from 'node:path';
import { saveState } from '../../../src/sources/localLogs/state';
import { AlertStore } from '../../../src/state/alertStore';
import { Coordinator } from '../../../src/state/coordinator';
import { LedgerStore } from '../../../src/state/ledgerStore';
import { alertMemoryNumber, LEASE_WRITER, scanStateNumber, stateNumber } from './states';

/** Makes state `n` (`make`) and writes it (`save`); nothing touches the disk before `save`. */
interface Writer {
  make(n: number): unknown;
  save(document: unknown): Promise<unknown>;
}

function writerOf<T>(make: (n: number) => T, save: (document: T) => Promise<unknown>): Writer {
  return { make, save: (document) => save(document as T) };
}

function writer(kind: string, dir: string): Writer {
  switch (kind) {
    case 'ledger': {
      const store = new LedgerStore(dir);
      return writerOf(stateNumber, (state) => store.save(state));
    }
    case 'alerts': {
      const store = new AlertStore(dir);
      return writerOf(alertMemoryNumber, (memory) => store.update(() => ({ memory, result: undefined })));
    }
    case 'lease': {
      const service = { refreshing: false, refresh: () => Promise.resolve(), reloadFromStore: () => Promise.resolve(false) };
      const quiet = { info: () => undefined, warn: () => undefined };
      // No timer of its own (a heartbeat of an hour): each look, asked for here, renews the lease.
      const coordinator = new Coordinator({ dir, service, intervalMs: () => 3_600_000, logger: quiet, id: LEASE_WRITER, heartbeatMs: 3_600_000, staleMs: 60_000, watch: false });
      return writerOf(
        () => undefined,
        () => coordinator.check(),
      );
    }
    case 'scanState': {
      const file = join(dir, 'local-logs-claudeCode.state');
      return writerOf(scanStateNumber, (state) => {
        saveState(state, file);
        return Promise.resolve();
      });
    }
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

async function main(): Promise<void> {
  const [kind, dir, first] = process.argv.slice(2);
  if (!kind || !dir || first === undefined) throw new Error('usage: writeLoop.ts <kind> <dir> <first>');
  const write = writer(kind, dir);
  // The first state is made before the test says go: its write starts at once then.
  let document = write.make(Number(first));
  process.stdout.write('loaded\n');
  // The test went away before it said go: so does this process.
  const gone = () => process.exit(0);
  process.stdin.once('end', gone);
  await new Promise<void>((resolve) => {
    let input = '';
    const onData = (chunk: Buffer) => {
      input += chunk.toString();
      if (!input.includes('\n')) return;
      process.stdin.off('data', onData);
      process.stdin.off('end', gone);
      process.stdin.pause();
      resolve();
    };
    process.stdin.on('data', onData);
  });
  process.stdout.write('ready\n');
  for (let n = Number(first); ; n++) {
    await write.save(document);
    process.stdout.write(`saved ${n}\n`);
    document = write.make(n + 1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
