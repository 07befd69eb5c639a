/**
 * The source registry: every source, one line each, in the order every list shows them (the
 * dashboard and the tooltip, "Set API Key…", "Configure a Source…"). What a source is lives in its
 * descriptor, beside its adapter (src/sources/descriptor.ts); every list, the keyed sources, and
 * which sources keep the agents' logs on `auto` off are derived from this list. Adding a source:
 * its descriptor, its id in SOURCE_IDS (src/core/types.ts) and one line here; the compiler and
 * test/unit/sources/registry.test.ts say what else is missing (its settings in package.json, its
 * key's variable in the README).
 */
import type { TokenBudgetConfig } from '../core/config';
import type { SourceId } from '../core/types';
import { ANTHROPIC } from './anthropic';
import { secretKeyOf, switchedOn, type KeySpec, type SourceDescriptor } from './descriptor';
import { GATEWAY } from './gateway';
import { LITELLM } from './litellm';
import { AgentLogs, type AgentLogsOptions } from './localLogs/adapter';
import { AGENT_SOURCES } from './localLogs/agents';
import { COPILOT, type GitHubSessionProvider } from './copilot';
import { OPENAI } from './openai';
import { OPENROUTER } from './openrouter';
import type { SourceAdapter, SourceStartContext } from './types';

export const SOURCES = [
  GATEWAY,
  LITELLM,
  OPENROUTER,
  OPENAI,
  ANTHROPIC,
  COPILOT,
  ...AGENT_SOURCES,
] as const satisfies readonly SourceDescriptor[];

type Registered = (typeof SOURCES)[number];

// Every SourceId has a descriptor here: a missing one fails to compile (registry.test.ts checks each is here once, in SOURCE_IDS order).
const _everyIdRegistered: Exclude<SourceId, Registered['id']> extends never ? true : never = true;

/** The sources that send a key (SecretStorage, else an environment variable). */
export type KeyedDescriptor = Extract<Registered, { readonly key: KeySpec }>;
export type KeyedSource = KeyedDescriptor['id'];

const isKeyed = (d: Registered): d is KeyedDescriptor => 'key' in d;

export const KEYED_SOURCES: readonly KeyedDescriptor[] = SOURCES.filter(isKeyed);

export function sourceOf(id: SourceId): SourceDescriptor {
  const found = SOURCES.find((d) => d.id === id);
  if (!found) throw new Error(`no source ${id}`);
  return found;
}

/** The one label of a source. */
export const labelOf = (id: SourceId): string => sourceOf(id).label;

export function isKeyedSource(id: unknown): id is KeyedSource {
  return KEYED_SOURCES.some((d) => d.id === id);
}

export function keyedSourceOf(id: KeyedSource): KeyedDescriptor {
  const found = KEYED_SOURCES.find((d) => d.id === id);
  if (!found) throw new Error(`no keyed source ${id}`);
  return found;
}

/** What "Set API Key…" and "Clear API Key…" show and use for a source's key. */
export interface KeyEntry {
  readonly source: KeyedSource;
  readonly label: string;
  readonly envVar: string;
  /** Where SecretStorage keeps it: `tokenBudget.key.<id>`. */
  readonly secretKey: string;
  /** The key, as the input box asks for it: "Your LiteLLM virtual key (sk-…)". */
  readonly hint: string;
}

function keyEntryOf(d: KeyedDescriptor): KeyEntry {
  const { what, envVar } = d.key;
  return { source: d.id, label: d.label, envVar, secretKey: secretKeyOf(d), hint: what.charAt(0).toUpperCase() + what.slice(1) };
}

/** One per keyed source, in registry order: the "Set API Key…" list. */
export const KEY_SPECS: readonly KeyEntry[] = KEYED_SOURCES.map(keyEntryOf);

export function keySpec(source: KeyedSource): KeyEntry {
  return keyEntryOf(keyedSourceOf(source));
}

/** True when a source that may carry the coding agents' traffic is on: agent logs on `auto` then stay off, and logs turned `on` are an estimate beside it. */
export function networkSourceConfigured(config: TokenBudgetConfig): boolean {
  return SOURCES.some((d) => d.carriesAgentTraffic && switchedOn(d, config));
}

/** A set of adapters, one per registered source, in registry order, and their lifecycle. */
export interface Sources {
  readonly adapters: readonly SourceAdapter[];
  /** Starts every adapter that has a start (before the first fetch). */
  start(context: SourceStartContext): void;
  /** Stops every adapter (each stop is idempotent); resolves once all have let go (the scan worker saved its state). */
  stopAll(): Promise<void>;
}

export interface SourcesOptions {
  /** For tests and tools: how the agents' logs are scanned and found (default: the bundled worker, this process's environment and home). */
  readonly agentLogs?: Omit<AgentLogsOptions, 'networkSourceConfigured'>;
  /** VS Code's GitHub sign-in, for the Copilot source's quota snapshot (the extension passes it; never prompts). */
  readonly githubSession?: GitHubSessionProvider;
}

/** Makes the adapters of every registered source; what they share is made here too, never held by a module. */
export function createSources(options: SourcesOptions = {}): Sources {
  const agentLogs = new AgentLogs({ ...options.agentLogs, networkSourceConfigured });
  const deps = { agentLogs, ...(options.githubSession ? { githubSession: options.githubSession } : {}) };
  const adapters: readonly SourceAdapter[] = SOURCES.map((d) => d.create(deps));
  return {
    adapters,
    start(context) {
      for (const adapter of adapters) adapter.start?.(context);
    },
    async stopAll() {
      const results = await Promise.allSettled(adapters.map((a) => a.stop?.() ?? Promise.resolve()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    },
  };
}
