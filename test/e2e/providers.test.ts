// Real gateways and provider APIs in a real VS Code workbench: the meter and the dashboard show
// the spend this test computes from the fakes' own data (LiteLLM: the proxy's spend figures;
// OpenAI and Anthropic: tokens × the providers' published prices; OpenRouter: the key's own
// usage readings), never by calling the extension's code.
//
//   npm run package && node --import tsx --test test/e2e/providers.test.ts

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { launchEditor, type RunningEditor } from '../../scripts/lib/editor.mjs';
import { startLiteLLMFake, type LiteLLMFake, type SpendRow } from '../fakes/litellm';
import { startAnthropicFake, type AnthropicFake, type AnthropicUsageRecord } from '../fakes/anthropic';
import { startOpenAIFake, type OpenAIFake, type OpenAIUsageRecord } from '../fakes/openai';
import { DOCUMENTED_KEY_DATA, startOpenRouterFake, type OpenRouterFake } from '../fakes/openrouter';
import { capturingFailure, findInWebviews, hoverTooltip, openWorkbench, poll, runCommand, screenshot, statusBarItem, waitForStatusText, type Workbench } from './workbench';

const VSIX = process.env.TB_VSIX ?? path.resolve(__dirname, '..', '..', 'token-budget.vsix');
const ITEM_ID = 'token-budget.token-budget.tokenBudget.meter';
const BUDGET = 10_000;

/** The last `n` UTC days before today that are inside this calendar year (the budget year). */
function recentDays(n: number): string[] {
  const out: string[] = [];
  const year = new Date().getFullYear();
  for (let i = 1; out.length < n && i < 400; i++) {
    const d = new Date(Date.now() - i * 86_400_000).toISOString().slice(0, 10);
    if (Number(d.slice(0, 4)) === year) out.push(d);
  }
  return out;
}

async function kpi(frame: Frame, id: string): Promise<number> {
  return Number(await frame.getAttribute(`[data-kpi="${id}"]`, 'data-value'));
}

interface Fake {
  close(): Promise<void>;
}

/**
 * One provider's suite: its fake, an editor with `settings` and `env` (the key), and one test that
 * opens the workbench, waits for the meter and hands `body` the page and the meter's text. A
 * failure leaves a screenshot `FAILED-<shot>`, a pass `<shot>`.
 */
function providerSuite<F extends Fake>(
  title: string,
  setup: { start: () => Promise<F>; settings: (fake: F) => Record<string, unknown>; env: Record<string, string> },
  testTitle: string,
  shot: string,
  body: (fake: F, page: Page, meterText: string) => Promise<void>,
): void {
  void describe(title, { timeout: 240_000 }, () => {
    let fake: F | undefined;
    let editor: RunningEditor | undefined;
    let wb: Workbench | undefined;
    before(async () => {
      fake = await setup.start();
      editor = await launchEditor({ vsixPath: VSIX, userSettings: setup.settings(fake), env: setup.env });
    });
    after(async () => {
      await wb?.close();
      await editor?.stop();
      await fake?.close();
    });
    void test(testTitle, () =>
      capturingFailure(() => wb?.page, shot, async () => {
        assert.ok(fake && editor);
        wb = await openWorkbench(editor.url);
        const text = await waitForStatusText(wb.page, /\d+% · \$/, 90_000);
        await body(fake, wb.page, text);
        await screenshot(wb.page, shot);
      }));
  });
}

/** The dashboard, opened from the palette, once its `spent` KPI is there. */
async function openDashboard(page: Page): Promise<Frame> {
  await runCommand(page, 'Token Budget: Open Dashboard');
  return findInWebviews(page, '[data-kpi="spent"]');
}

const percentOf = (text: string): number => Number(/(\d+)%/.exec(text)?.[1]);

