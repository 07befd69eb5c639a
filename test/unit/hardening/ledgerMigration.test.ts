// The ledger file's schema versions: a version-1 file (as Token Budget 0.1 writes it) is read and
// migrated to version 2, a backup of it is kept, and the next save writes version 2; a file from a
// newer version is read when it still fits, moved aside when it does not; anything else unusable
// is moved aside with a reason that says where.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LedgerStore, migrate, STORE_VERSION, type BudgetYearRecord } from '../../../src/state/ledgerStore';

/** A ledger.json exactly as version 1 of the store wrote it. */
const V1_FILE = {
  version: 1,
  savedAt: '2026-11-20T08:15:00.000Z',
  rows: [
    ['2026-04-01', 'gateway', 'claude-sonnet-4-5', 700.1, 51000000, 2100000, 0, 0, 812, 0],
    ['2026-04-01', 'gateway', '(unattributed)', 112.3, 0, 0, 0, 0, 0, 0],
    ['2026-11-19', 'openai', 'gpt-imaginary-9', 0, 500000, 10000, 0, 0, 5, 1],
  ],
  sources: {
    gateway: { lastSuccess: '2026-11-20T08:15:00.000Z', lastAttempt: '2026-11-20T08:15:00.000Z', demo: true, user: 'alice@example.com', identity: 'https://gw.example.com', sync: { coverage: { from: '2026-04-01', to: '2026-11-20' } } },
    openai: { lastAttempt: '2026-11-20T08:15:00.000Z', error: 'OpenAI Admin: server error (HTTP 500).', retryAt: '2026-11-20T08:16:00.000Z', note: 'whole organisation' },
  },
  gatewayBudget: { amount: 250000, periodStart: '2026-04-01', periodEnd: '2027-04-01' },
};

async function dirWith(json: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tb-migrate-'));
  await writeFile(join(dir, 'ledger.json'), typeof json === 'string' ? json : JSON.stringify(json));
  return dir;
}

