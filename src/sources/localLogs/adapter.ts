/**
 * The coding agents' local logs (`claudeCode`, `codex`), read incrementally off the main thread.
 *
 * Every agent's adapter shares one `AgentLogs`, made with them by the registry's factory
 * (`createSources`) and started and stopped with them:
 * - scans run in the bundled worker (dist/scanWorker.js) when it exists, else in-process;
 * - the scan state (per-file offsets, per-day aggregates, dedupe keys) is kept in memory and,
 *   once started with a `stateDir`, in `{stateDir}/local-logs-{source}.state` (binary, a few MB
 *   for a heavy history), so a restart reads only what was appended meanwhile. A small copy of
 *   the per-day totals also travels in the ledger's `sync`, so a lost state file never loses
 *   counted days;
 * - once started with `requestRefresh`, the log folders are watched and changes ask for a
 *   refresh; the next scan reads only the changed files (a full walk at least every 5 minutes and
 *   after anything a file list does not describe).
 */
import os from 'node:os';
import path from 'node:path';
import type { TokenBudgetConfig } from '../../core/config';
import { SourceError } from '../http';
import type { FetchContext, FetchOutcome, SourceAdapter, SourceStartContext } from '../types';
import { CODEX_ASSUMED_LABEL, CODEX_FALLBACK_MODEL } from './parsers/codex';
import { candidateRoots, localSourceEnabled, logsPresent, scanDirs, type Env, type LocalSourceId } from './paths';
import { bundledWorkerFile, InProcessRunner, WorkerRunner, type ScanRunner } from './runner';
import type { ScanProgress, ScanResult } from './scanner';
import { LogWatcher, type LogWatcherOptions } from './watcher';

/** A scan's progress, with its start and end. */
export interface LocalScanProgress extends ScanProgress {
  readonly phase: 'start' | 'progress' | 'end';
}

export interface AgentLogsOptions {
  /** True while a source that may carry the agents' traffic is on (the registry's `networkSourceConfigured`). */
  readonly networkSourceConfigured: (config: TokenBudgetConfig) => boolean;
  /** Makes the runner scans run in (on the first scan after a start); default: the bundled worker when present, else in-process. */
  readonly runner?: (stateDir: string | undefined) => ScanRunner;
  readonly watcher?: LogWatcherOptions;
  /** Environment and home used to find the logs (default: this process's). */
  readonly env?: Env;
  readonly home?: string;
  /** A full walk at least this often even when watching (default 5 minutes). */
  readonly fullWalkMs?: number;
}

/**
 * What every agent's adapter shares: one scan runner (one worker for all agents), one log watcher,
 * and how it was started. Made by `createSources` with the adapters; no state outside it.
 */
export class AgentLogs {
  private context: SourceStartContext = {};
  private runner: ScanRunner | undefined;
  private watcher: LogWatcher | undefined;
  private stopped: Promise<void> | undefined;

  constructor(readonly options: AgentLogsOptions) {}

  /** Starts state files and watching (idempotent: every agent's adapter calls it with the same context). */
  start(context: SourceStartContext): void {
    if (this.context === context) return;
    this.watcher?.dispose();
    this.context = context;
    this.stopped = undefined;
    const refresh = context.requestRefresh;
    this.watcher = refresh ? new LogWatcher((sources) => refresh(`local logs changed (${sources.join(', ')})`), this.options.watcher) : undefined;
  }

  /** Stops watching and lets the runner go, its unsaved state saved first (idempotent). */
  stop(): Promise<void> {
    this.stopped ??= this.release();
    return this.stopped;
  }

  private async release(): Promise<void> {
    this.watcher?.dispose();
    this.watcher = undefined;
    this.context = {};
    const runner = this.runner;
    this.runner = undefined;
    await runner?.dispose();
  }

  /** The adapter of one agent. */
  adapter(id: LocalSourceId, label: string): SourceAdapter {
    return new AgentLogsAdapter(id, label, this);
  }

  get env(): Env {
    return this.options.env ?? process.env;
  }

  get home(): string {
    return this.options.home ?? os.homedir();
  }

  get stateDir(): string | undefined {
    return this.context.stateDir;
  }

  get watching(): LogWatcher | undefined {
    return this.watcher;
  }

  progress(p: LocalScanProgress): void {
    this.context.onProgress?.(p);
  }

  /** The runner, made on the first scan (again after a stop: the next stop lets it go too). */
  scanner(): ScanRunner {
    if (!this.runner) {
      this.runner = (this.options.runner ?? defaultRunner)(this.stateDir);
      this.stopped = undefined;
    }
    return this.runner;
  }

  rootsOf(source: LocalSourceId, config: TokenBudgetConfig): string[] {
    return candidateRoots(source, config.sources[source].paths, this.env, this.home);
  }
}

/** The state file of a source under `stateDir`. */
export function stateFileOf(stateDir: string, source: LocalSourceId): string {
  return path.join(stateDir, `local-logs-${source}.state`);
}

