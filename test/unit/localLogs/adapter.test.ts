// The adapters through the BudgetService and its ledger, as the extension runs them.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { AGENT_IDS } from '../../../src/core/types';
import { HttpClient, SourceError } from '../../../src/sources/http';
import { stateFileOf } from '../../../src/sources/localLogs/adapter';
import { CODEX_ASSUMED_LABEL } from '../../../src/sources/localLogs/parsers/codex';
import { InProcessRunner } from '../../../src/sources/localLogs/runner';
import { createSources, type Sources } from '../../../src/sources/registry';
import type { SourceAdapter } from '../../../src/sources/types';
import { BudgetService } from '../../../src/state/budgetService';
import { LedgerStore } from '../../../src/state/ledgerStore';
import { claudeAssistantLine as assistant, CLAUDE_MODELS, codexTokenCountLine, codexTurnContextLine } from '../../fakes/agentLogs';
import { claudeCost, claudeFile, close, codexFile, tempHome, totals, write } from './helpers';

const today = new Date();
const iso = (daysAgo: number) => new Date(today.getTime() - daysAgo * 86_400_000).toISOString();
const U = { input: 10, output: 900, cacheRead: 60_000, write5m: 3_000 };

let sources: Sources | undefined;
after(async () => sources?.stopAll());

/** A set of adapters whose agents' logs are under `home`, started with `stateDir` when given. */
function setup(home: string, stateDir?: string): { claudeCodeAdapter: SourceAdapter; codexAdapter: SourceAdapter } {
  void sources?.stopAll();
  sources = createSources({ agentLogs: { env: {}, home, runner: () => new InProcessRunner({ saveIntervalMs: 0 }) } });
  if (stateDir) sources.start({ stateDir });
  const adapter = (id: string) => {
    const found = sources?.adapters.find((a) => a.id === id);
    assert.ok(found, id);
    return found;
  };
  return { claudeCodeAdapter: adapter('claudeCode'), codexAdapter: adapter('codex') };
}

function service(settings: Record<string, unknown> = {}) {
  const dir = tempHome('tb-ledger-');
  return new BudgetService({
    adapters: sources?.adapters ?? [],
    http: new HttpClient({ retries: 0 }),
    store: new LedgerStore(dir),
    config: () => readConfig((k) => ({ annualBudget: 1000, ...settings })[k]),
    key: () => Promise.resolve(undefined),
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  });
}

void describe('local-log sources', () => {
  void it("GitHub Copilot CLI's logs are an estimate beside the copilot source (which meters the same requests), still read on auto", () => {
    const home = tempHome();
    setup(home);
    const cli = sources?.adapters.find((a) => a.id === 'copilotCli');
    const claude = sources?.adapters.find((a) => a.id === 'claudeCode');
    assert.ok(cli && claude);
    const alone = readConfig(() => undefined);
    const withCopilot = readConfig((k) => (k === 'sources.copilot.enabled' ? true : undefined));
    assert.equal(cli.estimateOnly?.(alone), false, 'alone, its logs are the spend');
    assert.equal(cli.estimateOnly?.(withCopilot), true);
    assert.equal(claude.estimateOnly?.(withCopilot), false, 'Copilot meters no other agent');
    write(path.join(home, '.copilot', 'session-state', 's.jsonl'), []);
    assert.equal(cli.isEnabled(withCopilot), true, 'copilot does not turn the agents off on auto');
  });

  void it('Codebuff (no token counts in its files) is listed but never read, and says why, whatever its switch', async () => {
    setup(tempHome());
    const codebuff = sources?.adapters.find((a) => a.id === 'codebuff');
    assert.ok(codebuff);
    for (const enabled of ['auto', 'on', 'off']) {
      const config = readConfig((k) => (k === 'sources.codebuff.enabled' ? enabled : undefined));
      assert.equal(codebuff.isEnabled(config), false, enabled);
      assert.match(codebuff.offHint?.(config) ?? '', /no per-model token counts/);
    }
    await assert.rejects(codebuff.fetch({} as never), /Codebuff/);
  });

  void it('are registered last, need no key, and are on by default (auto) where the logs are', () => {
    const home = tempHome();
    write(claudeFile(home, 'p/a.jsonl'), []);
    const { claudeCodeAdapter, codexAdapter } = setup(home);
    assert.deepEqual(sources?.adapters.slice(-AGENT_IDS.length).map((a) => a.id), [...AGENT_IDS]);
    assert.equal(claudeCodeAdapter.needsKey, false);
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
    const { claudeCodeAdapter } = setup(home);
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
    const { claudeCodeAdapter } = setup(home);
    const config = readConfig((k) => ({ 'sources.claudeCode.enabled': 'on' })[k]);
    await assert.rejects(claudeCodeAdapter.fetch({ config, http: new HttpClient(), key: undefined, today: '2026-11-20', utcToday: '2026-11-20', yearStart: '2026-01-01', sync: undefined }), (e: unknown) => e instanceof SourceError && /no logs found/.test(e.message) && e.message.includes(path.join(home, '.claude', 'projects')));
  });
});

