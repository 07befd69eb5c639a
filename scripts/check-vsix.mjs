// Checks the packed extension before anyone publishes it (Marketplace, Open VSX):
//
//   node scripts/check-vsix.mjs [token-budget.vsix]      # after `npm run package`
//
// Prints every file in the .vsix with its size and the packed size, and fails (exit 1) when
// the package is 1 MB or more packed; when it holds a source map, a test file, source code, a
// screenshot or another listing-only image, node_modules, or an asset over its size limit; when
// the manifest lacks what Open VSX needs (publisher namespace, name, version, license,
// repository, engines.vscode, a PNG icon that is inside); when LICENSE, CHANGELOG or README is
// missing; when the Marketplace would refuse its tags (more than 30); or when the README links
// a repository file that does not exist.
//
// Plain Node ESM, builtins only (reads the zip's central directory itself). checkVsix() and
// readZip() are exported for test/unit/package/checkVsix.test.ts.

import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

export const MAX_PACKED_BYTES = 1024 * 1024; // 1 MB
export const MAX_TAGS = 30;
/** A screenshot the README shows on the listing page (from the repository, not the package). */
export const MAX_LISTING_IMAGE_BYTES = 400 * 1024;
/** Uncompressed size limits by kind of file. */
export const LIMITS = Object.freeze({
  bundle: 1536 * 1024, // dist/*.js produced by esbuild
  image: 64 * 1024, // icons and webview images
  other: 200 * 1024, // css, fonts, markdown, json …
});

const KB = (n) => `${(n / 1024).toFixed(1)} KB`;

/**
 * Entries of a zip file: name, sizes and a reader for the data.
 * @param {Buffer} buf
 * @returns {{ name: string, size: number, packed: number, read: () => Buffer }[]}
 */
