// Small helpers shared by the project's scripts: run a command with live (or captured) output,
// make sure the dependencies are installed, build the .vsix.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { editorCacheDir } from './editor.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Runs a command in the project root; resolves with its exit code. Output streams to this
 * process, or, with `options.output` (an array), is collected there (for steps run side by side,
 * printed whole when they end).
 */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const capture = Array.isArray(options.output);
    const child = spawn(command, args, { cwd: root, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, ...options.env } });
    if (capture) {
      child.stdout.on('data', (d) => options.output.push(d));
      child.stderr.on('data', (d) => options.output.push(d));
    }
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs a command and throws if it fails. */
export async function must(command, args, options) {
  const code = await run(command, args, options);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
}

const STAMP = join(root, 'node_modules', '.token-budget-lock.sha256');

function lockHash() {
  return createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');
}

/**
 * Whether node_modules already holds what package-lock.json asks for: the stamp written after our
 * own `npm ci` names this lock file's hash, or (installed some other way) npm's own record of
 * the tree, node_modules/.package-lock.json, has every package of the lock file at its version
 * and integrity (optional packages, which npm leaves out when they do not fit the platform, excepted).
 */
export function dependenciesMatchLock() {
  if (!existsSync(join(root, 'node_modules'))) return false;
  const hash = lockHash();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash) return true;
  const hiddenFile = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(hiddenFile)) return false;
  try {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages ?? {};
    const hidden = JSON.parse(readFileSync(hiddenFile, 'utf8')).packages ?? {};
    for (const [name, want] of Object.entries(lock)) {
      if (name === '') continue;
      const have = hidden[name];
      if (!have) {
        if (want.optional) continue; // npm leaves out optional packages it could not or need not install
        return false;
      }
      if (have.version !== want.version || (want.integrity && have.integrity !== want.integrity)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Where a copy of node_modules is kept for each lock file (and platform and Node major: the
 * packages' install scripts fetch native binaries for both), beside the cached editors.
 */
function modulesCache() {
  const key = `${lockHash().slice(0, 16)}-${process.platform}-${process.arch}-node${process.versions.node.split('.')[0]}`;
  return { dir: join(editorCacheDir(), 'node-modules'), entry: join(editorCacheDir(), 'node-modules', key) };
}

/**
 * Copies a folder whole (`cp -a`: 278 MB of node_modules, 25,700 files, in about 4 s here; Node's
 * fs.cp takes several times as long) into a new folder beside `to`, then renames it into place, so
 * `to` is never half there.
 */
async function copyInto(from, to) {
  const partial = `${to}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const output = [];
  const code = await run('cp', ['-a', from, partial], { output });
  if (code !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`cp -a ${from} exited with ${code}: ${Buffer.concat(output.map((c) => Buffer.from(c))).toString().trim()}`);
  }
  rmSync(to, { recursive: true, force: true });
  renameSync(partial, to);
}

/** Marks a cache entry as just used: the cache keeps the most recently used ones. */
function touch(entry) {
  utimesSync(entry, new Date(), new Date());
}

/**
 * node_modules for package-lock.json, in the cheapest way that gives exactly the lock file's
 * packages: nothing when node_modules already matches it; a copy of the node_modules an earlier
 * `npm ci` of the same lock file left in the cache (checked against the lock file the way the
 * first case is); else `npm ci`, whose result is then copied to the cache (the last two lock
 * files' are kept). A clean clone on this machine: npm ci 13.5–22.1 s, the copy about 4 s. No
 * cache on Windows (no `cp -a`). Returns whether node_modules changed.
 */
export async function ensureDependencies() {
  if (dependenciesMatchLock()) {
    console.log('[setup] node_modules matches package-lock.json: npm ci skipped');
    return false;
  }
  const cache = process.platform === 'win32' ? undefined : modulesCache();
  if (cache && existsSync(join(cache.entry, '.token-budget-lock.sha256'))) {
    try {
      await copyInto(cache.entry, join(root, 'node_modules'));
      if (dependenciesMatchLock()) {
        touch(cache.entry);
        console.log(`[setup] node_modules copied from the cache (${cache.entry}), as npm ci left it for this package-lock.json`);
        return true;
      }
      console.log(`[setup] the cached node_modules (${cache.entry}) does not match package-lock.json: dropped`);
    } catch (error) {
      console.log(`[setup] the cached node_modules could not be copied (${error instanceof Error ? error.message : String(error)})`);
    }
    rmSync(cache.entry, { recursive: true, force: true });
  }
  console.log('[setup] installing dependencies (npm ci)…');
  // --prefer-offline: tarballs already in npm's cache are used without asking the registry whether
  // they are still current (the lock file pins each one by its integrity); 20.5 s against 17.1 s
  // (medians of four clean installs on this machine). Anything missing is still downloaded.
  await must('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline']);
  writeFileSync(STAMP, `${lockHash()}\n`);
  if (cache) {
    try {
      mkdirSync(cache.dir, { recursive: true });
      // the newest other entry stays (a branch with the previous lock file); older ones go
      const others = readdirSync(cache.dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && join(cache.dir, d.name) !== cache.entry)
        .map((d) => join(cache.dir, d.name))
        .sort((a, b) => mtime(b) - mtime(a));
      for (const old of others.slice(1)) rmSync(old, { recursive: true, force: true });
      await copyInto(join(root, 'node_modules'), cache.entry);
      touch(cache.entry);
    } catch (error) {
      console.log(`[setup] node_modules was not cached (${error instanceof Error ? error.message : String(error)}); the next clean install runs npm ci again`);
    }
  }
  return true;
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Builds the production bundles and writes token-budget.vsix at the root. */
export async function buildVsix(options = {}) {
  await must('npm', ['run', '--silent', 'package'], options);
  return join(root, 'token-budget.vsix');
}

/** Every `*.test.ts` under a folder of the project, sorted (Node 20's --test does not expand globs). */
export function listTests(folder) {
  const base = join(root, folder);
  if (!existsSync(base)) return [];
  return readdirSync(base, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(folder, f))
    .sort();
}
