/**
 * The dashboard page's HTML, a pure function so that the panel, the bench and a unit test use the
 * very same document and Content Security Policy.
 *
 * The CSP allows only the nonce'd module script, styles and fonts from the extension
 * (`cspSource`), images from the extension or `data:`, and no network (`connect-src 'none'`).
 * No `'unsafe-inline'`: the page has no inline styles; scripts set styles through the CSSOM.
 */

export interface PageOptions {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** A fresh random nonce per page. */
  readonly nonce: string;
  /** The webview bundle, `dist/webview/dashboard.js`, as a webview URI. */
  readonly scriptUri: string;
  /** The bundle's CSS, `dist/webview/dashboard.css` (codicons; the vscode-elements icons look it up by id). */
  readonly codiconsUri: string;
  /** `media/dashboard.css`. */
  readonly styleUri: string;
}

const ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;', "'": '&#39;' };

/** Text safe inside a double-quoted attribute. */
export function escapeAttribute(text: string): string {
  return text.replace(/[&"<>']/g, (c) => ATTRIBUTE_ESCAPES[c] ?? c);
}

/** The page's Content-Security-Policy. */
export function dashboardCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function dashboardHtml(o: PageOptions): string {
  const a = escapeAttribute;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(dashboardCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${a(o.codiconsUri)}">
<link rel="stylesheet" href="${a(o.styleUri)}">
<title>Token Budget</title>
</head>
<body>
<div id="root"><p class="loading" role="status">Loading your budget…</p></div>
<script type="module" nonce="${a(o.nonce)}" src="${a(o.scriptUri)}"></script>
</body>
</html>`;
}
