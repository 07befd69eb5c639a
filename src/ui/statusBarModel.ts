/**
 * What the status bar item shows for a snapshot: text, tooltip Markdown, level, command. Pure
 * (no `vscode`), so every state is unit-tested.
 */
import { formatDistanceStrict } from 'date-fns';
import type { StatusBarDisplay } from '../core/config';
import { formatDayLong, formatPercent, formatTokens, formatUsd, formatUsdCompact } from '../core/format';
import { toDayKey } from '../core/dates';
import { projectionPending } from '../core/projection';
import { mismatchText } from '../core/reconcile';
import { countsTowardSpend, lastDayOf, type Level, type Snapshot, type SourceLimitStatus } from '../core/snapshot';

export interface StatusBarView {
  readonly text: string;
  readonly tooltip: string;
  readonly accessibilityLabel: string;
  readonly level: Level;
  readonly command: string;
}

export const STALE_MARKER = '$(warning)';

function ago(iso: string, now: Date): string {
  return `${formatDistanceStrict(new Date(iso), now)} ago`;
}

function timeOf(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

function escapeMd(text: string): string {
  // Only what could change the structure inside a table cell or a list item.
  return text.replace(/[\\`*_[\]|<>]/g, (c) => `\\${c}`);
}

function paceText(pace: number, pacePercent: number | null): string {
  const direction = pace >= 0 ? 'ahead of' : 'behind';
  const pct = pacePercent === null ? '' : ` (${pacePercent >= 0 ? '+' : '−'}${formatPercent(Math.abs(pacePercent), 1)})`;
  return `${formatUsd(Math.abs(pace))} ${direction} pace${pct}`;
}

function runOutText(s: Snapshot): string {
  const r = s.projection.runOut;
  if (s.status.budget === null) return 'no budget set';
  if (r.p50 === null) return r.p10 === null ? 'not within this year' : `not within this year (could be as early as ${formatDayLong(r.p10)})`;
  const range = r.p10 !== null && r.p90 !== null && r.p10 !== r.p90 ? ` (range ${formatDayLong(r.p10)} – ${formatDayLong(r.p90)})` : r.p90 === null && r.p10 !== null && r.p10 !== r.p50 ? ` (range ${formatDayLong(r.p10)} – after year end)` : '';
  return `${formatDayLong(r.p50)}${range}`;
}

function sourceLines(s: Snapshot, now: Date): string[] {
  return s.sources
    .filter((src) => src.state !== 'off')
    .map((src) => {
      const when = src.lastSuccess ? `updated ${timeOf(src.lastSuccess)} (${ago(src.lastSuccess, now)})` : 'no data yet';
      const error = src.error ? ` — ${escapeMd(src.error)}` : '';
      const icon = src.state === 'ok' ? '$(pass)' : src.state === 'stale' ? '$(warning)' : '$(error)';
      const extra = [
        ...(src.limits ?? []).map((l) => `  - ${escapeMd(limitText(l))}`),
        ...(src.note ? [`  - $(info) ${escapeMd(src.note)}`] : []),
        ...(src.mismatch ? [`  - $(warning) Does not add up: ${escapeMd(mismatchText(src.mismatch))}`] : []),
      ];
      const estimate = src.estimate ? ' (estimate beside the network source, not added to the spend)' : '';
      return [`- ${icon} **${escapeMd(src.label)}**${estimate}: ${src.state}, ${when}${error}`, ...extra].join('\n');
    });
}

/** "this month: $412.50 of $1,000.00, resets on 1 Dec 2026" */
export function limitText(l: SourceLimitStatus): string {
  const of = l.limit === null ? ' (no limit)' : ` of ${formatUsd(l.limit)}`;
  const reset = l.resetsAt ? `, resets on ${formatDayLong(toDayKey(new Date(l.resetsAt)))}` : '';
  return `${l.label}: ${formatUsd(l.spent)}${of}${reset}`;
}

function unpricedLine(s: Snapshot): string[] {
  if (s.unpriced.length === 0) return [];
  const names = s.unpriced.slice(0, 3).map((u) => `${u.model} (${formatTokens(u.tokens)} tokens)`).join(', ');
  const more = s.unpriced.length > 3 ? ` and ${s.unpriced.length - 3} more` : '';
  return [`$(warning) **Unpriced**: ${escapeMd(names)}${more} could not be priced; their tokens are listed but not counted as $0 spend.`, ''];
}

const LINKS = '[$(graph) Open Dashboard](command:tokenBudget.openDashboard) · [$(refresh) Refresh](command:tokenBudget.refresh) · [$(output) Log](command:tokenBudget.showLog)';

/** The text and tooltip for a snapshot. `now` is when it is shown (for "3 min ago"). */
export function statusBarView(s: Snapshot, display: StatusBarDisplay, now: Date): StatusBarView {
  if (!s.configured) {
    return {
      text: '$(gear) Token Budget: set up',
      tooltip: [
        '**Token Budget** — no source is configured.',
        '',
        'Tell it where your AI spend is metered: an allowance gateway URL (`tokenBudget.sources.gateway.url`), a LiteLLM proxy, OpenRouter, or the OpenAI / Anthropic admin APIs.',
        '',
        '[$(gear) Configure a source](command:tokenBudget.configure) · [$(key) Set API Key…](command:tokenBudget.setApiKey)',
      ].join('\n'),
      accessibilityLabel: 'Token Budget: no source configured. Activate to configure one.',
      level: 'normal',
      command: 'tokenBudget.configure',
    };
  }

  const hasData = s.sources.some((src) => countsTowardSpend(src) && src.lastSuccess !== undefined);
  const failing = s.sources.filter((src) => src.state === 'error' || src.state === 'stale').filter((src) => src.error);
  if (!hasData) {
    const firstError = failing[0]?.error;
    return {
      text: firstError ? '$(error) Token Budget: error' : '$(sync~spin) Token Budget',
      tooltip: [
        firstError ? `**Token Budget** — no data yet.\n\n${escapeMd(firstError)}` : '**Token Budget** — fetching your usage…',
        '',
        ...sourceLines(s, now),
        '',
        LINKS + ' · [$(key) Set API Key…](command:tokenBudget.setApiKey)',
      ].join('\n'),
      accessibilityLabel: firstError ? `Token Budget: ${firstError}` : 'Token Budget: fetching usage',
      level: firstError ? 'error' : 'normal',
      command: firstError ? 'tokenBudget.showLog' : 'tokenBudget.openDashboard',
    };
  }

  const st = s.status;
  const spent = formatUsdCompact(st.spent);
  const stale = s.stale ? `${STALE_MARKER} ` : '';
  const demo = s.demo ? ' (demo)' : '';
  let text: string;
  if (st.percent === null) {
    text = `${stale}$(pulse) ${spent} · no budget${demo}`;
  } else {
    const pct = formatPercent(st.percent);
    if (display === 'spent') text = `${stale}$(pulse) ${spent} · ${pct}${demo}`;
    else if (display === 'remaining') text = `${stale}$(pulse) ${formatUsdCompact(st.remaining ?? 0)} left · ${pct} · ${spent}${demo}`;
    else text = `${stale}$(pulse) ${pct} · ${spent}${demo}`;
  }

  const yearText = `${formatDayLong(s.year.start)} – ${formatDayLong(lastDayOf(s.year))}`;
  const origin = s.budgetOrigin === 'gateway' ? ' (budget and year from the gateway)' : s.budgetOrigin === 'setting' ? '' : '';
  const lines: string[] = [`**Token Budget** — budget year ${yearText}${origin}`, ''];
  if (s.demo) lines.push('$(beaker) *Demo data from the allowance-gateway simulator, not real spend.*', '');
  if (s.stale) {
    const age = s.lastUpdated ? `, from ${ago(s.lastUpdated, now)}` : '';
    lines.push(`$(warning) **Stale**: the last refresh failed; showing the last good numbers${age}.`, '');
  }
  const p = s.projection.yearEnd;
  const rows: [string, string][] = [['Spent', formatUsd(st.spent) + (st.percent !== null ? ` (${formatPercent(st.percent, 1)})` : '')]];
  if (st.budget !== null) {
    rows.push(['Budget', formatUsd(st.budget)]);
    rows.push(['Remaining', formatUsd(st.remaining ?? 0)]);
    if (st.pace !== null) rows.push(['Pace', paceText(st.pace, st.pacePercent)]);
  }
  // The year's first day: nothing complete to project from yet, so no forecast of zero width.
  const pending = projectionPending(s.projection) ? 'after the first full day' : undefined;
  rows.push(['Projected year-end', pending ?? `${formatUsd(p.p50)} (range ${formatUsdCompact(p.p10)} – ${formatUsdCompact(p.p90)})`]);
  if (st.budget !== null) {
    rows.push(['Runs out', pending ?? runOutText(s)]);
    rows.push(['Per workday left', st.perWorkdayLeft === null ? '—' : `${formatUsd(st.perWorkdayLeft)} over ${st.workdaysRemaining} workdays`]);
  }
  lines.push('| | |', '|:--|--:|', ...rows.map(([k, v]) => `| ${k} | ${escapeMd(v)} |`), '');
  if (st.budget === null) lines.push('No budget set: [$(edit) Set Annual Budget…](command:tokenBudget.setAnnualBudget)', '');
  if (s.warning) lines.push(`$(info) ${escapeMd(s.warning)}`, '');
  lines.push(...unpricedLine(s));
  lines.push(s.lastUpdated ? `Updated ${timeOf(s.lastUpdated)} (${ago(s.lastUpdated, now)})` : 'Not updated yet', '');
  lines.push(...sourceLines(s, now), '', LINKS);

  const a11y = [
    'Token Budget',
    st.percent !== null ? `${formatPercent(st.percent)} of budget used` : 'no budget set',
    `${formatUsd(st.spent)} spent`,
    s.stale ? 'data is stale' : '',
    s.demo ? 'demo data' : '',
  ].filter(Boolean);
  return { text, tooltip: lines.join('\n'), accessibilityLabel: a11y.join(', '), level: s.level, command: 'tokenBudget.openDashboard' };
}
