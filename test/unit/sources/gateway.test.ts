import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ledger } from '../../../src/core/ledger';
import { fetchGateway, MAX_PAGES } from '../../../src/sources/gateway';
import { HttpClient, type SourceError } from '../../../src/sources/http';
import { startSimulator, type Simulator } from '../../../tools/simulator/server';

const NOW = new Date('2026-11-27T12:00:00Z');
const http = new HttpClient({ retries: 1, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 2000 });
let sim: Simulator;
let mark = 0;

before(async () => {
  sim = await startSimulator({ port: 0, key: 'test-key-123456', history: { seed: 7, now: NOW } });
});
after(() => sim.close());

const input = (overrides: Partial<Parameters<typeof fetchGateway>[0]> = {}) => ({
  http,
  baseUrl: new URL(sim.url),
  key: 'test-key-123456',
  yearStart: '2026-01-01',
  today: '2026-11-27',
  utcToday: '2026-11-27',
  sync: {},
  ...overrides,
});

function usageQueries(): { from: string; to: string; cursor?: string }[] {
  return sim.requests.slice(mark).filter((r) => r.path === '/v1/usage').map((r) => r.query as { from: string; to: string; cursor?: string });
}

void describe('gateway source over real HTTP', () => {
  void it('fetches the whole budget period on the first run, following next_cursor', async () => {
    sim.setFault(null);
    mark = sim.requests.length;
    const result = await fetchGateway(input());
    const period = sim.data.budget;
    assert.ok(period);
    assert.equal(result.allowance.budget?.period_start, period.period_start);
    assert.equal(result.days[0], period.period_start, 'starts at the gateway period, not the settings year');
    assert.equal(result.days.at(-1), '2026-11-27');
    const expected = sim.data.days.filter((d) => d.date >= period.period_start && d.date <= '2026-11-27').reduce((s, d) => s + d.cost, 0);
    const got = result.rows.reduce((s, r) => s + r.cost, 0);
    assert.ok(Math.abs(got - expected) < 0.01, `rows add up to the simulator's days: ${got} vs ${expected}`);
    const pages = usageQueries();
    assert.ok(pages.length >= 3, `a period of ${result.days.length} days takes several pages, got ${pages.length}`);
    assert.ok(pages.slice(1).every((q) => typeof q.cursor === 'string'), 'later pages carry the cursor');
    assert.equal(result.requests, 1 + pages.length);
    assert.equal(result.demo, true, 'the simulator marks its data as demo');
    assert.deepEqual(result.sync.coverage, { from: period.period_start, to: '2026-11-27' });
  });

  void it('fetches only yesterday and today the next time, and a re-fetched day replaces', async () => {
    const first = await fetchGateway(input());
    const ledger = new Ledger();
    ledger.replaceDays('gateway', first.days, first.rows);
    const before = ledger.dailyTotals('2026-01-01', '2027-01-01').get('2026-11-26');
    mark = sim.requests.length;
    const second = await fetchGateway(input({ sync: first.sync }));
    assert.deepEqual(usageQueries(), [{ from: '2026-11-26', to: '2026-11-27' }]);
    assert.deepEqual(second.days, ['2026-11-26', '2026-11-27']);
    ledger.replaceDays('gateway', second.days, second.rows);
    assert.equal(ledger.dailyTotals('2026-01-01', '2027-01-01').get('2026-11-26'), before, 'replaced, not added');
  });

  void it('names a rejected key and never includes it in the message', async () => {
    await assert.rejects(fetchGateway(input({ key: 'wrong-key-999999' })), (e: SourceError) => {
      assert.equal(e.kind, 'auth');
      assert.match(e.message, /key was rejected \(HTTP 401/);
      assert.doesNotMatch(e.message, /wrong-key-999999/);
      return true;
    });
  });

  void it('stops a gateway that never stops paging, with bounded requests', async () => {
    sim.setFault({ kind: 'endless_paging' });
    mark = sim.requests.length;
    await assert.rejects(fetchGateway(input()), (e: SourceError) => e.kind === 'unexpected' && /next_cursor|paging/.test(e.message));
    assert.ok(usageQueries().length <= MAX_PAGES, `at most ${MAX_PAGES} pages, made ${usageQueries().length}`);
    sim.setFault(null);
  });

  void it('says what was wrong with a malformed response', async () => {
    sim.setFault({ kind: 'wrong_types' });
    await assert.rejects(fetchGateway(input()), (e: SourceError) => e.kind === 'unexpected' && /expected number/.test(e.message));
    sim.setFault({ kind: 'truncated' });
    await assert.rejects(fetchGateway(input()), (e: SourceError) => e.kind === 'unexpected' && /not JSON/.test(e.message));
    sim.setFault(null);
  });

  void it('reports rate limiting with the time to wait', async () => {
    sim.setFault({ kind: 'rate_limit', retryAfter: 3600 });
    await assert.rejects(fetchGateway(input()), (e: SourceError) => e.kind === 'rate_limited' && e.details.retryAt !== undefined);
    sim.setFault(null);
  });
});
