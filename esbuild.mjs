// Builds the two bundles: the extension and its log scan worker (Node, CommonJS, `vscode` external) and the
// dashboard webview (browser). `--watch` rebuilds on change; `--production` minifies,
// writes a metafile and prints each bundle's size.
import * as esbuild from 'esbuild';
import { mkdir, rm, writeFile } from 'node:fs/promises';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  metafile: true,
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};

/** @type {esbuild.BuildOptions[]} */
const targets = [
  {
    ...common,
    // The log scan worker (src/sources/localLogs/worker.ts) is a second entry, dist/scanWorker.js,
    // loaded with new Worker(path.join(__dirname, 'scanWorker.js')); its parser thread for large
    // scans a third, dist/scanParser.js (small: no price data).
    entryPoints: { extension: 'src/extension.ts', scanWorker: 'src/sources/localLogs/worker.ts', scanParser: 'src/sources/localLogs/parser.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { dashboard: 'webview/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    loader: { '.ttf': 'file', '.woff2': 'file' },
  },
];

function report(result) {
  for (const [file, info] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.map')) continue;
    console.log(`  ${file.padEnd(34)} ${(info.bytes / 1024).toFixed(1).padStart(8)} KB`);
  }
}

if (watch) {
  for (const options of targets) {
    const ctx = await esbuild.context({
      ...options,
      plugins: [{ name: 'report', setup: (b) => b.onEnd((r) => { if (r.metafile) { console.log(`[watch] rebuilt ${Object.keys(options.entryPoints).join(', ')}`); } }) }],
    });
    await ctx.watch();
  }
  console.log('[watch] watching for changes…');
} else {
  // A production build starts from an empty dist/, so nothing from a development build (source
  // maps, stale bundles) can end up in the .vsix.
  if (production) await rm('dist', { recursive: true, force: true });
  await mkdir('dist', { recursive: true });
  const results = await Promise.all(targets.map((t) => esbuild.build(t)));
  console.log(production ? 'Production bundles:' : 'Development bundles:');
  const metafile = { inputs: {}, outputs: {} };
  for (const r of results) {
    report(r);
    Object.assign(metafile.inputs, r.metafile.inputs);
    Object.assign(metafile.outputs, r.metafile.outputs);
  }
  if (production) await writeFile('dist/meta.json', JSON.stringify(metafile));
  // The parser thread starts for a first scan; price data (~470 KB of genai-prices) in its bundle
  // once doubled its start-up. Only the scan worker counts, and prices.
  const parser = Object.entries(metafile.outputs).find(([file]) => file.endsWith('scanParser.js'));
  const priced = Object.keys(parser?.[1].inputs ?? {}).filter((input) => input.includes('genai-prices') || input.endsWith('pricing/prices.ts'));
  if (priced.length > 0) {
    console.error(`dist/scanParser.js must not hold price data, but bundles ${priced.join(', ')}: import what its reading code needs from a module without it (src/pricing/probe.ts).`);
    process.exit(1);
  }
}
