/**
 * The calendar heatmap: every day of the budget year, weeks as columns and weekdays as rows, in
 * five buckets (none, then the spending days' quartiles, as the host computed them). One tab stop:
 * arrow keys move between days (an ARIA grid with a roving tabindex) and the tooltip follows focus
 * and the mouse. Cells are built once per year layout and updated in place.
 */
import type { DashboardModel } from '../src/core/dashboardModel';
import { el, setAttr } from './dom';
import { daySpoken, dayLong, month, usd, usdDistinct } from './format';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

interface Layout {
  readonly key: string;
  /** Column (week) and row (weekday 0 = Monday) of each day of the year. */
  readonly col: Int16Array;
  readonly row: Int8Array;
  readonly weeks: number;
  /** cells[row][col] → day index, -1 outside the year. */
  readonly grid: number[][];
}

function layoutOf(model: DashboardModel): Layout {
  const offset = (model.firstWeekday + 6) % 7; // Monday = 0
  const n = model.days.length;
  const weeks = Math.ceil((offset + n) / 7);
  const col = new Int16Array(n);
  const row = new Int8Array(n);
  const grid = Array.from({ length: 7 }, () => new Array<number>(weeks).fill(-1));
  for (let i = 0; i < n; i++) {
    const slot = offset + i;
    col[i] = Math.floor(slot / 7);
    row[i] = slot % 7;
    const r = grid[slot % 7];
    if (r) r[Math.floor(slot / 7)] = i;
  }
  return { key: `${model.days[0] ?? ''}/${n}`, col, row, weeks, grid };
}

export class Heatmap {
  private layout: Layout | undefined;
  private cells: HTMLElement[] = [];
  private focusIndex = -1;
  private legendKey = '';
  private readonly grid = el('div', { class: 'heatmap-grid', role: 'grid', 'aria-label': 'Daily spend calendar', 'aria-describedby': 'heatmap-help' });
  private readonly months = el('div', { class: 'heatmap-months', 'aria-hidden': 'true' });
  private readonly legend = el('div', { class: 'heatmap-legend', role: 'list', 'aria-label': 'Legend' });
  private readonly tooltip = el('div', { class: 'heatmap-tooltip', role: 'tooltip', id: 'heatmap-tooltip', hidden: '' });
  private readonly scroller = el('div', { class: 'heatmap-scroll' }, this.months, this.grid);

  constructor(
    private readonly host: HTMLElement,
    private model: DashboardModel,
  ) {
    host.append(
      this.scroller,
      el('div', { class: 'heatmap-foot' }, el('p', { class: 'hint', id: 'heatmap-help' }, 'Arrow keys move between days; each day reads its spend and top model.'), this.legend),
      this.tooltip,
    );
    this.grid.addEventListener('keydown', (e) => this.onKey(e));
    this.grid.addEventListener('focusin', (e) => {
      const i = this.indexOf(e.target);
      if (i >= 0) this.show(i);
    });
    this.grid.addEventListener('focusout', () => this.hide());
    this.grid.addEventListener('mouseover', (e) => {
      const i = this.indexOf(e.target);
      if (i >= 0) this.show(i);
    });
    this.grid.addEventListener('mouseleave', () => {
      if (!this.grid.contains(document.activeElement)) this.hide();
    });
    this.update(model);
  }

  update(model: DashboardModel): void {
    this.model = model;
    const layout = layoutOf(model);
    if (layout.key !== this.layout?.key) this.build(layout);
    const h = model.heatmap;
    model.days.forEach((d, i) => {
      const cell = this.cells[i];
      if (!cell) return;
      const level = h.level[i] ?? -1;
      setAttr(cell, 'class', `cell lvl-${level < 0 ? 'future' : level}${i === model.todayIndex && !model.archived ? ' today' : ''}`);
      setAttr(cell, 'aria-label', this.describe(i));
      setAttr(cell, 'data-date', d);
    });
    const last = Math.min(Math.max(model.elapsed - 1, 0), model.days.length - 1);
    this.setFocusable(this.focusIndex >= 0 && this.focusIndex < model.days.length ? this.focusIndex : last);
    this.renderLegend();
  }

  /** What one day says, in the tooltip and to a screen reader. */
  private describe(i: number): string {
    const m = this.model;
    const d = m.days[i] ?? '';
    const cost = m.heatmap.cost[i];
    if (cost === null || cost === undefined) return `${daySpoken(d)}: not yet`;
    const top = m.models[m.heatmap.top[i] ?? -1];
    return `${daySpoken(d)}: ${usd(cost)}${top ? `, top model ${top}` : ''}`;
  }

