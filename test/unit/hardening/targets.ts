/**
 * The fault suite's targets: each source's fake (the gateway simulator, the LiteLLM, OpenRouter,
 * OpenAI and Anthropic fakes) behind a fault proxy, with a distinctive key, small data, and the
 * settings that point the real adapter at it. Used by faults.test.ts and secrets.test.ts.
 */
import type { SourceId } from '../../../src/core/types';
import { startSimulator } from '../../../tools/simulator/server';
import { startAnthropicFake, type AnthropicCostRecord, type AnthropicUsageRecord } from '../../fakes/anthropic';
import { startLiteLLMFake, type SpendRow } from '../../fakes/litellm';
import { startOpenAIFake, type OpenAICostRecord, type OpenAIUsageRecord } from '../../fakes/openai';
import { startOpenRouterFake } from '../../fakes/openrouter';
import { startFaultProxy, type FaultProxy } from './faultProxy';

export const NOW = new Date('2026-11-27T12:00:00Z');

/**
 * Keys that share no 9-character run with each other or with anything the extension writes, so a
 * leak of any of them is found by a plain substring search.
 */
export const KEYS = {
  gateway: 'tbgw-q7R2xL9mV4nK8pZ3wQ',
  litellm: 'sk-lt-W5hJ2cQ8rT1yB6uNe',
  openrouter: 'sk-or-v1-F3kD9sL2pX7vM4aRy',
  openai: 'sk-admin-G8nB3wE6tY1qC5zHu',
  anthropic: 'sk-ant-admin01-J4mU7iO2kP9lA6sDf',
} as const;
/** Keys the fakes reject (for the "wrong key" row). */
export const WRONG_KEYS = {
  gateway: 'tbgw-WRONG-e5Tg8Hj1Kl4Zx',
  litellm: 'sk-lt-WRONG-c6Vb9Nm2Qw7Er',
  openrouter: 'sk-or-v1-WRONG-a3Sd6Fg9Hj2Kl',
  openai: 'sk-admin-WRONG-p1Oi4Uy7Tr0Ew',
  anthropic: 'sk-ant-admin01-WRONG-m8Nb5Vc2Xz9Lk',
} as const;

export type TargetId = keyof typeof KEYS;

/** A content fault the fake itself produces. */
export type ContentFault = 'truncated' | 'wrong_types' | 'malformed' | 'endless_paging';

export interface Target {
  readonly id: TargetId & SourceId;
  readonly label: string;
  readonly proxy: FaultProxy;
  /** Settings (without the `tokenBudget.` prefix) pointing the adapter at the proxy. */
  readonly settings: Record<string, unknown>;
  /** Sets a content fault at the fake (null clears it); false when the fake cannot do it. */
  contentFault(kind: ContentFault | null): boolean;
  /** Most requests one refresh may make when a server pages forever. */
  readonly maxPages: number | null;
  close(): Promise<void>;
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10);
function weekdays(from: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= NOW.getTime(); t += 86_400_000) {
    const w = new Date(t).getUTCDay();
    if (w !== 0 && w !== 6) out.push(day(t));
  }
  return out;
}

const COMMON = { annualBudget: 100_000, budgetYearStart: '01-01', 'sources.claudeCode.enabled': 'off', 'sources.codex.enabled': 'off' };

/** What sets a target apart; every target puts a fault proxy in front of its fake. */
interface TargetSpec {
  readonly id: Target['id'];
  readonly label: string;
  /** Where the proxy forwards to. */
  readonly upstream: string;
  /** The settings, given the proxy's URL. */
  settings(proxyUrl: string): Record<string, unknown>;
  contentFault(kind: ContentFault | null): boolean;
  readonly maxPages: number | null;
  /** Stops the fake (after the proxy). */
  close(): Promise<void>;
}

async function behindProxy(spec: TargetSpec): Promise<Target> {
  const proxy = await startFaultProxy(spec.upstream);
  return {
    id: spec.id,
    label: spec.label,
    proxy,
    settings: spec.settings(proxy.url),
    contentFault: (kind) => spec.contentFault(kind),
    maxPages: spec.maxPages,
    close: async () => {
      await proxy.close();
      await spec.close();
    },
  };
}

/** A fake that can play every content fault as `{ kind }`. */
function anyContentFault(fake: { setFault(fault: { kind: ContentFault } | null): void }): (kind: ContentFault | null) => boolean {
  return (kind) => {
    fake.setFault(kind === null ? null : { kind });
    return true;
  };
}

export async function startGatewayTarget(): Promise<Target> {
  const sim = await startSimulator({ port: 0, key: KEYS.gateway, history: { seed: 7, now: NOW }, pageSize: 30 });
  return behindProxy({
    id: 'gateway',
    label: 'gateway (simulator)',
    upstream: sim.url,
    settings: (url) => ({ 'sources.claudeCode.enabled': 'off', 'sources.codex.enabled': 'off', 'sources.gateway.url': url }),
    contentFault: anyContentFault(sim),
    maxPages: 60,
    close: () => sim.close(),
  });
}

