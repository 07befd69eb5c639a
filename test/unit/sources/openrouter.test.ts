import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { Ledger } from '../../../src/core/ledger';
import type { LedgerRow } from '../../../src/core/types';
import { HttpClient, SourceError } from '../../../src/sources/http';
import type { FetchContext } from '../../../src/sources/types';
import {
  ALL_MODELS,
  beforeTrackingLabel,
  fetchOpenRouter,
  gapLabel,
  nextReset,
  openrouterAdapter,
  RETAINED_DAYS,
  type OpenRouterFetchResult,
  type OpenRouterSync,
} from '../../../src/sources/openrouter';
import { fixture, fixtureBody } from '../../fixtures/load';
import { DOCUMENTED_ACTIVITY_ENTRY, DOCUMENTED_KEY_DATA, MANAGEMENT_KEY_DATA, startOpenRouterFake, type OpenRouterFake } from '../../fakes/openrouter';

const KEY = 'sk-or-v1-alice-0123456789abcdef';
const http = new HttpClient({ retries: 1, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 2000 });
let fake: OpenRouterFake;

before(async () => {
  fake = await startOpenRouterFake({ key: KEY });
});
after(() => fake.close());
beforeEach(() => {
  fake.key = KEY;
  fake.keyData = { ...DOCUMENTED_KEY_DATA };
  fake.activity = [];
  fake.rawActivity = false;
  fake.setFault(null);
});

/** A normal key's `/key` data with these lifetime / window numbers (byok 0, no limit unless given). */
function keyData(usage: number, daily: number | null, weekly: number | null, monthly: number | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    byok_usage: 0,
    byok_usage_daily: 0,
    byok_usage_weekly: 0,
    byok_usage_monthly: 0,
    include_byok_in_limit: false,
    is_free_tier: false,
    is_management_key: false,
    is_provisioning_key: false,
    label: 'sk-or-v1-ali...def',
    limit: null,
    limit_remaining: null,
    limit_reset: null,
    rate_limit: { interval: '1h', note: 'This field is deprecated and safe to ignore.', requests: -1 },
    usage,
    usage_daily: daily,
    usage_weekly: weekly,
    usage_monthly: monthly,
    ...extra,
  };
}

/** Plays readings one after another, as refreshes would, into a ledger. */
class Player {
  readonly ledger = new Ledger();
  sync: OpenRouterSync | undefined;
  last: OpenRouterFetchResult | undefined;

  async read(at: string, data: Record<string, unknown>, key = KEY, apiKeyHash?: string): Promise<OpenRouterFetchResult> {
    fake.keyData = data;
    const result = await fetchOpenRouter({ http, baseUrl: new URL(fake.baseUrl), key, now: new Date(at), sync: this.sync, ...(apiKeyHash ? { apiKeyHash } : {}) });
    this.ledger.replaceDays('openrouter', result.days, result.rows);
    this.sync = result.sync;
    this.last = result;
    return result;
  }

  /** Rows in the ledger as [date, model, cost], costs rounded to micro-dollars. */
  table(): [string, string, number][] {
    return this.ledger.rows({ source: 'openrouter' }).map((r) => [r.date, r.model, Math.round(r.cost * 1e6) / 1e6]);
  }

  total(): number {
    return this.ledger.rows({ source: 'openrouter' }).reduce((s, r) => s + r.cost, 0);
  }
}

const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);
const rowsOf = (rows: readonly LedgerRow[]) => rows.map((r) => [r.date, r.model, Math.round(r.cost * 1e6) / 1e6]);

// November 2026: the 1st is a Sunday; Mondays are the 2nd, 9th, 16th, 23rd and 30th.

