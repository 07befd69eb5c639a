/** The extension's log: a LogOutputChannel that honours the user's log level. */
import * as vscode from 'vscode';

export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Token Budget', { log: true });
}