void describe('local-log sources: start and stop', () => {
  const context = (config: ReturnType<typeof readConfig>) => ({ config, http: new HttpClient(), key: undefined, today: '2026-11-20', utcToday: '2026-11-20', yearStart: '2026-01-01', sync: undefined });

  void it('every agent shares one runner, made on the first scan; stopAll lets it go once, and a later scan makes another', async () => {
    const home = tempHome();
    write(claudeFile(home, 'p/a.jsonl'), [assistant({ timestamp: iso(1), messageId: 'm1', requestId: 'r1', model: CLAUDE_MODELS.sonnet, usage: U })]);
    write(codexFile(home, 'sessions/x/rollout-1.jsonl'), [codexTurnContextLine(iso(1), null), codexTokenCountLine(iso(1), { input: 50, cached: 0, output: 3, reasoning: 0 }, { input: 50, cached: 0, output: 3, reasoning: 0 })]);
    const made: string[] = [];
    let disposed = 0;
    const set = createSources({
      agentLogs: {
        env: {},
        home,
        runner: (stateDir) => {
          made.push(stateDir ?? '(memory)');
          const runner = new InProcessRunner({ saveIntervalMs: 0 });
          return { scan: (r, p) => runner.scan(r, p), flush: () => runner.flush(), dispose: () => ((disposed += 1), runner.dispose()) };
        },
      },
    });
    const stateDir = tempHome('tb-state-');
    set.start({ stateDir });
    const config = readConfig(() => undefined);
    for (const id of ['claudeCode', 'codex']) await set.adapters.find((a) => a.id === id)?.fetch(context(config));
    assert.deepEqual(made, [stateDir], 'one runner for both agents, told where the state goes');
    await Promise.all([set.stopAll(), set.stopAll()]);
    assert.equal(disposed, 1);
    await set.stopAll();
    assert.equal(disposed, 1, 'stopping again does nothing');
    await set.adapters.find((a) => a.id === 'claudeCode')?.fetch(context(config));
    assert.equal(made.length, 2, 'a scan after the stop makes a runner again (memory only now)');
    assert.equal(made[1], '(memory)');
    await set.stopAll();
    assert.equal(disposed, 2, 'and the next stop lets that one go');
  });

  void it('started with requestRefresh, a log written after a scan asks for a refresh; stopped, it watches no more', async () => {
    const home = tempHome();
    const file = claudeFile(home, 'p/a.jsonl');
    write(file, [assistant({ timestamp: iso(1), messageId: 'm1', requestId: 'r1', model: CLAUDE_MODELS.sonnet, usage: U })]);
    const set = createSources({ agentLogs: { env: {}, home, runner: () => new InProcessRunner({ saveIntervalMs: 0 }), watcher: { debounceMs: 20, minIntervalMs: 0, recursive: false } } });
    const reasons: string[] = [];
    let changed: () => void = () => {};
    // The watcher keeps nothing alive (persistent: false): this timer does, failing after 20 s.
    let timer: NodeJS.Timeout | undefined;
    const asked = new Promise<void>((resolve, reject) => {
      changed = () => {
        clearTimeout(timer);
        resolve();
      };
      timer = setTimeout(() => reject(new Error('no refresh asked for within 20 s')), 20_000);
    });
    set.start({
      requestRefresh: (reason) => {
        reasons.push(reason);
        changed();
      },
    });
    await set.adapters.find((a) => a.id === 'claudeCode')?.fetch(context(readConfig(() => undefined)));
    write(file, [assistant({ timestamp: iso(0), messageId: 'm2', requestId: 'r2', model: CLAUDE_MODELS.sonnet, usage: U })]);
    await asked;
    assert.deepEqual(reasons, ['local logs changed (claudeCode)']);
    await set.stopAll();
    write(file, [assistant({ timestamp: iso(0), messageId: 'm3', requestId: 'r3', model: CLAUDE_MODELS.sonnet, usage: U })]);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(reasons.length, 1, 'no refresh asked for after the stop');
  });
});
