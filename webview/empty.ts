/**
 * The model the page is built with before the host's first one arrives: no days, no numbers. The
 * page (charts included) is laid out while the host builds the real model, which then only updates it.
 */
import type { DashboardModel, DailyWindow } from '../src/core/dashboardModel';

const noWindow: DailyWindow = { from: 0, length: 0, total: 0, peak: null, mean: 0 };

export const EMPTY_MODEL: DashboardModel = {
  generatedAt: '',
  today: '',
  year: { start: '', end: '', origin: 'setting' },
  budgetOrigin: 'none',
  level: 'normal',
  demo: false,
  stale: false,
  overrun: false,
  warning: null,
  lastUpdated: null,
  configured: true,
  kpis: [],
  sources: [],
  unpriced: [],
  budget: null,
  spent: 0,
  thresholds: [],
  days: [],
  firstWeekday: 1,
  workday: [],
  todayIndex: -1,
  elapsed: 0,
  models: [],
  burnup: { actual: [], ideal: null, projection: null },
  daily: { series: [], total: [], average: [], averageWindow: 28, windows: { d90: noWindow, year: noWindow } },
  breakdown: { from: '', to: null, total: 0, totalCents: 0, byModel: [], bySource: [], byProject: [], totals: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0 } },
  heatmap: { cost: [], level: [], top: [], thresholds: [], activeDays: 0 },
  comparison: null,
  years: [],
  archived: false,
};

const warmWindow: DailyWindow = { from: 0, length: 2, total: 1, peak: { index: 1, cost: 1 }, mean: 0.5 };

/**
 * A three-day model the charts draw once, hidden, while the page waits for the host: their drawing
 * code is then compiled before the real model arrives, which keeps "data posted → drawn" short.
 */
export const WARMUP_MODEL: DashboardModel = {
  ...EMPTY_MODEL,
  budget: 3,
  days: ['2000-01-03', '2000-01-04', '2000-01-05'],
  workday: [1, 1, 1],
  todayIndex: 1,
  elapsed: 2,
  thresholds: [{ percent: 50, amount: 1.5, crossed: false }],
  burnup: { actual: [0, 1], ideal: [1, 2, 3], projection: { from: 1, p10: [1, 1.5], p50: [1, 2], p90: [1, 2.5] } },
  daily: { series: [{ name: 'warm-up', other: false, values: [0, 1] }], total: [0, 1], average: [0, null], averageWindow: 28, windows: { d90: warmWindow, year: warmWindow } },
};
