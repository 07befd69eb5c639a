import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { daysBetween, isoWeekday, plusDays } from '../../../tools/simulator/days';
import { DEFAULT_BUDGET, DEFAULT_USER, MODELS, generateHistory, spentInPeriod } from '../../../tools/simulator/history';
import type { SimData, UsageDay } from '../../../tools/simulator/history';

const NOW = new Date('2026-11-27T12:00:00Z');
const round2 = (x: number): number => Math.round(x * 100) / 100;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (days: readonly UsageDay[]): number => sum(days.map((d) => d.cost)) / days.length;
const isWeekend = (date: string): boolean => isoWeekday(date) >= 6;

/** Mon–Fri workdays in [start, end) and up to and including `today`. */
function workdays(start: string, end: string, today: string): { total: number; elapsed: number } {
  let total = 0;
  let elapsed = 0;
  for (let d = start; d < end; d = plusDays(d, 1)) {
    if (isWeekend(d)) continue;
    total += 1;
    if (d <= today) elapsed += 1;
  }
  return { total, elapsed };
}

void describe('generateHistory: shape and determinism', () => {
  const data = generateHistory({ now: NOW });

  void test('same seed and now give identical data; another seed does not', () => {
    assert.deepEqual(generateHistory({ now: new Date(NOW) }), data);
    assert.deepEqual(generateHistory({ seed: 7, now: NOW }), generateHistory({ seed: 7, now: NOW }));
    assert.notDeepEqual(generateHistory({ seed: 7, now: NOW }).days, data.days);
  });

  void test('defaults: user, UTC, USD, $250,000 over the April-to-April fiscal year containing now', () => {
    assert.equal(data.user, DEFAULT_USER);
    assert.equal(data.timezone, 'UTC');
    assert.equal(data.currency, 'USD');
    assert.deepEqual(data.budget, { amount: DEFAULT_BUDGET, period_start: '2026-04-01', period_end: '2027-04-01' });
    assert.equal(data.now, '2026-11-27T12:00:00Z');
    const early = generateHistory({ now: new Date('2026-02-10T08:00:00Z') });
    assert.deepEqual(early.budget, { amount: DEFAULT_BUDGET, period_start: '2025-04-01', period_end: '2026-04-01' });
    const firstDay = generateHistory({ now: new Date('2026-04-01T00:30:00Z') });
    assert.equal(firstDay.budget?.period_start, '2026-04-01');
    assert.equal(firstDay.days.length, 1);
  });

  void test('every calendar day from period_start through today, oldest first, nothing in the future', () => {
    assert.equal(data.days[0]?.date, '2026-04-01');
    assert.equal(data.days.at(-1)?.date, '2026-11-27');
    assert.equal(data.days.length, daysBetween('2026-04-01', '2026-11-27') + 1);
    data.days.forEach((d, i) => {
      if (i > 0) assert.equal(d.date, plusDays(data.days[i - 1]?.date ?? '', 1));
    });
  });

  void test('money is rounded to cents and day.cost is the sum of the model costs', () => {
    for (const day of data.days) {
      assert.equal(day.cost, round2(sum(day.models.map((m) => m.cost))), day.date);
      for (const m of day.models) {
        assert.equal(m.cost, round2(m.cost));
        assert.ok(m.cost > 0);
      }
      if (day.cost === 0) assert.deepEqual(day.models, []);
    }
  });

  void test('token counts are consistent with cost at each model’s list prices', () => {
    const prices = new Map(MODELS.map((m) => [m.model, m.price]));
    for (const day of data.days) {
      for (const m of day.models) {
        const p = prices.get(m.model);
        assert.ok(p, `unknown model ${m.model}`);
        const priced = (m.input_tokens * p.input + m.output_tokens * p.output + m.cache_read_tokens * p.cacheRead + m.cache_write_tokens * p.cacheWrite) / 1e6;
        assert.ok(Math.abs(priced - m.cost) <= 0.005 + 1e-9, `${day.date} ${m.model}: ${priced} vs ${m.cost}`);
        for (const n of [m.requests, m.input_tokens, m.output_tokens, m.cache_read_tokens, m.cache_write_tokens]) assert.ok(Number.isInteger(n) && n >= 0);
        assert.ok(m.requests >= 1);
      }
    }
  });

  void test('past days do not change as now advances; today grows through the day', () => {
    const morning = generateHistory({ now: new Date('2026-11-25T06:00:00Z') });
    const evening = generateHistory({ now: new Date('2026-11-25T18:00:00Z') });
    const nextWeek = generateHistory({ now: new Date('2026-12-02T09:00:00Z') });
    assert.deepEqual(morning.days.slice(0, -1), evening.days.slice(0, -1));
    assert.deepEqual(evening.days.slice(0, -1), nextWeek.days.slice(0, morning.days.length - 1));
    const am = morning.days.at(-1)?.cost ?? 0;
    const pm = evening.days.at(-1)?.cost ?? 0;
    const full = nextWeek.days.find((d) => d.date === '2026-11-25')?.cost ?? 0;
    assert.ok(am > 0 && pm > am && full > pm, `${am} < ${pm} < ${full}`);
    assert.ok(Math.abs(am / full - 0.25) < 0.01 && Math.abs(pm / full - 0.75) < 0.01, `${am} ${pm} ${full}`);
  });

  void test('options: budget null, custom period, user, scale; invalid options throw', () => {
    const none = generateHistory({ now: NOW, budgetAmount: null });
    assert.equal(none.budget, null);
    assert.deepEqual(none.days, data.days, 'spend is calibrated to the default budget when there is none');
    assert.equal(spentInPeriod(none), round2(sum(none.days.map((d) => d.cost))));

    const custom = generateHistory({ now: NOW, periodStart: '2026-01-01', user: 'alice@example.com', budgetAmount: 120_000 });
    assert.deepEqual(custom.budget, { amount: 120_000, period_start: '2026-01-01', period_end: '2027-01-01' });
    assert.equal(custom.user, 'alice@example.com');
    assert.equal(custom.days[0]?.date, '2026-01-01');

    const double = generateHistory({ now: NOW, scale: 2 });
    const ratio = spentInPeriod(double) / spentInPeriod(data);
    assert.ok(Math.abs(ratio - 2) < 0.001, String(ratio));

    assert.throws(() => generateHistory({ now: NOW, periodStart: '2026-13-01' }), RangeError);
    assert.throws(() => generateHistory({ now: NOW, periodStart: '2026-05-01', periodEnd: '2026-04-01' }), RangeError);
    assert.throws(() => generateHistory({ now: NOW, scale: -1 }), RangeError);
    assert.throws(() => generateHistory({ now: new Date('nope') }), RangeError);
  });
});

