import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, afterEach, before, describe, test } from 'node:test';
import { daysBetween } from '../../../tools/simulator/days';
import { generateHistory, spentInPeriod } from '../../../tools/simulator/history';
import type { SimData } from '../../../tools/simulator/history';
import { startSimulator } from '../../../tools/simulator/server';
import type { RequestLogEntry, Simulator } from '../../../tools/simulator/server';
import { get, getJson, post, usagePath } from './http';
import type { ErrorBody, UsagePage } from './http';

const NOW = new Date('2026-11-27T12:00:00Z');
const YEAR_END = new Date('2027-03-31T18:00:00Z');

async function followPages(sim: Simulator, from: string, to: string, limit = 50): Promise<UsagePage[]> {
  const pages: UsagePage[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: UsagePage } = await getJson<UsagePage>(sim, usagePath(from, to, cursor));
    assert.equal(res.status, 200);
    pages.push(res.body);
    cursor = res.body.next_cursor;
  } while (cursor !== null && pages.length < limit);
  return pages;
}

void describe('simulator: protocol v1 endpoints', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ history: { now: NOW } });
  });
  after(() => sim.close());

  void test('listens on 127.0.0.1 with an ephemeral port', () => {
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(sim.port > 0);
    assert.equal(sim.url, `http://127.0.0.1:${sim.port}`);
    assert.equal(sim.key, 'tb-demo-key');
  });

  void test('GET /v1/allowance: the allowance now, spent = the period’s days', async () => {
    const res = await get(sim, '/v1/allowance');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('x-allowance-demo'), '1');
    const body = JSON.parse(res.text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['user', 'timezone', 'currency', 'budget', 'spent', 'as_of']);
    assert.deepEqual(body, {
      user: 'demo.engineer@example.com',
      timezone: 'UTC',
      currency: 'USD',
      budget: { amount: 250_000, period_start: '2026-04-01', period_end: '2027-04-01' },
      spent: spentInPeriod(sim.data),
      as_of: '2026-11-27T12:00:00Z',
    });
    const sumOfDays = Math.round(sim.data.days.reduce((a, d) => a + d.cost, 0) * 100) / 100;
    assert.equal(body.spent, sumOfDays);
  });

  void test('GET /v1/usage: to inclusive, oldest first, zero-spend days omitted, protocol day objects', async () => {
    const res = await getJson<UsagePage>(sim, usagePath('2026-07-27', '2026-08-16'));
    assert.equal(res.status, 200);
    assert.equal(res.body.next_cursor, null);
    const expected = sim.data.days.filter((d) => d.date >= '2026-07-27' && d.date <= '2026-08-16' && d.cost > 0);
    assert.deepEqual(res.body.days, expected);
    assert.ok(expected.length < 21, 'the August vacation and weekends leave gaps');
    assert.deepEqual(
      res.body.days.map((d) => d.date),
      [...res.body.days.map((d) => d.date)].sort(),
    );
    const day = await getJson<{ days: Record<string, unknown>[] }>(sim, usagePath('2026-11-25', '2026-11-25'));
    assert.deepEqual(Object.keys(day.body.days[0] ?? {}), ['date', 'cost', 'models']);
    const model = (day.body.days[0]?.models as Record<string, unknown>[] | undefined)?.[0] ?? {};
    assert.deepEqual(Object.keys(model), ['model', 'cost', 'requests', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens']);
  });

  void test('GET /v1/usage: today is included (partial), the future and the distant past are empty', async () => {
    const today = await getJson<UsagePage>(sim, usagePath('2026-11-27', '2027-01-31'));
    assert.deepEqual(today.body.days.map((d) => d.date), ['2026-11-27']);
    assert.equal(today.body.next_cursor, null);
    const future = await getJson<UsagePage>(sim, usagePath('2026-12-01', '2026-12-31'));
    assert.deepEqual(future.body, { days: [], next_cursor: null });
    const past = await getJson<UsagePage>(sim, usagePath('2020-01-01', '2020-01-02'));
    assert.deepEqual(past.body, { days: [], next_cursor: null });
  });

  void test('bad dates and bad cursors → 400 bad_request in the error shape', async () => {
    const bad = [
      '/v1/usage',
      '/v1/usage?from=2026-04-01',
      usagePath('2026-4-1', '2026-05-01'),
      usagePath('2026-04-01', '2026-02-30'),
      usagePath('2026-04-01', 'tomorrow'),
      usagePath('2026-05-02', '2026-05-01'),
      usagePath('2026-04-01', '2026-05-01', 'not-a-cursor'),
      usagePath('2026-04-01', '2026-05-01', Buffer.from('v1:2026-06-01').toString('base64url')),
    ];
    for (const path of bad) {
      const res = await getJson<ErrorBody>(sim, path);
      assert.equal(res.status, 400, path);
      assert.equal(res.body.error.code, 'bad_request', path);
      assert.equal(typeof res.body.error.message, 'string');
      assert.equal(res.headers.get('x-allowance-demo'), '1');
    }
  });

  void test('auth: a missing or wrong key → 401 invalid_key (and the key is never echoed)', async () => {
    for (const key of [null, 'wrong-key', '']) {
      for (const path of ['/v1/allowance', usagePath('2026-04-01', '2026-04-30')]) {
        const res = await get(sim, path, key);
        assert.equal(res.status, 401);
        assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
        assert.equal(res.headers.get('x-allowance-demo'), '1');
        const body = JSON.parse(res.text) as ErrorBody;
        assert.deepEqual(Object.keys(body), ['error']);
        assert.deepEqual(Object.keys(body.error), ['code', 'message']);
        assert.equal(body.error.code, 'invalid_key');
        assert.ok(!res.text.includes('tb-demo-key') && !(key && res.text.includes(key)));
      }
    }
    const basic = await fetch(`${sim.url}/v1/allowance`, { headers: { authorization: 'Basic dGItZGVtby1rZXk=' } });
    assert.equal(basic.status, 401);
    await basic.text();
  });

  void test('unknown path → 404 with code bad_request; a non-GET method → 405', async () => {
    const res = await getJson<ErrorBody>(sim, '/v2/allowance');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'bad_request');
    assert.equal(res.headers.get('x-allowance-demo'), '1');
    const del = await fetch(`${sim.url}/v1/allowance`, { method: 'DELETE', headers: { authorization: `Bearer ${sim.key}` } });
    assert.equal(del.status, 405);
    assert.equal(((await del.json()) as ErrorBody).error.code, 'bad_request');
  });

  void test('every request is logged with method, path, query, status and time', async () => {
    const before = sim.requests.length;
    await get(sim, usagePath('2026-05-01', '2026-05-03'));
    await get(sim, '/v1/allowance', 'nope');
    const [a, b] = sim.requests.slice(before) as [RequestLogEntry, RequestLogEntry];
    assert.deepEqual({ ...a, at: '' }, { method: 'GET', path: '/v1/usage', query: { from: '2026-05-01', to: '2026-05-03' }, status: 200, at: '' });
    assert.deepEqual({ ...b, at: '' }, { method: 'GET', path: '/v1/allowance', query: {}, status: 401, at: '' });
    assert.ok(!Number.isNaN(Date.parse(a.at)));
  });
});

