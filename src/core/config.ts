/**
 * The typed configuration: the whole `tokenBudget` section as one readonly object, read through
 * a reader function so this stays pure (src/config.ts supplies VS Code's reader).
 */
import { AGENT_IDS, type AgentId } from './types';
import { normalizeWorkdays } from './workdays';

export type Tristate = 'auto' | 'on' | 'off';

/** Each coding agent's `tokenBudget.sources.<id>.enabled` and `.paths`. */
export interface AgentSettings {
  readonly enabled: Tristate;
  readonly paths: readonly string[];
}
export type StatusBarDisplay = 'percent' | 'spent' | 'remaining';

export interface TokenBudgetConfig {
  readonly annualBudget: number;
  readonly budgetYearStart: string;
  readonly workdays: readonly number[];
  readonly refreshIntervalMinutes: number;
  readonly alerts: { readonly enabled: boolean; readonly thresholds: readonly number[] };
  readonly statusBar: { readonly display: StatusBarDisplay };
  readonly sources: {
    readonly gateway: { readonly url: string };
    readonly litellm: { readonly url: string };
    readonly openrouter: { readonly enabled: boolean; readonly baseUrl: string };
    readonly openai: { readonly enabled: boolean; readonly baseUrl: string; readonly userIds: readonly string[]; readonly apiKeyIds: readonly string[]; readonly projectIds: readonly string[] };
    readonly anthropic: { readonly enabled: boolean; readonly baseUrl: string; readonly apiKeyIds: readonly string[]; readonly claudeCodeEmail: string };
    readonly copilot: { readonly enabled: boolean; readonly baseUrl: string; readonly organization: string };
  } & { readonly [K in AgentId]: AgentSettings };
}

export const SECTION = 'tokenBudget';

function num(value: unknown, fallback: number, min = -Infinity): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(min, value) : fallback;
}
function str(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()) : [];
}
function tristate(value: unknown): Tristate {
  return value === 'on' || value === 'off' ? value : 'auto';
}

/** Reads one setting: for key-routing settings, only the user's own (global) value counts. */
export type Reader = (key: string, userOnly?: boolean) => unknown;

function agentSettings(read: Reader): { [K in AgentId]: AgentSettings } {
  const out = {} as { [K in AgentId]: AgentSettings };
  for (const id of AGENT_IDS) out[id] = { enabled: tristate(read(`sources.${id}.enabled`)), paths: strings(read(`sources.${id}.paths`)) };
  return out;
}

export function readConfig(read: Reader): TokenBudgetConfig {
  const thresholds = Array.isArray(read('alerts.thresholds'))
    ? [...new Set((read('alerts.thresholds') as unknown[]).filter((x): x is number => typeof x === 'number' && x > 0 && x <= 1000))].sort((a, b) => a - b)
    : [50, 75, 90, 100];
  const display = read('statusBar.display');
  return {
    annualBudget: num(read('annualBudget'), 0, 0),
    budgetYearStart: str(read('budgetYearStart'), '01-01'),
    workdays: normalizeWorkdays(read('workdays')),
    refreshIntervalMinutes: num(read('refreshIntervalMinutes'), 15, 1),
    alerts: { enabled: bool(read('alerts.enabled'), true), thresholds },
    statusBar: { display: display === 'spent' || display === 'remaining' ? display : 'percent' },
    sources: {
      gateway: { url: str(read('sources.gateway.url', true), '').trim() },
      litellm: { url: str(read('sources.litellm.url', true), '').trim() },
      openrouter: { enabled: bool(read('sources.openrouter.enabled', true), false), baseUrl: str(read('sources.openrouter.baseUrl', true), 'https://openrouter.ai/api/v1') },
      openai: {
        enabled: bool(read('sources.openai.enabled', true), false),
        baseUrl: str(read('sources.openai.baseUrl', true), 'https://api.openai.com/v1'),
        userIds: strings(read('sources.openai.userIds', true)),
        apiKeyIds: strings(read('sources.openai.apiKeyIds', true)),
        projectIds: strings(read('sources.openai.projectIds', true)),
      },
      anthropic: {
        enabled: bool(read('sources.anthropic.enabled', true), false),
        baseUrl: str(read('sources.anthropic.baseUrl', true), 'https://api.anthropic.com'),
        apiKeyIds: strings(read('sources.anthropic.apiKeyIds', true)),
        claudeCodeEmail: str(read('sources.anthropic.claudeCodeEmail', true), '').trim(),
      },
      copilot: {
        enabled: bool(read('sources.copilot.enabled', true), false),
        baseUrl: str(read('sources.copilot.baseUrl', true), 'https://api.github.com'),
        organization: str(read('sources.copilot.organization', true), '').trim(),
      },
      ...agentSettings(read),
    },
  };
}
