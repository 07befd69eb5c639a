// The webview and the tooltip: a strict CSP on the generated page, inbound messages validated by
// the host's schema, and nothing from an API ever parsed as HTML or as a Markdown link. The
// lint-style checks read the sources, so a later change that adds an HTML sink fails here.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import * as v from 'valibot';
import { Ledger } from '../../../src/core/ledger';
import { buildSnapshot, type SourceStatus } from '../../../src/core/snapshot';
import { statusBarView } from '../../../src/ui/statusBarModel';
import { dashboardCsp, dashboardHtml } from '../../../webview/page';
import { WebviewMessageSchema } from '../../../webview/protocol';

const ROOT = join(__dirname, '..', '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The code without its comments (a comment may name a sink to say it is not used). */
function code(path: string): string {
  return readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Ways a string becomes markup or code in a browser. */
const HTML_SINKS: readonly [string, RegExp][] = [
  ['innerHTML', /\.innerHTML\b/],
  ['outerHTML', /\.outerHTML\b/],
  ['insertAdjacentHTML', /\binsertAdjacentHTML\b/],
  ['document.write', /\bdocument\.write(ln)?\b/],
  ['DOMParser', /\bDOMParser\b/],
  ['createContextualFragment', /\bcreateContextualFragment\b/],
  ['srcdoc', /\bsrcdoc\b/],
  ['eval', /\beval\s*\(/],
  ['new Function', /\bnew\s+Function\s*\(/],
  ['string timer', /\bset(Timeout|Interval)\s*\(\s*['"`]/],
  ['javascript: URL', /javascript:/i],
  ['html template tag', /\bunsafeHTML\b|\bhtml`/],
];

void describe('nothing from an API is inserted as HTML', () => {
  const files = [...tsFiles(join(ROOT, 'webview')), ...tsFiles(join(ROOT, 'src', 'ui'))];

  void it('checks every webview and UI source file', () => {
    assert.ok(files.length >= 15, `${files.length} files`);
    assert.ok(files.some((f) => f.endsWith(join('webview', 'view.ts'))));
  });

  for (const [name, pattern] of HTML_SINKS) {
    void it(`no ${name}`, () => {
      const hits = files.filter((f) => pattern.test(code(f))).map((f) => relative(ROOT, f));
      assert.deepEqual(hits, [], `${name} in ${hits.join(', ')}`);
    });
  }

  void it('the webview builds its DOM with createElement, text nodes and setAttribute only (webview/dom.ts)', () => {
    const dom = code(join(ROOT, 'webview', 'dom.ts'));
    assert.match(dom, /document\.createElement\(tag\)/);
    assert.match(dom, /node\.append\(child\)/);
    // Attributes whose values are set from data are never event handlers: names are literals in the callers.
    const dynamicNames = files.flatMap((f) => [...code(f).matchAll(/\.setAttribute\(\s*([^'"`\s][^,]*),/g)].map((m) => `${relative(ROOT, f)}: ${m[1] ?? ''}`));
    assert.deepEqual(dynamicNames.sort(), ['webview/dom.ts: name', 'webview/dom.ts: name', "webview/view.ts: node.dataset.contractName ?? ''"].sort());
  });

  void it('the only HTML the extension writes is the page itself, from webview/page.ts', () => {
    const setters = files.filter((f) => /\.html\s*=/.test(code(f))).map((f) => relative(ROOT, f));
    assert.deepEqual(setters, [join('src', 'ui', 'dashboardPanel.ts')]);
    assert.match(code(join(ROOT, 'src', 'ui', 'dashboardPanel.ts')), /panel\.webview\.html = pageFor\(panel\.webview, this\.extensionUri\);/);
  });
});

void describe('the dashboard page and panel', () => {
  const page = dashboardHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'bm9uY2U=', scriptUri: 'https://x.vscode-cdn.net/d.js', codiconsUri: 'https://x.vscode-cdn.net/c.css', styleUri: 'https://x.vscode-cdn.net/s.css' });
  const csp = dashboardCsp('https://x.vscode-cdn.net', 'bm9uY2U=');

  void it('has one CSP, first in <head>, strict: no wildcard, no scheme source, no unsafe-*', () => {
    assert.equal(page.match(/Content-Security-Policy/g)?.length, 1);
    assert.ok(page.indexOf('Content-Security-Policy') < page.indexOf('<link'), 'the CSP comes before anything it governs');
    assert.match(csp, /^default-src 'none';/);
    assert.doesNotMatch(csp, /\*|'unsafe-|https?:(?!\/\/x\.vscode-cdn\.net)|\bblob:|\bfilesystem:/);
    const script = /script-src ([^;]*)/.exec(csp)?.[1];
    assert.equal(script, "'nonce-bm9uY2U='", 'scripts by nonce only');
    for (const directive of ["connect-src 'none'", "base-uri 'none'", "form-action 'none'"]) assert.ok(csp.includes(directive), directive);
    assert.ok(!/frame-src|child-src|object-src/.test(csp), 'frames and objects fall back to default-src none');
  });

  void it('gets a fresh random nonce per page, command URIs off, narrow resource roots, no retained context', () => {
    const panel = code(join(ROOT, 'src', 'ui', 'dashboardPanel.ts'));
    assert.match(panel, /nonce: randomBytes\(16\)\.toString\('base64'\)/);
    assert.match(panel, /enableCommandUris: false/);
    assert.match(panel, /localResourceRoots: \[vscode\.Uri\.joinPath\(this\.extensionUri, 'dist', 'webview'\), vscode\.Uri\.joinPath\(this\.extensionUri, 'media'\)\]/);
    assert.doesNotMatch(panel, /retainContextWhenHidden/);
    assert.match(panel, /v\.safeParse\(WebviewMessageSchema, raw\)/, 'every inbound message goes through the schema');
  });
});