export function readZip(buf) {
  // End of central directory: signature 0x06054b50, within the last 64 KB + 22 bytes
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`);
    const method = buf.readUInt16LE(at + 10);
    const packed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    at += 46 + nameLen + extraLen + commentLen;
    entries.push({
      name,
      size,
      packed,
      read: () => {
        if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
        const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
        const data = buf.subarray(start, start + packed);
        if (method === 0) return Buffer.from(data);
        if (method === 8) return zlib.inflateRawSync(data);
        throw new Error(`${name}: unsupported compression method ${method}`);
      },
    });
  }
  return entries;
}

/** What must never be in the package, with the reason printed when it is. */
const FORBIDDEN = [
  [/\.map$/i, 'a source map'],
  [/(^|\/)(test|tests|__tests__|fixtures|fakes|e2e)\//i, 'a test file'],
  [/\.(test|spec)\.[cm]?[jt]sx?$/i, 'a test file'],
  [/(^|\/)(images|screenshots|test-results|listing)\//i, 'a screenshot or listing-only image'],
  [/screenshot/i, 'a screenshot'],
  [/^extension\/media\/icon\.svg$/i, "the icon's SVG source (the PNG is what is shown)"],
  [/(^|\/)node_modules\//, 'node_modules (the bundles carry their dependencies)'],
  [/^extension\/(src|webview|tools|bench|scripts)\//, 'source code'],
  [/\.(ts|tsx|mts|cts)$/i, 'TypeScript source'],
  [/(^|\/)\.(git|env|npmrc|vscode|cache)(\/|$)/, 'a dot file or folder'],
  [/\.vsix$/i, 'a .vsix inside the .vsix'],
];

function kindOf(name) {
  if (/^extension\/dist\/[^/]*\.js$|^extension\/dist\/webview\/[^/]*\.js$/.test(name)) return 'bundle';
  if (/\.(png|jpe?g|gif|webp|svg|bmp|ico)$/i.test(name)) return 'image';
  return 'other';
}

/**
 * Checks a .vsix's entries. Returns the problems (empty when it is fine) and a printable listing.
 * @param {{ name: string, size: number, packed: number, read: () => Buffer }[]} entries
 * @param {{ packedBytes: number, repoRoot?: string }} info
 */
export function checkVsix(entries, { packedBytes, repoRoot }) {
  const problems = [];
  const byName = new Map(entries.map((e) => [e.name, e]));
  const listing = [...entries]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => `  ${KB(e.size).padStart(10)} ${KB(e.packed).padStart(10)}  ${e.name}`);

  if (packedBytes >= MAX_PACKED_BYTES) {
    problems.push(`the package is ${KB(packedBytes)} packed: it must stay under ${KB(MAX_PACKED_BYTES)}`);
  }
  for (const e of entries) {
    for (const [re, what] of FORBIDDEN) {
      if (re.test(e.name)) {
        problems.push(`${e.name} is ${what}: keep it out of the package (.vscodeignore)`);
        break;
      }
    }
    const kind = kindOf(e.name);
    if (e.size > LIMITS[kind]) {
      problems.push(`${e.name} is ${KB(e.size)}: over the ${KB(LIMITS[kind])} limit for ${kind === 'other' ? 'an asset' : kind === 'image' ? 'an image' : 'a bundle'}`);
    }
  }

  for (const [file, what] of [
    ['extension/package.json', 'the manifest'],
    ['extension.vsixmanifest', 'the VSIX manifest'],
    ['extension/readme.md', 'the README'],
    ['extension/changelog.md', 'the CHANGELOG'],
  ]) {
    if (!byName.has(file)) problems.push(`${what} (${file}) is missing`);
  }
  if (!entries.some((e) => /^extension\/LICEN[SC]E(\.(txt|md))?$/i.test(e.name))) {
    problems.push('the LICENSE file (extension/LICENSE.txt) is missing');
  }

  let manifest;
  try {
    manifest = JSON.parse(byName.get('extension/package.json')?.read().toString('utf8') ?? 'null');
  } catch (e) {
    problems.push(`extension/package.json is not JSON: ${e.message}`);
  }
  if (manifest) {
    // Open VSX: the publisher is the namespace; name, version, license and repository are
    // required for a listing that links back to its source.
    for (const key of ['publisher', 'name', 'version', 'displayName', 'description', 'license']) {
      if (typeof manifest[key] !== 'string' || !manifest[key].trim()) problems.push(`the manifest has no ${key}`);
    }
    if (manifest.publisher && !/^[a-z0-9][a-z0-9-]*$/i.test(manifest.publisher)) {
      problems.push(`the publisher "${manifest.publisher}" is not a valid Open VSX namespace`);
    }
    const repo = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
    if (!repo || !/^https:\/\//.test(repo)) problems.push('the manifest has no https repository URL');
    if (!manifest.engines?.vscode) problems.push('the manifest has no engines.vscode');
    if (!manifest.icon) problems.push('the manifest has no icon');
    else if (!/\.png$/i.test(manifest.icon)) problems.push(`the icon ${manifest.icon} is not a PNG`);
    else if (!byName.has(`extension/${manifest.icon.replace(/^\.\//, '')}`)) problems.push(`the icon ${manifest.icon} is not in the package`);
  }

  const vsixManifest = byName.get('extension.vsixmanifest')?.read().toString('utf8') ?? '';
  const tags = (/<Tags>([^<]*)<\/Tags>/.exec(vsixManifest)?.[1] ?? '').split(',').filter(Boolean);
  if (tags.length > MAX_TAGS) problems.push(`${tags.length} tags (keywords and derived tags): the Marketplace takes at most ${MAX_TAGS}`);

  // vsce rewrites the README's relative links to the repository; each must name a real file.
  const readme = byName.get('extension/readme.md')?.read().toString('utf8') ?? '';
  const repoUrl = manifest && (typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url);
  const links = [];
  if (repoUrl && repoRoot) {
    const base = repoUrl.replace(/\.git$/, '').replace(/\/$/, '');
    const re = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(?:raw|blob)/HEAD/([^)\\s"'#?]+)`, 'g');
    for (const m of readme.matchAll(re)) {
      const rel = decodeURIComponent(m[1]);
      links.push(rel);
      const file = path.join(repoRoot, rel);
      if (!existsSync(file)) problems.push(`the README links ${rel}, which is not in the repository`);
      else if (/\.(png|jpe?g|gif|webp)$/i.test(rel) && statSync(file).size > MAX_LISTING_IMAGE_BYTES) {
        problems.push(`the README's image ${rel} is ${KB(statSync(file).size)}: over ${KB(MAX_LISTING_IMAGE_BYTES)} for the listing page`);
      }
    }
  }
  return { problems, listing, tags, links };
}

function main() {
  return Promise.resolve().then(run);
}

function run() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const file = path.resolve(process.argv[2] ?? path.join(root, 'token-budget.vsix'));
  if (!existsSync(file)) {
    console.error(`check-vsix: ${file} not found (run \`npm run package\` first)`);
    process.exit(1);
  }
  const buf = readFileSync(file);
  const entries = readZip(buf);
  const packedBytes = statSync(file).size;
  const { problems, listing, tags, links } = checkVsix(entries, { packedBytes, repoRoot: root });
  const unpacked = entries.reduce((s, e) => s + e.size, 0);
  console.log(`${path.basename(file)}: ${entries.length} files, ${KB(unpacked)} unpacked, ${KB(packedBytes)} packed (limit ${KB(MAX_PACKED_BYTES)})`);
  console.log(`  ${'size'.padStart(10)} ${'packed'.padStart(10)}  file`);
  for (const line of listing) console.log(line);
  console.log(`tags: ${tags.length} (limit ${MAX_TAGS}); README links into the repository: ${links.length ? links.join(', ') : 'none'}`);
  if (problems.length) {
    console.error(`\ncheck-vsix: ${problems.length} problem(s):`);
    for (const p of problems) console.error(`  ✗ ${p}`);
    process.exit(1);
  }
  console.log('check-vsix: ok');
}

// no top-level await: the unit test loads this module through require()
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`check-vsix: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