void describe('simulator: paging', () => {
  let sim: Simulator;
  let small: Simulator;
  before(async () => {
    sim = await startSimulator({ history: { now: YEAR_END } });
    small = await startSimulator({ history: { now: YEAR_END }, pageSize: 7 });
  });
  after(async () => {
    await sim.close();
    await small.close();
  });

  void test('a full year in pages of at most 100 calendar days concatenates to the data', async () => {
    const from = '2026-04-01';
    const to = '2027-03-31';
    const pages = await followPages(sim, from, to);
    assert.equal(pages.length, Math.ceil((daysBetween(from, to) + 1) / 100));
    for (const page of pages) {
      assert.ok(page.days.length <= 100);
      const first = page.days[0]?.date;
      const last = page.days.at(-1)?.date;
      if (first && last) assert.ok(daysBetween(first, last) < 100, `${first}…${last}`);
    }
    const all = pages.flatMap((p) => p.days);
    assert.deepEqual(all, sim.data.days.filter((d) => d.date >= from && d.date <= to && d.cost > 0));
    assert.equal(pages.at(-1)?.next_cursor, null);
    const windows = sim.requests.filter((r) => r.path === '/v1/usage').slice(-pages.length);
    assert.deepEqual(windows.map((r) => r.query.from), Array<string>(pages.length).fill(from), 'the same from/to on every page');
    assert.equal(windows[0]?.query.cursor, undefined);
  });

  void test('a range wider than the history pages through empty windows to the end', async () => {
    const pages = await followPages(sim, '2025-06-01', '2027-06-30');
    assert.equal(pages.length, Math.ceil((daysBetween('2025-06-01', '2027-06-30') + 1) / 100));
    assert.ok(pages.some((p) => p.days.length === 0 && p.next_cursor !== null), 'an empty page can still have a next page');
    assert.deepEqual(pages.flatMap((p) => p.days), sim.data.days.filter((d) => d.cost > 0));
  });

  void test('a smaller page size pages by that many calendar days', async () => {
    const pages = await followPages(small, '2026-09-01', '2026-10-31');
    assert.equal(pages.length, Math.ceil(61 / 7));
    for (const page of pages) {
      const first = page.days[0]?.date;
      const last = page.days.at(-1)?.date;
      if (first && last) assert.ok(daysBetween(first, last) < 7);
    }
    assert.deepEqual(pages.flatMap((p) => p.days), small.data.days.filter((d) => d.date >= '2026-09-01' && d.date <= '2026-10-31' && d.cost > 0));
  });

  void test('pageSize outside 1–100 is refused', async () => {
    await assert.rejects(startSimulator({ pageSize: 101 }), RangeError);
    await assert.rejects(startSimulator({ pageSize: 0 }), RangeError);
  });
});

