/**
 * What the status bar item shows for a snapshot: text, tooltip Markdown, level, command. Pure
 * (no `vscode`), so every state is unit-tested.
 */
import { formatDistanceStrict } from 'date-fns';
import type { StatusBarDisplay } from '../core/config';
import { elapsedEnd } from '../core/budget';
import { buildKpis, type KpiId } from '../core/dashboardModel';
import { addDaysKey } from '../core/dates';
import { formatDayLong, formatPercent, formatTokens, formatUsd, formatUsdCompact } from '../core/format';
import { countsTowardSpend, lastDayOf, type Level, type Snapshot } from '../core/snapshot';
import { kpiWording, leftText, limitText, mismatchLine, NO_BUDGET, type KpiContext } from '../core/wording';

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

/** The snapshot as the headline numbers' wording sees it (a snapshot is always of the current year). */
function kpiContext(s: Snapshot): KpiContext {
  const until = elapsedEnd(s.year, s.today);
  return {
    today: s.today,
    budget: s.status.budget,
    budgetOrigin: s.budgetOrigin,
    level: s.level,
    overrun: s.overrun,
    ended: false,
    lastDay: lastDayOf(s.year),
    spentFrom: s.year.start,
    spentTo: until > s.year.start ? addDaysKey(until, -1) : null,
  };
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
        ...(src.mismatch ? [`  - $(warning) ${escapeMd(mismatchLine(src.mismatch))}`] : []),
      ];
      const estimate = src.estimate ? ' (estimate beside the network source, not added to the spend)' : '';
      return [`- ${icon} **${escapeMd(src.label)}**${estimate}: ${src.state}, ${when}${error}`, ...extra].join('\n');
    });
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
    else if (display === 'remaining') text = `${stale}$(pulse) ${leftText(st.remaining ?? 0, formatUsdCompact)} · ${pct} · ${spent}${demo}`;
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
  const rows: [string, string][] = [['Spent', formatUsd(st.spent) + (st.percent !== null ? ` (${formatPercent(st.percent, 1)})` : '')]];
  // The rest as the dashboard's cards word them, on one line each.
  const context = kpiContext(s);
  const kpis = new Map(buildKpis(s).map((k) => [k.id, k]));
  const row = (id: KpiId) => {
    const k = kpis.get(id);
    if (!k) return;
    const w = kpiWording(k, context);
    rows.push([w.label, w.inline]);
  };
  if (st.budget !== null) {
    rows.push(['Budget', formatUsd(st.budget)]);
    rows.push(['Remaining', formatUsd(st.remaining ?? 0)]);
    row('pace');
  }
  row('projected');
  if (st.budget !== null) {
    row('runout');
    row('perWorkday');
  }
  lines.push('| | |', '|:--|--:|', ...rows.map(([k, v]) => `| ${k} | ${escapeMd(v)} |`), '');
  if (st.budget === null) lines.push('No budget set: [$(edit) Set Annual Budget…](command:tokenBudget.setAnnualBudget)', '');
  if (s.warning) lines.push(`$(info) ${escapeMd(s.warning)}`, '');
  lines.push(...unpricedLine(s));
  lines.push(s.lastUpdated ? `Updated ${timeOf(s.lastUpdated)} (${ago(s.lastUpdated, now)})` : 'Not updated yet', '');
  lines.push(...sourceLines(s, now), '', LINKS);

  const a11y = [
    'Token Budget',
    st.percent !== null ? `${formatPercent(st.percent)} of budget used` : NO_BUDGET,
    `${formatUsd(st.spent)} spent`,
    s.stale ? 'data is stale' : '',
    s.demo ? 'demo data' : '',
  ].filter(Boolean);
  return { text, tooltip: lines.join('\n'), accessibilityLabel: a11y.join(', '), level: s.level, command: 'tokenBudget.openDashboard' };
}
