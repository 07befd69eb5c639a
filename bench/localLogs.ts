/**
 * Local-log bench: `npm run bench:logs` (node --import tsx bench/localLogs.ts).
 *
 * 1. Generates, once, a corpus shaped like a heavy user's history (cached in .cache/bench-corpus,
 *    git-ignored): ~3,100 files, ~1.2 GB, file sizes log-normal (median ~100 KB, p99 ~5 MB) with
 *    the largest ~90 MB; Claude Code transcripts (with sub-agent files) and Codex rollouts, with
 *    the usual traps. Generation takes well under a minute on two cores.
 * 2. Builds the production bundles; the scanner runs exactly as in the extension, in
 *    dist/scanWorker.js, driven from a separate Node process (bundled here without tsx) so its
 *    peak RSS (process.resourceUsage().maxRSS: the main thread and the worker together) and CPU
 *    time are its own.
 * 3. In that process: the cold scan (no state) of both sources, its MB/s, the worker's heap; then
 *    1 MB appended to one transcript taken in (a) as the watcher does it (that file only) and
 *    (b) by a full walk of every folder; an unchanged rescan. The appended bytes are removed after.
 * 4. Side by side, alternating, on the same corpus: `ccusage daily --json --offline` (the native
 *    binary of the npm package, and through its npm launcher), wall and CPU time, peak RSS.
 *
 * Runs: TB_BENCH_RUNS (default 3); medians are reported. Targets: cold scan faster than
 * ccusage's native binary; an appended megabyte in under 50 ms; peak memory under 200 MB.
 * Results also go to bench-results/localLogs.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claudeAssistantLine, claudeToolResultLine, CLAUDE_MODELS, generateCorpus, type GeneratedFile } from '../test/fakes/agentLogs';

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.join(ROOT, '.cache', 'bench-corpus');
const RUNS = Number(process.env['TB_BENCH_RUNS'] ?? 3);
const SPEC = { files: 3100, totalBytes: 1.2e9, largestBytes: 90e6, seed: 20261127, spanDays: 180, version: 1 };
const MB = 1e6;

interface Manifest {
  readonly spec: typeof SPEC;
  readonly files: GeneratedFile[];
  readonly totalBytes: number;
}

interface ChildResult {
  /** From this process's start (node start-up, worker start-up included) to both sources' results in hand. */
  coldSinceStartMs: number;
  coldMs: number;
  coldBytes: number;
  coldFiles: number;
  perSource: { source: string; ms: number; bytes: number; files: number; fast: number; slow: number; entries: number; rows: number }[];
  cost: number;
  heapUsed: number;
  stateBytes: number;
  appendTargetedMs: number;
  appendFullMs: number;
  appendBytes: number;
  unchangedFullMs: number;
  maxRssKb: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  processWallMs: number;
}

// ---------------------------------------------------------------------------------------------
// The child: scans through the bundled worker

