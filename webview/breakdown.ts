/**
 * The breakdown tables, by model, by source and by project: cost, share, tokens and requests over
 * the budget year so far. Sortable by every column (a button in each header: click, Enter or
 * Space). Row costs are the host's whole cents, which add up exactly to the spend. A source's row
 * shows beside its cost what the agent logged itself where that differs from list price; a
 * project's row shows the project shortened, the whole path in its tooltip.
 */
import type { BreakdownModel, BreakdownRow, DashboardModel } from '../src/core/dashboardModel';
import { loggedText, loggedTip } from '../src/core/wording';
import { codicon, el, setAttr, setText } from './dom';
import { compact, day, integer, pct, usd } from './format';
import type { BreakdownTab, SortKey, SortState } from './protocol';

/** The rows of one kind (a model restored from an older version's saved state has no `byProject`). */
export function breakdownRowsOf(b: BreakdownModel, kind: BreakdownTab): readonly BreakdownRow[] {
  const rows = kind === 'model' ? b.byModel : kind === 'source' ? b.bySource : (b.byProject as readonly BreakdownRow[] | undefined);
  return rows ?? [];
}

const NOUNS: Record<BreakdownTab, readonly [string, string]> = { model: ['model', 'models'], source: ['source', 'sources'], project: ['project', 'projects'] };
const TITLES: Record<BreakdownTab, string> = { model: 'Model', source: 'Source', project: 'Project' };

interface Column {
  readonly key: SortKey;
  readonly title: string;
  readonly numeric: boolean;
  readonly cell: (r: BreakdownRow) => Node | string;
  /** Exact value for the cell's tooltip. */
  readonly exact?: (r: BreakdownRow) => string | undefined;
  readonly total?: (b: BreakdownModel) => string;
}

/** No token of the row could be priced: its cost is unknown (shown as "—", never as $0). */
export const whollyUnpriced = (r: BreakdownRow): boolean => r.unpriced && r.cents === 0 && r.cost === 0;

function money(r: BreakdownRow): Node | string {
  const cost = whollyUnpriced(r) ? el('span', { class: 'unknown' }, el('span', { 'aria-hidden': 'true' }, '—'), el('span', { class: 'sr-only' }, 'unknown')) : usd(r.cents / 100);
  if (!r.logged) return cost;
  // What the agent logged itself, beside list price (only where the two differ: the host decides).
  const note = el('span', { class: 'logged-note', title: loggedTip(r.logged), 'data-logged-cost': r.logged.cost.toFixed(2) }, codicon('info'), loggedText(r.logged.cost));
  return el('span', { class: 'cost-with-note' }, cost, note);
}

function shareCell(r: BreakdownRow): Node {
  if (whollyUnpriced(r)) return el('span', { class: 'unknown' }, el('span', { 'aria-hidden': 'true' }, '—'), el('span', { class: 'sr-only' }, 'unknown'));
  const bar = el('span', { class: 'share-bar', 'aria-hidden': 'true' });
  bar.style.width = `${Math.max(0, Math.min(100, r.share * 100)).toFixed(1)}%`;
  return el('span', { class: 'share' }, el('span', { class: 'share-track', 'aria-hidden': 'true' }, bar), el('span', { class: 'share-text' }, pct(r.share * 100)));
}

const tokens = (key: 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens', title: string): Column => ({
  key,
  title,
  numeric: true,
  cell: (r) => compact(r[key]),
  exact: (r) => `${integer(r[key])} tokens`,
  total: (b) => compact(b.totals[key]),
});

export class BreakdownTable {
  readonly element: HTMLTableElement;
  private readonly caption = el('caption', { class: 'sr-only' });
  private readonly head = el('thead');
  private readonly body = el('tbody');
  private readonly foot = el('tfoot');
  private readonly columns: readonly Column[];
  private model: DashboardModel | undefined;

  constructor(
    private readonly kind: BreakdownTab,
    private sort: SortState,
    private readonly onSort: (sort: SortState) => void,
  ) {
    this.columns = [
      {
        key: 'label',
        title: TITLES[kind],
        numeric: false,
        cell: (r) =>
          el(
            'span',
            { class: 'name' },
            el('span', { class: 'name-text', title: kind === 'project' && r.key !== '' ? r.key : r.label }, r.label),
            r.unpriced ? el('span', { class: 'unpriced-badge', title: this.unpricedTip(r) }, codicon('warning'), whollyUnpriced(r) ? 'unpriced' : 'partly unpriced') : null,
          ),
      },
      { key: 'cost', title: 'Cost', numeric: true, cell: money, exact: (r) => (r.unpriced ? this.unpricedTip(r) : r.logged ? loggedTip(r.logged) : undefined), total: (b) => usd(b.totalCents / 100) },
      { key: 'share', title: 'Share', numeric: true, cell: shareCell, total: (b) => (b.totalCents > 0 ? '100%' : '') },
      tokens('inputTokens', 'Input'),
      tokens('outputTokens', 'Output'),
      tokens('cacheReadTokens', 'Cache read'),
      tokens('cacheWriteTokens', 'Cache write'),
      { key: 'requests', title: 'Requests', numeric: true, cell: (r) => integer(r.requests), total: (b) => integer(b.totals.requests) },
    ];
    this.element = el('table', { class: 'breakdown', 'data-testid': kind === 'model' ? 'breakdown' : kind === 'source' ? 'breakdown-sources' : 'breakdown-projects' }, this.caption, this.head, this.body, this.foot);
    this.renderHead();
  }

