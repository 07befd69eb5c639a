/**
 * The decisions behind the palette commands (src/ui/commands.ts): what an amount typed by the user
 * means, and what to tell them. Pure (no `vscode`), so every case is unit-tested.
 */
import { formatUsd } from '../core/format';
import type { Snapshot, SourceStatus } from '../core/snapshot';
import type { SourceId } from '../core/types';
import { settingKey, type SourceDescriptor } from '../sources/descriptor';
import { SOURCES } from '../sources/registry';

/** The largest annual budget accepted: a larger one is a typo (a few zeros too many), not an allowance. */
export const MAX_ANNUAL_BUDGET = 1_000_000_000;

export type AmountReading = { readonly ok: true; readonly amount: number } | { readonly ok: false; readonly message: string };

const EXAMPLES = 'e.g. 250000, $250,000, 250k or 1.2M';
const SCALES: Readonly<Record<string, number>> = { '': 1, k: 1_000, m: 1_000_000 };

const refuse = (message: string): AmountReading => ({ ok: false, message });

/**
 * Reads an amount in USD as typed in "Set Annual Budget…": "250000", "$250,000", "250 000",
 * "250k", "1.2M", "0". Refused, with a message that says what to type instead:
 * - a comma (or space, or underscore) that is not a thousands separator between groups of three:
 *   "250,00" and "1,2,3" are a European decimal comma or a slip, not 25000 or 123;
 * - a dot followed by exactly three digits and no other separator ("250.000", "1.500k"): in much
 *   of Europe that is 250 thousand, in the US 250; a budget read 1000× too small or too large is
 *   worse than a question (a leading 0, as in "0.250", is never a thousands group);
 * - a non-zero amount that rounds to 0 cents: 0 means "take the budget from the gateway";
 * - more than MAX_ANNUAL_BUDGET, and anything negative or not a number.
 * The amount is rounded to cents.
 */
export function readAmount(text: string): AmountReading {
  const trimmed = text.trim();
  if (trimmed === '') return refuse(`Enter your annual budget in US dollars, ${EXAMPLES}; or 0 to take it from the gateway.`);
  if (/^\$?\s*[-−]/.test(trimmed)) return refuse(`The budget cannot be negative: enter ${EXAMPLES}; or 0 to take it from the gateway.`);
  const m = /^\$?\s*([0-9][0-9.,_ ]*?)\s*([kKmM]?)$/.exec(trimmed);
  const body = m?.[1];
  if (!m || body === undefined) return refuse(`Enter an amount in US dollars, ${EXAMPLES} (digits, an optional $ and k or M).`);
  const suffix = (m[2] ?? '').toLowerCase();
  const scale = SCALES[suffix] ?? 1;

  const parts = body.split('.');
  if (parts.length > 2) return refuse('Use at most one dot, for cents (250000.50); separate thousands with commas (1,250,000) or not at all.');
  const [whole = '', fraction] = parts;
  if (fraction !== undefined && !/^[0-9]+$/.test(fraction)) return refuse('After the dot come only the cents (250000.50); separate thousands with commas before it (250,000.50).');
  const grouped = /^[0-9]{1,3}(?:([,_ ])[0-9]{3})(?:\1[0-9]{3})*$/.test(whole);
  if (!grouped && !/^[0-9]+$/.test(whole)) {
    return refuse('Commas separate thousands in groups of three (250,000); write cents after a dot (250.50). "250,00" or "1,2,3" is not an amount.');
  }
  if (!grouped && fraction?.length === 3 && !/^0+$/.test(whole)) {
    const typed = m[2] ?? '';
    const asThousands = Number(whole + fraction);
    const asDecimal = Number(`${whole}.${fraction}`);
    // Without a suffix, the thousands reading is also offered in k: "250000 or 250k".
    const thousands = typed === '' ? `${asThousands} or ${asDecimal}k` : `${asThousands}${typed}`;
    return refuse(`"${body}${typed}" is ambiguous (a dot before three digits): write ${thousands} for ${formatUsd(asThousands * scale)}, or ${asDecimal}${typed} for ${formatUsd(asDecimal * scale)}.`);
  }

  const value = Number(`${whole.replace(/[,_ ]/g, '')}${fraction !== undefined ? `.${fraction}` : ''}`) * scale;
  if (!Number.isFinite(value) || value > MAX_ANNUAL_BUDGET) return refuse(`At most ${formatUsd(MAX_ANNUAL_BUDGET)} (1000M): check the number of zeros.`);
  const amount = Math.round(value * 100) / 100;
  if (value > 0 && amount === 0) return refuse('That is less than a cent. Enter at least 0.01, or 0 to take the budget from the gateway.');
  return { ok: true, amount };
}