void describe('generateHistory: history before the period (historyStart)', () => {
  const plain = generateHistory({ now: NOW });
  const longer = generateHistory({ now: NOW, historyStart: '2025-10-01' });

  void test('days from historyStart, with spend before the period; the period itself unchanged', () => {
    assert.equal(longer.days[0]?.date, '2025-10-01');
    assert.equal(longer.days.length, daysBetween('2025-10-01', '2026-11-27') + 1);
    assert.deepEqual(longer.budget, plain.budget);
    assert.deepEqual(longer.days.filter((d) => d.date >= '2026-04-01'), plain.days, 'the period’s days do not depend on where the history starts');
    const before = longer.days.filter((d) => d.date < '2026-04-01');
    const workdayMean = mean(before.filter((d) => !isWeekend(d.date) && d.cost > 0));
    assert.ok(workdayMean > 0.5 * mean(plain.days.slice(0, 60).filter((d) => !isWeekend(d.date))), `pre-period workdays average ${workdayMean}`);
    assert.ok(sum(before.filter((d) => d.date >= '2026-01-01').map((d) => d.cost)) > 20_000, 'January to March holds real spend');
  });

  void test('spentInPeriod still counts the period only', () => {
    assert.equal(spentInPeriod(longer), spentInPeriod(plain));
    assert.equal(spentInPeriod(longer), round2(sum(plain.days.map((d) => d.cost))));
  });

  void test('historyStart after the period start, or not a date, is refused', () => {
    assert.throws(() => generateHistory({ now: NOW, historyStart: '2026-04-02' }), RangeError);
    assert.throws(() => generateHistory({ now: NOW, historyStart: '2026-02-30' }), RangeError);
    assert.equal(generateHistory({ now: NOW, historyStart: '2026-04-01' }).days[0]?.date, '2026-04-01');
  });
});

