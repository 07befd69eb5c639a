/**
 * The webview's check of what the host posts: the message's shape and the parts of the model the
 * renderer indexes into. Anything else (another extension's frame, a stale format) is ignored.
 */
import type { DashboardModel } from '../src/core/dashboardModel';
import type { HostMessage } from './protocol';

type Obj = Record<string, unknown>;

const isObject = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isArrayOf = (x: unknown, item: (y: unknown) => boolean): boolean => Array.isArray(x) && x.every(item);
const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isNumberOrNull = (x: unknown): boolean => x === null || isNumber(x);
const isString = (x: unknown): x is string => typeof x === 'string';

const isLimit = (l: unknown): boolean => isObject(l) && isString(l.label) && isNumber(l.spent) && isNumberOrNull(l.limit) && (l.resetsAt === undefined || isString(l.resetsAt));
const isMismatch = (m: unknown): boolean => isObject(m) && isString(m.what) && isString(m.from) && isString(m.to) && isNumber(m.serviceTotal) && isNumber(m.rowsTotal) && isNumber(m.gap);
const isSource = (s: unknown): boolean =>
  isObject(s) &&
  isString(s.id) &&
  isString(s.state) &&
  isString(s.label) &&
  (s.note === undefined || isString(s.note)) &&
  (s.limits === undefined || isArrayOf(s.limits, isLimit)) &&
  (s.mismatch === undefined || isMismatch(s.mismatch));

const isSide = (x: unknown): boolean => isObject(x) && isNumber(x.total) && isArrayOf(x.sources, (s) => isObject(s) && isString(s.id) && isString(s.label) && isNumber(s.total));
const isComparison = (x: unknown): boolean =>
  x === null ||
  (isObject(x) && isString(x.from) && isString(x.to) && isNumber(x.days) && isSide(x.network) && isSide(x.local) && isNumber(x.difference) && isNumberOrNull(x.percent) && isArrayOf(x.recent, (r) => isObject(r) && isString(r.date) && isNumber(r.network) && isNumber(r.local)));
const isYear = (y: unknown): boolean => isObject(y) && isString(y.start) && isString(y.end) && isString(y.last) && typeof y.current === 'boolean';

/** True when `x` has the shape of a `DashboardModel` (checked deeply enough for the renderer). */
export function isDashboardModel(x: unknown): x is DashboardModel {
  if (!isObject(x)) return false;
  const { burnup, daily, breakdown, heatmap } = x;
  return (
    isString(x.today) &&
    isObject(x.year) &&
    isArrayOf(x.days, isString) &&
    isNumber(x.elapsed) &&
    isNumber(x.todayIndex) &&
    isNumberOrNull(x.budget) &&
    isArrayOf(x.kpis, (k) => isObject(k) && isString(k.id) && isString(k.value) && isString(k.label)) &&
    isArrayOf(x.sources, isSource) &&
    isArrayOf(x.unpriced, (u) => isObject(u) && isString(u.source) && isString(u.model) && isNumber(u.tokens)) &&
    isArrayOf(x.models, isString) &&
    isObject(burnup) &&
    isArrayOf(burnup.actual, isNumber) &&
    isObject(daily) &&
    isArrayOf(daily.series, (s) => isObject(s) && isString(s.name) && isArrayOf(s.values, isNumber)) &&
    isArrayOf(daily.total, isNumber) &&
    isObject(daily.windows) &&
    isObject(breakdown) &&
    isArrayOf(breakdown.byModel, (r) => isObject(r) && isString(r.key) && isNumber(r.cents)) &&
    isArrayOf(breakdown.bySource, (r) => isObject(r) && isString(r.key) && isNumber(r.cents)) &&
    isObject(heatmap) &&
    isArrayOf(heatmap.level, isNumber) &&
    isArrayOf(heatmap.top, isNumber) &&
    isComparison(x.comparison) &&
    isArrayOf(x.years, isYear) &&
    typeof x.archived === 'boolean'
  );
}

export function isHostMessage(data: unknown): data is HostMessage {
  if (!isObject(data)) return false;
  if (data.type === 'theme') return true;
  return data.type === 'model' && isDashboardModel(data.model);
}
