/**
 * Where the agents keep their logs, and whether the local sources are on.
 *
 * - Claude Code: the `paths` setting, else every root in `CLAUDE_CONFIG_DIR` (comma list), else
 *   `${XDG_CONFIG_HOME:-~/.config}/claude` and `~/.claude`. A root is a config folder holding
 *   `projects/` (a path that names `projects/` itself is taken as its parent). Scanned: `projects/`,
 *   recursively, for `*.jsonl` (sub-agent files live deeper, under `{session}/subagents/`).
 * - Codex: the `paths` setting, else every root in `CODEX_HOME` (comma list), else `~/.codex`.
 *   Scanned: `sessions/` and `archived_sessions/`; a root with neither is scanned itself.
 *
 * `auto` (the default) is on only when no network source that may carry the agents' traffic is
 * configured (src/sources/registry.ts), so gateway traffic is not counted twice, and only when one
 * of the roots exists on this machine.
 */
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TokenBudgetConfig } from '../../core/config';
import type { AgentId } from '../../core/types';
import { parserOf } from './parsers';
import { partsOf } from './parsers/records';

/** A coding agent's source id (the tail of SourceId). */
export type LocalSourceId = AgentId;

/** The agents whose logs are read (Codebuff's hold no token counts: see agents.ts). */
export type ReadableAgentId = Exclude<AgentId, 'codebuff'>;

export type Env = Readonly<Record<string, string | undefined>>;

function expandHome(raw: string, home: string): string {
  if (raw === '~') return home;
  if (raw.startsWith('~/') || raw.startsWith('~\\')) return path.join(home, raw.slice(2));
  return raw;
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function unique(paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => path.resolve(p)))];
}

/** The candidate roots (config folders / Codex homes), existing or not, in order. */
export function candidateRoots(source: LocalSourceId, configured: readonly string[], env: Env = process.env, home: string = os.homedir()): string[] {
  const explicit = configured.map((p) => expandHome(p.trim(), home)).filter((p) => p !== '');
  const format = parserOf(source).format;
  if (format) return unique(explicit.length > 0 ? explicit : format.roots(env, home));
  if (source === 'claudeCode') {
    const list = explicit.length > 0 ? explicit : splitList(env['CLAUDE_CONFIG_DIR']).map((p) => expandHome(p, home));
    if (list.length > 0) return unique(list.map((p) => (path.basename(path.resolve(p)) === 'projects' ? path.dirname(path.resolve(p)) : p)));
    const xdg = env['XDG_CONFIG_HOME'] && env['XDG_CONFIG_HOME'] !== '' ? env['XDG_CONFIG_HOME'] : path.join(home, '.config');
    return unique([path.join(xdg, 'claude'), path.join(home, '.claude')]);
  }
  const list = explicit.length > 0 ? explicit : splitList(env['CODEX_HOME']).map((p) => expandHome(p, home));
  return unique(list.length > 0 ? list : [path.join(home, '.codex')]);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The folders to scan for logs, existing ones only (an agent's format's, its companion's included). */
export function scanDirs(source: LocalSourceId, roots: readonly string[]): string[] {
  const out: string[] = [];
  const format = parserOf(source).format;
  for (const root of roots) {
    if (format) {
      for (const part of partsOf(format)) out.push(...part.dirs(root).filter(isDir));
      continue;
    }
    if (source === 'claudeCode') {
      const projects = path.join(root, 'projects');
      if (isDir(projects)) out.push(projects);
      continue;
    }
    const sessions = path.join(root, 'sessions');
    const archived = path.join(root, 'archived_sessions');
    const found = [sessions, archived].filter(isDir);
    if (found.length > 0) out.push(...found);
    else if (isDir(root)) out.push(root);
  }
  return unique(out);
}

export function configuredPaths(source: LocalSourceId, config: TokenBudgetConfig): readonly string[] {
  return config.sources[source].paths;
}

const EXISTS_TTL_MS = 30_000;
const existsCache = new Map<string, { at: number; value: boolean }>();

/** Whether any root's log folder exists (cached for 30 s: this is asked on every status update). */
export function logsPresent(source: LocalSourceId, roots: readonly string[], now = Date.now()): boolean {
  const key = `${source}\n${roots.join('\n')}`;
  const hit = existsCache.get(key);
  if (hit && now - hit.at < EXISTS_TTL_MS) return hit.value;
  const format = parserOf(source).format;
  const value = roots.some((r) => (format ? format.dirs(r).some((d) => existsSync(d)) : source === 'claudeCode' ? existsSync(path.join(r, 'projects')) : existsSync(r)));
  existsCache.set(key, { at: now, value });
  return value;
}

/**
 * The contract: `on`, `off`, or `auto` = on only when no network source is configured (`network`:
 * the registry's `networkSourceConfigured`) and the logs exist here.
 */
export function localSourceEnabled(source: LocalSourceId, config: TokenBudgetConfig, network: boolean, env: Env = process.env, home: string = os.homedir()): boolean {
  const mode = config.sources[source].enabled;
  if (mode === 'on') return true;
  if (mode === 'off') return false;
  if (network) return false;
  return logsPresent(source, candidateRoots(source, configuredPaths(source, config), env, home));
}
