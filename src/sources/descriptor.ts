/**
 * What a source is, said once: its id and label, its group, the settings it reads (with their
 * scope), its key, what "Configure a Source…" shows for it, whether the coding agents' traffic may
 * go through it, and how its adapter is made. Each source declares its descriptor beside its
 * adapter; src/sources/registry.ts lists them, one line each, and every list a user sees is
 * derived from that list.
 */
import type { TokenBudgetConfig } from '../core/config';
import type { SourceId } from '../core/types';
import type { GitHubSessionProvider } from './copilot';
import type { AgentLogs } from './localLogs/adapter';
import type { SourceAdapter } from './types';

/** `gateway`: a service that meters the user (company gateway, LiteLLM); `provider`: a provider's own usage API; `agentLogs`: a coding agent's logs on this machine. */
export type SourceGroup = 'gateway' | 'provider' | 'agentLogs';

/**
 * Where a setting may be set. `application` (user settings only) for every setting that names a
 * URL, decides where a key is sent or whose data is read with it (product.md: a repository's
 * `.vscode/settings.json` can never redirect a key); `machine` for paths on this machine.
 */
export type SettingScope = 'application' | 'machine';

export interface KeySpec {
  /** The environment variable read when no key is stored. */
  readonly envVar: string;
  /** The key, as a phrase that follows "Set": "your LiteLLM virtual key (sk-…)". */
  readonly what: string;
  /** A sentence on where to get one, or what else to know. */
  readonly help?: string;
}

/** The one setting that turns the source on: a URL (off when empty), an `enabled` flag, or `auto` | `on` | `off`. */
export type SourceSwitch<Name extends string = string> =
  | { readonly type: 'url'; readonly setting: Name; readonly example: string }
  | { readonly type: 'toggle'; readonly setting: Name }
  | { readonly type: 'tristate'; readonly setting: Name };

/** What a descriptor's factory is given: what sources of a group share (one scan worker for every agent's logs). */
export interface SourceDeps {
  readonly agentLogs: AgentLogs;
  /** VS Code's GitHub sign-in, for the Copilot source (absent in tools and tests: no session). */
  readonly githubSession?: GitHubSessionProvider;
}

export interface SourceDescriptor<Id extends SourceId = SourceId> {
  readonly id: Id;
  /** The one name users see: in lists, the tooltip, the dashboard and at the start of its messages. */
  readonly label: string;
  readonly group: SourceGroup;
  /** Every setting it reads, by name under `tokenBudget.sources.<id>.`, with its scope. */
  readonly settings: Readonly<Record<string, SettingScope>>;
  readonly switch: SourceSwitch;
  /** Its key, for sources that send one (SecretStorage, else this environment variable). */
  readonly key?: KeySpec;
  /** Another way to sign in than a key, offered beside "Set API Key…" when no key is set (a command of this extension). */
  readonly signIn?: { readonly command: string; readonly label: string; readonly detail: string };
  /** Its entry in "Configure a Source…": a codicon and one line on what it needs. */
  readonly pick: { readonly icon: string; readonly detail: string };
  /** Settings that narrow its numbers to the user's own (without them: the whole organisation's). */
  readonly ownFilters?: readonly string[];
  /** True when the coding agents' traffic may go through it: while it is on, agent logs on `auto` stay off. */
  readonly carriesAgentTraffic: boolean;
  /** Makes its adapter (called once per set of adapters, see `createSources`). */
  create(deps: SourceDeps): SourceAdapter;
}

/**
 * Declares a descriptor, keeping its literal type (so the registry can derive, e.g., which ids
 * have a key).
 */
export function defineSource<const D extends SourceDescriptor>(descriptor: D): D {
  return descriptor;
}

/** The full key of one of a source's settings: `tokenBudget.sources.<id>.<name>`. */
export function settingKey(source: Pick<SourceDescriptor, 'id'>, name: string): string {
  return `tokenBudget.sources.${source.id}.${name}`;
}

/** The full key of the setting that turns the source on. */
export function switchKey(source: Pick<SourceDescriptor, 'id' | 'switch'>): string {
  return settingKey(source, source.switch.setting);
}

/** Where its key is kept in SecretStorage. */
export function secretKeyOf(source: Pick<SourceDescriptor, 'id'>): string {
  return `tokenBudget.key.${source.id}`;
}

/** What to do without a working key: 'Set <what> with "Token Budget: Set API Key…" or the <ENV> environment variable. <help>' */
export function keyHint(source: { readonly key: KeySpec }): string {
  const { what, envVar, help } = source.key;
  return `Set ${what} with "Token Budget: Set API Key…" or the ${envVar} environment variable.${help ? ` ${help}` : ''}`;
}

/** True when the source's switch is on in `config` (a URL set, an `enabled` flag true, or `on`). */
export function switchedOn(source: Pick<SourceDescriptor, 'id' | 'switch'>, config: TokenBudgetConfig): boolean {
  const settings: object | undefined = config.sources[source.id];
  const value = settings ? (settings as Readonly<Record<string, unknown>>)[source.switch.setting] : undefined;
  switch (source.switch.type) {
    case 'url':
      return typeof value === 'string' && value.trim() !== '';
    case 'toggle':
      return value === true;
    case 'tristate':
      return value === 'on';
  }
}
