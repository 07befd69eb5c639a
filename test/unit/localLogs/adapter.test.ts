// The adapters through the BudgetService and its ledger, as the extension runs them.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { HttpClient, SourceError } from '../../../src/sources/http';
import { ADAPTERS } from '../../../src/sources';
import { claudeCodeAdapter, codexAdapter, configureLocalLogs, stateFileOf } from '../../../src/sources/localLogs/adapter';
import { CODEX_ASSUMED_LABEL } from '../../../src/sources/localLogs/parsers/codex';
import { InProcessRunner } from '../../../src/sources/localLogs/runner';
import { BudgetService } from '../../../src/state/budgetService';
import { LedgerStore } from '../../../src/state/ledgerStore';
import { claudeAssistantLine as assistant, CLAUDE_MODELS, codexTokenCountLine, codexTurnContextLine } from '../../fakes/agentLogs';
import { claudeCost, claudeFile, close, codexFile, tempHome, totals, write } from './helpers';

const today = new Date();
const iso = (daysAgo: number) => new Date(today.getTime() - daysAgo * 86_400_000).toISOString();
const U = { input: 10, output: 900, cacheRead: 60_000, write5m: 3_000 };

let handle: { dispose(): Promise<void> } | undefined;
after(async () => handle?.dispose());

function setup(home: string, stateDir?: string) {
  void handle?.dispose();
  handle = configureLocalLogs({ env: {}, home, runner: new InProcessRunner({ saveIntervalMs: 0 }), ...(stateDir ? { stateDir } : {}) });
}

function service(settings: Record<string, unknown> = {}) {
  const dir = tempHome('tb-ledger-');
  return new BudgetService({
    adapters: ADAPTERS,
    http: new HttpClient({ retries: 0 }),
    store: new LedgerStore(dir),
    config: () => readConfig((k) => ({ annualBudget: 1000, ...settings })[k]),
    key: () => Promise.resolve(undefined),
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  });
}

void describe('local-log sources', () => {
  void it('are registered last, need no key, and are on by default (auto) where the logs are', () => {
    assert.deepEqual(ADAPTERS.slice(-2).map((a) => a.id), ['claudeCode', 'codex']);
    assert.equal(claudeCodeAdapter.needsKey, false);
    const home = tempHome();
    write(claudeFile(home, 'p/a.jsonl'), []);
    setup(home);
    const config = readConfig(() => undefined);
    assert.equal(claudeCodeAdapter.isEnabled(config), true);
    assert.equal(codexAdapter.isEnabled(config), false);
    assert.equal(claudeCodeAdapter.identity(config), [path.join(home, '.config', 'claude'), path.join(home, '.claude')].join(path.delimiter));
  });

  void it('feed the ledger: the meter spends what the logs say, and a deleted transcript stays counted', async () => {
    const home = tempHome();
    const stateDir = tempHome('tb-state-');
    setup(home, stateDir);
    const a = claudeFile(home, 'p/a.jsonl');
    write(a, [assistant({ timestamp: iso(3), messageId: 'm1', requestId: 'r1', model: CLAUDE_MODELS.sonnet, usage: U }), assistant({ timestamp: iso(0), messageId: 'm2', requestId: 'r2', model: CLAUDE_MODELS.sonnet, usage: U })]);
    write(codexFile(home, 'sessions/x/rollout-1.jsonl'), [codexTurnContextLine(iso(1), null), codexTokenCountLine(iso(1), { input: 5000, cached: 1000, output: 300, reasoning: 0 }, { input: 5000, cached: 1000, output: 300, reasoning: 0 })]);
    const svc = service();
    await svc.refresh('test');
    const rows = svc.ledgerRows;
    const claude = totals(rows, (r) => r.source === 'claudeCode');
    assert.equal(claude.requests, 2);
    assert.ok(close(claude.cost, claudeCost(CLAUDE_MODELS.sonnet, U, iso(3)) + claudeCost(CLAUDE_MODELS.sonnet, U, iso(0))));
    assert.ok(rows.some((r) => r.source === 'codex' && r.model === CODEX_ASSUMED_LABEL));
    const spent = svc.snapshot.status?.spent ?? NaN;
    assert.ok(close(spent, rows.reduce((s, r) => s + r.cost, 0), 1e-6), `spent ${spent}`);
    const codexStatus = svc.snapshot.sources.find((s) => s.id === 'codex');
    assert.match(codexStatus?.note ?? '', /priced as gpt-5/);

    rmSync(a);
    await svc.refresh('test');
    assert.equal(totals(svc.ledgerRows, (r) => r.source === 'claudeCode').requests, 2, 'still counted');
    assert.ok(stateFileOf(stateDir, 'claudeCode').endsWith('local-logs-claudeCode.state'));
  });

  void it('"on" beside a network source: read as an estimate, kept in the ledger, not added to the spend', async () => {
    const home = tempHome();
    setup(home);
    write(claudeFile(home, 'p/a.jsonl'), [assistant({ timestamp: iso(1), messageId: 'm1', requestId: 'r1', model: CLAUDE_MODELS.sonnet, usage: U })]);
    const network = { 'sources.openrouter.enabled': true };
    assert.equal(claudeCodeAdapter.estimateOnly?.(readConfig((k) => ({ ...network, 'sources.claudeCode.enabled': 'on' })[k])), true);
    assert.equal(claudeCodeAdapter.estimateOnly?.(readConfig((k) => ({ 'sources.claudeCode.enabled': 'on' })[k])), false, 'alone, the logs are the spend');
    const svc = service({ ...network, 'sources.claudeCode.enabled': 'on', 'sources.codex.enabled': 'off' });
    await svc.refresh('test');
    assert.equal(totals(svc.ledgerRows, (r) => r.source === 'claudeCode').requests, 1, 'the logs were read');
    const status = svc.snapshot.sources.find((s) => s.id === 'claudeCode');
    assert.equal(status?.estimate, true);
    assert.equal(status?.state, 'ok');
    assert.equal(svc.snapshot.status.spent, 0, 'OpenRouter (no key) has nothing yet, and the logs are not added');
  });

  void it('"auto" beside a network source stays off, with a hint where logs exist', async () => {
    const home = tempHome();
    setup(home);
    write(claudeFile(home, 'p/a.jsonl'), [assistant({ timestamp: iso(1), messageId: 'm1', requestId: 'r1', model: CLAUDE_MODELS.sonnet, usage: U })]);
    const svc = service({ 'sources.openrouter.enabled': true });
    await svc.refresh('test');
    const claude = svc.snapshot.sources.find((s) => s.id === 'claudeCode');
    assert.equal(claude?.state, 'off');
    assert.match(claude?.note ?? '', /Set tokenBudget\.sources\.claudeCode\.enabled to "on" to compare them with the gateway/);
    assert.equal(totals(svc.ledgerRows, (r) => r.source === 'claudeCode').requests, 0, 'not read');
    const codex = svc.snapshot.sources.find((s) => s.id === 'codex');
    assert.equal(codex?.note, undefined, 'no Codex logs here: no hint');
  });

  void it('"on" with no logs anywhere is an error that says where it looked', async () => {
    const home = tempHome();
    setup(home);
    const config = readConfig((k) => ({ 'sources.claudeCode.enabled': 'on' })[k]);
    await assert.rejects(claudeCodeAdapter.fetch({ config, http: new HttpClient(), key: undefined, today: '2026-11-20', utcToday: '2026-11-20', yearStart: '2026-01-01', sync: undefined }), (e: unknown) => e instanceof SourceError && /no logs found/.test(e.message) && e.message.includes(path.join(home, '.claude', 'projects')));
  });
});
