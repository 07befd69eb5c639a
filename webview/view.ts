/**
 * The dashboard view: builds the page once, then updates every part in place when a new model
 * arrives (text, attributes, chart data), so nothing is re-created and nothing flickers.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import type { ComparisonModel, DashboardModel } from '../src/core/dashboardModel';
import type { SourceLimitStatus, SourceStatus } from '../src/core/snapshot';
import { AGENT_IDS, type SourceId } from '../src/core/types';
import { burnupSummary, dashboardKpiContext, kpiWording, limitText, mismatchLine } from '../src/core/wording';
import { BreakdownTable, breakdownRowsOf } from './breakdown';
import { BurnupChart } from './burnup';
import { DailyChart } from './daily';
import { codicon, el, setAttr, setText } from './dom';
import { compact, day, instant, pct, usd } from './format';
import { Heatmap } from './heatmap';
import type { BreakdownTab, DailyRange, SortState, WebviewMessage, WebviewState } from './protocol';
import { EMPTY_MODEL, WARMUP_MODEL } from './empty';
import { readPalette, type Palette } from './theme';

export interface ViewHost {
  post(message: WebviewMessage): void;
  state(): WebviewState;
  saveState(patch: Partial<WebviewState>): void;
}

const STATE_ICON: Record<SourceStatus['state'], string> = { ok: 'pass', stale: 'warning', error: 'error', off: 'circle-slash' };
const STATE_TEXT: Record<SourceStatus['state'], string> = { ok: 'OK', stale: 'Stale', error: 'Error', off: 'Off' };

export class DashboardView {
  /** Elements that get their contract attribute with the first model (declared first: initializers below use it). */
  private readonly containers: HTMLElement[] = [];
  private loaded = false;
  private model: DashboardModel;
  private palette: Palette;
  private readonly root: HTMLElement;
  private readonly subtitle = el('p', { class: 'subtitle' });
  private readonly banners = el('div', { class: 'banners' });
  private readonly kpis = el('section', { class: 'kpis', 'aria-label': 'Headline numbers' });
  private readonly kpiCards = new Map<string, { card: HTMLElement; label: HTMLElement; value: HTMLElement; detail: HTMLElement; icon: HTMLElement; meter?: { fill: HTMLElement; ideal: HTMLElement } }>();
  private readonly burnupSummary = el('p', { class: 'sr-only', id: 'burnup-summary' });
  private readonly burnupLegend = el('div', { class: 'legend static', 'aria-hidden': 'true' });
  private readonly dailySummary = el('p', { class: 'sr-only', id: 'daily-summary' });
  private readonly dailyLegend = el('div', { class: 'legend', role: 'group', 'aria-label': 'Models shown' });
  private readonly heatmapSummary = el('p', { class: 'sr-only', id: 'heatmap-summary' });
  private readonly heatmapHost = this.contract(el('div', { class: 'heatmap' }), 'data-chart', 'heatmap');
  private readonly sourcesList = el('ul', { class: 'sources', 'aria-label': 'Sources' });
  private readonly yearSelect = el('select', { id: 'year-picker', 'data-testid': 'year-picker' });
  private readonly yearPicker = el('div', { class: 'year-picker', hidden: '' }, el('label', { for: 'year-picker' }, 'Budget year'), this.yearSelect);
  private readonly comparisonBody = el('div', { class: 'comparison-body' });
  private readonly comparisonCard: HTMLElement;
  private readonly live = el('div', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true' });
  private readonly refreshButton: HTMLElement;
  private readonly modelCount = el('vscode-badge', { variant: 'counter' });
  private readonly sourceCount = el('vscode-badge', { variant: 'counter' });
  private readonly projectCount = el('vscode-badge', { variant: 'counter' });
  private readonly burnup: BurnupChart;
  private readonly daily: DailyChart;
  private readonly heatmap: Heatmap;
  private readonly byModel: BreakdownTable;
  private readonly bySource: BreakdownTable;
  private readonly byProject: BreakdownTable;
  private renders = 0;
  /** What each part was last built from, to rebuild only on change. */
  private readonly keys = { banners: '', kpis: '', legend: '', sources: '', years: '', comparison: '' };

  /**
   * Builds the page and its charts empty, so that the first model only fills them in; the page
   * stays hidden (and without its contract attributes) until then.
   */
  constructor(
    private readonly container: HTMLElement,
    private readonly host: ViewHost,
  ) {
    const model = EMPTY_MODEL;
    this.model = model;
    this.palette = readPalette();
    const saved = host.state();
    const announce = (text: string) => setText(this.live, text);

    this.refreshButton = this.button('Refresh', 'refresh', 'Fetch the latest usage from every source', () => {
      // Spins until the next model (or at most half a minute, should nothing change).
      this.refreshButton.setAttribute('icon-spin', '');
      window.setTimeout(() => this.refreshButton.removeAttribute('icon-spin'), 30_000);
      host.post({ type: 'refresh' });
    });
    const header = el(
      'header',
      { class: 'top' },
      el('div', { class: 'title' }, el('h1', {}, 'Token Budget'), this.subtitle),
      el(
        'div',
        { class: 'actions', role: 'toolbar', 'aria-label': 'Dashboard actions' },
        this.yearPicker,
        this.refreshButton,
        this.button('Export CSV', 'export', 'Export the daily ledger as CSV', () => host.post({ type: 'exportCsv' })),
        this.button('', 'gear', 'Configure sources and budget', () => host.post({ type: 'command', command: 'tokenBudget.configure' })),
      ),
    );

    const burnupCanvas = el('canvas', { role: 'img', tabindex: '0', 'aria-label': 'Burn-up chart of the budget year. Use the arrow keys to read each day.', 'aria-describedby': 'burnup-summary' });
    const burnupCard = this.card(
      'burnup-title',
      'Burn-up',
      'Cumulative spend against the annual budget, with the projection to year end',
      null,
      this.burnupLegend,
      this.contract(el('div', { class: 'chart chart-burnup' }, burnupCanvas), 'data-chart', 'burnup'),
      this.burnupSummary,
    );

    const range: DailyRange = saved.dailyRange ?? 'd90';
    const rangeGroup = el(
      'vscode-radio-group',
      { 'aria-label': 'Range of the daily chart', class: 'range' },
      el('vscode-radio', { name: 'daily-range', value: 'd90', label: 'Last 90 days', ...(range === 'd90' ? { checked: '' } : {}) }, 'Last 90 days'),
      el('vscode-radio', { name: 'daily-range', value: 'year', label: 'Whole year', ...(range === 'year' ? { checked: '' } : {}) }, 'Whole year'),
    );
    rangeGroup.addEventListener('change', () => {
      const checked = [...rangeGroup.querySelectorAll('vscode-radio')].find((r) => r.checked);
      const next: DailyRange = checked?.value === 'year' ? 'year' : 'd90';
      host.saveState({ dailyRange: next });
      this.daily.setRange(next);
      this.updateSummaries();
    });
    const dailyCanvas = el('canvas', { role: 'img', tabindex: '0', 'aria-label': 'Daily spend by model. Use the arrow keys to read each day.', 'aria-describedby': 'daily-summary' });
    const dailyCard = this.card(
      'daily-title',
      'Daily spend by model',
      'Stacked by model, with the trailing average of complete days',
      rangeGroup,
      this.contract(el('div', { class: 'chart chart-daily' }, dailyCanvas), 'data-chart', 'daily'),
      this.dailyLegend,
      this.dailySummary,
    );

    const heatmapCard = this.card('heatmap-title', 'Calendar', 'Daily spend across the budget year', null, this.heatmapHost, this.heatmapSummary);
    this.heatmapHost.setAttribute('aria-describedby', 'heatmap-summary');

    const sorts = saved.sort ?? {};
    this.byModel = new BreakdownTable('model', sorts.model ?? { key: 'cost', descending: true }, (s) => this.saveSort('model', s));
    this.bySource = new BreakdownTable('source', sorts.source ?? { key: 'cost', descending: true }, (s) => this.saveSort('source', s));
    this.byProject = new BreakdownTable('project', sorts.project ?? { key: 'cost', descending: true }, (s) => this.saveSort('project', s));
    const tabOrder: readonly BreakdownTab[] = ['model', 'source', 'project'];
    const tab: BreakdownTab = saved.breakdownTab ?? 'model';
    const tabs = el(
      'vscode-tabs',
      { 'selected-index': String(Math.max(0, tabOrder.indexOf(tab))), class: 'breakdown-tabs' },
      el('vscode-tab-header', { slot: 'header' }, 'By model ', this.modelCount),
      // One tab stop per table: the tab panel (labelled by its tab) is the one that scrolls.
      el('vscode-tab-panel', {}, el('div', { class: 'table-wrap' }, this.byModel.element)),
      el('vscode-tab-header', { slot: 'header' }, 'By source ', this.sourceCount),
      el('vscode-tab-panel', {}, el('div', { class: 'table-wrap' }, this.bySource.element)),
      el('vscode-tab-header', { slot: 'header' }, 'By project ', this.projectCount),
      el('vscode-tab-panel', {}, el('div', { class: 'table-wrap' }, this.byProject.element)),
    );
    tabs.addEventListener('vsc-tabs-select', (e) => {
      const index = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      host.saveState({ breakdownTab: tabOrder[index] ?? 'model' });
    });
    const breakdownCard = this.card('breakdown-title', 'Breakdown', 'What the spend so far is made of', null, tabs);

    this.yearSelect.addEventListener('change', () => {
      const start = this.yearSelect.value;
      if (/^\d{4}-\d{2}-\d{2}$/.test(start)) host.post({ type: 'selectYear', start });
    });

    this.comparisonCard = this.card('comparison-title', 'Gateway vs local logs', 'What the network sources metered beside what the local agent logs estimate, over the same days', null, this.comparisonBody);
    this.comparisonCard.dataset.testid = 'comparison';
    this.comparisonCard.hidden = true;

    const sourcesCard = this.card(
      'sources-title',
      'Sources',
      'Where the numbers come from',
      this.button('Show Log', 'output', 'Open the Token Budget log', () => host.post({ type: 'command', command: 'tokenBudget.showLog' }), true),
      this.sourcesList,
    );

    this.root = this.contract(el('main', { class: 'dashboard', 'data-loading': '' }, header, this.banners, this.kpis, burnupCard, dailyCard, heatmapCard, breakdownCard, this.comparisonCard, sourcesCard, this.live), 'data-testid', 'dashboard');
    container.replaceChildren(this.root);
    setText(this.subtitle, 'Loading your budget…');

    new ResizeObserver(() => this.titleCutValues()).observe(this.kpis);
    this.burnup = new BurnupChart(burnupCanvas, model, this.palette, announce);
    this.daily = new DailyChart(dailyCanvas, this.dailyLegend, model, this.palette, range, saved.hiddenSeries ?? [], (hidden) => host.saveState({ hiddenSeries: hidden }), announce);
    this.heatmap = new Heatmap(this.heatmapHost, model);
    this.burnup.update(WARMUP_MODEL);
    this.daily.update(WARMUP_MODEL);
  }

  /** Marks `node` with a contract attribute once the first model is shown (so a test never reads the empty page). */
  private contract<T extends HTMLElement>(node: T, name: string, value: string): T {
    node.dataset.contractName = name;
    node.dataset.contractValue = value;
    this.containers.push(node);
    return node;
  }

  /** Shows a new model in place. */
  update(model: DashboardModel): void {
    this.model = model;
    if (!this.loaded) {
      this.loaded = true;
      for (const node of this.containers) {
        node.setAttribute(node.dataset.contractName ?? '', node.dataset.contractValue ?? '');
        delete node.dataset.contractName;
        delete node.dataset.contractValue;
      }
      this.root.removeAttribute('data-loading');
    }
    this.refreshButton.removeAttribute('icon-spin');
    this.burnup.update(model);
    this.daily.update(model);
    this.heatmap.update(model);
    this.renderText();
  }

  /** Re-reads the theme's colours and redraws. */
  retheme(): void {
    this.palette = readPalette();
    this.burnup.setPalette(this.palette);
    this.daily.setPalette(this.palette);
    this.renderBurnupLegend();
  }

  private renderText(): void {
    const m = this.model;
    setAttr(this.root, 'data-level', m.level);
    const dayOf = m.todayIndex >= 0 && m.todayIndex < m.days.length ? ` · day ${m.todayIndex + 1} of ${m.days.length}` : '';
    const origin = m.budgetOrigin === 'gateway' ? ' · budget from the gateway' : m.budgetOrigin === 'none' ? ' · no budget set' : '';
    const updated = m.lastUpdated ? ` · updated ${instant(m.lastUpdated)}` : '';
    const last = m.days[m.days.length - 1];
    const period = `${day(m.year.start)} – ${last ? day(last) : day(m.year.end)}`;
    setText(this.subtitle, m.archived ? `Budget year ${period} · ended, as it stood on its last day${origin}` : `Budget year ${period}${dayOf}${origin}${updated}`);
    setAttr(this.root, 'data-year', m.year.start);
    setAttr(this.root, 'data-archived', String(m.archived));
    this.renderYears();
    this.renderBanners();
    this.renderKpis();
    this.renderBurnupLegend();
    this.updateSummaries();
    this.byModel.update(m);
    this.bySource.update(m);
    this.byProject.update(m);
    setText(this.modelCount, String(m.breakdown.byModel.length));
    setText(this.sourceCount, String(m.breakdown.bySource.length));
    setText(this.projectCount, String(breakdownRowsOf(m.breakdown, 'project').length));
    this.renderSources();
    this.renderComparison();
    this.renders++;
    setAttr(this.root, 'data-drawn', 'true');
    setAttr(this.root, 'data-render-count', String(this.renders));
  }

  private button(label: string, icon: string, title: string, onClick: () => void, secondary = true): HTMLElement {
    const b = el('vscode-button', { icon, title, 'aria-label': label || title, ...(secondary ? { secondary: '' } : {}), ...(label ? {} : { 'icon-only': '' }) }, label);
    b.addEventListener('click', onClick);
    return b;
  }

  private card(id: string, title: string, subtitle: string, tools: HTMLElement | null, ...body: HTMLElement[]): HTMLElement {
    return el(
      'section',
      { class: 'card', 'aria-labelledby': id },
      el('div', { class: 'card-head' }, el('div', { class: 'card-titles' }, el('h2', { id }, title), el('p', { class: 'card-sub' }, subtitle)), tools ? el('div', { class: 'card-tools' }, tools) : null),
      ...body,
    );
  }

  private renderBanners(): void {
    const m = this.model;
    const items: HTMLElement[] = [];
    const banner = (kind: string, icon: string, text: string, action?: { label: string; run: () => void }, testId?: string) => {
      const b = el('div', { class: `banner ${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-testid': testId }, codicon(icon), el('span', { class: 'banner-text' }, text));
      if (action) {
        const button = el('vscode-button', { secondary: '' }, action.label);
        button.addEventListener('click', action.run);
        b.append(button);
      }
      items.push(b);
    };
    if (m.archived) {
      const current = m.years.find((y) => y.current);
      banner(
        'info',
        'history',
        `An earlier budget year: the numbers are as they stood on ${day(m.days[m.days.length - 1] ?? m.year.end)}, against the budget it had.`,
        current ? { label: 'Back to This Year', run: () => this.host.post({ type: 'selectYear', start: current.start }) } : undefined,
        'archived-banner',
      );
    }
    if (!m.configured) banner('info', 'plug', 'No source is configured yet: connect your allowance gateway or a provider to see your spend.', { label: 'Configure a Source…', run: () => this.host.post({ type: 'command', command: 'tokenBudget.configure' }) });
    if (m.demo) banner('info', 'beaker', 'Demo data from the allowance-gateway simulator: not real spend.');
    if (m.stale) banner('warning', 'warning', `Stale: the last refresh failed. Showing the last good numbers${m.lastUpdated ? ` from ${instant(m.lastUpdated)}` : ''}.`);
    if (m.warning) banner('warning', 'warning', m.warning);
    if (m.budget === null && m.configured) banner('info', 'info', 'No annual budget is set, so only the spend is shown.', { label: 'Set Annual Budget…', run: () => this.host.post({ type: 'command', command: 'tokenBudget.setAnnualBudget' }) });
    if (m.unpriced.length > 0) {
      const labels = new Map(m.sources.map((src) => [src.id as string, src.label]));
      const shown = m.unpriced.slice(0, 5).map((u) => `${u.model} (${compact(u.tokens)} tokens, ${labels.get(u.source) ?? u.source})`);
      const more = m.unpriced.length > 5 ? ` and ${m.unpriced.length - 5} more` : '';
      const count = m.unpriced.length === 1 ? 'One model could not be priced' : `${m.unpriced.length} models could not be priced`;
      banner('warning', 'warning', `${count}: ${shown.join(', ')}${more}. Their tokens are listed in the breakdown but not counted as spend (not as $0), so the spend is a lower bound.`, undefined, 'unpriced-banner');
    }
    const key = items.map((b) => b.textContent).join('|');
    if (this.keys.banners !== key) {
      this.keys.banners = key;
      this.banners.replaceChildren(...items);
    }
  }

  private renderKpis(): void {
    const m = this.model;
    const ids = m.kpis.map((k) => k.id).join();
    if (this.keys.kpis !== ids) {
      this.keys.kpis = ids;
      this.kpiCards.clear();
      this.kpis.replaceChildren(
        ...m.kpis.map((k) => {
          const value = el('div', { class: 'kpi-value' });
          const detail = el('div', { class: 'kpi-detail' });
          const icon = el('span', { class: 'kpi-icon', 'aria-hidden': 'true' });
          const label = el('span', {}, k.label);
          const card = el('div', { class: 'kpi', 'data-kpi': k.id, role: 'group' }, el('div', { class: 'kpi-label' }, label, icon), value, detail);
          const entry: { card: HTMLElement; label: HTMLElement; value: HTMLElement; detail: HTMLElement; icon: HTMLElement; meter?: { fill: HTMLElement; ideal: HTMLElement } } = { card, label, value, detail, icon };
          if (k.id === 'percent') {
            const fill = el('div', { class: 'meter-fill' });
            const ideal = el('div', { class: 'meter-ideal', title: 'Ideal pace today' });
            card.append(el('div', { class: 'meter', 'aria-hidden': 'true' }, fill, ideal));
            entry.meter = { fill, ideal };
          }
          this.kpiCards.set(k.id, entry);
          return card;
        }),
      );
    }
    let longest = 0;
    const context = dashboardKpiContext(m);
    for (const k of m.kpis) {
      const entry = this.kpiCards.get(k.id);
      if (!entry) continue;
      const { label, main, detail, tone } = kpiWording(k, context);
      longest = Math.max(longest, main.length);
      setAttr(entry.card, 'data-value', k.value);
      setAttr(entry.card, 'data-tone', tone);
      setAttr(entry.card, 'aria-label', `${label}: ${main}${detail ? `, ${detail}` : ''}`);
      setText(entry.label, label);
      setText(entry.value, main);
      setText(entry.detail, detail);
      const iconName = tone === 'good' ? 'pass' : tone === 'warn' ? 'warning' : tone === 'bad' ? 'error' : '';
      if (entry.icon.dataset.icon !== iconName) {
        entry.icon.dataset.icon = iconName;
        entry.icon.replaceChildren(...(iconName ? [codicon(iconName)] : []));
      }
      if (entry.meter) {
        const percent = k.number ?? 0;
        entry.meter.fill.style.width = `${Math.max(0, Math.min(100, percent)).toFixed(2)}%`;
        const i = Math.min(Math.max(m.todayIndex, 0), m.days.length - 1);
        const ideal = m.burnup.ideal?.[i];
        entry.meter.ideal.hidden = ideal === undefined || m.budget === null || m.budget <= 0;
        if (ideal !== undefined && m.budget) entry.meter.ideal.style.left = `${Math.min(100, (ideal / m.budget) * 100).toFixed(2)}%`;
      }
    }
    // The values shrink to fit the longest of them (see .kpi-value); one still cut off has a title.
    if (this.kpis.style.getPropertyValue('--kpi-chars') !== String(longest)) this.kpis.style.setProperty('--kpi-chars', String(longest));
    this.titleCutValues();
  }

  /** Gives a headline value cut off with "…" its full text as a title (and takes it away once it fits). */
  private titleCutValues(): void {
    for (const { value } of this.kpiCards.values()) {
      const cut = value.scrollWidth > value.clientWidth + 1;
      if (cut) setAttr(value, 'title', value.textContent ?? '');
      else value.removeAttribute('title');
    }
  }

  private renderBurnupLegend(): void {
    const p = this.palette;
    const m = this.model;
    const item = (kind: string, color: string, text: string) => {
      const swatch = el('span', { class: `swatch ${kind}` });
      if (kind === 'swatch-band') swatch.style.backgroundColor = color;
      else swatch.style.borderTopColor = color;
      return el('span', { class: 'legend-item static' }, swatch, el('span', { class: 'legend-label' }, text));
    };
    const items = [item('swatch-line', p.blue, 'Spent')];
    // No projection is drawn on the year's first day (nothing complete to project from), nor listed.
    const projected = m.burnup.projection !== null;
    if (projected) items.push(item('swatch-dash', p.blue, 'Projection (median)'), item('swatch-band', p.blue, 'p10–p90'));
    if (m.budget !== null) items.push(item('swatch-line thin', p.green, 'Ideal pace'), item('swatch-line thin', p.red, 'Budget'), item('swatch-dash thin', p.yellow, 'Thresholds'));
    // An ended year has no today.
    if (!m.archived) items.push(item('swatch-dot', p.foreground, 'Today'));
    const key = `${p.blue}${p.green}${p.red}${p.yellow}${p.foreground}${m.budget === null}${projected}${m.archived}`;
    if (this.keys.legend !== key) {
      this.keys.legend = key;
      this.burnupLegend.replaceChildren(...items);
    }
    // The band's swatch is translucent like the band.
    const band = this.burnupLegend.querySelector<HTMLElement>('.swatch-band');
    if (band) band.style.opacity = '0.35';
  }

  /** The text alternatives of the charts, from the host's numbers. */
  private updateSummaries(): void {
    const m = this.model;
    setText(this.burnupSummary, burnupSummary(m));

    const w = this.daily.window();
    const top = m.breakdown.byModel.slice(0, 3).map((r) => `${r.label} (${pct(r.share * 100)})`);
    setText(
      this.dailySummary,
      `${w.length} day${w.length === 1 ? '' : 's'} shown: ${usd(w.total)} in total, ${usd(w.mean)} a day on average.` +
        (w.peak ? ` The most expensive day was ${day(m.days[w.peak.index] ?? '')} at ${usd(w.peak.cost)}.` : ' Nothing was spent.') +
        (top.length > 0 ? ` Top models ${m.archived ? 'that' : 'this'} year: ${top.join(', ')}.` : ''),
    );

    const y = m.daily.windows.year;
    setText(
      this.heatmapSummary,
      (m.archived ? `Spend on ${m.heatmap.activeDays} of the ${m.elapsed} days of that budget year.` : `Spend on ${m.heatmap.activeDays} of ${m.elapsed} days so far this budget year.`) + (y.peak ? ` The most expensive day was ${day(m.days[y.peak.index] ?? '')} at ${usd(y.peak.cost)}.` : ''),
    );
  }

  private renderSources(): void {
    const m = this.model;
    const key = JSON.stringify(m.sources);
    if (this.keys.sources === key) return;
    this.keys.sources = key;
    // Coding agents that are off (not found on this machine, or turned off) fold into one line.
    const agents = new Set<SourceId>(AGENT_IDS);
    const folded = m.sources.filter((s) => s.state === 'off' && agents.has(s.id));
    const shown = folded.length > 1 ? m.sources.filter((s) => !folded.includes(s)) : m.sources;
    const items = shown.map((s) => {
      const when = s.lastSuccess ? `Updated ${instant(s.lastSuccess)}` : s.state === 'off' ? 'Not configured' : 'No data yet';
      return el(
        'li',
        { 'data-source': s.id, 'data-state': s.state, class: `source state-${s.state}`, ...(s.mismatch ? { 'data-mismatch': s.mismatch.gap.toFixed(2) } : {}) },
        el('span', { class: 'source-icon', 'aria-hidden': 'true' }, codicon(STATE_ICON[s.state] ?? 'circle')),
        el(
          'div',
          { class: 'source-main' },
          el('div', { class: 'source-line' }, el('span', { class: 'source-name' }, s.label), el('span', { class: 'source-state' }, STATE_TEXT[s.state] ?? s.state), s.demo ? el('span', { class: 'source-tag' }, 'demo') : null),
          el('div', { class: 'source-when' }, when, s.user ? ` · ${s.user}` : ''),
          s.error ? el('div', { class: 'source-error' }, s.error) : null,
          s.limits && s.limits.length > 0 ? el('ul', { class: 'source-limits', 'aria-label': `Limits of ${s.label}` }, ...s.limits.map((l) => this.limitItem(l))) : null,
          s.note ? el('p', { class: 'source-note' }, codicon('info'), el('span', {}, s.note)) : null,
          s.mismatch ? el('p', { class: 'source-mismatch' }, codicon('warning'), el('span', {}, mismatchLine(s.mismatch))) : null,
        ),
      );
    });
    if (shown !== m.sources) items.push(this.foldedAgents(folded));
    this.sourcesList.replaceChildren(...items);
  }

  /** One line for the coding agents that are off; each still has its `data-source` inside. */
  private foldedAgents(agents: readonly SourceStatus[]): HTMLLIElement {
    const names = agents.map((s) => s.label.replace(/ \(local logs\)$/, ''));
    return el(
      'li',
      { class: 'source state-off source-folded', 'data-folded': String(agents.length) },
      el('span', { class: 'source-icon', 'aria-hidden': 'true' }, codicon(STATE_ICON.off)),
      el(
        'details',
        { class: 'source-main' },
        el('summary', { class: 'source-line' }, el('span', { class: 'source-chevron', 'aria-hidden': 'true' }, codicon('chevron-right')), el('span', { class: 'source-name' }, `${agents.length} coding agents`), el('span', { class: 'source-state' }, 'not read')),
        el('div', { class: 'source-when' }, `No logs found on this machine, or turned off: ${names.join(', ')}.`),
        el(
          'ul',
          { class: 'source-folded-list', 'aria-label': 'Coding agents not read' },
          ...agents.map((s) => el('li', { 'data-source': s.id, 'data-state': s.state, class: 'source-folded-item' }, s.label, s.note ? ` — ${s.note}` : '')),
        ),
      ),
    );
  }

  /** The year picker: shown once more than one budget year is known. */
  private renderYears(): void {
    const m = this.model;
    const key = JSON.stringify([m.years, m.year.start]);
    if (this.keys.years === key) return;
    this.keys.years = key;
    this.yearPicker.hidden = m.years.length < 2;
    this.yearSelect.replaceChildren(
      ...m.years.map((y) => {
        const label = `${day(y.start)} – ${day(y.last)}${y.current ? ' (current)' : ''}`;
        return el('option', { value: y.start, ...(y.start === m.year.start ? { selected: '' } : {}) }, label);
      }),
    );
    this.yearSelect.value = m.year.start;
  }

  /** The network sources' figure beside the local logs' estimate, when both are read. */
  private renderComparison(): void {
    const c = this.model.comparison;
    const key = JSON.stringify(c);
    if (this.keys.comparison === key) return;
    this.keys.comparison = key;
    this.comparisonCard.hidden = c === null;
    if (!c) {
      this.comparisonBody.replaceChildren();
      return;
    }
    const names = (side: ComparisonModel['network']) => side.sources.map((s) => `${s.label} ${usd(s.total)}`).join(', ');
    const figure = (kind: string, label: string, value: number, detail: string, lowerBound: boolean) =>
      el(
        'div',
        { class: 'kpi compare-figure', 'data-comparison': kind, 'data-value': value.toFixed(2), role: 'group', 'aria-label': `${label}: ${usd(value)}${lowerBound ? ' or more' : ''}, ${detail}` },
        el('div', { class: 'kpi-label' }, el('span', {}, label)),
        el('div', { class: 'kpi-value' }, `${usd(value)}${lowerBound ? '+' : ''}`),
        el('div', { class: 'kpi-detail' }, detail),
      );
    const diffText = c.difference === 0 ? 'the same' : c.difference > 0 ? 'the gateway metered more' : 'the logs estimate more';
    const percent = c.percent === null ? '' : ` (${c.percent >= 0 ? '+' : '−'}${pct(Math.abs(c.percent))} of the gateway's figure)`;
    const figures = el(
      'div',
      { class: 'compare-figures' },
      figure('network', 'Gateway and providers', c.network.total, names(c.network), c.network.unpriced),
      figure('local', 'Local logs (estimate)', c.local.total, names(c.local), c.local.unpriced),
      figure('difference', 'Difference', c.difference, `${diffText}${percent}`, false),
    );
    const caption = el(
      'p',
      { class: 'card-sub compare-note' },
      `${c.days} day${c.days === 1 ? '' : 's'}, ${day(c.from)} – ${day(c.to)}. The local logs are not added to the spend. Providers' days are UTC days and the logs' are local days, so single days can differ by what fell around midnight; traffic that did not go through the gateway, or logs deleted by the agent, also show here.`,
    );
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Day'), el('th', { scope: 'col', class: 'num' }, 'Gateway'), el('th', { scope: 'col', class: 'num' }, 'Local logs'), el('th', { scope: 'col', class: 'num' }, 'Difference'));
    const rows = c.recent.map((r) => el('tr', { 'data-day': r.date }, el('th', { scope: 'row' }, day(r.date)), el('td', { class: 'num' }, usd(r.network)), el('td', { class: 'num' }, usd(r.local)), el('td', { class: 'num' }, usd(r.network - r.local))));
    const table = el('table', { class: 'breakdown compare-table', 'aria-label': `The last ${c.recent.length} compared days` }, el('thead', {}, head), el('tbody', {}, ...rows));
    this.comparisonBody.replaceChildren(figures, caption, el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Recent days compared' }, table));
  }

  /** One limit: its text and, when it has an amount, a small meter of how much of it is used. */
  private limitItem(l: SourceLimitStatus): HTMLElement {
    const item = el('li', { class: 'source-limit', 'data-limit': l.label }, el('span', { class: 'limit-text' }, limitText(l)));
    if (l.limit !== null && l.limit > 0) {
      const used = (l.spent / l.limit) * 100;
      const fill = el('span', { class: 'limit-fill' });
      fill.style.width = `${Math.max(0, Math.min(100, used)).toFixed(1)}%`;
      item.dataset.tone = used >= 100 ? 'bad' : used >= 90 ? 'warn' : '';
      item.append(el('span', { class: 'limit-meter', role: 'img', 'aria-label': `${pct(used, 0)} used` }, fill));
    }
    return item;
  }

  private saveSort(kind: BreakdownTab, sort: SortState): void {
    const current = this.host.state().sort ?? {};
    this.host.saveState({ sort: { ...current, [kind]: sort } });
  }
}
