import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { Ledger } from '../../../src/core/ledger';
import type { DayKey } from '../../../src/core/types';
import { gatewayAdapter } from '../../../src/sources';
import { fetchGateway, MAX_PAGES } from '../../../src/sources/gateway';
import { HttpClient, type SourceError } from '../../../src/sources/http';
import type { FetchOutcome } from '../../../src/sources/types';
import { startSimulator, type Simulator } from '../../../tools/simulator/server';
import { fixture, fixtureNames } from '../../fixtures/load';
import { assertValid } from '../simulator/jsonSchema';

const NOW = new Date('2026-11-27T12:00:00Z');
const http = new HttpClient({ retries: 1, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 2000 });
const KEY = 'test-key-123456';
/** The gateway's period (the simulator's default for NOW): April to April. */
const PERIOD_START = '2026-04-01';
let sim: Simulator;
let mark = 0;

before(async () => {
  // The engineer's spend reaches back before the gateway's period, as on a real gateway.
  sim = await startSimulator({ port: 0, key: KEY, history: { seed: 7, now: NOW, historyStart: '2025-10-01' } });
});
after(() => sim.close());

type Input = Parameters<typeof fetchGateway>[0];
const GATEWAY_YEAR = { annualBudget: 0, budgetYearStart: '01-01' };

const input = (overrides: Partial<Input> = {}): Input => ({
  http,
  baseUrl: new URL(sim.url),
  key: KEY,
  yearStart: '2026-01-01',
  today: '2026-11-27',
  utcToday: '2026-11-27',
  sync: {},
  settings: GATEWAY_YEAR,
  ...overrides,
});

