import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as v from 'valibot';
import { priceInstantOfUtcDay, priceUsage } from '../../../src/pricing/prices';
import {
  anthropicAdapter,
  ANTHROPIC_VERSION,
  billedPerDay,
  CLAUDE_CODE_DAYS_PER_FETCH,
  fetchAnthropic,
  messagesBucketToRows,
  STANDARD_KEY_MESSAGE,
  type AnthropicFetchInput,
} from '../../../src/sources/anthropic';
import { ClaudeCodePageSchema, CostPageSchema, MessagesPageSchema } from '../../../src/sources/anthropicSchema';
import { describeIssues, type SourceError } from '../../../src/sources/http';
import { OTHER_BILLED_MODEL } from '../../../src/sources/providerCommon';
import {
  claudeCodeRecordsFromFixture,
  costRecordsFromFixture,
  startAnthropicFake,
  usageRecordsFromFixtures,
  type AnthropicCostRecord,
  type AnthropicFake,
  type AnthropicUsageRecord,
  type ClaudeCodeFakeRecord,
} from '../../fakes/anthropic';
import { fixtureBody, fixtureNames } from '../../fixtures/load';
import { configOf as config, dayOf, http, inputBase, NOW, recordingWaits, rowsOn, total, useFake, WEEKDAYS as weekdays } from './adminSourceKit';

const ADMIN_KEY = 'sk-ant-admin01-test-0123456789abcdef';
const MESSAGES = '/v1/organizations/usage_report/messages';
const COST = '/v1/organizations/cost_report';
const CLAUDE_CODE = '/v1/organizations/usage_report/claude_code';
const SONNET = 'claude-sonnet-4-5-20250929';

const USAGE: AnthropicUsageRecord[] = weekdays.flatMap((day): AnthropicUsageRecord[] => [
  { day, model: SONNET, api_key_id: 'apikey_me', context_window: '0-200k', uncached_input_tokens: 1_000_000, cache_read_input_tokens: 2_000_000, ephemeral_5m_input_tokens: 100_000, ephemeral_1h_input_tokens: 50_000, output_tokens: 200_000, web_search_requests: 10 },
  { day, model: SONNET, api_key_id: 'apikey_me', context_window: '200k-1M', uncached_input_tokens: 500_000, output_tokens: 10_000 },
  { day, model: 'claude-haiku-4-5', api_key_id: 'apikey_other', context_window: '0-200k', uncached_input_tokens: 3_000_000, output_tokens: 300_000 },
]);
USAGE.push({ day: '2026-11-20', model: 'claude-mystery-7', api_key_id: 'apikey_me', uncached_input_tokens: 100_000, output_tokens: 1_000 });

function estimate(day: string, keys?: readonly string[]): number {
  return USAGE.filter((r) => r.day === day && (!keys || keys.includes(r.api_key_id ?? '')))
    .map((r) => {
      const read = r.cache_read_input_tokens ?? 0;
      const w5 = r.ephemeral_5m_input_tokens ?? 0;
      const w1 = r.ephemeral_1h_input_tokens ?? 0;
      return priceUsage({ model: r.model, provider: 'anthropic', inputTokens: r.uncached_input_tokens + read + w5 + w1, cacheReadTokens: read, cacheWrite5mTokens: w5, cacheWrite1hTokens: w1, outputTokens: r.output_tokens, webSearches: r.web_search_requests ?? 0, longContext: r.context_window === '200k-1M', at: priceInstantOfUtcDay(day) }).cost;
    })
    .reduce((a, b) => a + b, 0);
}

const COSTS: AnthropicCostRecord[] = weekdays
  .filter((d) => d !== '2026-11-25')
  .map((day) => ({ day, amount: day === '2026-11-24' ? '123.78912' : (estimate(day) * 110).toFixed(5), description: 'Claude Sonnet 4.5 Usage - Input Tokens', model: SONNET }));

