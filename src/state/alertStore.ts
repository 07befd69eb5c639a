/**
 * The alert memory on disk (`alerts.json` under the extension's global storage, so every window
 * of the profile shares it and it survives restarts). Every change is a read-modify-write under a
 * cross-process lock (`alerts.lock`), so two windows evaluating at the same moment cannot both
 * consume, and so both show, the same alert; and a snooze chosen in one window is never lost to
 * another window's write.
 */
import { join } from 'node:path';
import * as v from 'valibot';
import { EMPTY_MEMORY, type AlertMemory } from '../core/alerts';
import { readJson, withFileLock, writeFileAtomic } from './fileLock';

const YearSchema = v.object({
  thresholdsShown: v.array(v.number()),
  thresholdsMuted: v.boolean(),
  paceArmed: v.boolean(),
  paceShownAt: v.optional(v.string()),
});

const MemorySchema = v.object({
  version: v.literal(1),
  snoozedUntil: v.optional(v.string()),
  years: v.record(v.string(), YearSchema),
  spikeDays: v.array(v.string()),
});

/** The memory in `json`, or the empty memory when it is missing or not in the expected shape. */
export function parseAlertMemory(json: unknown): AlertMemory {
  const parsed = v.safeParse(MemorySchema, json);
  return parsed.success ? parsed.output : EMPTY_MEMORY;
}

export class AlertStore {
  readonly file: string;
  private readonly lockFile: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {
    this.file = join(dir, 'alerts.json');
    this.lockFile = join(dir, 'alerts.lock');
  }

  async load(): Promise<AlertMemory> {
    return parseAlertMemory(await readJson(this.file));
  }

  /**
   * Reads the memory, lets `change` decide, and writes the memory it returns when it differs;
   * all under the lock. Calls from one process run one after the other.
   */
  update<T>(change: (memory: AlertMemory) => { readonly memory: AlertMemory; readonly result: T }): Promise<T> {
    const next = this.queue.then(() =>
      withFileLock(this.lockFile, async () => {
        const before = await this.load();
        const { memory, result } = change(before);
        if (JSON.stringify(memory) !== JSON.stringify(before)) await writeFileAtomic(this.file, `${JSON.stringify(memory, null, 1)}\n`);
        return result;
      }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }
}