void describe('simulator: faults over real HTTP', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ history: { now: NOW } });
  });
  afterEach(() => sim.setFault(null));
  after(() => sim.close());

  void test('status: the error shape, Retry-After, and `times` then back to normal', async () => {
    sim.setFault({ kind: 'status', status: 503, retryAfter: 7, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await getJson<ErrorBody>(sim, '/v1/allowance');
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '7');
      assert.equal(res.body.error.code, 'internal');
      assert.equal(res.headers.get('x-allowance-demo'), '1');
    }
    assert.equal((await get(sim, '/v1/allowance')).status, 200);

    for (const [status, code] of [
      [403, 'forbidden'],
      [401, 'invalid_key'],
      [500, 'internal'],
      [400, 'bad_request'],
    ] as const) {
      sim.setFault({ kind: 'status', status, times: 1 });
      const res = await getJson<ErrorBody>(sim, '/v1/allowance');
      assert.equal(res.status, status);
      assert.equal(res.body.error.code, code);
      assert.equal(res.headers.get('retry-after'), null);
    }
    sim.setFault({ kind: 'status', status: 502, code: 'internal', times: 1 });
    assert.equal((await get(sim, '/v1/allowance')).status, 502);
  });

  void test('rate_limit: 429 + Retry-After + rate_limited', async () => {
    sim.setFault({ kind: 'rate_limit', retryAfter: 3 });
    const res = await getJson<ErrorBody>(sim, usagePath('2026-04-01', '2026-04-30'));
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '3');
    assert.deepEqual(res.body.error.code, 'rate_limited');
    assert.equal((await get(sim, '/v1/allowance')).status, 429, 'without `times` the fault stays');
  });

  void test('paths: a fault limited to /v1/usage leaves /v1/allowance alone', async () => {
    sim.setFault({ kind: 'status', status: 500, paths: ['/v1/usage'], times: 1 });
    assert.equal((await get(sim, '/v1/allowance')).status, 200);
    assert.equal((await get(sim, usagePath('2026-04-01', '2026-04-02'))).status, 500);
    assert.equal((await get(sim, usagePath('2026-04-01', '2026-04-02'))).status, 200);
  });

  void test('slow: the normal response after the delay', async () => {
    sim.setFault({ kind: 'slow', delayMs: 300, times: 1 });
    const t0 = performance.now();
    const res = await get(sim, '/v1/allowance');
    assert.ok(performance.now() - t0 >= 290);
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(res.text) as { spent: number }).spent, spentInPeriod(sim.data));
  });

  void test('malformed: 200 with a body that is not JSON', async () => {
    sim.setFault({ kind: 'malformed', times: 1 });
    const res = await get(sim, '/v1/allowance');
    assert.equal(res.status, 200);
    assert.throws(() => JSON.parse(res.text) as unknown, SyntaxError);
  });

  void test('truncated: 200, JSON content type, half of the real body', async () => {
    const whole = (await get(sim, usagePath('2026-04-01', '2026-06-30'))).text;
    sim.setFault({ kind: 'truncated', times: 1 });
    const res = await get(sim, usagePath('2026-04-01', '2026-06-30'));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.text, whole.slice(0, Math.floor(whole.length / 2)));
    assert.throws(() => JSON.parse(res.text) as unknown, SyntaxError);
  });

  void test('wrong_types: spent and a day’s cost arrive as strings', async () => {
    sim.setFault({ kind: 'wrong_types', times: 2 });
    const allowance = await getJson<{ spent: unknown }>(sim, '/v1/allowance');
    assert.equal(allowance.status, 200);
    assert.equal(typeof allowance.body.spent, 'string');
    const usage = await getJson<{ days: { cost: unknown }[] }>(sim, usagePath('2026-04-01', '2026-04-30'));
    assert.equal(typeof usage.body.days[0]?.cost, 'string');
    assert.equal(typeof usage.body.days[1]?.cost, 'number');
  });

  void test('drop: the socket is destroyed without a response', async () => {
    sim.setFault({ kind: 'drop', times: 1 });
    await assert.rejects(fetch(`${sim.url}/v1/allowance`, { headers: { authorization: `Bearer ${sim.key}` } }), TypeError);
    sim.setFault({ kind: 'drop', times: 1 });
    const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const req = httpRequest(`${sim.url}/v1/allowance`, { headers: { authorization: `Bearer ${sim.key}` } }, () => reject(new Error('got a response')));
      req.on('error', resolve);
      req.end();
    });
    assert.equal(error.code, 'ECONNRESET');
    assert.equal(sim.requests.at(-1)?.status, 0);
    assert.equal((await get(sim, '/v1/allowance')).status, 200);
  });

  void test('huge: exactly that many bytes of a JSON array', async () => {
    for (const bytes of [5_000_000, 5_000_001, 3, 2]) {
      sim.setFault({ kind: 'huge', bytes, times: 1 });
      const res = await get(sim, '/v1/allowance');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-length'), String(bytes));
      assert.equal(Buffer.byteLength(res.text), bytes);
      assert.ok(Array.isArray(JSON.parse(res.text)));
    }
  });

  void test('huge: a client that gives up mid-body does not hurt the server', async () => {
    sim.setFault({ kind: 'huge', bytes: 200_000_000, times: 1 });
    const controller = new AbortController();
    const res = await fetch(`${sim.url}/v1/allowance`, { headers: { authorization: `Bearer ${sim.key}` }, signal: controller.signal });
    const reader = res.body?.getReader();
    await reader?.read();
    controller.abort();
    assert.equal((await get(sim, '/v1/allowance')).status, 200);
  });

  void test('endless_paging: /v1/usage always has a next_cursor; /v1/allowance is untouched', async () => {
    sim.setFault({ kind: 'endless_paging' });
    const pages = await followPages(sim, '2026-11-01', '2026-11-27', 12);
    assert.equal(pages.length, 12);
    for (const page of pages) assert.equal(typeof page.next_cursor, 'string');
    assert.equal((await get(sim, '/v1/allowance')).status, 200);
  });

  void test('an invalid fault is refused', () => {
    assert.throws(() => sim.setFault({ kind: 'nope' } as never), TypeError);
    assert.throws(() => sim.setFault({ kind: 'rate_limit' } as never), TypeError);
    assert.throws(() => sim.setFault({ kind: 'slow', delayMs: 10, times: 0 }), TypeError);
  });
});