const CLAUDE_CODE_RECORDS: ClaudeCodeFakeRecord[] = [
  ...weekdays.map((day) => ({ day, email: 'Me@Example.com', models: [{ model: 'claude-sonnet-4-20250514', cents: 186, input: 45_230, output: 12_450, cache_read: 8_790, cache_creation: 2_340 }] })),
  { day: '2026-11-26', email: 'me@example.com', terminal_type: 'iTerm.app', models: [{ model: 'claude-sonnet-4-20250514', cents: 14, input: 1_000, output: 100 }, { model: 'claude-3-5-haiku-20241022', cents: 42, input: 23_100, output: 5_680 }] },
  // A busy day: more records than one page of 1000 holds; mine is on the second page.
  ...Array.from({ length: 1200 }, (_, i) => ({ day: '2026-11-25', email: `colleague${i}@example.com`, models: [{ model: 'claude-sonnet-4-20250514', cents: 500, input: 1, output: 1 }] })),
];

let fake: AnthropicFake;
const { since, mark } = useFake(async () => (fake = await startAnthropicFake({ adminKey: ADMIN_KEY, now: NOW, usage: USAGE, costs: COSTS, claudeCode: CLAUDE_CODE_RECORDS })));

const input = (overrides: Partial<AnthropicFetchInput> = {}): AnthropicFetchInput => ({ ...inputBase(fake.baseUrl, ADMIN_KEY), apiKeyIds: ['apikey_me'], claudeCodeEmail: '', ...overrides });
const orgWide = { apiKeyIds: [] as string[], claudeCodeEmail: '' };
const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);