/** The amount in USD, or undefined when `text` is not one (see `readAmount` for why). */
export function parseAmount(text: string): number | undefined {
  const reading = readAmount(text);
  return reading.ok ? reading.amount : undefined;
}

/** The levels VS Code's `inspect()` reports for a setting, as far as they matter here. */
export interface SettingLevels {
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
}

export type SettingsLevel = 'user' | 'workspace';

/**
 * Where "Set Annual Budget…" writes. `tokenBudget.annualBudget` has `window` scope, so a value in
 * the workspace's settings wins over the user's: written to the user settings, the amount typed
 * changed nothing in this window, and nothing said so. The user runs the command to change the
 * budget this window shows, so it is written where the value in effect comes from: the
 * workspace's settings when they have one (a budget kept per workspace stays per workspace), else
 * the user's. The confirmation names the workspace, so the user knows which file changed. (A
 * folder of a multi-root workspace cannot set a `window`-scoped setting; there is no folder level.)
 */
export function budgetLevel(levels: SettingLevels | undefined): SettingsLevel {
  return levels?.workspaceValue !== undefined ? 'workspace' : 'user';
}

/** "Token Budget: annual budget set to $250,000.00." and where, when that is not the user settings. */
export function budgetSetMessage(amount: number, level: SettingsLevel): string {
  const where = level === 'workspace' ? " in this workspace's settings (a value there overrides your user settings)" : '';
  return amount === 0
    ? `Token Budget: annual budget set to 0${where}: the budget is taken from the gateway, when it reports one.`
    : `Token Budget: annual budget set to ${formatUsd(amount)}${where}.`;
}

/** How a keyed source is switched on: a URL (gateway, LiteLLM) or an `enabled` flag; `setting` is under `tokenBudget.`. */
export interface SourceSwitch {
  readonly type: 'url' | 'toggle';
  readonly setting: string;
}

/** The switch of a source that has a key, from its descriptor (none for an `auto` | `on` | `off` source). */
export function switchOf(source: Pick<SourceDescriptor, 'id' | 'switch'>): (SourceSwitch & { readonly example?: string }) | undefined {
  const how = source.switch;
  if (how.type === 'tristate') return undefined;
  return { type: how.type, setting: `sources.${source.id}.${how.setting}`, ...(how.type === 'url' ? { example: how.example } : {}) };
}

/** One entry of "Configure a Source…": a registered source, or all the settings. */
export type SourceChoice = { readonly label: string; readonly detail: string } & ({ readonly source: SourceDescriptor } | { readonly source?: undefined });

/** "Configure a Source…": every registered source in registry order (its codicon, its label, what it needs), then all settings. */
export function sourceChoices(): SourceChoice[] {
  return [
    ...SOURCES.map((source) => ({ source, label: `$(${source.pick.icon}) ${source.label}`, detail: source.pick.detail })),
    { label: '$(gear) Open all Token Budget settings', detail: 'Budget, workdays, filters, alerts' },
  ];
}

/** How "Configure a Source…" asks for a source's credentials when none is set: its key, or its sign-in when it has one (then the user picks). */
export type CredentialChoice = { readonly label: string; readonly detail: string; readonly command: string; readonly args: readonly unknown[] };

export function credentialChoices(source: Pick<SourceDescriptor, 'id' | 'signIn'>): CredentialChoice[] {
  const key: CredentialChoice = { label: '$(key) Set API Key…', detail: 'Kept in secret storage, never in settings', command: 'tokenBudget.setApiKey', args: [source.id] };
  return source.signIn ? [{ label: source.signIn.label, detail: source.signIn.detail, command: source.signIn.command, args: [] }, key] : [key];
}

/** What "Configure a Source…" says once a source read from this machine's logs is on. */
export function agentLogsOnMessage(label: string): string {
  return `Token Budget: ${label} is on: reading its logs on this machine.`;
}

/**
 * What "Configure a Source…" says once a source is on whose numbers are the whole organisation's
 * unless its filters name the user's own (OpenAI, Anthropic); nothing for other sources.
 */
export function ownFilterAdvice(source: Pick<SourceDescriptor, 'id' | 'ownFilters'>): string | undefined {
  const [first, ...rest] = source.ownFilters ?? [];
  if (first === undefined) return undefined;
  const names = [settingKey(source, first), ...rest.map((name) => `.${name}`)].join(' or ');
  return `Token Budget: to count only your own usage, set ${names}; without a filter the numbers are the whole organisation's.`;
}

export const TURN_ON = 'Turn On';
export const SET_URL = 'Set URL…';

export interface KeySavedNotice {
  readonly message: string;
  /** What turns the source on, offered with the message; none when it is on. */
  readonly action?: typeof TURN_ON | typeof SET_URL;
}