void describe('simulator: control API', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ history: { now: NOW, budgetAmount: null } });
  });
  after(() => sim.close());

  void test('POST /__control/fault, GET /__control/requests, POST /__control/reset', async () => {
    const set = await post(sim, '/__control/fault', { kind: 'rate_limit', retryAfter: 9, times: 1 });
    assert.equal(set.status, 200);
    assert.equal(set.headers.get('x-allowance-demo'), '1');
    const limited = await get(sim, '/v1/allowance');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '9');
    assert.equal((await get(sim, '/v1/allowance')).status, 200);

    const log = await getJson<RequestLogEntry[]>(sim, '/__control/requests', null);
    assert.deepEqual(
      log.body.map((r) => [r.path, r.status]),
      [
        ['/v1/allowance', 429],
        ['/v1/allowance', 200],
      ],
      'control requests are not logged',
    );

    await post(sim, '/__control/fault', { kind: 'status', status: 503 });
    assert.equal((await get(sim, '/v1/allowance')).status, 503);
    const reset = await post(sim, '/__control/reset', undefined);
    assert.equal(reset.status, 200);
    assert.equal((await get(sim, '/v1/allowance')).status, 200);
    assert.equal((await getJson<RequestLogEntry[]>(sim, '/__control/requests', null)).body.length, 1);

    await post(sim, '/__control/fault', { kind: 'status', status: 500 });
    assert.equal((await post(sim, '/__control/fault', null)).status, 200);
    assert.equal((await get(sim, '/v1/allowance')).status, 200);
  });

  void test('an invalid fault body → 400 bad_request; unknown control path → 404', async () => {
    const invalid = await post(sim, '/__control/fault', { kind: 'explode' });
    assert.equal(invalid.status, 400);
    assert.equal((JSON.parse(invalid.text) as ErrorBody).error.code, 'bad_request');
    const notJson = await fetch(`${sim.url}/__control/fault`, { method: 'POST', body: '{' });
    assert.equal(notJson.status, 400);
    await notJson.text();
    assert.equal((await get(sim, '/__control/nothing', null)).status, 404);
  });

  void test('GET /__control/data returns the data served; budget null is reported as null', async () => {
    const data = await getJson<SimData>(sim, '/__control/data', null);
    assert.deepEqual(data.body, sim.data);
    const allowance = await getJson<{ budget: unknown; spent: number }>(sim, '/v1/allowance');
    assert.equal(allowance.body.budget, null);
    assert.equal(allowance.body.spent, spentInPeriod(sim.data));
  });
});

