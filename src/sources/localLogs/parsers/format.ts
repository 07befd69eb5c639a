/**
 * How an agent's log format is described when it needs no byte-level fast path: every coding
 * agent but Claude Code and Codex (whose volume earns them hand-written parsers, claude.ts and
 * codex.ts). One file per agent in this folder exports one `AgentFormat`; records.ts turns it into
 * the scanner's `LogParser`, paths.ts finds its folders with `roots` and `dirs`.
 *
 * An agent's file says only what its logs hold: which files are logs, and what usage a line, a
 * file or a database holds. Reading (offsets, appended bytes, rewrites, deleted files), dedupe,
 * days, prices and state are the scanner's.
 *
 * Token counts follow the ledger's convention whatever the agent logs: `input` is the input that
 * was neither read from nor written to the cache (an agent whose input already includes cached
 * tokens has them subtracted here), `output` includes reasoning (an agent that logs reasoning
 * apart has it added here, once).
 */
import type { Env, LocalSourceId } from '../paths';

/** One use of a model, as the agent logged it. */
export interface Usage {
  /** When (epoch ms). */
  readonly ms: number;
  /** The model, as genai-prices knows it where the agent adds a provider prefix or suffix of its own. */
  readonly model: string;
  /** Input tokens neither read from nor written to the cache. */
  readonly input: number;
  /** Output tokens, reasoning included. */
  readonly output: number;
  readonly cacheRead: number;
  /** Cache writes (priced as five-minute writes). */
  readonly cacheWrite: number;
  /** USD the agent itself logged for this usage, where it logs one (0 for subscription or free models is still 0). */
  readonly loggedCost?: number;
  /**
   * The same key is the same usage, counted once across all of this agent's files (streaming
   * copies, a message written again, an older snapshot of a session in a second folder): the copy
   * with the highest `rank` counts, default its token total; on a tie the first one read (files in
   * path order) stays. No key: every usage counts.
   */
  readonly key?: string;
  readonly rank?: number;
  /** The working directory (project) the usage belongs to, where the log says it. */
  readonly project?: string;
  /**
   * The usage sums many requests (a session's running total) instead of being one: priced at the
   * model's base tier, as requests of ordinary size, never as one request of the sum's size (which
   * would put every long session in a long-context tier).
   */
  readonly aggregate?: boolean;
}

/** What every format says about where its logs are. */
interface Where {
  readonly source: LocalSourceId;
  /**
   * The agent's own roots when the user configured no paths, in order, existing or not: from the
   * environment variables the agent itself honours, else its default folders under `home`.
   */
  roots(env: Env, home: string): string[];
  /** The folders under a root that are scanned (recursively, as deep as `depth`) for logs; existing or not. */
  dirs(root: string): string[];
  /** Whether a file (by its name) is one of the agent's logs. */
  isLog(name: string): boolean;
  /**
   * How many folder levels below each of `dirs` logs are looked for: 0 = only the files directly
   * in it (a database that sits beside large folders of other data, such as OpenCode's data
   * folder). Default: every level.
   */
  readonly depth?: number;
  /** The ledger's model name for usage whose log names no model (see `Usage.model`). */
  readonly assumedModel?: string;
}

/**
 * JSON Lines, read incrementally: only bytes appended since the last read are parsed. `S` is what
 * is remembered per file between reads (plain JSON data: it is saved in the state file).
 */
export interface JsonLinesFormat<S = null> extends Where {
  readonly kind: 'jsonl';
  /** Text every line worth parsing contains (lines without it are never parsed). */
  readonly needle: string;
  /** The state of a file not read yet. */
  initial(): S;
  /** The usage one parsed line holds; may update `state`. `file` is the log's path. */
  line(value: unknown, state: S, file: string): Usage | readonly Usage[] | null;
  /**
   * The same agent's older layout, one JSON document per file, left beside its JSON-lines logs
   * (Gemini CLI's `session-*.json` from before it wrote JSONL), read as part of this source as an
   * SQLite format's companion is: the files its `isLog` names are read whole, never as lines.
   * `Usage.key` dedupes across both layouts (a session that is in both counts once).
   */
  readonly companion?: JsonFileFormat;
}

/** One JSON document per file, read again whole whenever the file changes. */
export interface JsonFileFormat extends Where {
  readonly kind: 'json';
  file(value: unknown, file: string): readonly Usage[];
}

/** The subset of node:sqlite's DatabaseSync a format uses (read-only). */
export interface SqliteDb {
  prepare(sql: string): { all(...params: (string | number | null)[]): unknown[] };
}

/** What an incremental read of a database found (`SqliteFormat.readSince`). */
export interface SqliteDelta {
  /** The usage of the rows added or changed since the cursor (every row, from none). */
  readonly usages: readonly Usage[];
  /** Where the next read starts: plain JSON data, saved in the state file; null = read whole next time. */
  readonly cursor: unknown;
  /** Rows read (for the tests and the bench). */
  readonly rows: number;
}

/**
 * An SQLite database (opened read-only, the `-wal` file seen), read again whenever it or its
 * `-wal` file changes. `isLog` names the database file.
 */
export interface SqliteFormat extends Where {
  readonly kind: 'sqlite';
  read(db: SqliteDb, file: string): readonly Usage[];
  /**
   * For an agent that keeps a column telling which rows were added or changed (a change time it
   * sets on every write): the database read from `cursor`, only the rows added or changed since
   * (a change costs what it changed, not the whole database). From a null cursor: every row, as
   * `read` reads them, and the cursor to start from next time. Null when the rows since cannot be
   * told (rows deleted, the database replaced by another): it is read whole then.
   *
   * A row read again (changed in place: a reply streaming, a running total) must carry the same
   * `key` as before: its new usage replaces what it counted, whatever the ranks. Usage without a
   * key could not be told from a second copy: give every usage a key. The database's schema
   * (`PRAGMA schema_version`, `user_version`) is checked by the scanner: another one is read whole.
   * Without `readSince` a database is read whole on every change.
   */
  readSince?(db: SqliteDb, file: string, cursor: unknown): SqliteDelta | null;
  /**
   * The same agent's logs in another layout, read as part of this source beside the database:
   * OpenCode's and Kilo's `storage/message/<session>/<message>.json`, the files their database
   * was migrated from (the migration leaves them in place, and skips messages whose session had no
   * project, which so live only there). Its own `roots`/`dirs`/`isLog`/`depth` find its files;
   * `Usage.key` dedupes across the database and them, the database's copy carrying the higher
   * `rank`.
   */
  readonly companion?: JsonFileFormat;
}

/** Any agent's format (a JSON-lines format's state is its own business: the scanner stores and copies it). */
export type AgentFormat = JsonLinesFormat<unknown> | JsonFileFormat | SqliteFormat;
