/**
 * OpenCode's format, pure: how a message's tokens become the ledger's (each era of
 * output vs reasoning), what makes a message count, where the logs are. The database side and the
 * cross-check with ccusage: opencode.sqlite.test.ts (Node 24).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DB_RANK, FILE_RANK, instantMs, ledgerModel, ledgerTokens, messageUsage, readMessageFile } from '../../../../src/sources/localLogs/parsers/openCodeStore';
import { openCodeFormat, openCodeJsonFormat } from '../../../../src/sources/localLogs/parsers/opencode';
import { sqliteModule, SQLITE_NEEDS } from '../../../../src/sources/localLogs/parsers/records';
import { scanAgent } from '../agentHarness';

const HOME = path.join(path.sep, 'home', 'u');

void test('tokens: a row with a total that includes reasoning (AI SDK 6 era) adds the reasoning to output', () => {
  // session.ts @ 008456f4: output = SDK output − reasoning; total = input + cache + output + reasoning.
  assert.deepEqual(ledgerTokens({ total: 4350, input: 1000, output: 250, reasoning: 100, cache: { read: 3000, write: 0 } }, 'openai', 'v1'), { input: 1000, output: 350, cacheRead: 3000, cacheWrite: 0 });
});

void test('tokens: a row whose total equals its four counts already holds reasoning in output (AI SDK 5 era with total)', () => {
  // total = input + cache + output: the 300 reasoning tokens are part of the 500 (anomalyco/opencode#17566).
  assert.deepEqual(ledgerTokens({ total: 3500, input: 1000, output: 500, reasoning: 300, cache: { read: 2000, write: 0 } }, 'openai', 'v1'), { input: 1000, output: 500, cacheRead: 2000, cacheWrite: 0 });
  // A snapshot whose output is below its reasoning counts at least the reasoning.
  assert.deepEqual(ledgerTokens({ total: 1000, input: 1000, output: 0, reasoning: 40, cache: { read: 0, write: 0 } }, 'openai', 'v1'), { input: 1000, output: 40, cacheRead: 0, cacheWrite: 0 });
});

void test('tokens: without a total, reasoning is added for OpenCode 2 rows and Google, kept inside output otherwise', () => {
  const t = { input: 2000, output: 400, reasoning: 200, cache: { read: 0, write: 50 } };
  assert.equal(ledgerTokens(t, 'openai', 'v2')?.output, 600);
  assert.equal(ledgerTokens(t, 'google', 'v1')?.output, 600);
  assert.equal(ledgerTokens(t, 'google-vertex', 'v1')?.output, 600);
  assert.equal(ledgerTokens(t, 'openai', 'v1')?.output, 400);
  assert.equal(ledgerTokens(t, 'anthropic', 'v1')?.output, 400);
  assert.equal(ledgerTokens(t, null, 'v1')?.output, 400);
  // More reasoning than output cannot be a part of it.
  assert.equal(ledgerTokens({ input: 10, output: 5, reasoning: 30 }, 'openai', 'v1')?.output, 35);
});

void test('tokens: input is the uncached input as logged (OpenCode subtracts the cache itself); bad counts read as 0', () => {
  assert.deepEqual(ledgerTokens({ input: 120, output: 60, reasoning: 0, cache: { read: 12, write: 24 } }, 'anthropic', 'v1'), { input: 120, output: 60, cacheRead: 12, cacheWrite: 24 });
  assert.deepEqual(ledgerTokens({ input: -5, output: '7', reasoning: Number.NaN, cache: { read: 3.7, write: null } }, 'anthropic', 'v1'), { input: 0, output: 0, cacheRead: 3, cacheWrite: 0 });
  assert.equal(ledgerTokens({ input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } }, 'anthropic', 'v1'), null);
  assert.equal(ledgerTokens(null, 'anthropic', 'v1'), null);
  assert.equal(ledgerTokens([1, 2], 'anthropic', 'v1'), null);
});

void test('models: a gateway prefix is dropped and OpenCode aliases resolved', () => {
  assert.equal(ledgerModel('anthropic/claude-sonnet-4.5'), 'claude-sonnet-4.5');
  assert.equal(ledgerModel('openrouter/openai/gpt-5'), 'gpt-5');
  assert.equal(ledgerModel('gemini-3-pro-high'), 'gemini-3-pro-preview');
  assert.equal(ledgerModel('k2p6'), 'kimi-k2.6');
  assert.equal(ledgerModel('claude-sonnet-4-5'), 'claude-sonnet-4-5');
});

void test('instants: epoch ms; seconds scaled; anything else is no instant', () => {
  assert.equal(instantMs(1767312000000), 1767312000000);
  assert.equal(instantMs(1767312000), 1767312000000);
  assert.equal(instantMs(0), null);
  assert.equal(instantMs('1767312000000'), null);
});

const v1 = {
  role: 'assistant',
  modelID: 'anthropic/claude-sonnet-4.5',
  providerID: 'openrouter',
  time: { created: 1772420000000 },
  path: { cwd: '/work/alpha', root: '/work/alpha' },
  cost: 0,
  tokens: { input: 100, output: 50, reasoning: 0, cache: { read: 10, write: 20 } },
};

void test('a v1 message: assistant only, with its key, rank, project and logged cost (0 is kept: subscription)', () => {
  assert.deepEqual(messageUsage(v1, { layout: 'v1', id: 'msg_1', directory: '/elsewhere', rank: DB_RANK }), {
    ms: 1772420000000,
    model: 'claude-sonnet-4.5',
    input: 100,
    output: 50,
    cacheRead: 10,
    cacheWrite: 20,
    loggedCost: 0,
    key: 'msg_1',
    rank: DB_RANK,
    project: '/work/alpha',
  });
  assert.equal(messageUsage({ ...v1, role: 'user' }, { layout: 'v1', id: 'm', rank: 2 }), null);
  assert.equal(messageUsage({ ...v1, modelID: '' }, { layout: 'v1', id: 'm', rank: 2 }), null);
  assert.equal(messageUsage({ ...v1, time: {} }, { layout: 'v1', id: 'm', rank: 2 }), null);
  assert.equal(messageUsage({ ...v1, tokens: undefined }, { layout: 'v1', id: 'm', rank: 2 }), null);
  assert.equal(messageUsage('not an object', { layout: 'v1', id: 'm', rank: 2 }), null);
  // No path: the session's directory; a negative cost is not a cost.
  const { path: _p, ...noPath } = v1;
  const u = messageUsage({ ...noPath, cost: -1 }, { layout: 'v1', id: 'm', directory: '/work/beta', rank: 2 });
  assert.equal(u?.project, '/work/beta');
  assert.equal(u?.loggedCost, undefined);
});

void test('a v2 message: nested model, the time_created column when the payload has no instant, reasoning added', () => {
  const data = { model: { id: 'gpt-5', providerID: 'openai' }, cost: 0.25, tokens: { input: 100, output: 10, reasoning: 5, cache: { read: 0, write: 0 } } };
  assert.deepEqual(messageUsage(data, { layout: 'v2', id: 'msg_v2', createdColumn: 1772420000123, directory: '/work/gamma', rank: DB_RANK }), {
    ms: 1772420000123,
    model: 'gpt-5',
    input: 100,
    output: 15,
    cacheRead: 0,
    cacheWrite: 0,
    loggedCost: 0.25,
    key: 'msg_v2',
    rank: DB_RANK,
    project: '/work/gamma',
  });
});

void test('a JSON store file: the payload id (else the file name) keys it, below a database row', () => {
  const [u] = readMessageFile({ id: 'msg_9', sessionID: 'ses_1', ...v1 }, '/d/storage/message/ses_1/msg_9.json');
  assert.equal(u?.key, 'msg_9');
  assert.equal(u?.rank, FILE_RANK);
  assert.ok(FILE_RANK < DB_RANK);
  assert.equal(readMessageFile(v1, '/d/storage/message/ses_1/msg_10.json')[0]?.key, 'msg_10');
  assert.deepEqual(readMessageFile({ id: 'msg_u', role: 'user' }, '/d/x.json'), []);
  assert.deepEqual(readMessageFile(null, '/d/x.json'), []);
});

void test('where: XDG_DATA_HOME or ~/.local/share, OPENCODE_DB\'s folder, database files directly in them', () => {
  assert.deepEqual(openCodeFormat.roots({}, HOME), [path.join(HOME, '.local', 'share', 'opencode')]);
  assert.deepEqual(openCodeFormat.roots({ XDG_DATA_HOME: '/x/data' }, HOME), [path.join('/x/data', 'opencode')]);
  assert.deepEqual(openCodeFormat.roots({ OPENCODE_DB: '/srv/oc/custom.db' }, HOME), [path.join(HOME, '.local', 'share', 'opencode'), '/srv/oc']);
  assert.deepEqual(openCodeFormat.roots({ OPENCODE_DB: 'relative.db' }, HOME), [path.join(HOME, '.local', 'share', 'opencode')]);
  assert.deepEqual(openCodeFormat.dirs('/r'), ['/r']);
  assert.equal(openCodeFormat.depth, 0);
  for (const name of ['opencode.db', 'opencode-dev.db', 'opencode-local.db', 'custom.sqlite']) assert.ok(openCodeFormat.isLog(name), name);
  for (const name of ['opencode.db-wal', 'opencode.db-shm', 'auth.json', 'msg_1.json']) assert.ok(!openCodeFormat.isLog(name), name);
  assert.equal(openCodeFormat.companion, openCodeJsonFormat);
  assert.deepEqual(openCodeJsonFormat.dirs('/r'), [path.join('/r', 'storage', 'message')]);
  assert.ok(openCodeJsonFormat.isLog('msg_1.json'));
});

void test("on an editor whose Node has no node:sqlite, the scan of a database says which VS Code it needs (nothing guessed)", { skip: sqliteModule() !== null ? 'this Node has node:sqlite (the *.sqlite.test.ts files cover reading)' : false }, () => {
  const home = mkdtempSync(path.join(tmpdir(), 'tb-opencode-nosqlite-'));
  mkdirSync(path.join(home, '.local', 'share', 'opencode'), { recursive: true });
  writeFileSync(path.join(home, '.local', 'share', 'opencode', 'opencode.db'), 'SQLite format 3\0');
  assert.throws(() => scanAgent('openCode', home), new RegExp(`openCode keeps its usage in SQLite, which this editor's Node \\(${process.version.replace(/\./g, '\\.')}\\) cannot read: it needs ${SQLITE_NEEDS.replace(/\./g, '\\.')} or later`));
});
