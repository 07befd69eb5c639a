/**
 * VS Code's GitHub sign-in, for the Copilot source, behind an injected `getSession` (the shape of
 * `vscode.authentication.getSession`) so that nothing here imports 'vscode' and it is tested with
 * a fake. Fetches only ever take a session the user has already granted (`silent`: no prompt, no
 * badge on the Accounts menu); the sign-in itself is asked for only by the command
 * `tokenBudget.signInGitHub` (the walkthrough's Copilot step, "Configure a Source…").
 */
import type { GitHubSessionProvider } from './copilot';

/** The part of `vscode.authentication` used here. */
export interface GitHubAuthentication {
  getSession(
    providerId: string,
    scopes: readonly string[],
    options: { readonly createIfNone?: boolean; readonly silent?: boolean },
  ): Thenable<{ readonly accessToken: string; readonly account: { readonly label: string } } | undefined>;
}

export const GITHUB_PROVIDER = 'github';
/** What the Copilot extension's own session asks for; enough for GET /copilot_internal/user. */
export const GITHUB_SCOPES: readonly string[] = ['read:user'];

/** The session the user has granted, read silently on each fetch (undefined when there is none). */
export function githubSessionProvider(auth: GitHubAuthentication): GitHubSessionProvider {
  return {
    async silentToken() {
      const session = await auth.getSession(GITHUB_PROVIDER, GITHUB_SCOPES, { createIfNone: false, silent: true });
      return session?.accessToken;
    },
  };
}

export type SignInResult = { readonly ok: true; readonly account: string } | { readonly ok: false; readonly reason: string };

/** Asks VS Code for the GitHub session (VS Code shows its own consent and sign-in). */
export async function signInToGitHub(auth: GitHubAuthentication): Promise<SignInResult> {
  try {
    const session = await auth.getSession(GITHUB_PROVIDER, GITHUB_SCOPES, { createIfNone: true });
    return session ? { ok: true, account: session.account.label } : { ok: false, reason: 'no session was given' };
  } catch (error) {
    // VS Code rejects when the user cancels the consent dialog.
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
