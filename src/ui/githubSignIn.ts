/**
 * "Token Budget: Sign in with GitHub": VS Code's GitHub sign-in for the Copilot source's quota
 * snapshot, run from the walkthrough's Copilot step. Turns the source on (a user setting) and
 * refreshes once signed in.
 */
import * as vscode from 'vscode';
import { SECTION } from '../core/config';
import { COPILOT } from '../sources/copilot';
import { settingKey } from '../sources/descriptor';
import { signInToGitHub, type GitHubAuthentication } from '../sources/githubAuth';

export const SIGN_IN_GITHUB_COMMAND = COPILOT.signIn.command;

/** `vscode.authentication` as the injected shape (its overloads narrowed to the one used). */
export const vscodeGitHubAuth: GitHubAuthentication = {
  getSession: (providerId, scopes, options) => vscode.authentication.getSession(providerId, [...scopes], options),
};

export function registerSignInGitHub(deps: { readonly log: vscode.LogOutputChannel; readonly refresh: (reason: string) => unknown }): vscode.Disposable {
  return vscode.commands.registerCommand(SIGN_IN_GITHUB_COMMAND, async () => {
    const result = await signInToGitHub(vscodeGitHubAuth);
    if (!result.ok) {
      deps.log.info(`GitHub sign-in for ${COPILOT.label} not completed: ${result.reason}`);
      void vscode.window.showWarningMessage(`Token Budget: GitHub sign-in was not completed (${result.reason}). ${COPILOT.label} can also use a token: "Token Budget: Set API Key…".`);
      return;
    }
    const enabled = settingKey(COPILOT, 'enabled');
    const section = vscode.workspace.getConfiguration(SECTION);
    const name = enabled.slice(SECTION.length + 1);
    if (section.inspect<boolean>(name)?.globalValue !== true) await section.update(name, true, vscode.ConfigurationTarget.Global);
    deps.log.info(`Signed in to GitHub as ${result.account} for ${COPILOT.label}.`);
    void vscode.window.showInformationMessage(`Token Budget: signed in to GitHub as ${result.account}; ${COPILOT.label} reads your premium requests with it.`);
    void deps.refresh('GitHub sign-in');
  });
}