void describe('Anthropic Admin source over real HTTP: usage report', () => {
  void it('asks for the year by API key with group_by[] model, context_window, service_tier and speed, follows next_page, and prices every part', async () => {
    const result = await fetchAnthropic(input({ claudeCodeEmail: 'me@example.com' }));
    const pages = since(MESSAGES);
    assert.equal(pages.length, Math.ceil(331 / 31));
    for (const [i, r] of pages.entries()) {
      assert.deepEqual(r.query['group_by[]'], ['model', 'context_window', 'service_tier', 'speed']);
      assert.deepEqual(r.query['api_key_ids[]'], ['apikey_me']);
      assert.deepEqual(r.query['limit'], ['31']);
      assert.deepEqual(r.query['bucket_width'], ['1d']);
      assert.deepEqual(r.query['starting_at'], ['2026-01-01T00:00:00Z']);
      assert.equal(r.query['ending_at'], undefined);
      assert.equal(r.query['page'] === undefined, i === 0);
      assert.equal(r.headers['x-api-key'], ADMIN_KEY);
      assert.equal(r.headers['anthropic-version'], ANTHROPIC_VERSION);
      assert.equal(r.headers['authorization'], undefined);
    }
    assert.equal(since(COST).length, 0, 'personal: no organisation cost report');
    assert.equal(since(CLAUDE_CODE).length, 0, 'API key filters set: Claude Code analytics is not read (it would count twice)');
    assert.match(result.note, /Filtered to API keys apikey_me/);
    assert.match(result.note, /Claude Code analytics report is not read/);
    assert.equal(result.mode, 'apiKeys');
    assert.equal(result.requests, pages.length);

    const rows = rowsOn(result.rows, '2026-11-26');
    assert.equal(rows.length, 1, 'both context windows of a model make one row; the other key is filtered out');
    const [row] = rows;
    assert.ok(row);
    assert.equal(row.model, SONNET);
    assert.equal(row.inputTokens, 1_500_000, 'uncached');
    assert.equal(row.cacheReadTokens, 2_000_000);
    assert.equal(row.cacheWriteTokens, 150_000, '5m + 1h writes');
    assert.equal(row.outputTokens, 210_000);
    // 0-200k: 1M × $3 + 2M × $0.30 + 100k × $3.75 + 50k × $6 (1h) + 200k × $15 + 10 searches × $0.01
    // 200k-1M: 500k × $6 + 10k × $22.50 (the long-context tier, because the rows say so)
    near(row.cost, 3 + 0.6 + 0.375 + 0.3 + 3 + 0.1 + 3 + 0.225, 'sonnet day');
    assert.deepEqual(rowsOn(result.rows, '2026-11-22'), [], 'an empty bucket (Sunday) gives no rows');
    assert.equal(result.days.length, 331);
    assert.deepEqual(result.sync.coverage, { from: '2026-01-01', to: '2026-11-25' });
  });

  void it('prices a batch result at half the list price (cache reads too, web searches at full price), added to the standard result in one row per model', async () => {
    const batchFake = await startAnthropicFake({
      adminKey: ADMIN_KEY,
      now: NOW,
      usage: [
        { day: '2026-11-26', model: SONNET, api_key_id: 'apikey_me', service_tier: 'standard', uncached_input_tokens: 1_000_000, output_tokens: 100_000 },
        { day: '2026-11-26', model: SONNET, api_key_id: 'apikey_me', service_tier: 'batch', uncached_input_tokens: 2_000_000, cache_read_input_tokens: 1_000_000, ephemeral_5m_input_tokens: 200_000, output_tokens: 400_000, web_search_requests: 20 },
        { day: '2026-11-25', model: SONNET, api_key_id: 'apikey_me', service_tier: 'priority', uncached_input_tokens: 1_000_000, output_tokens: 100_000 },
      ],
    });
    try {
      const result = await fetchAnthropic(input({ baseUrl: new URL(batchFake.baseUrl), yearStart: '2026-11-20' }));
      const asked = batchFake.requests.filter((r) => r.path === MESSAGES);
      assert.ok(asked.length > 0);
      for (const r of asked) assert.deepEqual(r.query['group_by[]'], ['model', 'context_window', 'service_tier', 'speed']);
      assert.match(result.note, /Batch API usage is priced at half the list price \(web searches at full price\)/);
      assert.match(result.note, /Priority Tier usage is counted at list price/);

      const rows = rowsOn(result.rows, '2026-11-26');
      assert.equal(rows.length, 1, 'the standard and the batch result of a model make one row');
      const [row] = rows;
      assert.ok(row);
      assert.equal(row.inputTokens, 3_000_000);
      assert.equal(row.cacheReadTokens, 1_000_000);
      assert.equal(row.cacheWriteTokens, 200_000);
      assert.equal(row.outputTokens, 500_000);
      // standard: 1M × $3 + 100k × $15 = $4.50
      // batch: (2M × $3 + 1M × $0.30 + 200k × $3.75 + 400k × $15) / 2 = $13.05 / 2 = $6.525
      // its 20 web searches × $0.01, not halved = $0.20
      near(row.cost, 4.5 + 13.05 / 2 + 0.2, 'standard + half of batch + searches at full price');
      // Priority Tier stays at list price: 1M × $3 + 100k × $15.
      near(rowsOn(result.rows, '2026-11-25')[0]?.cost ?? NaN, 4.5, 'priority at list price');
    } finally {
      await batchFake.close();
    }
  });

  void it('lists a model it cannot price as unpriced, tokens kept, cost 0', async () => {
    const result = await fetchAnthropic(input());
    const row = rowsOn(result.rows, '2026-11-20').find((r) => r.model === 'claude-mystery-7');
    assert.ok(row);
    assert.equal(row.unpriced, true);
    assert.equal(row.cost, 0);
    assert.equal(row.inputTokens, 100_000);
    assert.match(result.note, /claude-mystery-7/);
  });

  void it('without filters says it is the whole organisation and takes each day\'s total from the cost report (cents as strings)', async () => {
    const result = await fetchAnthropic(input(orgWide));
    assert.equal(result.mode, 'organisation');
    assert.match(result.note, /whole Anthropic organisation/);
    const cost = since(COST);
    assert.equal(cost.length, Math.ceil(331 / 31), 'the cost report pages at 31 days too');
    assert.deepEqual(cost[0]?.query['limit'], ['31']);
    assert.equal(since(MESSAGES)[0]?.query['api_key_ids[]'], undefined);
    assert.equal(since(CLAUDE_CODE).length, 0);

    // "123.78912" cents = $1.2378912, below the estimate: the models are scaled to it.
    near(total(rowsOn(result.rows, '2026-11-24')), 1.2378912, 'cents string');
    // 1.1× the estimate: models at their price, the rest as other billed costs.
    const normal = rowsOn(result.rows, '2026-11-26');
    near(total(normal), estimate('2026-11-26') * 1.1, 'billed day');
    assert.ok((normal.find((r) => r.model === OTHER_BILLED_MODEL)?.cost ?? 0) > 0);
    // No cost yet: the estimate stands.
    near(total(rowsOn(result.rows, '2026-11-25')), estimate('2026-11-25'), 'no cost bucket');
  });

  void it('asks only for yesterday and today the next time', async () => {
    const first = await fetchAnthropic(input());
    mark();
    const second = await fetchAnthropic(input({ sync: first.sync }));
    const asked = since(MESSAGES);
    assert.equal(asked.length, 1);
    assert.deepEqual(asked[0]?.query['starting_at'], ['2026-11-26T00:00:00Z']);
    assert.deepEqual(second.days, ['2026-11-26', '2026-11-27']);
  });

  void it('sends ending_at for an older range', async () => {
    await fetchAnthropic(input({ sync: { coverage: { from: '2026-03-01', to: '2026-11-25' } } }));
    const first = since(MESSAGES).filter((r) => r.query['page'] === undefined);
    assert.deepEqual(
      first.map((r) => [r.query['starting_at']?.[0], r.query['ending_at']?.[0]]),
      [
        ['2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z'],
        ['2026-11-26T00:00:00Z', undefined],
      ],
    );
  });
});

