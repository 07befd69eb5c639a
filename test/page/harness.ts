/**
 * The dashboard page in Chromium without a workbench: the panel's own HTML and CSP served from
 * loopback, a stub `acquireVsCodeApi` that records what the page posts, and the `--vscode-*`
 * variables and body class of VS Code's light, dark and high-contrast themes, set the way a
 * webview gets them. Used by the page tests (test/page/*.test.ts) and the dashboard bench
 * (bench/dashboard.ts). Needs the built webview bundle (dist/webview, `node esbuild.mjs`).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { DashboardModel } from '../../src/core/dashboardModel';
import { dashboardHtml } from '../../webview/page';

const ROOT = path.resolve(__dirname, '..', '..');

// ---------------------------------------------------------------------------------------------
// Themes

export type BenchTheme = 'light' | 'dark' | 'hc';

export interface ThemeSpec {
  readonly bodyClass: string;
  readonly kind: string;
  readonly vars: Readonly<Record<string, string>>;
}

const common: Record<string, string> = {
  'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  'font-size': '13px',
  'font-weight': 'normal',
  'editor-font-family': '"Droid Sans Mono", "monospace", monospace',
};

export const THEMES: Readonly<Record<BenchTheme, ThemeSpec>> = {
  light: {
    bodyClass: 'vscode-light',
    kind: 'vscode-light',
    vars: {
      ...common,
      foreground: '#3b3b3b',
      'editor-background': '#ffffff',
      'editor-foreground': '#3b3b3b',
      descriptionForeground: '#616161',
      disabledForeground: 'rgba(97, 97, 97, 0.5)',
      focusBorder: '#005fb8',
      'widget-border': '#e5e5e5',
      'widget-shadow': 'rgba(0, 0, 0, 0.16)',
      'editorWidget-background': '#f8f8f8',
      'editorWidget-border': '#c8c8c8',
      'welcomePage-tileBackground': '#f8f8f8',
      'welcomePage-tileBorder': 'rgba(0, 0, 0, 0.1)',
      'panel-background': '#f8f8f8',
      'panel-border': '#e5e5e5',
      'panelTitle-activeBorder': '#005fb8',
      'panelTitle-activeForeground': '#3b3b3b',
      'panelTitle-inactiveForeground': '#3b3b3b',
      'settings-headerBorder': '#e5e5e5',
      'charts-foreground': '#616161',
      'charts-lines': 'rgba(97, 97, 97, 0.5)',
      'charts-red': '#e51400',
      'charts-blue': '#1a85ff',
      'charts-yellow': '#bf8803',
      'charts-orange': '#d18616',
      'charts-green': '#388a34',
      'charts-purple': '#652d90',
      'editorHoverWidget-background': '#f8f8f8',
      'editorHoverWidget-foreground': '#3b3b3b',
      'editorHoverWidget-border': '#c8c8c8',
      'button-background': '#005fb8',
      'button-foreground': '#ffffff',
      'button-hoverBackground': '#0258a8',
      'button-border': 'rgba(0, 0, 0, 0.1)',
      'button-separator': 'rgba(255, 255, 255, 0.4)',
      'button-secondaryBackground': '#e5e5e5',
      'button-secondaryForeground': '#3b3b3b',
      'button-secondaryHoverBackground': '#cccccc',
      'badge-background': '#cccccc',
      'badge-foreground': '#3b3b3b',
      'list-hoverBackground': '#f2f2f2',
      'toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)',
      'inputValidation-infoBackground': '#d6ecf2',
      'inputValidation-infoBorder': '#007acc',
      'inputValidation-warningBackground': '#f6f5d2',
      'inputValidation-warningBorder': '#b89500',
      'editorInfo-foreground': '#1a85ff',
      'editorWarning-foreground': '#bf8803',
      errorForeground: '#f85149',
      'testing-iconPassed': '#388a34',
      'progressBar-background': '#005fb8',
      'settings-checkboxBackground': '#f8f8f8',
      'settings-checkboxBorder': '#cecece',
      'settings-checkboxForeground': '#3b3b3b',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    kind: 'vscode-dark',
    vars: {
      ...common,
      foreground: '#cccccc',
      'editor-background': '#1f1f1f',
      'editor-foreground': '#cccccc',
      descriptionForeground: '#9d9d9d',
      disabledForeground: 'rgba(204, 204, 204, 0.5)',
      focusBorder: '#0078d4',
      'widget-border': '#313131',
      'widget-shadow': 'rgba(0, 0, 0, 0.36)',
      'editorWidget-background': '#202020',
      'editorWidget-border': '#454545',
      'welcomePage-tileBackground': '#2b2b2b',
      'welcomePage-tileBorder': 'rgba(255, 255, 255, 0.1)',
      'panel-background': '#181818',
      'panel-border': '#2b2b2b',
      'panelTitle-activeBorder': '#0078d4',
      'panelTitle-activeForeground': '#cccccc',
      'panelTitle-inactiveForeground': '#9d9d9d',
      'settings-headerBorder': '#2b2b2b',
      'charts-foreground': '#cccccc',
      'charts-lines': 'rgba(204, 204, 204, 0.5)',
      'charts-red': '#f14c4c',
      'charts-blue': '#3794ff',
      'charts-yellow': '#cca700',
      'charts-orange': '#d18616',
      'charts-green': '#89d185',
      'charts-purple': '#b180d7',
      'editorHoverWidget-background': '#202020',
      'editorHoverWidget-foreground': '#cccccc',
      'editorHoverWidget-border': '#454545',
      'button-background': '#0078d4',
      'button-foreground': '#ffffff',
      'button-hoverBackground': '#026ec1',
      'button-border': 'rgba(255, 255, 255, 0.07)',
      'button-separator': 'rgba(255, 255, 255, 0.4)',
      'button-secondaryBackground': '#313131',
      'button-secondaryForeground': '#cccccc',
      'button-secondaryHoverBackground': '#3c3c3c',
      'badge-background': '#616161',
      'badge-foreground': '#f8f8f8',
      'list-hoverBackground': '#2a2d2e',
      'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
      'inputValidation-infoBackground': '#063b49',
      'inputValidation-infoBorder': '#007acc',
      'inputValidation-warningBackground': '#352a05',
      'inputValidation-warningBorder': '#b89500',
      'editorInfo-foreground': '#3794ff',
      'editorWarning-foreground': '#cca700',
      errorForeground: '#f85149',
      'testing-iconPassed': '#73c991',
      'progressBar-background': '#0078d4',
      'settings-checkboxBackground': '#313131',
      'settings-checkboxBorder': '#3c3c3c',
      'settings-checkboxForeground': '#cccccc',
    },
  },
  hc: {
    bodyClass: 'vscode-high-contrast',
    kind: 'vscode-high-contrast',
    vars: {
      ...common,
      foreground: '#ffffff',
      'editor-background': '#000000',
      'editor-foreground': '#ffffff',
      descriptionForeground: 'rgba(255, 255, 255, 0.8)',
      disabledForeground: '#a5a5a5',
      focusBorder: '#f38518',
      contrastBorder: '#6fc3df',
      contrastActiveBorder: '#f38518',
      'widget-border': '#6fc3df',
      'widget-shadow': 'transparent',
      'editorWidget-background': '#0c141f',
      'editorWidget-border': '#6fc3df',
      'welcomePage-tileBackground': '#000000',
      'welcomePage-tileBorder': '#6fc3df',
      'panel-background': '#000000',
      'panel-border': '#6fc3df',
      'panelTitle-activeBorder': '#6fc3df',
      'panelTitle-activeForeground': '#ffffff',
      'panelTitle-inactiveForeground': '#ffffff',
      'settings-headerBorder': '#6fc3df',
      'charts-foreground': '#ffffff',
      'charts-lines': '#ffffff',
      'charts-red': '#f48771',
      'charts-blue': '#3794ff',
      'charts-yellow': '#ffd370',
      'charts-orange': '#f38518',
      'charts-green': '#89d185',
      'charts-purple': '#b180d7',
      'editorHoverWidget-background': '#0c141f',
      'editorHoverWidget-foreground': '#ffffff',
      'editorHoverWidget-border': '#6fc3df',
      'button-background': '#000000',
      'button-foreground': '#ffffff',
      'button-border': '#6fc3df',
      'button-separator': '#6fc3df',
      'button-secondaryBackground': '#000000',
      'button-secondaryForeground': '#ffffff',
      'badge-background': '#000000',
      'badge-foreground': '#ffffff',
      'toolbar-hoverBackground': 'transparent',
      'inputValidation-infoBackground': '#000000',
      'inputValidation-infoBorder': '#6fc3df',
      'inputValidation-warningBackground': '#000000',
      'inputValidation-warningBorder': '#6fc3df',
      'editorInfo-foreground': '#3794ff',
      'editorWarning-foreground': '#ffd370',
      errorForeground: '#f48771',
      'testing-iconPassed': '#73c991',
      'progressBar-background': '#6fc3df',
      'settings-checkboxBackground': '#000000',
      'settings-checkboxBorder': '#6fc3df',
      'settings-checkboxForeground': '#ffffff',
    },
  },
};

// ---------------------------------------------------------------------------------------------
// The page, served from loopback with the panel's own HTML and CSP

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.svg': 'image/svg+xml', '.html': 'text/html' };

/** Serves the dashboard page at `/` and its bundle and CSS from dist/webview and media. */
export async function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      if (url.pathname === '/') {
        const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
        const html = dashboardHtml({
          cspSource: origin,
          nonce: randomBytes(16).toString('base64'),
          scriptUri: `${origin}/dist/webview/dashboard.js`,
          codiconsUri: `${origin}/dist/webview/dashboard.css`,
          styleUri: `${origin}/media/dashboard.css`,
        });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(html);
        return;
      }
      const file = path.join(ROOT, path.normalize(url.pathname));
      if (!(file.startsWith(path.join(ROOT, 'dist', 'webview')) || file.startsWith(path.join(ROOT, 'media')))) {
        res.writeHead(404).end();
        return;
      }
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export interface PageProbe {
  posted: unknown[];
  csp: string[];
  state: unknown;
}
declare global {
  interface Window {
    __bench?: PageProbe;
  }
}

