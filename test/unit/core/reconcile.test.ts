import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMismatch, largestMismatch, reconcile } from '../../../src/core/reconcile';
import { mismatchDaysText, mismatchText } from '../../../src/core/wording';

const rows = (entries: Record<string, number>) => new Map(Object.entries(entries));

void describe('reconcile: a service total against the rows held', () => {
  void it('agrees within 1% of the total or $1, whichever is larger', () => {
    assert.equal(isMismatch(0.99, 10), false, 'under $1');
    assert.equal(isMismatch(9.99, 1000), false, 'under 1%');
    assert.equal(isMismatch(10.01, 1000), true);
    assert.equal(isMismatch(-1.5, 100), true, 'rows higher');
    assert.equal(reconcile({ what: 't', from: '2026-01-01', to: '2026-01-03', total: 300.5 }, rows({ '2026-01-01': 100, '2026-01-02': 100, '2026-01-03': 100 })), undefined);
  });

  void it('reports the gap (positive when the service is higher) and only counts the span', () => {
    const m = reconcile(
      { what: "the gateway's spent", from: '2026-04-01', to: '2026-04-03', total: 400 },
      rows({ '2026-03-31': 999, '2026-04-01': 100, '2026-04-02': 100, '2026-04-03': 100, '2026-04-04': 999 }),
    );
    assert.deepEqual(m, { what: "the gateway's spent", from: '2026-04-01', to: '2026-04-03', serviceTotal: 400, rowsTotal: 300, gap: 100 });
    assert.match(mismatchText(m), /\$400\.00 for 1 Apr 2026 – 3 Apr 2026; the daily rows held add up to \$300\.00 \(\$100\.00 less\)/);
    assert.match(mismatchDaysText(m), /no daily figures; the days concerned are 2026-04-01 … 2026-04-03/);
  });

  void it('allows a partial first day (a counter reset during that day), and no more', () => {
    const held = rows({ '2026-05-01': 50, '2026-05-02': 100 });
    // Anything from $100 (without the reset day) to $150 (with it) agrees.
    for (const total of [100, 120, 150]) assert.equal(reconcile({ what: 'k', from: '2026-05-01', to: '2026-05-02', total, partialFirstDay: true }, held), undefined, `total ${total}`);
    assert.equal(reconcile({ what: 'k', from: '2026-05-01', to: '2026-05-02', total: 90, partialFirstDay: true }, held)?.gap, -10);
    assert.equal(reconcile({ what: 'k', from: '2026-05-01', to: '2026-05-02', total: 160, partialFirstDay: true }, held)?.gap, 10);
    assert.equal(reconcile({ what: 'k', from: '2026-05-01', to: '2026-05-02', total: 120 }, held)?.gap, -30, 'without the allowance the reset day counts whole');
  });

  void it('names the days that differ when the service gives daily figures', () => {
    const m = reconcile(
      { what: 'aggregated activity', from: '2026-06-01', to: '2026-06-04', total: 430, daily: { '2026-06-01': 100, '2026-06-02': 130, '2026-06-04': 200 } },
      rows({ '2026-06-01': 100, '2026-06-02': 100, '2026-06-03': 5, '2026-06-04': 200 }),
    );
    assert.deepEqual(m?.days, ['2026-06-02', '2026-06-03']);
    assert.ok(m);
    assert.match(mismatchDaysText(m), /days that differ from the service's own daily figures: 2026-06-02, 2026-06-03/);
  });

  void it('picks the largest gap of several totals', () => {
    const held = rows({ '2026-01-01': 100 });
    const small = reconcile({ what: 'user', from: '2026-01-01', to: '2026-01-01', total: 110 }, held);
    const large = reconcile({ what: 'key', from: '2026-01-01', to: '2026-01-01', total: 50 }, held);
    assert.equal(largestMismatch([small, undefined, large])?.what, 'key');
    assert.equal(largestMismatch([undefined]), undefined);
  });
});
