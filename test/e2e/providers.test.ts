// The provider sources at once in a real VS Code workbench, on one editor: LiteLLM, OpenAI
// Admin, Anthropic Admin, OpenRouter and GitHub Copilot, each a fake server, each key in its own
// environment variable and each setting in the user's settings. What each source makes of its
// service (paging, filters, prices, readings, errors) is tested against the same fakes in
// test/unit/sources/*.test.ts; here: that the extension reads each one's key and settings, that the
// meter adds them up, and that the dashboard shows each one's state, limits, note and unpriced models.
// Expected numbers are computed from the fakes' own data and the providers' published prices,
// never by calling the extension's code.
//
//   npm run package && node --import tsx --test test/e2e/providers.test.ts

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import type { RunningEditor } from '../../scripts/lib/editor.mjs';
import { startAnthropicFake, type AnthropicFake, type AnthropicUsageRecord } from '../fakes/anthropic';
import { startLiteLLMFake, type LiteLLMFake, type SpendRow } from '../fakes/litellm';
import { startOpenAIFake, type OpenAIFake, type OpenAIUsageRecord } from '../fakes/openai';
import { DOCUMENTED_KEY_DATA, startOpenRouterFake, type OpenRouterFake } from '../fakes/openrouter';
import { startCopilotFake, type CopilotFake, type FakeItem } from '../fakes/copilot';
import { answerInputBox, answerQuickPick, capturingFailure, findInWebviews, hoverTooltip, launchJourneyEditor, openWorkbench, poll, runCommand, screenshot, statusBarItem, waitForStatusText, type Workbench } from './workbench';

const VSIX = process.env.TB_VSIX ?? path.resolve(__dirname, '..', '..', 'token-budget.vsix');
const ITEM_ID = 'token-budget.token-budget.tokenBudget.meter';
const BUDGET = 10_000;
const DAY_MS = 86_400_000;

/** The last `n` UTC days before today that are inside this calendar year (the budget year). */
function recentDays(n: number): string[] {
  const out: string[] = [];
  const year = new Date().getFullYear();
  for (let i = 1; out.length < n && i < 400; i++) {
    const d = new Date(Date.now() - i * DAY_MS).toISOString().slice(0, 10);
    if (Number(d.slice(0, 4)) === year) out.push(d);
  }
  return out;
}

