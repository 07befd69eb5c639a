/**
 * The configuration facade over VS Code: the whole `tokenBudget` section read into one readonly
 * typed object (src/core/config.ts). Settings that decide where a key is sent are read from the
 * user (global) level only, so a repository's `.vscode/settings.json` can never redirect a key,
 * even in an editor that does not enforce `scope: application`.
 */
import * as vscode from 'vscode';
import { readConfig, SECTION, type TokenBudgetConfig } from './core/config';

export type { TokenBudgetConfig } from './core/config';

/** Reads the live configuration from VS Code. */
export function loadConfig(): TokenBudgetConfig {
  const section = vscode.workspace.getConfiguration(SECTION);
  return readConfig((key, userOnly) => {
    if (!userOnly) return section.get(key);
    const inspected = section.inspect(key);
    return inspected?.globalValue ?? inspected?.defaultValue;
  });
}
