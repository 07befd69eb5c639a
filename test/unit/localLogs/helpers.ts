/** Helpers for the local-log tests: temporary homes, files, scans, and an independent cost. */
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LedgerRow } from '../../../src/core/types';
import { priceUsage } from '../../../src/pricing/prices';
import { candidateRoots, scanDirs, type LocalSourceId } from '../../../src/sources/localLogs/paths';
import type { Scanner, ScanRequest, ScanResult } from '../../../src/sources/localLogs/scanner';
import type { ClaudeUsage, CodexTokens } from '../../fakes/agentLogs';

export function tempHome(prefix = 'tb-logs-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function claudeFile(home: string, rel: string): string {
  return path.join(home, '.claude', 'projects', rel);
}

export function codexFile(home: string, rel: string): string {
  return path.join(home, '.codex', rel);
}

export function write(file: string, lines: readonly string[], tail = ''): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, lines.map((l) => `${l}\n`).join('') + tail);
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files.push(...filesUnder(p));
    else files.push(p);
  }
  return files;
}

export function append(file: string, text: string): void {
  appendFileSync(file, text);
}

/** A scan request for the logs under `home` (its .claude / .codex). */
export function request(source: LocalSourceId, home: string, extra: Partial<ScanRequest> = {}): ScanRequest {
  const roots = candidateRoots(source, [], {}, home);
  return { source, identity: roots.join(path.delimiter), dirs: scanDirs(source, roots), sync: undefined, ...extra };
}

/** Scans and chains the sync as the ledger would. */
export class Session {
  sync: unknown = undefined;
  last: ScanResult | undefined;
  /** The ledger: rows per day, replaced per returned day. */
  readonly ledger = new Map<string, LedgerRow[]>();

  constructor(
    readonly scanner: Scanner,
    readonly source: LocalSourceId,
    readonly home: string,
    readonly stateFile?: string,
  ) {}

  scan(extra: Partial<ScanRequest> = {}): ScanResult {
    const r = this.scanner.scan(request(this.source, this.home, { sync: this.sync, ...(this.stateFile ? { stateFile: this.stateFile } : {}), ...extra }));
    this.scanner.saveDue(); // as the runners do after handing over a result
    this.sync = r.sync;
    this.last = r;
    for (const d of r.days) this.ledger.set(d, r.rows.filter((row) => row.date === d));
    return r;
  }

  rows(): LedgerRow[] {
    return [...this.ledger.values()].flat();
  }
}

export interface Totals {
  cost: number;
  input: number;
  output: number;
  read: number;
  write: number;
  requests: number;
}

export function totals(rows: readonly LedgerRow[], filter: (r: LedgerRow) => boolean = () => true): Totals {
  const t: Totals = { cost: 0, input: 0, output: 0, read: 0, write: 0, requests: 0 };
  for (const r of rows) {
    if (!filter(r)) continue;
    t.cost += r.cost;
    t.input += r.inputTokens;
    t.output += r.outputTokens;
    t.read += r.cacheReadTokens;
    t.write += r.cacheWriteTokens;
    t.requests += r.requests;
  }
  return t;
}

/** The cost of one Claude response, priced on its own with priceUsage (the reference), in the tier its input reaches. */
export function claudeCost(model: string, u: ClaudeUsage, at: string): number {
  const w5 = u.write5m ?? 0;
  const w1 = u.write1h ?? 0;
  const all = u.input + (u.cacheRead ?? 0) + w5 + w1;
  return priceUsage({ model, inputTokens: all, cacheReadTokens: u.cacheRead ?? 0, cacheWrite5mTokens: w5, cacheWrite1hTokens: w1, outputTokens: u.output, at: new Date(at), requestInput: all }).cost;
}

/** The cost of one Codex turn, priced on its own with priceUsage, in the tier its input reaches. */
export function codexCost(model: string, t: CodexTokens, at: string): number {
  return priceUsage({ model, inputTokens: t.input, cacheReadTokens: t.cached, outputTokens: t.output, at: new Date(at), requestInput: t.input }).cost;
}

export const close = (a: number, b: number, eps = 1e-9) => Math.abs(a - b) <= eps * Math.max(1, Math.abs(a), Math.abs(b));