void describe('simulator: spend before the period and a misreported spent', () => {
  void test('with history.historyStart, /v1/usage serves days before period_start; spent stays the period’s', async () => {
    const sim = await startSimulator({ history: { now: NOW, historyStart: '2026-01-01' } });
    try {
      const early = await getJson<UsagePage>(sim, usagePath('2026-01-01', '2026-03-31'));
      assert.ok(early.body.days.length > 50, `${early.body.days.length} days with spend in January–March`);
      assert.deepEqual(early.body.days, sim.data.days.filter((d) => d.date <= '2026-03-31' && d.cost > 0));
      const allowance = await getJson<{ spent: number; budget: { period_start: string } }>(sim, '/v1/allowance');
      assert.equal(allowance.body.budget.period_start, '2026-04-01');
      const inPeriod = Math.round(sim.data.days.filter((d) => d.date >= '2026-04-01').reduce((a, d) => a + d.cost, 0) * 100) / 100;
      assert.equal(allowance.body.spent, inPeriod, 'not the history’s whole spend');
    } finally {
      await sim.close();
    }
  });

  void test('misreportSpent adds to /v1/allowance spent only; setMisreportSpent changes it; never below 0', async () => {
    const sim = await startSimulator({ history: { now: NOW }, misreportSpent: 1234.5 });
    try {
      const truth = spentInPeriod(sim.data);
      const spent = async () => (await getJson<{ spent: number }>(sim, '/v1/allowance')).body.spent;
      assert.equal(await spent(), Math.round((truth + 1234.5) * 100) / 100);
      const pages = await followPages(sim, '2026-04-01', '2026-11-27');
      const rows = Math.round(pages.flatMap((p) => p.days).reduce((a, d) => a + d.cost, 0) * 100) / 100;
      assert.equal(rows, truth, '/v1/usage is untouched');
      sim.setMisreportSpent(-500);
      assert.equal(await spent(), Math.round((truth - 500) * 100) / 100);
      sim.setMisreportSpent(-1e12);
      assert.equal(await spent(), 0);
      sim.setMisreportSpent(0);
      assert.equal(await spent(), truth);
      assert.throws(() => sim.setMisreportSpent(Number.NaN), RangeError);
    } finally {
      await sim.close();
    }
    await assert.rejects(startSimulator({ misreportSpent: Number.POSITIVE_INFINITY }), RangeError);
  });
});