void describe('OpenRouter readings become daily rows', () => {
  void it('shows the month before the first reading as one labelled lump on the 1st, and today exactly', async () => {
    const p = new Player();
    const r = await p.read('2026-11-18T10:00:00Z', keyData(100, 4, 12, 30, { limit: 50, limit_remaining: 20, limit_reset: 'monthly' }));
    assert.equal(r.days[0], '2026-11-01');
    assert.equal(r.days.at(-1), '2026-11-18');
    assert.equal(r.days.length, 18, 'the whole month so far is replaced');
    assert.deepEqual(rowsOf(r.rows), [
      ['2026-11-01', beforeTrackingLabel('2026-11-01', '2026-11-17'), 26],
      ['2026-11-18', ALL_MODELS, 4],
    ]);
    assert.match(r.note ?? '', /since 2026-11-18/);
    assert.equal(beforeTrackingLabel('2026-11-01', '2026-11-17'), '(before tracking: 2026-11-01…2026-11-17)');
    assert.match(r.note ?? '', /\$70\.00 of earlier lifetime usage is not shown as daily rows/);
    assert.deepEqual(r.limits, [{ label: 'key limit (monthly)', spent: 30, limit: 50, resetsAt: '2026-12-01T00:00:00.000Z' }]);
    assert.equal(fake.requests.at(-1)?.path, '/api/v1/key');
  });

  void it('turns a sequence of readings across days into exact days (yesterday final = its total up to midnight)', async () => {
    const p = new Player();
    await p.read('2026-11-18T10:00:00Z', keyData(100, 4, 12, 30));
    const r2 = await p.read('2026-11-18T16:00:00Z', keyData(103, 7, 15, 33));
    assert.deepEqual(r2.days, ['2026-11-18']);
    assert.deepEqual(rowsOf(r2.rows), [['2026-11-18', ALL_MODELS, 7]]);
    // Next morning: 110 lifetime, 5 today, so 105 at midnight: the 18th spent 105 − 96 = 9.
    const r3 = await p.read('2026-11-19T09:00:00Z', keyData(110, 5, 22, 40));
    assert.deepEqual(r3.days, ['2026-11-18', '2026-11-19']);
    assert.deepEqual(rowsOf(r3.rows), [
      ['2026-11-18', ALL_MODELS, 9],
      ['2026-11-19', ALL_MODELS, 5],
    ]);
    await p.read('2026-11-19T23:00:00Z', keyData(115, 10, 27, 45));
    const r5 = await p.read('2026-11-20T00:30:00Z', keyData(116, 0.5, 28, 46));
    assert.deepEqual(r5.days, ['2026-11-19', '2026-11-20']);
    assert.deepEqual(p.table(), [
      ['2026-11-01', beforeTrackingLabel('2026-11-01', '2026-11-17'), 26],
      ['2026-11-18', ALL_MODELS, 9],
      ['2026-11-19', ALL_MODELS, 10.5],
      ['2026-11-20', ALL_MODELS, 0.5],
    ]);
    near(p.total(), 116 - 70, 'the ledger holds exactly the lifetime usage since the month of the first reading');
  });

  void it('shows several days without readings as one labelled lump on the gap’s last day', async () => {
    const p = new Player();
    await p.read('2026-11-17T09:00:00Z', keyData(100, 2, 10, 30)); // Tuesday
    const r = await p.read('2026-11-21T15:00:00Z', keyData(140, 3, 50, 70)); // Saturday: nothing on Wed–Fri
    assert.deepEqual(r.days, ['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21']);
    assert.deepEqual(rowsOf(r.rows), [
      ['2026-11-17', ALL_MODELS, 2],
      ['2026-11-20', gapLabel('2026-11-17', '2026-11-20'), 37],
      ['2026-11-21', ALL_MODELS, 3],
    ]);
    assert.equal(gapLabel('2026-11-17', '2026-11-20'), '(gap: 2026-11-17…2026-11-20)');
    near(p.total(), 140 - 70, 'nothing lost or invented');
  });

  void it('cuts a gap at a week start a later reading makes known (never a made-up daily series)', async () => {
    const p = new Player();
    await p.read('2026-11-19T12:00:00Z', keyData(100, 2, 20, 30)); // Thursday
    // Wednesday after: the week began at 140 (Monday 23rd 00:00), today at 154.
    const r = await p.read('2026-11-25T12:00:00Z', keyData(160, 6, 20, 90));
    assert.deepEqual(rowsOf(r.rows), [
      ['2026-11-19', ALL_MODELS, 2],
      ['2026-11-22', gapLabel('2026-11-19', '2026-11-22'), 40],
      ['2026-11-24', gapLabel('2026-11-23', '2026-11-24'), 14],
      ['2026-11-25', ALL_MODELS, 6],
    ]);
    near(p.total(), 160 - 70, 'lumps add up to the growth');
  });

  void it('is not thrown by a weekly limit resetting mid-month, nor by the month changing', async () => {
    const p = new Player();
    const weekly = (usage: number, daily: number, week: number, month: number, remaining: number) =>
      keyData(usage, daily, week, month, { limit: 20, limit_reset: 'weekly', limit_remaining: remaining });
    await p.read('2026-11-22T20:00:00Z', weekly(100, 5, 18, 60, 2)); // Sunday: 18 of 20 used this week
    const monday = await p.read('2026-11-23T08:00:00Z', weekly(104, 3, 3, 64, 17)); // Monday: the week (and limit) reset
    assert.deepEqual(rowsOf(monday.rows), [
      ['2026-11-22', ALL_MODELS, 6],
      ['2026-11-23', ALL_MODELS, 3],
    ]);
    assert.deepEqual(monday.limits, [{ label: 'key limit (weekly)', spent: 3, limit: 20, resetsAt: '2026-11-30T00:00:00.000Z' }]);
    await p.read('2026-11-30T23:30:00Z', weekly(130, 9, 9, 90, 11)); // Monday 30th, late (a gap before it)
    const december = await p.read('2026-12-01T06:00:00Z', weekly(133, 2, 12, 2, 8)); // the month reset too
    assert.deepEqual(rowsOf(december.rows), [
      ['2026-11-30', ALL_MODELS, 10],
      ['2026-12-01', ALL_MODELS, 2],
    ]);
    const table = p.table();
    assert.ok(table.some(([d, m]) => d === '2026-11-29' && m === gapLabel('2026-11-23', '2026-11-29')), 'the gap up to Monday the 30th is one lump');
    near(p.total(), 133 - 40, 'every dollar since the first reading’s month, once');
  });

  void it('starts over when lifetime usage goes down (another key behind the same setting)', async () => {
    const p = new Player();
    await p.read('2026-11-18T10:00:00Z', keyData(100, 4, 12, 30));
    const r = await p.read('2026-11-19T10:00:00Z', keyData(7, 2, 7, 7));
    assert.match(r.note ?? '', /went down.*started over/);
    assert.equal(r.days[0], '2026-11-01', 'the month is rebuilt from the new key');
    assert.deepEqual(rowsOf(r.rows), [
      ['2026-11-01', beforeTrackingLabel('2026-11-01', '2026-11-18'), 5],
      ['2026-11-19', ALL_MODELS, 2],
    ]);
    assert.deepEqual(p.table(), [
      ['2026-11-01', beforeTrackingLabel('2026-11-01', '2026-11-18'), 5],
      ['2026-11-19', ALL_MODELS, 2],
    ]);
  });

  void it('starts over for a different key, recognised by a fingerprint that is not the key', async () => {
    const p = new Player();
    await p.read('2026-11-18T10:00:00Z', keyData(100, 4, 12, 30));
    assert.ok(!JSON.stringify(p.sync).includes(KEY), 'the sync state never holds the key');
    fake.key = 'sk-or-v1-other-key-000000000000';
    const r = await p.read('2026-11-18T11:00:00Z', keyData(500, 1, 1, 1), 'sk-or-v1-other-key-000000000000');
    assert.equal(r.sync.first.at, '2026-11-18T11:00:00.000Z');
    assert.equal(r.days[0], '2026-11-01');
  });

  void it('keeps a bounded state however long it runs', async () => {
    const p = new Player();
    let usage = 10; // at the start of the month
    for (let day = 1; day <= 20; day++) {
      for (const [i, hour] of [8, 12, 17].entries()) {
        usage += 1;
        const date = `2026-11-${String(day).padStart(2, '0')}`;
        await p.read(`${date}T${String(hour).padStart(2, '0')}:00:00Z`, keyData(usage, i + 1, null, usage - 10));
      }
    }
    assert.ok((p.sync?.readings.length ?? 0) <= 2 * RETAINED_DAYS, `${p.sync?.readings.length} readings kept`);
    near(p.total(), usage - 10, 'the month adds up');
  });

  void it('drops a window total that contradicts the lifetime curve instead of trusting it', async () => {
    const p = new Player();
    await p.read('2026-11-18T10:00:00Z', keyData(100, 4, 12, 30));
    // 101 lifetime but "5 today" would mean 96 at midnight, below the 100 read yesterday.
    const r = await p.read('2026-11-19T10:00:00Z', keyData(101, 5, 13, 31));
    near(p.total(), 101 - 70, 'still adds up to the lifetime growth');
    assert.ok(r.rows.every((row) => row.cost >= 0));
  });

  void it('ignores a reading older than the last one (the clock went back)', async () => {
    const p = new Player();
    await p.read('2026-11-18T10:00:00Z', keyData(100, 4, 12, 30));
    const before = p.sync;
    const r = await p.read('2026-11-18T09:00:00Z', keyData(100, 4, 12, 30));
    assert.deepEqual(r.days, []);
    assert.deepEqual(p.sync, before);
  });
});

