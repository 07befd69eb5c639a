import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { Ledger } from '../../../src/core/ledger';
import type { LedgerRow } from '../../../src/core/types';
import { HttpClient, SourceError } from '../../../src/sources/http';
import { durationSeconds, fetchLiteLLM, litellmAdapter, MAX_PAGES, PAGE_SIZE, periodLabel, UNATTRIBUTED, type LiteLLMFetchInput } from '../../../src/sources/litellm';
import { hashToken, startLiteLLMFake, type LiteLLMFake, type LiteLLMFakeData, type SpendRow } from '../../fakes/litellm';
import { fixtureBody } from '../../fixtures/load';

const TODAY = '2026-11-27';
const YEAR_START = '2026-01-01';
const SECRET = 'sk-alice-virtual-key-0123456789';
const http = new HttpClient({ retries: 1, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 2000 });

const MODELS = ['claude-sonnet-4-5', 'gpt-4o-mini', 'gemini-2.5-pro'];
const API_KEYS = ['hash-a', 'hash-b', 'hash-c'];

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** 301 days × 3 models × 3 keys = 2709 raw rows for alice (3 pages of 1000), plus some for bob. */
function history(): SpendRow[] {
  const rows: SpendRow[] = [];
  let i = 0;
  for (let day = '2026-01-31'; day <= TODAY; day = addDays(day, 1)) {
    for (const model of MODELS) {
      for (const api_key of API_KEYS) {
        i++;
        rows.push({ user_id: 'alice', date: day, api_key, model, spend: ((i * 37) % 100) / 1000 + 0.01, prompt_tokens: 1000 + (i % 7), completion_tokens: 200 + (i % 5), cache_read_input_tokens: i % 3, cache_creation_input_tokens: i % 2, api_requests: 1 + (i % 4) });
      }
    }
    rows.push({ user_id: 'bob', date: day, api_key: 'hash-bob', model: 'gpt-4o', spend: 5, prompt_tokens: 1, completion_tokens: 1, api_requests: 1 });
  }
  return rows;
}

function baseData(): LiteLLMFakeData {
  return {
    keys: [
      { secret: SECRET, user_id: 'alice', team_id: null, spend: 1234.5, key_alias: 'alice-laptop' },
      { secret: 'sk-bob-key-000000000000', user_id: 'bob', spend: 10 },
    ],
    users: [
      { user_id: 'alice', user_email: 'alice@example.com', spend: 312.25, max_budget: 500, budget_duration: '1mo', budget_reset_at: '2026-12-01T00:00:00+00:00' },
      { user_id: 'bob', spend: 10 },
    ],
    teams: [],
    spend: history(),
  };
}

let fake: LiteLLMFake;
let mark = 0;

before(async () => {
  fake = await startLiteLLMFake({ data: baseData() });
});
after(() => fake.close());
beforeEach(() => {
  fake.data = baseData();
  fake.shape = 'nested';
  fake.legacyMetadata = false;
  fake.ordering = 'stable';
  fake.aggregated = true;
  fake.userIdFilter = 'honoured';
  fake.clearServed();
  fake.setFault(null);
  mark = fake.requests.length;
});

const input = (overrides: Partial<LiteLLMFetchInput> = {}): LiteLLMFetchInput => ({
  http,
  baseUrl: new URL(fake.url),
  key: SECRET,
  yearStart: YEAR_START,
  today: TODAY,
  utcToday: TODAY,
  sync: {},
  ...overrides,
});

const since = () => fake.requests.slice(mark);
const activityQueries = () => since().filter((r) => r.path === '/user/daily/activity').map((r) => r.query);
const aggregatedQueries = () => since().filter((r) => r.path === '/user/daily/activity/aggregated').map((r) => r.query);
const DAILY_PATHS = ['/user/daily/activity', '/user/daily/activity/aggregated'];
const sum = (rows: readonly LedgerRow[], pick: (r: LedgerRow) => number = (r) => r.cost) => rows.reduce((s, r) => s + pick(r), 0);
const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);

function expectedFor(from: string, to: string, user = 'alice') {
  return fake.data.spend.filter((r) => r.user_id === user && r.date >= from && r.date <= to);
}

