/**
 * Byte-level JSON reading shared by the agents' line readers (parsers/claude.ts, parsers/codex.ts).
 *
 * Compact JSON only (no white space between tokens: what both agents write), read straight from
 * the file buffer with no string made: keys are compared byte by byte, values skipped or read in
 * place. Anything unexpected gives -1, and the caller hands the line to JSON.parse, which decides.
 *
 * Results other than an index go to module scratch (`keyStart`, `count`): no allocation per
 * line. Read them right after the call.
 */
import { utcMsOfFields } from '../../core/dates';

export const QUOTE = 34;
export const BACKSLASH = 92;
export const COLON = 58;
export const COMMA = 44;
export const LBRACE = 123;
export const RBRACE = 125;
export const LBRACKET = 91;
export const RBRACKET = 93;
/** First byte of `null`. */
export const N_NULL = 110;

/** The bytes of an ASCII string, for comparing keys. */
export const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

/** True when buf[a, b) is exactly `k`. */
export function keyIs(buf: Buffer, a: number, b: number, k: Uint8Array): boolean {
  if (b - a !== k.length) return false;
  for (let i = 0; i < k.length; i++) if (buf[a + i] !== k[i]) return false;
  return true;
}

/** End (exclusive) of the JSON value starting at i (after whitespace is not expected: compact JSON), or -1. */
export function skipValue(buf: Buffer, i: number, end: number): number {
  const c = buf[i];
  if (c === QUOTE) {
    for (let k = i + 1; k < end; k++) {
      const x = buf[k];
      if (x === BACKSLASH) k++;
      else if (x === QUOTE) return k + 1;
    }
    return -1;
  }
  if (c === LBRACE || c === LBRACKET) {
    let depth = 0;
    for (let k = i; k < end; k++) {
      const x = buf[k];
      if (x === QUOTE) {
        for (k++; k < end; k++) {
          const y = buf[k];
          if (y === BACKSLASH) k++;
          else if (y === QUOTE) break;
        }
      } else if (x === LBRACE || x === LBRACKET) depth++;
      else if ((x === RBRACE || x === RBRACKET) && --depth === 0) return k + 1;
    }
    return -1;
  }
  // number, true, false, null
  let k = i;
  while (k < end) {
    const x = buf[k];
    if (x === COMMA || x === RBRACE || x === RBRACKET) break;
    k++;
  }
  return k > i ? k : -1;
}

/** A plain string value at i (opening quote): end of its content, or -1 when escaped/unterminated. */
export function plainString(buf: Buffer, i: number, end: number): number {
  if (buf[i] !== QUOTE) return -1;
  for (let k = i + 1; k < end; k++) {
    const x = buf[k];
    if (x === QUOTE) return k;
    if (x === BACKSLASH || x === undefined || x >= 0x80) return -1;
  }
  return -1;
}

/**
 * The plain string value at v (see plainString): its content's [start, end) goes to
 * spans[slot], spans[slot + 1]. Returns the index after the value, or -1 when it is not a plain
 * string (then nothing is written).
 */
export function takeString(buf: Buffer, v: number, end: number, spans: Int32Array, slot: number): number {
  const e = plainString(buf, v, end);
  if (e < 0) return -1;
  spans[slot] = v + 1;
  spans[slot + 1] = e;
  return e + 1;
}

/** Where the key `nextKey` read last starts (its text is buf[keyStart, value - 2)). */
export let keyStart = 0;

/**
 * The next `"key":` of an object, from i (just after its `{` or after a value; commas are
 * skipped). Returns the index of the key's value (`keyStart` set); when the object closes
 * there, -2 - the index of its `}` (see closedAt); -1 on anything unexpected. Claude Code's
 * walkKeys (claude.ts) writes this loop out instead of calling it: see there.
 */
export function nextKey(buf: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = buf[i];
    if (c === COMMA) {
      i++;
      continue;
    }
    if (c === RBRACE) return -2 - i;
    const kb = plainString(buf, i, end);
    if (kb < 0 || buf[kb + 1] !== COLON) return -1;
    keyStart = i + 1;
    return kb + 2;
  }
  return -1;
}

/** For a nextKey result below -1: the index after the object's `}`. */
export const closedAt = (r: number): number => -1 - r;

/** The number `readDigits` or `readCount` read; -1 when the value was not a number. */
export const count = { value: 0 };

/** The decimal digits at i, as an integer in `count.value` (0 when there are none); returns the index after them. */
export function readDigits(buf: Buffer, i: number, end: number): number {
  let x = 0;
  for (; i < end; i++) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) break;
    x = x * 10 + d;
  }
  count.value = x;
  return i;
}

/**
 * The value at i of an object key that may be a token count: a plain integer followed by `,` or
 * `}` (in `count.value`), or any other value, skipped (`count.value` = -1). A `counted` key (one
 * whose count is wanted) takes only an integer or null. Returns the index after the value, or -1
 * (a fraction or an exponent, a counted key with another value: JSON.parse decides).
 */
