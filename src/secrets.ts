/**
 * API keys: SecretStorage first (shared by every window; `onDidChange` tells them all), then the
 * source's environment variable. Keys are never written to settings or logs.
 */
import * as vscode from 'vscode';
import { keySpec, KEY_SPECS, type KeyedSource } from './sources/registry';

export { isKeyedSource, keySpec, KEY_SPECS, type KeyedSource, type KeyEntry as KeySpec } from './sources/registry';

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