void describe('ledger file versions', () => {
  void it('is at version 2', () => {
    assert.equal(STORE_VERSION, 2);
  });

  void it('reads a version-1 file, migrates it, keeps a backup, and saves version 2', async () => {
    const dir = await dirWith(V1_FILE);
    const store = new LedgerStore(dir);
    const loaded = await store.load();
    assert.equal(loaded.kind, 'loaded');
    if (loaded.kind !== 'loaded') return;
    assert.equal(loaded.migratedFrom, 1);
    assert.deepEqual(loaded.state.rows, [
      { date: '2026-04-01', source: 'gateway', model: 'claude-sonnet-4-5', cost: 700.1, inputTokens: 51000000, outputTokens: 2100000, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 812 },
      { date: '2026-04-01', source: 'gateway', model: '(unattributed)', cost: 112.3, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0 },
      { date: '2026-11-19', source: 'openai', model: 'gpt-imaginary-9', cost: 0, inputTokens: 500000, outputTokens: 10000, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 5, unpriced: true },
    ]);
    assert.deepEqual(loaded.state.sources, V1_FILE.sources, 'every source memory field survives');
    assert.deepEqual(loaded.state.gatewayBudget, V1_FILE.gatewayBudget);
    const year: BudgetYearRecord = { start: '2026-04-01', end: '2027-04-01', budget: 250000, origin: 'gateway', lastSeen: '2026-11-20' };
    assert.deepEqual(loaded.state.years, [year], 'the archive starts with the saved gateway period');
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'ledger.json.v1-backup'), 'utf8')), V1_FILE, 'the original is kept as a backup');

    await store.save(loaded.state);
    const saved = JSON.parse(await readFile(join(dir, 'ledger.json'), 'utf8')) as { version: number; years: unknown };
    assert.equal(saved.version, 2);
    assert.deepEqual(saved.years, [year]);
    const again = await new LedgerStore(dir).load();
    assert.equal(again.kind, 'loaded');
    assert.equal(again.kind === 'loaded' ? again.migratedFrom : -1, undefined, 'no migration the second time');
    assert.deepEqual(again.kind === 'loaded' ? again.state.rows : [], loaded.state.rows);
    assert.deepEqual((await readdir(dir)).sort(), ['ledger.json', 'ledger.json.v1-backup']);
  });

  void it('migrates a version-1 file without a gateway budget (or with none saved) to an empty archive', () => {
    const { gatewayBudget: _dropped, ...withoutBudget } = V1_FILE;
    for (const file of [withoutBudget, { ...V1_FILE, gatewayBudget: null }]) {
      const result = migrate(file);
      assert.ok(result.ok);
      if (!result.ok) return;
      assert.deepEqual(result.file.years, []);
      assert.equal(result.file.gatewayBudget, null);
      assert.equal(result.migratedFrom, 1);
    }
  });

  void it('clamps the archived period’s last day into the period, and ignores an unusable period', () => {
    const late = migrate({ ...V1_FILE, savedAt: '2027-05-02T00:00:00.000Z' });
    assert.ok(late.ok);
    assert.equal(late.ok ? late.file.years[0]?.lastSeen : '', '2027-03-31');
    // Version 1 accepted any strings here (the budget arithmetic ignores such a period, with a warning): kept, not archived.
    const broken = migrate({ ...V1_FILE, gatewayBudget: { amount: 5, periodStart: '2026-13-01', periodEnd: 'x' } });
    assert.ok(broken.ok);
    assert.deepEqual(broken.ok ? broken.file.years : null, []);
    const backwards = migrate({ ...V1_FILE, gatewayBudget: { amount: 5, periodStart: '2027-04-01', periodEnd: '2026-04-01' } });
    assert.ok(backwards.ok);
    assert.deepEqual(backwards.ok ? backwards.file.years : null, []);
  });

  void it('a follower (moveAside: false) migrates in memory and writes nothing', async () => {
    const dir = await dirWith(V1_FILE);
    const loaded = await new LedgerStore(dir).load({ moveAside: false });
    assert.equal(loaded.kind, 'loaded');
    assert.deepEqual(await readdir(dir), ['ledger.json']);
  });

  void it('moves aside a version-1 file of the wrong shape, naming the format and where', async () => {
    const dir = await dirWith({ ...V1_FILE, rows: [['2026-11-01', 'nope', 'm', 1, 0, 0, 0, 0, 0, 0]] });
    const result = await new LedgerStore(dir).load();
    assert.equal(result.kind, 'corrupt');
    assert.match(result.kind === 'corrupt' ? result.reason : '', /format 1 \(rows\.0\.1: /);
    assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('ledger.json.corrupt-')).length, 1);
  });

  void it('reads a file from a newer version when it still fits, keeping a backup', async () => {
    const { version: _v, ...rest } = V1_FILE;
    const v3 = { ...rest, version: 3, gatewayBudget: V1_FILE.gatewayBudget, years: [], somethingNew: { a: 1 } };
    const dir = await dirWith(v3);
    const loaded = await new LedgerStore(dir).load();
    assert.equal(loaded.kind, 'loaded');
    if (loaded.kind !== 'loaded') return;
    assert.equal(loaded.newerFormat, 3);
    assert.equal(loaded.state.rows.length, 3);
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'ledger.json.v3-backup'), 'utf8')), v3);
  });

  void it('moves aside a newer file it cannot read, saying so', async () => {
    const dir = await dirWith({ version: 7, savedAt: 'x', ledger: { compressed: 'AAAA' } });
    const result = await new LedgerStore(dir).load();
    assert.equal(result.kind, 'corrupt');
    assert.match(result.kind === 'corrupt' ? result.reason : '', /written by a newer version of Token Budget \(format 7\)/);
  });

  void it('moves aside a file without a usable version', async () => {
    for (const json of [{ ...V1_FILE, version: '1' }, { ...V1_FILE, version: 0 }, { ...V1_FILE, version: 1.5 }, [], 'null', '42']) {
      const dir = await dirWith(json);
      const result = await new LedgerStore(dir).load();
      assert.equal(result.kind, 'corrupt', JSON.stringify(json));
      assert.match(result.kind === 'corrupt' ? result.reason : '', /not a format version/);
    }
  });

  void it('a version-2 file with a bad archive entry is moved aside', async () => {
    const dir = await dirWith({ ...V1_FILE, version: 2, gatewayBudget: null, years: [{ start: 'April', end: '2027-04-01', budget: 1, origin: 'gateway', lastSeen: '2026-11-20' }] });
    const result = await new LedgerStore(dir).load();
    assert.equal(result.kind, 'corrupt');
    assert.match(result.kind === 'corrupt' ? result.reason : '', /years\.0\.start/);
  });
});
