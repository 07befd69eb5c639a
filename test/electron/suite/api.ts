// The test API the extension's activate() returns (see src/extension.ts), and how to reach it.
import * as vscode from 'vscode';
import type { Snapshot } from '../../../src/core/snapshot';

export const EXTENSION_ID = 'token-budget.token-budget';

/** What StatusBarMeter.state() reports. */
export interface StatusBarState {
  readonly text: string;
  readonly tooltip: string;
  readonly command: string | undefined;
  readonly background: string | undefined;
  readonly accessibilityLabel: string | undefined;
}

export interface TokenBudgetApi {
  snapshot(): Snapshot;
  statusBar(): StatusBarState;
  /** Refreshes every enabled source now (joins a refresh already running, then runs once more). */
  refresh(): Promise<void>;
}

function isApi(value: unknown): value is TokenBudgetApi {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['snapshot'] === 'function' && typeof v['statusBar'] === 'function' && typeof v['refresh'] === 'function';
}

/** Activates the extension (if it is not yet) and returns its test API. */
export async function tokenBudget(): Promise<TokenBudgetApi> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded in this extension host`);
  const api: unknown = await extension.activate();
  if (!isApi(api)) {
    throw new Error(`activate() of ${EXTENSION_ID} did not return the test API { snapshot(), statusBar(), refresh() } (got ${typeof api})`);
  }
  return api;
}
