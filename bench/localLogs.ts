/**
 * Local-log bench: `npm run bench:logs` (node --import tsx bench/localLogs.ts).
 *
 * 1. Generates, once, two corpora (cached in .cache/, git-ignored; regenerated when their spec
 *    below changes: SPEC, SMALL_SPEC). Generation takes under a minute on two cores (~25 s and
 *    ~20 s).
 *    - The multi-agent corpus (.cache/bench-corpus): a heavy user's history. Claude Code
 *      transcripts (with sub-agent files) and Codex rollouts, ~3,100 files, ~1.26 GB, file sizes
 *      log-normal (median ~100 KB, p99 ~5 MB), the largest ~90 MB, with the usual traps
 *      (test/fakes/agentLogs.ts); beside them about a fifth as much of nine other agents' logs
 *      (test/fakes/agents/scale.ts: ~1,080 sessions, ~300 MB, over the same 180 days): Gemini CLI,
 *      Qwen Code, pi, OpenClaw, Kimi, Grok Build and GitHub Copilot CLI (JSON lines), Amp and
 *      Droid (one JSON per session). The SQLite agents are left out: the bench's Node may have no
 *      node:sqlite.
 *    - The many-small-lines corpus (.cache/bench-corpus-small): ~900k short Claude Code lines in
 *      1,500 files (~720 MB, ~800 bytes a line), where a side-by-side run once measured 256 MB of
 *      peak RSS.
 * 2. Builds the production bundles; the scanner runs exactly as in the extension, in
 *    dist/scanWorker.js, driven from a separate Node process (bundled here without tsx) so its
 *    peak RSS (process.resourceUsage().maxRSS: the main thread and the worker together) and CPU
 *    time are its own.
 * 3. In that process, on the multi-agent corpus: the cold scan (no state) of every agent source
 *    whose folders exist under the corpus HOME (paths.ts candidateRoots/scanDirs), one scan
 *    request per source, all asked for at once as the extension asks (the worker serves them in
 *    turn); its MB/s, the worker's heap. Then, per
 *    JSON-lines agent (Claude Code and the seven others), 1 MB of that agent's lines appended to
 *    one of its logs (a p90-sized one) and taken in as the watcher does it (that file only); for
 *    Claude Code also a second megabyte taken in by a full walk of every folder, and an unchanged
 *    rescan. The megabytes are written beforehand by the parent (building them leaves no garbage
 *    in the measured process); Copilot CLI's is session events closed by one shutdown (its only
 *    usage line). The appended bytes are removed after. On the small-lines corpus: the cold scan
 *    only.
 * 4. Side by side, alternating, on the same HOMEs: `ccusage daily --json --offline` with no agent
 *    subcommand (every agent it finds; the native binary of the npm package, and through its npm
 *    launcher on the multi-agent corpus), wall and CPU time, peak RSS. Once more, untimed, with
 *    `--by-agent`, for its totals per agent beside ours.
 * 5. Where `taskset` is there, both cold scans of the multi-agent corpus again on one CPU
 *    (`taskset -c 0`; this scanner then reads without its parser thread): how fast each is per
 *    CPU, and how much each gains from the second CPU on this machine. And what no scanner of
 *    these bytes avoids: every file read in 1 MB chunks and searched for `"usage"`, nothing else,
 *    on one thread and on two (what a second thread gains on work bound by memory traffic).
 *
 * Runs: TB_BENCH_RUNS (default 3); medians are reported (peak memory: the largest). Targets
 * (issue #15), printed last with met / MISSED: (1) a cold scan at least 2× faster than ccusage's
 * native binary (ccusage's wall time over ours, process start to results in hand); (2) peak RSS
 * under 200 MB, on both corpora; (3) an appended megabyte counted in under 50 ms, for every
 * JSON-lines agent measured. Results also go to bench-results/localLogs.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { LocalSourceId } from '../src/sources/localLogs/paths';
import { PARALLEL_MIN_BYTES, type ScanResult } from '../src/sources/localLogs/scanner';
import { CCUSAGE_CLI, ccusageNativeBinary } from '../test/ccusage';
import { claudeAssistantLine, claudeToolResultLine, CLAUDE_MODELS, generateCorpus } from '../test/fakes/agentLogs';
import { appendedLines, JSONL_AGENTS, writeAgentsAtScale, writeSmallLines, type AgentScale, type JsonlAgent, type ScaleAgent } from '../test/fakes/agents/scale';

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.join(ROOT, '.cache', 'bench-corpus');
const SMALL = path.join(ROOT, '.cache', 'bench-corpus-small');
const RUNS = Number(process.env['TB_BENCH_RUNS'] ?? 3);
const NOW = '2026-11-20T12:00:00Z';
/** The other agents' share: about a fifth of the Claude Code and Codex bytes. */
const AGENTS: Readonly<Record<ScaleAgent, AgentScale>> = {
  geminiCli: { files: 260, bytes: 70e6 },
  qwenCode: { files: 120, bytes: 35e6 },
  pi: { files: 120, bytes: 35e6 },
  openClaw: { files: 110, bytes: 30e6 },
  kimi: { files: 100, bytes: 25e6 },
  grok: { files: 100, bytes: 25e6 },
  copilotCli: { files: 130, bytes: 35e6 },
  amp: { files: 60, bytes: 20e6 },
  droid: { files: 80, bytes: 15e6 },
};
/** The corpus's cache key: any change here regenerates it. */
const SPEC = { files: 3100, totalBytes: 1.2e9, largestBytes: 90e6, seed: 20261127, spanDays: 180, agents: AGENTS, version: 2 };
const SMALL_SPEC = { files: 1500, lines: 900_000, seed: 20261128, spanDays: 180, version: 1 };
const MB = 1e6;
const TARGET_RATIO = 2;
const TARGET_RSS_MB = 200;
const TARGET_APPEND_MS = 50;

