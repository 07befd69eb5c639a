/**
 * The alert memory on disk (`alerts.json` under the extension's global storage, so every window
 * of the profile shares it and it survives restarts). Every change is a read-modify-write under a
 * cross-process lock (`alerts.lock`), so two windows evaluating at the same moment cannot both
 * consume, and so both show, the same alert; and a snooze chosen in one window is never lost to
 * another window's write.
 *
 * Nothing is lost to a bad file. Each change is written twice, atomically: first to
 * `alerts.json.bak`, then to `alerts.json` (the commit). A missing `alerts.json` is a fresh start;
 * one that cannot be read (damaged, or in a shape this version does not know) is not taken for
 * empty memory, which would show again every alert already shown and forget the snooze: it is
 * kept aside (copied to `alerts.json.corrupt-<time>`, then replaced; reported through
 * `onUnreadable`, as the ledger reports its own), and the last good copy is used instead. A file
 * from a newer version of the extension is read when it still fits this version's shape, and a
 * copy of it is kept (`alerts.json.v<N>-backup`, once) before this version rewrites it without
 * what it does not know.
 */
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { EMPTY_MEMORY, type AlertMemory } from '../core/alerts';
import { withFileLock, writeFileAtomic } from './fileLock';

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

type Read =
  | { readonly kind: 'missing' }
  | { readonly kind: 'ok'; readonly memory: AlertMemory; readonly newerFormat?: number }
  | { readonly kind: 'unreadable'; readonly reason: string };

function parse(json: unknown): Read {
  const version = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['version'] : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version > VERSION) {
    // A newer extension wrote it: read what this version understands, if the shape still fits.
    const parsed = v.safeParse(MemorySchema, { ...(json as Record<string, unknown>), version: VERSION });
    if (!parsed.success) return { kind: 'unreadable', reason: `it was written by a newer version of Token Budget (format ${version}) in a shape this version cannot read` };
    return { kind: 'ok', memory: parsed.output, newerFormat: version };
  }
  const parsed = v.safeParse(MemorySchema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    return { kind: 'unreadable', reason: `it does not match the expected format (${v.getDotPath(issue) ?? 'root'}: ${issue.message})` };
  }
  return { kind: 'ok', memory: parsed.output };
}

async function read(file: string): Promise<Read> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', reason: `it could not be read (${(error as Error).message})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    return { kind: 'unreadable', reason: 'it is not valid JSON' };
  }
  return parse(json);
}

/** The memory in `json`, or the empty memory when it is missing or not in the expected shape. */
export function parseAlertMemory(json: unknown): AlertMemory {
  const parsed = parse(json);
  return parsed.kind === 'ok' ? parsed.memory : EMPTY_MEMORY;
}

export class AlertStore {
  readonly file: string;
  /** The last good copy (see the module comment). */
  readonly backupFile: string;
  private readonly lockFile: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly options: AlertStoreOptions = {},
  ) {
    this.file = join(dir, 'alerts.json');
    this.backupFile = join(dir, 'alerts.json.bak');
    this.lockFile = join(dir, 'alerts.lock');
  }

  /** The memory as saved: the last good copy when `alerts.json` cannot be read (left where it is). */
  async load(): Promise<AlertMemory> {
    const main = await read(this.file);
    if (main.kind === 'ok') return main.memory;
    if (main.kind === 'missing') return EMPTY_MEMORY;
    const backup = await read(this.backupFile);
    return backup.kind === 'ok' ? backup.memory : EMPTY_MEMORY;
  }

  /**
   * Reads the memory, lets `change` decide, and writes the memory it returns when it differs;
   * all under the lock. Calls from one process run one after the other. An unreadable file is
   * moved aside here (see the module comment).
   */
  update<T>(change: (memory: AlertMemory) => { readonly memory: AlertMemory; readonly result: T }): Promise<T> {
    const next = this.queue.then(() =>
      withFileLock(this.lockFile, async () => {
        const main = await read(this.file);
        let before = EMPTY_MEMORY;
        if (main.kind === 'ok') {
          before = main.memory;
          if (main.newerFormat !== undefined) await this.keepNewer(main.newerFormat);
        } else if (main.kind === 'unreadable') {
          const backup = await read(this.backupFile);
          if (backup.kind === 'ok') before = backup.memory;
          // Copied aside, then replaced atomically: `alerts.json` is never missing meanwhile.
          const keptAs = await this.keepAside();
          await this.save(before);
          this.options.onUnreadable?.({ reason: main.reason, movedTo: keptAs, ...(backup.kind === 'ok' ? { restoredFrom: this.backupFile } : {}) });
        }
        const { memory, result } = change(before);
        if (JSON.stringify(memory) !== JSON.stringify(before)) await this.save(memory);
        return result;
      }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The last good copy first, then the file itself (the commit). */
  private async save(memory: AlertMemory): Promise<void> {
    const text = `${JSON.stringify(memory, null, 1)}\n`;
    await writeFileAtomic(this.backupFile, text);
    await writeFileAtomic(this.file, text);
  }

  /** Copies the unreadable `alerts.json` aside before it is replaced; throws when that fails, so it is not overwritten. */
  private async keepAside(): Promise<string> {
    const keptAs = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await copyFile(this.file, keptAs, 1 /* COPYFILE_EXCL: never over an earlier one */);
    return keptAs;
  }

  /** Copies a file from a newer version, about to be rewritten without what this version does not know, once. */
  private async keepNewer(version: number): Promise<void> {
    try {
      await copyFile(this.file, `${this.file}.v${version}-backup`, 1 /* COPYFILE_EXCL: keep the first copy */);
    } catch {
      // Already there, or not possible: what this version knows is kept either way.
    }
  }
}