/** A fresh page with a stub VS Code API and the theme's variables on <html> and class on <body>, like a webview. */
export async function openPage(browser: Browser, origin: string, theme: BenchTheme, errors: string[], viewport = { width: Number(process.env.TB_BENCH_WIDTH ?? 1320), height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy|Refused to/i.test(m.text())) errors.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  const spec = THEMES[theme];
  // Page-side code is passed as text: tsx would otherwise wrap its functions in a `__name` helper the page lacks.
  await page.addInitScript(`(() => {
    const vars = ${JSON.stringify(spec.vars)};
    const probe = { posted: [], csp: [], state: undefined };
    window.__bench = probe;
    document.addEventListener('securitypolicyviolation', (e) => probe.csp.push(e.violatedDirective + ' ' + e.blockedURI));
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => probe.posted.push(m),
      getState: () => probe.state,
      setState: (s) => { probe.state = s; },
    });
    const mark = () => {
      const html = document.documentElement;
      if (html && !html.dataset.benchThemed) {
        for (const [name, value] of Object.entries(vars)) html.style.setProperty('--vscode-' + name, value);
        html.dataset.benchThemed = '1';
      }
      if (!document.body) return false;
      document.body.classList.add(${JSON.stringify(spec.bodyClass)});
      document.body.dataset.vscodeThemeKind = ${JSON.stringify(spec.kind)};
      return true;
    };
    if (!mark()) {
      const o = new MutationObserver(() => { if (mark()) o.disconnect(); });
      o.observe(document, { childList: true, subtree: true });
    }
  })();`);
  await page.goto(`${origin}/`);
  await ready(page, errors);
  return page;
}

