// History survives restarts and budget years: when the gateway moves on to its next period, the
// rows of the previous year stay in the ledger (on disk too), the year is archived with the budget
// it had, and it can still be read as a snapshot of its own; a CSV export carries every year.

import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { ledgerCsv } from '../../../src/core/csv';
import { ADAPTERS } from '../../../src/sources';
import { HttpClient } from '../../../src/sources/http';
import { BudgetService } from '../../../src/state/budgetService';
import { LedgerStore, type BudgetYearRecord } from '../../../src/state/ledgerStore';
import { recordBudgetYear } from '../../../src/state/yearArchive';
import { generateHistory } from '../../../tools/simulator/history';
import { startSimulator, type Simulator } from '../../../tools/simulator/server';

const KEY = 'history-key-5e4d3c2b1a';
const OLD_NOW = new Date('2026-03-20T12:00:00Z');
const NEW_NOW = new Date('2026-04-15T12:00:00Z');
const oldData = generateHistory({ seed: 3, now: OLD_NOW, budgetAmount: 200_000, periodStart: '2025-04-01', periodEnd: '2026-04-01' });
const newData = generateHistory({ seed: 4, now: NEW_NOW, budgetAmount: 250_000, periodStart: '2026-04-01', periodEnd: '2027-04-01' });

let sim: Simulator;
before(async () => {
  sim = await startSimulator({ port: 0, key: KEY, data: oldData });
});
after(() => sim.close());

function service(dir: string, clock: { now: Date }, settings: Record<string, unknown> = {}) {
  const all = { 'sources.gateway.url': sim.url, 'sources.claudeCode.enabled': 'off', 'sources.codex.enabled': 'off', ...settings };
  return new BudgetService({
    adapters: ADAPTERS,
    http: new HttpClient({ retries: 0, timeoutMs: 5000 }),
    store: new LedgerStore(dir, () => clock.now),
    config: () => readConfig((k) => all[k as keyof typeof all]),
    key: () => Promise.resolve(KEY),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    now: () => clock.now,
  });
}

const sum = (days: readonly { date: string; cost: number }[], from: string, toExclusive: string, through: string) =>
  days.filter((d) => d.date >= from && d.date < toExclusive && d.date <= through).reduce((s, d) => s + d.cost, 0);

void describe('older budget years', () => {
  void it('stay in the ledger, on disk and readable with their own budget after the gateway moves on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-history-'));
    const clock = { now: OLD_NOW };
    const svc = service(dir, clock);
    await svc.refresh('old year');
    const oldSpent = sum(oldData.days, '2025-04-01', '2026-04-01', '2026-03-20');
    assert.ok(Math.abs(svc.snapshot.status.spent - oldSpent) < 0.01);
    assert.equal(svc.snapshot.status.budget, 200_000);

    // April: the gateway reports its new period; its answers hold only the new year's days.
    sim.setData(newData);
    clock.now = NEW_NOW;
    await svc.refresh('new year');
    const s = svc.snapshot;
    assert.equal(s.year.start, '2026-04-01');
    assert.equal(s.status.budget, 250_000);
    assert.ok(Math.abs(s.status.spent - sum(newData.days, '2026-04-01', '2027-04-01', '2026-04-15')) < 0.01, 'this year counts only this year');

    const oldRows = svc.ledgerRows.filter((r) => r.date < '2026-04-01');
    assert.ok(oldRows.length > 200, 'the previous year’s rows are kept');
    assert.ok(Math.abs(oldRows.reduce((a, r) => a + r.cost, 0) - sum(oldData.days, '2025-04-01', '2026-04-01', '2026-03-31')) < 0.01);

    const years: readonly BudgetYearRecord[] = svc.budgetYears;
    assert.deepEqual(years, [
      { start: '2025-04-01', end: '2026-04-01', budget: 200_000, origin: 'gateway', lastSeen: '2026-03-20' },
      { start: '2026-04-01', end: '2027-04-01', budget: 250_000, origin: 'gateway', lastSeen: '2026-04-15' },
    ]);
    const last = svc.snapshotOfYear('2025-04-01');
    assert.ok(last);
    assert.deepEqual([last.year.start, last.year.end, last.status.budget, last.today], ['2025-04-01', '2026-04-01', 200_000, '2026-03-31']);
    assert.ok(Math.abs(last.status.spent - oldSpent) < 0.01, 'the old year read back with its spend');
    assert.equal(svc.snapshotOfYear('2019-01-01'), undefined);

    // A restart (new service, same storage): every year is still there.
    const restarted = service(dir, clock);
    await restarted.load();
    assert.deepEqual(restarted.budgetYears, years);
    assert.equal(restarted.ledgerRows.length, svc.ledgerRows.length);
    assert.ok(Math.abs((restarted.snapshotOfYear('2025-04-01')?.status.spent ?? 0) - oldSpent) < 0.01);
    const file = JSON.parse(await readFile(join(dir, 'ledger.json'), 'utf8')) as { version: number; years: unknown[] };
    assert.equal(file.version, 2);
    assert.equal(file.years.length, 2);

    // The CSV export carries every year.
    const csv = ledgerCsv(restarted.ledgerRows);
    assert.match(csv, /\r\n2025-04-01,gateway,/);
    assert.match(csv, /\r\n2026-04-15,gateway,/);
  });

  void it('a year measured against the settings keeps its own budget when the setting changes later', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-history-'));
    const clock = { now: new Date('2025-12-30T12:00:00Z') };
    sim.setData(generateHistory({ seed: 9, now: clock.now, budgetAmount: null, periodStart: '2025-01-01', periodEnd: '2026-01-01' }));
    const first = service(dir, clock, { annualBudget: 90_000, budgetYearStart: '01-01' });
    await first.refresh('2025');
    clock.now = new Date('2026-01-05T12:00:00Z');
    const second = service(dir, clock, { annualBudget: 120_000, budgetYearStart: '01-01' });
    await second.load();
    await second.refresh('2026');
    assert.deepEqual(
      second.budgetYears.map((y) => [y.start, y.budget, y.origin]),
      [
        ['2025-01-01', 90_000, 'setting'],
        ['2026-01-01', 120_000, 'setting'],
      ],
    );
    const old = second.snapshotOfYear('2025-01-01');
    assert.equal(old?.status.budget, 90_000);
    assert.equal(old?.today, '2025-12-31');
  });
});