void describe('LiteLLM source over real HTTP', () => {
  void it('reads the whole year on the first run through several pages, with the own user_id and page_size=1000 (a proxy without /aggregated)', async () => {
    fake.aggregated = false;
    const result = await fetchLiteLLM(input());
    const queries = activityQueries().filter((q) => q['start_date'] === YEAR_START);
    assert.equal(queries.length, 3, '2709 raw rows take three pages of 1000');
    assert.deepEqual(
      queries.map((q) => q['page']),
      ['1', '2', '3'],
    );
    for (const q of queries) {
      assert.equal(q['user_id'], 'alice', 'the key’s own user_id is sent on every page');
      assert.equal(q['page_size'], String(PAGE_SIZE));
      assert.equal(q['start_date'], YEAR_START);
      assert.equal(q['end_date'], TODAY);
    }
    assert.equal(since().find((r) => r.path === '/user/info')?.query['user_id'], 'alice');
    assert.equal(result.days[0], YEAR_START);
    assert.equal(result.days.at(-1), TODAY);
    assert.equal(result.days.length, 331);
    const raw = expectedFor(YEAR_START, TODAY);
    near(sum(result.rows), sum(raw.map((r) => ({ cost: r.spend }) as LedgerRow)), 'all of alice’s spend, none of bob’s');
    // Days split over two pages are summed, not replaced: every day and model adds up.
    for (const day of ['2026-02-10', '2026-05-01', TODAY]) {
      for (const model of MODELS) {
        const got = result.rows.filter((r) => r.date === day && r.model === model);
        assert.equal(got.length, 1, `${day} ${model}: one row`);
        const want = raw.filter((r) => r.date === day && r.model === model);
        near(got[0]?.cost ?? NaN, want.reduce((s, r) => s + r.spend, 0), `${day} ${model} cost`);
        // prompt_tokens hold the cache tokens: the row's input is the uncached rest
        assert.equal(got[0]?.inputTokens, want.reduce((s, r) => s + (r.prompt_tokens ?? 0) - (r.cache_read_input_tokens ?? 0) - (r.cache_creation_input_tokens ?? 0), 0));
        assert.equal(got[0]?.outputTokens, want.reduce((s, r) => s + (r.completion_tokens ?? 0), 0));
        assert.equal(got[0]?.cacheReadTokens, want.reduce((s, r) => s + (r.cache_read_input_tokens ?? 0), 0));
        assert.equal(got[0]?.cacheWriteTokens, want.reduce((s, r) => s + (r.cache_creation_input_tokens ?? 0), 0));
        assert.equal(got[0]?.requests, want.reduce((s, r) => s + (r.api_requests ?? 0), 0));
      }
    }
    assert.ok(!result.rows.some((r) => r.model === UNATTRIBUTED), 'fully attributed days have no remainder row');
    assert.deepEqual(result.sync, { coverage: { from: YEAR_START, to: TODAY }, userId: 'alice' });
    assert.equal(result.user, 'alice@example.com');
    // /key/info, /user/info, /aggregated (404), three pages, and the two days cut by a page boundary
    // (1000 rows = 111 days of 9 rows and one more) read alone
    assert.deepEqual(
      activityQueries().filter((q) => q['start_date'] !== YEAR_START).map((q) => [q['start_date'], q['end_date']]),
      [
        ['2026-08-08', '2026-08-08'],
        ['2026-04-19', '2026-04-19'],
      ],
    );
    assert.equal(result.requests, 3 + 3 + 2);
  });

  void it('fetches only yesterday and today the next time, and the refetched days replace', async () => {
    const first = await fetchLiteLLM(input());
    const ledger = new Ledger();
    ledger.replaceDays('litellm', first.days, first.rows);
    const before = ledger.dailyTotals(YEAR_START, '2027-01-01').get('2026-11-26');
    mark = fake.requests.length;
    const second = await fetchLiteLLM(input({ sync: first.sync }));
    assert.deepEqual(
      aggregatedQueries().map((q) => [q['start_date'], q['end_date']])[0],
      ['2026-11-26', TODAY],
    );
    assert.deepEqual(second.days, ['2026-11-26', TODAY]);
    ledger.replaceDays('litellm', second.days, second.rows);
    assert.equal(ledger.dailyTotals(YEAR_START, '2027-01-01').get('2026-11-26'), before, 'replaced, not added');
  });

  void it('starts over when the key now belongs to another user', async () => {
    await fetchLiteLLM(input({ key: 'sk-bob-key-000000000000', sync: { coverage: { from: YEAR_START, to: TODAY }, userId: 'alice' } }));
    const queries = aggregatedQueries();
    assert.equal(queries[0]?.['start_date'], YEAR_START, 'the whole year again');
    assert.ok(queries.every((q) => q['user_id'] === 'bob'));
  });

  void it('returns the listed days empty when there is no spend', async () => {
    fake.data.spend = [];
    for (const k of fake.data.keys) k.spend = 0;
    for (const u of fake.data.users) u.spend = 0;
    const result = await fetchLiteLLM(input());
    assert.equal(result.rows.length, 0);
    assert.equal(result.days.length, 331, 'every day is listed, so stale rows are cleared');
    assert.equal(aggregatedQueries()[0]?.['start_date'], YEAR_START);
  });

  void it('reads the older flattened breakdown and metadata without paging fields', async () => {
    fake.aggregated = false;
    fake.shape = 'flat';
    fake.legacyMetadata = true;
    fake.data.spend = [
      { user_id: 'alice', date: '2026-11-20', api_key: 'k', model: 'gpt-4o-mini', spend: 1.095e-5, prompt_tokens: 37, completion_tokens: 9, api_requests: 1 },
      { user_id: 'alice', date: '2026-11-20', api_key: 'k', model: 'claude-sonnet-4-5', spend: 0.0176, prompt_tokens: 74, completion_tokens: 1702, api_requests: 10 },
    ];
    const result = await fetchLiteLLM(input());
    assert.equal(activityQueries().length, 1, 'no has_more: one page');
    const rows = result.rows.filter((r) => r.date === '2026-11-20');
    assert.deepEqual(
      rows.map((r) => [r.model, r.inputTokens, r.outputTokens, r.requests]),
      [
        ['claude-sonnet-4-5', 74, 1702, 10],
        ['gpt-4o-mini', 37, 9, 1],
      ],
    );
    near(sum(rows), 0.01761095, 'day total');
  });

  void it('keeps spend the models do not explain as "(unattributed)", and a day without models whole', async () => {
    fake.data.spend = [
      { user_id: 'alice', date: '2026-11-24', api_key: 'k', model: null, spend: 0.5, prompt_tokens: 10, api_requests: 2 },
      { user_id: 'alice', date: '2026-11-25', api_key: 'k', model: 'gpt-4o', spend: 1, prompt_tokens: 100, api_requests: 1 },
      { user_id: 'alice', date: '2026-11-25', api_key: 'k', model: null, spend: 0.25, api_requests: 1 },
    ];
    const result = await fetchLiteLLM(input());
    const byDay = (d: string) => result.rows.filter((r) => r.date === d).map((r) => [r.model, r.cost, r.inputTokens, r.requests]);
    assert.deepEqual(byDay('2026-11-24'), [[UNATTRIBUTED, 0.5, 10, 2]]);
    assert.deepEqual(byDay('2026-11-25'), [
      ['gpt-4o', 1, 100, 1],
      [UNATTRIBUTED, 0.25, 0, 1],
    ]);
  });

  void it('accepts unknown and absent fields', async () => {
    fake.data.keys[0] = { secret: SECRET, user_id: 'alice', extra: { some_new_column: { nested: true }, spend: null, max_budget: undefined } };
    fake.data.users[0] = { user_id: 'alice' };
    const result = await fetchLiteLLM(input());
    assert.ok(result.rows.length > 0);
    assert.deepEqual(result.limits, []);
    assert.equal(result.user, 'alice');
  });

  void it('still works when /user/info answers 404 (a user not in the user table)', async () => {
    fake.data.users = [];
    const result = await fetchLiteLLM(input());
    assert.equal(result.user, 'alice');
    assert.ok(result.rows.length > 0);
    assert.deepEqual(result.limits, []);
    // Without /user/info neither the role nor the user's keys are known: the keys in the rows
    // (hash-a, hash-b, hash-c) cannot be proven alice's, and the source says so.
    assert.match(result.note ?? '', /may not be only alice's spend: the daily history names 3 keys/);
    assert.equal(result.totals, undefined);
  });

  void it('still works when /user/info is refused (403) for this role', async () => {
    fake.setFault({ kind: 'status', status: 403, paths: ['/user/info'], message: 'Only admins can view other users', type: 'auth_error' });
    const result = await fetchLiteLLM(input());
    assert.ok(result.rows.length > 0);
    assert.deepEqual(result.limits, []);
  });
});

void describe('LiteLLM budgets', () => {
  void it('shows a monthly user budget as "this month" with its reset', async () => {
    const result = await fetchLiteLLM(input());
    assert.deepEqual(result.limits, [{ label: 'this month', spent: 312.25, limit: 500, resetsAt: '2026-12-01T00:00:00.000Z' }]);
    assert.equal(result.budget, undefined, 'never the gateway budget field');
  });

  void it('lets the team budget govern a team key, not the user’s personal budget', async () => {
    fake.data.keys[0] = { secret: SECRET, user_id: 'alice', team_id: 'team-ml', spend: 40 };
    fake.data.teams = [{ team_id: 'team-ml', team_alias: 'ML', spend: 1800.5, max_budget: 2000, budget_duration: '30d', budget_reset_at: '2026-12-01T00:00:00Z', members: ['alice'] }];
    const result = await fetchLiteLLM(input());
    assert.equal(since().find((r) => r.path === '/team/info')?.query['team_id'], 'team-ml');
    assert.deepEqual(result.limits, [{ label: 'this month', spent: 1800.5, limit: 2000, resetsAt: '2026-12-01T00:00:00.000Z' }]);
  });

  void it('names each entity when the key, its team and a team-member budget all apply', async () => {
    fake.data.keys[0] = { secret: SECRET, user_id: 'alice', team_id: 'team-ml', spend: 40, max_budget: 100, budget_duration: '7d', budget_reset_at: '2026-11-30T00:00:00+00:00' };
    fake.data.teams = [
      {
        team_id: 'team-ml',
        spend: 1800.5,
        max_budget: 25000,
        budget_duration: null,
        members: ['alice'],
        memberships: [{ user_id: 'alice', spend: 75, litellm_budget_table: { max_budget: 300, budget_duration: '1d', budget_reset_at: '2026-11-28T00:00:00' } }],
      },
    ];
    const result = await fetchLiteLLM(input());
    assert.deepEqual(result.limits, [
      { label: 'LiteLLM budget (team)', spent: 1800.5, limit: 25000 },
      { label: 'this week (key)', spent: 40, limit: 100, resetsAt: '2026-11-30T00:00:00.000Z' },
      { label: 'today (team member)', spent: 75, limit: 300, resetsAt: '2026-11-28T00:00:00.000Z' },
    ]);
  });

  void it('reads a key budget from its budget table, and an annual one as "LiteLLM budget"', async () => {
    fake.data.users[0] = { user_id: 'alice', spend: 5 };
    fake.data.keys[0] = { secret: SECRET, user_id: 'alice', spend: 48213.55, litellm_budget_table: { max_budget: 250000, budget_duration: '365d', budget_reset_at: '2027-04-01T00:00:00Z' } };
    const result = await fetchLiteLLM(input());
    assert.deepEqual(result.limits, [{ label: 'LiteLLM budget', spent: 48213.55, limit: 250000, resetsAt: '2027-04-01T00:00:00.000Z' }]);
  });

  void it('falls back to the team row of /user/info when /team/info is refused', async () => {
    fake.data.keys[0] = { secret: SECRET, user_id: 'alice', team_id: 'team-ml' };
    // alice is a member (so /user/info lists the team) but not per members_with_roles of /team/info: make it refuse.
    fake.data.teams = [{ team_id: 'team-ml', spend: 90, max_budget: 100, budget_duration: '1mo', budget_reset_at: '2026-12-01T00:00:00Z', members: ['alice'] }];
    fake.setFault({ kind: 'status', status: 403, paths: ['/team/info'], message: "{'error': 'User=alice not authorized to access this team=team-ml'}", type: 'auth_error' });
    const result = await fetchLiteLLM(input());
    assert.deepEqual(result.limits, [{ label: 'this month', spent: 90, limit: 100, resetsAt: '2026-12-01T00:00:00.000Z' }]);
  });

  void it('says so when the team budget cannot be read at all', async () => {
    fake.data.keys[0] = { secret: SECRET, user_id: 'alice', team_id: 'team-gone' };
    const result = await fetchLiteLLM(input());
    assert.match(result.note ?? '', /team team-gone.*not shown/);
    assert.deepEqual(result.limits, [], 'the user budget does not stand in for the team’s');
  });

  void it('labels periods', () => {
    assert.equal(periodLabel('1mo'), 'this month');
    assert.equal(periodLabel('30d'), 'this month');
    assert.equal(periodLabel('7d'), 'this week');
    assert.equal(periodLabel('1d'), 'today');
    assert.equal(periodLabel('24h'), 'today');
    assert.equal(periodLabel('2h'), 'every 2h');
    assert.equal(periodLabel('90d'), 'every 90d');
    assert.equal(periodLabel('365d'), null);
    assert.equal(periodLabel('1y'), null);
    assert.equal(periodLabel('12mo'), null);
    assert.equal(periodLabel(null), null);
    assert.equal(periodLabel('fortnightly'), 'every fortnightly');
    assert.equal(durationSeconds('30s'), 30);
    assert.equal(durationSeconds('12mo'), 365 * 86_400);
    assert.equal(durationSeconds('soon'), undefined);
  });
});

void describe('LiteLLM errors', () => {
  const rejects = (promise: Promise<unknown>, check: (e: SourceError) => void) =>
    assert.rejects(promise, (e: unknown) => {
      assert.ok(e instanceof SourceError, `a SourceError, got ${String(e)}`);
      check(e);
      return true;
    });

  void it('explains a key without user_id before asking for anyone’s history', async () => {
    fake.data.keys[0] = { secret: SECRET, user_id: null, team_id: 'team-ml' };
    await rejects(fetchLiteLLM(input()), (e) => {
      assert.equal(e.kind, 'config');
      assert.match(e.message, /no user_id/);
    });
    assert.equal(activityQueries().length, 0);
    assert.equal(since().filter((r) => r.path === '/user/info').length, 0, 'never /user/info without user_id (an admin would get everyone)');
  });

  void it('names a rejected key (401, LiteLLM envelope) and how to set it, never the key', async () => {
    await rejects(fetchLiteLLM(input({ key: 'sk-wrong-key-9999999999' })), (e) => {
      assert.equal(e.kind, 'auth');
      assert.match(e.message, /HTTP 401: "Authentication Error, Invalid proxy server token passed/);
      assert.match(e.message, /LITELLM_API_KEY/);
      assert.match(e.message, /Set API Key/);
      assert.doesNotMatch(e.message, /sk-wrong-key-9999999999/);
    });
  });

  for (const [shape, body] of [
    ['FastAPI detail', { detail: { error: 'Non-admin users can only view their own spend data.' } }],
    ['proxy envelope', { error: { message: 'Non-admin users can only view their own spend data.', type: 'auth_error', param: 'None', code: '403' } }],
  ] as const) {
    void it(`says the user_id is wrong or missing on the non-admin 403 (${shape})`, async () => {
      fake.setFault({ kind: 'status', status: 403, paths: DAILY_PATHS, body });
      await rejects(fetchLiteLLM(input()), (e) => {
        assert.equal(e.kind, 'auth');
        assert.match(e.message, /user_id "alice"/);
        assert.match(e.message, /wrong or missing/);
        assert.match(e.message, /Non-admin users can only view their own spend data/);
      });
    });
  }

  void it('tells a key the proxy does not know (404 "Key not found") from a wrong URL (404 Not Found)', async () => {
    fake.setFault({ kind: 'status', status: 404, paths: ['/key/info'], message: 'Key not found in database', type: 'not_found' });
    await rejects(fetchLiteLLM(input()), (e) => {
      assert.equal(e.kind, 'auth');
      assert.match(e.message, /does not know this key/);
      assert.match(e.message, /LITELLM_API_KEY/);
    });
    await rejects(fetchLiteLLM(input({ baseUrl: new URL(`${fake.url}/not-the-proxy`) })), (e) => {
      assert.equal(e.kind, 'not_found');
      assert.match(e.message, /Check the URL/);
    });
  });

  void it('does not call an exceeded budget a key problem (400 budget_exceeded)', async () => {
    fake.setFault({ kind: 'status', status: 400, message: 'Budget has been exceeded! Current cost: 10.51, Max budget: 10.00', type: 'budget_exceeded', code: 400 });
    await rejects(fetchLiteLLM(input()), (e) => {
      assert.equal(e.kind, 'bad_request');
      assert.match(e.message, /budget is exceeded/);
      assert.match(e.message, /Current cost: 10\.51/);
      assert.doesNotMatch(e.message, /key was rejected/);
    });
  });

  void it('reports a long 429 with the time to wait, and retries a short one', async () => {
    fake.setFault({ kind: 'status', status: 429, retryAfter: 3600, message: 'Rate limit reached', type: 'rate_limit_error' });
    const t0 = Date.now();
    await rejects(fetchLiteLLM(input()), (e) => {
      assert.equal(e.kind, 'rate_limited');
      const wait = (e.details.retryAt?.getTime() ?? 0) - t0;
      assert.ok(wait > 3500_000 && wait < 3700_000, `retryAt about an hour away, got ${wait} ms`);
      assert.match(e.message, /Rate limit reached/);
    });
    fake.setFault({ kind: 'status', status: 429, retryAfter: 0, times: 1, paths: DAILY_PATHS });
    mark = fake.requests.length;
    const result = await fetchLiteLLM(input());
    assert.ok(result.rows.length > 0);
    assert.deepEqual(
      since()
        .filter((r) => r.path === '/user/daily/activity/aggregated')
        .map((r) => r.status)
        .slice(0, 2),
      [429, 200],
    );
  });

  void it('retries a 5xx once and reports a persistent one', async () => {
    fake.setFault({ kind: 'status', status: 500, times: 1, paths: ['/key/info'] });
    const ok = await fetchLiteLLM(input());
    assert.ok(ok.rows.length > 0);
    fake.setFault({ kind: 'status', status: 503, paths: DAILY_PATHS, message: 'Failed to fetch analytics: db down' });
    await rejects(fetchLiteLLM(input()), (e) => {
      assert.equal(e.kind, 'server');
      assert.match(e.message, /HTTP 503: "Failed to fetch analytics: db down"/);
    });
  });

  void it('says what is wrong with malformed JSON and wrong field types', async () => {
    fake.setFault({ kind: 'malformed', paths: ['/key/info'] });
    await rejects(fetchLiteLLM(input()), (e) => {
      assert.equal(e.kind, 'unexpected');
      assert.match(e.message, /not JSON/);
    });
    fake.setFault({ kind: 'truncated', paths: DAILY_PATHS });
    await rejects(fetchLiteLLM(input()), (e) => assert.match(e.message, /not JSON/));
    fake.setFault({ kind: 'wrong_types', paths: ['/key/info'] });
    await rejects(fetchLiteLLM(input()), (e) => {
      assert.equal(e.kind, 'unexpected');
      assert.match(e.message, /info\.spend: expected number, got "1234\.5"/);
    });
    fake.setFault({ kind: 'wrong_types', paths: DAILY_PATHS });
    await rejects(fetchLiteLLM(input()), (e) => {
      assert.equal(e.kind, 'unexpected');
      assert.match(e.message, /results\.0\.metrics\.spend: expected number/);
    });
  });

  void it('stops a proxy that never stops paging', async () => {
    fake.aggregated = false;
    fake.data.spend = fake.data.spend.slice(0, 5);
    fake.setFault({ kind: 'endless_paging', paths: ['/user/daily/activity'] });
    await rejects(fetchLiteLLM(input()), (e) => {
      assert.equal(e.kind, 'unexpected');
      assert.match(e.message, /kept paging past 200 pages/);
    });
    assert.equal(activityQueries().length, MAX_PAGES);
  });
});

void describe('litellmAdapter', () => {
  const config = (url: string) => readConfig((k) => ({ 'sources.litellm.url': url })[k]);

  void it('is on when a URL is set, and its identity is the URL', () => {
    assert.equal(litellmAdapter.id, 'litellm');
    assert.equal(litellmAdapter.needsKey, true);
    assert.equal(litellmAdapter.isEnabled(config('')), false);
    assert.equal(litellmAdapter.isEnabled(config('https://llm.example.com/')), true);
    assert.equal(litellmAdapter.identity(config('https://llm.example.com/')), 'https://llm.example.com');
  });

  void it('fetches through the context, ignoring a sync state it does not recognise', async () => {
    const outcome = await litellmAdapter.fetch({ config: config(fake.url), http, key: SECRET, today: TODAY, utcToday: TODAY, yearStart: YEAR_START, sync: { coverage: 'garbage' } });
    assert.equal(outcome.days[0], YEAR_START);
    assert.ok((outcome.limits ?? []).length === 1);
  });

  void it('asks for a key, and refuses plain http to another host', async () => {
    const context = { http, today: TODAY, utcToday: TODAY, yearStart: YEAR_START, sync: undefined };
    await assert.rejects(litellmAdapter.fetch({ ...context, config: config(fake.url), key: undefined }), (e: SourceError) => e.kind === 'auth' && /LITELLM_API_KEY/.test(e.message));
    await assert.rejects(litellmAdapter.fetch({ ...context, config: config('http://llm.example.com'), key: SECRET }), (e: SourceError) => e.kind === 'insecure_url');
  });
});

// ---------------------------------------------------------------------------------------------
// Against the real proxy's behaviour (test/fixtures/litellm/README.md names each upstream reference)

const MY_HASH = hashToken(SECRET);
const rejectsWith = (promise: Promise<unknown>, check: (e: SourceError) => void) =>
  assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof SourceError, `a SourceError, got ${String(e)}`);
    check(e);
    return true;
  });