void describe('OpenRouter shapes', () => {
  void it('reads the documented /key example (BYOK noted, not counted)', async () => {
    const p = new Player();
    const r = await p.read('2026-11-27T12:00:00Z', { ...DOCUMENTED_KEY_DATA });
    assert.deepEqual(rowsOf(r.rows), [['2026-11-27', ALL_MODELS, 25.5]], 'monthly = daily: no lump');
    assert.deepEqual(r.limits, [{ label: 'key limit (monthly)', spent: 25.5, limit: 100, resetsAt: '2026-12-01T00:00:00.000Z' }]);
    assert.match(r.note ?? '', /BYOK usage \(\$17\.38 lifetime\)/);
    assert.equal(fake.requests.filter((q) => q.path === '/api/v1/activity').length, 0, 'a normal key does not ask for /activity');
  });

  void it('returns no service totals for a normal key: its rows are built from the very /key total', async () => {
    const p = new Player();
    await p.read('2026-11-18T10:00:00Z', keyData(100, 4, 12, 30));
    const r = await p.read('2026-11-19T09:00:00Z', keyData(110, 5, 22, 40));
    assert.equal(r.totals, undefined);
    assert.equal((await openrouterAdapter.fetch({ config: readConfig((k) => ({ 'sources.openrouter.enabled': true, 'sources.openrouter.baseUrl': fake.baseUrl })[k]), http, key: KEY, today: '2026-11-19', utcToday: '2026-11-19', yearStart: '2026-01-01', sync: undefined })).totals, undefined);
  });

  void it('is refused /credits with a normal key, as credits-403.json says', async () => {
    const refused = fixture('openrouter', 'credits-403');
    const response = await fetch(`${fake.baseUrl}/credits`, { headers: { Authorization: `Bearer ${KEY}` } });
    assert.equal(response.status, refused.status);
    assert.deepEqual(await response.json(), refused.body);
  });

  void it('accepts the older /auth/key shape with only label, usage and limit', async () => {
    const p = new Player();
    const legacy = (usage: number) => ({ label: 'sk-or-v1-ali...def', usage, limit: 50, is_free_tier: false, rate_limit: { requests: 200, interval: '10s' } });
    const r1 = await p.read('2026-11-18T10:00:00Z', legacy(100));
    assert.deepEqual(r1.days, ['2026-11-18']);
    assert.deepEqual(r1.rows, [], 'nothing known about today yet');
    assert.match(r1.note ?? '', /only lifetime usage/);
    assert.deepEqual(r1.limits, [{ label: 'key limit', spent: 100, limit: 50 }]);
    await p.read('2026-11-18T16:00:00Z', legacy(103));
    await p.read('2026-11-19T09:00:00Z', legacy(110));
    assert.deepEqual(p.table(), [
      ['2026-11-18', ALL_MODELS, 3],
      ['2026-11-19', gapLabel('2026-11-18', '2026-11-19'), 7],
    ]);
  });

  void it('treats unknown fields as noise and absent optional ones as unknown', async () => {
    const p = new Player();
    const r = await p.read('2026-11-18T10:00:00Z', { usage: 12, usage_daily: 2, usage_monthly: 12, brand_new_field: { x: 1 }, limit: null, limit_reset: null, expires_at: null });
    assert.deepEqual(rowsOf(r.rows), [
      ['2026-11-01', beforeTrackingLabel('2026-11-01', '2026-11-17'), 10],
      ['2026-11-18', ALL_MODELS, 2],
    ]);
    assert.deepEqual(r.limits, []);
  });

  void it('computes the next reset of each window', () => {
    const now = new Date('2026-11-27T12:00:00Z'); // a Friday
    assert.equal(nextReset('daily', now), '2026-11-28T00:00:00.000Z');
    assert.equal(nextReset('weekly', now), '2026-11-30T00:00:00.000Z');
    assert.equal(nextReset('monthly', now), '2026-12-01T00:00:00.000Z');
    assert.equal(nextReset('weekly', new Date('2026-11-30T00:00:00Z')), '2026-12-07T00:00:00.000Z');
    assert.equal(nextReset('monthly', new Date('2026-12-31T23:59:59Z')), '2027-01-01T00:00:00.000Z');
    assert.equal(nextReset('yearly', now), undefined);
  });
});

