import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as v from 'valibot';
import { Ledger } from '../../../src/core/ledger';
import { priceInstantOfUtcDay, priceUsage } from '../../../src/pricing/prices';
import type { SourceError } from '../../../src/sources/http';
import { COSTS_PAGE_LIMIT, fetchOpenAI, openaiAdapter, PROJECT_KEY_MESSAGE, USAGE_PAGE_LIMIT, type OpenAIFetchInput } from '../../../src/sources/openai';
import { CompletionsPageSchema } from '../../../src/sources/openaiSchema';
import { MAX_PAGES, OTHER_BILLED_MODEL } from '../../../src/sources/providerCommon';
import { fixture } from '../../fixtures/load';
import { openaiError, startOpenAIFake, type OpenAICostRecord, type OpenAIFake, type OpenAIUsageRecord } from '../../fakes/openai';
import { startFake, type FakeServer } from '../../fakes/providerFake';
import { configOf as config, http, inputBase, NOW, recordingWaits, rowsOn, total, useFake, WEEKDAYS } from './adminSourceKit';

const ADMIN_KEY = 'sk-admin-test-0123456789abcdef';
const USAGE_PATH = '/v1/organization/usage/completions';
const COSTS_PATH = '/v1/organization/costs';

const day = (d: Date) => d.toISOString().slice(0, 10);
const unix = (d: string) => String(Date.parse(`${d}T00:00:00Z`) / 1000);

/** Weekdays of 2026 up to NOW: my gpt-4o, someone else's gpt-4o-mini; weekends empty. */
function usageData(): OpenAIUsageRecord[] {
  const out: OpenAIUsageRecord[] = [];
  for (const d of WEEKDAYS) {
    out.push({ day: d, model: 'gpt-4o-2024-08-06', user_id: 'user_me', api_key_id: 'key_me', project_id: 'proj_a', input_tokens: 1_000_000, input_cached_tokens: 200_000, output_tokens: 100_000, num_model_requests: 100 });
    out.push({ day: d, model: 'gpt-4o-mini', user_id: 'user_other', api_key_id: 'key_other', project_id: 'proj_b', input_tokens: 2_000_000, output_tokens: 200_000, num_model_requests: 50 });
  }
  out.push({ day: '2026-11-20', model: 'gpt-imaginary-9', user_id: 'user_me', api_key_id: 'key_me', project_id: 'proj_a', input_tokens: 500_000, output_tokens: 10_000, num_model_requests: 5 });
  return out;
}

function estimate(records: readonly OpenAIUsageRecord[], d: string): number {
  return records
    .filter((r) => r.day === d)
    .map((r) => priceUsage({ model: r.model, provider: 'openai', inputTokens: r.input_tokens, cacheReadTokens: r.input_cached_tokens ?? 0, outputTokens: r.output_tokens, at: priceInstantOfUtcDay(d) }).cost)
    .reduce((a, b) => a + b, 0);
}

const USAGE = usageData();
/** Billed: 1.2× the estimate on most days; special days below. */
const COSTS: OpenAICostRecord[] = [...new Set(USAGE.map((r) => r.day))]
  .filter((d) => d !== '2026-11-25')
  .map((d) => {
    if (d === '2026-11-24') return { day: d, value: '12.50' };
    if (d === '2026-11-23' || d === '2026-11-27') return { day: d, value: estimate(USAGE, d) * 0.5 };
    return { day: d, value: Number((estimate(USAGE, d) * 1.2).toFixed(6)) };
  });

let fake: OpenAIFake;
const { since, mark } = useFake(async () => (fake = await startOpenAIFake({ adminKey: ADMIN_KEY, now: NOW, usage: USAGE, costs: COSTS })));

const input = (overrides: Partial<OpenAIFetchInput> = {}): OpenAIFetchInput => ({ ...inputBase(fake.baseUrl, ADMIN_KEY), filters: { userIds: ['user_me'], apiKeyIds: [], projectIds: [] }, ...overrides });

