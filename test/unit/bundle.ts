/**
 * A script bundled with esbuild (as the extension is built), for tests that start it as a process:
 * `node bundle.js` starts in a fraction of a second, where `node --import tsx script.ts` takes a
 * second or more of CPU.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

/** Bundles `source` (a .ts file) into a new temporary folder; returns the bundle's path. */
export async function bundleScript(source: string): Promise<string> {
  const outfile = join(await mkdtemp(join(tmpdir(), 'tb-bundle-')), basename(source).replace(/\.ts$/, '.js'));
  await build({ entryPoints: [source], bundle: true, platform: 'node', format: 'cjs', target: 'node18', outfile, logLevel: 'silent' });
  return outfile;
}