/** ccusage's name of each agent (its `--by-agent` rows). */
const CCUSAGE_AGENT: Readonly<Record<string, LocalSourceId>> = {
  claude: 'claudeCode',
  codex: 'codex',
  gemini: 'geminiCli',
  opencode: 'openCode',
  copilot: 'copilotCli',
  amp: 'amp',
  qwen: 'qwenCode',
  kilo: 'kilo',
  goose: 'goose',
  droid: 'droid',
  codebuff: 'codebuff',
  kimi: 'kimi',
  grok: 'grok',
  antigravity: 'antigravity',
  hermes: 'hermes',
  pi: 'pi',
  openclaw: 'openClaw',
  zcode: 'zcode',
};

/** Where ccusage counts otherwise by design (each format's tests hold the evidence). */
const KNOWN_DIFFERENCE: Partial<Record<LocalSourceId, string>> = {
  geminiCli: "ccusage's output leaves out thoughts (cost alike)",
  qwenCode: "ccusage's input holds the cache reads again; qwen3-coder-plus has no genai-prices price (unpriced here)",
  copilotCli: "ccusage prices a shutdown's sum as one request (long-context rate)",
  droid: 'ccusage adds thinking on top of an output that holds it',
};
/** The agents whose cost ccusage puts otherwise (left out of the like-for-like total). */
const COST_DIFFERS: ReadonlySet<LocalSourceId> = new Set(['qwenCode', 'copilotCli', 'droid']);

interface ManifestFile {
  readonly path: string;
  readonly bytes: number;
  readonly agent: LocalSourceId;
  /** `log`: a session's log; `other`: beside one (sub-agent and archived copies are `log` too). */
  readonly kind: string;
}

interface Manifest {
  readonly spec: unknown;
  readonly files: ManifestFile[];
  readonly totalBytes: number;
  readonly lines?: number;
}

interface SourceRun {
  source: LocalSourceId;
  ms: number;
  bytes: number;
  files: number;
  fast: number;
  slow: number;
  entries: number;
  rows: number;
  cost: number;
  tokens: number;
}

interface AppendRun {
  source: LocalSourceId;
  file: string;
  ms: number;
  bytes: number;
  entries: number;
}

interface ChildConfig {
  readonly home: string;
  readonly workerFile: string;
  /**
   * One log per JSON-lines agent to append a megabyte to, and the files holding the megabytes
   * (written by the parent, so making them leaves no garbage in the measured process). Claude
   * Code's has two: the second for the full-walk measures.
   */
  readonly appends: readonly { source: LocalSourceId; file: string; chunks: readonly string[] }[];
}

interface ChildResult {
  /** From this process's start (node start-up, worker start-up included) to every source's results in hand. */
  coldSinceStartMs: number;
  coldMs: number;
  coldBytes: number;
  coldFiles: number;
  perSource: SourceRun[];
  cost: number;
  heapUsed: number;
  stateBytes: number;
  appends: AppendRun[];
  appendFullMs: number;
  unchangedFullMs: number;
  maxRssKb: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  processWallMs: number;
}

// ---------------------------------------------------------------------------------------------
// The child: scans through the bundled worker