void describe('LiteLLM daily history: aggregated first, paging made safe', () => {
  void it('reads the range in one /user/daily/activity/aggregated request, with user_id and no paging or timezone', async () => {
    const result = await fetchLiteLLM(input());
    const aggregated = since().filter((r) => r.path === '/user/daily/activity/aggregated');
    assert.ok(aggregated.length >= 1, 'the aggregated endpoint is used');
    const history = aggregated[0]?.query ?? {};
    assert.equal(history['start_date'], YEAR_START);
    assert.equal(history['end_date'], TODAY);
    assert.equal(history['user_id'], 'alice');
    assert.equal(history['page'], undefined);
    assert.equal(history['timezone'], undefined, 'rows are UTC days: no timezone is sent');
    assert.equal(activityQueries().length, 0, 'no paged request');
    near(sum(result.rows), expectedFor(YEAR_START, TODAY).reduce((s, r) => s + r.spend, 0), 'all of alice’s spend');
  });

  void it('falls back to paging on a proxy without /aggregated (404) and stays exact under the old date-only ordering (issue #30164)', async () => {
    fake.aggregated = false;
    fake.ordering = 'date-only';
    const result = await fetchLiteLLM(input());
    const raw = expectedFor(YEAR_START, TODAY);
    for (const day of ['2026-02-10', '2026-05-01', '2026-05-19', '2026-09-05', TODAY]) {
      for (const model of MODELS) {
        const got = result.rows.filter((r) => r.date === day && r.model === model);
        near(sum(got), raw.filter((r) => r.date === day && r.model === model).reduce((s, r) => s + r.spend, 0), `${day} ${model}`);
      }
    }
    near(sum(result.rows), raw.reduce((s, r) => s + r.spend, 0), 'the year, neither skipped nor repeated rows');
  });

  void it('re-reads alone a day cut by a page boundary, so a repeated row is not counted twice (fixtures)', async () => {
    fake.aggregated = false;
    fake.serve('/user/daily/activity', 'daily-activity-paged-p1', 'daily-activity-paged-p2-unstable', 'daily-activity-paged-day-2026-11-25');
    const result = await fetchLiteLLM(input());
    const day = result.rows.filter((r) => r.date === '2026-11-25').map((r) => [r.model, r.cost]);
    assert.deepEqual(day, [
      ['claude-sonnet-4-5', 1.1],
      ['gpt-4o-mini', 0.2],
    ]);
    const reread = activityQueries().at(-1);
    assert.equal(reread?.['start_date'], '2026-11-25');
    assert.equal(reread?.['end_date'], '2026-11-25');
    near(sum(result.rows.filter((r) => r.date === '2026-11-26' || r.date === '2026-11-24')), 1.2, 'the uncut days as served');
  });

  void it('counts input tokens without the cache reads and writes already inside prompt_tokens (Anthropic through LiteLLM)', async () => {
    fake.serve('/user/daily/activity/aggregated', 'daily-activity-anthropic-cache');
    const result = await fetchLiteLLM(input());
    const row = result.rows.find((r) => r.date === '2026-11-20');
    assert.deepEqual(
      row && [row.inputTokens, row.cacheReadTokens, row.cacheWriteTokens, row.outputTokens],
      [5000, 120000, 25000, 2000],
    );
    assert.equal(row && row.inputTokens + row.cacheReadTokens + row.cacheWriteTokens, 150000, 'prompt_tokens once');
  });

  void it('tolerates a date with a time part, where the day is clear', async () => {
    const body = fixtureBody<{ results: { date: string }[] }>('litellm', 'daily-activity-aggregated');
    for (const r of body.results) r.date = `${r.date}T00:00:00`;
    fake.serve('/user/daily/activity/aggregated', { status: 200, body });
    const result = await fetchLiteLLM(input());
    assert.deepEqual([...new Set(result.rows.map((r) => r.date))], ['2026-11-25', '2026-11-26']);
  });

  void it('tolerates a missing breakdown and metadata: the day’s metrics stand as unattributed', async () => {
    fake.serve('/user/daily/activity/aggregated', { status: 200, body: { results: [{ date: '2026-11-26', metrics: { spend: 2.5, prompt_tokens: 10 } }] } });
    const result = await fetchLiteLLM(input());
    assert.deepEqual(
      result.rows.map((r) => [r.date, r.model, r.cost, r.inputTokens]),
      [['2026-11-26', UNATTRIBUTED, 2.5, 10]],
    );
  });

  void it('fails loudly on a negative spend, naming the field and the value', async () => {
    const body = fixtureBody<{ results: { metrics: { spend: number } }[] }>('litellm', 'daily-activity-aggregated');
    const first = body.results[0];
    if (first) first.metrics.spend = -2.5;
    fake.serve('/user/daily/activity/aggregated', { status: 200, body });
    await rejectsWith(fetchLiteLLM(input()), (e) => {
      assert.equal(e.kind, 'unexpected');
      assert.match(e.message, /results\.0\.metrics\.spend/);
      assert.match(e.message, /-2\.5/);
    });
  });

  void it('fails loudly when the aggregated endpoint says more pages follow', async () => {
    const body = fixtureBody<{ metadata: Record<string, unknown> }>('litellm', 'daily-activity-aggregated');
    body.metadata['has_more'] = true;
    body.metadata['total_pages'] = 2;
    fake.serve('/user/daily/activity/aggregated', { status: 200, body });
    await rejectsWith(fetchLiteLLM(input()), (e) => assert.match(e.message, /has_more/));
  });
});

