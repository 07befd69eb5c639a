/**
 * chart.js, tree-shaken: only the controllers, elements, scales and plugins the dashboard uses are
 * registered. The options the charts share: no animation (the charts update in place, without
 * movement or flicker), the day and money axes, and the theming of axes and tooltips from the VS
 * Code palette.
 */
import { BarController, BarElement, CategoryScale, Chart, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import type { ActiveDataPoint, ChartType, Scale, ScaleOptions } from 'chart.js';
import { dayShort, isoWeekday, month, usd, usdDistinct } from './format';
import type { Palette } from './theme';

Chart.register(LineController, BarController, LineElement, BarElement, PointElement, LinearScale, CategoryScale, Filler, Tooltip);

export { Chart };

/** Font settings for chart text. */
export function chartFont(p: Palette, weight: 'normal' | 'bold' = 'normal') {
  return { family: p.fontFamily, size: p.fontSize, weight } as const;
}

/**
 * The chart-wide options every dashboard chart shares (a fresh object for each chart): it fills its container, draws without
 * animation, and hovering a day shows every dataset's value on that day.
 */
export function baseOptions() {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    normalized: true,
    interaction: { mode: 'index', intersect: false },
  } as const;
}

/**
 * The x axis of days: ticks at the indices `ticks()` gives (see `dayTicks`), as many of them as
 * the axis's width has room for (see `fitTicks`), labelled by `label(index)`; read when the chart
 * lays out, so they follow the current model and the chart's size.
 */
export function dayAxis(p: Palette, padding: number, ticks: () => readonly number[], label: (index: number) => string): ScaleOptions<'category'> {
  return {
    type: 'category',
    border: { color: p.axis },
    afterBuildTicks: (axis) => {
      const ctx = axis.ctx;
      ctx.save();
      ctx.font = `${p.fontSize}px ${p.fontFamily}`;
      setTicks(axis, fitTicks(ticks(), axis.getLabels().length, axis.width, (i) => ctx.measureText(label(i)).width));
      ctx.restore();
    },
    ticks: { color: p.muted, font: chartFont(p), autoSkip: false, maxRotation: 0, padding, callback: (value) => label(Number(value)) },
  };
}

/** The y axis of money: from zero, in compact dollars (with the decimals its step needs), at most `maxTicksLimit` ticks. */
export function moneyAxis(p: Palette, maxTicksLimit: number): ScaleOptions<'linear'> {
  return {
    type: 'linear',
    beginAtZero: true,
    grid: { color: p.grid, drawTicks: false },
    border: { display: false },
    ticks: { color: p.muted, font: chartFont(p), padding: 8, maxTicksLimit, callback: (_value, index, ticks) => usdDistinct(ticks.map((t) => t.value))[index] ?? '' },
  };
}

/** A tooltip line: the dataset's name and its value in dollars. */
export function moneyLabel(item: { readonly dataset: { readonly label?: string }; readonly parsed: { readonly y: number | null } }): string {
  return ` ${item.dataset.label ?? ''}: ${usd(item.parsed.y ?? 0)}`;
}

/** Indices of the ticks to show for `days[from..to)`: month starts over long ranges, Mondays over short ones. */
export function dayTicks(days: readonly string[], from: number, to: number): number[] {
  const span = to - from;
  const ticks: number[] = [];
  for (let i = from; i < to; i++) {
    const d = days[i] ?? '';
    if (span > 120 ? d.endsWith('-01') : span > 45 ? d.endsWith('-01') || d.endsWith('-15') : isoWeekday(d) === 1) ticks.push(i - from);
  }
  if (ticks.length === 0 && span > 0) ticks.push(0);
  return ticks;
}

/**
 * Of the tick `indices` on an axis of `count` days and `width` pixels, every step-th for the
 * smallest step at which no two labels (`labelWidth(index)` pixels wide, centred on their day)
 * come closer than `gap`: at 480 px a year's month starts are every second or third month. Counted
 * from the widest label ("Jan 2027": the year), so that it stays.
 */