  private build(layout: Layout): void {
    this.layout = layout;
    const m = this.model;
    this.cells = m.days.map((d, i) => el('div', { class: 'cell', role: 'gridcell', tabindex: '-1', 'data-index': String(i), 'data-date': d }));
    const rows = layout.grid.map((cols, r) =>
      el(
        'div',
        { class: 'heatmap-row', role: 'row' },
        // every row header holds its weekday as text; every other one is shown (room), the rest
        // are for screen readers only
        el('div', { class: 'weekday', role: 'rowheader' }, r % 2 === 0 ? (WEEKDAYS[r] ?? '') : el('span', { class: 'sr-only' }, WEEKDAYS[r] ?? '')),
        ...cols.map((i) => (i >= 0 ? (this.cells[i] ?? null) : el('div', { class: 'cell blank', role: 'gridcell', 'aria-hidden': 'true' }))),
      ),
    );
    for (const row of rows) row.style.setProperty('--weeks', String(layout.weeks));
    this.grid.replaceChildren(...rows);
    // Month labels over the first week that holds the month's first day.
    const labels: HTMLElement[] = [el('div', { class: 'weekday' })];
    let lastCol = -3;
    m.days.forEach((d, i) => {
      if (i !== 0 && !d.endsWith('-01')) return;
      const c = layout.col[i] ?? 0;
      const start = d.endsWith('-01') ? c + ((layout.row[i] ?? 0) > 0 ? 1 : 0) : c;
      if (start - lastCol < 3 || start >= layout.weeks) return;
      // Month names only: the year is in the page's subtitle, and a longer label would run into the next.
      const label = el('div', { class: 'month' }, month(d));
      label.style.gridColumnStart = String(start + 2);
      labels.push(label);
      lastCol = start;
    });
    this.months.replaceChildren(...labels);
    this.months.style.setProperty('--weeks', String(layout.weeks));
    this.focusIndex = -1;
  }

  private renderLegend(): void {
    const t = this.model.heatmap.thresholds;
    const [t1, t2, t3] = t;
    const items: [string, string][] = [];
    if (t1 === undefined || t2 === undefined || t3 === undefined) items.push(['0', 'No spend']);
    else {
      // Only the text is rounded; a bucket between two equal bounds holds no day and is left out
      // (a one-day history reads "up to $812 · over $812", not "$812–$812" twice).
      const [a = '', b = '', c = ''] = usdDistinct([t1, t2, t3]);
      const between = (low: string, high: string) => (low === high ? high : `${low}–${high}`);
      items.push(['0', '$0'], ['1', `up to ${a}`]);
      if (t2 > t1) items.push(['2', between(a, b)]);
      if (t3 > t2) items.push(['3', between(b, c)]);
      items.push(['4', `over ${c}`]);
    }
    // An ended year (or a year on its last day) has no day still to come.
    if (this.model.elapsed < this.model.days.length) items.push(['future', 'Not yet']);
    const key = items.map((x) => x.join(':')).join('|');
    if (this.legendKey === key) return;
    this.legendKey = key;
    this.legend.replaceChildren(...items.map(([lvl, text]) => el('span', { class: 'legend-entry', role: 'listitem' }, el('span', { class: `cell lvl-${lvl}`, 'aria-hidden': 'true' }), el('span', {}, text))));
  }

  private indexOf(target: EventTarget | null): number {
    if (!(target instanceof HTMLElement) || !target.classList.contains('cell') || target.dataset.index === undefined) return -1;
    return Number(target.dataset.index);
  }

  private setFocusable(i: number): void {
    if (this.focusIndex === i) return;
    const previous = this.cells[this.focusIndex];
    if (previous) previous.tabIndex = -1;
    const cell = this.cells[i];
    if (cell) cell.tabIndex = 0;
    this.focusIndex = i;
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.model.days.length;
    const steps: Record<string, number> = { ArrowUp: -1, ArrowDown: 1, ArrowLeft: -7, ArrowRight: 7, PageUp: -28, PageDown: 28 };
    let next: number;
    if (e.key in steps) next = this.focusIndex + (steps[e.key] ?? 0);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = n - 1;
    else if (e.key === 'Escape') {
      this.hide();
      return;
    } else return;
    e.preventDefault();
    next = Math.max(0, Math.min(n - 1, next));
    this.setFocusable(next);
    this.cells[next]?.focus();
  }

  private show(i: number): void {
    const cell = this.cells[i];
    if (!cell) return;
    const m = this.model;
    const cost = m.heatmap.cost[i];
    const top = m.models[m.heatmap.top[i] ?? -1];
    this.tooltip.replaceChildren(
      el('div', { class: 'tt-title' }, dayLong(m.days[i] ?? '')),
      el('div', { class: 'tt-value' }, cost === null || cost === undefined ? 'Not yet' : usd(cost)),
      ...(top ? [el('div', { class: 'tt-detail' }, `Top model: ${top}`)] : []),
    );
    this.tooltip.hidden = false;
    const box = this.host.getBoundingClientRect();
    const r = cell.getBoundingClientRect();
    const tip = this.tooltip.getBoundingClientRect();
    const left = Math.min(Math.max(r.left - box.left + r.width / 2 - tip.width / 2, 0), box.width - tip.width);
    const above = r.top - box.top - tip.height - 8;
    this.tooltip.style.left = `${Math.round(left)}px`;
    this.tooltip.style.top = `${Math.round(above >= 0 ? above : r.bottom - box.top + 8)}px`;
  }

  private hide(): void {
    this.tooltip.hidden = true;
  }
}
