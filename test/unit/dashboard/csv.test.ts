import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CSV_COLUMNS, csvField, csvFileName, ledgerCsv } from '../../../src/core/csv';
import { Ledger } from '../../../src/core/ledger';
import type { LedgerRow } from '../../../src/core/types';

const base: Omit<LedgerRow, 'date' | 'model' | 'cost'> = { source: 'gateway', inputTokens: 51_000_000, outputTokens: 2_100_000, cacheReadTokens: 0, cacheWriteTokens: 12, requests: 812 };

/** A minimal RFC 4180 reader, to check what a spreadsheet would read back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('missing final line end');
  return rows;
}

void describe('ledger CSV', () => {
  void it('writes the header and one line per day × source × model, in the ledger order, with CRLF line ends', () => {
    const ledger = new Ledger([
      { ...base, date: '2026-04-02', model: 'gpt-5', cost: 12.5 },
      { ...base, date: '2026-04-01', model: 'claude-sonnet-4-5', cost: 700.1 },
      { ...base, date: '2026-04-01', source: 'openai', model: 'gpt-5', cost: 1 },
    ]);
    const text = ledgerCsv(ledger.rows());
    const lines = text.split('\r\n');
    assert.equal(lines[0], 'date,source,model,cost_usd,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,requests,unpriced,project,logged_cost_usd');
    assert.deepEqual(lines[0]?.split(','), [...CSV_COLUMNS]);
    assert.equal(lines[1], '2026-04-01,gateway,claude-sonnet-4-5,700.1,51000000,2100000,0,12,812,false,,');
    assert.equal(lines[2], '2026-04-01,openai,gpt-5,1,51000000,2100000,0,12,812,false,,');
    assert.equal(lines[3], '2026-04-02,gateway,gpt-5,12.5,51000000,2100000,0,12,812,false,,');
    assert.equal(lines[4], '', 'ends with a line end');
    assert.equal(lines.length, 5);
    assert.ok(!/[^\r]\n/.test(text), 'no bare LF');
  });

  void it('quotes model names with commas, quotes and line breaks, and reads back the same', () => {
    const names = ['acme/model, large', 'the "best" model', 'two\nlines', 'plain-model'];
    const rows = names.map((model, i): LedgerRow => ({ ...base, date: `2026-04-0${i + 1}`, model, cost: 1.25 }));
    const text = ledgerCsv(rows);
    assert.match(text, /"acme\/model, large"/);
    assert.match(text, /"the ""best"" model"/);
    const parsed = parseCsv(text);
    assert.equal(parsed.length, 5);
    assert.deepEqual(
      parsed.slice(1).map((r) => r[2]),
      names,
    );
    for (const r of parsed) assert.equal(r.length, CSV_COLUMNS.length);
  });

  void it('leaves the cost of an unpriced row empty (unknown, not $0) and flags it', () => {
    const text = ledgerCsv([{ ...base, date: '2026-04-01', model: 'mystery', cost: 0, unpriced: true }]);
    assert.equal(text.split('\r\n')[1], '2026-04-01,gateway,mystery,,51000000,2100000,0,12,812,true,,');
    // Partly priced (tokens priced, web searches not): the priced part, flagged.
    const partly = ledgerCsv([{ ...base, date: '2026-04-01', model: 'claude-opus-4-1', cost: 500, unpriced: true }]);
    assert.equal(partly.split('\r\n')[1], '2026-04-01,gateway,claude-opus-4-1,500,51000000,2100000,0,12,812,true,,');
  });

  void it('ends each line with the project and the cost the agent logged (empty when unknown or nothing logged, 0 when the agent logged $0)', () => {
    const agent = { ...base, source: 'openCode' as const, date: '2026-04-01', model: 'gpt-5' };
    const text = ledgerCsv([
      { ...agent, cost: 3.5, project: '/home/ana/shop, web', loggedCost: 3.25, loggedListCost: 3.5 },
      { ...agent, model: 'free-model', cost: 0.4, project: '/home/ana/shop', loggedCost: 0, loggedListCost: 0.4 },
      { ...agent, model: 'gpt-5-mini', cost: 1 },
    ]);
    const parsed = parseCsv(text);
    assert.deepEqual(
      parsed.slice(1).map((r) => r.slice(-2)),
      [
        ['/home/ana/shop, web', '3.25'],
        ['/home/ana/shop', '0'],
        ['', ''],
      ],
    );
    assert.equal(parsed[1]?.[3], '3.5', 'cost_usd stays list price');
  });

  void it('writes money without float noise or exponents', () => {
    const cost = (n: number) => ledgerCsv([{ ...base, date: '2026-04-01', model: 'm', cost: n }]).split('\r\n')[1]?.split(',')[3];
    assert.equal(cost(0.1 + 0.2), '0.3');
    assert.equal(cost(700.0999999999999), '700.1');
    assert.equal(cost(0.0000004), '0');
    assert.equal(cost(0.000123), '0.000123');
    assert.equal(cost(48213.55), '48213.55');
    assert.equal(cost(12), '12');
    assert.equal(cost(-3.5), '-3.5');
  });

  void it('guards text a spreadsheet would run as a formula', () => {
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('+1'), "'+1");
    assert.equal(csvField('@sum'), "'@sum");
    assert.equal(csvField('-x'), "'-x");
    assert.equal(csvField(-1), '-1', 'numbers are numbers');
    assert.equal(csvField('gpt-5'), 'gpt-5');
  });

  void it('writes only the header for an empty ledger', () => {
    assert.equal(ledgerCsv([]), `${CSV_COLUMNS.join(',')}\r\n`);
  });

  void it('names the file after the day', () => {
    assert.equal(csvFileName('2026-11-27'), 'token-budget-2026-11-27.csv');
  });
});
