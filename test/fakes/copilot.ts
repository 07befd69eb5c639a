/**
 * A local fake of the GitHub endpoints the Copilot source reads, on 127.0.0.1, answering like
 * the real ones. Bodies are built from test/fixtures/copilot (see its README for each one's
 * upstream reference):
 *
 *   GET /user                                                        `user.json`, its login set by the test
 *   GET /users/{login}/settings/billing/premium_request/usage        `premium-usage-user.json` with the items of the
 *                                                                    day asked (`day`) or summed over the month;
 *                                                                    `personal`: 'plan' | 'none' (404) | 'forbidden' (403)
 *   GET /organizations/{org}/settings/billing/premium_request/usage  `premium-usage-org.json` for `?user=`, when
 *                                                                    `orgReadable`, else 403 as `error-403-permission.json`
 *   GET /copilot_internal/user                                       `copilot-internal-user.json` with the test's
 *                                                                    `premium` laid over `premium_interactions`
 *
 * Tokens: `token` reads everything it is allowed to; `sessionToken` (VS Code's GitHub session)
 * reads `/user` and `/copilot_internal/user` only. Anything else is 401 as `error-401.json`.
 */
import { fixture, fixtureBody } from '../fixtures/load';
import type { FaultScope, LoggedRequest, Reply } from './providerFake';
import { startFake } from './providerFake';

type Json = Record<string, unknown>;

export interface FakeItem {
  readonly model: string;
  readonly gross: number;
  /** Requests the plan included (the discount); the rest is billed. */
  readonly included?: number;
}

/** The documented usage item (the docs' 200 example), the template of every item served. */
export const DOCUMENTED_ITEM: Json = (fixtureBody<{ usageItems: Json[] }>('copilot', 'premium-usage-user').usageItems[0] ?? {});
export const DOCUMENTED_QUOTA: Json = fixtureBody<Json>('copilot', 'copilot-internal-user');

export type CopilotFault = FaultScope &
  ({ kind: 'status'; status: number; message?: string; retryAfter?: number; headers?: Record<string, string>; body?: unknown } | { kind: 'malformed' } | { kind: 'truncated' } | { kind: 'wrong_types' });

export interface CopilotFake {
  readonly baseUrl: string;
  readonly requests: LoggedRequest[];
  token: string;
  sessionToken: string;
  login: string;
  personal: 'plan' | 'none' | 'forbidden';
  orgReadable: boolean;
  /** Premium requests per UTC day (`YYYY-MM-DD`), per model: the personal report and the organisation's. */
  days: Record<string, FakeItem[]>;
  /** Laid over `quota_snapshots.premium_interactions`. */
  premium: Json;
  setFault(fault: CopilotFault | null): void;
  close(): Promise<void>;
}

const PRICE = 0.04;

/** A usage item as GitHub returns it: the documented item with these requests. */
export function usageItem(model: string, gross: number, included = 0): Json {
  const inc = Math.min(included, gross);
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  return { ...DOCUMENTED_ITEM, model, grossQuantity: gross, grossAmount: r(gross * PRICE), discountQuantity: inc, discountAmount: r(inc * PRICE), netQuantity: gross - inc, netAmount: r((gross - inc) * PRICE) };
}

function fromFixture(name: string): Reply {
  const f = fixture('copilot', name);
  return { status: f.status, body: f.body };
}

export async function startCopilotFake(options: { token: string; sessionToken?: string; login?: string }): Promise<CopilotFake> {
  const server = await startFake<CopilotFault>({
    handle: (request) => route(fake, request),
    errorBody: (status, message) => ({ message, documentation_url: 'https://docs.github.com/rest', status: String(status) }),
    faultBody: (f) => f.body ?? { message: f.message ?? `Simulated HTTP ${f.status}`, documentation_url: 'https://docs.github.com/rest', status: String(f.status) },
    wrongTypes: (body) => {
      const b = structuredClone(body) as { usageItems?: Json[] };
      const first = b.usageItems?.[0];
      if (first) first['grossAmount'] = String(first['grossAmount']);
      return b;
    },
    malformedPage: '<!doctype html><html><body>GitHub · Sign in</body></html>',
  });
  const fake: CopilotFake = {
    baseUrl: server.url,
    get requests() {
      return server.requests;
    },
    token: options.token,
    sessionToken: options.sessionToken ?? 'gho_session0123456789abcdefABCDEF',
    login: options.login ?? 'monalisa',
    personal: 'plan',
    orgReadable: false,
    days: {},
    premium: {},
    setFault: (f) => server.setFault(f),
    close: () => server.close(),
  };
  return fake;
}

function itemsFor(fake: CopilotFake, year: number, month: number, day: number | undefined): Json[] {
  const prefix = `${year}-${String(month).padStart(2, '0')}-`;
  const keys = day === undefined ? Object.keys(fake.days).filter((k) => k.startsWith(prefix)) : [`${prefix}${String(day).padStart(2, '0')}`];
  const byModel = new Map<string, { gross: number; included: number }>();
  for (const k of keys) {
    for (const item of fake.days[k] ?? []) {
      const t = byModel.get(item.model) ?? { gross: 0, included: 0 };
      t.gross += item.gross;
      t.included += item.included ?? 0;
      byModel.set(item.model, t);
    }
  }
  return [...byModel].map(([model, t]) => usageItem(model, t.gross, t.included));
}

function route(fake: CopilotFake, request: LoggedRequest): Reply {
  const auth = request.headers['authorization'];
  const asToken = auth === `Bearer ${fake.token}`;
  const asSession = auth === `Bearer ${fake.sessionToken}`;
  if (!asToken && !asSession) return fromFixture('error-401');
  const q = (name: string) => request.query[name]?.at(-1);
  const period = { year: Number(q('year')), month: Number(q('month')), day: q('day') === undefined ? undefined : Number(q('day')) };
  const timePeriod = { year: period.year, month: period.month, ...(period.day !== undefined ? { day: period.day } : {}) };
  if (request.path === '/user') return { status: 200, body: { ...fixtureBody<Json>('copilot', 'user'), login: fake.login } };
  if (request.path === '/copilot_internal/user') {
    const body = structuredClone(DOCUMENTED_QUOTA) as { quota_snapshots: Json };
    body.quota_snapshots['premium_interactions'] = { ...(body.quota_snapshots['premium_interactions'] as Json), ...fake.premium };
    return { status: 200, body };
  }
  if (!asToken) return fromFixture('error-403-permission');
  if (request.path === `/users/${fake.login}/settings/billing/premium_request/usage`) {
    if (fake.personal === 'none') return fromFixture('error-404');
    if (fake.personal === 'forbidden') return fromFixture('error-403-permission');
    return { status: 200, body: { ...fixtureBody<Json>('copilot', 'premium-usage-user'), timePeriod, user: fake.login, usageItems: itemsFor(fake, period.year, period.month, period.day) } };
  }
  const org = /^\/organizations\/([^/]+)\/settings\/billing\/premium_request\/usage$/.exec(request.path)?.[1];
  if (org !== undefined) {
    if (!fake.orgReadable) return fromFixture('error-403-permission');
    return { status: 200, body: { ...fixtureBody<Json>('copilot', 'premium-usage-org'), timePeriod, organization: org, usageItems: q('user') === fake.login ? itemsFor(fake, period.year, period.month, period.day) : [] } };
  }
  return fromFixture('error-404');
}
