import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { Ledger } from '../../../src/core/ledger';
import { buildSnapshot, type SourceStatus } from '../../../src/core/snapshot';
import { HttpClient, SourceError } from '../../../src/sources/http';
import { SOURCES } from '../../../src/sources/registry';
import type { SourceAdapter } from '../../../src/sources/types';
import { BudgetService } from '../../../src/state/budgetService';
import { LedgerStore } from '../../../src/state/ledgerStore';
import {
  agentLogsOnMessage,
  budgetLevel,
  budgetSetMessage,
  credentialChoices,
  CONFIGURE_SOURCE,
  emptyExportNotice,
  keyClearedMessage,
  keySavedNotice,
  MAX_ANNUAL_BUDGET,
  ownFilterAdvice,
  parseAmount,
  readAmount,
  REFRESH_NOW,
  refreshNotice,
  SET_API_KEY,
  SET_URL,
  SHOW_LOG,
  sourceChoices,
  switchOf,
  TURN_ON,
} from '../../../src/ui/commandsModel';

/** The message a refused amount gets (fails the test when it is accepted). */
function refusal(text: string): string {
  const reading = readAmount(text);
  assert.equal(reading.ok, false, `${JSON.stringify(text)} is refused`);
  return reading.ok ? '' : reading.message;
}

void describe('parseAmount (Set Annual Budget…)', () => {
  void it('reads the forms the prompt offers', () => {
    assert.equal(parseAmount('250000'), 250_000);
    assert.equal(parseAmount('250,000'), 250_000);
    assert.equal(parseAmount('$250,000'), 250_000);
    assert.equal(parseAmount(' $ 250,000 '), 250_000);
    assert.equal(parseAmount('250k'), 250_000);
    assert.equal(parseAmount('250 K'), 250_000);
    assert.equal(parseAmount('1.2M'), 1_200_000);
    assert.equal(parseAmount('0'), 0);
    assert.equal(parseAmount('0k'), 0);
    assert.equal(parseAmount('0.00'), 0);
  });

  void it('takes thousands separators in groups of three, and cents after a dot', () => {
    assert.equal(parseAmount('1,250,000'), 1_250_000);
    assert.equal(parseAmount('250 000'), 250_000);
    assert.equal(parseAmount('1_000_000'), 1_000_000);
    assert.equal(parseAmount('250,000.50'), 250_000.5);
    assert.equal(parseAmount('1,250.000'), 1_250, 'a comma before the dot makes the dot the decimal point');
    assert.equal(parseAmount('250.5'), 250.5);
    assert.equal(parseAmount('250.50'), 250.5);
    assert.equal(parseAmount('0.250'), 0.25, 'a leading 0 is never a thousands group');
    assert.equal(parseAmount('1.2345k'), 1_234.5);
    assert.equal(parseAmount('0.005'), 0.01, 'half a cent rounds up to a cent');
  });

  void it('refuses commas that do not separate groups of three (a decimal comma, a slip)', () => {
    for (const text of ['250,00', '1,2,3', '250,5', '2,50,000', '1,000,00', '1,000 000']) {
      assert.match(refusal(text), /groups of three \(250,000\).*after a dot/, text);
      assert.equal(parseAmount(text), undefined, text);
    }
  });

  void it('refuses a dot before exactly three digits as ambiguous, and says what to write', () => {
    assert.equal(refusal('250.000'), '"250.000" is ambiguous (a dot before three digits): write 250000 or 250k for $250,000.00, or 250 for $250.00.');
    assert.equal(refusal('1.500'), '"1.500" is ambiguous (a dot before three digits): write 1500 or 1.5k for $1,500.00, or 1.5 for $1.50.');
    assert.equal(refusal('1.250k'), '"1.250k" is ambiguous (a dot before three digits): write 1250k for $1,250,000.00, or 1.25k for $1,250.00.');
    assert.match(refusal('1.250.000'), /at most one dot/);
  });

  void it('refuses a non-zero amount that rounds to 0 cents (0 means "take it from the gateway")', () => {
    assert.match(refusal('0.001'), /less than a cent.*0 to take the budget from the gateway/);
    assert.match(refusal('0.004'), /less than a cent/);
  });

  void it(`refuses more than ${MAX_ANNUAL_BUDGET} and says the limit`, () => {
    assert.equal(parseAmount('1000M'), MAX_ANNUAL_BUDGET);
    assert.equal(parseAmount('1,000,000,000'), MAX_ANNUAL_BUDGET);
    for (const text of ['99999999999999999999999', '1,000,000,000.01', '1001M', '9'.repeat(400)]) {
      assert.match(refusal(text), /At most \$1,000,000,000\.00 \(1000M\)/, text.slice(0, 30));
    }
  });

  void it('refuses what is not an amount, with a message that says what to type', () => {
    assert.match(refusal(''), /e\.g\. 250000, \$250,000, 250k or 1\.2M; or 0 to take it from the gateway/);
    assert.match(refusal('   '), /e\.g\. 250000/);
    assert.match(refusal('-5'), /cannot be negative/);
    assert.match(refusal('$-5'), /cannot be negative/);
    for (const text of ['abc', '€250000', '250000 USD', '1e6', '.5', '250kk', '250B', '$']) {
      assert.match(refusal(text), /Enter an amount in US dollars, e\.g\. 250000/, text);
    }
    assert.match(refusal('250000.'), /After the dot come only the cents/);
  });
});

