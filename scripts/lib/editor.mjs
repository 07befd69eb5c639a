// Real-editor harness: installs and launches code-server (VS Code's own workbench and
// Node extension host, from the npm registry) for end-to-end tests driven by Playwright
// in Debian's Chromium. See docs in /work/shared/docs/real-editor-testing.md.
//
// Plain Node ESM, node builtins only. Everything is installed into a cache folder
// (editorCacheDir()) that is never committed and is reused by later runs.

import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';
/**
 * The code-server release built on the oldest VS Code that package.json's `engines.vscode`
 * names (code-server 4.20.0 = VS Code 1.85.1, which requires Node 18).
 */
export const OLDEST_CODE_SERVER_VERSION = '4.20.0';
/** Bump when the layout of the cache or the install recipe changes. */
const RECIPE_VERSION = 1;
const STAMP_FILE = '.token-budget-editor.json';
const APT_PACKAGES = ['chromium', 'libkrb5-dev'];
const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * Packages whose install scripts code-server needs at the top level of the cache folder
 * (`npm install-scripts ls` there). code-server's own postinstall then runs
 * `npm install` in lib/vscode and lib/vscode/extensions, whose package.json files carry
 * their own allowScripts lists (kerberos, node-pty, @vscode/spdlog, ...).
 * npm 11 refuses --allow-scripts on the command line for a project-scoped install, so
 * the list goes into the cache folder's package.json.
 */
const ALLOW_SCRIPTS = {
  [`code-server@${CODE_SERVER_VERSION}`]: true, // postinstall.sh: npm install in lib/vscode
  argon2: true, // install: node-gyp-build (uses its prebuilt linux-x64 binary)
};

/**
 * The editors this harness can install, by code-server version: the Node release it runs on
 * and the VS Code it is built on. Each is cached in its own folder (see editorPaths()).
 *
 * Older releases (4.20.0 here) carry no `allowScripts` lists in lib/vscode, and npm 11 runs
 * no dependency's install script without one; for those the recipe installs code-server
 * without its postinstall, writes `vscodeAllowScripts` into lib/vscode/package.json and
 * lib/vscode/extensions/package.json, and then runs code-server's postinstall.sh itself
 * (npm on the machine's Node, native modules built against the old Node's headers).
 * `@vscode/ripgrep` stays denied: its postinstall downloads from GitHub, which these machines
 * cannot reach (the workbench runs without it; only text search needs it).
 */
export const EDITOR_VERSIONS = Object.freeze({
  [CODE_SERVER_VERSION]: Object.freeze({ node: NODE_VERSION, vscode: '1.139.1', idleTimeoutFlag: true }),
  [OLDEST_CODE_SERVER_VERSION]: Object.freeze({
    node: '18.15.0', // VS Code 1.85's own (its server's Node); 18.20's headers break the old node-addon-api in kerberos 2.0
    vscode: '1.85.1',
    // 4.20.0 has no --idle-timeout-seconds: only the exit handlers stop an orphaned editor
    idleTimeoutFlag: false,
    vscodeAllowScripts: Object.freeze({
      kerberos: true,
      'node-pty': true,
      '@vscode/spdlog': true,
      'native-watchdog': true,
      '@parcel/watcher': true,
      '@vscode/ripgrep': false,
      '@vscode/windows-process-tree': false,
      '@vscode/windows-registry': false,
    }),
    extensionsAllowScripts: Object.freeze({ '@parcel/watcher': true, esbuild: true }),
  }),
});

function recipeFor(codeServerVersion = CODE_SERVER_VERSION) {
  const r = EDITOR_VERSIONS[codeServerVersion];
  if (!r) {
    throw new Error(
      `[editor] no install recipe for code-server ${codeServerVersion} (known: ${Object.keys(EDITOR_VERSIONS).join(', ')})`,
    );
  }
  const isDefault = codeServerVersion === CODE_SERVER_VERSION;
  return {
    ...r,
    codeServer: codeServerVersion,
    // the current editor keeps the folder names it always had, so existing caches stay valid
    dirName: isDefault ? 'editor' : `editor-${codeServerVersion}`,
    patched: Boolean(r.vscodeAllowScripts),
  };
}

/** Debian's Chromium as the tests run it: headless on this machine (no sandbox, no GPU), nothing fetched from the internet. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
]);

/**
 * The variable through which scripts/run-tests.mjs hands the workbench journeys one Chromium to
 * share (a Playwright browser server's endpoint): each journey connects and opens its windows in
 * contexts of its own, instead of starting a Chromium of its own (test/e2e/workbench.ts
 * journeyBrowser).
 */
