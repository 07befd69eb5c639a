/**
 * OpenCode: its SQLite database and the JSON message files it came from. What a message holds and
 * how it is counted (input without cache, output vs reasoning by era, logged cost, model names)
 * is openCodeStore.ts, shared with Kilo; this file says where OpenCode keeps them.
 *
 * - The data folder: `$XDG_DATA_HOME/opencode`, else `~/.local/share/opencode` on every platform
 *   (the `xdg-basedir` package; on Windows `%USERPROFILE%\.local\share\opencode`, as OpenCode's
 *   troubleshooting page says).
 * - The database: `opencode.db` in it (channels `latest`, `beta`, `prod`, or
 *   `OPENCODE_DISABLE_CHANNEL_DB`), `opencode-<channel>.db` for other channels (dev and local
 *   builds), or `OPENCODE_DB` (absolute, or a name inside the data folder). Every database file
 *   directly in the data folder (and in `OPENCODE_DB`'s folder) is read: a channel database
 *   starts by migrating the same JSON store, and the message ids dedupe that; ccusage reads only
 *   `opencode.db`, or the first `opencode-*.db` when it is missing. WAL mode: the newest rows sit
 *   in `opencode.db-wal` until a checkpoint; a read-only connection sees them.
 * - The JSON store (`companion`): `storage/message/<sessionID>/<messageID>.json`, left in place
 *   by the migration. A file whose id the database has loses to the database row (`rank`).
 *
 * References:
 * - anomalyco/opencode packages/opencode/src/global/index.ts @ 0259f2c1393f945b12cb8b5dcce9e1f9c39cdb82
 *   (`path.join(xdgData, "opencode")`).
 * - anomalyco/opencode packages/core/src/database/database.ts @ 01f25dc77012614bbdb7fcd30beff51d4e957532
 *   (`PRAGMA journal_mode = WAL`; a relative path joins the data folder); the channel names and
 *   `OPENCODE_DB` / `OPENCODE_DISABLE_CHANNEL_DB`: packages/opencode/src/storage/db.ts
 *   (`getChannelPath`) and opencode.ai/v1/docs/troubleshooting ("Custom OPENCODE_DB settings and
 *   development channels can use a different filename").
 * - anomalyco/opencode packages/opencode/src/storage/json-migration.ts @ 0a8a0ed8bb798343e09cf7fb1bad0a08ee573b98.
 * - Usage eras: anomalyco/opencode packages/opencode/src/session/index.ts @ 0002b1fa7df4460349692a647b6fa61d3cc58f12
 *   (no `total`, output = the SDK's), packages/opencode/src/session/session.ts @ 008456f4dd08000a5bc3fdf13bc1df7046cd1d8e
 *   (`total`, output − reasoning), issue anomalyco/opencode#17566; OpenCode 2's
 *   packages/core/src/database/migration/20260706120000_v2_session_usage.ts @ 8c6ff62466bac8cfbe5b85dfae50804f8f43fbdf
 *   (`session_message` assistant rows, reasoning summed apart from output).
 * - ccusage rust/crates/ccusage/src/adapter/opencode/{paths,loader,parser}.rs (20.0.11), and the
 *   20.0.24 binary, which also reads `session_message` and `XDG_DATA_HOME`.
 */
import { storeFormats } from './openCodeStore';

/** An environment variable's value, trimmed; null when empty. */
function nonEmpty(v: string | undefined): string | null {
  return v !== undefined && v.trim() !== '' ? v.trim() : null;
}

const store = storeFormats({ source: 'openCode', app: 'opencode', dbVariable: 'OPENCODE_DB', envValue: nonEmpty });

/** OpenCode's data folder, as `xdg-basedir` resolves it. */
export const openCodeDataDir = store.dataDir;
/** `storage/message/<session>/<message>.json` under the data folder. */
export const openCodeJsonFormat = store.json;
/** The databases: the data folder's, and `OPENCODE_DB`'s folder when it points elsewhere; the JSON store beside them. */
export const openCodeFormat = store.db;
