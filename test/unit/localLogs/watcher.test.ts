import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, watch } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { LocalSourceId } from '../../../src/sources/localLogs/paths';
import { LogWatcher } from '../../../src/sources/localLogs/watcher';
import { append, tempHome, write } from './helpers';

/** The next notification; the watcher keeps nothing alive (persistent: false), so this timer does, failing after 20 s. */
function nextChange(): { promise: Promise<LocalSourceId[]>; onChange: (s: LocalSourceId[]) => void } {
  let resolve: (s: LocalSourceId[]) => void = () => {};
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<LocalSourceId[]>((res, rej) => {
    resolve = (s) => {
      clearTimeout(timer);
      res(s);
    };
    timer = setTimeout(() => rej(new Error('no change reported within 20 s')), 20_000);
  });
  return { promise, onChange: (s) => resolve(s) };
}

void describe('log watcher', () => {
  void it('reports the appended file after a debounce; a new folder asks for a full walk', async () => {
    const root = tempHome();
    const projects = path.join(root, 'projects');
    const file = path.join(projects, 'p', 'a.jsonl');
    write(file, ['{}']);
    let change = nextChange();
    const watcher = new LogWatcher((s) => change.onChange(s), { debounceMs: 50, minIntervalMs: 0, recursive: false });
    try {
      watcher.watch('claudeCode', [projects]);
      assert.equal(watcher.healthy('claudeCode'), true);
      assert.equal(watcher.take('claudeCode').overflow, true, 'nothing scanned yet: a full walk first');
      append(file, '{}\n');
      assert.deepEqual(await change.promise, ['claudeCode']);
      const pending = watcher.take('claudeCode');
      assert.equal(pending.overflow, false);
      assert.deepEqual([...pending.paths], [file]);

      change = nextChange();
      mkdirSync(path.join(projects, 'q', 'sess'), { recursive: true });
      await change.promise;
      assert.equal(watcher.take('claudeCode').overflow, true);
      // The new folder is watched too.
      change = nextChange();
      write(path.join(projects, 'q', 'b.jsonl'), ['{}']);
      await change.promise;
      assert.ok(watcher.take('claudeCode').paths.has(path.join(projects, 'q', 'b.jsonl')));
    } finally {
      watcher.dispose();
    }
  });

  void it("watches a database's folder only as deep as its logs lie, and a change of its -wal file targets the database", async () => {
    // OpenCode: opencode.db directly in its data folder (depth 0), beside snapshot/ stores that are never logs.
    const data = tempHome();
    write(path.join(data, 'opencode.db'), []);
    mkdirSync(path.join(data, 'snapshot', 'a', 'b'), { recursive: true });
    const change = nextChange();
    const watcher = new LogWatcher((s) => change.onChange(s), { debounceMs: 50, minIntervalMs: 0, recursive: false });
    try {
      watcher.watch('openCode', [data]);
      watcher.take('openCode');
      // Below the depth: nothing is reported (a file written deep in snapshot/ is not watched at all).
      write(path.join(data, 'snapshot', 'a', 'b', 'x.db'), []);
      write(path.join(data, 'snapshot', 'y.json'), []);
      append(path.join(data, 'opencode.db-wal'), 'page');
      assert.deepEqual(await change.promise, ['openCode']);
      const pending = watcher.take('openCode');
      assert.equal(pending.overflow, false, 'no full walk for a change the watcher can name');
      assert.deepEqual([...pending.paths], [path.join(data, 'opencode.db-wal')]);
    } finally {
      watcher.dispose();
    }
  });

  void it("a database's -wal file touched but not changed (a reader opened the database) is no change; written, it is", async () => {
    // Every reader that opens an SQLite database in WAL mode, the scan's own included, makes its
    // -wal file report a change with its size and change time as they were (as root, SQLite sets
    // the file's owner): here a chmod, which fs.watch reports the same way.
    const data = tempHome();
    const wal = path.join(data, 'opencode.db-wal');
    write(path.join(data, 'opencode.db'), []);
    append(wal, 'frames');
    const raw: string[] = [];
    const rawWatch = watch(data, (event, name) => raw.push(`${event} ${String(name)}`));
    let notified: LocalSourceId[] | undefined;
    let change: ReturnType<typeof nextChange> | undefined;
    const watcher = new LogWatcher(
      (s) => {
        notified = s;
        change?.onChange(s);
      },
      { debounceMs: 50, minIntervalMs: 0, recursive: false },
    );
    try {
      watcher.watch('openCode', [data]);
      watcher.take('openCode');
      chmodSync(wal, 0o600);
      chmodSync(wal, 0o644);
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.ok(raw.includes('change opencode.db-wal'), `fs.watch reports the touch (${JSON.stringify(raw)})`);
      assert.equal(notified, undefined, 'no refresh asked for');
      assert.deepEqual([...watcher.take('openCode').paths], []);
      change = nextChange();
      append(wal, 'more frames');
      assert.deepEqual(await change.promise, ['openCode']);
      assert.deepEqual([...watcher.take('openCode').paths], [wal]);
    } finally {
      rawWatch.close();
      watcher.dispose();
    }
  });
});
