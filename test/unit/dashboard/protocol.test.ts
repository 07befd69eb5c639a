import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as v from 'valibot';
import { buildDashboardModel } from '../../../src/core/dashboardModel';
import { Ledger } from '../../../src/core/ledger';
import { buildSnapshot } from '../../../src/core/snapshot';
import { isDashboardModel, isHostMessage } from '../../../webview/guard';
import { WebviewMessageSchema } from '../../../webview/protocol';

const ledger = new Ledger([{ date: '2026-03-02', source: 'gateway', model: 'm', cost: 5, inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 1 }]);
const snapshot = buildSnapshot({
  ledger,
  settings: { annualBudget: 1000, budgetYearStart: '01-01', workdays: [1, 2, 3, 4, 5], thresholds: [50, 100] },
  gatewayBudget: null,
  sources: [{ id: 'gateway', label: 'Allowance gateway', state: 'ok' }],
  today: '2026-03-04',
  now: new Date(2026, 2, 4),
});
const model = JSON.parse(JSON.stringify(buildDashboardModel(snapshot, ledger, [1, 2, 3, 4, 5]))) as unknown;

void describe('webview → host messages (validated on the host)', () => {
  const ok = (m: unknown) => v.safeParse(WebviewMessageSchema, m).success;

  void it('accepts the protocol', () => {
    assert.ok(ok({ type: 'ready' }));
    assert.ok(ok({ type: 'refresh' }));
    assert.ok(ok({ type: 'exportCsv' }));
    assert.ok(ok({ type: 'drawn', ms: 12.5 }));
    assert.ok(ok({ type: 'command', command: 'tokenBudget.setAnnualBudget' }));
    assert.ok(ok({ type: 'selectYear', start: '2025-04-01' }));
  });

  void it('refuses anything else', () => {
    assert.ok(!ok({ type: 'command', command: 'workbench.action.terminal.new' }));
    assert.ok(!ok({ type: 'drawn', ms: -1 }));
    assert.ok(!ok({ type: 'drawn', ms: Number.NaN }));
    assert.ok(!ok({ type: 'eval', code: '1' }));
    assert.ok(!ok({ type: 'selectYear', start: '../../etc' }), 'a year is a day key');
    assert.ok(!ok({ type: 'selectYear' }));
    assert.ok(!ok('ready'));
    assert.ok(!ok(null));
  });
});

void describe('host → webview messages (checked in the webview)', () => {
  void it('accepts a model as it travels (JSON) and the theme notice', () => {
    assert.ok(isDashboardModel(model));
    assert.ok(isHostMessage({ type: 'model', model }));
    assert.ok(isHostMessage({ type: 'theme' }));
  });

  void it('refuses other shapes', () => {
    assert.ok(!isHostMessage({ type: 'model' }));
    assert.ok(!isHostMessage({ type: 'model', model: { ...(model as object), days: 'x' } }));
    assert.ok(!isHostMessage({ type: 'model', model: { ...(model as object), kpis: [{ id: 1 }] } }));
    assert.ok(!isHostMessage({ type: 'model', model: { ...(model as object), years: [{ start: 1 }] } }));
    assert.ok(!isHostMessage({ type: 'model', model: { ...(model as object), comparison: { from: '2026-01-01' } } }));
    assert.ok(!isHostMessage({ type: 'model', model: { ...(model as object), archived: 'no' } }));
    assert.ok(!isHostMessage({ type: 'other' }));
    assert.ok(!isHostMessage('model'));
    assert.ok(!isHostMessage(null));
  });
});
