// Playwright helpers for driving a real VS Code workbench (code-server) in Debian's Chromium.
// Start the editor with launchEditor() from scripts/lib/editor.mjs, then openWorkbench(url).
//
// DOM facts (code-server 4.139.1 / VS Code 1.139.1):
// - a status bar item is `div.statusbar-item` with `id="<publisher>.<extension-name>.<itemId>"`
//   (itemId = first argument of createStatusBarItem) and `aria-label` = its text with icons as
//   words ("$(pulse) 42%" -> "pulse 42%") plus ", <tooltip>" when the tooltip is a string/markdown,
//   or accessibilityInformation.label when set. The item's `name` is NOT in the DOM; it appears
//   only in the status bar's context menu (see statusBarItemNames()).
// - hovers are `.workbench-hover` (inside `.monaco-hover`); notifications are
//   `.notifications-toasts .notification-toast`; the palette is `.quick-input-widget`.

import fs from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { BROWSER_SERVER_VARIABLE, CHROMIUM_ARGS as CHROMIUM_FLAGS, ensureEditor, launchEditor, type LaunchOptions, type RunningEditor } from '../../scripts/lib/editor.mjs';
import { startSimulator, type Simulator } from '../../tools/simulator/server';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'screenshots');

export const CHROMIUM_ARGS: string[] = [...CHROMIUM_FLAGS];

export const VIEWPORT = { width: 1400, height: 900 } as const;

/**
 * A workbench window's browser context. Uncompressed responses: code-server compresses its 19 MB
 * workbench.js with brotli for every window it serves (about 1 CPU-s each, on localhost).
 */
export const WINDOW_CONTEXT = { viewport: VIEWPORT, reducedMotion: 'reduce', extraHTTPHeaders: { 'Accept-Encoding': 'identity' } } as const;

/**
 * The built-in extensions the journeys use: the default themes (the theme checks) and the GitHub
 * sign-in (the walkthrough's Copilot step). code-server ships about 95 more (languages, git,
 * GitHub, Copilot Chat); loading them took each launch about 5 s of CPU and 5 s more to settle.
 */
export const JOURNEY_BUILTINS = ['theme-defaults', 'github-authentication'] as const;

/** launchEditor with only the built-in extensions the journeys use. */
export function launchJourneyEditor(opts: LaunchOptions): Promise<RunningEditor> {
  return launchEditor({ builtinExtensions: JOURNEY_BUILTINS, ...opts });
}

export type ThemeName = 'Default Light Modern' | 'Default Dark Modern' | 'Default High Contrast';

export interface Workbench {
  browser: Browser;
  page: Page;
  /** Uncaught errors thrown in the workbench page (not in webviews). */
  pageErrors: string[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function poll<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * A Chromium for a journey's windows: the one scripts/run-tests.mjs shares between the journeys
 * (BROWSER_SERVER_VARIABLE; starting a Chromium of its own cost a journey ~3 CPU-s, opening a
 * context in the shared one ~0.7), else one of its own (a journey run alone; headed with
 * TOKEN_BUDGET_HEADED). Closing what it returns closes only this journey's contexts.
 */
export async function journeyBrowser(opts: { headless?: boolean } = {}): Promise<Browser> {
  const headless = opts.headless ?? !process.env['TOKEN_BUDGET_HEADED'];
  const shared = process.env[BROWSER_SERVER_VARIABLE];
  if (shared && headless) {
    try {
      return await chromium.connect(shared, { timeout: 30_000 });
    } catch (error) {
      console.error(`[browser] the shared Chromium (${shared}) did not answer (${(error as Error).message}); starting one for this journey`);
    }
  }
  const { chromiumPath } = await ensureEditor({ log: (l) => console.error(l) });
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, headless });
}

/**
 * Opens a workbench window at `url` in a new context of `browser` and waits until it is
 * interactive: the parts restored, the status bar with its first items.
 */
export async function openWindow(
  browser: Browser,
  url: string,
  opts: { colorScheme?: 'light' | 'dark' | 'no-preference'; timeoutMs?: number } = {},
): Promise<{ page: Page; pageErrors: string[] }> {
  const timeout = opts.timeoutMs ?? 60_000;
  const context = await browser.newContext({ ...WINDOW_CONTEXT, colorScheme: opts.colorScheme ?? 'light' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout });
  // the status bar gets its first items once the workbench has restored its parts
  await page.locator('.part.statusbar .statusbar-item').first().waitFor({ state: 'attached', timeout });
  await page.locator('.part.editor').waitFor({ state: 'visible', timeout });
  return { page, pageErrors };
}

