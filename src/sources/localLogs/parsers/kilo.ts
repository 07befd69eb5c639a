/**
 * Kilo (the Kilo CLI, and the Kilo Code extension built on it): a fork of OpenCode with the same
 * message store under its own name. Records and counting: openCodeStore.ts; this file says where
 * Kilo keeps them.
 *
 * - The data folder: `$XDG_DATA_HOME/kilo`, else `~/.local/share/kilo` (`const app = "kilo"`,
 *   `xdg-basedir`; Kilo strips stray newlines from the XDG paths).
 * - The database: `kilo.db` (channels `latest`, `beta`, `prod`, or `KILO_DISABLE_CHANNEL_DB`),
 *   `opencode-<channel>.db` in the same folder for other channels (builds that kept upstream's
 *   channel naming; the name is in Kilo's folder, so it is Kilo's), or `KILO_DB` (absolute, or a
 *   name inside the data folder). Every database file directly in the data folder is read; the
 *   message ids dedupe. WAL mode, as OpenCode.
 * - The JSON store (`companion`): Kilo up to its database release shipped OpenCode's JSON store
 *   in its own folder, and carries the same migration (storage/json-migration.ts), which leaves
 *   the files: `storage/message/<session>/<message>.json`, deduped against the database by id.
 *
 * Where ccusage's Kilo reader (20.0.11 source, 20.0.24 binary) differs, checked by running it:
 * it reads only `kilo.db` under `KILO_DATA_DIR` (its own variable, not Kilo's) or
 * `~/.local/share/kilo`, neither `XDG_DATA_HOME` nor channel databases nor the JSON store nor
 * OpenCode 2's `session_message` table; it keys a message by `<db path>:<row id>` (the payload has
 * no `id`), so the same message in two folders counts twice; it takes Kilo's logged `cost` as the
 * cost whenever there is one, 0 included (Kilo gateway and free models log 0), where the ledger
 * prices tokens at list price and keeps the logged cost beside it; and it adds reasoning to output
 * on every row (see openCodeStore.ts for when that counts it twice).
 *
 * References:
 * - Kilo-Org/kilocode packages/opencode/src/global/index.ts @ 30e1f2872c6cb8c1da31a48d660daf683888e3e3 (`app = "kilo"`).
 * - Kilo-Org/kilocode packages/opencode/src/storage/db.ts @ f10b24fca408dd2c45eb39eeb9f820a8a1f7865a
 *   (`kilo.db` in the data folder, `PRAGMA journal_mode = WAL`).
 * - Kilo-Org/kilocode packages/core/src/database/database.ts @ 2770028959952965af9645f632474e4e2d8c1b0e
 *   (`KILO_DB`, `KILO_DISABLE_CHANNEL_DB`, `opencode-<channel>.db`).
 * - Kilo-Org/kilocode packages/opencode/src/session/session.sql.ts @ 18369fa08ad4d1d9939c643d2dfee0eeefadb30d
 *   (`message(id, session_id, time_created, time_updated, data)`, data without id and sessionID).
 * - Kilo-Org/kilocode packages/opencode/src/storage/json-migration.ts @ a06467260754c10bf9030bf19e4e1bba6a4d4e85.
 * - ccusage rust/crates/ccusage/src/adapter/kilo/{paths,loader,parser}.rs (20.0.11).
 */
import { storeFormats } from './openCodeStore';

/** An environment variable's value with stray newlines taken out (as Kilo reads it); null when empty. */
function nonEmpty(v: string | undefined): string | null {
  const cleaned = v?.replace(/[\r\n]+/g, '').trim();
  return cleaned ? cleaned : null;
}

const store = storeFormats({ source: 'kilo', app: 'kilo', dbVariable: 'KILO_DB', envValue: nonEmpty });

/** Kilo's data folder. */
export const kiloDataDir = store.dataDir;
/** `storage/message/<session>/<message>.json` under the data folder. */
export const kiloJsonFormat = store.json;
/** The databases: the data folder's, and `KILO_DB`'s folder when it points elsewhere; the JSON store beside them. */
export const kiloFormat = store.db;
