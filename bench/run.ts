/**
 * All the benches: `npm run bench` (`node --import tsx bench/run.ts`).
 *
 * Runs every bench file in bench/ (dashboard.ts, localLogs.ts, backtest.ts, … whichever exist),
 * one after the other, each as its own `node --import tsx bench/X.ts` child process with its
 * output streamed as it comes, then prints a summary: each bench's result, duration and the last
 * lines it printed (where benches put their figures). Exits 1 when any bench failed.
 *
 * `npm run bench -- dashboard backtest` runs only those. A bench file is any `*.ts` directly in
 * bench/ except this one, `*.d.ts`, `*.tmp.ts` and names starting with `_` (helpers belong in a
 * subfolder or start with `_`).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const BENCH_DIR = __dirname;
const ROOT = path.resolve(BENCH_DIR, '..');
/** Run first, in this order; any other bench file follows alphabetically. */
const PREFERRED = ['dashboard', 'localLogs', 'backtest'];
/** Lines of each bench's output repeated in the summary. */
const TAIL_LINES = 16;

interface Result {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly ms: number;
  readonly tail: readonly string[];
}

function benchFiles(): string[] {
  const names = readdirSync(BENCH_DIR, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/\.(d|tmp)\.ts$/.test(e.name) && !e.name.startsWith('_') && e.name !== 'run.ts')
    .map((e) => e.name.slice(0, -'.ts'.length));
  const rank = (n: string) => (PREFERRED.includes(n) ? PREFERRED.indexOf(n) : PREFERRED.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Runs one bench, streaming its output; keeps the last lines for the summary. */
function runBench(name: string): Promise<Result> {
  return new Promise((resolve) => {
    const started = Date.now();
    const file = path.join('bench', `${name}.ts`);
    console.log(`\n━━ ${name} (node --import tsx ${file}) ${'━'.repeat(Math.max(0, 60 - name.length - file.length))}\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const lines: string[] = [];
    let partial = '';
    const keep = (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split(/\r?\n/);
      partial = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length > TAIL_LINES * 4) lines.splice(0, lines.length - TAIL_LINES * 4);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      keep(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      keep(chunk);
    });
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (partial) lines.push(partial);
      const tail = lines.filter((l) => l.trim() !== '').slice(-TAIL_LINES);
      resolve({ name, code, signal, ms: Date.now() - started, tail });
    };
    child.on('error', (error) => {
      lines.push(`could not start: ${error.message}`);
      finish(1, null);
    });
    child.on('close', finish);
  });
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function main(): Promise<number> {
  const available = benchFiles();
  const wanted = process.argv.slice(2).map((a) => path.basename(a).replace(/\.ts$/, ''));
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length > 0) {
    console.error(`No such bench: ${unknown.join(', ')} (available: ${available.join(', ') || 'none'}).`);
    return 1;
  }
  const names = wanted.length > 0 ? wanted : available;
  if (names.length === 0) {
    console.error('No bench files in bench/.');
    return 1;
  }
  console.log(`Benches: ${names.join(', ')}`);

  const results: Result[] = [];
  for (const name of names) results.push(await runBench(name));

  const failed = results.filter((r) => r.code !== 0);
  console.log(`\n${'═'.repeat(72)}\nBench summary\n${'═'.repeat(72)}`);
  for (const r of results) {
    const status = r.code === 0 ? 'ok' : r.signal ? `FAILED (${r.signal})` : `FAILED (exit ${r.code ?? '?'})`;
    console.log(`\n${r.name}: ${status} in ${seconds(r.ms)}`);
    for (const line of r.tail) console.log(`  │ ${line}`);
  }
  console.log(`\n${results.length - failed.length} of ${results.length} benches ok${failed.length > 0 ? `; failed: ${failed.map((r) => r.name).join(', ')}` : ''}.`);
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