/** Opens the workbench in a browser of its own (journeyBrowser) and waits until it is interactive. */
export async function openWorkbench(
  url: string,
  opts: { colorScheme?: 'light' | 'dark' | 'no-preference'; timeoutMs?: number; headless?: boolean } = {},
): Promise<Workbench> {
  const browser = await journeyBrowser(opts.headless !== undefined ? { headless: opts.headless } : {});
  try {
    const { page, pageErrors } = await openWindow(browser, url, opts);
    return {
      browser,
      page,
      pageErrors,
      close: async () => {
        await browser.close().catch(() => undefined);
      },
    };
  } catch (e) {
    await browser.close().catch(() => undefined);
    throw e;
  }
}

function cssString(s: string): string {
  return JSON.stringify(s);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface StatusBarQuery {
  /** Full DOM id, `<publisher>.<name>.<itemId>`, e.g. `token-budget.token-budget.meter`. */
  id?: string;
  /** Extension id `<publisher>.<name>`: matches any item of that extension. */
  extensionId?: string;
  /**
   * The item's `name`. Not rendered in the DOM: matched against the aria-label (contains, case-
   * insensitive), which holds the name only if the extension puts it in its text, tooltip or
   * accessibilityInformation.label. Prefer `id` / `extensionId`; check names with statusBarItemNames().
   */
  name?: string;
  /** Matched against the visible text of the item. */
  textMatch?: RegExp;
}

/** Locator for a status bar item (`div.statusbar-item`). */
export function statusBarItem(page: Page, q: StatusBarQuery): Locator {
  let loc: Locator;
  if (q.id) loc = page.locator(`.part.statusbar .statusbar-item[id=${cssString(q.id)}]`);
  else if (q.extensionId) loc = page.locator(`.part.statusbar .statusbar-item[id^=${cssString(`${q.extensionId}.`)} i]`);
  else loc = page.locator('.part.statusbar .statusbar-item');
  // the item's inner <a class="statusbar-item-label"> carries the same aria-label
  if (q.name) loc = loc.filter({ has: page.locator(`[aria-label*=${cssString(q.name)} i]`) });
  if (q.textMatch) loc = loc.filter({ hasText: q.textMatch });
  return loc;
}

/** Texts of the visible status bar items. */
export async function statusBarTexts(page: Page): Promise<string[]> {
  const texts = await page.locator('.part.statusbar .statusbar-item').evaluateAll((els) =>
    els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => (e as HTMLElement).innerText),
  );
  return texts.map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** Waits until some status bar item's text matches; returns that text. */
export async function waitForStatusText(page: Page, re: RegExp, timeoutMs = 30_000): Promise<string> {
  let seen: string[] = [];
  try {
    return await poll(`a status bar item matching ${re}`, timeoutMs, async () => {
      seen = await statusBarTexts(page);
      return seen.find((t) => re.test(t));
    });
  } catch (e) {
    throw new Error(`${(e as Error).message}; status bar shows: ${JSON.stringify(seen)}`, { cause: e });
  }
}

/**
 * Names of the status bar items as listed in the status bar's context menu (where VS Code
 * shows each item's `name`). Closes the menu again.
 */
export async function statusBarItemNames(page: Page): Promise<string[]> {
  await page.locator('.part.statusbar').click({ button: 'right', position: { x: 700, y: 10 } });
  const items = page.locator('.context-view .monaco-menu .action-item .action-label');
  await items.first().waitFor({ state: 'visible', timeout: 10_000 });
  const names = (await items.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  await page.keyboard.press('Escape');
  return names;
}

const HOVER = '.workbench-hover, .monaco-hover';

/** Hovers the element and returns the text of the hover widget that appears. */
export async function hoverTooltip(page: Page, locator: Locator, timeoutMs = 10_000): Promise<string> {
  const hover = page.locator(HOVER).filter({ visible: true });
  // make sure no earlier hover is still up
  await page.mouse.move(1, VIEWPORT.height / 2);
  await hover.first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  await locator.scrollIntoViewIfNeeded();
  const text = await poll('a hover widget', timeoutMs, async () => {
    await locator.hover({ timeout: 5_000 });
    // small mouse moves restart the hover delay if the first hover was swallowed
    try {
      await hover.first().waitFor({ state: 'visible', timeout: 2_500 });
    } catch {
      const box = await locator.boundingBox();
      if (box) await page.mouse.move(box.x + box.width / 2 + 1, box.y + box.height / 2);
      return undefined;
    }
    const t = (await hover.first().innerText()).trim();
    return t || undefined;
  });
  return text;
}

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const QUICK_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

async function openPalette(page: Page): Promise<void> {
  const widget = page.locator(QUICK_INPUT);
  for (const key of ['F1', 'Control+Shift+P', 'F1']) {
    if (await widget.isVisible()) await page.keyboard.press('Escape');
    await page.keyboard.press(key);
    try {
      await widget.waitFor({ state: 'visible', timeout: 3_000 });
      return;
    } catch {
      // the page may not have had keyboard focus yet: focus the workbench and retry
      await page.locator('.monaco-workbench').focus().catch(() => undefined);
    }
  }
  throw new Error('the command palette did not open (F1 / Ctrl+Shift+P)');
}

async function rowLabels(page: Page): Promise<string[]> {
  return (await page.locator(QUICK_ROWS).evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? (r as HTMLElement).innerText))).map(
    (t) => t.replace(/\s+/g, ' ').trim(),
  );
}

