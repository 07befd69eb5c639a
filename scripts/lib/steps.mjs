// Small helpers shared by the project's scripts: run a command with live (or captured) output,
// make sure the dependencies are installed, build the .vsix.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** `npm ci` unless node_modules already matches package-lock.json; returns whether it ran. */
export async function ensureDependencies() {
  if (dependenciesMatchLock()) {
    console.log('[setup] node_modules matches package-lock.json: npm ci skipped');
    return false;
  }
  console.log('[setup] installing dependencies (npm ci)…');
  // --prefer-offline: tarballs already in npm's cache are used without asking the registry whether
  // they are still current (the lock file pins each one by its integrity); 20.5 s against 17.1 s
  // (medians of four clean installs on this machine). Anything missing is still downloaded.
  await must('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline']);
  writeFileSync(STAMP, `${lockHash()}\n`);
  return true;
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
