/** Reading values out of parsed JSON the agent wrote (never trusted: anything unexpected reads as nothing). */

export type Obj = Record<string, unknown>;

/** Whether a value is a JSON object (not an array, not null). */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A text value trimmed; null when it is not text or only blanks. */
export function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** A token count: a positive finite number, floored (anything else is 0). */
export function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}