/**
 * What "Set API Key…" says once the key is saved. A key for a source that is off (its `enabled`
 * flag false, or no URL) fetches nothing: "saved" alone left the user waiting for numbers that
 * never came. Such a key is still saved (the user may turn the source on later); the message says
 * the source is off and offers what turns it on.
 */
export function keySavedNotice(label: string, on: boolean, how: SourceSwitch | undefined): KeySavedNotice {
  if (on || !how) return { message: `Token Budget: key for ${label} saved.` };
  if (how.type === 'url') {
    return { message: `Token Budget: key for ${label} saved, but ${label} has no URL (tokenBudget.${how.setting}), so nothing is fetched with it yet.`, action: SET_URL };
  }
  return { message: `Token Budget: key for ${label} saved, but ${label} is off (tokenBudget.${how.setting} is false), so nothing is fetched with it yet.`, action: TURN_ON };
}

/**
 * What "Clear API Key…" says. A key in the source's environment variable takes over once the
 * stored one is gone (SecretStorage wins only while it holds one): said, so "cleared" is not read
 * as "this source has no key now".
 */
export function keyClearedMessage(label: string, envVar: string, environmentKeyInUse: boolean): string {
  return environmentKeyInUse ? `Token Budget: stored key for ${label} cleared; ${envVar} from the environment is used now.` : `Token Budget: stored key for ${label} cleared.`;
}

export const CONFIGURE_SOURCE = 'Configure a Source…';
export const SHOW_LOG = 'Show Log';
export const SET_API_KEY = 'Set API Key…';

export interface RefreshNotice {
  readonly level: 'info' | 'warning';
  readonly message: string;
  readonly actions: readonly (typeof CONFIGURE_SOURCE | typeof SHOW_LOG | typeof SET_API_KEY)[];
  /** The source whose key "Set API Key…" asks for. */
  readonly keySource?: SourceId;
}

/** A source error that a new key may fix: every key problem's message points at "Set API Key…". */
const KEY_PROBLEM = /Set API Key/;

/**
 * What "Refresh Now" says when it has finished (`startedAt`: when the user asked). Nothing when
 * every source in use refreshed. With no source configured there is nothing to refresh: said,
 * with the way to configure one (the log alone said it). A source in use that failed in this
 * refresh (attempted at or after `startedAt`, and holding an error) is named with its error, which
 * is safe to show (redacted where it is made); an older error (a source skipped while rate
 * limited) is not this refresh's news. Automatic refreshes never get here: the user did not ask.
 */
export function refreshNotice(snapshot: Pick<Snapshot, 'configured' | 'sources'>, startedAt: Date): RefreshNotice | undefined {
  if (!snapshot.configured) {
    return { level: 'info', message: 'Token Budget: no source is configured, so there is nothing to refresh. Tell it where your AI spend is metered.', actions: [CONFIGURE_SOURCE] };
  }
  const failed = snapshot.sources.filter(
    (s): s is SourceStatus & { error: string } => s.state !== 'off' && s.error !== undefined && s.lastAttempt !== undefined && Date.parse(s.lastAttempt) >= startedAt.getTime(),
  );
  if (failed.length === 0) return undefined;
  const kept = failed.filter((s) => s.lastSuccess !== undefined).length;
  const keptNote = kept === 0 ? '' : failed.length === 1 ? ' Its last good numbers are shown.' : kept === failed.length ? ' Their last good numbers are shown.' : ' The last good numbers of those that had some are shown.';
  const errors = failed.map((s) => s.error).join(' ');
  const head = failed.length === 1 ? 'refresh failed.' : `${failed.length} sources failed to refresh.`;
  const keySource = failed.find((s) => KEY_PROBLEM.test(s.error))?.id;
  return {
    level: 'warning',
    message: `Token Budget: ${head} ${errors}${keptNote}`,
    actions: keySource ? [SET_API_KEY, SHOW_LOG] : [SHOW_LOG],
    ...(keySource ? { keySource } : {}),
  };
}

export const REFRESH_NOW = 'Refresh Now';

export interface EmptyExportNotice {
  readonly message: string;
  readonly actions: readonly (typeof CONFIGURE_SOURCE | typeof REFRESH_NOW)[];
}

/**
 * What "Export Daily Ledger as CSV…" says with an empty ledger, before any file dialog: asking for
 * a file name to write a header-only file ("exported 0 rows") wasted the user's steps. Without a
 * source, the way to configure one; with one that has recorded nothing yet (its first fetch still
 * running, or failing), a refresh.
 */
export function emptyExportNotice(configured: boolean): EmptyExportNotice {
  return configured
    ? { message: 'Token Budget: nothing to export yet: your sources have recorded no daily spend so far.', actions: [REFRESH_NOW] }
    : { message: 'Token Budget: nothing to export yet: no source is configured. Tell it where your AI spend is metered.', actions: [CONFIGURE_SOURCE] };
}