void describe('a source that forgets', () => {
  void it('does not take the history with it: days fetched once stay in the ledger', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-forget-'));
    const clock = { now: NEW_NOW };
    sim.setData(newData);
    const svc = service(dir, clock);
    await svc.refresh('full');
    const before = svc.ledgerRows.filter((r) => r.date < '2026-04-13');
    assert.ok(before.length > 20);
    // The gateway now keeps only its last two days (as Claude Code analytics or a proxy with a retention limit would).
    sim.setData({ ...newData, days: newData.days.filter((d) => d.date >= '2026-04-14') });
    clock.now = new Date(NEW_NOW.getTime() + 3_600_000);
    await svc.refresh('after it forgot');
    assert.equal(svc.snapshot.sources.find((s) => s.id === 'gateway')?.state, 'ok');
    assert.deepEqual(svc.ledgerRows.filter((r) => r.date < '2026-04-13'), before, 'the older days are kept as they were');
    const restarted = service(dir, clock);
    await restarted.load();
    assert.deepEqual(restarted.ledgerRows.filter((r) => r.date < '2026-04-13'), before, 'and survive a restart');
  });
});

void describe('the archive of budget years', () => {
  const year = (start: string, end: string, budget: number | null, origin: BudgetYearRecord['origin'], lastSeen: string): BudgetYearRecord => ({ start, end, budget, origin, lastSeen });

  void it('records the current year and moves its last-seen day on', () => {
    let years = recordBudgetYear([], year('2026-01-01', '2027-01-01', 1000, 'setting', '2026-03-01'));
    years = recordBudgetYear(years, year('2026-01-01', '2027-01-01', 1200, 'setting', '2026-03-02'));
    assert.deepEqual(years, [year('2026-01-01', '2027-01-01', 1200, 'setting', '2026-03-02')]);
  });

  void it('replaces a provisional idea of the current year (before the gateway answered)', () => {
    let years = recordBudgetYear([], year('2026-01-01', '2027-01-01', null, 'none', '2026-05-01'));
    years = recordBudgetYear(years, year('2026-04-01', '2027-04-01', 250_000, 'gateway', '2026-05-01'));
    assert.deepEqual(years, [year('2026-04-01', '2027-04-01', 250_000, 'gateway', '2026-05-01')]);
  });

  void it('keeps years that have ended, even when the next one overlaps them (a changed start day)', () => {
    let years = recordBudgetYear([], year('2025-04-01', '2026-04-01', 200_000, 'gateway', '2026-03-31'));
    years = recordBudgetYear(years, year('2026-01-01', '2027-01-01', 300_000, 'setting', '2026-05-01'));
    assert.deepEqual(
      years.map((y) => y.start),
      ['2025-04-01', '2026-01-01'],
    );
  });

  void it("keeps the year that just ended when a UTC gateway starts its next period while it is still that year's last day here", () => {
    // Los Angeles, 31 Mar 17:30: the gateway's day is already 1 Apr, its new period begun.
    let years = recordBudgetYear([], year('2026-04-01', '2027-04-01', 100_000, 'gateway', '2027-03-31'));
    years = recordBudgetYear(years, year('2027-04-01', '2028-04-01', 120_000, 'gateway', '2027-03-31'));
    assert.deepEqual(years, [year('2026-04-01', '2027-04-01', 100_000, 'gateway', '2027-03-31'), year('2027-04-01', '2028-04-01', 120_000, 'gateway', '2027-03-31')]);
  });
});