{
  const KEY = 'sk-e2e-litellm-alice-0001';
  const spend: SpendRow[] = recentDays(30).flatMap((date, i) => [
    { user_id: 'alice', date, api_key: 'hash-alice', model: 'claude-sonnet-4-5', spend: 40 + (i % 7) * 3.25, prompt_tokens: 900_000, completion_tokens: 40_000, api_requests: 120 },
    { user_id: 'alice', date, api_key: 'hash-alice', model: 'gpt-5', spend: 12.5 + (i % 3), prompt_tokens: 300_000, completion_tokens: 20_000, api_requests: 40 },
    { user_id: 'bob', date, api_key: 'hash-bob', model: 'gpt-5', spend: 999, prompt_tokens: 1, completion_tokens: 1, api_requests: 1 },
  ]);
  const expectedSpent = spend.filter((r) => r.user_id === 'alice').reduce((s, r) => s + r.spend, 0);

  providerSuite<LiteLLMFake>(
    'LiteLLM proxy in the real workbench',
    {
      start: () =>
        startLiteLLMFake({
          data: {
            keys: [{ secret: KEY, user_id: 'alice', spend: 250, max_budget: 1000, budget_duration: '30d', budget_reset_at: new Date(Date.now() + 5 * 86_400_000).toISOString() }],
            users: [{ user_id: 'alice', user_email: 'alice@example.com', spend: expectedSpent }, { user_id: 'bob', spend: 1 }],
            teams: [],
            spend,
          },
        }),
      settings: (fake) => ({ 'tokenBudget.sources.litellm.url': fake.url, 'tokenBudget.annualBudget': BUDGET }),
      env: { LITELLM_API_KEY: KEY },
    },
    'the meter shows the own user’s spend, the monthly key budget beside the annual one',
    'providers-litellm',
    async (fake, page, text) => {
      assert.equal(percentOf(text), Math.round((expectedSpent / BUDGET) * 100), text);
      const queries = fake.requests.filter((r) => r.path === '/user/daily/activity').map((r) => r.query);
      assert.ok(queries.length > 0 && queries.every((q) => q['user_id'] === 'alice'), 'the own user_id is sent');
      const tip = await hoverTooltip(page, statusBarItem(page, { id: ITEM_ID }));
      assert.match(tip, /LiteLLM proxy: ok/);
      assert.match(tip, /this month: \$250\.00 of \$1,000\.00, resets on/);
      const frame = await openDashboard(page);
      assert.ok(Math.abs((await kpi(frame, 'spent')) - expectedSpent) < 0.006, `spent ${await kpi(frame, 'spent')} vs ${expectedSpent}`);
      assert.equal(await frame.getAttribute('[data-source="litellm"]', 'data-state'), 'ok');
    },
  );
}

{
  const ADMIN = 'sk-admin-e2e-0000000000000000000000';
  const days = recentDays(20);
  const usage: OpenAIUsageRecord[] = days.flatMap((day) => [
    { day, model: 'gpt-4o-2024-08-06', user_id: 'user_me', input_tokens: 1_000_000, input_cached_tokens: 200_000, output_tokens: 100_000, num_model_requests: 100 },
    { day, model: 'gpt-4o-mini', user_id: 'user_other', input_tokens: 9_000_000, output_tokens: 900_000, num_model_requests: 50 },
  ]);
  // OpenAI's published gpt-4o prices per million tokens: $2.50 input, $1.25 cached input, $10 output.
  const perDay = 0.8 * 2.5 + 0.2 * 1.25 + 0.1 * 10;
  const expectedSpent = perDay * days.length;

  providerSuite<OpenAIFake>(
    'OpenAI Admin usage API in the real workbench',
    {
      start: () => startOpenAIFake({ adminKey: ADMIN, now: new Date(), usage }),
      settings: (fake) => ({
        'tokenBudget.sources.openai.enabled': true,
        'tokenBudget.sources.openai.baseUrl': fake.baseUrl,
        'tokenBudget.sources.openai.userIds': ['user_me'],
        'tokenBudget.annualBudget': BUDGET,
      }),
      env: { OPENAI_ADMIN_KEY: ADMIN },
    },
    'the meter shows the filtered user’s tokens priced per model',
    'providers-openai',
    async (fake, page, text) => {
      const sent = fake.requests.filter((r) => r.path.endsWith('/organization/usage/completions'));
      assert.ok(sent.length > 0 && sent.every((r) => r.query['user_ids']?.includes('user_me') === true), 'the personal filter is sent');
      const frame = await openDashboard(page);
      const spent = await kpi(frame, 'spent');
      assert.ok(Math.abs(spent - expectedSpent) < 0.02, `spent ${spent} vs ${expectedSpent}`);
      assert.equal(percentOf(text), Math.round((expectedSpent / BUDGET) * 100));
      assert.equal(await frame.getAttribute('[data-source="openai"]', 'data-state'), 'ok');
    },
  );
}

