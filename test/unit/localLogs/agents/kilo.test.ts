/**
 * Kilo's format, pure: where Kilo keeps its store (its records and counting are OpenCode's,
 * tested in opencode.test.ts). The database side and the cross-check: kilo.sqlite.test.ts.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { kiloFormat, kiloJsonFormat } from '../../../../src/sources/localLogs/parsers/kilo';

const HOME = path.join(path.sep, 'home', 'u');

void test('where: $XDG_DATA_HOME/kilo (stray newlines dropped, as Kilo does) or ~/.local/share/kilo, and KILO_DB\'s folder', () => {
  assert.deepEqual(kiloFormat.roots({}, HOME), [path.join(HOME, '.local', 'share', 'kilo')]);
  assert.deepEqual(kiloFormat.roots({ XDG_DATA_HOME: '/x/data\n' }, HOME), [path.join('/x/data', 'kilo')]);
  assert.deepEqual(kiloFormat.roots({ XDG_DATA_HOME: '  ' }, HOME), [path.join(HOME, '.local', 'share', 'kilo')]);
  assert.deepEqual(kiloFormat.roots({ KILO_DB: '/srv/k/kilo.db' }, HOME), [path.join(HOME, '.local', 'share', 'kilo'), '/srv/k']);
  assert.deepEqual(kiloFormat.roots({ KILO_DB: ':memory:' }, HOME), [path.join(HOME, '.local', 'share', 'kilo')]);
  // ccusage's own KILO_DATA_DIR is not Kilo's: it moves nothing here.
  assert.deepEqual(kiloFormat.roots({ KILO_DATA_DIR: '/elsewhere' }, HOME), [path.join(HOME, '.local', 'share', 'kilo')]);
});

void test('which files: kilo.db and channel databases directly in the data folder; the JSON store below it', () => {
  assert.equal(kiloFormat.source, 'kilo');
  assert.equal(kiloFormat.depth, 0);
  for (const name of ['kilo.db', 'kilo-dev.db', 'opencode-local.db']) assert.ok(kiloFormat.isLog(name), name);
  for (const name of ['kilo.db-wal', 'kilo.db-shm', 'auth.json']) assert.ok(!kiloFormat.isLog(name), name);
  assert.equal(kiloFormat.companion, kiloJsonFormat);
  assert.deepEqual(kiloJsonFormat.roots({ XDG_DATA_HOME: '/x' }, HOME), [path.join('/x', 'kilo')]);
  assert.deepEqual(kiloJsonFormat.dirs('/r'), [path.join('/r', 'storage', 'message')]);
  assert.equal(kiloJsonFormat.depth, 1);
});