void describe('simulator: data sources', () => {
  void test('setData replaces what is served', async () => {
    const sim = await startSimulator({ history: { now: NOW } });
    try {
      const other = generateHistory({ now: NOW, seed: 99, user: 'bob@example.com', budgetAmount: 1000 });
      sim.setData(other);
      const res = await getJson<{ user: string; budget: { amount: number } }>(sim, '/v1/allowance');
      assert.equal(res.body.user, 'bob@example.com');
      assert.equal(res.body.budget.amount, 1000);
      assert.equal(sim.data, other);
    } finally {
      await sim.close();
    }
  });

  void test('given data is served as is; a custom key is required', async () => {
    const data = generateHistory({ now: NOW, budgetAmount: 5000, scale: 0.01 });
    const sim = await startSimulator({ data, key: 'k-123' });
    try {
      assert.equal((await get(sim, '/v1/allowance')).status, 200);
      assert.equal((await get(sim, '/v1/allowance', 'tb-demo-key')).status, 401);
      const res = await getJson<{ spent: number }>(sim, '/v1/allowance');
      assert.equal(res.body.spent, spentInPeriod(data));
    } finally {
      await sim.close();
    }
  });

  void test('live mode (no `now`): as_of follows the clock', async () => {
    const sim = await startSimulator({ history: { seed: 3 } });
    try {
      const t0 = Date.now();
      const res = await getJson<{ as_of: string }>(sim, '/v1/allowance');
      const asOf = Date.parse(res.body.as_of);
      assert.ok(Math.abs(asOf - t0) < 5000, res.body.as_of);
    } finally {
      await sim.close();
    }
  });

  void test('close() resolves with keep-alive connections and pending slow responses', async () => {
    const sim = await startSimulator({ history: { now: NOW } });
    await get(sim, '/v1/allowance');
    sim.setFault({ kind: 'slow', delayMs: 60_000 });
    const pending = fetch(`${sim.url}/v1/allowance`, { headers: { authorization: `Bearer ${sim.key}` } }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await sim.close();
    assert.ok(Date.now() - t0 < 2000);
    assert.ok((await pending) instanceof Error);
  });
});