function usageQueries(): { from: string; to: string; cursor?: string }[] {
  return sim.requests.slice(mark).filter((r) => r.path === '/v1/usage').map((r) => r.query as { from: string; to: string; cursor?: string });
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const simSpend = (from: DayKey, to: DayKey) => round2(sim.data.days.filter((d) => d.date >= from && d.date <= to).reduce((s, d) => s + d.cost, 0));
const rowSpend = (rows: readonly { date: DayKey; cost: number }[], from = '0000-01-01', to = '9999-12-31') => round2(rows.filter((r) => r.date >= from && r.date <= to).reduce((s, r) => s + r.cost, 0));

void describe('gateway source over real HTTP', () => {
  void it('fetches the whole budget period on the first run, following next_cursor', async () => {
    sim.setFault(null);
    mark = sim.requests.length;
    const result = await fetchGateway(input());
    const period = sim.data.budget;
    assert.ok(period);
    assert.equal(result.allowance.budget?.period_start, period.period_start);
    assert.equal(result.days[0], period.period_start, 'annualBudget 0: the gateway period, not the settings year');
    assert.equal(result.days.at(-1), '2026-11-27');
    assert.equal(rowSpend(result.rows), simSpend(period.period_start, '2026-11-27'), "rows add up to the simulator's days");
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

void describe('gateway source: the budget year in force is what it covers', () => {
  void it("annualBudget > 0 with a year starting before the gateway's period_start: every day from the year's start", async () => {
    mark = sim.requests.length;
    const result = await fetchGateway(input({ settings: { annualBudget: 300_000, budgetYearStart: '01-01' }, yearStart: '2026-01-01' }));
    assert.equal(result.days[0], '2026-01-01', 'not the gateway period_start 2026-04-01');
    assert.equal(result.days.at(-1), '2026-11-27');
    assert.equal(usageQueries()[0]?.from, '2026-01-01');
    assert.ok(rowSpend(result.rows, '2026-01-01', '2026-03-31') > 0, 'January to March has spend at this gateway');
    assert.equal(rowSpend(result.rows), simSpend('2026-01-01', '2026-11-27'));
    assert.deepEqual(result.sync.coverage, { from: '2026-01-01', to: '2026-11-27' });
  });

  void it("annualBudget > 0 with a year starting after period_start: the year's days, and the period's for its total", async () => {
    const result = await fetchGateway(input({ settings: { annualBudget: 300_000, budgetYearStart: '06-01' }, yearStart: '2026-06-01' }));
    // Every day of the year in force is there; the period's earlier days too, because the
    // gateway's own total covers them (see the reconciliation tests below).
    assert.ok(result.days.includes('2026-06-01') && result.days.at(-1) === '2026-11-27');
    assert.equal(result.days[0], PERIOD_START);
    assert.equal(rowSpend(result.rows, '2026-06-01'), simSpend('2026-06-01', '2026-11-27'));
    assert.deepEqual(result.totals, [{ what: "the gateway's spent for its period", from: PERIOD_START, to: '2026-11-27', total: result.allowance.spent }]);
  });

  void it("annualBudget 0: the gateway's period governs, whatever the settings' year", async () => {
    // The budget service passes the year it last knew (here the setting's 2026-01-01, before it has
    // seen the gateway's budget); the gateway's own answer decides.
    const result = await fetchGateway(input({ settings: { annualBudget: 0, budgetYearStart: '01-01' }, yearStart: '2026-01-01' }));
    assert.equal(result.days[0], PERIOD_START);
    assert.equal(rowSpend(result.rows), simSpend(PERIOD_START, '2026-11-27'));
    assert.equal(result.totals.length, 1);
  });

  void it("annualBudget 0 and a gateway budget of $0 (no budget that governs): the settings' year", async () => {
    const zero = await startSimulator({ key: KEY, history: { seed: 7, now: NOW, historyStart: '2025-10-01', budgetAmount: 0 } });
    try {
      const result = await fetchGateway(input({ baseUrl: new URL(zero.url), settings: { annualBudget: 0, budgetYearStart: '01-01' }, yearStart: '2026-01-01' }));
      assert.equal(result.days[0], '2026-01-01', 'the year the budget service counts (resolveBudget ignores a $0 budget)');
    } finally {
      await zero.close();
    }
  });

  void it('a setting changed while running: the next fetch gets the earlier days it lacks, and only those', async () => {
    const first = await fetchGateway(input({ settings: { annualBudget: 0, budgetYearStart: '01-01' }, yearStart: '2026-01-01' }));
    assert.deepEqual(first.sync.coverage, { from: PERIOD_START, to: '2026-11-27' });
    mark = sim.requests.length;
    const second = await fetchGateway(input({ settings: { annualBudget: 300_000, budgetYearStart: '01-01' }, yearStart: '2026-01-01', sync: first.sync }));
    assert.deepEqual(usageQueries().filter((q) => q.cursor === undefined), [
      { from: '2026-01-01', to: '2026-03-31' },
      { from: '2026-11-26', to: '2026-11-27' },
    ]);
    assert.equal(rowSpend(second.rows, '2026-01-01', '2026-03-31'), simSpend('2026-01-01', '2026-03-31'));
    assert.deepEqual(second.sync.coverage, { from: '2026-01-01', to: '2026-11-27' });
    // A year in force that starts after what is covered needs nothing earlier.
    mark = sim.requests.length;
    await fetchGateway(input({ settings: { annualBudget: 300_000, budgetYearStart: '07-01' }, yearStart: '2026-07-01', sync: second.sync }));
    assert.deepEqual(usageQueries(), [{ from: '2026-11-26', to: '2026-11-27' }]);
  });
});

void describe("gateway source: the gateway's own total, to reconcile with the rows", () => {
  const config = (url: string, annualBudget: number, budgetYearStart: string) =>
    readConfig((k) => ({ 'sources.gateway.url': url, annualBudget, budgetYearStart })[k as 'annualBudget']);
  const viaAdapter = (url: string, annualBudget: number, budgetYearStart: string, yearStart: DayKey): Promise<FetchOutcome> =>
    gatewayAdapter.fetch({ config: config(url, annualBudget, budgetYearStart), http, key: KEY, today: '2026-11-27', utcToday: '2026-11-27', yearStart, sync: undefined, now: NOW });
  /** The sum of the outcome's rows over a total's span: what the budget service compares. */
  const heldOver = (o: FetchOutcome, t: { from: DayKey; to: DayKey }) => rowSpend(o.rows, t.from, t.to);

  void it("reports spent over period_start … today, which the rows cover and match, whichever year is in force", async () => {
    for (const [annualBudget, mmdd, yearStart] of [[0, '01-01', '2026-01-01'], [300_000, '01-01', '2026-01-01'], [300_000, '09-01', '2026-09-01']] as const) {
      const outcome = await viaAdapter(sim.url, annualBudget, mmdd, yearStart);
      const total = outcome.totals?.[0];
      assert.ok(total, `${annualBudget} ${mmdd}`);
      assert.deepEqual(outcome.totals, [{ what: "the gateway's spent for its period", from: PERIOD_START, to: '2026-11-27', total: total.total }]);
      assert.ok(outcome.days.includes(total.from) && outcome.days.includes(total.to), 'the rows held cover the span');
      assert.equal(heldOver(outcome, total), total.total, `${annualBudget} ${mmdd}: a truthful gateway agrees with its rows`);
    }
  });

  void it("a gateway whose spent disagrees with its rows (the simulator's misreportSpent) shows the gap", async () => {
    const liar = await startSimulator({ key: KEY, history: { seed: 7, now: NOW, historyStart: '2025-10-01' }, misreportSpent: 2500 });
    try {
      const outcome = await viaAdapter(liar.url, 300_000, '01-01', '2026-01-01');
      const total = outcome.totals?.[0];
      assert.ok(total);
      assert.equal(round2(total.total - heldOver(outcome, total)), 2500);
    } finally {
      await liar.close();
    }
  });

  void it('ends the span at the day before period_end once the period is over; none without a budget', async () => {
    const ended = await startSimulator({ key: KEY, history: { seed: 7, now: NOW, periodStart: '2025-12-01', periodEnd: '2026-06-01' } });
    const none = await startSimulator({ key: KEY, history: { seed: 7, now: NOW, budgetAmount: null } });
    try {
      const outcome = await viaAdapter(ended.url, 300_000, '01-01', '2026-01-01');
      const total = outcome.totals?.[0];
      assert.ok(total);
      assert.deepEqual([total.from, total.to], ['2025-12-01', '2026-05-31']);
      assert.equal(heldOver(outcome, total), total.total);
      assert.equal((await viaAdapter(none.url, 300_000, '01-01', '2026-01-01')).totals, undefined);
    } finally {
      await ended.close();
      await none.close();
    }
  });
});

void describe('gateway source against the fixtures (test/fixtures/gateway)', () => {
  let server: Server;
  let url = '';
  let allowanceFixture = 'allowance-april-march';
  const asked: Record<string, string>[] = [];

  before(async () => {
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://fixture.invalid');
      const send = (name: string, filter?: { from: string; to: string }) => {
        const f = fixture('gateway', name);
        let body = f.body;
        if (filter) {
          const page = body as { days: { date: string }[]; next_cursor: string | null };
          body = { ...page, days: page.days.filter((d) => d.date >= filter.from && d.date <= filter.to) };
        }
        res.writeHead(f.status, f.headers);
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${KEY}`) return send('error-invalid-key');
      if (u.pathname === '/v1/allowance') return send(allowanceFixture);
      const query = Object.fromEntries(u.searchParams);
      asked.push(query);
      const range = { from: query.from ?? '', to: query.to ?? '' };
      const firstPage = fixture('gateway', 'usage-page-1').body as { next_cursor: string };
      if (query.cursor === undefined) return send('usage-page-1', range);
      if (query.cursor === firstPage.next_cursor) return send('usage-page-2', range);
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'bad_request', message: 'bad cursor' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const fetchFixtures = (settings: { annualBudget: number; budgetYearStart: string }, yearStart: DayKey) =>
    fetchGateway({ http, baseUrl: new URL(url), key: KEY, yearStart, today: '2026-11-27', utcToday: '2026-11-27', sync: {}, settings });

  void it("every fixture is valid against the protocol's JSON Schema (docs/allowance-gateway.schema.json)", () => {
    const names = fixtureNames('gateway');
    assert.deepEqual(names, ['allowance-april-march', 'allowance-no-budget', 'error-invalid-key', 'usage-page-1', 'usage-page-2']);
    for (const name of names) {
      const f = fixture('gateway', name);
      assert.match(f._source, /docs\/allowance-gateway\.md/);
      const def = name.startsWith('allowance') ? 'AllowanceResponse' : name.startsWith('usage') ? 'UsageResponse' : 'ErrorResponse';
      assert.match(f._source, new RegExp(`allowance-gateway\\.schema\\.json \\$defs\\.${def}`));
      assertValid(def, f.body);
    }
  });

  void it("April–March allowance, the settings' 1 January year: the days before period_start count, the period's spent is the total", async () => {
    allowanceFixture = 'allowance-april-march';
    asked.length = 0;
    const result = await fetchFixtures({ annualBudget: 300_000, budgetYearStart: '01-01' }, '2026-01-01');
    assert.deepEqual(asked, [
      { from: '2026-01-01', to: '2026-11-27' },
      { from: '2026-01-01', to: '2026-11-27', cursor: 'djE6MjAyNi0wNC0wMg' },
    ]);
    assert.equal(rowSpend(result.rows), 2913.9, 'all five days, 1 030.25 of them before the period');
    assert.equal(rowSpend(result.rows, '2026-01-01', '2026-03-31'), 1030.25);
    assert.deepEqual(
      result.rows.filter((r) => r.date === '2026-11-27').map((r) => [r.model, r.cost]),
      [['(unattributed)', 120.75]],
      'a day without per-model detail',
    );
    assert.deepEqual(result.totals, [{ what: "the gateway's spent for its period", from: '2026-04-01', to: '2026-11-27', total: 1883.65 }]);
    assert.equal(rowSpend(result.rows, '2026-04-01', '2026-11-27'), 1883.65, "the fixture's spent reconciles with its days");
  });

  void it("annualBudget 0 with the April–March allowance: the period's days only", async () => {
    allowanceFixture = 'allowance-april-march';
    asked.length = 0;
    const result = await fetchFixtures({ annualBudget: 0, budgetYearStart: '01-01' }, '2026-01-01');
    assert.equal(asked[0]?.from, '2026-04-01');
    assert.equal(rowSpend(result.rows), 1883.65);
  });

  void it("budget null: the settings' year, and no total to reconcile", async () => {
    allowanceFixture = 'allowance-no-budget';
    asked.length = 0;
    const result = await fetchFixtures({ annualBudget: 0, budgetYearStart: '01-01' }, '2026-01-01');
    assert.equal(asked[0]?.from, '2026-01-01');
    assert.equal(result.allowance.budget, null);
    assert.equal(rowSpend(result.rows), 2913.9);
    assert.deepEqual(result.totals, []);
  });

  void it('a rejected key (the invalid_key fixture) is an auth error', async () => {
    await assert.rejects(
      fetchGateway({ http, baseUrl: new URL(url), key: 'another-key-0000', yearStart: '2026-01-01', today: '2026-11-27', utcToday: '2026-11-27', sync: {}, settings: GATEWAY_YEAR }),
      (e: SourceError) => e.kind === 'auth' && /HTTP 401/.test(e.message),
    );
  });
});