export function fitTicks(indices: readonly number[], count: number, width: number, labelWidth: (index: number) => number, gap = 10): number[] {
  if (indices.length < 2 || !(width > 0)) return [...indices];
  const perDay = width / Math.max(1, count);
  const widths = indices.map(labelWidth);
  const anchor = widths.indexOf(Math.max(...widths));
  for (let step = 1; step < indices.length; step++) {
    const kept = indices.map((index, k) => ({ index, width: widths[k] ?? 0, k })).filter(({ k }) => (k - anchor) % step === 0);
    const fits = kept.every((t, k) => {
      const before = kept[k - 1];
      return !before || (t.index - before.index) * perDay >= (t.width + before.width) / 2 + gap;
    });
    if (fits) return kept.map((t) => t.index);
  }
  return [indices[anchor] ?? 0];
}

/** Replaces a category axis's ticks with `indices` (called from `afterBuildTicks`). */
export function setTicks(axis: Scale, indices: readonly number[]): void {
  axis.ticks = indices.map((value) => ({ value }));
}

/** Label of the tick at day `k`: "Apr", "Jan 2027" at a new year, or "14 Sep" in short ranges. */
export function tickLabel(k: string | undefined, short: boolean): string {
  if (!k) return '';
  if (short) return dayShort(k);
  return month(k, k.slice(5, 7) === '01');
}

/** Themed tooltip options shared by the charts. */
export function tooltipTheme(p: Palette) {
  return {
    backgroundColor: p.hoverBackground,
    titleColor: p.hoverForeground,
    bodyColor: p.hoverForeground,
    footerColor: p.muted,
    borderColor: p.hoverBorder,
    borderWidth: 1,
    cornerRadius: 4,
    padding: 10,
    boxPadding: 4,
    titleFont: chartFont(p, 'bold'),
    bodyFont: chartFont(p),
    footerFont: chartFont(p),
    usePointStyle: true,
    caretSize: 0,
    displayColors: true,
  } as const;
}

/**
 * Arrow-key reading of a chart: Left/Right move a day, PageUp/PageDown a week, Home/End to the ends;
 * the tooltip follows and `announce` speaks the day through a live region. Escape leaves.
 */
export function keyboardNavigation<T extends ChartType>(
  chart: Chart<T>,
  canvas: HTMLCanvasElement,
  count: () => number,
  initial: () => number,
  announce: (index: number) => void,
): void {
  let index = -1;
  const show = (i: number) => {
    const n = count();
    if (n === 0) return;
    index = Math.max(0, Math.min(n - 1, i));
    const active: ActiveDataPoint[] = [];
    chart.data.datasets.forEach((ds, datasetIndex) => {
      const value = (ds.data as unknown[])[index];
      if (value !== null && value !== undefined && chart.isDatasetVisible(datasetIndex)) active.push({ datasetIndex, index });
    });
    const x = chart.scales.x?.getPixelForValue(index) ?? 0;
    const area = chart.chartArea;
    chart.setActiveElements(active);
    chart.tooltip?.setActiveElements(active, { x, y: (area.top + area.bottom) / 2 });
    chart.update('none');
    announce(index);
  };
  const clear = () => {
    index = -1;
    chart.setActiveElements([]);
    chart.tooltip?.setActiveElements([], { x: 0, y: 0 });
    chart.update('none');
  };
  canvas.addEventListener('keydown', (e) => {
    const steps: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowDown: -1, ArrowUp: 1, PageUp: -7, PageDown: 7 };
    const start = index < 0 ? initial() : index;
    if (e.key in steps) show(start + (index < 0 ? 0 : (steps[e.key] ?? 0)));
    else if (e.key === 'Home') show(0);
    else if (e.key === 'End') show(count() - 1);
    else if (e.key === 'Escape') clear();
    else return;
    e.preventDefault();
  });
  canvas.addEventListener('focus', () => {
    if (canvas.matches(':focus-visible')) show(initial());
  });
  canvas.addEventListener('blur', clear);
}