/** About 1 MB of an agent's lines, as it appends them (every usage in them new). */
function megabyte(source: LocalSourceId, tag: string): string {
  if (source !== 'claudeCode') return appendedLines(source as JsonlAgent, [...tag].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7), 1_000_000);
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
}

async function child(cfg: ChildConfig): Promise<void> {
  const t0 = performance.now();
  const { WorkerRunner } = await import('../src/sources/localLogs/runner');
  const { candidateRoots, scanDirs } = await import('../src/sources/localLogs/paths');
  const { stateFileOf } = await import('../src/sources/localLogs/adapter');
  const { AGENT_IDS } = await import('../src/core/types');
  const home = cfg.home;
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'tb-bench-state-'));
  const runner = new WorkerRunner({ file: cfg.workerFile });
  const req = (source: LocalSourceId, sync: unknown, paths?: string[]) => {
    const roots = candidateRoots(source, [], {}, home);
    return { source, identity: roots.join(path.delimiter), dirs: scanDirs(source, roots), sync, stateFile: stateFileOf(stateDir, source), ...(paths ? { paths } : {}) };
  };
  const syncs = new Map<LocalSourceId, unknown>();
  const perSource: SourceRun[] = [];
  let cost = 0;
  const coldStart = performance.now();
  // Every agent whose folders exist, one request each, in the registry's order, all asked for at
  // once as the extension does (BudgetService fetches its enabled sources with Promise.all; the
  // worker serves them in order and saves their state once none waits).
  const sources = AGENT_IDS.filter((s) => s !== 'codebuff' && scanDirs(s, candidateRoots(s, [], {}, home)).length > 0);
  const results = await Promise.all(sources.map((source) => runner.scan(req(source, undefined))));
  sources.forEach((source, i) => {
    const r = results[i] as ScanResult;
    syncs.set(source, r.sync);
    const c = r.rows.reduce((s, x) => s + x.cost, 0);
    cost += c;
    const tokens = r.rows.reduce((s, x) => s + x.inputTokens + x.outputTokens + x.cacheReadTokens + x.cacheWriteTokens, 0);
    perSource.push({ source, ms: r.stats.ms, bytes: r.stats.bytesRead, files: r.stats.files, fast: r.stats.fastLines, slow: r.stats.slowLines, entries: r.stats.entries, rows: r.rows.length, cost: c, tokens });
  });
  const coldMs = performance.now() - coldStart;
  const coldSinceStartMs = performance.now(); // performance's origin is the process start
  const memory = await runner.memory();
  const stateBytes = sources.reduce((s, src) => s + (existsSync(stateFileOf(stateDir, src)) ? statSync(stateFileOf(stateDir, src)).size : 0), 0);

  // 1 MB of each agent's lines appended to one of its logs, taken in as the watcher does it.
  const appends: AppendRun[] = [];
  let appendFullMs = NaN;
  let unchangedFullMs = NaN;
  for (const { source, file, chunks } of cfg.appends) {
    const originalSize = statSync(file).size;
    const [a, b] = chunks.map((c) => readFileSync(c));
    if (!a) continue;
    try {
      appendFileSync(file, a);
      let t = performance.now();
      let r = await runner.scan(req(source, syncs.get(source), [file]));
      appends.push({ source, file, ms: performance.now() - t, bytes: a.length, entries: r.stats.entries });
      syncs.set(source, r.sync);
      if (r.stats.bytesRead !== a.length) throw new Error(`${source}: targeted append read ${r.stats.bytesRead} bytes, expected ${a.length}`);
      if (r.stats.entries === 0) throw new Error(`${source}: the appended megabyte held no usage`);
      if (!b) continue;
      // A second megabyte found by a full walk of every Claude Code folder, then nothing new.
      appendFileSync(file, b);
      t = performance.now();
      r = await runner.scan(req(source, syncs.get(source)));
      appendFullMs = performance.now() - t;
      syncs.set(source, r.sync);
      t = performance.now();
      r = await runner.scan(req(source, syncs.get(source)));
      unchangedFullMs = performance.now() - t;
    } finally {
      truncateSync(file, originalSize);
    }
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
    appends,
    appendFullMs,
    unchangedFullMs,
    maxRssKb: usage.maxRSS,
    cpuUserMs: usage.userCPUTime / 1000,
    cpuSystemMs: usage.systemCPUTime / 1000,
    processWallMs: performance.now() - t0,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Reading and searching alone: what any scanner of these bytes pays on this machine

/** Reads `files` whole in 1 MB chunks, searching each chunk for `"usage"` (the hits are only counted). */
function readAndSearch(files: readonly string[]): number {
  const buf = Buffer.allocUnsafe(1 << 20);
  const needle = Buffer.from('"usage"');
  let hits = 0;
  for (const file of files) {
    const fd = openSync(file, 'r');
    try {
      for (let pos = 0; ; ) {
        const n = readSync(fd, buf, 0, buf.length, pos);
        if (n <= 0) break;
        pos += n;
        const chunk = buf.subarray(0, n);
        for (let i = chunk.indexOf(needle); i >= 0; i = chunk.indexOf(needle, i + needle.length)) hits++;
      }
    } finally {
      closeSync(fd);
    }
  }
  return hits;
}

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * Every file under `home` read and searched by `threads` threads (the files dealt out in turn),
 * in this process; prints the milliseconds from the listing's start to the last thread's end.
 */
async function floorChild(home: string, threads: number): Promise<void> {
  const t = performance.now();
  const files = filesUnder(home).sort();
  const parts = Array.from({ length: threads }, (_, k) => files.filter((_f, i) => i % threads === k));
  const others = parts.slice(1).map((part) => new Promise<void>((resolve, reject) => {
    const w = new Worker(__filename, { argv: ['--floor-worker'], workerData: part });
    w.once('message', () => resolve());
    w.once('error', reject);
  }));
  readAndSearch(parts[0] ?? []);
  await Promise.all(others);
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - t })}\n`);
}

// ---------------------------------------------------------------------------------------------
// The parent

function cached(dir: string, spec: unknown): Manifest | undefined {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) return undefined;
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  return JSON.stringify(m.spec) === JSON.stringify(spec) && m.files.every((f) => existsSync(f.path)) ? m : undefined;
}

function ensureCorpus(): Manifest {
  const hit = cached(CORPUS, SPEC);
  if (hit) return hit;
  rmSync(CORPUS, { recursive: true, force: true });
  mkdirSync(CORPUS, { recursive: true });
  const otherBytes = Object.values(AGENTS).reduce((s, a) => s + a.bytes, 0);
  console.log(`Generating the multi-agent corpus in ${path.relative(ROOT, CORPUS)} (Claude Code and Codex: ${SPEC.files} files, ${fmt(SPEC.totalBytes / MB)} MB; ${Object.keys(AGENTS).length} other agents: ~${fmt(otherBytes / MB)} MB) …`);
  const t = performance.now();
  let n = 0;
  const tick = () => (++n % 1000 === 0 ? console.log(`  ${n} files`) : undefined);
  const home = path.join(CORPUS, 'home');
  const c = generateCorpus({ home, profile: 'heavy', files: SPEC.files, totalBytes: SPEC.totalBytes, largestBytes: SPEC.largestBytes, seed: SPEC.seed, spanDays: SPEC.spanDays, now: new Date(NOW), onFile: tick });
  const files: ManifestFile[] = c.files.map((f) => ({ path: f.path, bytes: f.bytes, agent: f.kind.startsWith('claude') ? 'claudeCode' : 'codex', kind: f.kind }));
  for (const f of writeAgentsAtScale({ home, seed: SPEC.seed + 1, now: new Date(NOW), spanDays: SPEC.spanDays, agents: AGENTS, onFile: tick })) files.push(f);
  const m: Manifest = { spec: SPEC, files, totalBytes: files.reduce((s, f) => s + f.bytes, 0) };
  writeFileSync(path.join(CORPUS, 'manifest.json'), JSON.stringify(m));
  console.log(`  done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return m;
}

