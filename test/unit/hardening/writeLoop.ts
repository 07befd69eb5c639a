/**
 * A child process for durability.test.ts (bundled by it with esbuild): writes large numbered
 * states through one real user of src/state/durableFile.ts in a loop, as fast as it can, until it
 * is killed. Prints `ready` once, then `saved N` after each write has completed (the rename is
 * done).
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


function writer(kind: string, dir: string): (n: number) => Promise<unknown> {
  switch (kind) {
    case 'ledger': {
      const store = new LedgerStore(dir);
      return (n) => store.save(stateNumber(n));
    }
    case 'alerts': {
      const store = new AlertStore(dir);
      return (n) => store.update(() => ({ memory: alertMemoryNumber(n), result: undefined }));
    }
    case 'lease': {
      const service = { refreshing: false, refresh: () => Promise.resolve(), reloadFromStore: () => Promise.resolve(false) };
      const quiet = { info: () => undefined, warn: () => undefined };
      // No timer of its own (a heartbeat of an hour): each look, asked for here, renews the lease.
      const coordinator = new Coordinator({ dir, service, intervalMs: () => 3_600_000, logger: quiet, id: LEASE_WRITER, heartbeatMs: 3_600_000, staleMs: 60_000, watch: false });
      return () => coordinator.check();
    }
    case 'scanState': {
      const file = join(dir, 'local-logs-claudeCode.state');
      return (n) => {
        saveState(scanStateNumber(n), file);
        return Promise.resolve();
      };
    }
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

async function main(): Promise<void> {
  const [kind, dir, first] = process.argv.slice(2);
  if (!kind || !dir || first === undefined) throw new Error('usage: writeLoop.ts <kind> <dir> <first>');
  const write = writer(kind, dir);
  process.stdout.write('ready\n');
  for (let n = Number(first); ; n++) {
    await write(n);
    process.stdout.write(`saved ${n}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
