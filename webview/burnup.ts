/**
 * The burn-up chart: cumulative spend over the budget year against the ideal pace, the budget and
 * its thresholds, with the median projection and its p10–p90 band to the year's end and a marker
 * on today. Everything drawn comes from the model; the chart only places it.
 */
import type { Chart as ChartJs, ChartDataset, Plugin, ScaleOptions, TooltipItem } from 'chart.js';
import type { DashboardModel } from '../src/core/dashboardModel';
import { baseOptions, Chart, dayAxis, dayTicks, keyboardNavigation, moneyAxis, moneyLabel, tickLabel, tooltipTheme } from './chartSetup';
import { dayLong, pct, usd, usdCompact } from './format';
import { withAlpha, type Palette } from './theme';

type Series = (number | null)[];
type LineChart = ChartJs<'line', Series, string>;

// Dataset order: lower indices are drawn on top.
const ACTUAL = 0;
const P50 = 1;
const IDEAL = 2;
const P10 = 3;
const P90 = 4;

/** A full-year series: `values` placed from index `from`, null elsewhere. */
function placed(length: number, values: readonly number[] | null | undefined, from = 0): Series {
  const out: Series = new Array<number | null>(length).fill(null);
  if (!values) return out;
  for (let i = 0; i < values.length && from + i < length; i++) {
    if (from + i >= 0) out[from + i] = values[i] ?? null;
  }
  return out;
}

export class BurnupChart {
  private readonly chart: LineChart;

  constructor(
    canvas: HTMLCanvasElement,
    private model: DashboardModel,
    private palette: Palette,
    announce: (text: string) => void,
  ) {
    // Created with its data: one layout and one draw.
    this.chart = new Chart(canvas, { type: 'line', data: { labels: [...model.days], datasets: this.datasets() }, options: this.options(), plugins: [this.markers()] });
    keyboardNavigation(
      this.chart,
      canvas,
      () => this.model.days.length,
      () => Math.min(Math.max(this.model.todayIndex, 0), this.model.days.length - 1),
      (i) => announce(this.describeDay(i)),
    );
  }

  update(model: DashboardModel): void {
    this.model = model;
    this.fill();
    const y = this.chart.options.scales?.y;
    if (y?.type === 'linear') this.setYRange(y);
    this.chart.update('none');
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.fill();
    this.chart.options = this.options();
    this.chart.update('none');
  }

  /** One day in words, for the keyboard reader. */
  describeDay(i: number): string {
    const m = this.model;
    const parts = [dayLong(m.days[i] ?? '')];
    const actual = i < m.elapsed ? m.burnup.actual[i] : undefined;
    if (actual !== undefined) parts.push(`spent ${usd(actual)}`);
    const ideal = m.burnup.ideal?.[i];
    if (ideal !== undefined) parts.push(`ideal pace ${usd(ideal)}`);
    const p = m.burnup.projection;
    if (p && i > p.from && i - p.from < p.p50.length) {
      const k = i - p.from;
      parts.push(`projected ${usd(p.p50[k] ?? 0)}, p10 to p90 ${usd(p.p10[k] ?? 0)} to ${usd(p.p90[k] ?? 0)}`);
    }
    return parts.join('; ');
  }

  private fill(): void {
    this.chart.data.labels = [...this.model.days];
    const current = this.chart.data.datasets;
    const datasets = this.datasets();
    datasets.forEach((ds, i) => {
      const existing = current[i];
      if (existing) Object.assign(existing, ds);
      else current[i] = ds;
    });
    current.length = datasets.length;
  }

