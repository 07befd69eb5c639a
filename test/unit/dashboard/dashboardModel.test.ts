import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateCents, buildDashboardModel, loggedDiffers, projectLabel, TOP_MODELS, type DashboardModel } from '../../../src/core/dashboardModel';
import { eachDayInfo } from '../../../src/core/dates';
import { round2 } from '../../../src/core/format';
import { Ledger, lumpLabel } from '../../../src/core/ledger';
import { buildSnapshot, type Snapshot, type SourceStatus } from '../../../src/core/snapshot';
import type { LedgerRow, SourceId } from '../../../src/core/types';

const WORKDAYS = [1, 2, 3, 4, 5];
const TODAY = '2026-06-17'; // a Wednesday
const NOW = new Date(2026, 5, 17, 15, 0, 0);
const settings = (annualBudget: number) => ({ annualBudget, budgetYearStart: '01-01', workdays: WORKDAYS, thresholds: [50, 75, 90, 100] });
const ok = (id: SourceId, label: string): SourceStatus => ({ id, label, state: 'ok', lastSuccess: NOW.toISOString() });
const SOURCES: SourceStatus[] = [ok('gateway', 'Allowance gateway'), ok('openai', 'OpenAI'), { id: 'litellm', label: 'LiteLLM proxy', state: 'off' }];

function row(date: string, source: SourceId, model: string, cost: number, extra: Partial<LedgerRow> = {}): LedgerRow {
  return { date, source, model, cost, inputTokens: Math.round(cost * 1000), outputTokens: Math.round(cost * 100), cacheReadTokens: 7, cacheWriteTokens: 3, requests: 2, ...extra };
}

/** Twelve models over two sources, odd cents everywhere, plus rows that must not count. */
function fixtureRows(): LedgerRow[] {
  const rows: LedgerRow[] = [];
  for (const { key, weekday } of eachDayInfo('2025-12-01', '2026-07-05')) {
    const weekend = weekday >= 6;
    for (let m = 0; m < 12; m++) {
      const cost = round2(((m + 1) * 3.17 + (weekend ? 0.01 : 11.13)) / (m + 1.5));
      rows.push(row(key, m % 3 === 0 ? 'openai' : 'gateway', `model-${String(m).padStart(2, '0')}`, cost));
    }
    rows.push(row(key, 'litellm', 'model-off', 999)); // an "off" source: never counted
  }
  rows.push(row('2026-03-03', 'gateway', 'mystery-model', 0, { unpriced: true, inputTokens: 5000 }));
  rows.push(row('2026-03-04', 'gateway', 'odd, "quoted" model', 1.005));
  return rows;
}

