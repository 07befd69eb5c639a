import type { ChildProcess } from 'node:child_process';

export type Log = (line: string) => void;

export declare const CODE_SERVER_VERSION: string;
export declare const NODE_VERSION: string;
/** Settings every launched editor starts with (LaunchOptions.userSettings override them). */
export declare const DEFAULT_TEST_SETTINGS: Readonly<Record<string, unknown>>;

export interface EditorInstall {
  /** code-server's entry script (out/node/entry.js); run it with `nodeBin`. */
  codeServerBin: string;
  /** The Node 24 binary code-server needs. */
  nodeBin: string;
  /** Debian's Chromium (or $TOKEN_BUDGET_CHROMIUM). */
  chromiumPath: string;
}

/** $TOKEN_BUDGET_CACHE, else $XDG_CACHE_HOME/token-budget, else ~/.cache/token-budget. */
export declare function editorCacheDir(): string;

/** Installs Chromium, Node 24 and code-server when missing; fast when cached. */
export declare function ensureEditor(opts?: { log?: Log }): Promise<EditorInstall>;

export interface LaunchOptions {
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
  /** Kills code-server's whole process group, waits for it, removes temp folders. Idempotent. */
  stop(): Promise<void>;
  /** code-server's output so far (last 4000 lines). */
  logs(): string;
}

export declare function launchEditor(opts?: LaunchOptions): Promise<RunningEditor>;