export function readCount(buf: Buffer, i: number, end: number, counted: boolean): number {
  const v = buf[i];
  if (v !== undefined && v >= 48 && v <= 57) {
    const e = readDigits(buf, i, end);
    const next = buf[e];
    return next === COMMA || next === RBRACE ? e : -1;
  }
  if (counted && v !== N_NULL) return -1;
  count.value = -1;
  return skipValue(buf, i, end);
}

function digits2(buf: Buffer, k: number): number {
  const x = (buf[k] as number) - 48;
  const y = (buf[k + 1] as number) - 48;
  return x < 0 || x > 9 || y < 0 || y > 9 ? -1000 : x * 10 + y;
}

/** `YYYY-MM-DDTHH:MM:SS[.fraction]Z` from bytes; NaN when not that shape. */
export function timestampAt(buf: Buffer, a: number, b: number): number {
  const len = b - a;
  if (len < 20 || buf[a + 4] !== 45 || buf[a + 7] !== 45 || buf[a + 10] !== 84 || buf[a + 13] !== COLON || buf[a + 16] !== COLON || buf[b - 1] !== 90) return NaN;
  const year = digits2(buf, a) * 100 + digits2(buf, a + 2);
  const month = digits2(buf, a + 5);
  const day = digits2(buf, a + 8);
  const hour = digits2(buf, a + 11);
  const minute = digits2(buf, a + 14);
  const second = digits2(buf, a + 17);
  let ms = 0;
  if (len > 20) {
    if (buf[a + 19] !== 46) return NaN;
    let scale = 100;
    for (let k = a + 20; k < b - 1; k++) {
      const x = (buf[k] as number) - 48;
      if (x < 0 || x > 9) return NaN;
      ms += x * scale;
      scale /= 10;
    }
    ms = Math.floor(ms);
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return NaN;
  return utcMsOfFields(year, month, day, hour, minute, second, ms);
}

/** The instant of the timestamp text buf[a, b): the usual shape read from bytes, any other through Date.parse (NaN when none). */
export function instantAt(buf: Buffer, a: number, b: number): number {
  const ms = timestampAt(buf, a, b);
  return Number.isNaN(ms) ? Date.parse(buf.toString('latin1', a, b)) : ms;
}

/** The line buf[start, end) through JSON.parse; undefined when it is not JSON (a torn or garbled line). */
export function parseJsonLine(buf: Buffer, start: number, end: number): unknown {
  try {
    return JSON.parse(buf.toString('utf8', start, end)) as unknown;
  } catch {
    return undefined;
  }
}

/** A token count as JSON.parse gave it: a positive finite number, else 0. */
export const countOf = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** Bytes searched in a plain loop before Buffer.indexOf takes over (a call costs more than a short scan). */
const NEAR = 48;

/**
 * JSON text buf[start, end) read as Latin-1 (see records.ts fromLatin1), the bodies of strings
 * longer than `maxString` bytes left out (`"…long…"` → `""`): what the agents' logs are mostly
 * made of (prompts, replies, tool output) is never decoded, parsed or kept, where no usage is.
 * Text that is not well-formed (a string left open) is returned whole, for JSON.parse to judge.
 *
 * Most strings are short (keys, ids, model names): their quotes are found by a loop over
 * the next NEAR bytes, and only a longer search is left to Buffer.indexOf. With two indexOf calls
 * per string, this took longer than JSON.parse of the whole line (Gemini CLI's bench lines: 138
 * ms against 131); now about half that.
 */
export function jsonWithoutLongStrings(buf: Buffer, start: number, end: number, maxString: number): string {
  let parts: string[] | undefined;
  let last = start; // bytes before this are in `parts`
  let pos = start;
  for (;;) {
    // The next string's opening quote (usually a few bytes on: `":`, `",`).
    let open = pos;
    const near = Math.min(end, pos + NEAR);
    while (open < near && buf[open] !== QUOTE) open++;
    if (open === near) {
      if (near === end) break;
      open = buf.indexOf(QUOTE, near);
      if (open < 0 || open >= end) break;
    }
    // Its closing quote: in the loop for a short string (an escape skips the byte after it), else by indexOf.
    let close = open + 1;
    const nearEnd = Math.min(end, close + NEAR);
    while (close < nearEnd && buf[close] !== QUOTE) close += buf[close] === BACKSLASH ? 2 : 1;
    if (close >= nearEnd) {
      for (;;) {
        close = buf.indexOf(QUOTE, close);
        if (close < 0 || close >= end) return buf.toString('latin1', start, end);
        let b = close - 1;
        while (buf[b] === BACKSLASH) b--;
        if ((close - 1 - b) % 2 === 0) break; // not escaped
        close++;
      }
    }
    if (close - open - 1 > maxString) {
      (parts ??= []).push(buf.toString('latin1', last, open + 1));
      last = close;
    }
    pos = close + 1;
  }
  if (!parts) return buf.toString('latin1', start, end);
  parts.push(buf.toString('latin1', last, end));
  return parts.join('');
}
