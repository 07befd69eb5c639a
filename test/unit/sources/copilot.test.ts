import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { Ledger } from '../../../src/core/ledger';
import { fetchCopilot, PREMIUM_REQUEST_USD, type CopilotFetchResult, type CopilotSync, type GitHubSessionProvider } from '../../../src/sources/copilot';
import { githubSessionProvider, signInToGitHub, type GitHubAuthentication } from '../../../src/sources/githubAuth';
import { HttpClient, SourceError } from '../../../src/sources/http';
import { createSources } from '../../../src/sources/registry';
import { fixture } from '../../fixtures/load';
import { startCopilotFake, type CopilotFake } from '../../fakes/copilot';

const TOKEN = 'github_pat_11ALICE0123456789abcdefghijklmnop';
const SESSION = 'gho_session0123456789abcdefABCDEF';
const http = new HttpClient({ retries: 1, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 2000, maxRetryAfterMs: 0 });
const NOW = new Date('2026-12-07T12:00:00Z');
const YEAR_START = '2026-10-01';
const REPORT = '/users/monalisa/settings/billing/premium_request/usage';
let fake: CopilotFake;

const session = (token: string | undefined): GitHubSessionProvider => ({ silentToken: () => Promise.resolve(token) });

before(async () => {
  fake = await startCopilotFake({ token: TOKEN, sessionToken: SESSION });
});
after(() => fake.close());
beforeEach(() => {
  fake.personal = 'plan';
  fake.orgReadable = false;
  fake.days = {};
  fake.premium = {};
  fake.requests.length = 0;
  fake.setFault(null);
});

function read(options: { key?: string; organization?: string; session?: GitHubSessionProvider; sync?: CopilotSync; now?: Date } = {}): Promise<CopilotFetchResult> {
  return fetchCopilot({
    http,
    baseUrl: new URL(fake.baseUrl),
    key: 'key' in options ? options.key : TOKEN,
    organization: options.organization ?? '',
    ...(options.session ? { session: options.session } : {}),
    yearStart: YEAR_START,
    now: options.now ?? NOW,
    sync: options.sync,
  });
}

const table = (r: { rows: readonly { date: string; model: string; cost: number; requests: number }[] }) => r.rows.map((x) => [x.date, x.model, Math.round(x.cost * 1e6) / 1e6, x.requests]);

async function failure(p: Promise<unknown>): Promise<SourceError> {
  const error = await p.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SourceError, String(error));
  return error;
}