/**
 * Loads an open page afresh (its theme, stub API and probe as openPage set them up), as a webview
 * is when its panel is reopened. Cheaper than a new page: the renderer and its context stay.
 */
export async function reloadPage(page: Page, errors: string[]): Promise<Page> {
  await page.reload();
  await ready(page, errors);
  return page;
}

async function ready(page: Page, errors: string[]): Promise<void> {
  try {
    await page.waitForFunction(() => window.__bench?.posted.some((m) => (m as { type?: string }).type === 'ready'), undefined, { timeout: 15_000 });
  } catch (error) {
    throw new Error(`The page never said "ready": ${errors.join('; ') || (error as Error).message}`, { cause: error });
  }
}

/** Posts `model` and resolves with the ms until the view has rendered it and a frame was painted. */
export function postAndMeasure(page: Page, model: DashboardModel): Promise<{ drawnMs: number; renderMs: number }> {
  return page.evaluate<{ drawnMs: number; renderMs: number }>(
    `((m) => new Promise((resolve) => {
      const root = document.getElementById('root');
      const count = () => document.querySelector('[data-testid="dashboard"]')?.getAttribute('data-render-count') ?? '0';
      const before = count();
      const posted = window.__bench.posted.length;
      const start = performance.now();
      const observer = new MutationObserver(() => {
        if (count() === before) return;
        observer.disconnect();
        requestAnimationFrame(() => {
          const drawn = window.__bench.posted.slice(posted).find((x) => x.type === 'drawn');
          resolve({ drawnMs: performance.now() - start, renderMs: drawn ? drawn.ms : NaN });
        });
      });
      observer.observe(root, { attributes: true, subtree: true, childList: true });
      window.postMessage({ type: 'model', model: m }, '*');
    }))(${JSON.stringify(model)})`,
  );
}


/**
 * Switches an open page to another theme the way VS Code does for a webview: new `--vscode-*`
 * variables on <html>, the theme's class on <body>, then the host's `{ type: 'theme' }` notice.
 */
export async function switchTheme(page: Page, theme: BenchTheme): Promise<void> {
  const spec = THEMES[theme];
  await page.evaluate(`(() => {
    const vars = ${JSON.stringify(spec.vars)};
    const html = document.documentElement;
    for (const name of [...html.style]) if (name.startsWith('--vscode-')) html.style.removeProperty(name);
    for (const [name, value] of Object.entries(vars)) html.style.setProperty('--vscode-' + name, value);
    document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light');
    document.body.classList.add(${JSON.stringify(spec.bodyClass)});
    document.body.dataset.vscodeThemeKind = ${JSON.stringify(spec.kind)};
    window.postMessage({ type: 'theme' }, '*');
  })()`);
}

/** What the page has posted to the host so far. */
export async function posted(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(`window.__bench ? window.__bench.posted : []`);
}

/** CSP violations the page reported. */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(`window.__bench ? window.__bench.csp : []`);
}