void describe('OpenAI Admin source over real HTTP', () => {
  void it('asks for the whole year with the personal filter on every page, follows next_page, and prices each model', async () => {
    const result = await fetchOpenAI(input());
    const pages = since(USAGE_PATH);
    assert.equal(pages.length, Math.ceil(331 / USAGE_PAGE_LIMIT), 'a year of 1d buckets at 31 a page');
    for (const [i, r] of pages.entries()) {
      assert.deepEqual(r.query['user_ids'], ['user_me']);
      assert.deepEqual(r.query['group_by'], ['model', 'batch', 'service_tier']);
      assert.deepEqual(r.query['bucket_width'], ['1d']);
      assert.deepEqual(r.query['limit'], ['31']);
      assert.deepEqual(r.query['start_time'], [unix('2026-01-01')]);
      assert.equal(r.query['end_time'], undefined, 'a range reaching today has no end_time');
      assert.equal(r.query['page'] === undefined, i === 0, 'later pages carry the cursor');
      assert.equal(r.headers['authorization'], `Bearer ${ADMIN_KEY}`);
    }
    assert.equal(since(COSTS_PATH).length, 0, 'filtered by user only: the costs endpoint cannot filter by user, so it is not read');
    assert.equal(result.totals, undefined, 'no service total to hold the rows against');
    assert.equal(result.requests, pages.length);
    assert.equal(result.orgWide, false);
    assert.match(result.note, /Filtered to users user_me/);

    assert.equal(result.days.length, 331);
    assert.equal(result.days[0], '2026-01-01');
    assert.equal(result.days.at(-1), '2026-11-27');
    assert.deepEqual(rowsOn(result.rows, '2026-11-28'), []);
    assert.deepEqual(rowsOn(result.rows, '2026-11-22'), [], 'an empty bucket (Sunday) gives no rows');
    const [row] = rowsOn(result.rows, '2026-11-26');
    assert.ok(row);
    assert.equal(row.model, 'gpt-4o-2024-08-06');
    assert.equal(row.source, 'openai');
    assert.equal(row.inputTokens, 800_000, 'uncached input: input_tokens already includes the cached ones');
    assert.equal(row.cacheReadTokens, 200_000);
    assert.equal(row.outputTokens, 100_000);
    assert.equal(row.requests, 100);
    // 800k × $2.50/M + 200k × $1.25/M + 100k × $10/M
    assert.ok(Math.abs(row.cost - 3.25) < 1e-9, `gpt-4o day costs ${row.cost}`);
    assert.deepEqual(result.sync.coverage, { from: '2026-01-01', to: '2026-11-25' }, 'covered up to the last final day');
  });

  void it('groups by batch and prices Batch API usage at half the list price, added to the same model\'s row', async () => {
    const batchFake = await startOpenAIFake({
      adminKey: ADMIN_KEY,
      now: NOW,
      usage: [
        { day: '2026-11-26', model: 'gpt-4o-2024-08-06', user_id: 'user_me', batch: false, input_tokens: 1_000_000, input_cached_tokens: 200_000, output_tokens: 100_000, num_model_requests: 100 },
        { day: '2026-11-26', model: 'gpt-4o-2024-08-06', user_id: 'user_me', batch: true, input_tokens: 2_000_000, input_cached_tokens: 400_000, output_tokens: 500_000, num_model_requests: 40 },
      ],
    });
    try {
      const result = await fetchOpenAI(input({ baseUrl: new URL(batchFake.baseUrl), yearStart: '2026-11-20' }));
      const asked = batchFake.requests.filter((r) => r.path === USAGE_PATH);
      assert.ok(asked.length > 0);
      for (const r of asked) assert.deepEqual(r.query['group_by'], ['model', 'batch', 'service_tier']);
      assert.match(result.note, /Batch API and flex processing usage at half the list price/);

      const rows = rowsOn(result.rows, '2026-11-26');
      assert.equal(rows.length, 1, 'the batch and the non-batch result of a model make one row');
      const [row] = rows;
      assert.ok(row);
      assert.equal(row.inputTokens, 2_400_000, 'uncached: 800k + 1.6M');
      assert.equal(row.cacheReadTokens, 600_000);
      assert.equal(row.outputTokens, 600_000);
      assert.equal(row.requests, 140);
      // not batch: 800k × $2.50/M + 200k × $1.25/M + 100k × $10/M = $3.25
      // batch: (1.6M × $2.50/M + 400k × $1.25/M + 500k × $10/M) / 2 = $9.50 / 2 = $4.75
      assert.ok(Math.abs(row.cost - (3.25 + 9.5 / 2)) < 1e-9, `gpt-4o day with batch costs ${row.cost}`);
    } finally {
      await batchFake.close();
    }
  });

  void it('lists a model it cannot price as unpriced, tokens kept, cost 0', async () => {
    const result = await fetchOpenAI(input());
    const unknown = rowsOn(result.rows, '2026-11-20').find((r) => r.model === 'gpt-imaginary-9');
    assert.ok(unknown);
    assert.equal(unknown.unpriced, true);
    assert.equal(unknown.cost, 0);
    assert.equal(unknown.inputTokens, 500_000);
    assert.match(result.note, /gpt-imaginary-9.*unpriced/);
  });

  void it('sends every configured filter as repeated parameters, and the fake filters by them', async () => {
    const result = await fetchOpenAI(input({ filters: { userIds: [], apiKeyIds: ['key_me', 'key_spare'], projectIds: ['proj_a'] } }));
    const [first] = since(USAGE_PATH);
    assert.ok(first);
    assert.deepEqual(first.query['api_key_ids'], ['key_me', 'key_spare']);
    assert.deepEqual(first.query['project_ids'], ['proj_a']);
    assert.equal(first.query['user_ids'], undefined);
    assert.equal(first.query['api_key_ids[]'], undefined);
    assert.ok(result.rows.every((r) => r.model !== 'gpt-4o-mini'), 'only the filtered key');
    const costs = since(COSTS_PATH);
    assert.ok(costs.length > 0, 'the billed total of the same keys and projects is read to hold the rows against');
    for (const r of costs) {
      assert.deepEqual(r.query['api_key_ids'], ['key_me', 'key_spare']);
      assert.deepEqual(r.query['project_ids'], ['proj_a']);
    }
  });

  void it('without a personal filter says it is the whole organisation, and makes each day add up to the billed cost', async () => {
    const result = await fetchOpenAI(input({ filters: { userIds: [], apiKeyIds: [], projectIds: [] } }));
    assert.equal(result.orgWide, true);
    assert.match(result.note, /whole OpenAI organisation/);
    const costs = since(COSTS_PATH);
    assert.equal(costs.length, Math.ceil(331 / COSTS_PAGE_LIMIT));
    assert.deepEqual(costs[0]?.query['limit'], ['180']);
    assert.deepEqual(costs[0]?.query['bucket_width'], ['1d']);
    assert.equal(costs[0]?.query['user_ids'], undefined);

    // A normal day: billed 1.2× the estimate → the models at their estimate plus the rest.
    const normal = rowsOn(result.rows, '2026-11-26');
    const billed = COSTS.find((c) => c.day === '2026-11-26')?.value;
    assert.ok(Math.abs(total(normal) - Number(billed)) < 1e-6, `day total ${total(normal)} = billed ${billed}`);
    const other = normal.find((r) => r.model === OTHER_BILLED_MODEL);
    assert.ok(other && other.cost > 0);
    assert.ok(Math.abs((normal.find((r) => r.model === 'gpt-4o-mini')?.cost ?? 0) - estimate(USAGE.filter((r) => r.model === 'gpt-4o-mini'), '2026-11-26')) < 1e-9, 'models keep their priced cost');

    // amount.value as a string.
    assert.ok(Math.abs(total(rowsOn(result.rows, '2026-11-24')) - 12.5) < 1e-9, 'a "12.50" string amount is $12.50');
    // Billed below the estimate (discounts): the models are scaled down, no negative row.
    const discounted = rowsOn(result.rows, '2026-11-23');
    assert.ok(Math.abs(total(discounted) - estimate(USAGE, '2026-11-23') * 0.5) < 1e-6);
    assert.ok(discounted.every((r) => r.cost >= 0 && r.model !== OTHER_BILLED_MODEL));
    // No costs bucket content yet: the estimate stands.
    assert.ok(Math.abs(total(rowsOn(result.rows, '2026-11-25')) - estimate(USAGE, '2026-11-25')) < 1e-9);
    // Today is partial: a lagging costs endpoint does not pull the estimate down.
    assert.ok(Math.abs(total(rowsOn(result.rows, '2026-11-27')) - estimate(USAGE, '2026-11-27')) < 1e-9);
    // The unpriced model's money is in the billed rest; the row stays flagged.
    const flagged = rowsOn(result.rows, '2026-11-20').find((r) => r.model === 'gpt-imaginary-9');
    assert.equal(flagged?.unpriced, true);
    assert.match(result.note, /other billed costs/);
  });

  void it('asks only for yesterday and today the next time, and a re-fetched day replaces the old one', async () => {
    const first = await fetchOpenAI(input());
    const ledger = new Ledger();
    ledger.replaceDays('openai', first.days, first.rows);
    const before = ledger.dailyTotals('2026-01-01', '2027-01-01').get('2026-11-26');
    mark();
    const second = await fetchOpenAI(input({ sync: first.sync }));
    const asked = since(USAGE_PATH);
    assert.equal(asked.length, 1);
    assert.deepEqual(asked[0]?.query['start_time'], [unix('2026-11-26')]);
    assert.deepEqual(second.days, ['2026-11-26', '2026-11-27']);
    ledger.replaceDays('openai', second.days, second.rows);
    assert.equal(ledger.dailyTotals('2026-01-01', '2027-01-01').get('2026-11-26'), before, 'replaced, not added');
  });

  void it('fills an older gap with an end_time and fetches days that were not final when last fetched', async () => {
    // Last fetched on 2026-11-20: covered up to 2026-11-18; before that only from June.
    const result = await fetchOpenAI(input({ sync: { coverage: { from: '2026-06-01', to: '2026-11-18' } } }));
    const asked = since(USAGE_PATH).filter((r) => r.query['page'] === undefined);
    assert.deepEqual(
      asked.map((r) => [r.query['start_time']?.[0], r.query['end_time']?.[0]]),
      [
        [unix('2026-01-01'), unix('2026-06-01')],
        [unix('2026-11-19'), undefined],
      ],
    );
    assert.equal(result.days.length, 151 + 9);
    assert.deepEqual(result.sync.coverage, { from: '2026-01-01', to: '2026-11-25' });
  });

  void it('asks for the local day too when it is ahead of UTC, without asking the API for the future', async () => {
    const result = await fetchOpenAI(input({ today: '2026-11-28', sync: { coverage: { from: '2026-01-01', to: '2026-11-25' } } }));
    assert.deepEqual(result.days, ['2026-11-26', '2026-11-27', '2026-11-28']);
    assert.deepEqual(since(USAGE_PATH)[0]?.query['start_time'], [unix('2026-11-26')]);
    assert.equal(since(USAGE_PATH)[0]?.query['end_time'], undefined);
  });

  void it('says a project key cannot read usage, in OpenAI\'s error shape, without the key', async () => {
    const projectKey = 'sk-proj-abcdefghijklmnop0123456789';
    await assert.rejects(fetchOpenAI(input({ key: projectKey })), (e: SourceError) => {
      assert.equal(e.kind, 'auth');
      assert.equal(e.details.status, 401);
      assert.ok(e.message.includes(PROJECT_KEY_MESSAGE), e.message);
      assert.ok(!e.message.includes(projectKey));
      return true;
    });
    // Another key class refused with the missing-scope text (403): the same advice.
    fake.setFault({ kind: 'status', status: 403, message: 'You have insufficient permissions for this operation. Missing scopes: api.usage.read.', errorType: 'invalid_request_error' });
    await assert.rejects(fetchOpenAI(input({ key: 'sk-svcacct-0123456789abcdefghij' })), (e: SourceError) => e.kind === 'auth' && e.details.status === 403 && e.message.includes(PROJECT_KEY_MESSAGE));
  });

  void it('names a wrong admin key with the admin-key advice', async () => {
    await assert.rejects(fetchOpenAI(input({ key: 'sk-admin-wrong-9999999999999' })), (e: SourceError) => {
      assert.equal(e.kind, 'auth');
      assert.match(e.message, /key was rejected \(HTTP 401: "Incorrect API key provided/);
      assert.match(e.message, /OpenAI Admin key \(sk-admin-…/);
      assert.ok(!e.message.includes('sk-admin-wrong-9999999999999'));
      return true;
    });
  });

  void it('waits a short Retry-After on 429 and goes on; a long one fails as rate limited', async () => {
    const { http: patient, waits } = recordingWaits();
    fake.setFault({ kind: 'status', status: 429, retryAfter: 2, times: 1, message: 'Rate limit reached for requests' });
    const result = await fetchOpenAI(input({ http: patient, yearStart: '2026-11-01' }));
    assert.deepEqual(waits, [2000]);
    assert.ok(result.rows.length > 0);

    fake.setFault({ kind: 'status', status: 429, retryAfter: 3600, message: 'Rate limit reached for requests' });
    await assert.rejects(fetchOpenAI(input()), (e: SourceError) => {
      assert.equal(e.kind, 'rate_limited');
      assert.ok(e.details.retryAt && e.details.retryAt.getTime() > Date.now() + 3_000_000);
      assert.match(e.message, /Rate limit reached/);
      return true;
    });
  });

  void it('retries a 5xx once, then reports the server error', async () => {
    fake.setFault({ kind: 'status', status: 500, times: 1 });
    const ok = await fetchOpenAI(input({ yearStart: '2026-11-01' }));
    assert.ok(ok.rows.length > 0);
    assert.equal(since(USAGE_PATH).length, 2, 'one failure, one retry');
    fake.setFault({ kind: 'status', status: 503, times: 10, message: 'The server is overloaded' });
    await assert.rejects(fetchOpenAI(input()), (e: SourceError) => e.kind === 'server' && /HTTP 503: "The server is overloaded"/.test(e.message));
  });

  void it('says what was wrong with malformed JSON, cut JSON and wrong field types', async () => {
    fake.setFault({ kind: 'malformed' });
    await assert.rejects(fetchOpenAI(input()), (e: SourceError) => e.kind === 'unexpected' && /not JSON/.test(e.message));
    fake.setFault({ kind: 'truncated' });
    await assert.rejects(fetchOpenAI(input()), (e: SourceError) => e.kind === 'unexpected' && /not JSON/.test(e.message));
    fake.setFault({ kind: 'wrong_types' });
    await assert.rejects(fetchOpenAI(input()), (e: SourceError) => e.kind === 'unexpected' && /expected number, got "/.test(e.message));
  });

  void it('refuses an amount.value that is neither a number nor a numeric string', async () => {
    const odd = await startOpenAIFake({ adminKey: ADMIN_KEY, now: NOW, usage: [], costs: [{ day: '2026-11-26', value: 'twelve dollars' }] });
    try {
      await assert.rejects(fetchOpenAI(input({ baseUrl: new URL(odd.baseUrl), filters: { userIds: [], apiKeyIds: [], projectIds: [] }, yearStart: '2026-11-20' })), (e: SourceError) => e.kind === 'unexpected' && /amount\.value/.test(e.message));
    } finally {
      await odd.close();
    }
  });

  void it('stops a server that never stops paging, with bounded requests', async () => {
    fake.setFault({ kind: 'endless_paging' });
    await assert.rejects(fetchOpenAI(input()), (e: SourceError) => e.kind === 'unexpected' && /paging/.test(e.message));
    assert.ok(since(USAGE_PATH).length <= MAX_PAGES);
  });
});

/** A server that answers each path with a fixture's body, as it is. */
async function serveFixtures(bodies: Record<string, string>): Promise<FakeServer> {
  return startFake({
    handle: (request) => {
      const name = bodies[request.path];
      if (name === undefined) return { status: 404, body: openaiError(404, `Invalid URL (GET ${request.path})`) };
      const f = fixture('openai', name);
      return { status: f.status, body: f.body };
    },
    errorBody: (status, message) => openaiError(status, message),
    wrongTypes: (body) => body,
  });
}

void describe('OpenAI Admin source against the services\' own shapes', () => {
  const fixtureDay = '2024-11-01'; // the day of the fixtures' first bucket
  const fixtureInput = (baseUrl: string, filters = { userIds: ['user_me'], apiKeyIds: [], projectIds: [] }): OpenAIFetchInput => ({
    ...inputBase(`${baseUrl}/v1`, ADMIN_KEY),
    yearStart: fixtureDay,
    today: fixtureDay,
    utcToday: fixtureDay,
    now: new Date(`${fixtureDay}T12:00:00Z`),
    filters,
  });

  void it('ignores an empty bucket past the asked range (usage-empty-bucket-past-range.json)', async () => {
    const server = await serveFixtures({ [USAGE_PATH]: 'usage-empty-bucket-past-range' });
    try {
      const result = await fetchOpenAI(fixtureInput(server.url));
      assert.equal(server.requests[0]?.query['end_time'], undefined, 'asked up to now, without end_time');
      assert.deepEqual(result.days, [fixtureDay]);
      assert.deepEqual(
        result.rows.map((r) => [r.date, r.model, r.inputTokens, r.cacheReadTokens]),
        [[fixtureDay, 'gpt-4o-2024-08-06', 600, 400]],
      );
    } finally {
      await server.close();
    }
  });

  void it('ignores the empty next-day bucket the fake answers when end_time is left out, for usage and costs', async () => {
    const result = await fetchOpenAI(input({ yearStart: '2026-11-20', filters: { userIds: [], apiKeyIds: [], projectIds: [] } }));
    assert.equal(result.days.at(-1), '2026-11-27');
    assert.deepEqual(rowsOn(result.rows, '2026-11-28'), []);
  });

  void it('still refuses a bucket with usage outside the asked range', async () => {
    const ahead = await startOpenAIFake({ adminKey: ADMIN_KEY, now: new Date('2026-11-29T12:00:00Z'), usage: [{ day: '2026-11-28', model: 'gpt-4o-mini', user_id: 'user_me', input_tokens: 10, output_tokens: 1, num_model_requests: 1 }] });
    try {
      await assert.rejects(fetchOpenAI(input({ baseUrl: new URL(ahead.baseUrl), yearStart: '2026-11-20' })), (e: SourceError) => e.kind === 'unexpected' && /bucket for 2026-11-28, outside the requested 2026-11-20…2026-11-27/.test(e.message));
    } finally {
      await ahead.close();
    }
  });

  void it('reads a string amount.value as dollars (costs-page.json)', async () => {
    const server = await serveFixtures({ [USAGE_PATH]: 'usage-empty-bucket-past-range', [COSTS_PATH]: 'costs-page' });
    try {
      const result = await fetchOpenAI(fixtureInput(server.url, { userIds: [], apiKeyIds: [], projectIds: [] }));
      assert.ok(Math.abs(total(rowsOn(result.rows, fixtureDay)) - 12.5) < 1e-9);
    } finally {
      await server.close();
    }
  });

  void it('fails loudly on a costs result without amount (costs-result-without-amount.json), naming the field and the day', async () => {
    const server = await serveFixtures({ [USAGE_PATH]: 'usage-empty-bucket-past-range', [COSTS_PATH]: 'costs-result-without-amount' });
    try {
      await assert.rejects(fetchOpenAI(fixtureInput(server.url, { userIds: [], apiKeyIds: [], projectIds: [] })), (e: SourceError) => {
        assert.equal(e.kind, 'unexpected');
        assert.match(e.message, /\/organization\/costs returned a result without amount for 2024-11-01/);
        assert.ok(!e.message.includes(ADMIN_KEY));
        return true;
      });
    } finally {
      await server.close();
    }
  });

  void it('reads a completions result that has only the spec\'s required fields', () => {
    const page = v.parse(CompletionsPageSchema, { object: 'page', data: [{ object: 'bucket', start_time: 1730419200, end_time: 1730505600, results: [{ object: 'organization.usage.completions.result', input_tokens: 10, output_tokens: 2, num_model_requests: 1 }] }], has_more: false });
    const [result] = page.data[0]?.results ?? [];
    assert.ok(result);
    assert.equal(result.input_cached_tokens, null);
    assert.equal(result.model, null);
    assert.equal(result.service_tier, null);
  });

  void it('prices flex processing at Batch rates, priority at list price (said in the note)', async () => {
    const tiers = await startOpenAIFake({
      adminKey: ADMIN_KEY,
      now: NOW,
      usage: [
        { day: '2026-11-26', model: 'gpt-4o-2024-08-06', user_id: 'user_me', input_tokens: 1_000_000, input_cached_tokens: 200_000, output_tokens: 100_000, num_model_requests: 100 },
        { day: '2026-11-26', model: 'gpt-4o-2024-08-06', user_id: 'user_me', service_tier: 'flex', input_tokens: 1_000_000, input_cached_tokens: 200_000, output_tokens: 100_000, num_model_requests: 10 },
        { day: '2026-11-26', model: 'gpt-4o-2024-08-06', user_id: 'user_me', service_tier: 'priority', input_tokens: 1_000_000, input_cached_tokens: 200_000, output_tokens: 100_000, num_model_requests: 1 },
      ],
    });
    try {
      const result = await fetchOpenAI(input({ baseUrl: new URL(tiers.baseUrl), yearStart: '2026-11-20' }));
      const [row] = rowsOn(result.rows, '2026-11-26');
      assert.ok(row);
      assert.equal(row.requests, 111);
      // $3.25 each at list price: default and priority at list, flex at half.
      assert.ok(Math.abs(row.cost - (3.25 + 3.25 / 2 + 3.25)) < 1e-9, `costs ${row.cost}`);
      assert.match(result.note, /priority processing at list price/);
    } finally {
      await tiers.close();
    }
  });
});

void describe('OpenAI Admin service totals (reconciliation)', () => {
  /** My key and someone else's; billed 1.1× my estimate on my key. */
  const keyed = (): { usage: OpenAIUsageRecord[]; costs: OpenAICostRecord[] } => {
    const usage: OpenAIUsageRecord[] = [];
    const costs: OpenAICostRecord[] = [];
    for (const d of ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27']) {
      usage.push({ day: d, model: 'gpt-4o-2024-08-06', user_id: 'user_me', api_key_id: 'key_me', project_id: 'proj_a', input_tokens: 1_000_000, input_cached_tokens: 200_000, output_tokens: 100_000, num_model_requests: 100 });
      usage.push({ day: d, model: 'gpt-4o-mini', user_id: 'user_other', api_key_id: 'key_other', project_id: 'proj_a', input_tokens: 2_000_000, output_tokens: 200_000, num_model_requests: 50 });
      costs.push({ day: d, value: d === '2026-11-24' ? '3.575' : 3.575, api_key_id: 'key_me', project_id: 'proj_a' });
      costs.push({ day: d, value: 0.72, api_key_id: 'key_other', project_id: 'proj_a' });
    }
    return { usage, costs };
  };

  void it('with api_key_ids, reads the costs filtered by the same keys over the final days fetched, and reports them per day', async () => {
    const server = await startOpenAIFake({ adminKey: ADMIN_KEY, now: NOW, ...keyed() });
    try {
      const result = await fetchOpenAI(input({ baseUrl: new URL(server.baseUrl), yearStart: '2026-11-23', filters: { userIds: [], apiKeyIds: ['key_me'], projectIds: [] } }));
      const costs = server.requests.filter((r) => r.path === COSTS_PATH);
      assert.ok(costs.length > 0, 'the costs endpoint is read');
      for (const r of costs) {
        assert.deepEqual(r.query['api_key_ids'], ['key_me']);
        assert.equal(r.query['project_ids'], undefined);
        assert.equal(r.query['group_by'], undefined);
      }
      assert.deepEqual(result.totals, [
        {
          what: 'the costs endpoint (billed), filtered to API keys key_me',
          from: '2026-11-23',
          to: '2026-11-25',
          total: 3 * 3.575,
          daily: { '2026-11-23': 3.575, '2026-11-24': 3.575, '2026-11-25': 3.575 },
        },
      ]);
      assert.ok(result.rows.every((r) => r.model !== OTHER_BILLED_MODEL), 'rows stay the priced estimate: the total is held against them, not folded in');
    } finally {
      await server.close();
    }
  });

  void it('with project_ids, the same, filtered by project', async () => {
    const server = await startOpenAIFake({ adminKey: ADMIN_KEY, now: NOW, ...keyed() });
    try {
      const result = await fetchOpenAI(input({ baseUrl: new URL(server.baseUrl), yearStart: '2026-11-23', filters: { userIds: [], apiKeyIds: [], projectIds: ['proj_a'] } }));
      const [totalOf] = result.totals ?? [];
      assert.ok(totalOf);
      assert.ok(Math.abs(totalOf.total - 3 * (3.575 + 0.72)) < 1e-9, `total ${totalOf.total}`);
      assert.match(totalOf.what, /projects proj_a/);
      assert.deepEqual(server.requests.find((r) => r.path === COSTS_PATH)?.query['project_ids'], ['proj_a']);
    } finally {
      await server.close();
    }
  });

  void it('reports none with user_ids (costs cannot filter by user), none organisation-wide (rows are the billed total), none without a final day', async () => {
    const server = await startOpenAIFake({ adminKey: ADMIN_KEY, now: NOW, ...keyed() });
    try {
      const withUser = await fetchOpenAI(input({ baseUrl: new URL(server.baseUrl), yearStart: '2026-11-23', filters: { userIds: ['user_me'], apiKeyIds: ['key_me'], projectIds: [] } }));
      assert.equal(withUser.totals, undefined);
      assert.equal(server.requests.filter((r) => r.path === COSTS_PATH).length, 0);
      const orgWide = await fetchOpenAI(input({ baseUrl: new URL(server.baseUrl), yearStart: '2026-11-23', filters: { userIds: [], apiKeyIds: [], projectIds: [] } }));
      assert.equal(orgWide.totals, undefined);
      const recent = await fetchOpenAI(input({ baseUrl: new URL(server.baseUrl), yearStart: '2026-11-26', filters: { userIds: [], apiKeyIds: ['key_me'], projectIds: [] } }));
      assert.equal(recent.totals, undefined, 'yesterday and today are not final: no total to hold them against yet');
    } finally {
      await server.close();
    }
  });

  void it('the adapter passes the totals on in its outcome', async () => {
    const server = await startOpenAIFake({ adminKey: ADMIN_KEY, now: NOW, ...keyed() });
    try {
      const cfg = config({ 'sources.openai.enabled': true, 'sources.openai.baseUrl': server.baseUrl, 'sources.openai.apiKeyIds': ['key_me'] });
      const outcome = await openaiAdapter.fetch({ config: cfg, http, key: ADMIN_KEY, today: '2026-11-27', utcToday: '2026-11-27', yearStart: '2026-11-23', now: NOW, sync: undefined });
      assert.equal(outcome.totals?.[0]?.to, '2026-11-25');
    } finally {
      await server.close();
    }
  });
});

void describe('openaiAdapter', () => {
  void it('is on by its setting, and its identity follows the base URL and the filters', () => {
    assert.equal(openaiAdapter.isEnabled(config({})), false);
    assert.equal(openaiAdapter.isEnabled(config({ 'sources.openai.enabled': true })), true);
    const a = openaiAdapter.identity(config({ 'sources.openai.userIds': ['u1'] }));
    const b = openaiAdapter.identity(config({ 'sources.openai.userIds': ['u2'] }));
    assert.notEqual(a, b);
    assert.equal(openaiAdapter.needsKey, true);
  });

  void it('fetches through the FetchContext, with a validated sync state', async () => {
    const cfg = config({ 'sources.openai.enabled': true, 'sources.openai.baseUrl': fake.baseUrl, 'sources.openai.userIds': ['user_me'] });
    const ctx = { config: cfg, http, key: ADMIN_KEY, today: day(new Date()), utcToday: day(new Date()), yearStart: day(new Date(Date.now() - 10 * 86_400_000)), sync: { coverage: 'garbage' } };
    const outcome = await openaiAdapter.fetch(ctx);
    assert.equal(outcome.days.length, 11, 'a bad sync state is ignored: the whole range is fetched');
    assert.ok(outcome.note?.includes('user_me'));
    await assert.rejects(openaiAdapter.fetch({ ...ctx, key: undefined }), (e: SourceError) => e.kind === 'auth' && /OPENAI_ADMIN_KEY/.test(e.message));
    const insecure = config({ 'sources.openai.enabled': true, 'sources.openai.baseUrl': 'http://api.example.com/v1' });
    await assert.rejects(openaiAdapter.fetch({ ...ctx, config: insecure }), (e: SourceError) => e.kind === 'insecure_url');
  });
});
