import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dashboardCsp, dashboardHtml, escapeAttribute } from '../../../webview/page';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
const nonce = 'r4nd0mN0nce+/==';
const html = dashboardHtml({
  cspSource,
  nonce,
  scriptUri: `${cspSource}/ext/dist/webview/dashboard.js`,
  codiconsUri: `${cspSource}/ext/dist/webview/dashboard.css`,
  styleUri: `${cspSource}/ext/media/dashboard.css`,
});

function directives(page: string): Map<string, string[]> {
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page);
  assert.ok(meta?.[1], 'a CSP meta tag');
  const policy = meta[1].replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name ?? '', values]),
  );
}

void describe('dashboard page', () => {
  const csp = directives(html);

  void it("has a strict CSP: default-src 'none', a nonce for scripts, no network", () => {
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepEqual(csp.get('connect-src'), ["'none'"]);
    assert.deepEqual(csp.get('style-src'), [cspSource]);
    assert.deepEqual(csp.get('font-src'), [cspSource]);
    assert.deepEqual(csp.get('img-src'), [cspSource, 'data:']);
  });

  void it("never allows 'unsafe-inline' or 'unsafe-eval'", () => {
    assert.ok(!html.includes('unsafe-inline'));
    assert.ok(!html.includes('unsafe-eval'));
    assert.ok(!dashboardCsp(cspSource, nonce).includes('unsafe'));
  });

  void it('loads the bundle as a nonce’d module and has no inline script or style', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]?.[1] ?? '', new RegExp(`nonce="${nonce.replace(/[+/]/g, '\\$&')}"`));
    assert.match(scripts[0]?.[1] ?? '', /type="module"/);
    assert.match(scripts[0]?.[1] ?? '', /src="[^"]*\/dist\/webview\/dashboard\.js"/);
    assert.equal(scripts[0]?.[2]?.trim(), '', 'no inline code');
    assert.ok(!/<style\b/i.test(html), 'no <style> element');
    assert.ok(!/\sstyle=/i.test(html), 'no style attribute');
    assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handler');
  });

  void it('links the codicons by the id the vscode-elements icons look for, and the dashboard CSS', () => {
    assert.match(html, /<link rel="stylesheet" id="vscode-codicon-stylesheet" href="[^"]*\/dist\/webview\/dashboard\.css">/);
    assert.match(html, /<link rel="stylesheet" href="[^"]*\/media\/dashboard\.css">/);
  });

  void it('escapes what it puts in attributes', () => {
    assert.equal(escapeAttribute(`a"b<c>&'`), 'a&quot;b&lt;c&gt;&amp;&#39;');
    const odd = dashboardHtml({ cspSource, nonce: 'n', scriptUri: 'x" onload="alert(1)', codiconsUri: 'c', styleUri: 's' });
    assert.ok(!odd.includes('" onload="'));
  });
});
