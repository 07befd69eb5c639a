import type { ChildProcess } from 'node:child_process';

export type Log = (line: string) => void;

export declare const CODE_SERVER_VERSION: string;
export declare const NODE_VERSION: string;
/** The code-server release built on the oldest VS Code that engines.vscode names (4.20.0 = VS Code 1.85.1). */
export declare const OLDEST_CODE_SERVER_VERSION: string;
/** The editors the harness can install, by code-server version. */
export declare const EDITOR_VERSIONS: Readonly<
  Record<string, Readonly<{ node: string; vscode: string; idleTimeoutFlag: boolean; vscodeAllowScripts?: Readonly<Record<string, boolean>>; extensionsAllowScripts?: Readonly<Record<string, boolean>> }>>
>;
/** Settings every launched editor starts with (LaunchOptions.userSettings override them). */
export declare const DEFAULT_TEST_SETTINGS: Readonly<Record<string, unknown>>;

export interface EditorInstall {
  /** code-server's entry script (out/node/entry.js); run it with `nodeBin`. */
  codeServerBin: string;
  /** The Node binary that code-server release needs (Node 24 for the current one). */
  nodeBin: string;
  /** Debian's Chromium (or $TOKEN_BUDGET_CHROMIUM). */
  chromiumPath: string;
  codeServerVersion: string;
  /** The VS Code that code-server release is built on. */
  vscodeVersion: string;
}

/** $TOKEN_BUDGET_CACHE, else $XDG_CACHE_HOME/token-budget, else ~/.cache/token-budget. */
export declare function editorCacheDir(): string;
/** The Node binary of the current editor release (Node 24, which has node:sqlite); it may not be installed yet. */
export declare function editorNodeBin(): string;

/**
 * Installs Chromium, the right Node and code-server when missing; fast when cached.
 * `codeServerVersion`: one of EDITOR_VERSIONS (default CODE_SERVER_VERSION), each cached in its
 * own folder (`editor/` for the current one, `editor-<version>/` for the others).
 */
export declare function ensureEditor(opts?: { log?: Log; codeServerVersion?: string }): Promise<EditorInstall>;

export interface LaunchOptions {
  /** Which code-server (one of EDITOR_VERSIONS); default CODE_SERVER_VERSION. */
  codeServerVersion?: string;
  /** .vsix file(s) installed with `--install-extension` before start. */
  vsixPath?: string | string[];
  /** Written to User/settings.json over DEFAULT_TEST_SETTINGS. */
  userSettings?: Record<string, unknown>;
  /** Merged over process.env for code-server and its extension host; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Folder to open (a fresh empty temp folder when omitted). */
  workspaceDir?: string;
  /** 0 or omitted: a free port. */
  port?: number;
  extraArgs?: string[];
  /**
   * The built-in extensions to load, by folder name under code-server's lib/vscode/extensions
   * (e.g. 'theme-defaults'); the others are left out. Omitted: all of them, as a user has.
   */
  builtinExtensions?: readonly string[];
  log?: Log;
  /** Reuse profile folders (not deleted by stop()). */
  userDataDir?: string;
  extensionsDir?: string;
  /** Keep the temp folders after stop() (also: TOKEN_BUDGET_KEEP_EDITOR_DIRS=1). */
  keepDirs?: boolean;
  /** Default 60000. */
  startTimeoutMs?: number;
  /**
   * code-server exits after this many seconds without any open connection (a safety net
   * against orphaned editors; a connected workbench never idles out). Default 900; 0 disables.
   */
  idleTimeoutSeconds?: number;
}

export interface RunningEditor {
  /** Workbench URL with `?folder=` for the workspace. */
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  workspaceDir: string;
  /** code-server's stdout+stderr, also on disk while running. */
  logFile: string;
  process: ChildProcess;
  /**
   * Stops code-server and every process it started (its process group), waits for them, then
   * removes the temporary folders; idempotent. It is asked to end (SIGTERM: the extension host
   * deactivates its extensions) and killed after 5 s; `now` kills it at once (the end of a test,
   * where nothing is left to save).
   */
  stop(options?: { now?: boolean }): Promise<void>;
  /** code-server's output so far (last 4000 lines). */
  logs(): string;
}

export declare function launchEditor(opts?: LaunchOptions): Promise<RunningEditor>;

/** Installs the .vsix (with the current code-server) once, ahead of the launches that use it. */
export declare function preinstallVsix(vsix: string, opts?: { log?: Log }): Promise<void>;

/** Debian's Chromium as the tests run it (headless, no sandbox, no GPU, nothing fetched). */
export declare const CHROMIUM_ARGS: readonly string[];
/** Where scripts/run-tests.mjs puts the shared Chromium's endpoint for the workbench journeys. */
export declare const BROWSER_SERVER_VARIABLE: string;