void describe('LiteLLM: whose history it is', () => {
  void it('refuses to show every user’s spend as mine: an admin key on a proxy that ignores user_id', async () => {
    fake.data.keys[0] = { secret: SECRET, user_id: 'alice', role: 'proxy_admin', spend: 1234.5 };
    fake.userIdFilter = 'ignored';
    await rejectsWith(fetchLiteLLM(input()), (e) => {
      assert.equal(e.kind, 'config');
      assert.match(e.message, /not only alice's/);
      assert.match(e.message, /user_id/);
      assert.match(e.message, /upgrade|key of your own/i);
    });
  });

  void it('refuses the same from the fixture: other users’ keys in breakdown.api_keys', async () => {
    fake.data.keys[0] = { secret: SECRET, user_id: 'alice', role: 'proxy_admin', spend: 1234.5 };
    fake.serve('/user/daily/activity/aggregated', 'daily-activity-old-proxy-all-users');
    await rejectsWith(fetchLiteLLM(input()), (e) => assert.match(e.message, /2 other keys/));
  });

  void it('trusts a non-admin key on such a proxy: it is held to its own user_id', async () => {
    fake.userIdFilter = 'ignored';
    const result = await fetchLiteLLM(input());
    near(sum(result.rows), expectedFor(YEAR_START, TODAY).reduce((s, r) => s + r.spend, 0), 'alice only');
  });

  void it('says so when the proxy returns nothing for user_id while the counters say spent (issue #42460)', async () => {
    fake.userIdFilter = 'empty';
    await rejectsWith(fetchLiteLLM(input()), (e) => {
      assert.match(e.message, /#42460/);
      assert.match(e.message, /\$1234\.50/);
    });
  });
});

void describe('LiteLLM totals to reconcile', () => {
  const ownRows = (): SpendRow[] =>
    history()
      .filter((r) => r.user_id === 'alice')
      .map((r) => ({ ...r, api_key: MY_HASH }));

  void it('reports the key’s lifetime counter from created_at and the user’s counter since its last reset, with the service’s own days', async () => {
    fake.data.spend = ownRows();
    fake.data.keys[0] = { secret: SECRET, user_id: 'alice', spend: 999.99, created_at: '2026-03-02T08:15:00.000000Z' };
    const result = await fetchLiteLLM(input());
    const totals = result.totals ?? [];
    const key = totals.find((t) => /key/.test(t.what));
    assert.ok(key, 'the key’s counter');
    assert.deepEqual([key.from, key.to, key.total, key.partialFirstDay ?? false], ['2026-03-02', TODAY, 999.99, false]);
    near(key.daily?.['2026-05-01'] ?? NaN, fake.data.spend.filter((r) => r.date === '2026-05-01').reduce((s, r) => s + r.spend, 0), 'the service’s figure for a day');
    const user = totals.find((t) => /user/.test(t.what));
    assert.ok(user, 'the user’s counter');
    // 1mo, next reset 2026-12-01: the last one was 2026-11-01.
    assert.deepEqual([user.from, user.to, user.total, user.partialFirstDay], ['2026-11-01', TODAY, 312.25, true]);
  });

  void it('takes the last reset of a key budget as budget_reset_at minus budget_duration', async () => {
    fake.data.spend = ownRows();
    fake.data.keys[0] = { secret: SECRET, user_id: 'alice', spend: 40, max_budget: 100, budget_duration: '7d', budget_reset_at: '2026-11-30T00:00:00+00:00' };
    const result = await fetchLiteLLM(input());
    const key = result.totals?.find((t) => /key/.test(t.what));
    assert.deepEqual(key && [key.from, key.total, key.partialFirstDay], ['2026-11-23', 40, true]);
  });

  void it('reports a counter whose span began before the budget year less the service’s own rows before it', async () => {
    fake.data.spend = [...ownRows(), { user_id: 'alice', date: '2025-12-15', api_key: MY_HASH, model: 'gpt-4o', spend: 100 }];
    fake.data.keys[0] = { secret: SECRET, user_id: 'alice', spend: 1100, created_at: '2025-10-01T00:00:00Z' };
    const result = await fetchLiteLLM(input());
    const key = result.totals?.find((t) => /key/.test(t.what));
    assert.ok(key);
    assert.deepEqual([key.from, key.to, key.total], [YEAR_START, TODAY, 1000]);
    assert.match(key.what, /before 2026-01-01/);
  });

  void it('leaves out the key’s counter when another key of the user spent in its span', async () => {
    // history(): alice spends through hash-a, hash-b and hash-c, none of them this key
    const result = await fetchLiteLLM(input());
    assert.equal(result.totals?.some((t) => /key/.test(t.what)), false);
    assert.equal(result.totals?.some((t) => /user/.test(t.what)), true);
  });

  void it('reports no user total when the history is not provably the user’s (no /user/info)', async () => {
    fake.data.users = [];
    fake.data.spend = ownRows();
    const result = await fetchLiteLLM(input());
    assert.equal(result.totals?.some((t) => /user/.test(t.what)), false);
  });
});

void describe('LiteLLM budget periods (duration_parser.py)', () => {
  void it('calls only 30d and 1mo "this month": 31d resets every 31 days', () => {
    assert.equal(periodLabel('31d'), 'every 31d');
    assert.equal(periodLabel('30d'), 'this month');
    assert.equal(periodLabel('1mo'), 'this month');
  });
});
