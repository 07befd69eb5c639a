/**
 * A child process for durability.test.ts (bundled by it with esbuild): saves large ledger states through the real LedgerStore
 * in a loop, as fast as it can, until it is killed. Prints `ready` once, then `saved N` after each
 * save has completed (the rename is done).
 *
 *   node saveLoop.js <dir> <first state number>
 */
import { LedgerStore } from '../../../src/state/ledgerStore';
import { stateNumber } from './states';

async function main(): Promise<void> {
  const [dir, first] = process.argv.slice(2);
  if (!dir || first === undefined) throw new Error('usage: saveLoop.ts <dir> <first>');
  const store = new LedgerStore(dir);
  process.stdout.write('ready\n');
  for (let n = Number(first); ; n++) {
    await store.save(stateNumber(n));
    process.stdout.write(`saved ${n}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