{
  const ADMIN = 'sk-ant-admin01-e2e-0123456789abcdef';
  const days = recentDays(20);
  const SONNET = 'claude-sonnet-4-5-20250929';
  const usage: AnthropicUsageRecord[] = days.flatMap((day) => [
    { day, model: SONNET, api_key_id: 'apikey_me', uncached_input_tokens: 1_000_000, cache_read_input_tokens: 2_000_000, ephemeral_5m_input_tokens: 100_000, output_tokens: 200_000 },
    { day, model: SONNET, api_key_id: 'apikey_colleague', uncached_input_tokens: 50_000_000, output_tokens: 5_000_000 },
  ]);
  // Anthropic's published Claude Sonnet 4.5 prices per million tokens (up to 200k context): $3
  // input, $0.30 cache read, $3.75 5-minute cache write, $15 output.
  const perDay = 1 * 3 + 2 * 0.3 + 0.1 * 3.75 + 0.2 * 15;
  const expectedSpent = perDay * days.length;

  providerSuite<AnthropicFake>(
    'Anthropic Admin usage report in the real workbench',
    {
      start: () => startAnthropicFake({ adminKey: ADMIN, now: new Date(), usage }),
      settings: (fake) => ({
        'tokenBudget.sources.anthropic.enabled': true,
        'tokenBudget.sources.anthropic.baseUrl': fake.baseUrl,
        'tokenBudget.sources.anthropic.apiKeyIds': ['apikey_me'],
        'tokenBudget.annualBudget': BUDGET,
      }),
      env: { ANTHROPIC_ADMIN_KEY: ADMIN },
    },
    'the meter shows the own API key’s tokens priced per model, cache writes included',
    'providers-anthropic',
    async (fake, page, text) => {
      const sent = fake.requests.filter((r) => r.path.endsWith('/organizations/usage_report/messages'));
      assert.ok(sent.length > 0, 'the usage report was read');
      assert.ok(sent.every((r) => r.query['api_key_ids[]']?.includes('apikey_me') === true), 'the own API key filter is sent');
      assert.ok(sent.every((r) => r.headers['x-api-key'] === ADMIN && typeof r.headers['anthropic-version'] === 'string'), 'the Admin key and the API version are sent');
      const frame = await openDashboard(page);
      const spent = await kpi(frame, 'spent');
      assert.ok(Math.abs(spent - expectedSpent) < 0.02, `spent ${spent} vs ${expectedSpent}`);
      assert.equal(percentOf(text), Math.round((expectedSpent / BUDGET) * 100));
      assert.equal(await frame.getAttribute('[data-source="anthropic"]', 'data-state'), 'ok');
    },
  );
}

{
  const KEY = 'sk-or-v1-e2e-0123456789abcdef0123456789abcdef';
  const SMALL_BUDGET = 100;
  // A normal inference key's reading: lifetime usage, and what of it fell today, this week and this month (UTC).
  const first = { ...DOCUMENTED_KEY_DATA, usage: 180, usage_daily: 2.5, usage_weekly: 12, usage_monthly: 40, limit: null, limit_remaining: null, limit_reset: null };

  providerSuite<OpenRouterFake>(
    'OpenRouter key in the real workbench',
    {
      start: () => startOpenRouterFake({ key: KEY, keyData: { ...first } }),
      settings: (fake) => ({
        'tokenBudget.sources.openrouter.enabled': true,
        'tokenBudget.sources.openrouter.baseUrl': fake.baseUrl,
        'tokenBudget.annualBudget': SMALL_BUDGET,
      }),
      env: { OPENROUTER_API_KEY: KEY },
    },
    'the first reading counts this month’s usage; a later reading adds what was spent since',
    'providers-openrouter',
    async (fake, page, text) => {
      // Only this month can be placed in days (today, and the rest of the month as one lump on the 1st).
      assert.equal(percentOf(text), Math.round((first.usage_monthly / SMALL_BUDGET) * 100), text);
      assert.ok(fake.requests.some((r) => r.path === '/api/v1/key' && r.authorization === `Bearer ${KEY}`), 'the key endpoint was read with the key');
      const frame = await openDashboard(page);
      assert.ok(Math.abs((await kpi(frame, 'spent')) - first.usage_monthly) < 0.006, `spent ${await kpi(frame, 'spent')} vs ${first.usage_monthly}`);
      assert.equal(await frame.getAttribute('[data-source="openrouter"]', 'data-state'), 'ok');
      // The month before tracking is one row, but the projection spreads it over its days: the
      // year-end is the spend plus that daily rate over the days left, not a month's spend per day.
      const dayOfMonth = new Date().getUTCDate();
      if (dayOfMonth >= 8) {
        const rate = (first.usage_monthly - first.usage_daily) / (dayOfMonth - 1);
        const now = new Date();
        const daysLeft = Math.round((new Date(now.getFullYear() + 1, 0, 1).getTime() - new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).getTime()) / 86_400_000);
        const projected = await kpi(frame, 'projected');
        const want = first.usage_monthly + rate * daysLeft;
        assert.ok(Math.abs(projected - want) / want < 0.02, `projected ${projected} vs ${want} ($${rate.toFixed(2)} a day over ${daysLeft} days)`);
      }

      // $7.25 more spent on the key, then a refresh: a second reading.
      fake.keyData = { ...first, usage: first.usage + 7.25, usage_daily: first.usage_daily + 7.25, usage_weekly: first.usage_weekly + 7.25, usage_monthly: first.usage_monthly + 7.25 };
      await runCommand(page, 'Token Budget: Refresh Now');
      const expected = first.usage_monthly + 7.25;
      await waitForStatusText(page, new RegExp(`\\b${Math.round((expected / SMALL_BUDGET) * 100)}% · \\$`), 60_000);
      const updated = await findInWebviews(page, '[data-kpi="spent"]');
      await poll(`the dashboard's spend at the second reading, $${expected}`, 30_000, async () => (Math.abs((await kpi(updated, 'spent')) - expected) < 0.006 ? true : undefined));
    },
  );
}
