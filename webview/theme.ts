/**
 * Colours and fonts for the charts, read from the `--vscode-*` variables VS Code sets on the page,
 * and re-read when the theme changes (the host says so, and the body's theme class changes).
 */

export interface Palette {
  readonly kind: 'light' | 'dark' | 'highContrast' | 'highContrastLight';
  readonly foreground: string;
  readonly muted: string;
  readonly background: string;
  /** The cards' background, behind the charts. */
  readonly surface: string;
  readonly grid: string;
  readonly axis: string;
  readonly blue: string;
  readonly red: string;
  readonly yellow: string;
  readonly orange: string;
  readonly green: string;
  readonly purple: string;
  readonly hoverBackground: string;
  readonly hoverForeground: string;
  readonly hoverBorder: string;
  readonly focus: string;
  readonly fontFamily: string;
  readonly fontSize: number;
  /** Colours for the stacked models, most expensive first; `other` for the rest. */
  readonly series: readonly string[];
  readonly other: string;
}

let probe: HTMLElement | undefined;

/** `color` as `rgba(r, g, b, a)` with its alpha multiplied by `alpha` (any CSS colour the browser knows). */
export function withAlpha(color: string, alpha: number): string {
  const rgba = toRgba(color);
  return rgba ? `rgba(${rgba[0]}, ${rgba[1]}, ${rgba[2]}, ${+(rgba[3] * alpha).toFixed(3)})` : color;
}

/** `color` without transparency (some themes give chart colours an alpha, e.g. a half-transparent orange). */
export function opaque(color: string): string {
  const rgba = toRgba(color);
  return rgba && rgba[3] < 1 ? `rgb(${rgba[0]}, ${rgba[1]}, ${rgba[2]})` : color;
}

/** `a` mixed with `b`: `weight` of `a`, the rest of `b` (both opaque results). */
export function mix(a: string, b: string, weight: number): string {
  const x = toRgba(a);
  const y = toRgba(b);
  if (!x || !y) return a;
  const c = (i: 0 | 1 | 2) => Math.round(x[i] * weight + y[i] * (1 - weight));
  return `rgb(${c(0)}, ${c(1)}, ${c(2)})`;
}

const parsed = new Map<string, [number, number, number, number] | undefined>();

/** The browser's own parse of a CSS colour, through a hidden element's computed style (memoized: each read forces a style pass). */
function toRgba(color: string): [number, number, number, number] | undefined {
  if (parsed.has(color)) return parsed.get(color);
  const result = parseColor(color);
  parsed.set(color, result);
  return result;
}

function parseColor(color: string): [number, number, number, number] | undefined {
  if (!probe) {
    probe = document.createElement('span');
    probe.hidden = true;
    document.body.append(probe);
  }
  probe.style.color = '';
  probe.style.color = color;
  const m = /rgba?\(([^)]+)\)/.exec(getComputedStyle(probe).color);
  const parts = m?.[1]?.split(/[\s,/]+/).filter(Boolean).map(Number);
  if (!parts || parts.length < 3 || parts.some((p) => Number.isNaN(p))) return undefined;
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
}

function themeKind(): Palette['kind'] {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'highContrastLight';
  if (c.contains('vscode-high-contrast')) return 'highContrast';
  return c.contains('vscode-light') ? 'light' : 'dark';
}

/** Reads the palette from the current theme's variables, with VS Code's Dark Modern values as fallbacks. */
export function readPalette(): Palette {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string): string => style.getPropertyValue(`--vscode-${name}`).trim() || fallback;
  const kind = themeKind();
  const hc = kind === 'highContrast' || kind === 'highContrastLight';
  const foreground = v('editor-foreground', v('foreground', '#cccccc'));
  const background = v('editor-background', '#1f1f1f');
  const lines = v('charts-lines', 'rgba(204, 204, 204, 0.5)');
  const blue = v('charts-blue', '#3794ff');
  const red = v('charts-red', '#f14c4c');
  const yellow = v('charts-yellow', '#cca700');
  const orange = v('charts-orange', '#d18616');
  const green = v('charts-green', '#89d185');
  const purple = v('charts-purple', '#b180d7');
  const size = Number.parseFloat(v('font-size', '13px'));
  // Two more hues for the 7th and 8th model, mixed from the theme's own: teal and magenta.
  const teal = mix(blue, green, 0.5);
  const magenta = mix(red, purple, 0.5);
  return {
    kind,
    foreground,
    muted: v('descriptionForeground', withAlpha(foreground, 0.7)),
    background,
    surface: v('welcomePage-tileBackground', v('editorWidget-background', background)),
    grid: hc ? withAlpha(lines, 0.5) : withAlpha(lines, 0.28),
    axis: hc ? v('contrastBorder', lines) : lines,
    blue,
    red,
    yellow,
    orange,
    green,
    purple,
    hoverBackground: v('editorHoverWidget-background', '#202020'),
    hoverForeground: v('editorHoverWidget-foreground', foreground),
    hoverBorder: v('editorHoverWidget-border', v('contrastBorder', '#454545')),
    focus: v('focusBorder', '#0078d4'),
    fontFamily: v('font-family', 'system-ui, sans-serif'),
    fontSize: Number.isFinite(size) ? Math.max(11, size - 1) : 12,
    // Opaque: a translucent theme colour stacked over the card would read as a muddier hue than its legend promises.
    series: [blue, orange, green, purple, red, yellow, teal, magenta].map(opaque),
    other: hc ? withAlpha(foreground, 0.55) : withAlpha(lines, 0.9),
  };
}

/** Calls `onChange` (once per frame at most) when the theme changes: body class or the variables on <html>. */
export function watchTheme(onChange: () => void): void {
  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      onChange();
    });
  };
  const observer = new MutationObserver(schedule);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}
