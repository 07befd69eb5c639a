/**
 * The request size that prices a model's base tier (prices.ts explains the probing). A module of
 * its own, with no price data: the scan's reading half (parsers/records.ts) runs in a parser
 * thread whose bundle must stay small (esbuild.mjs checks it).
 */

/** A request this small is in every model's base tier (the lowest tier start in the data is 128k). */
export const BASE_PROBE_INPUT = 1;
