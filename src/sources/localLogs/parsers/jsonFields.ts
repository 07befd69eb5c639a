/**
 * Small, defensive readers of parsed JSON for the agent formats in this folder (pi.ts,
 * openClaw.ts, kimi.ts, grok.ts): every value from a log is `unknown` until checked here, and a
 * value of the wrong type reads as absent, never as an error.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

/** A JSON object's fields, or null for anything else (arrays included). */
export function objectOf(value: unknown): Readonly<Record<string, unknown>> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A string with something in it besides white space (trimmed), else null. */
export function textOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const t = value.trim();
  return t === '' ? null : t;
}

/** A token count: a non-negative whole number; anything else (negative, fractional, a string) is 0. */
export function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** A finite number, else null. */
export function numberOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Epoch milliseconds of an ISO 8601 string, else null. */
export function isoMs(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The model name genai-prices knows, from a name an agent logged with a router's or provider's
 * prefix (`anthropic/claude-sonnet-4.5` through OpenRouter, `moonshot/kimi-k2.5`): the last
 * `/`-separated part. genai-prices matches the bare model name and ignores the prefix anyway
 * where it knows one; where it knows none the prefixed name is not priced at all.
 */
export function bareModel(name: string): string {
  const slash = name.lastIndexOf('/');
  const bare = slash >= 0 ? name.slice(slash + 1).trim() : name;
  return bare === '' ? name : bare;
}

/** `~` and `~/…` (or `~\…`) under `home`; anything else as it is. */
export function expandHome(raw: string, home: string): string {
  if (raw === '~') return home;
  if (raw.startsWith('~/') || raw.startsWith('~\\')) return path.join(home, raw.slice(2));
  return raw;
}

/** An environment variable's value, trimmed, or null when unset or blank. */
export function envValue(env: Readonly<Record<string, string | undefined>>, name: string): string | null {
  const v = env[name];
  if (v === undefined) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/** A small file's text (null when missing, unreadable, or over `maxBytes`: a config file is small). */
export function readSmallFile(file: string, maxBytes = 1 << 20): string | null {
  try {
    if (statSync(file).size > maxBytes) return null;
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** A small JSON file, parsed (null when missing, unreadable, too big, or not JSON). */
export function readSmallJson(file: string, maxBytes = 1 << 20): unknown {
  const text = readSmallFile(file, maxBytes);
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** A file's first line, parsed as JSON (null when missing, empty, longer than `maxBytes`, or not JSON). */
export function readFirstJsonLine(file: string, maxBytes = 64 * 1024): unknown {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(maxBytes);
    const n = readSync(fd, buf, 0, maxBytes, 0);
    const end = buf.subarray(0, n).indexOf(10);
    if (end < 0 && n === maxBytes) return null;
    return JSON.parse(buf.toString('utf8', 0, end < 0 ? n : end)) as unknown;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
