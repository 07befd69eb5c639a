/**
 * The `claudeCode` and `codex` sources: local agent logs, read incrementally off the main thread.
 *
 * Runtime (set once by the extension with `configureLocalLogs`, defaults otherwise):
 * - scans run in the bundled worker (dist/scanWorker.js) when it exists, else in-process;
 * - the scan state (per-file offsets, per-day aggregates, dedupe keys) is kept in memory and,
 *   with `stateDir`, in `{stateDir}/local-logs-{source}.state` (binary, a few MB for a heavy
 *   history), so a restart reads only what was appended meanwhile. A small copy of the per-day
 *   totals also travels in the ledger's `sync`, so a lost state file never loses counted days;
 * - with `onLogsChanged`, the log folders are watched and changes ask for a refresh; the next
 *   scan reads only the changed files (a full walk at least every 5 minutes and after anything a
 *   file list does not describe).
 */
import os from 'node:os';
import path from 'node:path';
import type { TokenBudgetConfig } from '../../core/config';
import { SourceError } from '../http';
import type { FetchContext, FetchOutcome, SourceAdapter } from '../types';
import { CODEX_ASSUMED_LABEL, CODEX_FALLBACK_MODEL } from './parsers/codex';
import { candidateRoots, localSourceEnabled, logsPresent, networkSourceConfigured, scanDirs, type Env, type LocalSourceId } from './paths';
import { bundledWorkerFile, InProcessRunner, WorkerRunner, type ScanRunner } from './runner';
import type { ScanProgress, ScanResult } from './scanner';
import { LogWatcher, type LogWatcherOptions } from './watcher';

export const LOCAL_LABELS: Record<LocalSourceId, string> = { claudeCode: 'Claude Code (local logs)', codex: 'Codex (local logs)' };

/** A scan's progress, with its start and end. */
export interface LocalScanProgress extends ScanProgress {
  readonly phase: 'start' | 'progress' | 'end';
}

export interface LocalLogsSetup {
  /** Folder for the scan state files (e.g. the extension's global storage); omitted = memory only. */
  readonly stateDir?: string;
  /** How scans run; default: the bundled worker when present, else in-process. */
  readonly runner?: ScanRunner;
  /** Called (debounced) when watched logs change; omitted = no watching, the refresh interval only. */
  readonly onLogsChanged?: (sources: LocalSourceId[]) => void;
  /** Every scan's progress (start, progress at most every 100 ms, end). */
  readonly onProgress?: (p: LocalScanProgress) => void;
  readonly watcher?: LogWatcherOptions;
  /** Environment and home used to find the logs (default: this process's). */
  readonly env?: Env;
  readonly home?: string;
  /** A full walk at least this often even when watching (default 5 minutes). */
  readonly fullWalkMs?: number;
}

interface Runtime {
  readonly setup: LocalLogsSetup;
  runner: ScanRunner | undefined;
  readonly ownsRunner: boolean;
  readonly watcher: LogWatcher | undefined;
  readonly lastFull: Map<LocalSourceId, number>;
}

let runtime: Runtime = { setup: {}, runner: undefined, ownsRunner: true, watcher: undefined, lastFull: new Map() };

/** Sets how the local sources run (call once at activation); returns a disposable that stops it all. */
export function configureLocalLogs(setup: LocalLogsSetup): { dispose(): Promise<void> } {
  const previous = runtime;
  void disposeRuntime(previous);
  const watcher = setup.onLogsChanged ? new LogWatcher(setup.onLogsChanged, setup.watcher) : undefined;
  const mine: Runtime = { setup, runner: setup.runner, ownsRunner: setup.runner === undefined, watcher, lastFull: new Map() };
  runtime = mine;
  return {
    dispose: async () => {
      if (runtime === mine) runtime = { setup: {}, runner: undefined, ownsRunner: true, watcher: undefined, lastFull: new Map() };
      await disposeRuntime(mine);
    },
  };
}

