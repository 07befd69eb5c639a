/**
 * Daily spend stacked by model (the top models, the rest as "Other"), with the trailing average,
 * over the last 90 days or the whole year so far. The legend is a row of toggle buttons.
 */
import type { Chart as ChartJs, ChartDataset, TooltipItem } from 'chart.js';
import type { DashboardModel } from '../src/core/dashboardModel';
import { baseOptions, Chart, dayAxis, dayTicks, keyboardNavigation, moneyAxis, moneyLabel, tickLabel, tooltipTheme } from './chartSetup';
import { codicon, el, setAttr } from './dom';
import { dayLong, usd } from './format';
import type { DailyRange } from './protocol';
import { withAlpha, type Palette } from './theme';

type Series = (number | null)[];
type MixedChart = ChartJs<'bar' | 'line', Series, string>;
type MixedDataset = ChartDataset<'bar' | 'line', Series>;

export class DailyChart {
  private readonly chart: MixedChart;
  private readonly hidden: Set<string>;

  constructor(
    canvas: HTMLCanvasElement,
    private readonly legend: HTMLElement,
    private model: DashboardModel,
    private palette: Palette,
    private range: DailyRange,
    hidden: readonly string[],
    private readonly onHiddenChange: (hidden: string[]) => void,
    announce: (text: string) => void,
  ) {
    this.hidden = new Set(hidden);
    // Created with its data: one layout and one draw.
    const datasets = this.datasets();
    this.chart = new Chart(canvas, { type: 'bar', data: { labels: this.labels(), datasets }, options: this.options() });
    this.renderLegend(datasets);
    keyboardNavigation(
      this.chart,
      canvas,
      () => this.window().length,
      () => this.window().length - 1,
      (i) => announce(this.describeDay(i)),
    );
  }

  update(model: DashboardModel): void {
    this.model = model;
    this.fill();
    this.chart.update('none');
  }

  setRange(range: DailyRange): void {
    this.range = range;
    this.update(this.model);
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.fill();
    this.chart.options = this.options();
    // Not 'none': in a direct update chart.js keeps the bars' shared (resolved) options, so the
    // bars would keep the old theme's colours while the legend shows the new ones.
    this.chart.update();
  }

  /** The shown range's statistics. */
  window() {
    return this.model.daily.windows[this.range];
  }

  describeDay(i: number): string {
    const m = this.model;
    const at = this.window().from + i;
    const parts = [`${dayLong(m.days[at] ?? '')}: ${usd(m.daily.total[at] ?? 0)}`];
    for (const s of m.daily.series) {
      const v = s.values[at] ?? 0;
      if (v > 0) parts.push(`${s.name} ${usd(v)}`);
    }
    const avg = m.daily.average[at];
    if (avg !== null && avg !== undefined) parts.push(`${m.daily.averageWindow}-day average ${usd(avg)}`);
    return parts.join('; ');
  }

  private colorOf(i: number, other: boolean): string {
    return other ? this.palette.other : (this.palette.series[i % this.palette.series.length] ?? this.palette.blue);
  }

  private labels(): string[] {
    return this.model.days.slice(this.window().from, this.model.elapsed);
  }

  private fill(): void {
    const datasets = this.datasets();
    this.chart.data.labels = this.labels();
    const current = this.chart.data.datasets;
    datasets.forEach((ds, i) => {
      const existing = current[i];
      if (existing && existing.type === ds.type) Object.assign(existing, ds);
      else current[i] = ds;
    });
    current.length = datasets.length;
    this.renderLegend(datasets);
  }

  private datasets(): MixedDataset[] {
    const m = this.model;
    const p = this.palette;
    const hc = p.kind === 'highContrast' || p.kind === 'highContrastLight';
    const { from } = this.window();
    const to = m.elapsed;
    const datasets: MixedDataset[] = m.daily.series.map((s, i) => ({
      type: 'bar' as const,
      label: s.name,
      data: s.values.slice(from, to),
      backgroundColor: hc ? this.colorOf(i, s.other) : withAlpha(this.colorOf(i, s.other), 0.88),
      hoverBackgroundColor: this.colorOf(i, s.other),
      borderWidth: 0,
      stack: 'spend',
      // One stack per day: not grouping spares chart.js a scan of every dataset for every bar.
      grouped: false,
      order: 1,
      barPercentage: 0.86,
      categoryPercentage: 0.92,
      hidden: this.hidden.has(s.name),
    }));
    datasets.push({
      type: 'line' as const,
      label: `${m.daily.averageWindow}-day average`,
      data: m.daily.average.slice(from, to),
      borderColor: p.foreground,
      backgroundColor: p.foreground,
      borderWidth: hc ? 2.5 : 2,
      pointRadius: 0,
      pointHoverRadius: 3,
      tension: 0.35,
      order: 0,
      spanGaps: false,
      hidden: this.hidden.has('average'),
    });
    return datasets;
  }

