/** The registry of source adapters. */
import { anthropicAdapter } from './anthropic';
import { fetchGateway, GATEWAY_SOURCE_NAME, GatewaySyncSchema } from './gateway';
import { keyedAdapterContext } from './keyedAdapter';
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
  // Its sync state is only which days were fetched: without it every day is read again.
  rereadsFromScratch: true,
  isEnabled: (config) => config.sources.gateway.url !== '',
  identity: (config) => config.sources.gateway.url.replace(/\/+$/, ''),
  async fetch(context) {
    const start = keyedAdapterContext(context, {
      name: GATEWAY_SOURCE_NAME,
      url: context.config.sources.gateway.url,
      urlSetting: 'tokenBudget.sources.gateway.url',
      keyHint: 'Run "Token Budget: Set API Key…" or set TOKEN_BUDGET_GATEWAY_KEY.',
      syncSchema: GatewaySyncSchema,
    });
    const { annualBudget, budgetYearStart } = context.config;
    const result = await fetchGateway({ ...start, sync: start.sync ?? {}, settings: { annualBudget, budgetYearStart } });
    const budget = result.allowance.budget;
    return {
      days: result.days,
      rows: result.rows,
      sync: result.sync,
      demo: result.demo,
      user: result.allowance.user,
      budget: budget ? { amount: budget.amount, periodStart: budget.period_start, periodEnd: budget.period_end } : null,
      ...(result.totals.length > 0 ? { totals: result.totals } : {}),
      requests: result.requests,
    };
  },
};

export const ADAPTERS: readonly SourceAdapter[] = [gatewayAdapter, litellmAdapter, openrouterAdapter, openaiAdapter, anthropicAdapter, claudeCodeAdapter, codexAdapter];
