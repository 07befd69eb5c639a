/**
 * One process contending for a lock, for the multi-process tests in fileLock.test.ts (started
 * with `fork`). On each message `{ dir }` it takes `dir/x.lock` once and, inside, checks that it is
 * alone (an O_EXCL marker file) and increments `dir/counter` (read, pause, write); it answers
 * `{ overlap }`. The message 'exit' ends it.
 */
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from '../../../src/state/fileLock';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

process.on('message', (message: unknown) => {
  if (message === 'exit') process.exit(0);
  const { dir } = message as { dir: string };
  void (async () => {
    let overlap = false;
    await withFileLock(
      join(dir, 'x.lock'),
      async () => {
        const marker = join(dir, 'inside');
        try {
          await (await open(marker, 'wx')).close();
        } catch {
          overlap = true;
        }
        const n = Number(await readFile(join(dir, 'counter'), 'utf8').catch(() => '0'));
        await sleep(3);
        await writeFile(join(dir, 'counter'), String(n + 1));
        if (!overlap) await rm(marker, { force: true });
      },
      { staleMs: 1_000, timeoutMs: 20_000, retryMs: 1 },
    );
    process.send?.({ overlap });
  })();
});
process.send?.('ready');
