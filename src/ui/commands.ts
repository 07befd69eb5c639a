/** The palette commands: refresh, keys, budget, configuration, log, dashboard. */
import * as vscode from 'vscode';
import { loadConfig } from '../config';
import { SECTION } from '../core/config';
import type { Snapshot } from '../core/snapshot';
import { switchedOn, switchKey } from '../sources/descriptor';
import { parseSourceUrl, SourceError } from '../sources/http';
import { isKeyedSource, keyedSourceOf } from '../sources/registry';
import { KEY_SPECS, keySpec, type KeyedSource, type Keys } from '../secrets';
import {
  agentLogsOnMessage,
  budgetLevel,
  budgetSetMessage,
  credentialChoices,
  CONFIGURE_SOURCE,
  keyClearedMessage,
  keySavedNotice,
  ownFilterAdvice,
  readAmount,
  refreshNotice,
  SET_API_KEY,
  SHOW_LOG,
  sourceChoices,
  switchOf,
} from './commandsModel';

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
      const source = isKeyedSource(preset) ? preset : await pickSource(keys, 'Which source is the key for?');
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
      const descriptor = keyedSourceOf(source);
      const how = switchOf(descriptor);
      // The settings the fetch itself reads (user level only for these; src/config.ts).
      const on = switchedOn(descriptor, loadConfig());
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
            const url = await askUrl(section, how.setting, spec.label, how.example ?? '');
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
      const source = isKeyedSource(preset) ? preset : await pickSource(keys, 'Clear the stored key of which source?', true);
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
      const choice = await vscode.window.showQuickPick(sourceChoices(), { placeHolder: 'Where is your AI spend metered?', ignoreFocusOut: true, matchOnDetail: true });
      if (!choice) return;
      const section = vscode.workspace.getConfiguration(SECTION);
      const source = choice.source;
      if (!source) {
        await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:token-budget.token-budget');
        return;
      }
      const setting = switchKey(source).replace(/^tokenBudget\./, '');
      if (source.switch.type === 'url') {
        const url = await askUrl(section, setting, source.label, source.switch.example);
        if (url === undefined) return;
        await section.update(setting, url, vscode.ConfigurationTarget.Global);
        if (url === '') return;
      } else if (source.switch.type === 'toggle') {
        await section.update(setting, true, vscode.ConfigurationTarget.Global);
      } else {
        await section.update(setting, 'on', vscode.ConfigurationTarget.Global);
        void vscode.window.showInformationMessage(agentLogsOnMessage(source.label));
        return;
      }
      if (isKeyedSource(source.id) && !(await keys.get(source.id))) {
        const ways = credentialChoices(source);
        const way = ways.length === 1 ? ways[0] : await vscode.window.showQuickPick(ways, { placeHolder: `How should ${source.label} sign in?`, ignoreFocusOut: true });
        if (way) await vscode.commands.executeCommand(way.command, ...way.args);
      }
      const advice = ownFilterAdvice(source);
      if (advice) {
        void vscode.window.showInformationMessage(advice, 'Open Settings').then((pick) => pick && vscode.commands.executeCommand('workbench.action.openSettings', `tokenBudget.sources.${source.id}`));
      }
    }),
  ];
}