/**
 * Picks the row for `text` in the open quick input: exact label first, else the first row
 * containing it. `prefix` is typed before the text (">" for the command palette).
 */
async function pickRow(
  page: Page,
  text: string,
  prefix: string,
  timeoutMs: number,
  accept?: (label: string) => boolean,
): Promise<void> {
  const input = page.locator(QUICK_INPUT_BOX);
  await input.fill(`${prefix}${text}`);
  const exact = new RegExp(`^${escapeRegExp(text)}(\\s|,|$)`, 'i');
  let labels: string[] = [];
  try {
    await poll(`a quick pick row "${text}"`, timeoutMs, async () => {
      // the list re-filters asynchronously after typing
      if ((await input.inputValue()) !== `${prefix}${text}`) await input.fill(`${prefix}${text}`);
      labels = await rowLabels(page);
      const idx = labels.findIndex((l) => (accept ? accept(l) : exact.test(l)));
      const i = idx >= 0 || accept ? idx : labels.findIndex((l) => l.toLowerCase().includes(text.toLowerCase()));
      if (i < 0) return undefined;
      const row = page.locator(QUICK_ROWS).nth(i);
      const focused = (await row.getAttribute('class'))?.includes('focused') ?? false;
      if (focused) await input.press('Enter');
      else await row.click();
      return true;
    });
  } catch (e) {
    throw new Error(`${(e as Error).message}; rows: ${JSON.stringify(labels.slice(0, 10))}`, { cause: e });
  }
}

/** Runs a command by its palette title (e.g. "Token Budget: Show Dashboard"). */
export async function runCommand(page: Page, title: string, timeoutMs = 15_000): Promise<void> {
  await openPalette(page);
  const plain = title.replace(/^>\s*/, '');
  await pickRow(page, plain, '>', timeoutMs);
  // the palette closes when the command starts; a command may open its own quick input
  await quickInputMovedOn(page, `>${plain}`);
}

/**
 * Waits (at most 3 s, without failing) until the quick input no longer shows `value`: it closed,
 * or the command put up its own question in it.
 */
async function quickInputMovedOn(page: Page, value: string): Promise<void> {
  const widget = page.locator(QUICK_INPUT);
  const input = page.locator(QUICK_INPUT_BOX);
  await poll('the quick input to move on', 3_000, async () => {
    if (!(await widget.isVisible())) return true;
    return (await input.inputValue().catch(() => '')) !== value ? true : undefined;
  }, 50).catch(() => undefined);
}

/** Resolves after the page has painted two more frames. */
export async function painted(page: Page | Frame): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/** Chooses `text` in a QuickPick shown by the extension. */
export async function answerQuickPick(page: Page, text: string, timeoutMs = 15_000): Promise<void> {
  await page.locator(QUICK_INPUT).waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator(QUICK_ROWS).first().waitFor({ state: 'visible', timeout: timeoutMs });
  await pickRow(page, text, '', timeoutMs);
  await quickInputMovedOn(page, text);
}

/** Types `text` into an InputBox shown by the extension and accepts it; throws on a validation message. */
export async function answerInputBox(page: Page, text: string, timeoutMs = 15_000): Promise<void> {
  const widget = page.locator(QUICK_INPUT);
  await widget.waitFor({ state: 'visible', timeout: timeoutMs });
  const input = page.locator(QUICK_INPUT_BOX);
  await input.fill(text);
  await input.press('Enter');
  try {
    await widget.waitFor({ state: 'hidden', timeout: 3_000 });
  } catch {
    const msg = (await page.locator(`${QUICK_INPUT} .quick-input-message`).innerText().catch(() => '')).trim();
    // a following input box may reuse the widget; only an unchanged value means "rejected"
    if ((await input.inputValue().catch(() => '')) === text) {
      throw new Error(`the input box did not accept ${JSON.stringify(text)}${msg ? `: ${msg}` : ''}`);
    }
  }
}