async function disposeRuntime(r: Runtime): Promise<void> {
  r.watcher?.dispose();
  const runner = r.runner;
  r.runner = undefined;
  if (runner && r.ownsRunner) await runner.dispose();
}

function runnerOf(r: Runtime): ScanRunner {
  if (!r.runner) {
    const file = bundledWorkerFile();
    // With state files the worker may stop when idle (its state reloads); without, it must live on.
    r.runner = file ? new WorkerRunner({ file, ...(r.setup.stateDir ? { idleMs: 5 * 60_000 } : {}) }) : new InProcessRunner();
  }
  return r.runner;
}

const envOf = () => runtime.setup.env ?? process.env;
const homeOf = () => runtime.setup.home ?? os.homedir();

export function rootsOf(source: LocalSourceId, config: TokenBudgetConfig): string[] {
  return candidateRoots(source, config.sources[source].paths, envOf(), homeOf());
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

async function fetchLocal(source: LocalSourceId, context: FetchContext): Promise<FetchOutcome> {
  const r = runtime;
  const label = LOCAL_LABELS[source];
  const roots = rootsOf(source, context.config);
  const dirs = scanDirs(source, roots);
  if (dirs.length === 0) {
    const where = roots.map((root) => (source === 'claudeCode' ? path.join(root, 'projects') : root)).join(', ');
    throw new SourceError('config', `${label}: no logs found (looked in ${where}). Set tokenBudget.sources.${source}.paths, or turn the source off.`);
  }
  const now = Date.now();
  r.watcher?.watch(source, dirs);
  const pending = r.watcher?.take(source);
  const last = r.lastFull.get(source);
  const targeted = r.watcher !== undefined && pending !== undefined && !pending.overflow && r.watcher.healthy(source) && last !== undefined && now - last < (r.setup.fullWalkMs ?? 5 * 60_000);
  const onProgress = r.setup.onProgress;
  const emit = (p: ScanProgress, phase: LocalScanProgress['phase']) => onProgress?.({ ...p, phase });
  emit({ source, filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 }, 'start');
  let result: ScanResult;
  let lastProgress: ScanProgress = { source, filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 };
  try {
    result = await runnerOf(r).scan(
      {
        source,
        identity: roots.join(path.delimiter),
        dirs,
        ...(targeted ? { paths: [...(pending?.paths ?? [])] } : {}),
        sync: context.sync,
        ...(r.setup.stateDir ? { stateFile: stateFileOf(r.setup.stateDir, source) } : {}),
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
  if (!targeted) r.lastFull.set(source, now);
  return { days: result.days, rows: result.rows, sync: result.sync, requests: 0, note: noteOf(source, result) };
}

function makeAdapter(id: LocalSourceId): SourceAdapter {
  return {
    id,
    label: LOCAL_LABELS[id],
    setting: `tokenBudget.sources.${id}.enabled`,
    needsKey: false,
    isEnabled(config) {
      const on = localSourceEnabled(id, config, envOf(), homeOf());
      if (!on) runtime.watcher?.stop(id);
      return on;
    },
    // Beside a network source the logs meter the same traffic again: an estimate to compare with.
    estimateOnly: (config) => networkSourceConfigured(config),
    offHint(config) {
      if (config.sources[id].enabled !== 'auto' || !networkSourceConfigured(config)) return undefined;
      if (!logsPresent(id, rootsOf(id, config))) return undefined;
      return `Logs found on this machine. Set tokenBudget.sources.${id}.enabled to "on" to compare them with the gateway's figure (an estimate beside it, not added to the spend).`;
    },
    identity: (config) => rootsOf(id, config).join(path.delimiter),
    fetch: (context) => fetchLocal(id, context),
  };
}

export const claudeCodeAdapter: SourceAdapter = makeAdapter('claudeCode');
export const codexAdapter: SourceAdapter = makeAdapter('codex');
