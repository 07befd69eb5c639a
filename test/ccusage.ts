/**
 * Runs ccusage (the devDependency, which the tests compare the scanner with) and returns its
 * standard output. The npm package's launcher (ccusage/src/cli.js) only starts the platform's
 * native binary (@ccusage/ccusage-<platform>-<arch>/bin/ccusage); that binary is run here
 * directly, which saves the launcher's Node start (0.2 CPU-s a run on this machine, and the tests
 * run ccusage some sixty times). Where the binary is missing, the launcher runs and says why.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const MODULES = path.resolve(__dirname, '..', 'node_modules');
/** The package's launcher. */
export const CCUSAGE_CLI = path.join(MODULES, 'ccusage', 'src', 'cli.js');
/** The native binary the launcher starts (as its getNativePackageName names it). */
const NATIVE = path.join(MODULES, '@ccusage', `ccusage-${process.platform}-${process.arch}`, 'bin', process.platform === 'win32' ? 'ccusage.exe' : 'ccusage');

/** `ccusage <args…>` with exactly `env` (HOME, TZ and the agents' variables are the caller's). */
export async function runCcusage(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const [file, argv] = existsSync(NATIVE) ? [NATIVE, [...args]] : [process.execPath, [CCUSAGE_CLI, ...args]];
  const { stdout } = await promisify(execFile)(file, argv, { env, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