  update(model: DashboardModel): void {
    this.model = model;
    this.renderBody();
  }

  /** The tooltip of an unpriced row: which tokens could not be priced, and what that means for the cost. */
  private unpricedTip(r: BreakdownRow): string {
    // Unpriced models are listed by model and source; a project's row names no list of its own.
    const list = this.kind === 'project' ? [] : (this.model?.unpriced ?? []).filter((u) => (this.kind === 'model' ? u.model === r.key : u.source === r.key));
    const labels = new Map((this.model?.sources ?? []).map((s) => [s.id as string, s.label]));
    const what =
      list.length === 0
        ? ''
        : ` (${list
            .slice(0, 4)
            .map((u) => `${compact(u.tokens)} tokens of ${this.kind === 'model' ? (labels.get(u.source) ?? u.source) : u.model}`)
            .join(', ')}${list.length > 4 ? `, ${list.length - 4} more` : ''})`;
    return whollyUnpriced(r)
      ? `Could not be priced${what}: the cost is unknown, so it is not counted in the spend (it is not $0).`
      : `Some tokens could not be priced${what}: the cost shown is a lower bound.`;
  }

  private rows(): BreakdownRow[] {
    const b = this.model?.breakdown;
    const rows = b ? [...breakdownRowsOf(b, this.kind)] : [];
    const { key, descending } = this.sort;
    const dir = descending ? -1 : 1;
    return rows.sort((a, c) => {
      const primary = key === 'label' ? a.label.localeCompare(c.label) : key === 'share' ? a.cost - c.cost : a[key] - c[key];
      return primary * dir || a.label.localeCompare(c.label);
    });
  }

  private renderHead(): void {
    const cells = this.columns.map((c) => {
      const active = this.sort.key === c.key;
      const arrow = active ? codicon(this.sort.descending ? 'arrow-down' : 'arrow-up', 'sort-icon') : codicon('arrow-down', 'sort-icon idle');
      const button = el('button', { type: 'button', class: 'sort', title: `Sort by ${c.title.toLowerCase()}` }, el('span', {}, c.title), arrow);
      button.addEventListener('click', () => {
        const same = this.sort.key === c.key;
        this.sort = { key: c.key, descending: same ? !this.sort.descending : c.numeric };
        this.onSort(this.sort);
        this.renderHead();
        this.renderBody();
        this.head.querySelector<HTMLButtonElement>(`th[data-key="${c.key}"] button`)?.focus();
      });
      return el('th', { scope: 'col', class: c.numeric ? 'num' : 'text', 'data-key': c.key, 'aria-sort': active ? (this.sort.descending ? 'descending' : 'ascending') : 'none' }, button);
    });
    this.head.replaceChildren(el('tr', {}, ...cells));
  }

  private bodyKey = '';

  private renderBody(): void {
    const m = this.model;
    if (!m) return;
    const b = m.breakdown;
    // Rebuilt only when what it shows changed (a refresh often changes nothing here).
    const key = JSON.stringify([this.sort, b.from, b.to, b.totalCents, breakdownRowsOf(b, this.kind), b.totals, m.unpriced]);
    if (key === this.bodyKey) return;
    this.bodyKey = key;
    const sortCol = this.columns.find((c) => c.key === this.sort.key)?.title.toLowerCase() ?? 'cost';
    setText(
      this.caption,
      `Spend by ${this.kind}${b.to ? `, ${day(b.from)} to ${day(b.to)}` : ''}, sorted by ${sortCol}, ${this.sort.descending ? 'descending' : 'ascending'}. The rows add up to the spend.`,
    );
    const rows = this.rows();
    const trs = rows.map((r) => {
      const attrs: Record<string, string> = this.kind === 'model' ? { 'data-model': r.key } : this.kind === 'source' ? { 'data-source-row': r.key } : { 'data-project': r.key };
      attrs['data-cost'] = (r.cents / 100).toFixed(2);
      if (r.unpriced) attrs['data-unpriced'] = 'true';
      return el(
        'tr',
        attrs,
        ...this.columns.map((c, i) => {
          const content = c.cell(r);
          const title = c.exact?.(r);
          return i === 0 ? el('th', { scope: 'row', class: 'text' }, content) : el('td', { class: c.numeric ? 'num' : 'text', title }, content);
        }),
      );
    });
    if (trs.length === 0) {
      trs.push(el('tr', { class: 'empty' }, el('td', { colspan: String(this.columns.length) }, 'No spend in this budget year yet.')));
    }
    this.body.replaceChildren(...trs);
    const total = el(
      'tr',
      { class: 'total' },
      ...this.columns.map((c, i) => (i === 0 ? el('th', { scope: 'row', class: 'text' }, `Total · ${rows.length} ${NOUNS[this.kind][rows.length === 1 ? 0 : 1]}`) : el('td', { class: c.numeric ? 'num' : 'text' }, c.total?.(b) ?? ''))),
    );
    setAttr(total, 'data-total-cost', (b.totalCents / 100).toFixed(2));
    this.foot.replaceChildren(total);
  }
}