export const BROWSER_SERVER_VARIABLE = 'TB_BROWSER_WS';

/** Settings every launched editor gets (userSettings override them). */
export const DEFAULT_TEST_SETTINGS = Object.freeze({
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'update.mode': 'none',
  'git.openRepositoryInParentFolders': 'never',
  // keep the built-in chat UI (secondary side bar, Copilot status item) out of the way:
  // it takes focus at startup and clutters screenshots
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  // This machine's own coding agents leave logs in HOME (~/.claude, …): an editor under test
  // must not read them (a test that wants local logs turns them on with its own folders).
  ...codingAgentsOff(),
});

/** Every coding agent's source off: `tokenBudget.sources.<agent>.enabled` of package.json's "Coding Agents" settings. */
function codingAgentsOff() {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const group = pkg.contributes.configuration.find((g) => g.title === 'Coding Agents');
  if (!group) throw new Error('package.json has no "Coding Agents" settings group');
  return Object.fromEntries(Object.keys(group.properties).filter((k) => k.endsWith('.enabled')).map((k) => [k, 'off']));
}

const noop = () => {};

export function editorCacheDir() {
  if (process.env.TOKEN_BUDGET_CACHE) return path.resolve(process.env.TOKEN_BUDGET_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'token-budget');
}

function nodePackageName() {
  if (process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch)) {
    throw new Error(
      `[editor] the real-editor harness supports linux-x64 and linux-arm64 only (this is ${process.platform}-${process.arch})`,
    );
  }
  return `node-linux-${process.arch}`;
}

function editorPaths(cacheDir = editorCacheDir(), recipe = recipeFor()) {
  const root = path.join(cacheDir, recipe.dirName);
  return layout(root);
}