void describe('Set Annual Budget…: where it writes, what it says', () => {
  void it('writes where the value in effect comes from: the workspace when it has one, else the user settings', () => {
    assert.equal(budgetLevel(undefined), 'user');
    assert.equal(budgetLevel({}), 'user');
    assert.equal(budgetLevel({ globalValue: 100_000 }), 'user');
    assert.equal(budgetLevel({ workspaceValue: 50_000 }), 'workspace');
    assert.equal(budgetLevel({ globalValue: 100_000, workspaceValue: 50_000 }), 'workspace');
    assert.equal(budgetLevel({ globalValue: 100_000, workspaceValue: 0 }), 'workspace', 'a workspace 0 wins too');
  });

  void it('names the amount, and the workspace when it went there', () => {
    assert.equal(budgetSetMessage(250_000, 'user'), 'Token Budget: annual budget set to $250,000.00.');
    assert.equal(budgetSetMessage(1_200_000.5, 'user'), 'Token Budget: annual budget set to $1,200,000.50.');
    assert.equal(budgetSetMessage(250_000, 'workspace'), "Token Budget: annual budget set to $250,000.00 in this workspace's settings (a value there overrides your user settings).");
  });

  void it('says that 0 takes the budget from the gateway', () => {
    assert.equal(budgetSetMessage(0, 'user'), 'Token Budget: annual budget set to 0: the budget is taken from the gateway, when it reports one.');
    assert.match(budgetSetMessage(0, 'workspace'), /^Token Budget: annual budget set to 0 in this workspace's settings .*taken from the gateway/);
  });
});

void describe('Set API Key…: what it says once the key is saved', () => {
  void it('a source that is on: saved, nothing to do', () => {
    assert.deepEqual(keySavedNotice('OpenRouter', true, { type: 'toggle', setting: 'sources.openrouter.enabled' }), { message: 'Token Budget: key for OpenRouter saved.' });
    assert.deepEqual(keySavedNotice('Allowance gateway', true, { type: 'url', setting: 'sources.gateway.url' }), { message: 'Token Budget: key for Allowance gateway saved.' });
  });

  void it('a source off by its flag: says so and offers to turn it on', () => {
    const notice = keySavedNotice('OpenRouter', false, { type: 'toggle', setting: 'sources.openrouter.enabled' });
    assert.equal(notice.message, 'Token Budget: key for OpenRouter saved, but OpenRouter is off (tokenBudget.sources.openrouter.enabled is false), so nothing is fetched with it yet.');
    assert.equal(notice.action, TURN_ON);
  });

  void it('a source without a URL: says so and offers to ask for it', () => {
    const notice = keySavedNotice('LiteLLM proxy', false, { type: 'url', setting: 'sources.litellm.url' });
    assert.equal(notice.message, 'Token Budget: key for LiteLLM proxy saved, but LiteLLM proxy has no URL (tokenBudget.sources.litellm.url), so nothing is fetched with it yet.');
    assert.equal(notice.action, SET_URL);
  });

  void it('offers what turns the source on: its URL (with an example) or its flag, from its descriptor', () => {
    const by = (id: string) => SOURCES.find((d) => d.id === id) ?? assert.fail(id);
    assert.deepEqual(switchOf(by('litellm')), { type: 'url', setting: 'sources.litellm.url', example: 'https://litellm.example.com' });
    assert.deepEqual(switchOf(by('openai')), { type: 'toggle', setting: 'sources.openai.enabled' });
    assert.equal(switchOf(by('claudeCode')), undefined, 'auto | on | off: no key to save for it');
  });
});

void describe('Configure a Source…: its list and what it says', () => {
  void it('lists every registered source in registry order under its one label, then all settings', () => {
    const choices = sourceChoices();
    assert.deepEqual(
      choices.map((c) => c.source?.id ?? 'settings'),
      [...SOURCES.map((d) => d.id), 'settings'],
    );
    assert.deepEqual(
      choices.slice(0, 5).map((c) => c.label),
      ['$(server) Allowance gateway', '$(server-process) LiteLLM proxy', '$(globe) OpenRouter', '$(organization) OpenAI Admin', '$(organization) Anthropic Admin'],
    );
    assert.ok(choices.every((c) => c.detail !== ''));
  });

  void it('after an admin API, says which settings narrow the numbers to the user; nothing after the others', () => {
    const advice = Object.fromEntries(SOURCES.map((d) => [d.id, ownFilterAdvice(d)]));
    assert.equal(advice.openai, "Token Budget: to count only your own usage, set tokenBudget.sources.openai.userIds or .apiKeyIds; without a filter the numbers are the whole organisation's.");
    assert.equal(advice.anthropic, "Token Budget: to count only your own usage, set tokenBudget.sources.anthropic.apiKeyIds or .claudeCodeEmail; without a filter the numbers are the whole organisation's.");
    for (const id of ['gateway', 'litellm', 'openrouter', 'claudeCode', 'codex']) assert.equal(advice[id], undefined, id);
  });

  void it('asks for a key, or offers the source\'s sign-in first when it has one', () => {
    const by = (id: string) => SOURCES.find((d) => d.id === id) ?? assert.fail(id);
    assert.deepEqual(credentialChoices(by('openai')).map((c) => [c.command, c.args]), [['tokenBudget.setApiKey', ['openai']]]);
    assert.deepEqual(credentialChoices(by('copilot')).map((c) => [c.command, c.args]), [
      ['tokenBudget.signInGitHub', []],
      ['tokenBudget.setApiKey', ['copilot']],
    ]);
  });

  void it("says an agent's logs are read once it is on", () => {
    assert.equal(agentLogsOnMessage('Codex (local logs)'), 'Token Budget: Codex (local logs) is on: reading its logs on this machine.');
  });
});

void describe('Clear API Key…: what it says', () => {
  void it('says when the environment variable takes over', () => {
    assert.equal(keyClearedMessage('OpenRouter', 'OPENROUTER_API_KEY', true), 'Token Budget: stored key for OpenRouter cleared; OPENROUTER_API_KEY from the environment is used now.');
  });

  void it('says only "cleared" when no environment key is there', () => {
    assert.equal(keyClearedMessage('OpenRouter', 'OPENROUTER_API_KEY', false), 'Token Budget: stored key for OpenRouter cleared.');
  });
});

void describe('Refresh Now: what it says when done', () => {
  const asked = new Date('2026-11-27T12:00:00.000Z');
  const before = '2026-11-27T11:45:00.000Z';
  const during = '2026-11-27T12:00:00.250Z';
  const ok = (id: SourceStatus['id'], label: string): SourceStatus => ({ id, label, state: 'ok', lastSuccess: during, lastAttempt: during });
  const off = (id: SourceStatus['id'], label: string): SourceStatus => ({ id, label, state: 'off' });
  const rejected = 'OpenRouter: the key was rejected (HTTP 401: "User not found."). Set your OpenRouter API key with "Token Budget: Set API Key…" or the OPENROUTER_API_KEY environment variable.';
  const down = 'Allowance gateway: the server answered HTTP 500 (internal).';

  void it('no source configured: says so, with the way to configure one', () => {
    const notice = refreshNotice({ configured: false, sources: [off('gateway', 'Allowance gateway'), off('claudeCode', 'Claude Code logs')] }, asked);
    assert.ok(notice);
    assert.equal(notice.level, 'info');
    assert.match(notice.message, /^Token Budget: no source is configured/);
    assert.deepEqual(notice.actions, [CONFIGURE_SOURCE]);
  });

  void it('every source in use refreshed: nothing to say', () => {
    assert.equal(refreshNotice({ configured: true, sources: [ok('gateway', 'Allowance gateway'), off('openrouter', 'OpenRouter')] }, asked), undefined);
  });

  void it('a source that failed in this refresh: its error, the log, and the key when the key is the problem', () => {
    const failed: SourceStatus = { id: 'openrouter', label: 'OpenRouter', state: 'error', lastAttempt: during, error: rejected };
    const notice = refreshNotice({ configured: true, sources: [failed] }, asked);
    assert.deepEqual(notice, { level: 'warning', message: `Token Budget: refresh failed. ${rejected}`, actions: [SET_API_KEY, SHOW_LOG], keySource: 'openrouter' });
  });

  void it('a stale source (last good data kept): says the last numbers are shown; no key action for a server error', () => {
    const stale: SourceStatus = { id: 'gateway', label: 'Allowance gateway', state: 'stale', lastSuccess: before, lastAttempt: during, error: down };
    const notice = refreshNotice({ configured: true, sources: [stale, off('openrouter', 'OpenRouter')] }, asked);
    assert.deepEqual(notice, { level: 'warning', message: `Token Budget: refresh failed. ${down} Its last good numbers are shown.`, actions: [SHOW_LOG] });
  });

  void it('several failed: counts them and gives every error; the key action is for the one with a key problem', () => {
    const sources: SourceStatus[] = [
      { id: 'gateway', label: 'Allowance gateway', state: 'stale', lastSuccess: before, lastAttempt: during, error: down },
      { id: 'openrouter', label: 'OpenRouter', state: 'error', lastAttempt: during, error: rejected },
      ok('codex', 'Codex logs'),
    ];
    const notice = refreshNotice({ configured: true, sources }, asked);
    assert.ok(notice);
    assert.equal(notice.message, `Token Budget: 2 sources failed to refresh. ${down} ${rejected} The last good numbers of those that had some are shown.`);
    assert.deepEqual(notice.actions, [SET_API_KEY, SHOW_LOG]);
    assert.equal(notice.keySource, 'openrouter');
  });

  void it('an error from before this refresh (a source skipped while rate limited) is not news', () => {
    const earlier: SourceStatus = { id: 'openai', label: 'OpenAI', state: 'stale', lastSuccess: before, lastAttempt: before, error: 'OpenAI: rate limited (HTTP 429).' };
    assert.equal(refreshNotice({ configured: true, sources: [earlier, ok('gateway', 'Allowance gateway')] }, asked), undefined);
    const justNow: SourceStatus = { ...earlier, lastAttempt: asked.toISOString() };
    assert.equal(refreshNotice({ configured: true, sources: [justNow] }, asked)?.level, 'warning', 'attempted in the very millisecond asked');
  });

  void it('a source that is off says nothing, whatever error it kept', () => {
    const wasOn: SourceStatus = { id: 'litellm', label: 'LiteLLM proxy', state: 'off', lastAttempt: during, error: 'LiteLLM proxy: no key.' };
    assert.equal(refreshNotice({ configured: true, sources: [wasOn, ok('gateway', 'Allowance gateway')] }, asked), undefined);
  });

  void it('reads the states the service publishes (buildSnapshot)', () => {
    const failed: SourceStatus = { id: 'gateway', label: 'Allowance gateway', state: 'error', lastAttempt: during, error: down };
    const snapshot = buildSnapshot({ ledger: new Ledger(), settings: { annualBudget: 0, budgetYearStart: '01-01', workdays: [1, 2, 3, 4, 5], thresholds: [50, 75, 90, 100] }, gatewayBudget: null, sources: [failed], today: '2026-11-27', now: asked });
    assert.equal(refreshNotice(snapshot, asked)?.message, `Token Budget: refresh failed. ${down}`);
    const none = buildSnapshot({ ledger: new Ledger(), settings: { annualBudget: 0, budgetYearStart: '01-01', workdays: [1, 2, 3, 4, 5], thresholds: [50, 75, 90, 100] }, gatewayBudget: null, sources: [off('gateway', 'Allowance gateway')], today: '2026-11-27', now: asked });
    assert.deepEqual(refreshNotice(none, asked)?.actions, [CONFIGURE_SOURCE]);
  });
});

void describe('Refresh Now: with the states a real refresh leaves', () => {
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

  void it('a refresh after a good one: silent while it works, the error once it fails, with the key action for a rejected key', async () => {
    let answer: 'ok' | 'rejected' | 'down' = 'ok';
    const adapter: SourceAdapter = {
      id: 'openrouter', label: 'OpenRouter', setting: 'tokenBudget.sources.openrouter.enabled', needsKey: true, isEnabled: () => true, identity: () => 'or',
      fetch: () => {
        if (answer === 'rejected') return Promise.reject(new SourceError('auth', 'OpenRouter: the key was rejected (HTTP 401). Set a valid key with "Token Budget: Set API Key…".', { status: 401 }));
        if (answer === 'down') return Promise.reject(new SourceError('server', 'OpenRouter: the server answered HTTP 503.', { status: 503 }));
        return Promise.resolve({ days: [], rows: [], sync: {}, requests: 1 });
      },
    };
    const svc = new BudgetService({
      adapters: [adapter],
      http: new HttpClient({ retries: 0 }),
      store: new LedgerStore(await mkdtemp(join(tmpdir(), 'tb-refresh-notice-'))),
      config: () => readConfig(() => undefined),
      key: () => Promise.resolve('or-key-000000001'),
      logger: quiet,
    });
    let asked = new Date();
    await svc.refresh('command');
    assert.equal(refreshNotice(svc.snapshot, asked), undefined);

    answer = 'rejected';
    asked = new Date();
    await svc.refresh('command');
    const rejected = refreshNotice(svc.snapshot, asked);
    assert.equal(rejected?.message, 'Token Budget: refresh failed. OpenRouter: the key was rejected (HTTP 401). Set a valid key with "Token Budget: Set API Key…". Its last good numbers are shown.');
    assert.deepEqual(rejected?.actions, [SET_API_KEY, SHOW_LOG]);
    assert.equal(rejected?.keySource, 'openrouter');

    answer = 'down';
    asked = new Date();
    await svc.refresh('command');
    assert.deepEqual(refreshNotice(svc.snapshot, asked)?.actions, [SHOW_LOG]);
    // The same failure, asked about from a refresh started later (one that did not reach the source): not news.
    assert.equal(refreshNotice(svc.snapshot, new Date(Date.now() + 1)), undefined);
  });
});

void describe('Export Daily Ledger as CSV…: an empty ledger', () => {
  void it('no source: nothing to export yet, with the way to configure one', () => {
    const notice = emptyExportNotice(false);
    assert.match(notice.message, /^Token Budget: nothing to export yet: no source is configured\./);
    assert.deepEqual(notice.actions, [CONFIGURE_SOURCE]);
  });

  void it('a source that has recorded nothing yet: nothing to export yet, with a refresh', () => {
    const notice = emptyExportNotice(true);
    assert.equal(notice.message, 'Token Budget: nothing to export yet: your sources have recorded no daily spend so far.');
    assert.deepEqual(notice.actions, [REFRESH_NOW]);
  });
});
