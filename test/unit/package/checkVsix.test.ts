// scripts/check-vsix.mjs, the packaging check `npm test` runs on token-budget.vsix after the
// build: a clean package passes, and each kind of file that must not be published fails it.
// The packages are small zips written here (stored, no compression).

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { checkVsix, MAX_PACKED_BYTES, readZip } from '../../../scripts/check-vsix.mjs';

const ROOT = path.join(__dirname, '..', '..', '..');

/** A zip with the given files, stored uncompressed. */
function zip(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const nameBuf = Buffer.from(name);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const MANIFEST = {
  name: 'token-budget',
  displayName: 'Token Budget',
  description: 'AI allowance meter',
  version: '0.1.0',
  publisher: 'token-budget',
  license: 'MIT',
  icon: 'media/icon.png',
  repository: { type: 'git', url: 'https://github.com/token-budget/token-budget' },
  engines: { vscode: '^1.85.0' },
};

function goodFiles(): Record<string, string | Buffer> {
  return {
    'extension.vsixmanifest': '<PackageManifest><Metadata><Tags>ai budget,token usage</Tags></Metadata></PackageManifest>',
    'extension/package.json': JSON.stringify(MANIFEST),
    'extension/readme.md': '# Token Budget\n\n![meter](https://github.com/token-budget/token-budget/raw/HEAD/README.md)\n',
    'extension/changelog.md': '# Changelog\n',
    'extension/LICENSE.txt': 'MIT License\n',
    'extension/media/icon.png': Buffer.alloc(2000, 1),
    'extension/dist/extension.js': 'module.exports = {};\n',
  };
}

function check(files: Record<string, string | Buffer>, packedBytes?: number) {
  const buf = zip(files);
  return checkVsix(readZip(buf), { packedBytes: packedBytes ?? buf.length, repoRoot: ROOT });
}

void describe('check-vsix', () => {
  void it('passes a clean package and lists its files', () => {
    const { problems, listing, tags, links } = check(goodFiles());
    assert.deepEqual(problems, []);
    assert.equal(listing.length, 7);
    assert.deepEqual(tags, ['ai budget', 'token usage']);
    assert.deepEqual(links, ['README.md']);
  });

  void it('reads the entries back (names, sizes, contents)', () => {
    const entries = readZip(zip({ 'a.txt': 'hello', 'b/c.json': '{}' }));
    assert.deepEqual(entries.map((e) => [e.name, e.size, e.read().toString()]), [['a.txt', 5, 'hello'], ['b/c.json', 2, '{}']]);
  });

  for (const [file, content, reason] of [
    ['extension/dist/extension.js.map', '{}', /source map/],
    ['extension/test/unit/core/budget.test.js', 'x', /test file/],
    ['extension/dist/budget.test.js', 'x', /test file/],
    ['extension/images/dashboard-dark.png', Buffer.alloc(10), /screenshot or listing-only image/],
    ['extension/media/screenshot-meter.png', Buffer.alloc(10), /screenshot/],
    ['extension/media/icon.svg', '<svg/>', /SVG source/],
    ['extension/src/extension.ts', 'x', /source code/],
    ['extension/node_modules/chart.js/index.js', 'x', /node_modules/],
    ['extension/.env', 'KEY=1', /dot file/],
    ['extension/media/hero.png', Buffer.alloc(200 * 1024), /over the 64\.0 KB limit for an image/],
    ['extension/media/data.json', Buffer.alloc(300 * 1024), /over the 200\.0 KB limit for an asset/],
  ] as const) {
    void it(`fails on ${file}`, () => {
      const { problems } = check({ ...goodFiles(), [file]: content });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', reason);
    });
  }

  void it('fails at 1 MB packed', () => {
    assert.match(check(goodFiles(), MAX_PACKED_BYTES).problems.join('\n'), /must stay under 1024\.0 KB/);
    assert.deepEqual(check(goodFiles(), MAX_PACKED_BYTES - 1).problems, []);
  });

  void it('wants LICENSE, CHANGELOG and README inside', () => {
    for (const [file, reason] of [
      ['extension/LICENSE.txt', /LICENSE/],
      ['extension/changelog.md', /CHANGELOG/],
      ['extension/readme.md', /README/],
    ] as const) {
      const files = goodFiles();
      delete files[file];
      assert.match(check(files).problems.join('\n'), reason);
    }
  });

  void it('wants what Open VSX needs in the manifest', () => {
    for (const key of ['publisher', 'license', 'repository', 'version', 'icon', 'engines'] as const) {
      const m: Record<string, unknown> = { ...MANIFEST };
      delete m[key];
      const { problems } = check({ ...goodFiles(), 'extension/package.json': JSON.stringify(m) });
      assert.ok(problems.length > 0, `without ${key}`);
      assert.match(problems.join('\n'), new RegExp(key === 'engines' ? 'engines\\.vscode' : key === 'repository' ? 'repository URL' : key));
    }
    const svgIcon = check({ ...goodFiles(), 'extension/package.json': JSON.stringify({ ...MANIFEST, icon: 'media/icon.svg' }) });
    assert.match(svgIcon.problems.join('\n'), /not a PNG/);
    const badNamespace = check({ ...goodFiles(), 'extension/package.json': JSON.stringify({ ...MANIFEST, publisher: 'token budget' }) });
    assert.match(badNamespace.problems.join('\n'), /namespace/);
  });

  void it('fails on more than 30 tags and on a README link to a missing file', () => {
    const tags = Array.from({ length: 31 }, (_, i) => `t${i}`).join(',');
    const many = check({ ...goodFiles(), 'extension.vsixmanifest': `<Tags>${tags}</Tags>` });
    assert.match(many.problems.join('\n'), /31 tags/);
    const missing = check({ ...goodFiles(), 'extension/readme.md': '![x](https://github.com/token-budget/token-budget/raw/HEAD/images/nope.png)' });
    assert.match(missing.problems.join('\n'), /images\/nope\.png, which is not in the repository/);
  });
});