function build(annualBudget = 100_000, rows = fixtureRows(), today = TODAY, now = NOW): { snapshot: Snapshot; model: DashboardModel } {
  const ledger = new Ledger(rows);
  const snapshot = buildSnapshot({ ledger, settings: settings(annualBudget), gatewayBudget: null, sources: SOURCES, today, now });
  return { snapshot, model: buildDashboardModel(snapshot, ledger, WORKDAYS) };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

void describe('dashboard model', () => {
  const { snapshot, model } = build();

  void it('covers every day of the budget year, with today and the elapsed days located', () => {
    assert.equal(model.days.length, 365);
    assert.equal(model.days[0], '2026-01-01');
    assert.equal(model.days[364], '2026-12-31');
    assert.equal(model.days[model.todayIndex], TODAY);
    assert.equal(model.elapsed, model.todayIndex + 1);
    assert.equal(model.firstWeekday, 4, '1 January 2026 is a Thursday');
    assert.equal(model.spent, snapshot.status.spent);
  });

  void it('has a breakdown by model and by source that adds up to spent, to the cent', () => {
    const spent = snapshot.status.spent;
    for (const rows of [model.breakdown.byModel, model.breakdown.bySource]) {
      assert.ok(Math.abs(sum(rows.map((r) => r.cost)) - spent) < 1e-6, 'costs add up');
      assert.equal(sum(rows.map((r) => r.cents)), Math.round(round2(spent) * 100), 'cents add up exactly');
      assert.ok(Math.abs(sum(rows.map((r) => r.share)) - 1) < 1e-9);
      for (const r of rows) assert.ok(Math.abs(r.cents / 100 - r.cost) < 0.01 + 1e-9, `${r.key} rounded by less than a cent`);
    }
    assert.equal(model.breakdown.totalCents, Math.round(round2(spent) * 100));
    const keys = model.breakdown.byModel.map((r) => r.key);
    assert.ok(!keys.includes('model-off'), 'rows of a source that is off do not count');
    assert.deepEqual(
      model.breakdown.bySource.map((r) => [r.key, r.label]),
      [
        ['gateway', 'Allowance gateway'],
        ['openai', 'OpenAI'],
      ],
    );
    assert.equal(model.breakdown.from, '2026-01-01');
    assert.equal(model.breakdown.to, TODAY);
  });

  void it('keeps the unpriced flag and the tokens in the breakdown', () => {
    const mystery = model.breakdown.byModel.find((r) => r.key === 'mystery-model');
    assert.ok(mystery);
    assert.equal(mystery.unpriced, true);
    assert.equal(mystery.cost, 0);
    assert.equal(mystery.inputTokens, 5000);
    assert.equal(model.breakdown.totals.inputTokens, sum(model.breakdown.byModel.map((r) => r.inputTokens)));
  });

  void it('draws the ideal pace flat on weekends, rising on workdays, reaching the budget on the last workday', () => {
    const ideal = model.burnup.ideal;
    assert.ok(ideal);
    assert.equal(ideal.length, 365);
    const lastWorkday = model.workday.lastIndexOf(1);
    assert.equal(model.days[lastWorkday], '2026-12-31', 'a Thursday');
    assert.equal(ideal[lastWorkday], 100_000);
    for (let i = 1; i < ideal.length; i++) {
      if (model.workday[i] === 1) assert.ok((ideal[i] ?? 0) > (ideal[i - 1] ?? 0), `rises on workday ${model.days[i]}`);
      else assert.equal(ideal[i], ideal[i - 1], `flat on ${model.days[i]}`);
    }
    assert.equal(ideal[model.todayIndex], round2(snapshot.status.ideal ?? Number.NaN), 'the same ideal as the status');
  });

  void it('reaches the budget on the last workday when the year ends on a weekend, and stays there', () => {
    const rows = [row('2025-04-07', 'gateway', 'm', 10)];
    const ledger = new Ledger(rows);
    const snap = buildSnapshot({ ledger, settings: { ...settings(52_000), budgetYearStart: '04-05' }, gatewayBudget: null, sources: SOURCES, today: '2025-04-08', now: NOW });
    const m = buildDashboardModel(snap, ledger, WORKDAYS);
    assert.equal(m.days[m.days.length - 1], '2026-04-04', 'a Saturday');
    const ideal = m.burnup.ideal ?? [];
    const last = m.workday.lastIndexOf(1);
    assert.equal(m.days[last], '2026-04-03');
    assert.equal(ideal[last], 52_000);
    assert.equal(ideal[ideal.length - 1], 52_000);
  });

  void it('ends the cumulative actual on today at exactly what the status says is spent', () => {
    const actual = model.burnup.actual;
    assert.equal(actual.length, model.elapsed);
    assert.ok(Math.abs((actual[actual.length - 1] ?? 0) - snapshot.status.spent) < 1e-9);
    assert.equal(round2(actual[actual.length - 1] ?? 0), round2(snapshot.status.spent));
    for (let i = 1; i < actual.length; i++) assert.ok((actual[i] ?? 0) >= (actual[i - 1] ?? 0));
  });

  void it('anchors the projection on today and runs it to the last day of the year', () => {
    const p = model.burnup.projection;
    assert.ok(p);
    assert.equal(p.from, model.todayIndex);
    assert.equal(p.p50.length, model.days.length - model.todayIndex);
    assert.equal(p.p50[0], snapshot.status.spent);
    assert.equal(p.p50[p.p50.length - 1], round2(snapshot.projection.yearEnd.p50));
    for (let i = 0; i < p.p50.length; i++) assert.ok((p.p10[i] ?? 0) <= (p.p50[i] ?? 0) && (p.p50[i] ?? 0) <= (p.p90[i] ?? 0));
  });

  void it('stacks the daily spend by the top models plus "Other", adding up to each day', () => {
    const { series, total } = model.daily;
    assert.equal(series.length, TOP_MODELS + 1, '14 models: the top 8 and Other');
    assert.equal(series[series.length - 1]?.other, true);
    assert.match(series[series.length - 1]?.name ?? '', /^Other \(6 models\)$/);
    assert.deepEqual(
      series.slice(0, TOP_MODELS).map((s) => s.name),
      model.breakdown.byModel.slice(0, TOP_MODELS).map((r) => r.key),
    );
    assert.equal(total.length, model.elapsed);
    for (let i = 0; i < model.elapsed; i++) {
      const stacked = sum(series.map((s) => s.values[i] ?? 0));
      assert.ok(Math.abs(stacked - (total[i] ?? 0)) < 1e-9, `day ${model.days[i]}`);
    }
    assert.ok(Math.abs(sum(total) - snapshot.status.spent) < 1e-6);
  });

  void it('computes the trailing average of complete days (today has none) and the range statistics', () => {
    const { average, total, windows, averageWindow } = model.daily;
    assert.equal(average[model.todayIndex], null, 'today is partial');
    const i = model.todayIndex - 1;
    const expected = sum(total.slice(i - averageWindow + 1, i + 1)) / averageWindow;
    assert.equal(average[i], round2(expected));
    assert.equal(average[0], round2(total[0] ?? 0), 'fewer days at the start of the year');
    assert.equal(windows.d90.length, 90);
    assert.equal(windows.d90.from, model.elapsed - 90);
    assert.equal(windows.year.length, model.elapsed);
    assert.ok(Math.abs(windows.year.total - snapshot.status.spent) < 1e-6);
    assert.ok(windows.year.peak && windows.year.peak.cost === Math.max(...total));
  });

  void it('names the most expensive day with a lump spread over its days (the lump stays on its day in the chart)', () => {
    const rows = [
      row('2026-06-01', 'gateway', lumpLabel('gap', '2026-06-01', '2026-06-10'), 50),
      row('2026-06-12', 'gateway', 'model-00', 8),
      row('2026-06-15', 'gateway', 'model-00', 3),
    ];
    const { model: m } = build(100_000, rows);
    const index = (day: string) => m.days.indexOf(day);
    assert.equal(m.daily.total[index('2026-06-01')], 50, 'the chart shows the lump as reported');
    assert.deepEqual(m.daily.windows.year.peak, { index: index('2026-06-12'), cost: 8 }, '$50 over ten days is $5 a day, below the $8 day');
    assert.equal(m.daily.windows.year.total, 61);
  });

  void it('counts a UTC day already begun here (west of UTC) today, in the spend, the breakdown and the chart; a day not begun anywhere not at all', () => {
    // Los Angeles, 17:00 on Friday 27 Nov: the gateway's UTC day is already 28 Nov.
    const now = new Date('2026-11-28T01:00:00Z');
    const rows = [row('2026-11-26', 'gateway', 'm', 100), row('2026-11-27', 'gateway', 'm', 100), row('2026-11-28', 'gateway', 'm', 100), row('2026-11-30', 'gateway', 'm', 1000)];
    const { snapshot: s, model: m } = build(10_000, rows, '2026-11-27', now);
    assert.equal(s.status.spent, 300, 'the $100 of 28 Nov (UTC) has been spent; 30 Nov has begun nowhere');
    assert.equal(s.status.remaining, 9700);
    assert.equal(m.breakdown.byModel[0]?.cost, 300);
    assert.equal(m.daily.total[m.todayIndex], 200, "today's bar holds the spend of 28 Nov (UTC)");
    assert.equal(m.burnup.actual[m.todayIndex], 300);
    // The projection adds the rate of the days left to what was spent, the $100 of 28 Nov included.
    assert.ok(s.projection.yearEnd.p50 > 300);
  });

  void it('on the first day of the year has no projection yet: no year-end, no run-out day, no projection in the burn-up', () => {
    const { model: m } = build(3000, [row('2026-01-01', 'gateway', 'm', 10)], '2026-01-01', new Date(2026, 0, 1, 15));
    const kpi = (id: string) => m.kpis.find((k) => k.id === id);
    assert.deepEqual([kpi('projected')?.value, kpi('projected')?.number, kpi('projected')?.detail], ['none', null, { kind: 'pending' }]);
    assert.deepEqual([kpi('runout')?.value, kpi('runout')?.day, kpi('runout')?.detail], ['none', null, { kind: 'pending' }]);
    assert.equal(m.burnup.projection, null);
    assert.equal(kpi('spent')?.value, '10.00');
  });

  void it('gives the heatmap a cell for every day of the year, with cost, level and top model', () => {
    const h = model.heatmap;
    assert.equal(h.cost.length, 365);
    assert.equal(h.level.length, 365);
    assert.equal(h.top.length, 365);
    for (let i = 0; i < 365; i++) {
      if (i < model.elapsed) {
        assert.ok((h.level[i] ?? -1) >= 0 && (h.level[i] ?? 9) <= 4);
        assert.equal(h.cost[i], model.daily.total[i]);
      } else {
        assert.equal(h.cost[i], null);
        assert.equal(h.level[i], -1);
        assert.equal(h.top[i], -1);
      }
    }
    assert.equal(h.thresholds.length, 3);
    assert.ok((h.thresholds[0] ?? 0) <= (h.thresholds[1] ?? 0) && (h.thresholds[1] ?? 0) <= (h.thresholds[2] ?? 0));
    const jan5 = model.days.indexOf('2026-01-05');
    assert.equal(model.models[h.top[jan5] ?? -1], 'model-00', 'the most expensive model of that day');
    assert.equal(h.activeDays, model.elapsed);
  });

  void it('shades each heatmap day by the quartile of spending days it falls in; a day without spend is blank', () => {
    // $1 … $100 on 100 days from 1 Jan, then nothing: the quartiles are about $25, $50 and $75.
    const rows = eachDayInfo('2026-01-01', '2026-04-11').map((d, i) => row(d.key, 'gateway', 'm', i + 1));
    const { model: m } = build(100_000, rows, '2026-04-20', new Date(2026, 3, 20, 12));
    const [q1, q2, q3] = m.heatmap.thresholds;
    for (const [q, expected] of [[q1, 25], [q2, 50], [q3, 75]] as const) assert.ok(q !== undefined && Math.abs(q - expected) <= 1, `${q} ≈ ${expected}`);
    const at = (day: string) => m.heatmap.level[m.days.indexOf(day)];
    assert.equal(at('2026-01-10'), 1, '$10: lowest quartile');
    assert.equal(at('2026-02-09'), 2, '$40');
    assert.equal(at('2026-03-01'), 3, '$60');
    assert.equal(at('2026-03-31'), 4, '$90: top quartile');
    assert.equal(at('2026-04-15'), 0, 'no spend');
    assert.equal(at('2026-04-25'), -1, 'not yet');
  });

  void it('shades days of fractions of a cent by their quartile too: the thresholds are not rounded to cents', () => {
    // $0.001 … $0.004: rounded to cents, every threshold was $0 and every day "over $0".
    const rows = [row('2026-06-01', 'gateway', 'nano', 0.004), row('2026-06-02', 'gateway', 'nano', 0.001), row('2026-06-03', 'gateway', 'nano', 0.003), row('2026-06-04', 'gateway', 'nano', 0.002)];
    const { model: m } = build(10, rows);
    const [q1, q2, q3] = m.heatmap.thresholds;
    assert.ok(q1 !== undefined && q2 !== undefined && q3 !== undefined && q1 > 0 && q1 < q2 && q2 < q3 && q3 < 0.004, `${m.heatmap.thresholds.join(', ')}`);
    const at = (day: string) => m.heatmap.level[m.days.indexOf(day)];
    assert.deepEqual(['2026-06-02', '2026-06-04', '2026-06-03', '2026-06-01'].map(at), [1, 2, 3, 4], '$0.001 to $0.004 in four buckets');
  });

  void it('puts every day of a one-day history in the first bucket (its thresholds are that day)', () => {
    const { model: m } = build(250_000, [row('2026-06-01', 'gateway', 'm', 812.4)]);
    assert.deepEqual(m.heatmap.thresholds, [812.4, 812.4, 812.4]);
    assert.equal(m.heatmap.level[m.days.indexOf('2026-06-01')], 1);
  });

  void it('counts a partly unpriced row in the breakdown and the daily bars as in the spend', () => {
    const rows = [row('2026-06-15', 'gateway', 'claude-opus-4-1', 500, { unpriced: true }), row('2026-06-15', 'gateway', 'gpt-5', 100), row('2026-06-16', 'gateway', 'gpt-5', 50)];
    const { snapshot: s, model: m } = build(100_000, rows);
    assert.equal(s.status.spent, 650);
    assert.deepEqual(m.breakdown.byModel.map((r) => [r.key, r.cost, r.unpriced]), [['claude-opus-4-1', 500, true], ['gpt-5', 150, false]]);
    const june15 = m.days.indexOf('2026-06-15');
    assert.equal(m.daily.total[june15], 600);
    assert.equal(m.daily.series.reduce((a, series) => a + (series.values[june15] ?? 0), 0), 600, 'the stacked bars add up to the day');
  });

  void it('covers 366 days in a leap budget year', () => {
    const rows = [row('2028-01-03', 'gateway', 'm', 10)];
    const ledger = new Ledger(rows);
    const snap = buildSnapshot({ ledger, settings: settings(1000), gatewayBudget: null, sources: SOURCES, today: '2028-03-01', now: NOW });
    const m = buildDashboardModel(snap, ledger, WORKDAYS);
    assert.equal(m.days.length, 366);
    assert.equal(m.heatmap.level.length, 366);
  });

  void it('turns the thresholds into amounts', () => {
    assert.deepEqual(
      model.thresholds.map((t) => [t.percent, t.amount]),
      [
        [50, 50_000],
        [75, 75_000],
        [90, 90_000],
        [100, 100_000],
      ],
    );
  });

  void it('works without a budget: no ideal, no thresholds, run-out "none"', () => {
    const { snapshot: s, model: m } = build(0);
    assert.equal(s.status.budget, null);
    assert.equal(m.budget, null);
    assert.equal(m.burnup.ideal, null);
    assert.deepEqual(m.thresholds, []);
    assert.equal(m.budgetOrigin, 'none');
    const kpi = (id: string) => m.kpis.find((k) => k.id === id)?.value;
    assert.equal(kpi('budget'), 'none');
    assert.equal(kpi('runout'), 'none');
    assert.equal(kpi('percent'), 'none');
    assert.equal(kpi('spent'), round2(s.status.spent).toFixed(2));
    assert.equal(sum(m.breakdown.byModel.map((r) => r.cents)), Math.round(round2(s.status.spent) * 100));
    assert.ok(m.burnup.projection, 'the spend is still projected');
  });

  void it('gives the same model from the ledger and from its rows', () => {
    const rows = fixtureRows();
    const ledger = new Ledger(rows);
    const s = buildSnapshot({ ledger, settings: settings(100_000), gatewayBudget: null, sources: SOURCES, today: TODAY, now: NOW });
    assert.deepEqual(JSON.parse(JSON.stringify(buildDashboardModel(s, ledger.rows(), WORKDAYS))), JSON.parse(JSON.stringify(buildDashboardModel(s, ledger, WORKDAYS))));
  });

  void it('handles a year without any spend yet', () => {
    const { model: m } = build(100_000, []);
    assert.equal(m.breakdown.byModel.length, 0);
    assert.equal(m.breakdown.totalCents, 0);
    assert.deepEqual(m.daily.series, []);
    assert.ok(m.burnup.actual.every((x) => x === 0));
    assert.deepEqual(m.heatmap.thresholds, []);
    assert.ok(m.heatmap.level.slice(0, m.elapsed).every((l) => l === 0));
    assert.equal(m.daily.windows.year.peak, null);
  });

  void it('is compact: arrays of numbers aligned to the days, a few tens of KB as JSON', () => {
    const json = JSON.stringify(model);
    assert.ok(json.length < 120_000, `${json.length} characters`);
  });
});

void describe('allocateCents', () => {
  void it('rounds entries so that they add up exactly to the rounded total', () => {
    const costs = [0.333, 0.333, 0.334, 10.005, 2.675];
    const total = sum(costs);
    const cents = allocateCents(costs, total);
    assert.equal(sum(cents), Math.round(round2(total) * 100));
    cents.forEach((c, i) => assert.ok(Math.abs(c - (costs[i] ?? 0) * 100) < 1));
  });

  void it('absorbs float noise between the total and the entries', () => {
    const costs = Array.from({ length: 40 }, (_, i) => 0.1 * (i + 1) + 1e-12);
    const cents = allocateCents(costs, sum(costs) - 0.004);
    assert.equal(sum(cents), Math.round(round2(sum(costs) - 0.004) * 100));
  });

  void it('handles no entries and zero', () => {
    assert.deepEqual(allocateCents([], 0), []);
    assert.deepEqual(allocateCents([0, 0], 0), [0, 0]);
  });
});

void describe('dashboard model: by project, and what the agents logged', () => {
  void it('breaks the spend down by project, and shows beside a source what its agent logged where that differs', () => {
    const agents: SourceStatus[] = [ok('claudeCode', 'Claude Code'), ok('openCode', 'OpenCode'), ok('pi', 'pi')];
    const rows = [
      row('2026-06-15', 'claudeCode', 'sonnet', 10, { project: '/home/ana/work/shop' }),
      row('2026-06-16', 'claudeCode', 'sonnet', 5, { project: '/home/ana/work/web' }),
      row('2026-06-16', 'claudeCode', 'sonnet', 1),
      row('2026-06-16', 'openCode', 'gpt-5', 4, { project: '/home/ana/work/shop', loggedCost: 0, loggedListCost: 4 }),
      row('2026-06-16', 'openCode', 'gpt-5', 2, { project: '/home/ana/work/web' }),
      row('2026-06-17', 'pi', 'sonnet', 3, { loggedCost: 3.02, loggedListCost: 3 }), // within 1%: not shown
    ];
    const ledger = new Ledger(rows);
    const snapshot = buildSnapshot({ ledger, settings: settings(10_000), gatewayBudget: null, sources: agents, today: TODAY, now: NOW });
    const m = buildDashboardModel(snapshot, ledger, WORKDAYS).breakdown;
    assert.deepEqual(
      m.byProject.map((r) => [r.key, r.label, r.cents]),
      [
        ['/home/ana/work/shop', '…/work/shop', 1400],
        ['/home/ana/work/web', '…/work/web', 700],
        ['', 'No project', 400],
      ],
    );
    assert.equal(sum(m.byProject.map((r) => r.cents)), Math.round(snapshot.status.spent * 100), 'adds up to the spend');
    assert.deepEqual(
      m.bySource.map((r) => [r.key, r.cost, r.logged]),
      [
        ['claudeCode', 16, undefined],
        ['openCode', 6, { cost: 0, list: 4 }], // logged $0 (a free model) against $4 at list price
        ['pi', 3, undefined],
      ],
    );
    assert.equal(m.byModel.every((r) => r.logged === undefined), true, 'only sources carry the note');
  });

  void it('shortens a project for display only, and tells a logged cost apart from list price above 1% and a cent', () => {
    assert.equal(projectLabel('/home/ana/work/shop'), '…/work/shop');
    assert.equal(projectLabel('C:\\Users\\ana\\web'), '…\\ana\\web');
    assert.equal(projectLabel('/srv/api'), '/srv/api');
    assert.equal(projectLabel('-home-ana-old'), '-home-ana-old');
    assert.equal(loggedDiffers({ cost: 0, list: 4 }), true);
    assert.equal(loggedDiffers({ cost: 12.4, list: 12.5 }), false, 'under 1%');
    assert.equal(loggedDiffers({ cost: 0.5, list: 0.509 }), false, 'under a cent');
    assert.equal(loggedDiffers({ cost: 0, list: 0.02 }), true);
  });
});
