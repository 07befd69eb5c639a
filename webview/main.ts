/**
 * The dashboard front end. It renders the model the host posts and computes nothing itself.
 */
import type { DashboardModel, Kpi } from '../src/core/dashboardModel';
import type { HostMessage, WebviewMessage, WebviewState } from './protocol';
import { day, pct, usd, usdCompact } from './format';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function kpiText(k: Kpi): { main: string; detail: string } {
  const d = k.detail;
  switch (k.id) {
    case 'percent':
      return { main: k.number === null ? '—' : pct(k.number), detail: '' };
    case 'runout':
      return {
        main: k.day ? day(k.day) : k.value === 'none' ? 'not within this year' : '—',
        detail: d?.kind === 'dayRange' && (d.low || d.high) ? `range ${d.low ? day(d.low) : '—'} – ${d.high ? day(d.high) : 'after year end'}` : '',
      };
    case 'pace': {
      if (k.number === null) return { main: '—', detail: '' };
      const direction = k.number >= 0 ? 'ahead of pace' : 'behind pace';
      const rel = d?.kind === 'pacePercent' && d.percent !== null ? ` (${d.percent >= 0 ? '+' : '−'}${pct(Math.abs(d.percent))})` : '';
      return { main: usd(Math.abs(k.number)), detail: `${direction}${rel}` };
    }
    default:
      return {
        main: k.number === null ? '—' : usd(k.number),
        detail: d?.kind === 'usdRange' ? `p10–p90 ${usdCompact(d.low)} – ${usdCompact(d.high)}` : d?.kind === 'workdays' ? `over ${d.count} workdays` : '',
      };
  }
}

function renderKpis(model: DashboardModel): HTMLElement {
  const list = el('section', { class: 'kpis', 'aria-label': 'Headline numbers' });
  for (const k of model.kpis) {
    const { main, detail } = kpiText(k);
    list.append(
      el('div', { class: 'kpi', 'data-kpi': k.id, 'data-value': k.value, role: 'group', 'aria-label': `${k.label}: ${main}${detail ? `, ${detail}` : ''}` },
        el('div', { class: 'kpi-label' }, k.label),
        el('div', { class: 'kpi-value' }, main),
        el('div', { class: 'kpi-detail' }, detail),
      ),
    );
  }
  return list;
}

function renderSources(model: DashboardModel): HTMLElement {
  const list = el('ul', { class: 'sources', 'aria-label': 'Sources' });
  for (const s of model.sources) {
    const when = s.lastSuccess ? `updated ${new Date(s.lastSuccess).toLocaleString()}` : s.state === 'off' ? 'not configured' : 'no data yet';
    list.append(
      el('li', { 'data-source': s.id, 'data-state': s.state, class: `source state-${s.state}` },
        el('span', { class: 'source-name' }, s.label),
        el('span', { class: 'source-state' }, s.state),
        el('span', { class: 'source-when' }, when),
        ...(s.error ? [el('div', { class: 'source-error', role: 'alert' }, s.error)] : []),
      ),
    );
  }
  return list;
}

function render(model: DashboardModel): void {
  const root = document.getElementById('root');
  if (!root) return;
  const banners: HTMLElement[] = [];
  if (model.demo) banners.push(el('div', { class: 'banner demo', role: 'note' }, 'Demo data from the allowance-gateway simulator — not real spend.'));
  if (model.stale) banners.push(el('div', { class: 'banner stale', role: 'status' }, `Stale: the last refresh failed. Showing the last good numbers${model.lastUpdated ? ` from ${new Date(model.lastUpdated).toLocaleString()}` : ''}.`));
  const header = el('header', {},
    el('h1', {}, 'Token Budget'),
    el('p', { class: 'year' }, `Budget year ${day(model.year.start)} – ${day(model.year.end)} (end exclusive)${model.budgetOrigin === 'gateway' ? ', from the gateway' : ''}`),
  );
  const dash = el('main', { 'data-testid': 'dashboard', 'data-level': model.level }, header, ...banners, renderKpis(model), el('h2', {}, 'Sources'), renderSources(model));
  root.replaceChildren(dash);
}

function isHostMessage(data: unknown): data is HostMessage {
  return typeof data === 'object' && data !== null && ((data as { type?: unknown }).type === 'model' || (data as { type?: unknown }).type === 'theme');
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isHostMessage(event.data)) return;
  if (event.data.type === 'model') {
    const state = vscode.getState() ?? {};
    vscode.setState({ ...state, model: event.data.model });
    render(event.data.model);
  }
});

const saved = vscode.getState();
if (saved?.model) render(saved.model);
vscode.postMessage({ type: 'ready' });
