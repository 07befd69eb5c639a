/**
 * API keys: SecretStorage first (shared by every window; `onDidChange` tells them all), then the
 * source's environment variable. Keys are never written to settings or logs.
 */
import * as vscode from 'vscode';
import type { SourceId } from './core/types';

export type KeyedSource = 'gateway' | 'litellm' | 'openrouter' | 'openai' | 'anthropic';

export interface KeySpec {
  readonly source: KeyedSource;
  readonly label: string;
  readonly envVar: string;
  readonly secretKey: string;
  readonly hint: string;
}

export const KEY_SPECS: readonly KeySpec[] = [
  { source: 'gateway', label: 'Allowance gateway', envVar: 'TOKEN_BUDGET_GATEWAY_KEY', secretKey: 'tokenBudget.key.gateway', hint: 'The key your company gateway issued to you' },
  { source: 'litellm', label: 'LiteLLM proxy', envVar: 'LITELLM_API_KEY', secretKey: 'tokenBudget.key.litellm', hint: 'Your LiteLLM virtual key (sk-…)' },
  { source: 'openrouter', label: 'OpenRouter', envVar: 'OPENROUTER_API_KEY', secretKey: 'tokenBudget.key.openrouter', hint: 'An OpenRouter API key (sk-or-v1-…)' },
  { source: 'openai', label: 'OpenAI (Admin)', envVar: 'OPENAI_ADMIN_KEY', secretKey: 'tokenBudget.key.openai', hint: 'An OpenAI Admin key (sk-admin-…)' },
  { source: 'anthropic', label: 'Anthropic (Admin)', envVar: 'ANTHROPIC_ADMIN_KEY', secretKey: 'tokenBudget.key.anthropic', hint: 'An Anthropic Admin key (sk-ant-admin01-…)' },
];

export function keySpec(source: KeyedSource): KeySpec {
  const spec = KEY_SPECS.find((s) => s.source === source);
  if (!spec) throw new Error(`no key spec for ${source}`);
  return spec;
}

export function isKeyedSource(id: SourceId): id is KeyedSource {
  return KEY_SPECS.some((s) => s.source === id);
}

export interface ResolvedKey {
  readonly key: string;
  readonly from: 'secretStorage' | 'environment';
}

export class Keys implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<KeyedSource>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.subscription = secrets.onDidChange((e) => {
      const spec = KEY_SPECS.find((s) => s.secretKey === e.key);
      if (spec) this.emitter.fire(spec.source);
    });
  }

  async get(source: KeyedSource): Promise<ResolvedKey | undefined> {
    const spec = keySpec(source);
    const stored = (await this.secrets.get(spec.secretKey))?.trim();
    if (stored) return { key: stored, from: 'secretStorage' };
    const fromEnv = this.env[spec.envVar]?.trim();
    return fromEnv ? { key: fromEnv, from: 'environment' } : undefined;
  }

  async set(source: KeyedSource, key: string): Promise<void> {
    await this.secrets.store(keySpec(source).secretKey, key.trim());
  }

  async clear(source: KeyedSource): Promise<void> {
    await this.secrets.delete(keySpec(source).secretKey);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