void describe('GitHub Copilot: the personal premium request report', () => {
  void it('reads earlier months as monthly lumps and this month per day, per model, included apart from billed', async () => {
    fake.days = {
      '2026-10-05': [{ model: 'GPT-5', gross: 100, included: 100 }],
      '2026-11-10': [{ model: 'Claude Sonnet 4.5', gross: 50, included: 20 }],
      '2026-12-03': [{ model: 'GPT-5', gross: 10 }],
      '2026-12-06': [{ model: 'Gemini 2.5 Pro (Preview)', gross: 5, included: 5 }],
    };
    const r = await read();
    assert.equal(r.via, 'personal');
    assert.deepEqual(table(r), [
      ['2026-10-31', '(GPT-5 included in plan, month: 2026-10-01…2026-10-31)', 4, 100],
      ['2026-11-30', '(Claude Sonnet 4.5 included in plan, month: 2026-11-01…2026-11-30)', 0.8, 20],
      ['2026-11-30', '(Claude Sonnet 4.5 billed, month: 2026-11-01…2026-11-30)', 1.2, 30],
      ['2026-12-03', 'GPT-5 (billed)', 0.4, 10],
      ['2026-12-06', 'Gemini 2.5 Pro (Preview) (included in plan)', 0.2, 5],
    ]);
    // Every day of the budget year is replaced, the days with no usage too (2026-12-05: no rows).
    assert.equal(r.days[0], '2026-10-01');
    assert.equal(r.days.at(-1), '2026-12-07');
    assert.ok(r.days.includes('2026-12-05') && !r.rows.some((x) => x.date === '2026-12-05'));
    // The ledger reads the month totals as lumps spread over their days.
    const ledger = new Ledger();
    ledger.replaceDays('copilot', r.days, r.rows);
    assert.match(r.note ?? '', /This month so far: 15 premium requests worth \$0\.60; \$0\.20 included in the plan, \$0\.40 billed beyond it\./);

    const reports = fake.requests.filter((q) => q.path === REPORT);
    assert.deepEqual(
      reports.map((q) => [q.query['year']?.[0], q.query['month']?.[0], q.query['day']?.[0] ?? '-']),
      [['2026', '10', '-'], ['2026', '11', '-'], ...[1, 2, 3, 4, 5, 6, 7].map((d) => ['2026', '12', String(d)]), ['2026', '12', '-']],
      'two monthly totals, one request per day this month, then the month to date',
    );
    for (const q of fake.requests) {
      assert.equal(q.headers['accept'], 'application/vnd.github+json');
      assert.equal(q.headers['authorization'], `Bearer ${TOKEN}`);
      assert.equal(q.headers['x-github-api-version'], '2022-11-28');
    }
    assert.equal(r.requests, fake.requests.length);

    // The next refresh asks only for the days not final yet (UTC yesterday and today).
    fake.requests.length = 0;
    const again = await read({ sync: r.sync, now: new Date('2026-12-07T13:00:00Z') });
    assert.deepEqual(
      fake.requests.filter((q) => q.path === REPORT).map((q) => q.query['day']?.[0] ?? 'month'),
      ['6', '7', 'month'],
    );
    assert.deepEqual(again.days, ['2026-12-06', '2026-12-07']);
  });
});

