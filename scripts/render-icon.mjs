// Renders media/icon.svg to media/icon.png (128×128, transparent corners) in Debian's Chromium:
//
//   node scripts/render-icon.mjs
//
// The PNG is committed (the Marketplace and Open VSX want a PNG icon); run this after editing
// the SVG.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { root } from './lib/steps.mjs';

const svg = await readFile(join(root, 'media', 'icon.svg'), 'utf8');
const out = join(root, 'media', 'icon.png');
const browser = await chromium.launch({
  executablePath: process.env.TOKEN_BUDGET_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: out, omitBackground: true });
} finally {
  await browser.close();
}
console.log(`wrote ${out} (${(await stat(out)).size} bytes)`);