/** The dashboard's headline numbers: `data-kpi` → `data-value`. */
export async function kpis(frame: Frame): Promise<Record<string, string>> {
  return frame.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-kpi]')].map((e) => [e.getAttribute('data-kpi') ?? '', e.getAttribute('data-value') ?? ''])));
}

/** Finds the (nested) webview frame containing `selector`. */
export async function findInWebviews(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  return poll(`a webview frame with ${selector}`, timeoutMs, async () => {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame() || frame.isDetached()) continue;
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // frame navigated or detached while we looked
      }
    }
    return undefined;
  }, 250);
}

const TOAST = '.notifications-toasts .notification-toast';

/** Texts of the visible notification toasts (message plus source/buttons, one string each). */
export async function notifications(page: Page): Promise<string[]> {
  const toasts = page.locator(TOAST).filter({ visible: true });
  const texts = await toasts.evaluateAll((els) =>
    els.map((el) => {
      const msg = el.querySelector('.notification-list-item-message');
      return ((msg as HTMLElement | null)?.innerText ?? (el as HTMLElement).innerText).replace(/\s+/g, ' ').trim();
    }),
  );
  return texts.filter(Boolean);
}

/** Waits for a toast whose message matches; returns its text. */
export async function waitForNotification(page: Page, re: RegExp, timeoutMs = 15_000): Promise<string> {
  let seen: string[] = [];
  try {
    return await poll(`a notification matching ${re}`, timeoutMs, async () => {
      seen = await notifications(page);
      return seen.find((t) => re.test(t));
    });
  } catch (e) {
    throw new Error(`${(e as Error).message}; visible notifications: ${JSON.stringify(seen)}`, { cause: e });
  }
}

// VS Code 1.139 labels the built-in themes "Light Modern", "Dark Modern", "Dark High Contrast"
// (ids "Light Modern", "Dark Modern", "Default High Contrast"); older builds said "Default …".
const THEMES: Record<ThemeName, { cls: string; filter: string; labels: string[] }> = {
  'Default Light Modern': { cls: 'vs', filter: 'Light Modern', labels: ['Light Modern', 'Default Light Modern'] },
  'Default Dark Modern': { cls: 'vs-dark', filter: 'Dark Modern', labels: ['Dark Modern', 'Default Dark Modern'] },
  'Default High Contrast': {
    cls: 'hc-black',
    filter: 'High Contrast',
    labels: ['Dark High Contrast', 'Default High Contrast'],
  },
};

/** Switches the color theme through "Preferences: Color Theme" and waits for it to apply. */
export async function setTheme(page: Page, theme: ThemeName, timeoutMs = 15_000): Promise<void> {
  const { cls, filter, labels } = THEMES[theme];
  const workbench = page.locator('.monaco-workbench');
  const applied = async () => workbench.evaluate((el, c) => el.classList.contains(c), cls);
  if (await applied()) return;
  await runCommand(page, 'Preferences: Color Theme', timeoutMs);
  await page.locator(QUICK_ROWS).first().waitFor({ state: 'visible', timeout: timeoutMs });
  const wanted = labels.map((l) => new RegExp(`^${escapeRegExp(l)}(\\s|,|$)`, 'i'));
  await pickRow(page, filter, '', timeoutMs, (label) => wanted.some((re) => re.test(label)));
  await poll(`theme ${theme}`, timeoutMs, async () => ((await applied()) ? true : undefined));
  await painted(page); // let the new colours paint
}

/** Saves a full-page PNG to test-results/screenshots/NAME.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: file });
  return file;
}

/** Every window's "Token Budget" log of an editor (one per extension host), each under its path. */
export async function extensionLogs(editor: RunningEditor): Promise<string> {
  const logs = path.join(editor.userDataDir, 'logs');
  const files = (await fs.readdir(logs, { recursive: true }).catch(() => [] as string[])).filter((f) => f.endsWith(`${path.sep}Token Budget.log`)).sort();
  const parts = await Promise.all(files.map(async (f) => `--- ${f}\n${await fs.readFile(path.join(logs, f), 'utf8').catch((e: Error) => e.message)}`));
  return parts.join('\n');
}