void describe('GitHub Copilot: managed by an organisation', () => {
  void it('an empty personal report falls back to the quota snapshot of the signed-in account, as labelled readings', async () => {
    fake.premium = { entitlement: 300, remaining: 88, overage_count: 0 };
    const r = await read({ session: session(SESSION) });
    assert.equal(r.via, 'quota');
    assert.deepEqual(table(r), [['2026-12-01', '(before tracking: 2026-12-01…2026-12-07)', 8.48, 212]]);
    assert.deepEqual(r.limits, [{ label: 'this month (212 of 300 included requests)', spent: 8.48, limit: 12, resetsAt: '2027-01-01T00:00:00.000Z' }]);
    assert.match(r.note ?? '', /undocumented endpoint/);
    assert.match(r.note ?? '', /month-to-date only/);
    assert.match(r.note ?? '', /the GitHub account VS Code is signed in with \(your personal premium request report is empty/);
    const quota = fake.requests.find((q) => q.path === '/copilot_internal/user');
    assert.equal(quota?.headers['authorization'], `Bearer ${SESSION}`);

    // A later reading the same day: its growth is exact on that day; no invented series.
    fake.premium = { entitlement: 300, remaining: 80, overage_count: 0 };
    const later = await read({ session: session(SESSION), sync: r.sync, now: new Date('2026-12-07T15:00:00Z') });
    assert.deepEqual(table(later), [
      ['2026-12-07', 'premium requests (all models)', 0.32, 8],
    ]);
    // Two days later: the growth across the days without a reading is one lump.
    fake.premium = { entitlement: 300, remaining: 30, overage_count: 0 };
    const gap = await read({ session: session(SESSION), sync: later.sync, now: new Date('2026-12-09T10:00:00Z') });
    assert.deepEqual(table(gap), [
      ['2026-12-07', 'premium requests (all models)', 0.32, 8],
      ['2026-12-09', '(gap: 2026-12-07…2026-12-09)', 2, 50],
    ]);
    assert.deepEqual(gap.days, ['2026-12-07', '2026-12-08', '2026-12-09']);
    assert.equal(PREMIUM_REQUEST_USD, 0.04);
  });

  void it('keeps the empty personal report covered while the snapshot answers; once the report has usage, it reads the whole year again', async () => {
    fake.premium = { entitlement: 300, remaining: 290, overage_count: 0 };
    const first = await read({ session: session(SESSION) });
    assert.equal(first.via, 'quota');
    fake.requests.length = 0;
    const second = await read({ session: session(SESSION), sync: first.sync, now: new Date('2026-12-07T13:00:00Z') });
    assert.equal(second.via, 'quota');
    assert.deepEqual(
      fake.requests.filter((q) => q.path === REPORT).map((q) => q.query['day']?.[0] ?? 'month'),
      ['6', '7', 'month'],
      'the personal report is not read again for its final days',
    );
    fake.days = { '2026-12-07': [{ model: 'GPT-5', gross: 3 }] };
    fake.requests.length = 0;
    const third = await read({ session: session(SESSION), sync: second.sync, now: new Date('2026-12-07T14:00:00Z') });
    assert.equal(third.via, 'personal');
    assert.equal(third.days[0], YEAR_START, "the report's days replace the snapshot's, the whole year");
    assert.deepEqual(table(third), [['2026-12-07', 'GPT-5 (billed)', 0.12, 3]]);
  });

  void it('404 for a user without a personal plan: the quota snapshot, saying why', async () => {
    fake.personal = 'none';
    fake.premium = { entitlement: 300, remaining: 300, overage_count: 0 };
    const r = await read({ session: session(SESSION) });
    assert.equal(r.via, 'quota');
    assert.match(r.note ?? '', /monalisa has no personal Copilot plan \(HTTP 404/);
    assert.deepEqual(r.rows, []);
  });

  void it('the organisation report for the user, when the token may read it', async () => {
    fake.personal = 'none';
    fake.orgReadable = true;
    fake.days = { '2026-12-02': [{ model: 'GPT-5', gross: 25, included: 25 }] };
    const r = await read({ organization: 'acme', session: session(SESSION) });
    assert.equal(r.via, 'organization');
    assert.deepEqual(table(r), [['2026-12-02', 'GPT-5 (included in plan)', 1, 25]]);
    const org = fake.requests.filter((q) => q.path === '/organizations/acme/settings/billing/premium_request/usage');
    assert.ok(org.length > 0 && org.every((q) => q.query['user']?.[0] === 'monalisa'));
    assert.match(r.note ?? '', /organisation acme for monalisa/);
  });

  void it('without a token, only the session: the snapshot, never the report', async () => {
    fake.premium = { entitlement: 300, remaining: 290, overage_count: 0 };
    const r = await read({ key: undefined, session: session(SESSION) });
    assert.equal(r.via, 'quota');
    assert.deepEqual(fake.requests.map((q) => q.path), ['/copilot_internal/user']);
  });

  void it('without a token or a session: says what to set', async () => {
    const e = await failure(read({ key: undefined, session: session(undefined) }));
    assert.equal(e.kind, 'auth');
    assert.match(e.message, /no token\. Set a GitHub token with "Token Budget: Set API Key…" or the GITHUB_TOKEN environment variable/);
  });
});

void describe('GitHub Copilot: errors', () => {
  void it('401: a bad token', async () => {
    const e = await failure(read({ key: 'github_pat_WRONG0123456789' }));
    assert.equal(e.kind, 'auth');
    assert.match(e.message, /GitHub Copilot: the token was rejected \(HTTP 401: "Bad credentials"\): it is wrong, expired or revoked\..*GITHUB_TOKEN/);
  });

  void it('403 with a missing permission: names the Plan (read) permission', async () => {
    fake.setFault({ kind: 'status', status: 403, body: fixture('copilot', 'error-403-permission').body, paths: [REPORT, '/copilot_internal/user'] });
    const e = await failure(read());
    assert.equal(e.kind, 'auth');
    assert.match(e.message, /the personal premium request report was refused \(HTTP 403: "Resource not accessible by personal access token"\)\. The token needs the "Plan" user permission \(read\)/);
  });

  void it('403 with x-ratelimit-remaining: 0 is a rate limit until x-ratelimit-reset, not an auth error', async () => {
    const f = fixture('copilot', 'error-403-rate-limit');
    const reset = Math.floor(Date.now() / 1000) + 600;
    fake.setFault({ kind: 'status', status: 403, body: f.body, headers: { ...f.headers, 'x-ratelimit-reset': String(reset) } });
    const e = await failure(read());
    assert.equal(e.kind, 'rate_limited');
    assert.equal(e.details.status, 403);
    assert.ok(Math.abs((e.details.retryAt?.getTime() ?? 0) - reset * 1000) < 2000, String(e.details.retryAt));
    assert.doesNotMatch(e.message, /rejected|permission/);
  });

  void it('429 with Retry-After (and x-ratelimit-reset): waits as Retry-After says', async () => {
    const reset = Math.floor(Date.now() / 1000) + 60;
    fake.setFault({ kind: 'status', status: 429, retryAfter: 3600, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } });
    const before = Date.now();
    const e = await failure(read());
    assert.equal(e.kind, 'rate_limited');
    const wait = (e.details.retryAt?.getTime() ?? 0) - before;
    assert.ok(wait > 3_590_000 && wait < 3_610_000, String(wait));
  });

  void it('malformed JSON: a clear error', async () => {
    fake.setFault({ kind: 'malformed', paths: [REPORT] });
    const e = await failure(read());
    assert.equal(e.kind, 'unexpected');
    assert.match(e.message, /returned something that is not JSON/);
  });

  void it('an amount of the wrong type names the field', async () => {
    fake.days = { '2026-12-07': [{ model: 'GPT-5', gross: 1 }] };
    fake.setFault({ kind: 'wrong_types', paths: [REPORT] });
    const e = await failure(read());
    assert.match(e.message, /usageItems\.0\.grossAmount: expected number/);
  });
});

void describe('GitHub Copilot: VS Code sign-in and the adapter', () => {
  function fakeAuth(answer: { accessToken: string; account: { label: string } } | undefined | Error) {
    const calls: { scopes: readonly string[]; options: object }[] = [];
    const auth: GitHubAuthentication = {
      getSession: (providerId, scopes, options) => {
        assert.equal(providerId, 'github');
        calls.push({ scopes, options });
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
    };
    return { auth, calls };
  }

  void it('fetches only read a session already granted, silently; sign-in asks for it', async () => {
    const { auth, calls } = fakeAuth({ accessToken: SESSION, account: { label: 'monalisa' } });
    assert.equal(await githubSessionProvider(auth).silentToken(), SESSION);
    assert.deepEqual(await signInToGitHub(auth), { ok: true, account: 'monalisa' });
    assert.deepEqual(calls, [
      { scopes: ['read:user'], options: { createIfNone: false, silent: true } },
      { scopes: ['read:user'], options: { createIfNone: true } },
    ]);
    const cancelled = fakeAuth(new Error('User did not consent to login.'));
    assert.deepEqual(await signInToGitHub(cancelled.auth), { ok: false, reason: 'User did not consent to login.' });
  });

  void it('the registered adapter uses the injected session without a key, is off by default and does not count as network traffic for the agents', async () => {
    fake.premium = { entitlement: 50, remaining: 40, overage_count: 0 };
    const { auth } = fakeAuth({ accessToken: SESSION, account: { label: 'monalisa' } });
    const adapter = createSources({ githubSession: githubSessionProvider(auth) }).adapters.find((a) => a.id === 'copilot');
    assert.ok(adapter);
    assert.equal(adapter.isEnabled(readConfig(() => undefined)), false);
    const config = readConfig((k) => ({ 'sources.copilot.enabled': true, 'sources.copilot.baseUrl': fake.baseUrl })[k]);
    const outcome = await adapter.fetch({ config, http, key: undefined, today: '2026-12-07', utcToday: '2026-12-07', yearStart: YEAR_START, now: NOW, sync: undefined });
    assert.deepEqual(outcome.limits?.map((l) => l.label), ['this month (10 of 50 included requests)']);
  });
});
