/**
 * API keys: SecretStorage first (shared by every window; `onDidChange` tells them all), then the
 * source's environment variable. Keys are never written to settings or logs.
 */
import * as vscode from 'vscode';
import { secretKeyOf } from './sources/descriptor';
import { KEYED_SOURCES, keyedSourceOf, type KeyedSource } from './sources/registry';

export { isKeyedSource, type KeyedSource } from './sources/registry';

/** What "Set API Key…" and "Clear API Key…" say about a source's key; derived from its descriptor. */
export interface KeySpec {
  readonly source: KeyedSource;
  readonly label: string;
  readonly envVar: string;
  readonly secretKey: string;
  /** The key, as the input box asks for it: "Your LiteLLM virtual key (sk-…)". */
  readonly hint: string;
}

function specOf(d: (typeof KEYED_SOURCES)[number]): KeySpec {
  const { what, envVar } = d.key;
  return { source: d.id, label: d.label, envVar, secretKey: secretKeyOf(d), hint: what.charAt(0).toUpperCase() + what.slice(1) };
}

/** One per keyed source, in registry order. */
export const KEY_SPECS: readonly KeySpec[] = KEYED_SOURCES.map(specOf);

export function keySpec(source: KeyedSource): KeySpec {
  return specOf(keyedSourceOf(source));
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
