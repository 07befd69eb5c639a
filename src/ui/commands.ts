/** The palette commands: refresh, keys, budget, configuration, log, dashboard. */
import * as vscode from 'vscode';
import { loadConfig } from '../config';
import { SECTION } from '../core/config';
import type { Snapshot } from '../core/snapshot';
import { ADAPTERS } from '../sources';
import { parseSourceUrl, SourceError } from '../sources/http';
import { KEY_SPECS, keySpec, type KeyedSource, type Keys } from '../secrets';
import { budgetLevel, budgetSetMessage, CONFIGURE_SOURCE, keyClearedMessage, keySavedNotice, readAmount, refreshNotice, SET_API_KEY, SHOW_LOG } from './commandsModel';

export interface CommandDeps {
  readonly keys: Keys;
  readonly log: vscode.LogOutputChannel;
  /** Resolves when the refresh is done (by this window, or by the one that fetches for all). */
  readonly refresh: (reason: string) => Promise<void>;
  /** The snapshot as it stands now (after a refresh: with each source's outcome). */
  readonly snapshot: () => Snapshot;
  readonly openDashboard: () => void;
}

async function pickSource(keys: Keys, placeHolder: string, onlyStored = false): Promise<KeyedSource | undefined> {
  const items = await Promise.all(
    KEY_SPECS.map(async (spec) => {
      const current = await keys.get(spec.source);
      const where = !current ? 'not set' : current.from === 'secretStorage' ? 'set (stored securely)' : `from ${spec.envVar}`;
      return { label: spec.label, description: where, detail: spec.hint, source: spec.source, stored: current?.from === 'secretStorage' };
    }),
  );
  const choices = onlyStored ? items.filter((i) => i.stored) : items;
  if (choices.length === 0) {
    void vscode.window.showInformationMessage('Token Budget: no key is stored. (Keys from environment variables are cleared by unsetting the variable.)');
    return undefined;
  }
  return (await vscode.window.showQuickPick(choices, { placeHolder, ignoreFocusOut: true }))?.source;
}

type SourceChoice = vscode.QuickPickItem &
  (
    | { id: 'gateway' | 'litellm'; type: 'url'; setting: string; example: string }
    | { id: 'openrouter' | 'openai' | 'anthropic'; type: 'toggle'; setting: string }
    | { id: 'claudeCode' | 'codex'; type: 'local'; setting: string }
    | { id: 'settings'; type: 'settings' }
  );

const SOURCE_CHOICES: SourceChoice[] = [
  { id: 'gateway', type: 'url', setting: 'sources.gateway.url', example: 'https://ai-gateway.example.com', label: '$(server) Allowance gateway', detail: "Your company's gateway (protocol v1): URL and the key it issued you" },
  { id: 'litellm', type: 'url', setting: 'sources.litellm.url', example: 'https://litellm.example.com', label: '$(server-process) LiteLLM proxy', detail: 'Proxy URL and your virtual key (sk-…)' },
  { id: 'openrouter', type: 'toggle', setting: 'sources.openrouter.enabled', label: '$(globe) OpenRouter', detail: 'Your OpenRouter API key (sk-or-v1-…)' },
  { id: 'openai', type: 'toggle', setting: 'sources.openai.enabled', label: '$(organization) OpenAI Admin usage API', detail: 'An Admin key (sk-admin-…) and your user or API key IDs' },
  { id: 'anthropic', type: 'toggle', setting: 'sources.anthropic.enabled', label: '$(organization) Anthropic Admin usage API', detail: 'An Admin key (sk-ant-admin01-…) and your API key IDs or Claude Code e-mail' },
  { id: 'claudeCode', type: 'local', setting: 'sources.claudeCode.enabled', label: '$(terminal) Claude Code logs on this machine', detail: 'No key: reads ~/.claude / ~/.config/claude' },
  { id: 'codex', type: 'local', setting: 'sources.codex.enabled', label: '$(terminal) Codex CLI logs on this machine', detail: 'No key: reads ~/.codex' },
  { id: 'settings', type: 'settings', label: '$(gear) Open all Token Budget settings', detail: 'Budget, workdays, filters, alerts' },
];

type SwitchChoice = Extract<SourceChoice, { type: 'url' | 'toggle' }>;

/** The entry of a keyed source: how it is switched on (its URL or its `enabled` flag). */
function switchOf(source: KeyedSource): SwitchChoice | undefined {
  return SOURCE_CHOICES.find((c): c is SwitchChoice => c.id === source && (c.type === 'url' || c.type === 'toggle'));
}