void describe('Anthropic Admin source over real HTTP: Claude Code analytics', () => {
  const cc = { apiKeyIds: [] as string[], claudeCodeEmail: 'me@example.com' };

  void it('reads one day per call, newest first, only this e-mail, paging a busy day; cents to dollars', async () => {
    const result = await fetchAnthropic(input(cc));
    assert.equal(result.mode, 'claudeCode');
    assert.equal(since(MESSAGES).length + since(COST).length, 0, 'e-mail only: the organisation-wide report is not read');
    const firstPages = since(CLAUDE_CODE).filter((r) => r.query['page'] === undefined);
    assert.equal(firstPages.length, CLAUDE_CODE_DAYS_PER_FETCH);
    assert.deepEqual(firstPages[0]?.query['starting_at'], ['2026-11-27']);
    assert.deepEqual(firstPages[1]?.query['starting_at'], ['2026-11-26']);
    assert.deepEqual(firstPages[0]?.query['limit'], ['1000']);
    const busy = since(CLAUDE_CODE).filter((r) => r.query['starting_at']?.[0] === '2026-11-25');
    assert.equal(busy.length, 2, 'the day with 1201 records takes two pages');

    const busyRows = rowsOn(result.rows, '2026-11-25');
    assert.deepEqual(busyRows.map((r) => [r.model, r.cost]), [['claude-code:claude-sonnet-4-20250514', 1.86]], 'only my record, 186 cents = $1.86');
    const two = rowsOn(result.rows, '2026-11-26');
    const sonnet = two.find((r) => r.model === 'claude-code:claude-sonnet-4-20250514');
    near(sonnet?.cost ?? NaN, 2, 'two records of the same model are summed');
    assert.equal(sonnet?.inputTokens, 46_230);
    assert.equal(sonnet?.cacheReadTokens, 8_790);
    assert.equal(sonnet?.cacheWriteTokens, 2_340);
    near(two.find((r) => r.model === 'claude-code:claude-3-5-haiku-20241022')?.cost ?? NaN, 0.42, 'haiku');
    assert.ok(result.rows.every((r) => r.source === 'anthropic' && !r.unpriced));

    assert.equal(result.days.length, CLAUDE_CODE_DAYS_PER_FETCH);
    assert.equal(result.days.at(-1), '2026-08-28');
    assert.match(result.note, /Claude Code usage of me@example.com only/);
    assert.match(result.note, new RegExp(`${331 - CLAUDE_CODE_DAYS_PER_FETCH} earlier days`));
    assert.deepEqual(result.sync.coverage, { from: '2026-08-28', to: '2026-11-25' });

    // The next refresh: the days not final, then older history, never a final day again.
    mark();
    const next = await fetchAnthropic(input({ ...cc, sync: result.sync }));
    const asked = since(CLAUDE_CODE).filter((r) => r.query['page'] === undefined).map((r) => r.query['starting_at']?.[0]);
    assert.deepEqual(asked.slice(0, 3), ['2026-11-27', '2026-11-26', '2026-08-27']);
    assert.equal(asked.length, CLAUDE_CODE_DAYS_PER_FETCH);
    assert.ok(!asked.includes('2026-11-25') && !asked.includes('2026-08-28'));
    assert.deepEqual(next.sync.coverage, { from: addDays('2026-08-28', -(CLAUDE_CODE_DAYS_PER_FETCH - 2)), to: '2026-11-25' });
  });

  void it('minds the one-hour lag: a day fetched before it was final is fetched again later', async () => {
    // Fetched 30 minutes after 2026-11-26 ended: its last hour was not in yet.
    const early = await fetchAnthropic(input({ ...cc, yearStart: '2026-11-20', today: '2026-11-27', utcToday: '2026-11-27', now: new Date('2026-11-27T00:30:00Z') }));
    assert.deepEqual(early.sync.coverage, { from: '2026-11-20', to: '2026-11-25' });
    // Two days later the extension runs again: 2026-11-26 is asked again, 2026-11-25 is not.
    mark();
    await fetchAnthropic(input({ ...cc, yearStart: '2026-11-20', today: '2026-11-29', utcToday: '2026-11-29', now: new Date('2026-11-29T09:00:00Z'), sync: early.sync }));
    const asked = since(CLAUDE_CODE).map((r) => r.query['starting_at']?.[0]);
    assert.deepEqual(asked, ['2026-11-29', '2026-11-28', '2026-11-27', '2026-11-26']);
  });

  void it('refuses an estimated_cost that is not a number', async () => {
    fake.setFault({ kind: 'wrong_types', paths: [CLAUDE_CODE] });
    await assert.rejects(fetchAnthropic(input({ ...cc, yearStart: '2026-11-26' })), (e: SourceError) => e.kind === 'unexpected' && /amount: expected number/.test(e.message));
  });
});