function ensureSmallCorpus(): Manifest {
  const hit = cached(SMALL, SMALL_SPEC);
  if (hit) return hit;
  rmSync(SMALL, { recursive: true, force: true });
  mkdirSync(SMALL, { recursive: true });
  console.log(`Generating the many-small-lines corpus in ${path.relative(ROOT, SMALL)} (${SMALL_SPEC.lines} Claude Code lines in ${SMALL_SPEC.files} files) …`);
  const t = performance.now();
  const c = writeSmallLines({ home: path.join(SMALL, 'home'), seed: SMALL_SPEC.seed, files: SMALL_SPEC.files, lines: SMALL_SPEC.lines, now: new Date(NOW), spanDays: SMALL_SPEC.spanDays });
  const m: Manifest = { spec: SMALL_SPEC, files: c.files.map((f) => ({ path: f.path, bytes: f.bytes, agent: 'claudeCode', kind: 'log' })), totalBytes: c.bytes, lines: c.lines };
  writeFileSync(path.join(SMALL, 'manifest.json'), JSON.stringify(m));
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

function pct(mine: number, theirs: number): string {
  if (!(Math.abs(theirs) > 0)) return mine === 0 ? '0%' : 'n/a';
  const d = ((mine - theirs) / theirs) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(Math.abs(d) < 0.1 ? 3 : 1)}%`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmtRow = (r: readonly string[]) => `| ${widths.map((w, i) => (r[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [fmtRow(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(fmtRow)];
}

interface CcusageDaily {
  daily: { agents?: { agent: string; totalCost: number; totalTokens: number }[] }[];
  totals: { totalCost: number; totalTokens: number };
}

/** ccusage's totals per agent (`--by-agent`), by our source ids. */
function byAgent(stdout: string): Map<LocalSourceId, { cost: number; tokens: number }> {
  const out = new Map<LocalSourceId, { cost: number; tokens: number }>();
  for (const day of (JSON.parse(stdout) as CcusageDaily).daily) {
    for (const a of day.agents ?? []) {
      const id = CCUSAGE_AGENT[a.agent] ?? (a.agent as LocalSourceId);
      const t = out.get(id) ?? { cost: 0, tokens: 0 };
      t.cost += a.totalCost;
      t.tokens += a.totalTokens;
      out.set(id, t);
    }
  }
  return out;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    await child(JSON.parse(process.argv[3] as string) as ChildConfig);
    return;
  }
  if (process.argv[2] === '--floor') {
    await floorChild(process.argv[3] as string, Number(process.argv[4]));
    return;
  }
  if (process.argv[2] === '--floor-worker') {
    parentPort?.postMessage(readAndSearch(workerData as string[]));
    return;
  }
  const load0 = os.loadavg();
  const manifest = ensureCorpus();
  const small = ensureSmallCorpus();
  const home = path.join(CORPUS, 'home');
  const smallHome = path.join(SMALL, 'home');

  console.log('Building the production bundles …');
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT, stdio: 'ignore' });
  const workerFile = path.join(ROOT, 'dist', 'scanWorker.js');
  const childFile = path.join(ROOT, '.cache', 'bench', 'localLogs-child.cjs');
  const esbuild = await import('esbuild');
  await esbuild.build({ entryPoints: [path.join(ROOT, 'bench', 'localLogs.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node18', outfile: childFile, logLevel: 'warning', external: ['esbuild'] });

  const ccusageNative = ccusageNativeBinary();
  const ccusageLauncher = CCUSAGE_CLI;
  const ccVersion = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'ccusage', 'package.json'), 'utf8')) as { version: string }).version;
  // Per JSON-lines agent, a log at the 90th percentile of its sizes takes an appended megabyte.
  const appends = (['claudeCode', ...JSONL_AGENTS] as const).map((source) => {
    const logs = manifest.files.filter((f) => f.agent === source && (source === 'claudeCode' ? f.kind === 'claude' : f.kind === 'log' && !f.path.includes(`${path.sep}otel${path.sep}`))).sort((a, b) => a.bytes - b.bytes);
    const target = logs[Math.floor(logs.length * 0.9)];
    if (!target) throw new Error(`no ${source} log to append to`);
    const chunks = (source === 'claudeCode' ? ['a', 'b'] : ['a']).map((tag) => {
      const chunk = path.join(ROOT, '.cache', 'bench', 'appends', `${source}-${tag}.jsonl`);
      mkdirSync(path.dirname(chunk), { recursive: true });
      writeFileSync(chunk, megabyte(source, `${source}-${tag}`));
      return chunk;
    });
    return { source, file: target.path, chunks };
  });
  const env = { PATH: process.env['PATH'], HOME: home, TZ: 'UTC' };
  const smallEnv = { ...env, HOME: smallHome };
  const ccArgs = ['daily', '--json', '--offline'];

  const mine: { run: ChildResult; wall: Timed }[] = [];
  const native: Timed[] = [];
  const launcher: Timed[] = [];
  const mineSmall: { run: ChildResult; wall: Timed }[] = [];
  const nativeSmall: Timed[] = [];
  let ccTotals = { totalCost: NaN, totalTokens: NaN };
  // Each side on one CPU as well (taskset -c 0; this scanner then has no parser thread): how fast
  // each is per CPU, and what a second CPU gives each on this machine.
  const taskset = ['/usr/bin/taskset', '/bin/taskset'].find((f) => existsSync(f));
  const mineOne: ChildResult[] = [];
  // Reading and searching alone, on one thread and on two (floorChild).
  const floorOne: number[] = [];
  const floorTwo: number[] = [];
  const nativeOne: Timed[] = [];
  const onOneCpu = (cmd: string, args: string[]): [string, string[]] => (taskset ? [taskset, ['-c', '0', cmd, ...args]] : [cmd, args]);
  const runChild = async (cfg: ChildConfig, e: NodeJS.ProcessEnv, oneCpu = false) => {
    const args = [childFile, '--child', JSON.stringify(cfg)];
    const [cmd, argv] = oneCpu ? onOneCpu(process.execPath, args) : [process.execPath, args];
    const w = await timed(cmd, argv, e);
    return { run: JSON.parse(w.stdout.trim().split('\n').pop() ?? '{}') as ChildResult, wall: w };
  };
  for (let i = 0; i < RUNS; i++) {
    console.log(`Run ${i + 1}/${RUNS} …`);
    if (ccusageNative) {
      const n = await timed(ccusageNative, ccArgs, env);
      native.push(n);
      ccTotals = (JSON.parse(n.stdout) as CcusageDaily).totals;
    }
    mine.push(await runChild({ home, workerFile, appends }, env));
    launcher.push(await timed(process.execPath, [ccusageLauncher, ...ccArgs], env));
    if (ccusageNative) nativeSmall.push(await timed(ccusageNative, ccArgs, smallEnv));
    mineSmall.push(await runChild({ home: smallHome, workerFile, appends: [] }, smallEnv));
    if (taskset) {
      if (ccusageNative) nativeOne.push(await timed(...onOneCpu(ccusageNative, ccArgs), env));
      mineOne.push((await runChild({ home, workerFile, appends: [] }, env, true)).run);
    }
    for (const threads of [1, 2]) {
      const f = await timed(process.execPath, [childFile, '--floor', home, String(threads)], env);
      (threads === 1 ? floorOne : floorTwo).push((JSON.parse(f.stdout.trim()) as { ms: number }).ms);
    }
  }
  const ccByAgent = ccusageNative ? byAgent((await timed(ccusageNative, [...ccArgs, '--by-agent'], env)).stdout) : new Map<LocalSourceId, { cost: number; tokens: number }>();
  const load1 = os.loadavg();

  const m = (f: (r: ChildResult) => number) => median(mine.map((x) => f(x.run)));
  const first = mine[0]?.run;
  const coldMs = m((r) => r.coldMs);
  const coldBytes = first?.coldBytes ?? 0;
  const nativeWall = median(native.map((x) => x.wallMs));
  const launcherWall = median(launcher.map((x) => x.wallMs));
  const myProcessWall = median(mine.map((x) => x.wall.wallMs));
  const myColdSinceStart = m((r) => r.coldSinceStartMs);
  const ratio = nativeWall / myColdSinceStart;
  const peakRssMb = Math.max(...mine.map((x) => x.run.maxRssKb)) / 1024;
  const peakSmallMb = Math.max(...mineSmall.map((x) => x.run.maxRssKb)) / 1024;
  const smallCold = median(mineSmall.map((x) => x.run.coldSinceStartMs));
  const smallNative = median(nativeSmall.map((x) => x.wallMs));
  const myOne = median(mineOne.map((r) => r.coldSinceStartMs));
  const nativeOneWall = median(nativeOne.map((x) => x.wallMs));
  const appendMs = (source: LocalSourceId) => median(mine.map((x) => x.run.appends.find((a) => a.source === source)?.ms ?? NaN));
  const appendRows = appends.map(({ source }) => ({ source, ms: appendMs(source), entries: first?.appends.find((a) => a.source === source)?.entries ?? 0 }));
  const worstAppend = appendRows.reduce((w, a) => (a.ms > w.ms || !Number.isFinite(a.ms) ? a : w), appendRows[0] ?? { source: 'claudeCode', ms: NaN, entries: 0 });
  const sizes = manifest.files.filter((f) => f.kind !== 'other').map((f) => f.bytes).sort((a, b) => a - b);
  const agentsIn = [...new Set(manifest.files.map((f) => f.agent))];
  const otherBytes = manifest.files.filter((f) => f.agent !== 'claudeCode' && f.agent !== 'codex').reduce((s, f) => s + f.bytes, 0);

  const alike = (first?.perSource ?? []).filter((x) => !COST_DIFFERS.has(x.source));
  const alikeMine = alike.reduce((a, x) => a + x.cost, 0);
  const alikeTheirs = alike.reduce((a, x) => a + (ccByAgent.get(x.source)?.cost ?? NaN), 0);
  const rows: [string, string, string][] = [
    ['Corpus (multi-agent)', `${manifest.files.length} files, ${fmt(manifest.totalBytes / MB)} MB, ${agentsIn.length} agents, ${fmt(otherBytes / MB)} MB of them not Claude Code or Codex (logs: median ${fmt(quantile(sizes, 0.5) / 1e3)} KB, p99 ${fmt(quantile(sizes, 0.99) / MB, 1)} MB, largest ${fmt((sizes.at(-1) ?? 0) / MB, 1)} MB)`, ''],
    [`Cold scan (worker, ${first?.perSource.length ?? 0} sources, one request each)`, `${fmt(coldMs)} ms, ${fmt(coldBytes / MB / (coldMs / 1000))} MB/s (${fmt(coldBytes / MB)} MB read)`, ''],
    ['Cold scan, process start → results in hand', `${fmt(myColdSinceStart)} ms (node and worker start-up included)`, ''],
    ['Whole bench process (+ state save, 10 more scans, exit)', `${fmt(myProcessWall)} ms wall, ${fmt(median(mine.map((x) => x.wall.cpuMs)))} ms CPU`, ''],
    ['ccusage daily --json --offline (native, all agents)', ccusageNative ? `${fmt(nativeWall)} ms wall, ${fmt(median(native.map((x) => x.cpuMs)))} ms CPU, ${fmt(Math.max(...native.map((x) => x.maxRssKb)) / 1024)} MB RSS` : 'native binary not installed', ''],
    ['ccusage via npm launcher (npx ccusage)', `${fmt(launcherWall)} ms wall`, ''],
    ...(taskset && ccusageNative
      ? ([
          ['One CPU (taskset -c 0), start → results: this / ccusage native', `${fmt(myOne)} ms / ${fmt(nativeOneWall)} ms: ${fmt(nativeOneWall / myOne, 2)}×`, ''],
          ['Gain from the second CPU (time on one CPU / on all CPUs)', `this ${fmt(myOne / myColdSinceStart, 2)}×, ccusage native ${fmt(nativeOneWall / nativeWall, 2)}×`, ''],
        ] as [string, string, string][])
      : []),
    ['Reading and searching alone (every byte read, `"usage"` searched): one thread / two', `${fmt(median(floorOne))} ms / ${fmt(median(floorTwo))} ms: ${fmt(median(floorOne) / median(floorTwo), 2)}×`, ''],
    ['Ratio ccusage native / this (start → results)', ccusageNative ? `${fmt(ratio, 2)}×` : 'n/a', ccusageNative ? (ratio >= TARGET_RATIO ? `≥ ${TARGET_RATIO}×: met` : `≥ ${TARGET_RATIO}×: MISSED`) : ''],
    ...appendRows.map((a): [string, string, string] => [`1 MB appended, watcher path: ${a.source}`, `${fmt(a.ms, 1)} ms (${a.entries} usage ${a.entries === 1 ? 'entry: a session shutdown' : 'entries'})`, a.ms < TARGET_APPEND_MS ? `< ${TARGET_APPEND_MS} ms: met` : `< ${TARGET_APPEND_MS} ms: MISSED`]),
    ['1 MB appended, full walk of all Claude Code files', `${fmt(m((r) => r.appendFullMs), 1)} ms`, ''],
    ['Unchanged rescan, full walk (Claude Code)', `${fmt(m((r) => r.unchangedFullMs), 1)} ms`, ''],
    ['Peak memory, multi-agent corpus (RSS of the scanning process)', `${fmt(peakRssMb)} MB (worker heap after the scan ${fmt(m((r) => r.heapUsed) / MB)} MB)`, peakRssMb < TARGET_RSS_MB ? `< ${TARGET_RSS_MB} MB: met` : `< ${TARGET_RSS_MB} MB: MISSED`],
    ['Corpus (many small lines, Claude Code)', `${small.files.length} files, ${small.lines ?? 0} lines, ${fmt(small.totalBytes / MB)} MB (${fmt(small.totalBytes / (small.lines ?? 1))} bytes a line)`, ''],
    ['  cold scan, start → results / ccusage native', `${fmt(smallCold)} ms (${mineSmall[0]?.run.perSource[0]?.entries ?? 0} entries) / ${fmt(smallNative)} ms (${fmt(Math.max(...nativeSmall.map((x) => x.maxRssKb)) / 1024)} MB RSS): ${fmt(smallNative / smallCold, 2)}×`, ''],
    ['Peak memory, many small lines', `${fmt(peakSmallMb)} MB (worker heap after the scan ${fmt(median(mineSmall.map((x) => x.run.heapUsed)) / MB)} MB)`, peakSmallMb < TARGET_RSS_MB ? `< ${TARGET_RSS_MB} MB: met` : `< ${TARGET_RSS_MB} MB: MISSED`],
    ['State files', `${fmt(m((r) => r.stateBytes) / MB, 1)} MB`, ''],
    ['Total cost: this / ccusage (all agents)', `$${fmt(first?.cost ?? NaN, 2)} / $${fmt(ccTotals.totalCost, 2)} (${pct(first?.cost ?? NaN, ccTotals.totalCost)})`, ''],
    [`  of the agents both count alike (all but ${[...COST_DIFFERS].join(', ')})`, `$${fmt(alikeMine, 2)} / $${fmt(alikeTheirs, 2)} (${pct(alikeMine, alikeTheirs)})`, ''],
    ['Reading threads', os.availableParallelism() >= 2 ? `scan worker + parser thread (a scan with ≥ ${PARALLEL_MIN_BYTES / 1024 / 1024} MB to read, ≥ 2 CPUs)` : 'scan worker only (1 CPU)', ''],
    ['Machine', `${os.cpus().length} CPUs, load average ${fmt(load0[0] ?? NaN, 2)} → ${fmt(load1[0] ?? NaN, 2)}; ccusage ${ccVersion}; node ${process.version}; ${RUNS} runs, medians`, ''],
  ];
  const ms = (source: LocalSourceId) => median(mine.map((x) => x.run.perSource.find((s) => s.source === source)?.ms ?? NaN));
  const agentRows = (first?.perSource ?? []).map((s) => {
    const theirs = ccByAgent.get(s.source);
    const files = manifest.files.filter((f) => f.agent === s.source);
    return [
      s.source,
      `${files.length}`,
      fmt(files.reduce((a, f) => a + f.bytes, 0) / MB),
      fmt(ms(s.source)),
      `${s.entries}`,
      `${s.slow}`,
      `$${fmt(s.cost, 2)}`,
      theirs ? `$${fmt(theirs.cost, 2)}` : 'not read',
      theirs ? pct(s.cost, theirs.cost) : '',
      theirs ? pct(s.tokens, theirs.tokens) : '',
      KNOWN_DIFFERENCE[s.source] ?? '',
    ];
  });
  for (const [id, t] of ccByAgent) if (!first?.perSource.some((s) => s.source === id)) agentRows.push([id, '', '', '', '', '', 'not read', `$${fmt(t.cost, 2)}`, '', '', '']);

  const out: string[] = [''];
  out.push(...table(['Measure', 'Result', 'Target'], rows));
  out.push('', 'Per agent (cold scan of the multi-agent corpus; ccusage from `daily --json --offline --by-agent`):', '');
  out.push(...table(['Source', 'Files', 'MB', 'Cold ms', 'Entries', 'JSON.parse', 'This', 'ccusage', 'Δ cost', 'Δ tokens', 'Known difference'], agentRows));
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const targets = [
    `(1) cold scan ≥ ${TARGET_RATIO}× faster than ccusage native: ${fmt(ratio, 2)}× (ccusage ${fmt(nativeWall)} ms, this ${fmt(myColdSinceStart)} ms from process start) — ${met(ratio >= TARGET_RATIO)}`,
    `(2) peak RSS < ${TARGET_RSS_MB} MB: multi-agent ${fmt(peakRssMb)} MB, many small lines ${fmt(peakSmallMb)} MB — ${met(Math.max(peakRssMb, peakSmallMb) < TARGET_RSS_MB)}`,
    `(3) 1 MB appended counted < ${TARGET_APPEND_MS} ms, ${appendRows.length} JSON-lines agents: worst ${fmt(worstAppend.ms, 1)} ms (${worstAppend.source}) — ${met(appendRows.every((a) => a.ms < TARGET_APPEND_MS))}`,
  ];
  out.push('', 'Targets (issue #15):', ...targets.map((t) => `  ${t}`));
  console.log(out.join('\n'));
  mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(
    path.join(ROOT, 'bench-results', 'localLogs.json'),
    JSON.stringify({ rows, agentRows, targets, ccusageByAgent: Object.fromEntries(ccByAgent), ccusageTotals: ccTotals, mine, native, launcher, small: { mine: mineSmall, native: nativeSmall }, oneCpu: { mine: mineOne, native: nativeOne }, readAndSearch: { oneThread: floorOne, twoThreads: floorTwo }, load: [load0, load1] }, null, 2),
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