/** The local calendar day of an instant, as the dashboard shows it: "1 Dec 2026". */
function localDayText(iso: string): string {
  const d = new Date(iso);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${d.getDate()} ${months[d.getMonth()] ?? ''} ${d.getFullYear()}`;
}

// LiteLLM: the own user's spend (alice), a monthly key budget.
const LITELLM_KEY = 'sk-e2e-litellm-alice-0001';
const litellmSpend: SpendRow[] = recentDays(30).flatMap((date, i) => [
  { user_id: 'alice', date, api_key: 'hash-alice', model: 'claude-sonnet-4-5', spend: 40 + (i % 7) * 3.25, prompt_tokens: 900_000, completion_tokens: 40_000, api_requests: 120 },
  { user_id: 'alice', date, api_key: 'hash-alice', model: 'gpt-5', spend: 12.5 + (i % 3), prompt_tokens: 300_000, completion_tokens: 20_000, api_requests: 40 },
  { user_id: 'bob', date, api_key: 'hash-bob', model: 'gpt-5', spend: 999, prompt_tokens: 1, completion_tokens: 1, api_requests: 1 },
]);
const litellmSpent = litellmSpend.filter((r) => r.user_id === 'alice').reduce((s, r) => s + r.spend, 0);
const litellmResetAt = new Date(Date.now() + 5 * DAY_MS).toISOString();

// OpenAI: the filtered user's tokens priced per model, and a model no price is known for.
const OPENAI_ADMIN = 'sk-admin-e2e-0000000000000000000000';
const MYSTERY = 'gpt-mystery-9000';
const openaiDays = recentDays(20);
const openaiUsage: OpenAIUsageRecord[] = openaiDays.flatMap((day) => [
  { day, model: 'gpt-4o-2024-08-06', user_id: 'user_me', input_tokens: 1_000_000, input_cached_tokens: 200_000, output_tokens: 100_000, num_model_requests: 100 },
  { day, model: MYSTERY, user_id: 'user_me', input_tokens: 2_000_000, output_tokens: 50_000, num_model_requests: 10 },
  { day, model: 'gpt-4o-mini', user_id: 'user_other', input_tokens: 9_000_000, output_tokens: 900_000, num_model_requests: 50 },
]);
// OpenAI's published gpt-4o prices per million tokens: $2.50 input, $1.25 cached input, $10 output.
const openaiSpent = (0.8 * 2.5 + 0.2 * 1.25 + 0.1 * 10) * openaiDays.length;

// Anthropic: the own API key's tokens priced per model, cache writes included.
const ANTHROPIC_ADMIN = 'sk-ant-admin01-e2e-0123456789abcdef';
const SONNET = 'claude-sonnet-4-5-20250929';
const anthropicDays = recentDays(20);
const anthropicUsage: AnthropicUsageRecord[] = anthropicDays.flatMap((day) => [
  { day, model: SONNET, api_key_id: 'apikey_me', uncached_input_tokens: 1_000_000, cache_read_input_tokens: 2_000_000, ephemeral_5m_input_tokens: 100_000, output_tokens: 200_000 },
  { day, model: SONNET, api_key_id: 'apikey_colleague', uncached_input_tokens: 50_000_000, output_tokens: 5_000_000 },
]);
// Claude Sonnet 4.5 per million tokens (up to 200k context): $3 input, $0.30 cache read, $3.75 5-minute cache write, $15 output.
const anthropicSpent = (1 * 3 + 2 * 0.3 + 0.1 * 3.75 + 0.2 * 15) * anthropicDays.length;

// OpenRouter: a normal inference key's first reading counts this month's usage. Its windows agree
// with today's date (UTC): on a Monday the week is today alone, on the 1st so is the month, and a
// week that began before the month holds all of it.
const OPENROUTER_KEY = 'sk-or-v1-e2e-0123456789abcdef0123456789abcdef';
const utcNow = new Date();
const usageDaily = 2.5;
const usageMonthly = utcNow.getUTCDate() === 1 ? usageDaily : 40;
const daysSinceMonday = (utcNow.getUTCDay() + 6) % 7;
// a week that began on or before the 1st holds the whole month (and, here, nothing before it)
const usageWeekly = daysSinceMonday === 0 ? usageDaily : daysSinceMonday >= utcNow.getUTCDate() - 1 ? usageMonthly : 12;
const openrouterKey = { ...DOCUMENTED_KEY_DATA, usage: 180, usage_daily: usageDaily, usage_weekly: usageWeekly, usage_monthly: usageMonthly, limit: null, limit_remaining: null, limit_reset: null };
const openrouterSpent = openrouterKey.usage_monthly;

// GitHub Copilot: premium requests per day and model from the personal billing report, valued at
// GitHub's $0.04 a request (gross), part of them included in the plan.
const GITHUB_TOKEN = 'github_pat_e2e_0123456789abcdefABCDEF0123';
const copilotDays: Record<string, FakeItem[]> = Object.fromEntries(
  recentDays(12).map((date, i) => [date, [{ model: 'GPT-5', gross: 30 + i, included: 10 }, { model: 'Claude Sonnet 4.5', gross: 12, included: 0 }]]),
);
const copilotSpent = Object.values(copilotDays).flat().reduce((sum, item) => sum + item.gross * 0.04, 0);

const totalSpent = litellmSpent + openaiSpent + anthropicSpent + openrouterSpent + copilotSpent;

let litellm: LiteLLMFake;
let openai: OpenAIFake;
let anthropic: AnthropicFake;
let openrouter: OpenRouterFake;
let copilot: CopilotFake;
let editor: RunningEditor | undefined;
let wb: Workbench | undefined;
let page: Page;

before(async () => {
  [litellm, openai, anthropic, openrouter, copilot] = await Promise.all([
    startLiteLLMFake({
      data: {
        keys: [{ secret: LITELLM_KEY, user_id: 'alice', spend: 250, max_budget: 1000, budget_duration: '30d', budget_reset_at: litellmResetAt }],
        users: [{ user_id: 'alice', user_email: 'alice@example.com', spend: litellmSpent }, { user_id: 'bob', spend: 1 }],
        teams: [],
        spend: litellmSpend,
      },
    }),
    startOpenAIFake({ adminKey: OPENAI_ADMIN, now: new Date(), usage: openaiUsage }),
    startAnthropicFake({ adminKey: ANTHROPIC_ADMIN, now: new Date(), usage: anthropicUsage }),
    startOpenRouterFake({ key: OPENROUTER_KEY, keyData: { ...openrouterKey } }),
    startCopilotFake({ token: GITHUB_TOKEN }),
  ]);
  copilot.days = copilotDays;
  editor = await launchJourneyEditor({
    vsixPath: VSIX,
    userSettings: {
      'tokenBudget.sources.litellm.url': litellm.url,
      'tokenBudget.sources.openai.enabled': true,
      'tokenBudget.sources.openai.baseUrl': openai.baseUrl,
      'tokenBudget.sources.openai.userIds': ['user_me'],
      'tokenBudget.sources.anthropic.enabled': true,
      'tokenBudget.sources.anthropic.baseUrl': anthropic.baseUrl,
      'tokenBudget.sources.anthropic.apiKeyIds': ['apikey_me'],
      'tokenBudget.sources.openrouter.enabled': true,
      'tokenBudget.sources.openrouter.baseUrl': openrouter.baseUrl,
      'tokenBudget.sources.copilot.enabled': true,
      'tokenBudget.sources.copilot.baseUrl': copilot.baseUrl,
      'tokenBudget.annualBudget': BUDGET,
    },
    env: { LITELLM_API_KEY: LITELLM_KEY, OPENAI_ADMIN_KEY: OPENAI_ADMIN, ANTHROPIC_ADMIN_KEY: ANTHROPIC_ADMIN, OPENROUTER_API_KEY: OPENROUTER_KEY },
  });
  wb = await openWorkbench(editor.url);
  page = wb.page;
});

after(async () => {
  await wb?.close();
  await editor?.stop({ now: true });
  await Promise.all([litellm, openai, anthropic, openrouter, copilot].map((f) => f?.close()));
});

void describe('the provider sources in the real workbench', { timeout: 240_000 }, () => {
  void test('each key and setting reaches its source, and the meter adds up their spend', () => capturingFailure(page, 'providers-meter', async () => {
    // code-server takes GITHUB_TOKEN for its own GitHub sign-in and removes it from the extension
    // host's environment (its cli.js), so here the Copilot token is stored with Set API Key…, once
    // the extension is up (the meter shows the other sources' spend).
    await waitForStatusText(page, /\d+% · \$/, 90_000);
    await runCommand(page, 'Token Budget: Set API Key…');
    await answerQuickPick(page, 'GitHub Copilot');
    await answerInputBox(page, GITHUB_TOKEN);
    await poll('the Copilot billing report read with the stored token', 90_000, () =>
      Promise.resolve(copilot.requests.some((r) => r.path === '/users/monalisa/settings/billing/premium_request/usage' && r.headers['authorization'] === `Bearer ${GITHUB_TOKEN}`) || undefined),
    );
    const want = Math.round((totalSpent / BUDGET) * 100);
    await waitForStatusText(page, new RegExp(`\\b${want}% · \\$`), 90_000);

    // Each fake was asked with its own key and the user's own filter.
    const litellmQueries = litellm.requests.filter((r) => r.path.startsWith('/user/daily/activity')).map((r) => r.query);
    assert.ok(litellmQueries.length > 0 && litellmQueries.every((q) => q['user_id'] === 'alice'), `LiteLLM: the own user_id is sent (${JSON.stringify(litellm.requests.map((r) => r.path))})`);
    const openaiSent = openai.requests.filter((r) => r.path.endsWith('/organization/usage/completions'));
    assert.ok(openaiSent.length > 0 && openaiSent.every((r) => r.query['user_ids']?.includes('user_me') === true), 'OpenAI: the personal filter is sent');
    const anthropicSent = anthropic.requests.filter((r) => r.path.endsWith('/organizations/usage_report/messages'));
    assert.ok(anthropicSent.length > 0 && anthropicSent.every((r) => r.query['api_key_ids[]']?.includes('apikey_me') === true), 'Anthropic: the own API key filter is sent');
    assert.ok(anthropicSent.every((r) => r.headers['x-api-key'] === ANTHROPIC_ADMIN), 'Anthropic: the Admin key is sent');
    assert.ok(openrouter.requests.some((r) => r.path === '/api/v1/key' && r.authorization === `Bearer ${OPENROUTER_KEY}`), 'OpenRouter: the key endpoint was read with the key');

    const tip = await hoverTooltip(page, statusBarItem(page, { id: ITEM_ID }));
    assert.match(tip, /LiteLLM proxy: ok/);
    assert.match(tip, /this month: \$250\.00 of \$1,000\.00, resets on/);
    await screenshot(page, 'providers-meter');
  }));

  void test('the dashboard shows each source’s spend and state, its limits and note; unpriced models are flagged, not counted as $0', () => capturingFailure(page, 'providers-dashboard', async () => {
    await runCommand(page, 'Token Budget: Open Dashboard');
    const frame: Frame = await findInWebviews(page, '[data-testid="dashboard"][data-drawn] [data-source="litellm"][data-state="ok"]', 60_000);
    for (const id of ['openai', 'anthropic', 'openrouter', 'copilot']) await frame.locator(`[data-source="${id}"][data-state="ok"]`).waitFor({ timeout: 60_000 });

    const bySource = await poll('a breakdown row per source', 30_000, async () => {
      const rows = await frame.$$eval('[data-testid="breakdown-sources"] [data-source-row]', (trs) => Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-source-row') ?? '', Number(tr.getAttribute('data-cost'))])));
      return Object.keys(rows).length === 5 ? rows : undefined;
    });
    for (const [id, want, tolerance] of [['litellm', litellmSpent, 0.006], ['openai', openaiSpent, 0.02], ['anthropic', anthropicSpent, 0.02], ['openrouter', openrouterSpent, 0.006], ['copilot', copilotSpent, 0.006]] as const) {
      assert.ok(Math.abs((bySource[id] ?? Number.NaN) - want) < tolerance, `${id}: ${bySource[id]} vs ${want}`);
    }
    const spent = Number(await frame.getAttribute('[data-kpi="spent"]', 'data-value'));
    assert.ok(Math.abs(spent - totalSpent) < 0.05, `spent ${spent} vs ${totalSpent}`);

    // LiteLLM: the key's monthly budget as a limit, with its reset day.
    const limit = (await frame.locator('[data-source="litellm"] .source-limit').first().innerText()).trim();
    assert.match(limit, /^this month: \$250\.00 of \$1,000\.00, resets on /);
    assert.ok(limit.endsWith(localDayText(litellmResetAt)), `${limit} ends with ${localDayText(litellmResetAt)}`);
    // OpenAI: the note says what the numbers are and names the unpriced model.
    const note = (await frame.locator('[data-source="openai"] .source-note').innerText()).trim();
    assert.match(note, /Filtered to users user_me/);
    assert.ok(note.includes(MYSTERY), note);
    // The unpriced model: in the banner, and its row flagged with no dollar amount (how the page
    // draws an unpriced row is tested in test/page/dashboard.test.ts).
    const banner = (await frame.locator('[data-testid="unpriced-banner"]').innerText()).trim();
    assert.match(banner, new RegExp(`could not be priced: ${MYSTERY} \\([\\d.]+M tokens, OpenAI`));
    const row = frame.locator(`[data-testid="breakdown"] tr[data-model="${MYSTERY}"]`);
    assert.equal(await row.getAttribute('data-unpriced'), 'true');
    assert.equal(await row.getAttribute('data-cost'), '0.00');
    // Copilot: its models in the breakdown, what the plan included apart from what was billed.
    const models = await frame.$$eval('[data-testid="breakdown"] tr[data-model]', (trs) => trs.map((tr) => tr.getAttribute('data-model') ?? ''));
    // (a day of an earlier month is in that month's lump: "(GPT-5 included in plan, month: …)")
    for (const [model, part] of [['GPT-5', 'included in plan'], ['GPT-5', 'billed'], ['Claude Sonnet 4.5', 'billed']] as const) {
      assert.ok(models.some((m) => m.includes(model) && m.includes(part)), `breakdown has ${model} ${part}: ${models.join(', ')}`);
    }
    await screenshot(page, 'providers-dashboard');
  }));
});