void describe('OpenRouter with a management key', () => {
  const management = (extra: Record<string, unknown> = {}) => ({ ...MANAGEMENT_KEY_DATA, ...extra });
  const entry = (date: string, model: string, usage: number, provider = 'OpenAI') => ({ ...DOCUMENTED_ACTIVITY_ENTRY, date, model, usage, provider_name: provider, prompt_tokens: 1000, completion_tokens: 100, requests: 2 });

  void it('fills the last 30 completed days per model from /activity', async () => {
    fake.activity = [
      entry('2026-11-26', 'openai/gpt-4.1', 1.5),
      entry('2026-11-26', 'openai/gpt-4.1', 0.5, 'Azure'), // another endpoint of the same model
      entry('2026-11-26', 'anthropic/claude-sonnet-4.5', 3),
      entry('2026-10-28', 'openai/gpt-4.1', 2), // the first of the 30 days
      entry('2026-10-20', 'openai/gpt-4.1', 99), // outside the window: ignored
    ];
    const p = new Player();
    const r = await p.read('2026-11-27T12:00:00Z', management());
    assert.ok(fake.requests.some((q) => q.path === '/api/v1/activity'));
    assert.equal(r.days[0], '2026-10-28');
    assert.equal(r.days.at(-1), '2026-11-26');
    assert.deepEqual(
      r.rows.map((x) => [x.date, x.model, x.cost, x.inputTokens, x.outputTokens, x.requests]),
      [
        ['2026-10-28', 'openai/gpt-4.1', 2, 1000, 100, 2],
        ['2026-11-26', 'anthropic/claude-sonnet-4.5', 3, 1000, 100, 2],
        ['2026-11-26', 'openai/gpt-4.1', 2, 2000, 200, 4],
      ],
    );
    assert.match(r.note ?? '', /last 30 completed UTC days comes from \/activity/);
  });

  void it('accepts /activity dates with a time part, as live answers send them (activity.json)', async () => {
    const live = fixtureBody<{ data: Record<string, unknown>[] }>('openrouter', 'activity');
    fake.rawActivity = true;
    fake.activity = live.data;
    const r = await new Player().read('2026-08-24T12:00:00Z', management());
    assert.deepEqual(rowsOf(r.rows), [
      ['2026-08-22', 'anthropic/claude-sonnet-4.5', 0.015],
      ['2026-08-23', 'openai/gpt-4.1', 4.12],
    ]);
    assert.equal(r.rows.find((x) => x.model === 'openai/gpt-4.1')?.inputTokens, 8321745);
    assert.equal(r.days.at(-1), '2026-08-23', 'the date part is the UTC day');
  });

  void it('accepts the spec’s bare YYYY-MM-DD dates too (activity-spec.json)', async () => {
    fake.rawActivity = true;
    fake.activity = fixtureBody<{ data: Record<string, unknown>[] }>('openrouter', 'activity-spec').data;
    const r = await new Player().read('2025-08-25T12:00:00Z', management());
    assert.deepEqual(rowsOf(r.rows), [['2025-08-24', 'openai/gpt-4.1', 0.015]]);
  });

  void it('refuses an /activity date that is neither, naming the field and the value', async () => {
    fake.rawActivity = true;
    for (const date of ['24/08/2026', '2026-08-24T00:00:00Z', '2026-02-30 00:00:00', '2026-08-24 25:00:00']) {
      fake.activity = [{ ...DOCUMENTED_ACTIVITY_ENTRY, date }];
      await assert.rejects(new Player().read('2026-08-25T12:00:00Z', management()), (e: unknown) => {
        assert.ok(e instanceof SourceError, String(e));
        assert.equal(e.kind, 'unexpected');
        assert.ok(e.message.includes('data.0.date') && e.message.includes(JSON.stringify(date)), e.message);
        return true;
      });
    }
  });

  void it('records no $0 readings of its own /key usage as spend: only the days /activity covers, the whole account’s', async () => {
    // A management key cannot make completions, so its /key usage is always 0 (key-management.json).
    fake.activity = [entry('2026-11-20', 'm/a', 3)];
    const p = new Player();
    await p.read('2026-11-26T10:00:00Z', management());
    const r = await p.read('2026-11-27T12:00:00Z', management());
    assert.ok(!r.days.includes('2026-11-27'), 'today is unknown until /activity has it: not replaced with $0');
    assert.ok(!r.days.includes('2026-11-26'), 'nor yesterday, until /activity has it');
    assert.deepEqual(r.days[0], '2026-10-28');
    assert.deepEqual(rowsOf(r.rows), [['2026-11-20', 'm/a', 3]]);
    assert.ok(r.rows.every((x) => x.model === 'm/a'), 'no readings rows or lumps from a management key');
    assert.match(r.note ?? '', /whole account/);
    assert.doesNotMatch(r.note ?? '', /built from this key's readings/);
    assert.deepEqual(p.table(), [['2026-11-20', 'm/a', 3]]);
  });

  void it('filters /activity by the key hash the user names, and says so', async () => {
    const hash = 'c56454edb818d6b14bc0d61c46025f1450b0f4012d12304ab40aacb519fcbc93';
    fake.activity = [
      { ...entry('2026-11-20', 'm/a', 3), api_key_hash: hash },
      { ...entry('2026-11-20', 'm/a', 40), api_key_hash: 'someone-else' },
    ];
    const r = await new Player().read('2026-11-27T12:00:00Z', management(), KEY, hash);
    const asked = fake.requests.filter((q) => q.path === '/api/v1/activity');
    assert.equal(asked.at(-1)?.query['api_key_hash'], hash);
    assert.deepEqual(rowsOf(r.rows), [['2026-11-20', 'm/a', 3]]);
    assert.match(r.note ?? '', /key c56454edb818/);
    assert.doesNotMatch(r.note ?? '', /whole account/);
  });

  void it('records nothing when /activity is refused (403): its own usage says nothing about spend', async () => {
    fake.setFault({ kind: 'status', status: 403, paths: ['/api/v1/activity'], message: 'Only management keys can perform this operation' });
    const p = new Player();
    const r = await p.read('2026-11-27T12:00:00Z', management());
    assert.match(r.note ?? '', /\/activity was refused \(HTTP 403\)/);
    assert.deepEqual(r.days, []);
    assert.deepEqual(r.rows, []);
  });

  void it('returns no service totals: the rows are the service’s own figures', async () => {
    fake.activity = [entry('2026-11-20', 'm/a', 3)];
    const r = await new Player().read('2026-11-27T12:00:00Z', management());
    assert.equal(r.totals, undefined);
  });
});

void describe('OpenRouter errors', () => {
  const read = (key = KEY) => fetchOpenRouter({ http, baseUrl: new URL(fake.baseUrl), key, now: new Date('2026-11-27T12:00:00Z'), sync: undefined });
  const rejects = (check: (e: SourceError) => void, key?: string) =>
    assert.rejects(read(key), (e: unknown) => {
      assert.ok(e instanceof SourceError, `a SourceError, got ${String(e)}`);
      check(e);
      return true;
    });

  void it('names a rejected key (401 in OpenRouter’s shape) and where to set it, never the key', async () => {
    await rejects((e) => {
      assert.equal(e.kind, 'auth');
      assert.match(e.message, /HTTP 401: "User not found\."/);
      assert.match(e.message, /OPENROUTER_API_KEY/);
      assert.doesNotMatch(e.message, /sk-or-v1-wrong-000000000000/);
    }, 'sk-or-v1-wrong-000000000000');
    fake.setFault({ kind: 'status', status: 403, message: 'This key is disabled' });
    await rejects((e) => {
      assert.equal(e.kind, 'auth');
      assert.match(e.message, /HTTP 403: "This key is disabled"/);
    });
  });

  void it('explains a negative balance (402)', async () => {
    fake.setFault({ kind: 'status', status: 402, message: 'Insufficient credits. Add more using https://openrouter.ai/credits' });
    await rejects((e) => {
      assert.equal(e.kind, 'bad_request');
      assert.match(e.message, /credit balance is negative/);
      assert.match(e.message, /Insufficient credits/);
      assert.doesNotMatch(e.message, /key was rejected/);
    });
  });

  void it('reports a long 429 with the time to wait, and retries a short one', async () => {
    fake.setFault({ kind: 'status', status: 429, retryAfter: 3600, message: 'Rate limit exceeded', metadata: { error_type: 'rate_limit_exceeded' } });
    const t0 = Date.now();
    await rejects((e) => {
      assert.equal(e.kind, 'rate_limited');
      const wait = (e.details.retryAt?.getTime() ?? 0) - t0;
      assert.ok(wait > 3500_000 && wait < 3700_000, `about an hour, got ${wait}`);
      assert.match(e.message, /Rate limit exceeded/);
    });
    fake.setFault({ kind: 'status', status: 429, retryAfter: 0, times: 1 });
    const r = await read();
    assert.ok(r.rows.length > 0);
  });

  void it('retries a 5xx once and reports a persistent one', async () => {
    fake.setFault({ kind: 'status', status: 502, times: 1 });
    assert.ok((await read()).rows.length > 0);
    fake.setFault({ kind: 'status', status: 500, message: 'Internal Server Error' });
    await rejects((e) => {
      assert.equal(e.kind, 'server');
      assert.match(e.message, /HTTP 500: "Internal Server Error"/);
    });
  });

  void it('says what is wrong with malformed JSON and wrong field types', async () => {
    fake.setFault({ kind: 'malformed' });
    await rejects((e) => assert.ok(e.kind === 'unexpected' && /not JSON/.test(e.message), e.message));
    fake.setFault({ kind: 'truncated' });
    await rejects((e) => assert.ok(/not JSON/.test(e.message), e.message));
    fake.setFault({ kind: 'wrong_types', paths: ['/api/v1/key'] });
    await rejects((e) => {
      assert.equal(e.kind, 'unexpected');
      assert.match(e.message, /data\.usage: expected number, got "25\.5"/);
    });
    fake.keyData = { ...DOCUMENTED_KEY_DATA, is_management_key: true };
    fake.activity = [{ ...DOCUMENTED_ACTIVITY_ENTRY, date: '2026-11-20' }];
    fake.setFault({ kind: 'wrong_types', paths: ['/api/v1/activity'] });
    await rejects((e) => assert.match(e.message, /data\.0\.usage: expected number/));
  });
});

void describe('openrouterAdapter', () => {
  const config = (enabled: boolean, baseUrl: string) => readConfig((k) => ({ 'sources.openrouter.enabled': enabled, 'sources.openrouter.baseUrl': baseUrl })[k]);

  void it('is on when enabled, and its identity is the base URL', () => {
    assert.equal(openrouterAdapter.id, 'openrouter');
    assert.equal(openrouterAdapter.needsKey, true);
    assert.equal(openrouterAdapter.isEnabled(config(false, 'https://openrouter.ai/api/v1')), false);
    assert.equal(openrouterAdapter.isEnabled(config(true, 'https://openrouter.ai/api/v1')), true);
    assert.equal(openrouterAdapter.identity(config(true, 'https://openrouter.ai/api/v1/')), 'https://openrouter.ai/api/v1');
    assert.equal(readConfig(() => undefined).sources.openrouter.baseUrl, 'https://openrouter.ai/api/v1');
  });

  void it('reads at the context’s instant, and starts over on a sync state it does not recognise', async () => {
    const context = { config: config(true, fake.baseUrl), http, key: KEY, today: '2026-11-27', utcToday: '2026-11-27', yearStart: '2026-01-01', now: new Date('2026-11-27T12:00:00Z') };
    fake.keyData = keyData(100, 4, 12, 30);
    const first = await openrouterAdapter.fetch({ ...context, sync: { readings: 'nonsense' } });
    assert.equal(first.days[0], '2026-11-01');
    assert.ok(!('key' in first), 'the raw /key data is not part of the outcome');
    fake.keyData = keyData(101, 5, 13, 31);
    // FetchContext has no `now` yet: the adapter reads it when the context carries one.
    const later: FetchContext & { now: Date } = { ...context, now: new Date('2026-11-27T13:00:00Z'), sync: first.sync };
    const second = await openrouterAdapter.fetch(later);
    assert.deepEqual(second.days, ['2026-11-27']);
  });

  void it('asks for a key, and refuses plain http to another host', async () => {
    const context = { http, today: '2026-11-27', utcToday: '2026-11-27', yearStart: '2026-01-01', sync: undefined };
    await assert.rejects(openrouterAdapter.fetch({ ...context, config: config(true, fake.baseUrl), key: undefined }), (e: SourceError) => e.kind === 'auth' && /OPENROUTER_API_KEY/.test(e.message));
    await assert.rejects(openrouterAdapter.fetch({ ...context, config: config(true, 'http://openrouter.example.com/api/v1'), key: KEY }), (e: SourceError) => e.kind === 'insecure_url');
  });
});
