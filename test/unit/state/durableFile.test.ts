/**
 * The one durable-file module (src/state/durableFile.ts): atomic writes with and without fsync,
 * the rename retried while the target is held (Windows' EPERM / EBUSY), leftovers of killed
 * writers removed, versioned reads with migrations, move-aside and the backup. What a kill in the
 * middle of a write leaves is shown for each user of the module in
 * test/unit/hardening/durability.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { mkdtemp, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import * as v from 'valibot';
import { DurableFile, moveAside, parseVersioned, removeLeftovers, removeLeftoversSync, writeFileAtomic, writeFileAtomicSync, type VersionedFormat } from '../../../src/state/durableFile';

const folder = () => mkdtemp(join(tmpdir(), 'tb-durable-'));

/** A process id that is certainly not running: a child's, after it exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid ?? 999_999_999;

const restore: (() => void)[] = [];
afterEach(() => {
  for (const undo of restore.splice(0)) undo();
});

/** Replaces `object[key]` for one test. */
function patch<T extends object, K extends keyof T>(object: T, key: K, value: T[K]): void {
  const original = object[key];
  object[key] = value;
  restore.push(() => {
    object[key] = original;
  });
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

void describe('writeFileAtomic', () => {
  void it('writes text and byte ranges whole, replaces the file, and leaves no temporary file', async () => {
    const dir = await folder();
    const file = join(dir, 'sub', 'a.json');
    await writeFileAtomic(file, '{"a":1}');
    await writeFileAtomic(file, '{"a":2}');
    assert.equal(await readFile(file, 'utf8'), '{"a":2}');
    const bytes = writeFileAtomicSync(file, [Buffer.from('ab'), new Uint8Array(new Float64Array([1.5]).buffer)]);
    assert.equal(bytes, 10);
    assert.equal((await readFile(file)).length, 10);
    assert.deepEqual(await readdir(join(dir, 'sub')), ['a.json']);
  });

  void it('retries the rename while another process holds the target (EPERM, EBUSY), then succeeds', async () => {
    const dir = await folder();
    const file = join(dir, 'a.json');
    let refused = 0;
    const rename = fsp.rename;
    patch(fsp, 'rename', ((from: string, to: string) => (refused < 3 ? Promise.reject(errno(['EPERM', 'EBUSY', 'EACCES'][refused++] ?? 'EPERM')) : rename(from, to))) as typeof fsp.rename);
    await writeFileAtomic(file, 'held, then free');
    assert.equal(refused, 3);
    assert.equal(await readFile(file, 'utf8'), 'held, then free');

    let refusedSync = 0;
    const renameSync = fs.renameSync;
    patch(fs, 'renameSync', ((from: string, to: string) => {
      if (refusedSync++ < 2) throw errno('EBUSY');
      renameSync(from, to);
    }) as typeof fs.renameSync);
    writeFileAtomicSync(file, 'sync too');
    assert.equal(refusedSync, 3);
    assert.equal(await readFile(file, 'utf8'), 'sync too');
    assert.deepEqual(await readdir(dir), ['a.json']);
  });

  void it('gives up on a target held for good, or another error, keeping the old file and removing its temporary one', async () => {
    const dir = await folder();
    const file = join(dir, 'a.json');
    await writeFileAtomic(file, 'old');
    patch(fsp, 'rename', (() => Promise.reject(errno('EPERM'))));
    await assert.rejects(writeFileAtomic(file, 'new'), /EPERM/);
    patch(fs, 'renameSync', (() => {
      throw errno('EXDEV');
    }));
    assert.throws(() => writeFileAtomicSync(file, 'new'), /EXDEV/);
    assert.equal(await readFile(file, 'utf8'), 'old');
    assert.deepEqual(await readdir(dir), ['a.json']);
  });

  void it('flushes the file and its folder, unless told not to', async () => {
    const dir = await folder();
    const file = join(dir, 'a.json');
    const probe = await fsp.open(file, 'w');
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    let syncs = 0;
    const sync = proto.sync;
    patch(proto, 'sync', function (this: unknown) {
      syncs++;
      return sync.call(this);
    });
    let fsyncs = 0;
    const fsyncSync = fs.fsyncSync;
    patch(fs, 'fsyncSync', ((fd: number) => {
      fsyncs++;
      fsyncSync(fd);
    }));

    await writeFileAtomic(file, 'a');
    writeFileAtomicSync(file, 'a');
    assert.ok(syncs >= 1 && fsyncs >= 1, `flushed (file: ${syncs} async, ${fsyncs} sync)`);
    const [before, beforeSync] = [syncs, fsyncs];
    await writeFileAtomic(file, 'b', { fsync: false });
    writeFileAtomicSync(file, 'b', { fsync: false });
    assert.deepEqual([syncs, fsyncs], [before, beforeSync], 'no flush in no-fsync mode');
  });
});

void describe('leftovers of killed writers', () => {
  void it('are removed: a dead process’s, and an old one of this process; a live writer’s and other files are kept', async () => {
    const dir = await folder();
    const file = join(dir, 'state.bin');
    const dead = deadPid();
    const names = {
      dead: `state.bin.${dead}.0123abcd.tmp`,
      legacy: `state.bin.${dead}.tmp`,
      ownFresh: `state.bin.${process.pid}.89abcdef.tmp`,
      ownOld: `state.bin.${process.pid}.deadbeef.tmp`,
      other: `other.bin.${dead}.0123abcd.tmp`,
      corrupt: 'state.bin.corrupt-2026-01-01T00-00-00-000Z',
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), 'x');
    const old = new Date(Date.now() - 2 * 60 * 60_000);
    await utimes(join(dir, names.ownOld), old, old);
    await removeLeftovers(file);
    assert.deepEqual((await readdir(dir)).sort(), [names.corrupt, names.other, names.ownFresh].sort());
    await writeFile(join(dir, names.dead), 'x');
    removeLeftoversSync(file);
    assert.deepEqual((await readdir(dir)).sort(), [names.corrupt, names.other, names.ownFresh].sort());
  });
});