  private datasets(): ChartDataset<'line', Series>[] {
    const m = this.model;
    const p = this.palette;
    const hc = p.kind === 'highContrast' || p.kind === 'highContrastLight';
    const n = m.days.length;
    const proj = m.burnup.projection;
    const line = (label: string, data: Series, color: string, extra: Partial<ChartDataset<'line', Series>> = {}): ChartDataset<'line', Series> => ({
      label,
      data,
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2,
      pointRadius: 0,
      pointHoverRadius: 4,
      pointHitRadius: 0,
      pointHoverBorderWidth: 2,
      pointHoverBorderColor: p.background,
      pointHoverBackgroundColor: color,
      tension: 0,
      fill: false,
      spanGaps: false,
      ...extra,
    });
    const datasets: ChartDataset<'line', Series>[] = [];
    datasets[ACTUAL] = line('Spent', placed(n, m.burnup.actual), p.blue, { borderWidth: hc ? 3.5 : 2.5 });
    datasets[P50] = line('Projection (median)', placed(n, proj?.p50, proj?.from), p.blue, { borderDash: [6, 4], borderWidth: hc ? 2.5 : 2 });
    datasets[IDEAL] = line('Ideal pace', placed(n, m.burnup.ideal), p.green, { borderWidth: hc ? 2.5 : 1.5 });
    datasets[P10] = line('p10', placed(n, proj?.p10, proj?.from), 'transparent', { borderWidth: 0, pointHoverRadius: 0 });
    datasets[P90] = line('p90', placed(n, proj?.p90, proj?.from), 'transparent', {
      borderWidth: 0,
      pointHoverRadius: 0,
      fill: { target: P10, above: withAlpha(p.blue, hc ? 0.32 : 0.16), below: withAlpha(p.blue, hc ? 0.32 : 0.16) },
    });
    return datasets;
  }

  private options(): LineChart['options'] {
    // Callbacks read the current model: the options are replaced only when the theme changes.
    const p = this.palette;
    return {
      ...baseOptions(),
      layout: { padding: { top: 22, right: 8 } },
      scales: {
        x: {
          ...dayAxis(p, 8, () => dayTicks(this.model.days, 0, this.model.days.length), (i) => tickLabel(this.model.days[i], false)),
          grid: { color: withAlpha(p.grid, 0.6), drawTicks: false, tickLength: 0 },
        },
        y: this.setYRange(moneyAxis(p, 8)),
      },
      plugins: {
        tooltip: {
          ...tooltipTheme(p),
          filter: (item: TooltipItem<'line'>) => item.datasetIndex !== P10 && item.datasetIndex !== P90 && item.parsed.y !== null,
          itemSort: (a: TooltipItem<'line'>, b: TooltipItem<'line'>) => a.datasetIndex - b.datasetIndex,
          callbacks: {
            title: (items: TooltipItem<'line'>[]) => dayLong(this.model.days[items[0]?.dataIndex ?? 0] ?? ''),
            label: moneyLabel,
            footer: (items: TooltipItem<'line'>[]) => this.footer(items[0]?.dataIndex ?? -1),
          },
        },
      },
    };
  }

  /**
   * Room above the budget, the spend and the projection's p90 at year end; but at most 1.3 times
   * the largest of the budget, the spend and the median at year end. After a day or two of history
   * the p90 can be many times the budget and would press every other line into the bottom
   * pixels: the band is then cut off at the top (where the axis has no tick of its own).
   */
  private setYRange<T extends ScaleOptions<'linear'>>(y: T): T {
    const m = this.model;
    const proj = m.burnup.projection;
    const atYearEnd = (values: readonly number[] | undefined) => values?.[values.length - 1] ?? 0;
    const room = Math.max(m.budget ?? 0, atYearEnd(proj?.p90), m.spent) * 1.04;
    const cap = Math.max(m.budget ?? 0, m.spent, atYearEnd(proj?.p50)) * 1.3;
    const capped = cap > 0 && room > cap;
    y.suggestedMax = room;
    y.max = capped ? cap : undefined;
    y.ticks = { ...y.ticks, includeBounds: !capped };
    return y;
  }

  private footer(i: number): string[] {
    const m = this.model;
    const lines: string[] = [];
    const proj = m.burnup.projection;
    if (proj && i > proj.from && i - proj.from < proj.p50.length) {
      const k = i - proj.from;
      lines.push(`p10–p90: ${usd(proj.p10[k] ?? 0)} – ${usd(proj.p90[k] ?? 0)}`);
    }
    const actual = i < m.elapsed ? m.burnup.actual[i] : undefined;
    const ideal = m.burnup.ideal?.[i];
    if (actual !== undefined && ideal !== undefined && ideal > 0) {
      const diff = actual - ideal;
      lines.push(`${usd(Math.abs(diff))} ${diff >= 0 ? 'ahead of' : 'behind'} pace (${pct((diff / ideal) * 100)})`);
    }
    if (m.budget !== null && m.budget > 0 && actual !== undefined) lines.push(`${pct((actual / m.budget) * 100)} of the budget`);
    return lines;
  }

