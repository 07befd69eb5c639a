/**
 * The alert memory on disk (`alerts.json` under the extension's global storage, so every window
 * of the profile shares it and it survives restarts). Every change is a read-modify-write under a
 * cross-process lock (`alerts.lock`), so two windows evaluating at the same moment cannot both
 * consume, and so both show, the same alert; and a snooze chosen in one window is never lost to
 * another window's write.
 *
 * Nothing is lost to a bad file. Each change is written twice, atomically and flushed
 * (durableFile.ts): first to `alerts.json.bak`, then to `alerts.json` (the commit). A missing `alerts.json` is a fresh start;
 * one that cannot be read (damaged, or in a shape this version does not know) is not taken for
 * empty memory, which would show again every alert already shown and forget the snooze: it is
 * kept aside (copied to `alerts.json.corrupt-<time>`, then replaced; reported through
 * `onUnreadable`, as the ledger reports its own), and the last good copy is used instead. A file
 * from a newer version of the extension is read when it still fits this version's shape, and a
 * copy of it is kept (`alerts.json.v<N>-backup`, once) before this version rewrites it without
 * what it does not know.
 */
import { join } from 'node:path';
import * as v from 'valibot';
import { EMPTY_MEMORY, type AlertMemory } from '../core/alerts';
import { DurableFile, parseVersioned, type ReadResult, type VersionedFormat } from './durableFile';
import { withFileLock } from './fileLock';

const VERSION = 1;

const YearSchema = v.object({
  thresholdsShown: v.array(v.number()),
  thresholdsMuted: v.boolean(),
  paceArmed: v.boolean(),
  paceShownAt: v.optional(v.string()),
});

const MemorySchema = v.object({
  version: v.literal(VERSION),
  snoozedUntil: v.optional(v.string()),
  years: v.record(v.string(), YearSchema),
  spikeDays: v.array(v.string()),
});

/** An `alerts.json` that could not be used, and where it was kept. */
export interface AlertMemoryNotice {
  /** Why it could not be used, for people: "it is not valid JSON". */
  readonly reason: string;
  /** Where the unreadable file was kept. */
  readonly movedTo: string;
  /** The last good copy used instead; undefined when there was none (the memory starts empty). */
  readonly restoredFrom?: string;
}

export interface AlertStoreOptions {
  /** Called once per unreadable file moved aside, in the window that moved it. */
  readonly onUnreadable?: (notice: AlertMemoryNotice) => void;
}

const FORMAT: VersionedFormat<AlertMemory> = { version: VERSION, schema: MemorySchema };

/** The memory in `json`, or the empty memory when it is missing or not in the expected shape. */
export function parseAlertMemory(json: unknown): AlertMemory {
  const parsed = parseVersioned(json, FORMAT);
  return parsed.ok ? parsed.value : EMPTY_MEMORY;
}

export class AlertStore {
  readonly file: string;
  /** The last good copy (see the module comment). */
  readonly backupFile: string;
  private readonly lockFile: string;
  private readonly durable: DurableFile<AlertMemory>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Temporary files of killed writers are removed on this store's first change. */
  private cleaned = false;

  constructor(
    readonly dir: string,
    private readonly options: AlertStoreOptions = {},
  ) {
    this.durable = new DurableFile(join(dir, 'alerts.json'), FORMAT, { backup: true, serialize: (memory) => `${JSON.stringify(memory, null, 1)}\n` });
    this.file = this.durable.file;
    this.backupFile = this.durable.backupFile;
    this.lockFile = join(dir, 'alerts.lock');
  }

  /** The memory as saved: the last good copy when `alerts.json` cannot be read (left where it is). */
  async load(): Promise<AlertMemory> {
    const main = await this.durable.read();
    if (main.kind === 'ok') return main.value;
    if (main.kind === 'missing') return EMPTY_MEMORY;
    const backup = await this.durable.readBackup();
    return backup.kind === 'ok' ? backup.value : EMPTY_MEMORY;
  }

  /**
   * Reads the memory, lets `change` decide, and writes the memory it returns when it differs;
   * all under the lock. Calls from one process run one after the other. An unreadable file is
   * moved aside here (see the module comment).
   */
  update<T>(change: (memory: AlertMemory) => { readonly memory: AlertMemory; readonly result: T }): Promise<T> {
    const next = this.queue.then(() =>
      withFileLock(this.lockFile, async () => {
        if (!this.cleaned) {
          this.cleaned = true;
          await this.durable.removeLeftovers();
        }
        const main: ReadResult<AlertMemory> = await this.durable.read();
        let before = EMPTY_MEMORY;
        if (main.kind === 'ok') {
          before = main.value;
          // A file from a newer version, about to be rewritten without what this version does not know.
          if (main.newerFormat !== undefined) await this.durable.keepVersionBackup(main.newerFormat);
        } else if (main.kind === 'unreadable') {
          const backup = await this.durable.readBackup();
          if (backup.kind === 'ok') before = backup.value;
          // Copied aside (never over an earlier copy; a failure throws, so nothing is overwritten),
          // then replaced atomically: `alerts.json` is never missing meanwhile.
          const keptAs = await this.durable.moveAside({ copy: true });
          await this.durable.write(before);
          this.options.onUnreadable?.({ reason: main.reason, movedTo: keptAs, ...(backup.kind === 'ok' ? { restoredFrom: this.backupFile } : {}) });
        }
        const { memory, result } = change(before);
        if (JSON.stringify(memory) !== JSON.stringify(before)) await this.durable.write(memory);
        return result;
      }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }
}