const V1 = v.object({ version: v.literal(1), n: v.number() });
const V2 = v.object({ version: v.literal(2), n: v.number(), label: v.string() });
const V3 = v.object({ version: v.literal(3), count: v.number(), label: v.string() });
const FORMAT: VersionedFormat<v.InferOutput<typeof V3>> = {
  version: 3,
  schema: V3,
  older: {
    1: { schema: V1, migrate: (d: v.InferOutput<typeof V1>) => ({ version: 2, n: d.n, label: 'none' }) },
    2: { schema: V2, migrate: (d: v.InferOutput<typeof V2>) => ({ version: 3, count: d.n, label: d.label }) },
  },
};

void describe('versioned read', () => {
  void it('migrates an older document one version at a time, and says from which', () => {
    assert.deepEqual(parseVersioned({ version: 1, n: 4 }, FORMAT), { ok: true, value: { version: 3, count: 4, label: 'none' }, migratedFrom: 1 });
    assert.deepEqual(parseVersioned({ version: 2, n: 5, label: 'x' }, FORMAT), { ok: true, value: { version: 3, count: 5, label: 'x' }, migratedFrom: 2 });
    assert.deepEqual(parseVersioned({ version: 3, count: 6, label: 'y' }, FORMAT), { ok: true, value: { version: 3, count: 6, label: 'y' } });
  });

  void it('reads a newer document when it still fits (unknown fields dropped), and says why not otherwise', () => {
    assert.deepEqual(parseVersioned({ version: 9, count: 1, label: 'z', extra: true }, FORMAT), { ok: true, value: { version: 3, count: 1, label: 'z' }, newerFormat: 9 });
    const no = parseVersioned({ version: 9, total: 1 }, FORMAT);
    assert.ok(!no.ok && /newer version of Token Budget \(format 9\)/.test(no.reason));
  });

  void it('names the format and the field that does not fit; refuses a document without a usable version', () => {
    const bad = parseVersioned({ version: 1, n: 'four' }, FORMAT);
    assert.ok(!bad.ok && /format 1 \(n: /.test(bad.reason), JSON.stringify(bad));
    for (const json of [{ n: 1 }, { version: '1' }, { version: 0 }, { version: 1.5 }, [], null, 42]) {
      const r = parseVersioned(json, FORMAT);
      assert.ok(!r.ok && /not a format version/.test(r.reason), JSON.stringify(json));
    }
    // A file that predates versions can be taken for one.
    assert.deepEqual(parseVersioned({ n: 1 }, { ...FORMAT, unversioned: 1 }), { ok: true, value: { version: 3, count: 1, label: 'none' }, migratedFrom: 1 });
  });
});

void describe('DurableFile', () => {
  void it('writes the backup first, reads missing / ok / unreadable, and moves an unreadable file aside (renamed or copied, never over an earlier copy)', async () => {
    const dir = await folder();
    const now = new Date('2026-11-27T10:00:00.000Z');
    const file = new DurableFile(join(dir, 'doc.json'), FORMAT, { backup: true, now: () => now });
    assert.deepEqual(await file.read(), { kind: 'missing' });
    await file.write({ version: 3, count: 1, label: 'a' });
    assert.equal(await readFile(file.backupFile, 'utf8'), await readFile(file.file, 'utf8'));
    assert.deepEqual(await file.read(), { kind: 'ok', value: { version: 3, count: 1, label: 'a' } });

    await writeFile(file.file, '{"version":3,"count":');
    assert.deepEqual(await file.read(), { kind: 'unreadable', reason: 'it is not valid JSON' });
    assert.deepEqual(await file.readBackup(), { kind: 'ok', value: { version: 3, count: 1, label: 'a' } });
    const copied = await file.moveAside({ copy: true });
    assert.equal(copied, `${file.file}.corrupt-2026-11-27T10-00-00-000Z`);
    assert.equal(await readFile(copied, 'utf8'), '{"version":3,"count":');
    assert.equal(await readFile(file.file, 'utf8'), '{"version":3,"count":', 'a copy leaves the file in place');
    await assert.rejects(file.moveAside({ copy: true }), /EEXIST/, 'never over an earlier copy');
    await writeFile(file.file, 'again');
    const moved = await moveAside(file.file, { now: new Date('2026-11-28T00:00:00Z') });
    assert.equal(await readFile(moved, 'utf8'), 'again');
    assert.deepEqual(await file.read(), { kind: 'missing' });
  });

  void it('serialises its writes: the last one wins, whole', async () => {
    const dir = await folder();
    const file = new DurableFile(join(dir, 'doc.json'), FORMAT, { fsync: false });
    await Promise.all(Array.from({ length: 8 }, (_, i) => file.write({ version: 3, count: i, label: 'x'.repeat(10_000 * (i + 1)) })));
    const read = await file.read();
    assert.equal(read.kind === 'ok' ? read.value.count : -1, 7);
  });
});