async function child(home: string, workerFile: string, appendTo: string): Promise<void> {
  const t0 = performance.now();
  const { WorkerRunner } = await import('../src/sources/localLogs/runner');
  const { candidateRoots, scanDirs } = await import('../src/sources/localLogs/paths');
  const { stateFileOf } = await import('../src/sources/localLogs/adapter');
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'tb-bench-state-'));
  const runner = new WorkerRunner({ file: workerFile });
  const sources = ['claudeCode', 'codex'] as const;
  const req = (source: (typeof sources)[number], sync: unknown, paths?: string[]) => {
    const roots = candidateRoots(source, [], {}, home);
    return { source, identity: roots.join(path.delimiter), dirs: scanDirs(source, roots), sync, stateFile: stateFileOf(stateDir, source), ...(paths ? { paths } : {}) };
  };
  const syncs: Record<string, unknown> = {};
  const perSource: ChildResult['perSource'] = [];
  let cost = 0;
  const coldStart = performance.now();
  for (const source of sources) {
    const r = await runner.scan(req(source, undefined));
    syncs[source] = r.sync;
    cost += r.rows.reduce((s, x) => s + x.cost, 0);
    perSource.push({ source, ms: r.stats.ms, bytes: r.stats.bytesRead, files: r.stats.files, fast: r.stats.fastLines, slow: r.stats.slowLines, entries: r.stats.entries, rows: r.rows.length });
  }
  const coldMs = performance.now() - coldStart;
  const coldSinceStartMs = performance.now(); // performance's origin is the process start
  const memory = await runner.memory();
  const stateBytes = sources.reduce((s, src) => s + (existsSync(stateFileOf(stateDir, src)) ? statSync(stateFileOf(stateDir, src)).size : 0), 0);

  // 1 MB of transcript lines appended to one file.
  const originalSize = statSync(appendTo).size;
  const megabyte = (tag: string) => {
    const lines: string[] = [];
    let bytes = 0;
    for (let i = 0; bytes < 1_000_000; i++) {
      const ts = new Date(Date.now() - 60_000 + i).toISOString();
      const l =
        i % 3 === 2
          ? claudeToolResultLine(ts, 'x'.repeat(3_000))
          : claudeAssistantLine({ timestamp: ts, messageId: `msg_bench_${tag}_${i}`, requestId: `req_bench_${tag}_${i}`, model: CLAUDE_MODELS.sonnet, usage: { input: 5, output: 300, cacheRead: 50_000, write5m: 800 }, text: 'y'.repeat(1_000) });
      lines.push(l);
      bytes += Buffer.byteLength(l) + 1;
    }
    return `${lines.join('\n')}\n`;
  };
  const a = megabyte('a');
  const b = megabyte('b');
  let appendTargetedMs: number;
  let appendFullMs: number;
  let unchangedFullMs: number;
  try {
    appendFileSync(appendTo, a);
    let t = performance.now();
    let r = await runner.scan(req('claudeCode', syncs['claudeCode'], [appendTo]));
    appendTargetedMs = performance.now() - t;
    syncs['claudeCode'] = r.sync;
    if (r.stats.bytesRead !== Buffer.byteLength(a)) throw new Error(`targeted append read ${r.stats.bytesRead} bytes, expected ${Buffer.byteLength(a)}`);
    appendFileSync(appendTo, b);
    t = performance.now();
    r = await runner.scan(req('claudeCode', syncs['claudeCode']));
    appendFullMs = performance.now() - t;
    syncs['claudeCode'] = r.sync;
    t = performance.now();
    r = await runner.scan(req('claudeCode', syncs['claudeCode']));
    unchangedFullMs = performance.now() - t;
  } finally {
    truncateSync(appendTo, originalSize);
  }
  await runner.dispose();
  rmSync(stateDir, { recursive: true, force: true });
  const usage = process.resourceUsage();
  const result: ChildResult = {
    coldSinceStartMs,
    coldMs,
    coldBytes: perSource.reduce((s, x) => s + x.bytes, 0),
    coldFiles: perSource.reduce((s, x) => s + x.files, 0),
    perSource,
    cost,
    heapUsed: memory.heapUsed,
    stateBytes,
    appendTargetedMs,
    appendFullMs,
    appendBytes: Buffer.byteLength(a),
    unchangedFullMs,
    maxRssKb: usage.maxRSS,
    cpuUserMs: usage.userCPUTime / 1000,
    cpuSystemMs: usage.systemCPUTime / 1000,
    processWallMs: performance.now() - t0,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------------------------------------
// The parent

function ensureCorpus(): Manifest {
  const file = path.join(CORPUS, 'manifest.json');
  if (existsSync(file)) {
    const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    if (JSON.stringify(m.spec) === JSON.stringify(SPEC) && m.files.every((f) => existsSync(f.path))) return m;
  }
  rmSync(CORPUS, { recursive: true, force: true });
  mkdirSync(CORPUS, { recursive: true });
  console.log(`Generating the corpus in ${path.relative(ROOT, CORPUS)} (${SPEC.files} files, ${(SPEC.totalBytes / MB).toFixed(0)} MB) …`);
  const t = performance.now();
  let n = 0;
  const c = generateCorpus({ home: path.join(CORPUS, 'home'), profile: 'heavy', files: SPEC.files, totalBytes: SPEC.totalBytes, largestBytes: SPEC.largestBytes, seed: SPEC.seed, spanDays: SPEC.spanDays, now: new Date('2026-11-20T12:00:00Z'), onFile: () => (++n % 500 === 0 ? console.log(`  ${n} files`) : undefined) });
  const m: Manifest = { spec: SPEC, files: c.files, totalBytes: c.totalBytes };
  writeFileSync(file, JSON.stringify(m));
  console.log(`  done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return m;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);

interface Timed {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time (when present) for its CPU time and peak RSS. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  const haveTime = existsSync('/usr/bin/time');
  const marker = '@@TIME@@';
  const [file, argv] = haveTime ? ['/usr/bin/time', ['-f', `${marker} %e %U %S %M`, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const p = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const wallMs = performance.now() - t;
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}: ${err.slice(-2000)}`));
      const m = new RegExp(`${marker} ([\\d.]+) ([\\d.]+) ([\\d.]+) (\\d+)`).exec(err);
      resolve({ wallMs, cpuMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : NaN, maxRssKb: m ? Number(m[4]) : NaN, stdout: out });
    });
  });
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    await child(process.argv[3] as string, process.argv[4] as string, process.argv[5] as string);
    return;
  }
  const load0 = os.loadavg();
  const manifest = ensureCorpus();
  const home = path.join(CORPUS, 'home');
  const sizes = manifest.files.map((f) => f.bytes).sort((a, b) => a - b);

  console.log('Building the production bundles …');
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT, stdio: 'ignore' });
  const workerFile = path.join(ROOT, 'dist', 'scanWorker.js');
  const childFile = path.join(ROOT, '.cache', 'bench', 'localLogs-child.cjs');
  const esbuild = await import('esbuild');
  await esbuild.build({ entryPoints: [path.join(ROOT, 'bench', 'localLogs.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node18', outfile: childFile, logLevel: 'warning', external: ['esbuild'] });

  const ccusageNative = (() => {
    const pkg = `@ccusage/ccusage-${process.platform}-${process.arch}`;
    const bin = path.join(ROOT, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'ccusage.exe' : 'ccusage');
    return existsSync(bin) ? bin : undefined;
  })();
  const ccusageLauncher = path.join(ROOT, 'node_modules', 'ccusage', 'src', 'cli.js');
  const ccVersion = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'ccusage', 'package.json'), 'utf8')) as { version: string }).version;
  // A mid-size transcript takes the appended megabyte.
  const target = manifest.files.filter((f) => f.kind === 'claude').sort((a, b) => a.bytes - b.bytes)[Math.floor(manifest.files.filter((f) => f.kind === 'claude').length * 0.9)];
  if (!target) throw new Error('no transcript to append to');
  const env = { PATH: process.env['PATH'], HOME: home, TZ: 'UTC' };

  const mine: { run: ChildResult; wall: Timed }[] = [];
  const native: Timed[] = [];
  const launcher: Timed[] = [];
  let ccCost = NaN;
  for (let i = 0; i < RUNS; i++) {
    console.log(`Run ${i + 1}/${RUNS} …`);
    if (ccusageNative) {
      const n = await timed(ccusageNative, ['daily', '--json', '--offline'], env);
      native.push(n);
      ccCost = (JSON.parse(n.stdout) as { totals: { totalCost: number } }).totals.totalCost;
    }
    const w = await timed(process.execPath, [childFile, '--child', home, workerFile, target.path], env);
    mine.push({ run: JSON.parse(w.stdout.trim().split('\n').pop() ?? '{}') as ChildResult, wall: w });
    launcher.push(await timed(process.execPath, [ccusageLauncher, 'daily', '--json', '--offline'], env));
  }
  const load1 = os.loadavg();

  const m = (f: (r: ChildResult) => number) => median(mine.map((x) => f(x.run)));
  const coldMs = m((r) => r.coldMs);
  const coldBytes = mine[0]?.run.coldBytes ?? 0;
  const nativeWall = median(native.map((x) => x.wallMs));
  const launcherWall = median(launcher.map((x) => x.wallMs));
  const myProcessWall = median(mine.map((x) => x.wall.wallMs));
  const myColdSinceStart = m((r) => r.coldSinceStartMs);
  const peakRssMb = Math.max(...mine.map((x) => x.run.maxRssKb)) / 1024;
  const rows: [string, string, string][] = [
    ['Corpus', `${manifest.files.length} files, ${fmt(manifest.totalBytes / MB)} MB (median ${fmt(quantile(sizes, 0.5) / 1e3)} KB, p99 ${fmt(quantile(sizes, 0.99) / MB, 1)} MB, largest ${fmt((sizes.at(-1) ?? 0) / MB, 1)} MB)`, ''],
    ['Cold scan (worker, both sources)', `${fmt(coldMs)} ms, ${fmt(coldBytes / MB / (coldMs / 1000))} MB/s`, ''],
    ['  of which Claude Code / Codex', mine[0]?.run.perSource.map((s) => `${fmt(s.ms)} ms (${fmt(s.bytes / MB)} MB, ${s.entries} entries, ${s.slow} via JSON.parse)`).join(' / ') ?? '', ''],
    ['Cold scan, process start → results in hand', `${fmt(myColdSinceStart)} ms (node and worker start-up included)`, ''],
    ['Whole bench process (+ state save, 3 more scans, exit)', `${fmt(myProcessWall)} ms wall, ${fmt(median(mine.map((x) => x.wall.cpuMs)))} ms CPU`, ''],
    ['ccusage daily --json --offline (native)', ccusageNative ? `${fmt(nativeWall)} ms wall, ${fmt(median(native.map((x) => x.cpuMs)))} ms CPU, ${fmt(Math.max(...native.map((x) => x.maxRssKb)) / 1024)} MB RSS` : 'native binary not installed', ''],
    ['ccusage via npm launcher (npx ccusage)', `${fmt(launcherWall)} ms wall`, ''],
    ['Ratio ccusage native / this (start → results)', ccusageNative ? `${fmt(nativeWall / myColdSinceStart, 2)}×` : 'n/a', ccusageNative ? (myColdSinceStart < nativeWall ? 'faster: target met' : 'SLOWER: target missed') : ''],
    ['1 MB appended, watcher path (that file)', `${fmt(m((r) => r.appendTargetedMs), 1)} ms`, m((r) => r.appendTargetedMs) < 50 ? 'target < 50 ms met' : 'target < 50 ms MISSED'],
    ['1 MB appended, full walk of all files', `${fmt(m((r) => r.appendFullMs), 1)} ms`, ''],
    ['Unchanged rescan, full walk', `${fmt(m((r) => r.unchangedFullMs), 1)} ms`, ''],
    ['Peak memory (RSS of the scanning process)', `${fmt(peakRssMb)} MB (worker heap after the scan ${fmt(m((r) => r.heapUsed) / MB)} MB)`, peakRssMb < 200 ? 'target < 200 MB met' : 'target < 200 MB MISSED'],
    ['State files', `${fmt(m((r) => r.stateBytes) / MB, 1)} MB`, ''],
    ['Total cost: this / ccusage', `$${fmt(mine[0]?.run.cost ?? NaN, 2)} / $${fmt(ccCost, 2)}`, ''],
    ['Reading threads', os.availableParallelism() >= 2 ? 'scan worker + parser thread (first scan: ≥ 48 MB to read, ≥ 2 CPUs)' : 'scan worker only (1 CPU)', ''],
    ['Machine', `${os.cpus().length} CPUs, load average ${fmt(load0[0] ?? NaN, 2)} → ${fmt(load1[0] ?? NaN, 2)}; ccusage ${ccVersion}; node ${process.version}; ${RUNS} runs, medians`, ''],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log('');
  console.log(`| ${'Measure'.padEnd(w0)} | ${'Result'.padEnd(w1)} | Target |`);
  console.log(`|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 2)}|--------|`);
  for (const [a, b, c] of rows) console.log(`| ${a.padEnd(w0)} | ${b.padEnd(w1)} | ${c} |`);
  mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench-results', 'localLogs.json'), JSON.stringify({ rows, mine, native, launcher, load: [load0, load1] }, null, 2));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