void describe('inbound webview messages (the host’s valibot schema)', () => {
  const parse = (m: unknown) => v.safeParse(WebviewMessageSchema, m);

  void it('refuses commands outside the list, unknown types, and wrong types', () => {
    const bad: unknown[] = [
      { type: 'command', command: 'workbench.action.terminal.new' },
      { type: 'command', command: 'tokenBudget.clearApiKey' },
      { type: 'command', command: 'vscode.open', args: ['https://evil.example.com'] },
      { type: 'command' },
      { type: 'command', command: ['tokenBudget.showLog'] },
      { type: 'drawn', ms: '5' },
      { type: 'drawn', ms: Infinity },
      { type: 'drawn', ms: -0.1 },
      { type: 'READY' },
      { type: 'ready ' },
      { type: ['ready'] },
      { type: { toString: () => 'ready' } },
      { command: 'tokenBudget.showLog' },
      JSON.parse('{"__proto__": {"type": "ready"}}'),
      [],
      42,
      undefined,
    ];
    for (const message of bad) assert.ok(!parse(message).success, `refused: ${JSON.stringify(message) ?? String(message)}`);
  });

  void it('passes on only the fields it knows (extra arguments are dropped)', () => {
    const result = parse({ type: 'command', command: 'tokenBudget.showLog', args: ['rm -rf /'], __proto__: { polluted: true } });
    assert.ok(result.success);
    assert.deepEqual(result.success ? { ...result.output } : null, { type: 'command', command: 'tokenBudget.showLog' });
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype pollution');
  });
});

void describe('the status bar tooltip (Markdown) with hostile text from an API', () => {
  const hostile = '[Click me](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> `code` *bold* |cell| \\';
  const ledger = new Ledger([{ date: '2026-03-02', source: 'gateway', model: hostile, cost: 0, inputTokens: 1000, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 1, unpriced: true }]);
  const sources: SourceStatus[] = [
    { id: 'gateway', label: 'Allowance gateway', state: 'stale', lastSuccess: '2026-03-04T10:00:00Z', error: `server said: ${hostile}`, note: hostile, user: hostile, limits: [{ label: hostile, spent: 1, limit: 2 }] },
  ];
  const snapshot = buildSnapshot({ ledger, settings: { annualBudget: 1000, budgetYearStart: '01-01', workdays: [1, 2, 3, 4, 5], thresholds: [50, 100] }, gatewayBudget: null, sources, today: '2026-03-04', now: new Date('2026-03-04T12:00:00Z') });

  void it('renders no link, no HTML and no code span from it; only the extension’s own command links', () => {
    const view = statusBarView(snapshot, 'percent', new Date('2026-03-04T12:00:00Z'));
    // A link is `[text](target)` with an unescaped `]`.
    const links = [...view.tooltip.matchAll(/(?<!\\)\]\(([^)]*)\)/g)].map((m) => m[1] ?? '');
    assert.ok(links.length > 0);
    for (const link of links) assert.match(link, /^command:tokenBudget\.[A-Za-z]+$/, link);
    assert.doesNotMatch(view.tooltip, /(^|[^\\])</, 'every < escaped');
    assert.doesNotMatch(view.tooltip, /(^|[^\\])\[Click me/, 'every [ escaped');
    assert.ok(view.tooltip.includes('server said'), 'the message itself is shown');
  });

  void it('the tooltip trusts only the extension’s own commands and no HTML (src/ui/statusBar.ts)', () => {
    const bar = code(join(ROOT, 'src', 'ui', 'statusBar.ts'));
    const trusted = /enabledCommands: \[([^\]]*)\]/.exec(bar)?.[1] ?? '';
    const commands = [...trusted.matchAll(/'([^']+)'/g)].map((m) => m[1] ?? '');
    assert.ok(commands.length > 0);
    for (const c of commands) assert.match(c, /^tokenBudget\./);
    assert.match(bar, /supportHtml = false/);
  });
});
