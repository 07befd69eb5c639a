/**
 * The daily ledger as CSV (RFC 4180): one row per day × source × model × project, a header line,
 * CRLF line ends, and fields quoted when they hold a comma, a quote or a line break (quotes
 * doubled).
 *
 * Columns: date, source (the source id; for a coding agent, the agent), model, cost_usd (list
 * price), input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, requests, unpriced,
 * then (added later, so at the end) project (the working directory where the agent's log says it,
 * else empty) and logged_cost_usd (USD the agent itself logged for the part of the row's usage
 * that had a logged cost; empty when nothing was logged, 0 when the agent logged $0).
 */
import type { DayKey, LedgerRow } from './types';

export const CSV_COLUMNS = ['date', 'source', 'model', 'cost_usd', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'requests', 'unpriced', 'project', 'logged_cost_usd'] as const;

const LINE_END = '\r\n';
const NEEDS_QUOTES = /[",\r\n]/;
/** Leading characters a spreadsheet would run as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Money keeps at most this many decimals (sub-cent prices of small requests survive). */
const COST_DECIMALS = 6;

/**
 * One CSV field. Text that a spreadsheet would read as a formula (a model name from an API starting
 * with `=`, `+`, `-`, `@`) gets a leading apostrophe, the usual guard; numbers are written as numbers.
 */
export function csvField(value: string | number | boolean): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A plain decimal without exponent or float noise: 700.1, not 700.0999999999999. */
function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  const fixed = n.toFixed(COST_DECIMALS);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/** One CSV line (without its line end). */
export function csvLine(fields: readonly (string | number | boolean)[]): string {
  return fields.map(csvField).join(',');
}

/**
 * The rows as CSV, in the order given (the ledger's own order is date, source, model). An unpriced
 * row has `unpriced` = true and, when nothing in it could be priced, an empty `cost_usd` (its
 * cost is unknown, not $0); a partly priced one keeps the priced part there.
 */
export function ledgerCsv(rows: readonly LedgerRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const unpriced = r.unpriced === true;
    lines.push(csvLine([r.date, r.source, r.model, unpriced && r.cost === 0 ? '' : r.cost, r.inputTokens, r.outputTokens, r.cacheReadTokens, r.cacheWriteTokens, r.requests, unpriced, r.project ?? '', r.loggedCost ?? '']));
  }
  return lines.join(LINE_END) + LINE_END;
}

/** The default file name of an export made on `today`. */
export function csvFileName(today: DayKey): string {
  return `token-budget-${today}.csv`;
}