void describe('generateHistory: a realistic year', () => {
  const yearEnd = generateHistory({ now: new Date('2027-03-31T23:59:00Z') });
  const november = generateHistory({ now: NOW });

  void test('weekends are light: a weekend day averages 3–12 % of a workday, under 5 % of all spend', () => {
    for (const data of [yearEnd, november]) {
      const weekend = data.days.filter((d) => isWeekend(d.date));
      const weekday = data.days.filter((d) => !isWeekend(d.date));
      const share = sum(weekend.map((d) => d.cost)) / sum(data.days.map((d) => d.cost));
      assert.ok(share > 0 && share < 0.05, `weekend share ${share}`);
      const ratio = mean(weekend) / mean(weekday);
      assert.ok(ratio > 0.03 && ratio < 0.12, `weekend/workday ${ratio}`);
    }
  });

  void test('spend grows: the last 60 days average more than the first 60 (≈1.5–2× by year end)', () => {
    assert.ok(mean(november.days.slice(-60)) > mean(november.days.slice(0, 60)));
    const growth = mean(yearEnd.days.slice(-60)) / mean(yearEnd.days.slice(0, 60));
    assert.ok(growth > 1.4 && growth < 2.5, `growth ${growth}`);
  });

  void test('two vacation weeks with (near) zero spend: one in August, one over the year-end holidays', () => {
    const weekly = sum(yearEnd.days.map((d) => d.cost)) / (yearEnd.days.length / 7);
    const quietWeeks = (from: string, to: string): number => {
      let found = 0;
      const days = yearEnd.days.filter((d) => d.date >= from && d.date <= to);
      for (let i = 0; i + 7 <= days.length; i++) if (sum(days.slice(i, i + 7).map((d) => d.cost)) < 0.01 * weekly) found++;
      return found;
    };
    assert.ok(quietWeeks('2026-08-01', '2026-08-31') > 0, 'an August vacation week');
    assert.ok(quietWeeks('2026-12-20', '2027-01-05') > 0, 'a year-end vacation week');
    assert.ok(quietWeeks('2026-04-01', '2026-07-31') === 0, 'no vacation in spring');
  });

  void test('occasional spikes of 3–5× a typical workday', () => {
    const workdays = yearEnd.days.filter((d) => !isWeekend(d.date) && d.cost > 0);
    const spikes = workdays.filter((d, i) => {
      const around = workdays.slice(Math.max(0, i - 10), i + 11).map((x) => x.cost).sort((a, b) => a - b);
      const median = around[Math.floor(around.length / 2)] ?? 0;
      return d.cost > 2.5 * median;
    });
    assert.ok(spikes.length >= 3 && spikes.length <= 25, `${spikes.length} spikes in ${workdays.length} workdays`);
  });

  void test('5–7 models, with a mix that shifts: the month’s top model changes during the year', () => {
    const models = new Set(yearEnd.days.flatMap((d) => d.models.map((m) => m.model)));
    assert.ok(models.size >= 5 && models.size <= 7, [...models].join());
    const tops = new Set<string>();
    const byMonth = new Map<string, Map<string, number>>();
    for (const day of november.days) {
      const month = byMonth.get(day.date.slice(0, 7)) ?? new Map<string, number>();
      byMonth.set(day.date.slice(0, 7), month);
      for (const m of day.models) month.set(m.model, (month.get(m.model) ?? 0) + m.cost);
    }
    for (const month of byMonth.values()) tops.add([...month].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '');
    assert.ok(tops.size >= 2, [...tops].join());
  });

  void test('calibration: at 2026-11-27 12:00Z the engineer is somewhat ahead of the ideal pace', () => {
    const data: SimData = november;
    const budget = data.budget;
    assert.ok(budget);
    const spent = spentInPeriod(data);
    const { total, elapsed } = workdays(budget.period_start, budget.period_end, '2026-11-27');
    const ideal = (budget.amount * elapsed) / total;
    assert.ok(spent / budget.amount > 0.6 && spent / budget.amount < 0.8, `spent ${spent}`);
    assert.ok(spent > 1.02 * ideal && spent < 1.15 * ideal, `spent ${spent}, ideal ${ideal}`);
    // The whole simulated year overruns the budget (the projection has something to warn about).
    const year = spentInPeriod(yearEnd);
    assert.ok(year > budget.amount && year < 1.4 * budget.amount, String(year));
  });
});

void describe('spentInPeriod', () => {
  void test('sums the days in [period_start, period_end) only', () => {
    const data: SimData = {
      user: 'u',
      timezone: 'UTC',
      currency: 'USD',
      budget: { amount: 100, period_start: '2026-04-01', period_end: '2026-04-03' },
      now: '2026-04-03T10:00:00Z',
      days: [
        { date: '2026-03-31', cost: 1000, models: [] },
        { date: '2026-04-01', cost: 0.1, models: [] },
        { date: '2026-04-02', cost: 0.2, models: [] },
        { date: '2026-04-03', cost: 5000, models: [] },
      ],
    };
    assert.equal(spentInPeriod(data), 0.3);
    assert.equal(spentInPeriod({ ...data, budget: null }), 6000.3);
  });

  void test('a history running past period_end counts only the period', () => {
    const data = generateHistory({ now: NOW, periodStart: '2026-01-01', periodEnd: '2026-07-01' });
    assert.equal(data.days.at(-1)?.date, '2026-11-27');
    const inside = data.days.filter((d) => d.date < '2026-07-01');
    assert.equal(spentInPeriod(data), round2(sum(inside.map((d) => d.cost))));
  });
});