  private legendKey = '';

  private renderLegend(datasets: readonly MixedDataset[]): void {
    // Rebuilt only when the series change, so a focused legend button survives an update.
    const key = [this.palette.series.join(), this.palette.foreground, ...datasets.map((d) => d.label ?? '')].join('\u0000');
    if (key === this.legendKey) return;
    this.legendKey = key;
    const items: HTMLElement[] = datasets.map((ds, i) => {
      const isLine = ds.type === 'line';
      const name = isLine ? 'average' : (ds.label ?? '');
      const shown = !this.hidden.has(name);
      const swatch = el('span', { class: `swatch ${isLine ? 'swatch-line' : 'swatch-box'}`, 'aria-hidden': 'true' });
      const color = isLine ? this.palette.foreground : this.colorOf(i, this.model.daily.series[i]?.other ?? false);
      if (isLine) swatch.style.borderTopColor = color;
      else swatch.style.backgroundColor = color;
      const button = el('button', { type: 'button', class: 'legend-item', 'aria-pressed': String(shown), title: shown ? `Hide ${ds.label ?? ''}` : `Show ${ds.label ?? ''}` }, swatch, el('span', { class: 'legend-label' }, ds.label ?? ''));
      button.addEventListener('click', () => {
        if (this.hidden.has(name)) this.hidden.delete(name);
        else this.hidden.add(name);
        this.chart.setDatasetVisibility(i, !this.hidden.has(name));
        setAttr(button, 'aria-pressed', String(!this.hidden.has(name)));
        setAttr(button, 'title', `${this.hidden.has(name) ? 'Show' : 'Hide'} ${ds.label ?? ''}`);
        this.chart.update('none');
        this.onHiddenChange([...this.hidden]);
      });
      return button;
    });
    if (this.model.daily.series.length === 0) items.push(el('span', { class: 'legend-empty' }, codicon('info'), ' No spend in this budget year yet.'));
    this.legend.replaceChildren(...items);
  }

  private options(): MixedChart['options'] {
    // Callbacks read the current model and range: the options are replaced only when the theme changes.
    const p = this.palette;
    const at = (index: number) => this.window().from + index;
    return {
      ...baseOptions(),
      layout: { padding: { top: 6, right: 8 } },
      scales: {
        x: {
          ...dayAxis(p, 6, () => dayTicks(this.model.days, this.window().from, this.model.elapsed), (i) => tickLabel(this.model.days[at(i)], this.window().length <= 120)),
          stacked: true,
          grid: { display: false },
        },
        y: { ...moneyAxis(p, 6), stacked: true },
      },
      plugins: {
        tooltip: {
          ...tooltipTheme(p),
          filter: (item: TooltipItem<'bar' | 'line'>) => item.parsed.y !== null && (item.dataset.type === 'line' || (item.parsed.y ?? 0) > 0),
          itemSort: (a: TooltipItem<'bar' | 'line'>, b: TooltipItem<'bar' | 'line'>) => (a.dataset.type === 'line' ? 1 : 0) - (b.dataset.type === 'line' ? 1 : 0) || (b.parsed.y ?? 0) - (a.parsed.y ?? 0),
          callbacks: {
            title: (items: TooltipItem<'bar' | 'line'>[]) => dayLong(this.model.days[at(items[0]?.dataIndex ?? 0)] ?? ''),
            label: moneyLabel,
            footer: (items: TooltipItem<'bar' | 'line'>[]) => `Total: ${usd(this.model.daily.total[at(items[0]?.dataIndex ?? 0)] ?? 0)}`,
          },
        },
      },
    };
  }
}