/**
 * Runs a test body; if it throws, saves a screenshot named `FAILED-<name>` first, and prints the
 * extension's log of every window of `editor` when given, so a CI failure can be looked at.
 */
export async function capturingFailure(page: Page | undefined | (() => Page | undefined), name: string, body: () => Promise<void>, editor?: () => RunningEditor | undefined): Promise<void> {
  try {
    await body();
  } catch (error) {
    // A getter, for a page that the body itself opens.
    const shown = typeof page === 'function' ? page() : page;
    if (shown) await screenshot(shown, `FAILED-${name}`).catch(() => undefined);
    const ed = editor?.();
    if (ed) console.error(`[${name}] the extension's logs:\n${await extensionLogs(ed)}`);
    throw error;
  }
}

/** What a suite starts in `before`: the gateway simulator, an editor and its workbench. */
export interface GatewaySuite {
  readonly sim: Simulator;
  readonly editor: RunningEditor;
  readonly wb: Workbench;
  readonly page: Page;
}

/**
 * Starts the gateway simulator answering `key` (a year of history up to now), an editor launched
 * with `launch(sim)`, and its workbench. If a step fails, what was started is closed again.
 */
export async function startGatewaySuite(key: string, launch: (sim: Simulator) => LaunchOptions): Promise<GatewaySuite> {
  const sim = await startSimulator({ port: 0, key, history: { now: new Date() } });
  let editor: RunningEditor | undefined;
  try {
    editor = await launchJourneyEditor(launch(sim));
    const wb = await openWorkbench(editor.url);
    return { sim, editor, wb, page: wb.page };
  } catch (error) {
    await closeSuite({ editor, sim });
    throw error;
  }
}

/**
 * Closes what a suite started, newest first; parts that never started are skipped. The editor is
 * killed at once: the suite is over, and nothing is left to save.
 */
export async function closeSuite(parts: { wb?: Workbench | undefined; editor?: RunningEditor | undefined; sim?: Simulator | undefined }): Promise<void> {
  await parts.wb?.close();
  await parts.editor?.stop({ now: true });
  await parts.sim?.close();
}

/** Non-transparent pixels of a dashboard chart's canvas (the canvas is same-origin in its frame). */
export async function canvasInk(frame: Page | Frame, chart: string): Promise<{ width: number; height: number; inked: number }> {
  return frame.evaluate((sel) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-chart="${sel}"] canvas`);
    if (!canvas) return { width: 0, height: 0, inked: 0 };
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0 || canvas.height === 0) return { width: canvas.width, height: canvas.height, inked: 0 };
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) inked++;
    return { width: canvas.width, height: canvas.height, inked };
  }, chart);
}

/**
 * For the first models of the daily chart's legend: how many of the chart's pixels have that
 * legend swatch's colour. Zero means the bars were drawn in other colours than the legend says
 * (e.g. the previous theme's).
 */
export async function barsInLegendColours(frame: Page | Frame, models = 3): Promise<Record<string, number>> {
  return frame.evaluate((n) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-chart="daily"] canvas');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return {};
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const legend = [...document.querySelectorAll<HTMLElement>('[data-chart="daily"] ~ .legend .legend-item')].slice(0, n);
    const out: Record<string, number> = {};
    for (const item of legend) {
      const swatch = item.querySelector<HTMLElement>('.swatch-box');
      const rgb = swatch ? /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(swatch).backgroundColor)?.slice(1, 4).map(Number) : undefined;
      if (!rgb) continue;
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        if ((data[i + 3] ?? 0) > 0 && Math.abs((data[i] ?? 0) - (rgb[0] ?? 0)) <= 4 && Math.abs((data[i + 1] ?? 0) - (rgb[1] ?? 0)) <= 4 && Math.abs((data[i + 2] ?? 0) - (rgb[2] ?? 0)) <= 4) count++;
      }
      out[item.innerText.trim()] = count;
    }
    return out;
  }, models);
}

/** Waits until the first `models` legend entries of the daily chart each colour more than 100 of its pixels; returns the counts. */
export async function waitForBarsInLegendColours(frame: Page | Frame, what: string, models = 3, timeoutMs = 15_000): Promise<Record<string, number>> {
  let last: Record<string, number> = {};
  try {
    return await poll(`the daily bars in their legend colours (${what})`, timeoutMs, async () => {
      last = await barsInLegendColours(frame, models);
      return Object.keys(last).length === models && Object.values(last).every((px) => px > 100) ? last : undefined;
    }, 100);
  } catch (e) {
    throw new Error(`${(e as Error).message}: ${JSON.stringify(last)}`, { cause: e });
  }
}
