/**
 * Runs ccusage (the devDependency, which the tests compare the scanner with) and returns its
 * standard output. The npm package's launcher (ccusage/src/cli.js) only starts the platform's
 * native binary (@ccusage/ccusage-<platform>-<arch>/bin/ccusage); that binary is run here
 * directly, which saves the launcher's Node start (0.2 CPU-s a run on this machine, and the tests
 * run ccusage some sixty times). Where the binary is missing, the launcher runs and says why.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const MODULES = path.resolve(__dirname, '..', 'node_modules');
/** The package's launcher. */
export const CCUSAGE_CLI = path.join(MODULES, 'ccusage', 'src', 'cli.js');
/** The native binary the launcher starts (as its getNativePackageName names it). */
const NATIVE = path.join(MODULES, '@ccusage', `ccusage-${process.platform}-${process.arch}`, 'bin', process.platform === 'win32' ? 'ccusage.exe' : 'ccusage');

/**
 * The native binary, made executable as the launcher makes it (npm leaves the package's install
 * script unrun, and the binary comes out of the tarball without its execute bits); undefined where
 * it is missing. The tests and bench:logs run it.
 */
export function ccusageNativeBinary(): string | undefined {
  if (!existsSync(NATIVE)) return undefined;
  if (process.platform !== 'win32') {
    const { mode } = statSync(NATIVE);
    if ((mode & 0o111) !== 0o111) chmodSync(NATIVE, mode | 0o755);
  }
  return NATIVE;
}

/**
 * `ccusage [agent] daily --json --offline [--by-agent] --timezone <zone>`, its standard output, run
 * with only PATH, HOME = `home`, TZ = `zone` and `env` in its environment (so this machine's own
 * agents' variables never reach it).
 */
export async function ccusageDailyJson(home: string, zone: string, opts: { agent?: string; byAgent?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const args = [...(opts.agent ? [opts.agent] : []), 'daily', '--json', '--offline', ...(opts.byAgent ? ['--by-agent'] : []), '--timezone', zone];
  const native = ccusageNativeBinary();
  const [file, argv] = native ? [native, args] : [process.execPath, [CCUSAGE_CLI, ...args]];
  const { stdout } = await promisify(execFile)(file, argv, { env: { PATH: process.env['PATH'], HOME: home, TZ: zone, ...opts.env }, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
