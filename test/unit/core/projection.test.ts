import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDaysKey, eachDayInfo, eachDayKey } from '../../../src/core/dates';
import { absentDays, driftSigma, project } from '../../../src/core/projection';
import type { BudgetInputs, DayKey, Projection } from '../../../src/core/types';
import { makeInputs, MON_FRI, settingYear, steadyDaily } from './helpers';

/** Workday spend that varies deterministically between 600 and 1400. */
function noisyDaily(from: DayKey, toExclusive: DayKey): Map<DayKey, number> {
  const daily = new Map<DayKey, number>();
  eachDayInfo(from, toExclusive).forEach(({ key, weekday }, i) => {
    daily.set(key, MON_FRI.includes(weekday) ? 1000 + 400 * Math.sin(i * 1.7) : 50);
  });
  return daily;
}

function assertOrdered(p: Projection): void {
  assert.ok(p.yearEnd.p10 <= p.yearEnd.p50 && p.yearEnd.p50 <= p.yearEnd.p90, JSON.stringify(p.yearEnd));
  let previous: { p10: number; p50: number; p90: number } | undefined;
  for (const day of p.path) {
    assert.ok(day.p10 <= day.p50 && day.p50 <= day.p90, day.date);
    if (previous) {
      assert.ok(day.p10 >= previous.p10 && day.p50 >= previous.p50 && day.p90 >= previous.p90, `cumulative falls on ${day.date}`);
    }
    previous = day;
  }
  const never = '9999-12-31';
  const [a, b, c] = [p.runOut.p10 ?? never, p.runOut.p50 ?? never, p.runOut.p90 ?? never];
  assert.ok(a <= b && b <= c, JSON.stringify(p.runOut));
}

/** (p90 − p10) of the year-end spend relative to the median future spend. */
function relativeWidth(p: Projection, spent: number): number {
  return (p.yearEnd.p90 - p.yearEnd.p10) / (p.yearEnd.p50 - spent);
}

const MID_YEAR: BudgetInputs = makeInputs({ today: '2026-07-15', budget: 250_000, daily: noisyDaily('2026-01-01', '2026-07-16') });