function noteOf(source: LocalSourceId, result: ScanResult): string {
  // (Unpriced models are flagged on their rows; the status bar and dashboard list them.)
  const parts = ['Estimated from the local logs at list prices.'];
  if (source === 'codex' && result.assumedModel) parts.push(`Turns whose log names no model are priced as ${CODEX_FALLBACK_MODEL} ("${CODEX_ASSUMED_LABEL}").`);
  const fast = result.fastUnknownModels;
  if (fast.length > 0) parts.push(`Fast-mode requests of ${fast.join(', ')} are priced at standard rates (fast-mode multiplier unknown): an underestimate.`);
  return parts.join(' ');
}

function defaultRunner(stateDir: string | undefined): ScanRunner {
  const file = bundledWorkerFile();
  // With state files the worker may stop when idle (its state reloads); without, it must live on.
  return file ? new WorkerRunner({ file, ...(stateDir ? { idleMs: 5 * 60_000 } : {}) }) : new InProcessRunner();
}

/**
 * Agents whose usage a network source that does not carry their traffic meters anyway: GitHub
 * Copilot's premium-request report counts what Copilot CLI spends, so with `copilot` on, the CLI's
 * logs are an estimate beside it (product.md), while `auto` still reads them.
 */
const METERED_ELSEWHERE: { readonly [K in LocalSourceId]?: (config: TokenBudgetConfig) => boolean } = {
  copilotCli: (config) => config.sources.copilot.enabled,
};

/** One agent's logs as a source; its own state is when it last walked every file. */
class AgentLogsAdapter implements SourceAdapter {
  readonly setting: string;
  readonly needsKey = false;
  private lastFull: number | undefined;

  constructor(
    readonly id: LocalSourceId,
    readonly label: string,
    private readonly shared: AgentLogs,
  ) {
    this.setting = `tokenBudget.sources.${id}.enabled`;
  }

  start(context: SourceStartContext): void {
    this.shared.start(context);
  }

  stop(): Promise<void> {
    return this.shared.stop();
  }

  isEnabled(config: TokenBudgetConfig): boolean {
    const on = localSourceEnabled(this.id, config, this.shared.options.networkSourceConfigured(config), this.shared.env, this.shared.home);
    if (!on) this.shared.watching?.stop(this.id);
    return on;
  }

  // Beside a network source the logs meter the same traffic again: an estimate to compare with.
  estimateOnly(config: TokenBudgetConfig): boolean {
    return this.shared.options.networkSourceConfigured(config) || (METERED_ELSEWHERE[this.id]?.(config) ?? false);
  }

  offHint(config: TokenBudgetConfig): string | undefined {
    if (config.sources[this.id].enabled !== 'auto' || !this.shared.options.networkSourceConfigured(config)) return undefined;
    if (!logsPresent(this.id, this.shared.rootsOf(this.id, config))) return undefined;
    return `Logs found on this machine. Set tokenBudget.sources.${this.id}.enabled to "on" to compare them with the gateway's figure (an estimate beside it, not added to the spend).`;
  }

  identity(config: TokenBudgetConfig): string {
    return this.shared.rootsOf(this.id, config).join(path.delimiter);
  }

  async fetch(context: FetchContext): Promise<FetchOutcome> {
    const { id: source, label, shared } = this;
    const roots = shared.rootsOf(source, context.config);
    const dirs = scanDirs(source, roots);
    if (dirs.length === 0) {
      const where = roots.map((root) => (source === 'claudeCode' ? path.join(root, 'projects') : root)).join(', ');
      throw new SourceError('config', `${label}: no logs found (looked in ${where}). Set tokenBudget.sources.${source}.paths, or turn the source off.`);
    }
    const now = Date.now();
    const watcher = shared.watching;
    watcher?.watch(source, dirs);
    const pending = watcher?.take(source);
    const last = this.lastFull;
    const targeted = watcher !== undefined && pending !== undefined && !pending.overflow && watcher.healthy(source) && last !== undefined && now - last < (shared.options.fullWalkMs ?? 5 * 60_000);
    const emit = (p: ScanProgress, phase: LocalScanProgress['phase']) => shared.progress({ ...p, phase });
    emit({ source, filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 }, 'start');
    let result: ScanResult;
    let lastProgress: ScanProgress = { source, filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 };
    const stateDir = shared.stateDir;
    try {
      result = await shared.scanner().scan(
        {
          source,
          identity: roots.join(path.delimiter),
          dirs,
          ...(targeted ? { paths: [...(pending?.paths ?? [])] } : {}),
          sync: context.sync,
          ...(stateDir ? { stateFile: stateFileOf(stateDir, source) } : {}),
        },
        (p) => {
          lastProgress = p;
          emit(p, 'progress');
        },
      );
    } catch (error) {
      throw new SourceError('config', `${label}: reading the logs failed (${error instanceof Error ? error.message : String(error)}).`);
    } finally {
      emit(lastProgress, 'end');
    }
    if (!targeted) this.lastFull = now;
    return { days: result.days, rows: result.rows, sync: result.sync, requests: 0, note: noteOf(source, result) };
  }
}