function layout(root) {
  const nodeDir = path.join(root, 'node_modules', nodePackageName());
  return {
    root,
    stamp: path.join(root, STAMP_FILE),
    nodeDir,
    nodeBin: path.join(nodeDir, 'bin', 'node'),
    codeServerBin: path.join(root, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

/** The Node that runs the current editor's server (installed by ensureEditor), for tests that need a newer Node than the machine's (node:sqlite). */
export function editorNodeBin() {
  return editorPaths().nodeBin;
}

function chromiumPath() {
  return process.env.TOKEN_BUDGET_CHROMIUM || DEFAULT_CHROMIUM;
}

function expectedStamp(recipe = recipeFor()) {
  return {
    recipe: RECIPE_VERSION,
    codeServer: recipe.codeServer,
    node: recipe.node,
    nodePackage: nodePackageName(),
  };
}

async function readJson(file) {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function cacheIsValid(p, recipe) {
  const stamp = await readJson(p.stamp);
  if (!stamp) return false;
  const want = expectedStamp(recipe);
  for (const [k, v] of Object.entries(want)) if (stamp[k] !== v) return false;
  return existsSync(p.nodeBin) && existsSync(p.codeServerBin);
}

// ---------------------------------------------------------------------------------------
// Debian packages

function hasDpkg() {
  try {
    execFileSync('dpkg-query', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function dpkgInstalled(pkg) {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    return out.trim() === 'install ok installed';
  } catch {
    return false;
  }
}

function missingAptPackages() {
  if (!hasDpkg()) return [];
  return APT_PACKAGES.filter((p) => !dpkgInstalled(p));
}

function canSudo() {
  try {
    execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

async function ensureAptPackages(log, logFile) {
  const missing = missingAptPackages();
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  let prefix = [];
  if (!isRoot) {
    if (!canSudo()) {
      throw new Error(
        `[editor] missing Debian packages: ${missing.join(', ')}. Not root and no passwordless sudo; run:\n` +
          `  sudo sh -c 'DEBIAN_FRONTEND=noninteractive ${cmd}'`,
      );
    }
    prefix = ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'];
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };
  const apt = (args) =>
    prefix.length
      ? run(prefix[0], [...prefix.slice(1), 'apt-get', ...args], { env, log, logFile })
      : run('apt-get', args, { env, log, logFile });
  log(`[editor] apt-get update (missing: ${missing.join(', ')})`);
  await apt(['update']);
  log(`[editor] apt-get install -y ${missing.join(' ')}`);
  await apt(['install', '-y', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', ...missing]);
  const still = missingAptPackages();
  if (still.length) throw new Error(`[editor] apt-get did not install: ${still.join(', ')}`);
}

// ---------------------------------------------------------------------------------------
// Process helpers

/** Environment variables that must not leak from the caller into npm or code-server. */
function scrubbedEnv(base = process.env, { keepNpm = false } = {}) {
  const env = { ...base };
  for (const key of Object.keys(env)) {
    const k = key.toLowerCase();
    if (
      k.startsWith('vscode_') || // VSCODE_IPC_HOOK_CLI turns the CLI into a client of an outer editor
      k === 'electron_run_as_node' ||
      k === 'node_options' || // e.g. --import tsx from the test runner
      k === 'node_test_context' || // set by node --test in its children
      k === 'node_channel_fd' ||
      k.startsWith('npm_package_') ||
      k.startsWith('npm_lifecycle_') ||
      k === 'npm_execpath' ||
      k === 'npm_node_execpath' ||
      k === 'npm_command' ||
      k === 'init_cwd'
    ) {
      delete env[key];
      continue;
    }
    if (k.startsWith('npm_config_')) {
      const name = k.slice('npm_config_'.length);
      // keep registry/auth/proxy/cache settings from CI; drop everything that would change
      // what/where a nested install installs (set by `npm run` in the caller)
      const keep =
        keepNpm &&
        (/^(registry|cafile|ca|cert|key|strict_ssl|proxy|https_proxy|http_proxy|noproxy|no_proxy|cache|userconfig|globalconfig|fetch_.*|maxsockets|loglevel)$/.test(
          name,
        ) ||
          name.includes('registry') ||
          name.includes('_auth'));
      if (!keep) delete env[key];
    }
  }
  return env;
}

function prependPath(env, dir) {
  const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
  env[key] = env[key] ? `${dir}${path.delimiter}${env[key]}` : dir;
  return env;
}

/**
 * Runs a command; output goes to logFile (if any) and a tail is kept for error messages.
 * Resolves with the combined output, rejects with an Error containing the last lines.
 */
function run(cmd, args, { cwd, env, log = noop, logFile, timeoutMs = 30 * 60_000, heartbeat } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let fileStream;
    if (logFile) {
      fileStream = createWriteStream(logFile, { flags: 'a' });
      fileStream.on('error', noop);
      fileStream.write(`\n$ ${cmd} ${args.join(' ')}\n`);
    }
    const onData = (chunk) => {
      out.push(chunk);
      fileStream?.write(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const hb = heartbeat
      ? setInterval(() => log(`[editor] ${heartbeat} … ${Math.round((Date.now() - started) / 1000)} s`), 30_000)
      : undefined;
    const timer = setTimeout(() => {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    const finish = (err) => {
      clearTimeout(timer);
      if (hb) clearInterval(hb);
      const text = Buffer.concat(out).toString('utf8');
      const done = () => (err ? reject(err(text)) : resolve(text));
      if (fileStream) fileStream.end(done);
      else done();
    };
    child.on('error', (e) => finish(() => new Error(`[editor] could not run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return finish();
      finish(
        (text) =>
          new Error(
            `[editor] \`${cmd} ${args.join(' ')}\` failed (${signal ?? `exit ${code}`})` +
              (logFile ? `; full log: ${logFile}` : '') +
              `\n--- last output ---\n${tail(text, 40)}`,
          ),
      );
    });
  });
}

function tail(text, n) {
  return text.split(/\r?\n/).slice(-n).join('\n');
}

/** Absolute path of npm's CLI script, so npm can be run by a chosen node binary. */
function findNpmCli() {
  const candidates = [];
  if (process.env.npm_execpath && /npm-cli\.c?js$/.test(process.env.npm_execpath)) {
    candidates.push(process.env.npm_execpath);
  }
  candidates.push(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'));
  try {
    const which = execFileSync('sh', ['-c', 'command -v npm'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    if (which) {
      const real = realpathSync(which);
      candidates.push(real);
      candidates.push(path.join(path.dirname(real), 'npm-cli.js'));
    }
  } catch {
    /* no npm on PATH */
  }
  const found = candidates.find((c) => /npm-cli\.c?js$/.test(c) && existsSync(c));
  if (!found) throw new Error(`[editor] cannot find npm's npm-cli.js (looked at: ${candidates.join(', ')})`);
  return found;
}

// ---------------------------------------------------------------------------------------
// Lock (several test files may call ensureEditor at once)

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

async function withLock(cacheDir, log, fn, name = 'editor') {
  const lockDir = path.join(cacheDir, `${name}.lock`);
  const started = Date.now();
  let announced = false;
  for (;;) {
    try {
      await fs.mkdir(lockDir);
      await fs.writeFile(path.join(lockDir, 'owner'), `${process.pid}\n${os.hostname()}\n`);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const owner = await fs.readFile(path.join(lockDir, 'owner'), 'utf8').catch(() => '');
      const [pidText, host] = owner.split('\n');
      const pid = Number(pidText);
      const st = await fs.stat(lockDir).catch(() => undefined);
      const ageMs = st ? Date.now() - st.mtimeMs : 0;
      const stale =
        (pid > 0 && host === os.hostname() && !pidAlive(pid)) || (!owner && ageMs > 60_000) || ageMs > 45 * 60_000;
      if (stale) {
        log(`[editor] removing stale install lock (pid ${pidText || '?'})`);
        await fs.rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        log(`[editor] waiting for another install in progress (pid ${pidText || '?'})`);
        announced = true;
      }
      if (Date.now() - started > 40 * 60_000) throw new Error(`[editor] timed out waiting for ${lockDir}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// ensureEditor

/**
 * Makes sure Chromium, the right Node and code-server are available; installs what is missing.
 * Fast (a stamp file and two dpkg queries) when everything is already there.
 * `codeServerVersion` picks one of EDITOR_VERSIONS (default CODE_SERVER_VERSION); each version
 * has its own cache folder, lock and install log.
 * @returns {Promise<{codeServerBin: string, nodeBin: string, chromiumPath: string, codeServerVersion: string, vscodeVersion: string}>}
 */
export async function ensureEditor({ log = (line) => console.error(line), codeServerVersion: wanted = CODE_SERVER_VERSION } = {}) {
  const recipe = recipeFor(wanted);
  const cacheDir = editorCacheDir();
  const p = editorPaths(cacheDir, recipe);
  const result = () => ({
    codeServerBin: p.codeServerBin,
    nodeBin: p.nodeBin,
    chromiumPath: chromiumPath(),
    codeServerVersion: recipe.codeServer,
    vscodeVersion: recipe.vscode,
  });

  if (missingAptPackages().length === 0 && (await cacheIsValid(p, recipe))) {
    assertChromium();
    return result();
  }

  await fs.mkdir(cacheDir, { recursive: true });
  return withLock(cacheDir, log, async () => {
    const logFile = path.join(cacheDir, `${recipe.dirName}-install.log`);
    // One log per install attempt, apt's output first (appended below, never overwritten).
    await fs.writeFile(logFile, `[editor] set-up started ${new Date().toISOString()}\n`);
    await ensureAptPackages(log, logFile);
    assertChromium();
    if (await cacheIsValid(p, recipe)) return result(); // another process finished meanwhile

    const t0 = Date.now();
    // leftovers of interrupted installs of this version (we hold its lock, so none is in use)
    const leftover = new RegExp(`^${recipe.dirName.replace(/\./g, '\\.')}\\.(tmp|old)-`);
    for (const name of await fs.readdir(cacheDir)) {
      if (leftover.test(name)) await fs.rm(path.join(cacheDir, name), { recursive: true, force: true });
    }
    await fs.appendFile(logFile, `[editor] install started ${new Date().toISOString()}\n`);
    const tmpRoot = path.join(cacheDir, `${recipe.dirName}.tmp-${process.pid}-${Date.now()}`);
    await fs.mkdir(tmpRoot, { recursive: true });
    const t = layout(tmpRoot);
    try {
      await fs.writeFile(
        path.join(tmpRoot, 'package.json'),
        JSON.stringify(
          {
            name: 'token-budget-editor-cache',
            version: '0.0.0',
            private: true,
            description: `code-server ${recipe.codeServer} + Node ${recipe.node} for Token Budget real-editor tests (generated by scripts/lib/editor.mjs)`,
            allowScripts: recipe.patched
              ? // its postinstall is run below, once lib/vscode has an allowScripts list
                { [`code-server@${recipe.codeServer}`]: false, argon2: true }
              : ALLOW_SCRIPTS,
          },
          null,
          2,
        ) + '\n',
      );
      const npmCli = findNpmCli();
      const npmFlags = ['--no-audit', '--no-fund', '--save-exact', '--no-update-notifier', '--loglevel=warn'];
      const baseEnv = scrubbedEnv(process.env, { keepNpm: true });

      log(`[editor] installing ${nodePackageName()}@${recipe.node} into ${tmpRoot}`);
      await run(process.execPath, [npmCli, 'install', ...npmFlags, `${nodePackageName()}@${recipe.node}`], {
        cwd: tmpRoot,
        env: baseEnv,
        log,
        logFile,
        heartbeat: `installing ${nodePackageName()}`,
      });
      const nodeVersion = (await run(t.nodeBin, ['--version'], { env: baseEnv })).trim();
      if (nodeVersion !== `v${recipe.node}`) throw new Error(`[editor] ${t.nodeBin} reports ${nodeVersion}`);

      if (!recipe.patched) {
        // Node 24 first on PATH: npm itself, node-gyp, code-server's postinstall and its nested
        // `npm install` (npm's `#!/usr/bin/env node`) all run on Node 24 and build against its headers.
        const env24 = prependPath({ ...baseEnv }, path.dirname(t.nodeBin));
        env24.npm_config_nodedir = t.nodeDir;
        log(
          `[editor] installing code-server@${recipe.codeServer} with Node ${recipe.node} (downloads ~300 MB and builds native modules; a few minutes)`,
        );
        await run(t.nodeBin, [npmCli, 'install', ...npmFlags, '--omit=dev', `code-server@${recipe.codeServer}`], {
          cwd: tmpRoot,
          env: env24,
          log,
          logFile,
          heartbeat: 'installing code-server',
        });
      } else {
        // npm 11 does not run on the old Node: npm runs on this machine's Node, and node-gyp
        // builds the native modules against the old Node's headers (npm_config_nodedir).
        const envOld = { ...baseEnv, npm_config_nodedir: t.nodeDir };
        log(`[editor] installing code-server@${recipe.codeServer} (VS Code ${recipe.vscode}) for Node ${recipe.node}, scripts held back`);
        await run(process.execPath, [npmCli, 'install', ...npmFlags, '--omit=dev', `code-server@${recipe.codeServer}`], {
          cwd: tmpRoot,
          env: envOld,
          log,
          logFile,
          heartbeat: 'installing code-server',
        });
        const csDir = path.join(tmpRoot, 'node_modules', 'code-server');
        for (const [rel, allow] of [
          ['lib/vscode/package.json', recipe.vscodeAllowScripts],
          ['lib/vscode/extensions/package.json', recipe.extensionsAllowScripts],
        ]) {
          const file = path.join(csDir, rel);
          const manifest = JSON.parse(await fs.readFile(file, 'utf8'));
          manifest.allowScripts = { ...allow, ...(manifest.allowScripts ?? {}) };
          await fs.writeFile(file, JSON.stringify(manifest, null, 2) + '\n');
        }
        log(`[editor] running code-server's postinstall (npm install in lib/vscode; builds native modules for Node ${recipe.node})`);
        const npmVersion = (await run(process.execPath, [npmCli, '--version'], { env: baseEnv })).trim();
        await run('sh', ['./postinstall.sh'], {
          cwd: csDir,
          env: {
            ...envOld,
            // postinstall.sh reads the Node major from npm's user agent and wants its own (18):
            // the modules it builds are for that Node, while npm itself runs on this machine's.
            npm_config_user_agent: `npm/${npmVersion} node/v${recipe.node} ${process.platform} ${process.arch}`,
            npm_config_unsafe_perm: 'true',
          },
          log,
          logFile,
          heartbeat: "running code-server's postinstall",
        });
      }

      // verify
      const vsDeps = path.join(tmpRoot, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
      for (const mod of ['kerberos', 'node-pty', '@vscode/spdlog']) {
        if (!existsSync(path.join(vsDeps, mod))) throw new Error(`[editor] code-server's postinstall did not install ${mod}`);
      }
      if (recipe.patched) {
        for (const mod of ['node-pty', '@vscode/spdlog']) {
          if (!existsSync(path.join(vsDeps, mod, 'build', 'Release'))) {
            throw new Error(`[editor] code-server's postinstall did not build ${mod} (no build/Release)`);
          }
        }
      }
      const version = await codeServerVersion(t, baseEnv, tmpRoot);
      if (!version.startsWith(recipe.codeServer)) {
        throw new Error(`[editor] unexpected \`code-server --version\` output: ${version}`);
      }
      await fs.writeFile(
        t.stamp,
        JSON.stringify({ ...expectedStamp(recipe), version, installedAt: new Date().toISOString() }, null, 2) + '\n',
      );

      // swap into place
      let old;
      if (existsSync(p.root)) {
        old = path.join(cacheDir, `${recipe.dirName}.old-${process.pid}-${Date.now()}`);
        await fs.rename(p.root, old);
      }
      await fs.rename(tmpRoot, p.root);
      if (old) await fs.rm(old, { recursive: true, force: true });
    } catch (e) {
      await fs.rm(tmpRoot, { recursive: true, force: true }).catch(noop);
      throw e;
    }
    const version = await codeServerVersion(p, scrubbedEnv(), cacheDir);
    log(`[editor] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: code-server ${version} (${p.root})`);
    return result();
  }, recipe.dirName);
}

function assertChromium() {
  const c = chromiumPath();
  if (!existsSync(c)) {
    throw new Error(
      `[editor] Chromium not found at ${c}. Install Debian's chromium (apt-get install -y chromium) or set TOKEN_BUDGET_CHROMIUM.`,
    );
  }
}

async function codeServerVersion(p, env, scratchParent) {
  // code-server writes a default config and log folder on any start: keep them out of $HOME
  const scratch = await fs.mkdtemp(path.join(scratchParent, '.version-check-'));
  try {
    const out = await run(p.nodeBin, [p.codeServerBin, '--version', '--config', path.join(scratch, 'config.yaml')], {
      env: { ...env, XDG_DATA_HOME: scratch, XDG_CONFIG_HOME: scratch },
      timeoutMs: 60_000,
    });
    const line = out.split(/\r?\n/).find((l) => /^\d+\.\d+\.\d+/.test(l.trim()));
    if (!line) throw new Error(`[editor] unexpected \`code-server --version\` output:\n${out}`);
    return line.trim();
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// launchEditor

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function httpAnswers(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => resolve(false));
  });
}

// Every running editor's process group, killed if this process ends without stop():
// on 'exit' and on SIGINT/SIGTERM/SIGHUP (then the signal is re-raised, so the process still
// ends as it would have). code-server also gets --idle-timeout-seconds as a last resort
// (it counts open connections, so a connected workbench never idles out).
/** process group id -> temp folders to remove when it is killed on the way out */
const runningGroups = new Map();
let handlersInstalled = false;

function killAllGroups() {
  for (const pid of runningGroups.keys()) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const dirs of runningGroups.values()) {
    for (const d of dirs) {
      try {
        rmSync(d, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      } catch {
        /* best effort */
      }
    }
  }
  runningGroups.clear();
}

function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllGroups);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const onSignal = () => {
      killAllGroups();
      // if nobody else handles the signal, restore the default action and re-raise it
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

/**
 * The .vsix installed with code-server's `--install-extension` into an extensions folder of its
 * own, once per .vsix content (per test run, in the temp folder): installing starts a whole
 * code-server CLI, several seconds, and every launch of a suite installs the same file. The folder
 * is made under a temporary name and renamed into place, so parallel test files share one.
 */
async function installedOnce(vsix, { nodeBin, codeServerBin, env, log, pushLog }) {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256').update(await fs.readFile(vsix)).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), `token-budget-installed-${CODE_SERVER_VERSION}-${hash}`);
  if (existsSync(path.join(dir, 'extensions.json'))) return dir;
  const tmp = await fs.mkdtemp(`${dir}.tmp-`);
  try {
    log(`[editor] installing extension ${path.basename(vsix)}`);
    const out = await run(nodeBin, [codeServerBin, '--config', path.join(tmp, 'config.yaml'), '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions'), '--force', '--install-extension', vsix], {
      env,
      timeoutMs: 120_000,
    });
    pushLog(Buffer.from(out));
    if (!/successfully installed|already installed/i.test(out)) {
      throw new Error(`[editor] installing ${vsix} did not report success:\n${tail(out, 20)}`);
    }
    try {
      await fs.rename(path.join(tmp, 'extensions'), dir);
    } catch (e) {
      // another test file installed the same .vsix meanwhile: use that one
      if (!existsSync(path.join(dir, 'extensions.json'))) throw e;
    }
    return dir;
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Installs the .vsix once ahead of the launches that use it (npm test does so while lint runs, so
 * that the first two journeys do not both install it at their start).
 * @param {string} vsix
 * @param {{ log?: (line: string) => void }} [opts]
 */
export async function preinstallVsix(vsix, { log = (line) => console.error(line) } = {}) {
  const { codeServerBin, nodeBin } = await ensureEditor({ log });
  const env = scrubbedEnv();
  prependPath(env, path.dirname(nodeBin));
  await installedOnce(path.resolve(vsix), { nodeBin, codeServerBin, env, log, pushLog: noop });
}

/** Copies an installed extensions folder into `extensionsDir`, its extensions.json pointing at the copy. */
async function copyInstalled(installed, extensionsDir) {
  const entries = JSON.parse(await fs.readFile(path.join(installed, 'extensions.json'), 'utf8'));
  const existing = (await readJson(path.join(extensionsDir, 'extensions.json'))) ?? [];
  for (const entry of entries) {
    const rel = entry.relativeLocation ?? path.basename(entry.location.path);
    await fs.cp(path.join(installed, rel), path.join(extensionsDir, rel), { recursive: true, force: true });
    const target = path.join(extensionsDir, rel);
    entry.location = { ...entry.location, fsPath: target, path: target, external: `file://${target}` };
  }
  const merged = [...existing.filter((e) => !entries.some((n) => n.identifier.id === e.identifier?.id)), ...entries];
  await fs.writeFile(path.join(extensionsDir, 'extensions.json'), JSON.stringify(merged));
}

/**
 * Starts code-server with a .vsix installed into a fresh (or given) profile.
 * @param {import('./editor.d.mts').LaunchOptions} [opts]
 */
export async function launchEditor(opts = {}) {
  const log = opts.log ?? ((line) => console.error(line));
  const recipe = recipeFor(opts.codeServerVersion);
  const { codeServerBin, nodeBin } = await ensureEditor({ log, codeServerVersion: recipe.codeServer });

  const tmpRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'token-budget-editor-'));
  const owned = [tmpRoot];
  const userDataDir = opts.userDataDir ? path.resolve(opts.userDataDir) : path.join(tmpRoot, 'user-data');
  const extensionsDir = opts.extensionsDir ? path.resolve(opts.extensionsDir) : path.join(tmpRoot, 'extensions');
  const workspaceDir = opts.workspaceDir ? path.resolve(opts.workspaceDir) : path.join(tmpRoot, 'workspace');
  const xdgData = path.join(tmpRoot, 'xdg-data');
  const configFile = path.join(tmpRoot, 'code-server.yaml');
  for (const d of [userDataDir, extensionsDir, workspaceDir, xdgData, path.join(userDataDir, 'User')]) {
    await fs.mkdir(d, { recursive: true });
  }

  // code-server's extension host is a "remote" one: `machine`-scoped settings (such as the local
  // agent-log sources) are read from the Machine settings, the others from the User settings.
  for (const scope of ['User', 'Machine']) {
    await fs.mkdir(path.join(userDataDir, scope), { recursive: true });
    const settingsFile = path.join(userDataDir, scope, 'settings.json');
    const existing = (await readJson(settingsFile)) ?? {};
    await fs.writeFile(
      settingsFile,
      JSON.stringify({ ...DEFAULT_TEST_SETTINGS, ...existing, ...(opts.userSettings ?? {}) }, null, 2) + '\n',
    );
  }
  await fs.writeFile(configFile, 'auth: none\ncert: false\n');

  const env = scrubbedEnv();
  prependPath(env, path.dirname(nodeBin));
  // Before it starts an extension host, VS Code server reads the environment of a login shell
  // (`bash -i -l`, sourcing ~/.profile and ~/.bashrc: 2.2 s on this machine, and their variables
  // would reach the extension under test). VSCODE_CLI=1 is the server's own switch to skip that:
  // the extension host gets exactly this environment.
  env.VSCODE_CLI = '1';
  // code-server keeps its own logs and "last opened" state under $XDG_DATA_HOME/code-server;
  // a per-launch folder keeps parallel editors apart and $HOME clean.
  env.XDG_DATA_HOME = xdgData;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined || v === null) delete env[k];
    else env[k] = String(v);
  }
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  if (opts.builtinExtensions) {
    // code-server's (and VS Code server's) --builtin-extensions-dir: a folder of links to the
    // built-in extensions asked for, so the others are neither loaded nor activated.
    const shipped = path.join(path.dirname(codeServerBin), '..', '..', 'lib', 'vscode', 'extensions');
    const builtinDir = path.join(tmpRoot, 'builtin-extensions');
    await fs.mkdir(builtinDir);
    for (const name of opts.builtinExtensions) {
      if (!existsSync(path.join(shipped, name, 'package.json'))) throw new Error(`[editor] code-server ${recipe.codeServer} has no built-in extension "${name}" in ${shipped}`);
      await fs.symlink(path.join(shipped, name), path.join(builtinDir, name));
    }
    common.push('--builtin-extensions-dir', builtinDir);
  }

  const logLines = [];
  const logFile = path.join(tmpRoot, 'code-server.log');
  const logStream = createWriteStream(logFile);
  logStream.on('error', noop);
  const pushLog = (chunk) => {
    if (!logStream.writableEnded) logStream.write(chunk);
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (line) logLines.push(line);
    }
    if (logLines.length > 4000) logLines.splice(0, logLines.length - 4000);
  };

  const cleanupDirs = async () => {
    if (opts.keepDirs || process.env.TOKEN_BUDGET_KEEP_EDITOR_DIRS) {
      log(`[editor] kept ${tmpRoot}`);
      return;
    }
    if (!logStream.writableEnded) await new Promise((r) => logStream.end(r));
    for (const d of owned) await fs.rm(d, { recursive: true, force: true }).catch(noop);
  };

  try {
    const vsixes = opts.vsixPath === undefined ? [] : Array.isArray(opts.vsixPath) ? opts.vsixPath : [opts.vsixPath];
    for (const vsix of vsixes) {
      const abs = path.resolve(vsix);
      if (!existsSync(abs)) throw new Error(`[editor] vsix not found: ${abs}`);
      const installed = await installedOnce(abs, { nodeBin, codeServerBin, env, log, pushLog });
      await copyInstalled(installed, extensionsDir);
    }
  } catch (e) {
    await cleanupDirs();
    throw e;
  }

  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = opts.port || (await freePort());
    try {
      const started = await startServer({ port, attempt });
      return started;
    } catch (e) {
      lastError = e;
      // only retry a port we picked ourselves and lost to a race
      if (opts.port || !/EADDRINUSE/.test(String(e.message))) break;
      log(`[editor] port ${port} was taken, retrying`);
    }
  }
  await cleanupDirs();
  throw lastError;

  async function startServer({ port }) {
    const idleTimeout = opts.idleTimeoutSeconds ?? 900;
    const args = [
      codeServerBin,
      ...common,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(idleTimeout > 0 && recipe.idleTimeoutFlag ? ['--idle-timeout-seconds', String(idleTimeout)] : []),
      ...(opts.extraArgs ?? []),
      workspaceDir,
    ];
    log(`[editor] starting code-server on 127.0.0.1:${port}`);
    const child = spawn(nodeBin, args, { env, cwd: workspaceDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', pushLog);
    child.stderr.on('data', pushLog);
    let exited = false;
    let exitInfo = '';
    const exitPromise = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        exited = true;
        exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
        resolve();
      });
      child.on('error', (e) => {
        exited = true;
        exitInfo = e.message;
        resolve();
      });
    });
    const killGroup = (sig) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        /* gone */
      }
    };
    // never leave an editor behind if the test process ends without stop()
    const keep = Boolean(opts.keepDirs || process.env.TOKEN_BUDGET_KEEP_EDITOR_DIRS);
    if (child.pid) runningGroups.set(child.pid, keep ? [] : owned);
    installExitHandlers();
    const forget = () => runningGroups.delete(child.pid);
    // don't keep the event loop alive just for the editor
    child.unref();
    child.stdout.unref?.();
    child.stderr.unref?.();

    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    while (!(await httpAnswers(port))) {
      if (exited || Date.now() > deadline) {
        const why = exited ? `code-server exited (${exitInfo})` : 'timed out after 60 s';
        killGroup('SIGKILL');
        forget();
        throw new Error(
          `[editor] code-server did not answer on 127.0.0.1:${port}: ${why}\n--- last log lines ---\n${logLines.slice(-30).join('\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const folderQuery = `?folder=${encodeURIComponent(workspaceDir)}`;
    const url = `http://127.0.0.1:${port}/${folderQuery}`;
    log(`[editor] code-server ready: ${url}`);

    let stopping;
    const stop = ({ now = false } = {}) =>
      (stopping ??= (async () => {
        if (!exited && !now) {
          killGroup('SIGTERM');
          await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 5000))]);
        }
        // the extension host and other children share the process group
        killGroup('SIGKILL');
        const until = Date.now() + 5000;
        while (Date.now() < until) {
          try {
            process.kill(-child.pid, 0);
          } catch {
            break;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        await exitPromise;
        forget();
        await cleanupDirs();
      })());

    return {
      url,
      port,
      userDataDir,
      extensionsDir,
      workspaceDir,
      logFile,
      process: child,
      stop,
      logs: () => logLines.join('\n'),
    };
  }
}