  /** Budget and threshold lines, and the "today" marker, drawn under the data; their labels on top. */
  private markers(): Plugin<'line'> {
    const hLines = () => {
      const m = this.model;
      const p = this.palette;
      const lines: { y: number; color: string; dash: number[]; label: string; width: number }[] = [];
      if (m.budget !== null) {
        lines.push({ y: m.budget, color: p.red, dash: [], label: `Budget ${usdCompact(m.budget)}`, width: 1.5 });
        for (const t of m.thresholds) {
          if (Math.abs(t.amount - m.budget) < 0.005) continue;
          lines.push({ y: t.amount, color: t.percent >= 100 ? p.red : t.percent >= 90 ? p.orange : p.yellow, dash: [4, 4], label: `${t.percent}% · ${usdCompact(t.amount)}`, width: 1 });
        }
      }
      return lines;
    };
    const todayX = (chart: ChartJs) => {
      const i = this.model.todayIndex;
      // An ended year is shown as it stood on its last day, which is not today.
      if (this.model.archived || i < 0 || i >= this.model.days.length) return undefined;
      return chart.scales.x?.getPixelForValue(i);
    };
    return {
      id: 'tbBurnupMarkers',
      beforeDatasetsDraw: (chart) => {
        const { ctx, chartArea: a } = chart;
        const y = chart.scales.y;
        if (!y) return;
        ctx.save();
        for (const l of hLines()) {
          const py = Math.round(y.getPixelForValue(l.y)) + 0.5;
          if (py < a.top - 1 || py > a.bottom + 1) continue;
          ctx.strokeStyle = l.color;
          ctx.lineWidth = l.width;
          ctx.setLineDash(l.dash);
          ctx.beginPath();
          ctx.moveTo(a.left, py);
          ctx.lineTo(a.right, py);
          ctx.stroke();
        }
        const x = todayX(chart);
        if (x !== undefined) {
          ctx.strokeStyle = withAlpha(this.palette.foreground, 0.7);
          ctx.lineWidth = 1;
          ctx.setLineDash([2, 3]);
          ctx.beginPath();
          ctx.moveTo(Math.round(x) + 0.5, a.top - 6);
          ctx.lineTo(Math.round(x) + 0.5, a.bottom);
          ctx.stroke();
        }
        ctx.restore();
      },
      afterDatasetsDraw: (chart) => {
        const { ctx, chartArea: a } = chart;
        const y = chart.scales.y;
        const p = this.palette;
        if (!y) return;
        ctx.save();
        ctx.font = `${p.fontSize - 1}px ${p.fontFamily}`;
        ctx.textBaseline = 'bottom';
        ctx.textAlign = 'left';
        ctx.lineJoin = 'round';
        const halo = (text: string, tx: number, ty: number, color: string) => {
          ctx.strokeStyle = p.surface;
          ctx.lineWidth = 4;
          ctx.strokeText(text, tx, ty);
          ctx.fillStyle = color;
          ctx.fillText(text, tx, ty);
        };
        // Each label is placed where it overlaps none already drawn, or left out (the legend still
        // names the lines): "Today" first, then the budget and the thresholds at the left, where
        // the spend is still low at the start of the year, else at the right end of their line.
        const placed: { left: number; right: number; top: number; bottom: number }[] = [];
        const place = (text: string, starts: readonly number[], ty: number, color: string) => {
          const width = ctx.measureText(text).width;
          const box = (tx: number) => ({ left: tx - 2, right: tx + width + 2, top: ty - p.fontSize - 1, bottom: ty + 1 });
          const tx = starts.find((at) => {
            const b = box(at);
            return !placed.some((q) => b.left < q.right && q.left < b.right && b.top < q.bottom && q.top < b.bottom);
          });
          if (tx === undefined) return;
          placed.push(box(tx));
          halo(text, tx, ty, color);
        };
        const x = todayX(chart);
        if (x !== undefined) {
          const width = ctx.measureText('Today').width;
          place('Today', [x > a.right - 60 ? x - 4 - width : x + 4], a.top - 6, p.foreground);
        }
        for (const l of hLines()) {
          const py = y.getPixelForValue(l.y);
          if (py < a.top - 1 || py > a.bottom + 1) continue;
          place(l.label, [a.left + 6, a.right - 6 - ctx.measureText(l.label).width], py - 3, l.dash.length === 0 ? p.foreground : p.muted);
        }
        ctx.restore();
      },
    };
  }
}