void describe('Anthropic Admin source over real HTTP: failures', () => {
  void it('says a standard API key cannot read the Admin API, without the key', async () => {
    const standard = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345';
    await assert.rejects(fetchAnthropic(input({ key: standard })), (e: SourceError) => {
      assert.equal(e.kind, 'auth');
      assert.ok(e.message.includes(STANDARD_KEY_MESSAGE), e.message);
      assert.ok(!e.message.includes(standard));
      return true;
    });
  });

  void it('names a rejected admin key with Anthropic\'s error type, and a 403 permission_error', async () => {
    await assert.rejects(fetchAnthropic(input({ key: 'sk-ant-admin01-wrong-000000000000' })), (e: SourceError) => {
      assert.equal(e.kind, 'auth');
      assert.match(e.message, /HTTP 401: "authentication_error: invalid x-api-key"/);
      assert.match(e.message, /Set an Anthropic Admin key \(it starts with sk-ant-admin\) with "Token Budget: Set API Key…" or the ANTHROPIC_ADMIN_KEY environment variable\./, 'the hint survives redaction');
      return true;
    });
    fake.setFault({ kind: 'status', status: 403, message: 'This API key does not have permission to use the Admin API' });
    await assert.rejects(fetchAnthropic(input()), (e: SourceError) => e.kind === 'auth' && /HTTP 403: "permission_error: This API key/.test(e.message));
  });

  void it('waits a short Retry-After on 429; a long one fails as rate limited', async () => {
    const { http: patient, waits } = recordingWaits();
    fake.setFault({ kind: 'status', status: 429, retryAfter: 1, times: 1 });
    const ok = await fetchAnthropic(input({ http: patient, yearStart: '2026-11-20' }));
    assert.deepEqual(waits, [1000]);
    assert.ok(ok.rows.length > 0);
    fake.setFault({ kind: 'status', status: 429, retryAfter: 600, message: 'Number of request tokens has exceeded your per-minute rate limit' });
    await assert.rejects(fetchAnthropic(input()), (e: SourceError) => e.kind === 'rate_limited' && /rate_limit_error: Number of request tokens/.test(e.message) && e.details.retryAt !== undefined);
  });

  void it('retries 529 overloaded like a 5xx, then reports it', async () => {
    fake.setFault({ kind: 'status', status: 529, times: 1, message: 'Overloaded' });
    const ok = await fetchAnthropic(input({ yearStart: '2026-11-20' }));
    assert.ok(ok.rows.length > 0);
    assert.equal(since(MESSAGES).length, 2);
    fake.setFault({ kind: 'status', status: 529, message: 'Overloaded' });
    await assert.rejects(fetchAnthropic(input()), (e: SourceError) => e.kind === 'server' && /HTTP 529: "overloaded_error: Overloaded"/.test(e.message));
  });

  void it('says what was wrong with malformed JSON and wrong field types', async () => {
    fake.setFault({ kind: 'malformed' });
    await assert.rejects(fetchAnthropic(input()), (e: SourceError) => e.kind === 'unexpected' && /not JSON/.test(e.message));
    fake.setFault({ kind: 'wrong_types' });
    await assert.rejects(fetchAnthropic(input()), (e: SourceError) => e.kind === 'unexpected' && /uncached_input_tokens: expected number, got "/.test(e.message));
  });

  void it('refuses a cost amount that is not a decimal string of cents', async () => {
    const odd = await startAnthropicFake({ adminKey: ADMIN_KEY, now: NOW, usage: [], costs: [{ day: '2026-11-26', amount: '12,50' }] });
    try {
      await assert.rejects(fetchAnthropic(input({ ...orgWide, baseUrl: new URL(odd.baseUrl), yearStart: '2026-11-20' })), (e: SourceError) => e.kind === 'unexpected' && /amount/.test(e.message));
    } finally {
      await odd.close();
    }
  });

  void it('stops a server that never stops paging', async () => {
    fake.setFault({ kind: 'endless_paging' });
    await assert.rejects(fetchAnthropic(input()), (e: SourceError) => e.kind === 'unexpected' && /paging/.test(e.message));
  });
});

void describe('anthropicAdapter', () => {
  void it('is on by its setting; its identity follows the URL, the key filters and the e-mail', () => {
    assert.equal(anthropicAdapter.isEnabled(config({})), false);
    assert.equal(anthropicAdapter.isEnabled(config({ 'sources.anthropic.enabled': true })), true);
    const base = anthropicAdapter.identity(config({}));
    assert.notEqual(base, anthropicAdapter.identity(config({ 'sources.anthropic.apiKeyIds': ['k'] })));
    assert.notEqual(base, anthropicAdapter.identity(config({ 'sources.anthropic.claudeCodeEmail': 'me@example.com' })));
  });

  void it('fetches through the FetchContext', async () => {
    const today = dayOf(Date.now());
    const cfg = config({ 'sources.anthropic.enabled': true, 'sources.anthropic.baseUrl': fake.baseUrl, 'sources.anthropic.apiKeyIds': ['apikey_me'] });
    const ctx = { config: cfg, http, key: ADMIN_KEY, today, utcToday: today, yearStart: dayOf(Date.now() - 5 * 86_400_000), sync: undefined };
    const outcome = await anthropicAdapter.fetch(ctx);
    assert.equal(outcome.days.length, 6);
    // Key filters: the cost report cannot filter by key, so there is no service total to hold the rows against.
    assert.equal(outcome.totals, undefined);
    // Organisation-wide: the rows are already scaled to the billed total, which would only agree with itself.
    const org = await anthropicAdapter.fetch({ ...ctx, config: config({ 'sources.anthropic.enabled': true, 'sources.anthropic.baseUrl': fake.baseUrl }) });
    assert.equal(org.totals, undefined);
    assert.match(outcome.note ?? '', /apikey_me/);
    await assert.rejects(anthropicAdapter.fetch({ ...ctx, key: undefined }), (e: SourceError) => e.kind === 'auth' && /ANTHROPIC_ADMIN_KEY/.test(e.message));
  });
});

void describe('Anthropic Admin source against the upstream-true fixtures (test/fixtures/anthropic)', () => {
  const USAGE_PAGES = ['usage-messages-page1', 'usage-messages-page2'];
  const OPUS = 'claude-opus-4-6';
  const at = (day: string) => priceInstantOfUtcDay(day);
  /** The fixtures' usage, as mine (the fixtures ask without an API key grouping). */
  const mine = (): AnthropicUsageRecord[] => usageRecordsFromFixtures(USAGE_PAGES).map((r) => ({ ...r, api_key_id: 'apikey_me' }));
  const week = { yearStart: '2026-11-20' };

  void it('every fixture is read by the schema of its endpoint', () => {
    const schemaOf = (name: string): v.GenericSchema => (name.startsWith('usage-messages') ? MessagesPageSchema : name.startsWith('cost') ? CostPageSchema : ClaudeCodePageSchema);
    assert.deepEqual(fixtureNames('anthropic'), ['claude-code-page', 'cost-report', 'usage-messages-page1', 'usage-messages-page2']);
    for (const name of fixtureNames('anthropic')) {
      const parsed = v.safeParse(schemaOf(name), fixtureBody('anthropic', name));
      assert.ok(parsed.success, `${name}: ${parsed.success ? '' : describeIssues(parsed.issues)}`);
    }
  });

  void it('fast mode: asks with the fast-mode beta header and group_by[]=speed, and prices a fast row at the model\'s multiple, in a row of its own', async () => {
    const fast = await startAnthropicFake({ adminKey: ADMIN_KEY, now: NOW, usage: [...mine(), { day: '2026-11-26', model: SONNET, api_key_id: 'apikey_me', speed: 'fast', uncached_input_tokens: 1_000_000, output_tokens: 0 }] });
    try {
      const result = await fetchAnthropic(input({ baseUrl: new URL(fast.baseUrl), ...week }));
      const asked = fast.requests.filter((r) => r.path === MESSAGES);
      assert.ok(asked.length > 0);
      for (const r of asked) {
        assert.equal(r.status, 200);
        assert.match(r.headers['anthropic-beta'] ?? '', /(^|,)\s*fast-mode-2026-02-01\s*(,|$)/);
        assert.deepEqual(r.query['group_by[]'], ['model', 'context_window', 'service_tier', 'speed']);
      }
      const day = rowsOn(result.rows, '2026-11-25');
      const fastRow = day.find((r) => r.model === `${OPUS} (fast)`);
      const standardRow = day.find((r) => r.model === OPUS);
      assert.ok(fastRow && standardRow, day.map((r) => r.model).join(', '));
      // Standard Opus 4.6: 100k × $5 + 400k cache reads × $0.50 + 20k × $25 = $1.20; fast mode is 6× every rate.
      const standardPrice = priceUsage({ model: OPUS, provider: 'anthropic', inputTokens: 500_000, cacheReadTokens: 400_000, outputTokens: 20_000, at: at('2026-11-25') }).cost;
      near(standardPrice, 1.2, 'Opus 4.6 standard price');
      near(fastRow.cost, 6 * standardPrice, 'fast row at 6×');
      assert.equal(fastRow.cacheReadTokens, 400_000);
      near(standardRow.cost, 0.5 + 0.5, 'standard row at list price');
      // A model whose fast multiple is not known: standard rates, and the note says it is an underestimate.
      near(rowsOn(result.rows, '2026-11-26').find((r) => r.model === `${SONNET} (fast)`)?.cost ?? NaN, 3, 'unknown multiple: standard price');
      assert.match(result.note, new RegExp(`Fast-mode usage of ${SONNET} is priced at standard rates`));
    } finally {
      await fast.close();
    }
  });

  void it('Priority Tier, which the cost report leaves out, is priced from usage and not scaled to the billed total; only the rest is', async () => {
    const org = await startAnthropicFake({ adminKey: ADMIN_KEY, now: NOW, usage: usageRecordsFromFixtures(USAGE_PAGES), costs: costRecordsFromFixture() });
    try {
      const result = await fetchAnthropic(input({ ...orgWide, baseUrl: new URL(org.baseUrl), ...week }));
      // 2026-11-25: billed 1800 cents. Outside it: Sonnet 4.5 priority, 1M × $3 + 100k × $15 = $4.50.
      near(total(rowsOn(result.rows, '2026-11-25')), 18 + 4.5, 'billed + priority');
      // 2026-11-26: billed "123.78912" cents, far below the estimate: the rest is scaled down to it,
      // the priority_on_demand part (200k × $3 + 20k × $15 = $0.90) is not.
      const day = rowsOn(result.rows, '2026-11-26');
      near(total(day), 1.2378912 + 0.9, 'scaled rest + priority on demand');
      const haiku = day.find((r) => r.model.startsWith('claude-haiku-4-5'));
      near(haiku?.cost ?? NaN, (1.2378912 * 4.5) / (6 + 3.225 + 4.5), 'haiku keeps its share of the billed total');
      assert.match(result.note, /Priority Tier usage, which the cost report leaves out, is priced from token usage at list price and added/);
      // Days with no usage and an empty cost bucket stay empty.
      assert.deepEqual(rowsOn(result.rows, '2026-11-24'), []);
    } finally {
      await org.close();
    }
  });

  void it('Claude Code analytics: a subscription seat\'s estimated cost is not spend; API records are, whatever form their date has', async () => {
    const cc = await startAnthropicFake({ adminKey: ADMIN_KEY, now: NOW, usage: [], claudeCode: claudeCodeRecordsFromFixture() });
    try {
      const result = await fetchAnthropic(input({ apiKeyIds: [], claudeCodeEmail: 'me@example.com', baseUrl: new URL(cc.baseUrl), yearStart: '2026-11-26' }));
      const served = cc.requests.filter((r) => r.path === CLAUDE_CODE && r.query['starting_at']?.[0] === '2026-11-26');
      assert.equal(served.length, 1);
      const day = rowsOn(result.rows, '2026-11-26');
      assert.deepEqual(
        day.map((r) => [r.model, r.cost]),
        [
          ['claude-code:claude-sonnet-4-20250514', 1.86],
          ['claude-code:claude-3-5-haiku-20241022', 0.42],
        ],
        'the api record (date with a time part) counts; the subscription record (950 cents) does not',
      );
      assert.match(result.note, /subscription seat.*\$9\.50.*not counted/);
    } finally {
      await cc.close();
    }
  });

  void it('is tolerant of what has one meaning: missing optional fields, empty buckets', () => {
    const page = fixtureBody<{ data: { starting_at: string; results: Record<string, unknown>[] }[] }>('anthropic', 'usage-messages-page1');
    const bucket = structuredClone(page.data[1]);
    assert.ok(bucket?.results[3]);
    for (const field of ['server_tool_use', 'cache_creation', 'cache_read_input_tokens', 'speed', 'inference_geo', 'api_key_id', 'workspace_id']) delete bucket.results[3][field];
    const parsed = v.parse(MessagesPageSchema, { data: [page.data[0], bucket], has_more: false });
    assert.deepEqual(messagesBucketToRows('2026-11-24', parsed.data[0] ?? assert.fail()), [], 'an empty bucket: no rows');
    const rows = messagesBucketToRows('2026-11-25', parsed.data[1] ?? assert.fail());
    near(rows.find((r) => r.model === OPUS)?.cost ?? NaN, 1, 'no speed = standard, no cache block = none');
    const billed = billedPerDay(v.parse(CostPageSchema, fixtureBody('anthropic', 'cost-report')).data);
    assert.deepEqual([...billed.keys()], ['2026-11-25', '2026-11-26'], 'an empty cost bucket is no billed total (not $0)');
    near(billed.get('2026-11-26') ?? NaN, 1.2378912, 'cents as a decimal string');
  });

  void it('is loud where the meaning is unclear: an unknown speed, service tier or customer type names the field and the value', () => {
    const usage = structuredClone(fixtureBody<{ data: { results: Record<string, unknown>[] }[] }>('anthropic', 'usage-messages-page1'));
    const result = usage.data[1]?.results[2];
    assert.ok(result);
    result['speed'] = 'turbo';
    result['service_tier'] = 'scale';
    const bad = v.safeParse(MessagesPageSchema, usage);
    assert.ok(!bad.success);
    const message = describeIssues(bad.issues);
    assert.match(message, /data\.1\.results\.2\.service_tier: expected .*"priority_on_demand".*, got "scale"/);
    assert.match(message, /data\.1\.results\.2\.speed: expected \("standard" \| "fast"\), got "turbo"/);
    const cc = structuredClone(fixtureBody<{ data: Record<string, unknown>[] }>('anthropic', 'claude-code-page'));
    assert.ok(cc.data[0]);
    cc.data[0]['customer_type'] = 'trial';
    const badCc = v.safeParse(ClaudeCodePageSchema, cc);
    assert.ok(!badCc.success);
    assert.match(describeIssues(badCc.issues), /data\.0\.customer_type: expected \("api" \| "subscription"\), got "trial"/);
  });
});

function addDays(day: string, n: number): string {
  return dayOf(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000);
}
