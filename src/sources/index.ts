/** The registry of source adapters. */
import * as v from 'valibot';
import { anthropicAdapter } from './anthropic';
import { fetchGateway, GATEWAY_SOURCE_NAME, GatewaySyncSchema } from './gateway';
import { parseSourceUrl, SourceError } from './http';
import { litellmAdapter } from './litellm';
import { claudeCodeAdapter, codexAdapter } from './localLogs/adapter';
import { openaiAdapter } from './openai';
import { openrouterAdapter } from './openrouter';
import type { SourceAdapter } from './types';

export const gatewayAdapter: SourceAdapter = {
  id: 'gateway',
  label: GATEWAY_SOURCE_NAME,
  setting: 'tokenBudget.sources.gateway.url',
  needsKey: true,
  isEnabled: (config) => config.sources.gateway.url !== '',
  identity: (config) => config.sources.gateway.url.replace(/\/+$/, ''),
  async fetch(context) {
    const baseUrl = parseSourceUrl(context.config.sources.gateway.url, 'tokenBudget.sources.gateway.url');
    if (!context.key) {
      throw new SourceError('auth', `${GATEWAY_SOURCE_NAME}: no key. Run "Token Budget: Set API Key…" or set TOKEN_BUDGET_GATEWAY_KEY.`);
    }
    const previous = v.safeParse(GatewaySyncSchema, context.sync);
    const result = await fetchGateway({
      http: context.http,
      baseUrl,
      key: context.key,
      yearStart: context.yearStart,
      today: context.today,
      utcToday: context.utcToday,
      sync: previous.success ? previous.output : {},
    });
    const budget = result.allowance.budget;
    return {
      days: result.days,
      rows: result.rows,
      sync: result.sync,
      demo: result.demo,
      user: result.allowance.user,
      budget: budget ? { amount: budget.amount, periodStart: budget.period_start, periodEnd: budget.period_end } : null,
      requests: result.requests,
    };
  },
};

export const ADAPTERS: readonly SourceAdapter[] = [gatewayAdapter, litellmAdapter, openrouterAdapter, openaiAdapter, anthropicAdapter, claudeCodeAdapter, codexAdapter];