void describe('project', () => {
  void it('is deterministic, and the seed matters', () => {
    assert.deepEqual(project(MID_YEAR), project(MID_YEAR));
    assert.notDeepEqual(project(MID_YEAR, { seed: 7 }).yearEnd, project(MID_YEAR).yearEnd);
  });

  void it('gives ordered, non-decreasing bands over tomorrow … the last day of the year', () => {
    const p = project(MID_YEAR);
    assertOrdered(p);
    assert.equal(p.path[0]?.date, '2026-07-16');
    assert.equal(p.path.at(-1)?.date, '2026-12-31');
    assert.deepEqual(
      p.path.map((d) => d.date),
      eachDayKey('2026-07-16', '2027-01-01'),
    );
    assert.deepEqual(p.yearEnd, { p10: p.path.at(-1)?.p10, p50: p.path.at(-1)?.p50, p90: p.path.at(-1)?.p90 });
    // A steady year: the rates stand on the whole year so far (1 Jan … 14 Jul).
    assert.equal(p.basisDays, 195);
  });

  void it('is much wider on 3 days of history than on 200 days of steady history', () => {
    const daily = noisyDaily('2026-01-01', '2026-07-21');
    const early = makeInputs({ today: '2026-01-04', daily });
    const late = makeInputs({ today: '2026-07-20', daily });
    const pEarly = project(early);
    const pLate = project(late);
    assert.equal(pEarly.basisDays, 3);
    assert.equal(pLate.basisDays, 200);
    assertOrdered(pEarly);
    const spentEarly = [...daily].filter(([d]) => d <= '2026-01-04').reduce((a, [, c]) => a + c, 0);
    const spentLate = [...daily].filter(([d]) => d <= '2026-07-20').reduce((a, [, c]) => a + c, 0);
    const wEarly = relativeWidth(pEarly, spentEarly);
    const wLate = relativeWidth(pLate, spentLate);
    assert.ok(wEarly > 2 * wLate, `early ${wEarly} vs late ${wLate}`);
    assert.ok(wLate > 0, 'even a full window leaves some uncertainty');
  });

  void it('lets the drift grow with the horizon and shrink with the basis', () => {
    assert.ok(driftSigma(300, 28) > driftSigma(30, 28));
    assert.ok(driftSigma(30, 3) > driftSigma(30, 28));
    assert.equal(driftSigma(30, 28), 0.11);
    assert.equal(driftSigma(30, 200), driftSigma(30, 28), 'beyond four weeks of history the bootstrap carries the basis');
    assert.equal(driftSigma(365, 1), 1);
  });

  void it('projects less after a three-week vacation in the window', () => {
    const today = '2026-07-15';
    const steady = steadyDaily('2026-01-01', addDaysKey(today, 1), 1000);
    const vacation = new Map(steady);
    for (const day of eachDayKey('2026-06-22', '2026-07-13')) {
      vacation.set(day, 0);
    }
    const withoutGap = project(makeInputs({ today, daily: steady }));
    const withGap = project(makeInputs({ today, daily: vacation }));
    // 15 workdays of vacation in June and July: an absence counts in the rate, at a reduced weight.
    assert.equal(withoutGap.meanWorkday, 1000);
    assert.ok(withGap.meanWorkday < 1000 && withGap.meanWorkday > 750, String(withGap.meanWorkday));
    assert.equal(withGap.basisDays, withoutGap.basisDays, 'an absence is not a new regime');
    const spentGap = 15 * 1000;
    assert.ok(withGap.yearEnd.p50 < withoutGap.yearEnd.p50 - spentGap, `${withGap.yearEnd.p50} vs ${withoutGap.yearEnd.p50}`);
    assert.ok(withGap.yearEnd.p90 < withoutGap.yearEnd.p90);
  });

  void it('spends only on workdays when weekends were free', () => {
    const today = '2026-07-15'; // a Wednesday
    const daily = steadyDaily('2026-01-01', addDaysKey(today, 1), 1000, 0);
    const inputs = makeInputs({ today, daily, budget: null });
    const p = project(inputs);
    assert.equal(p.meanOtherDay, 0);
    assert.equal(p.meanWorkday, 1000);
    const byDate = new Map(p.path.map((d) => [d.date, d]));
    const friday = byDate.get('2026-07-17');
    for (const weekend of ['2026-07-18', '2026-07-19']) {
      assert.deepEqual({ ...byDate.get(weekend), date: '' }, { ...friday, date: '' }, weekend);
    }
    assert.ok((byDate.get('2026-07-20')?.p50 ?? 0) > (friday?.p50 ?? 0));
    // With a steady history the median is the workday rate times the workdays left, give or take the drift.
    const spent = [...daily.values()].reduce((a, b) => a + b, 0);
    const futureWorkdays = eachDayInfo(addDaysKey(today, 1), '2027-01-01').filter((d) => MON_FRI.includes(d.weekday)).length;
    const expected = spent + 1000 * futureWorkdays;
    assert.ok(Math.abs(p.yearEnd.p50 - expected) / (1000 * futureWorkdays) < 0.05, `${p.yearEnd.p50} vs ${expected}`);
    assert.deepEqual(p.runOut, { p10: null, p50: null, p90: null });
  });

  void it('with no history at all stays at what was spent today', () => {
    const p = project(makeInputs({ today: '2026-01-01', daily: new Map([['2026-01-01', 100]]), budget: 50 }));
    assert.equal(p.basisDays, 0);
    assert.deepEqual(p.yearEnd, { p10: 100, p50: 100, p90: 100 });
    assert.deepEqual(p.runOut, { p10: '2026-01-01', p50: '2026-01-01', p90: '2026-01-01' });
    const q = project(makeInputs({ today: '2026-01-01', daily: new Map([['2026-01-01', 100]]) }));
    assert.deepEqual(q.runOut, { p10: null, p50: null, p90: null });
    assert.equal(q.path.length, 364);
    assert.ok(q.path.every((d) => d.p10 === 100 && d.p50 === 100 && d.p90 === 100));
    assert.equal(q.meanWorkday, 0);
  });

  void it('with no spend at all projects nothing', () => {
    const p = project(makeInputs({ today: '2026-07-15' }));
    assert.equal(p.basisDays, 195);
    assert.deepEqual(p.yearEnd, { p10: 0, p50: 0, p90: 0 });
    assert.deepEqual(p.runOut, { p10: null, p50: null, p90: null });
  });

  void it('reports the day the budget was crossed when it already is', () => {
    const daily = steadyDaily('2026-01-01', '2026-02-02', 1000, 1000);
    const p = project(makeInputs({ today: '2026-02-01', daily, budget: 10_000 }));
    assert.deepEqual(p.runOut, { p10: '2026-01-10', p50: '2026-01-10', p90: '2026-01-10' });
    assert.ok(p.yearEnd.p50 > 32_000);
  });

  void it('finds a run-out day near the steady-rate crossing', () => {
    const today = '2026-04-01';
    const daily = steadyDaily('2026-01-01', addDaysKey(today, 1), 1000);
    const p = project(makeInputs({ today, daily, budget: 150_000 }));
    // 65 workdays spent by today; the 85th workday after today exhausts the budget.
    let left = 85;
    let crossing = today;
    for (const { key, weekday } of eachDayInfo(addDaysKey(today, 1), '2027-01-01')) {
      if (MON_FRI.includes(weekday) && --left === 0) {
        crossing = key;
        break;
      }
    }
    assertOrdered(p);
    assert.ok(p.runOut.p50 !== null && p.runOut.p10 !== null);
    assert.ok(p.runOut.p10 <= crossing && (p.runOut.p90 ?? '9999') >= crossing, `${JSON.stringify(p.runOut)} vs ${crossing}`);
    assert.ok(p.runOut.p50 >= addDaysKey(crossing, -14) && p.runOut.p50 <= addDaysKey(crossing, 14), `${p.runOut.p50} vs ${crossing}`);
  });

  void it('has no run-out without a budget or when the budget is out of reach', () => {
    assert.deepEqual(project({ ...MID_YEAR, budget: null }).runOut, { p10: null, p50: null, p90: null });
    assert.deepEqual(project({ ...MID_YEAR, budget: 10_000_000 }).runOut, { p10: null, p50: null, p90: null });
    assert.ok(project({ ...MID_YEAR, budget: null }).yearEnd.p50 > 0);
  });

  void it("keeps today's partial spend out of the rates but in the total", () => {
    const daily = noisyDaily('2026-01-01', '2026-07-15');
    const quiet = project(makeInputs({ today: '2026-07-15', daily }));
    const busy = project(makeInputs({ today: '2026-07-15', daily: new Map([...daily, ['2026-07-15', 50_000]]) }));
    assert.equal(busy.meanWorkday, quiet.meanWorkday);
    assert.ok(Math.abs(busy.yearEnd.p50 - quiet.yearEnd.p50 - 50_000) < 1e-6);
  });

  void it('falls back to the other days when the window has no workday yet', () => {
    const year = settingYear('2028-01-01', '2029-01-01'); // starts on a Saturday
    const daily = new Map([
      ['2028-01-01', 300],
      ['2028-01-02', 100],
    ]);
    const p = project(makeInputs({ year, today: '2028-01-03', daily }));
    assert.equal(p.basisDays, 2);
    assert.equal(p.meanOtherDay, 200);
    assert.equal(p.meanWorkday, 200);
    assert.ok(p.yearEnd.p50 > 400);
  });

  void it('uses the window length it is given', () => {
    const p = project(MID_YEAR, { windowDays: 7 });
    assert.equal(p.basisDays, 7);
    assert.throws(() => project(MID_YEAR, { windowDays: 0 }), RangeError);
    assert.throws(() => project(MID_YEAR, { simulations: 1.5 }), RangeError);
  });

  void it('after a switch to a pricier model, the rates come from the weeks since the switch', () => {
    const today = '2026-07-15';
    const daily = new Map([...steadyDaily('2026-01-01', '2026-05-18', 1000), ...steadyDaily('2026-05-18', addDaysKey(today, 1), 3000)]);
    const p = project(makeInputs({ today, daily, budget: null }));
    assert.ok(Math.abs(p.meanWorkday - 3000) < 1e-6, String(p.meanWorkday));
    assert.ok(p.basisDays >= 56 && p.basisDays <= 63, `basis ${p.basisDays} days: the weeks since the switch`);
    assertOrdered(p);
  });

  void it("a joiner's empty first months are not a rate of zero", () => {
    const today = '2026-07-15';
    const daily = steadyDaily('2026-05-04', addDaysKey(today, 1), 1000);
    const p = project(makeInputs({ today, daily, budget: null }));
    assert.ok(Math.abs(p.meanWorkday - 1000) < 1e-6, String(p.meanWorkday));
    assert.equal(p.basisDays, 72, 'from the first day with spend (4 May) to yesterday');
  });

  void it('a long vacation that is over is an absence, not a new regime', () => {
    const today = '2026-09-15';
    const daily = steadyDaily('2026-01-01', addDaysKey(today, 1), 1000);
    for (const day of eachDayKey('2026-07-06', '2026-08-17')) daily.set(day, 0); // six weeks
    const p = project(makeInputs({ today, daily, budget: null }));
    assert.equal(p.basisDays, 257, 'the whole year so far');
    // The six weeks count as an absence: in the rate, but at a reduced weight (a vacation taken is
    // less likely to come again soon than the days around it), so the rate is lower than without
    // them, though by less than their full sixth of the year so far.
    assert.ok(p.meanWorkday > 900 && p.meanWorkday < 1000, String(p.meanWorkday));
  });

  void it('the median path is the spend so far plus the rates over the days left', () => {
    const today = '2026-07-15';
    const daily = steadyDaily('2026-01-01', addDaysKey(today, 1), 1000, 100);
    const p = project(makeInputs({ today, daily, budget: null }));
    const spent = [...daily.values()].reduce((a, b) => a + b, 0);
    const left = eachDayInfo(addDaysKey(today, 1), '2027-01-01');
    const work = left.filter((d) => MON_FRI.includes(d.weekday)).length;
    assert.ok(Math.abs(p.yearEnd.p50 - (spent + 1000 * work + 100 * (left.length - work))) < 1e-6);
  });

  void it('the band reaches further up than down: spend surprises are mostly upwards', () => {
    const p = project(MID_YEAR);
    assert.ok(p.yearEnd.p90 - p.yearEnd.p50 > 1.5 * (p.yearEnd.p50 - p.yearEnd.p10), JSON.stringify(p.yearEnd));
    assert.ok(p.yearEnd.p50 - p.yearEnd.p10 > 0);
  });

  void it('before the year projects from nothing; after it, nothing is left to project', () => {
    const year = settingYear('2026-04-01', '2027-04-01');
    const before = project(makeInputs({ year, today: '2026-03-20', daily: steadyDaily('2026-01-01', '2026-03-21', 1000) }));
    assert.equal(before.basisDays, 0);
    assert.deepEqual(before.yearEnd, { p10: 0, p50: 0, p90: 0 });
    assert.equal(before.path[0]?.date, '2026-04-01');
    assert.equal(before.path.length, 365);
    const after = project(makeInputs({ year, today: '2027-05-01', daily: steadyDaily('2026-04-01', '2027-05-02', 10) }));
    assert.deepEqual(after.path, []);
    assert.equal(after.yearEnd.p50, 261 * 10); // the 261 workdays of the year, nothing after it
  });

  void it('finds absences: runs of (almost) nothing over three workdays or more, not weekends or single days off', () => {
    const days = eachDayInfo('2026-03-02', '2026-03-30'); // four weeks from a Monday
    const daily = steadyDaily('2026-03-02', '2026-03-30', 1000);
    daily.set('2026-03-04', 0); // a single day off
    for (const day of eachDayKey('2026-03-13', '2026-03-19')) daily.set(day, 5); // Fri … Wed: four workdays of almost nothing
    const absent = absentDays(days, daily, MON_FRI);
    const absentKeys = days.filter((_d, i) => absent[i]).map((d) => d.key);
    assert.deepEqual(absentKeys, eachDayKey('2026-03-13', '2026-03-19'));
  });

  void it('after a switch in the middle of a week, the rates come from the day of the switch', () => {
    const today = '2026-07-15';
    const daily = new Map([...steadyDaily('2026-01-01', '2026-05-20', 1000), ...steadyDaily('2026-05-20', addDaysKey(today, 1), 3000)]); // a Wednesday
    const p = project(makeInputs({ today, daily, budget: null }));
    assert.ok(Math.abs(p.meanWorkday - 3000) < 1e-6, String(p.meanWorkday));
    assert.equal(p.basisDays, 56, 'from Wednesday 20 May to yesterday');
  });

  void it('a young regime has a wider upper band than one that has held all year', () => {
    const today = '2026-07-15';
    const steady = steadyDaily('2026-01-01', addDaysKey(today, 1), 3000);
    const switched = new Map([...steadyDaily('2026-01-01', '2026-05-18', 1000), ...steadyDaily('2026-05-18', addDaysKey(today, 1), 3000)]);
    const spentOf = (daily: Map<DayKey, number>) => [...daily.values()].reduce((a, b) => a + b, 0);
    const upper = (daily: Map<DayKey, number>) => {
      const p = project(makeInputs({ today, daily, budget: null }));
      return (p.yearEnd.p90 - p.yearEnd.p50) / (p.yearEnd.p50 - spentOf(daily));
    };
    // The same rates ahead; a change is likelier the shorter the current rate has held.
    assert.ok(upper(switched) > 1.5 * upper(steady), `${upper(switched)} vs ${upper(steady)}`);
  });
});