export async function startLiteLLMTarget(): Promise<Target> {
  const spend: SpendRow[] = [];
  for (const d of weekdays('2026-06-01')) {
    spend.push({ user_id: 'alice', date: d, api_key: 'hash-a', model: 'claude-sonnet-4-5', spend: 3.25, prompt_tokens: 1000, completion_tokens: 200, api_requests: 4 });
    spend.push({ user_id: 'alice', date: d, api_key: 'hash-a', model: 'gpt-4o-mini', spend: 0.5, prompt_tokens: 800, completion_tokens: 100, api_requests: 2 });
  }
  const fake = await startLiteLLMFake({
    data: {
      keys: [{ secret: KEYS.litellm, user_id: 'alice', team_id: null, spend: 900, key_alias: 'alice' }],
      users: [{ user_id: 'alice', user_email: 'alice@example.com', spend: 900, max_budget: null }],
      teams: [],
      spend,
    },
    // A proxy before /user/daily/activity/aggregated (LiteLLM PR #13400), so the faults reach the
    // paged endpoint and its page limit; the aggregated read is tested in the source's own suite.
    aggregated: false,
  });
  return behindProxy({
    id: 'litellm',
    label: 'litellm (fake)',
    upstream: fake.url,
    settings: (url) => ({ ...COMMON, 'sources.litellm.url': url }),
    contentFault: anyContentFault(fake),
    maxPages: 200,
    close: () => fake.close(),
  });
}

export async function startOpenRouterTarget(): Promise<Target> {
  const fake = await startOpenRouterFake({ key: KEYS.openrouter });
  fake.keyData = { ...fake.keyData, usage: 1234.5, usage_daily: 12.5, usage_weekly: 80, usage_monthly: 300 };
  return behindProxy({
    id: 'openrouter',
    label: 'openrouter (fake)',
    upstream: new URL(fake.baseUrl).origin,
    settings: (url) => ({ ...COMMON, 'sources.openrouter.enabled': true, 'sources.openrouter.baseUrl': `${url}/api/v1` }),
    contentFault(kind) {
      if (kind === 'endless_paging') return false; // one reading per refresh: nothing pages
      fake.setFault(kind === null ? null : { kind });
      return true;
    },
    maxPages: null,
    close: () => fake.close(),
  });
}

export async function startOpenAITarget(): Promise<Target> {
  const usage: OpenAIUsageRecord[] = weekdays('2026-01-01').flatMap((d) => [
    { day: d, model: 'gpt-4o-2024-08-06', user_id: 'user_me', api_key_id: 'key_me', project_id: 'proj_a', input_tokens: 1_000_000, input_cached_tokens: 200_000, output_tokens: 100_000, num_model_requests: 100 },
    { day: d, model: 'gpt-4o-mini', user_id: 'user_other', api_key_id: 'key_other', project_id: 'proj_b', input_tokens: 2_000_000, output_tokens: 200_000, num_model_requests: 50 },
  ]);
  const costs: OpenAICostRecord[] = weekdays('2026-01-01').map((d) => ({ day: d, value: 9.5 }));
  const fake = await startOpenAIFake({ adminKey: KEYS.openai, now: NOW, usage, costs });
  return behindProxy({
    id: 'openai',
    label: 'openai (fake)',
    upstream: fake.url,
    settings: (url) => ({ ...COMMON, 'sources.openai.enabled': true, 'sources.openai.baseUrl': `${url}/v1`, 'sources.openai.userIds': ['user_me'] }),
    contentFault: anyContentFault(fake),
    maxPages: 100,
    close: () => fake.close(),
  });
}

export async function startAnthropicTarget(): Promise<Target> {
  const usage: AnthropicUsageRecord[] = weekdays('2026-01-01').map((d) => ({ day: d, model: 'claude-sonnet-4-5-20250929', api_key_id: 'apikey_me', context_window: '0-200k', uncached_input_tokens: 1_000_000, output_tokens: 200_000 }));
  const costs: AnthropicCostRecord[] = weekdays('2026-01-01').map((d) => ({ day: d, amount: '650.00000', description: 'Claude Sonnet 4.5 Usage - Input Tokens', model: 'claude-sonnet-4-5-20250929' }));
  const fake = await startAnthropicFake({ adminKey: KEYS.anthropic, now: NOW, usage, costs });
  return behindProxy({
    id: 'anthropic',
    label: 'anthropic (fake)',
    upstream: fake.url,
    settings: (url) => ({ ...COMMON, 'sources.anthropic.enabled': true, 'sources.anthropic.baseUrl': url, 'sources.anthropic.apiKeyIds': ['apikey_me'] }),
    contentFault: anyContentFault(fake),
    maxPages: 100,
    close: () => fake.close(),
  });
}

export const TARGETS: readonly { readonly name: string; readonly start: () => Promise<Target> }[] = [
  { name: 'gateway (simulator)', start: startGatewayTarget },
  { name: 'litellm (fake)', start: startLiteLLMTarget },
  { name: 'openrouter (fake)', start: startOpenRouterTarget },
  { name: 'openai (fake)', start: startOpenAITarget },
  { name: 'anthropic (fake)', start: startAnthropicTarget },
];

/** The 9-character runs of `key` that say which key it is (not only what kind: `sk-admin-` is public). */
export function keyFragments(key: string, publicPrefix: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 9 <= key.length; i++) if (i + 9 > publicPrefix.length) out.push(key.slice(i, i + 9));
  return out;
}