/** "$(server) Allowance gateway" → "Allowance gateway". */
const plainLabel = (choice: SourceChoice) => choice.label.replace(/^\$\([^)]*\)\s*/, '');

async function askUrl(section: vscode.WorkspaceConfiguration, setting: string, what: string, example: string): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({
    title: `Token Budget: ${what} URL`,
    prompt: `Base URL, e.g. ${example} (https://, or http:// to localhost). Empty turns the source off.`,
    value: section.inspect<string>(setting)?.globalValue ?? '',
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (value.trim() === '') return undefined;
      try {
        parseSourceUrl(value, 'The URL');
        return undefined;
      } catch (error) {
        return error instanceof SourceError ? error.message : String(error);
      }
    },
  });
  return url?.trim();
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { keys, log } = deps;
  const withProgress = (title: string, work: () => Promise<void>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, work);

  return [
    vscode.commands.registerCommand('tokenBudget.openDashboard', () => deps.openDashboard()),
    // "Refresh Now": the user asked, so the outcome is said (timer refreshes never come here).
    vscode.commands.registerCommand('tokenBudget.refresh', async () => {
      const startedAt = new Date();
      try {
        await withProgress('Token Budget: refreshing', () => deps.refresh('command'));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        log.error(`Refresh Now failed: ${reason}`);
        void vscode.window.showErrorMessage(`Token Budget: the refresh could not run: ${reason}`, SHOW_LOG).then((pick) => pick && log.show(true));
        return;
      }
      const notice = refreshNotice(deps.snapshot(), startedAt);
      if (!notice) return;
      const shown = notice.level === 'info' ? vscode.window.showInformationMessage(notice.message, ...notice.actions) : vscode.window.showWarningMessage(notice.message, ...notice.actions);
      // Not awaited: the command ends with the refresh, not when the message is dismissed.
      void shown.then((pick) => {
        if (pick === CONFIGURE_SOURCE) void vscode.commands.executeCommand('tokenBudget.configure');
        else if (pick === SET_API_KEY) void vscode.commands.executeCommand('tokenBudget.setApiKey', notice.keySource);
        else if (pick === SHOW_LOG) log.show(true);
      });
    }),
    vscode.commands.registerCommand('tokenBudget.showLog', () => log.show(true)),

    // With (source) it asks only for the key; with (source, key), from a walkthrough or a test, it stores it directly.
    vscode.commands.registerCommand('tokenBudget.setApiKey', async (preset?: unknown, presetKey?: unknown) => {
      const source = KEY_SPECS.some((s) => s.source === preset) ? (preset as KeyedSource) : await pickSource(keys, 'Which source is the key for?');
      if (!source) return;
      const spec = keySpec(source);
      const key = typeof presetKey === 'string' && presetKey.trim() !== '' ? presetKey : await vscode.window.showInputBox({
        title: `Token Budget: API key for ${spec.label}`,
        prompt: `${spec.hint}. It is kept in VS Code's secret storage, never in settings.`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() === '' ? 'Enter the key, or press Escape to cancel.' : /\s/.test(value.trim()) ? 'A key has no spaces.' : undefined),
      });
      if (key === undefined) return;
      await keys.set(source, key);
      log.info(`Key for ${spec.label} saved in secret storage.`);
      const how = switchOf(source);
      // The settings the fetch itself reads (user level only for these; src/config.ts).
      const on = ADAPTERS.find((a) => a.id === source)?.isEnabled(loadConfig()) ?? true;
      const notice = keySavedNotice(spec.label, on, how);
      if (!notice.action || !how) {
        void vscode.window.showInformationMessage(notice.message);
        return;
      }
      log.info(`${spec.label} is off (tokenBudget.${how.setting}); the key is kept for when it is on.`);
      // Not awaited: the command (and `executeCommand('tokenBudget.setApiKey', …)`) ends once the key is saved.
      void vscode.window.showInformationMessage(notice.message, notice.action).then(async (pick) => {
        if (pick !== notice.action) return;
        try {
          const section = vscode.workspace.getConfiguration(SECTION);
          if (how.type === 'url') {
            const url = await askUrl(section, how.setting, plainLabel(how), how.example);
            if (!url) return; // cancelled, or left empty: still off
            await section.update(how.setting, url, vscode.ConfigurationTarget.Global);
          } else {
            await section.update(how.setting, true, vscode.ConfigurationTarget.Global);
          }
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          log.error(`Could not turn ${spec.label} on: ${reason}`);
          void vscode.window.showErrorMessage(`Token Budget: could not turn ${spec.label} on: ${reason}`);
          return;
        }
        log.info(`${spec.label} turned on after its key was saved.`);
        // The settings change alone makes the fetching window fetch; Refresh Now waits for that
        // fetch and says how it went (a rejected key, an unreachable URL).
        await vscode.commands.executeCommand('tokenBudget.refresh');
      });
    }),

    vscode.commands.registerCommand('tokenBudget.clearApiKey', async (preset?: unknown) => {
      const source = KEY_SPECS.some((s) => s.source === preset) ? (preset as KeyedSource) : await pickSource(keys, 'Clear the stored key of which source?', true);
      if (!source) return;
      await keys.clear(source);
      const spec = keySpec(source);
      const fromEnvironment = (await keys.get(source))?.from === 'environment';
      log.info(`Key for ${spec.label} removed from secret storage${fromEnvironment ? `; ${spec.envVar} from the environment is used now` : ''}.`);
      void vscode.window.showInformationMessage(keyClearedMessage(spec.label, spec.envVar, fromEnvironment));
    }),

    vscode.commands.registerCommand('tokenBudget.setAnnualBudget', async () => {
      const section = vscode.workspace.getConfiguration(SECTION);
      const current = section.get<number>('annualBudget') ?? 0;
      const level = budgetLevel(section.inspect<number>('annualBudget'));
      const text = await vscode.window.showInputBox({
        title: 'Token Budget: annual budget (USD)',
        prompt: `Your annual AI allowance in US dollars, e.g. 250000, $250,000 or 250k. 0 takes it from the gateway.${level === 'workspace' ? " This workspace's settings set it, so it is changed there." : ''}`,
        value: current > 0 ? String(Math.round(current * 100) / 100) : '', // never three decimals, which read as ambiguous
        ignoreFocusOut: true,
        validateInput: (value) => {
          const reading = readAmount(value);
          return reading.ok ? undefined : reading.message;
        },
      });
      if (text === undefined) return;
      const reading = readAmount(text);
      if (!reading.ok) return; // validateInput let nothing else through
      const amount = reading.amount;
      try {
        await section.update('annualBudget', amount, level === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
      } catch (error) {
        // E.g. a settings file with a syntax error: VS Code refuses to write it.
        const reason = error instanceof Error ? error.message : String(error);
        log.error(`Could not save the annual budget in the ${level} settings: ${reason}`);
        void vscode.window.showErrorMessage(`Token Budget: could not save the annual budget: ${reason}`);
        return;
      }
      log.info(`Annual budget set to ${amount} USD in the ${level} settings.`);
      void vscode.window.showInformationMessage(budgetSetMessage(amount, level));
    }),

    vscode.commands.registerCommand('tokenBudget.configure', async () => {
      const choice = await vscode.window.showQuickPick(SOURCE_CHOICES, { placeHolder: 'Where is your AI spend metered?', ignoreFocusOut: true, matchOnDetail: true });
      if (!choice) return;
      const section = vscode.workspace.getConfiguration(SECTION);
      if (choice.id === 'settings') {
        await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:token-budget.token-budget');
        return;
      }
      if (choice.type === 'url') {
        const url = await askUrl(section, choice.setting, plainLabel(choice), choice.example);
        if (url === undefined) return;
        await section.update(choice.setting, url, vscode.ConfigurationTarget.Global);
        if (url === '') return;
      } else if (choice.type === 'toggle') {
        await section.update(choice.setting, true, vscode.ConfigurationTarget.Global);
      } else {
        await section.update(choice.setting, 'on', vscode.ConfigurationTarget.Global);
        void vscode.window.showInformationMessage(`Token Budget: reading local ${choice.id === 'claudeCode' ? 'Claude Code' : 'Codex'} logs on this machine.`);
        return;
      }
      if (!(await keys.get(choice.id))) {
        await vscode.commands.executeCommand('tokenBudget.setApiKey', choice.id);
      }
      if (choice.id === 'openai' || choice.id === 'anthropic') {
        void vscode.window.showInformationMessage(
          `Token Budget: to count only your own usage, set ${choice.id === 'openai' ? 'tokenBudget.sources.openai.userIds or .apiKeyIds' : 'tokenBudget.sources.anthropic.apiKeyIds or .claudeCodeEmail'}; without a filter the numbers are the whole organisation's.`,
          'Open Settings',
        ).then((pick) => pick && vscode.commands.executeCommand('workbench.action.openSettings', `tokenBudget.sources.${choice.id}`));
      }
    }),
  ];
}
