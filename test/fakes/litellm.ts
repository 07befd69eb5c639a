/**
 * A local fake of a LiteLLM proxy's management endpoints on 127.0.0.1, answering in the shapes of
 * the upstream-true fixtures in test/fixtures/litellm/ (each names its upstream reference): the
 * fake fills those templates with the data a test sets, so it cannot drift from them.
 *
 *   GET /key/info                 {key, info: LiteLLM_VerificationToken row + litellm_budget_table}
 *   GET /user/info?user_id=       {user_id, user_info, keys (with their hashed token), teams}; 404 for an unknown user
 *   GET /team/info?team_id=       {team_id, team_info, keys, team_memberships}; 403 unless the key
 *                                 belongs to the team or its user is a member
 *   GET /user/daily/activity      paged over RAW daily-spend rows, each page aggregated per date: a
 *                                 day can be split over two pages, as in the real proxy. `ordering`
 *                                 'stable' sorts by date desc then id (PR #30167); 'date-only' is the
 *                                 older order (issue #30164): rows within a date come in another
 *                                 order on every other page, so rows at a page boundary are
 *                                 skipped or repeated.
 *   GET /user/daily/activity/aggregated
 *                                 every matching row in one answer (no paging), per-day totals, the
 *                                 models and the top api_keys with their owner; 404 {"detail":"Not
 *                                 Found"} when `aggregated` is false (a proxy before PR #13400).
 *
 * `userIdFilter` plays the proxy versions: 'honoured' (current), 'ignored' (before PR #21351: an
 * admin gets every user's rows, others their own), 'empty' (issue #42460: nothing when user_id is
 * given). Non-admin keys asking for another user_id get
 * 403 {"detail":{"error":"Non-admin users can only view their own spend data."}}.
 *
 * Errors use the proxy's envelope `{"error":{"message","type","param","code"}}` (auth errors from
 * `user_api_key_auth`) or FastAPI's `{"detail":{"error":…}}` (HTTPExceptions raised by the
 * endpoints), as LiteLLM does. Faults can be set per path, for a number of requests; `serve` queues
 * fixtures to answer a path verbatim.
 */
import { createHash } from 'node:crypto';
import { fixture, fixtureBody } from '../fixtures/load';
import type { EndlessPaging, FaultScope, LoggedRequest, Reply, ServedRequest } from './providerFake';
import { servedRequests, startFake } from './providerFake';

export interface BudgetTableRow {
  max_budget?: number | null;
  soft_budget?: number | null;
  budget_duration?: string | null;
  budget_reset_at?: string | null;
}

export interface FakeKey {
  /** The bearer secret; the daily rows name the key by its hash (`hashToken`). */
  secret: string;
  user_id?: string | null;
  team_id?: string | null;
  role?: 'internal_user' | 'proxy_admin';
  spend?: number;
  max_budget?: number | null;
  budget_duration?: string | null;
  budget_reset_at?: string | null;
  key_alias?: string | null;
  created_at?: string;
  litellm_budget_table?: BudgetTableRow | null;
  /** Extra fields copied into `info` as they are (e.g. wrong types). */
  extra?: Record<string, unknown>;
}

export interface FakeUser {
  user_id: string;
  user_email?: string | null;
  spend?: number;
  max_budget?: number | null;
  budget_duration?: string | null;
  budget_reset_at?: string | null;
  created_at?: string;
}

export interface FakeTeam {
  team_id: string;
  team_alias?: string | null;
  spend?: number;
  max_budget?: number | null;
  budget_duration?: string | null;
  budget_reset_at?: string | null;
  members: string[];
  memberships?: { user_id: string; spend?: number; litellm_budget_table?: BudgetTableRow | null }[];
}

/** One row of LiteLLM_DailyUserSpend. `api_key` is the hashed token (`hashToken(secret)` for a fake key). */
export interface SpendRow {
  user_id: string;
  date: string;
  api_key: string;
  model: string | null;
  spend: number;
  prompt_tokens?: number;
  completion_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
  api_requests?: number;
}

export interface LiteLLMFakeData {
  keys: FakeKey[];
  users: FakeUser[];
  teams: FakeTeam[];
  spend: SpendRow[];
}

export type LiteLLMFault = FaultScope &
  (
    | { kind: 'status'; status: number; message?: string; type?: string; code?: string | number; retryAfter?: number; body?: unknown }
    | { kind: 'malformed' }
    | { kind: 'truncated' }
    | { kind: 'wrong_types' }
    | { kind: 'endless_paging' }
  );

export type Ordering = 'stable' | 'date-only';
export type UserIdFilter = 'honoured' | 'ignored' | 'empty';

export interface LiteLLMFakeOptions {
  data: LiteLLMFakeData;
  /** "nested" (current: breakdown values are `{metrics, metadata}`) or "flat" (older, as in the documented example). */
  shape?: 'nested' | 'flat';
  /** Leave `has_more`/`total_pages` out of the metadata (older versions). */
  legacyMetadata?: boolean;
  /** How `/user/daily/activity` orders rows between pages; default 'stable'. */
  ordering?: Ordering;
  /** Whether `/user/daily/activity/aggregated` exists; default true. */
  aggregated?: boolean;
  /** How the proxy treats `user_id`; default 'honoured'. */
  userIdFilter?: UserIdFilter;
}

export interface LiteLLMFake {
  readonly url: string;
  /** Every request served so far, oldest first (a fresh copy on every read). */
  readonly requests: ServedRequest[];
  data: LiteLLMFakeData;
  shape: 'nested' | 'flat';
  legacyMetadata: boolean;
  ordering: Ordering;
  aggregated: boolean;
  userIdFilter: UserIdFilter;
  /**
   * Answers the next requests to `path` with these fixtures (test/fixtures/litellm/<name>.json),
   * in order, verbatim, or with a reply a test made from one (`fixtureBody` adjusted).
   */
  serve(path: string, ...replies: (string | Reply)[]): void;
  /** Forgets the replies `serve` queued and not yet sent. */
  clearServed(): void;
  setFault(fault: LiteLLMFault | null): void;
  close(): Promise<void>;
}

/** LiteLLM's `hash_token`: the SHA-256 hex digest of the key, as the daily tables name keys. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The proxy's error envelope (ProxyException). */
export function proxyError(status: number, message: string, type = 'auth_error', code: string | number = String(status), param: string | null = 'None'): Reply {
  return { status, body: { error: { message, type, param, code } } };
}

/** FastAPI's envelope for HTTPException(detail={"error": …}). */
function detailError(status: number, error: string): Reply {
  return { status, body: { detail: { error } } };
}

// ---------------------------------------------------------------------------------------------
// Templates from the fixtures

type Json = Record<string, unknown>;
const record = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const KEY_ROW = record(fixtureBody<Json>('litellm', 'key-info')['info']);
const USER_INFO = fixtureBody<Json>('litellm', 'user-info');
const USER_ROW = record(USER_INFO['user_info']);
const USER_KEY_ROW = record((USER_INFO['keys'] as unknown[])[0]);
const TEAM_ROW = record(fixtureBody<Json>('litellm', 'team-info')['team_info']);
const AGGREGATED = fixtureBody<{ results: { metrics: Json }[]; metadata: Json }>('litellm', 'daily-activity-aggregated');
/** Every SpendMetrics field of a current proxy, in its order. */
const METRIC_FIELDS = Object.keys(AGGREGATED.results[0]?.metrics ?? {});
/** The aggregated answer's extra metadata (api_key_limit …). */
const API_KEY_LIMIT = typeof AGGREGATED.metadata['api_key_limit'] === 'number' ? AGGREGATED.metadata['api_key_limit'] : 5;
const NOT_FOUND = fixture('litellm', 'route-not-found');

type Metrics = Record<string, number>;

function zero(): Metrics {
  return Object.fromEntries(METRIC_FIELDS.map((f) => [f, 0]));
}

function add(m: Metrics, r: SpendRow): void {
  const inc = (field: string, by: number) => (m[field] = (m[field] ?? 0) + by);
  inc('spend', r.spend);
  inc('prompt_tokens', r.prompt_tokens ?? 0);
  inc('completion_tokens', r.completion_tokens ?? 0);
  inc('cache_read_input_tokens', r.cache_read_input_tokens ?? 0);
  inc('cache_creation_input_tokens', r.cache_creation_input_tokens ?? 0);
  inc('total_tokens', (r.prompt_tokens ?? 0) + (r.completion_tokens ?? 0));
  inc('api_requests', r.api_requests ?? 0);
  inc('successful_requests', r.api_requests ?? 0);
}

interface KeyMeta {
  key_alias: string | null;
  team_id: string | null;
  user_id?: string | null;
  user_email?: string | null;
  key_exists?: boolean;
}

/** Aggregates rows per date (newest first), like `_aggregate_spend_records` / the GROUPING SETS read. */
function aggregateDays(rows: readonly SpendRow[], shape: 'nested' | 'flat', keyMeta: (hash: string) => KeyMeta, apiKeyLimit?: number): unknown[] {
  const byDate = new Map<string, { metrics: Metrics; models: Map<string, Metrics>; keys: Map<string, Metrics> }>();
  const keySpend = new Map<string, number>();
  for (const r of rows) keySpend.set(r.api_key, (keySpend.get(r.api_key) ?? 0) + r.spend);
  // The aggregated read keeps only the top keys by spend in breakdown.api_keys.
  const topKeys = apiKeyLimit === undefined ? undefined : new Set([...keySpend].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, apiKeyLimit).map(([k]) => k));
  for (const r of rows) {
    let day = byDate.get(r.date);
    if (!day) {
      day = { metrics: zero(), models: new Map(), keys: new Map() };
      byDate.set(r.date, day);
    }
    add(day.metrics, r);
    if (r.model) {
      const m = day.models.get(r.model) ?? zero();
      add(m, r);
      day.models.set(r.model, m);
    }
    if (topKeys && !topKeys.has(r.api_key)) continue;
    const k = day.keys.get(r.api_key) ?? zero();
    add(k, r);
    day.keys.set(r.api_key, k);
  }
  const wrap = (m: Metrics, metadata: object) => (shape === 'nested' ? { metrics: m, metadata, api_key_breakdown: {} } : m);
  return [...byDate]
    .sort(([a], [b]) => (a < b ? 1 : -1))
    .map(([date, day]) => ({
      date,
      metrics: day.metrics,
      breakdown: {
        mcp_servers: {},
        models: Object.fromEntries([...day.models].map(([model, m]) => [model, wrap(m, {})])),
        model_groups: {},
        providers: {},
        endpoints: {},
        api_keys: Object.fromEntries([...day.keys].map(([key, m]) => [key, wrap(m, keyMeta(key))])),
        entities: {},
      },
    }));
}

function totalsOf(rows: readonly SpendRow[]): Record<string, number> {
  const t = zero();
  for (const r of rows) add(t, r);
  return {
    total_spend: t['spend'] ?? 0,
    total_prompt_tokens: t['prompt_tokens'] ?? 0,
    total_completion_tokens: t['completion_tokens'] ?? 0,
    total_tokens: t['total_tokens'] ?? 0,
    total_api_requests: t['api_requests'] ?? 0,
    total_successful_requests: t['successful_requests'] ?? 0,
    total_failed_requests: 0,
    total_cache_read_input_tokens: t['cache_read_input_tokens'] ?? 0,
    total_cache_creation_input_tokens: t['cache_creation_input_tokens'] ?? 0,
  };
}

function keyInfoRow(k: FakeKey): Record<string, unknown> {
  return {
    ...KEY_ROW,
    key_name: `sk-...${k.secret.slice(-4)}`,
    key_alias: k.key_alias ?? null,
    spend: k.spend ?? 0,
    user_id: k.user_id ?? null,
    team_id: k.team_id ?? null,
    max_budget: k.max_budget ?? null,
    budget_duration: k.budget_duration ?? null,
    budget_reset_at: k.budget_reset_at ?? null,
    created_at: k.created_at ?? '2026-01-05T09:00:00.000000Z',
    litellm_budget_table: k.litellm_budget_table ?? null,
    ...k.extra,
  };
}

function teamRow(t: FakeTeam): Record<string, unknown> {
  return {
    ...TEAM_ROW,
    team_id: t.team_id,
    team_alias: t.team_alias ?? null,
    members_with_roles: t.members.map((user_id) => ({ user_id, user_email: null, role: 'user' })),
    max_budget: t.max_budget ?? null,
    budget_duration: t.budget_duration ?? null,
    budget_reset_at: t.budget_reset_at ?? null,
    spend: t.spend ?? 0,
  };
}

/** Page-number paging (`page`, `total_pages`, `has_more`): every page says another one follows. */
const ENDLESS_PAGES: EndlessPaging = {
  request: (request) => request,
  body: (body) => {
    const metadata = (body as { metadata?: Record<string, unknown> }).metadata;
    if (metadata && typeof metadata['page'] === 'number') {
      metadata['total_pages'] = metadata['page'] + 1;
      metadata['has_more'] = true;
    }
    return body;
  },
};

export async function startLiteLLMFake(options: LiteLLMFakeOptions): Promise<LiteLLMFake> {
  const queued = new Map<string, (string | Reply)[]>();
  const server = await startFake<LiteLLMFault>({
    handle: (request) => {
      const next = queued.get(request.path)?.shift();
      if (typeof next === 'string') {
        const f = fixture('litellm', next);
        return { status: f.status, body: structuredClone(f.body) };
      }
      if (next !== undefined) return next;
      return route(fake, request);
    },
    errorBody: (status, message, type) => proxyError(status, message, type ?? 'internal_server_error', String(status)).body,
    faultBody: (f) => (f.body !== undefined ? f.body : proxyError(f.status, f.message ?? `Simulated failure (HTTP ${f.status})`, f.type ?? (f.status >= 500 ? 'internal_server_error' : 'bad_request_error'), f.code ?? String(f.status)).body),
    wrongTypes: (reply) => {
      const body = structuredClone(reply) as { info?: { spend?: unknown }; results?: { metrics: { spend: unknown } }[] };
      if (body.info) body.info.spend = String(body.info.spend);
      const first = body.results?.[0];
      if (first) first.metrics.spend = String(first.metrics.spend);
      return body;
    },
    malformedPage: '<!doctype html><html><body><h1>LiteLLM Admin UI</h1></body></html>',
    endlessPaging: ENDLESS_PAGES,
  });
  const fake: LiteLLMFake = {
    url: server.url,
    get requests() {
      return servedRequests(server.requests);
    },
    data: options.data,
    shape: options.shape ?? 'nested',
    legacyMetadata: options.legacyMetadata ?? false,
    ordering: options.ordering ?? 'stable',
    aggregated: options.aggregated ?? true,
    userIdFilter: options.userIdFilter ?? 'honoured',
    serve: (path, ...replies) => {
      for (const r of replies) if (typeof r === 'string') fixture('litellm', r); // fail now on a missing fixture
      queued.set(path, [...(queued.get(path) ?? []), ...replies]);
    },
    clearServed: () => queued.clear(),
    setFault: (f) => server.setFault(f),
    close: () => server.close(),
  };
  return fake;
}

function route(fake: LiteLLMFake, request: LoggedRequest): Reply {
  const { path } = request;
  const q = (name: string): string | null => request.query[name]?.[0] ?? null;
  const auth = request.headers['authorization'] ?? '';
  const bearer = auth.startsWith('Bearer ') ? auth.slice(7) : '';
  const key = fake.data.keys.find((k) => k.secret === bearer);
  if (!key) {
    const shown = bearer.length > 4 ? `sk-...${bearer.slice(-4)}` : bearer;
    return proxyError(401, `Authentication Error, Invalid proxy server token passed. Received API Key = ${shown}, Key Hash (Token) =0f3a. Unable to find token in cache or \`LiteLLM_VerificationTokenTable\``, 'auth_error', '401');
  }
  const admin = key.role === 'proxy_admin';

  if (path === '/key/info') {
    return { status: 200, body: { key: `sk-...${key.secret.slice(-4)}`, info: keyInfoRow(key) } };
  }

  if (path === '/user/info') {
    const userId = q('user_id') ?? key.user_id ?? null;
    if (userId === null) {
      return proxyError(404, `User None not found`, 'not_found', '404', 'user_id');
    }
    const user = fake.data.users.find((u) => u.user_id === userId);
    if (!user) return proxyError(404, `User ${userId} not found`, 'not_found', '404', 'user_id');
    const teams = fake.data.teams.filter((t) => t.members.includes(userId)).map(teamRow);
    return {
      status: 200,
      body: {
        user_id: userId,
        user_info: {
          ...USER_ROW,
          user_id: userId,
          teams: teams.map((t) => t['team_id']),
          user_role: key.role ?? 'internal_user',
          max_budget: user.max_budget ?? null,
          spend: user.spend ?? 0,
          user_email: user.user_email ?? null,
          budget_duration: user.budget_duration ?? null,
          budget_reset_at: user.budget_reset_at ?? null,
          created_at: user.created_at ?? USER_ROW['created_at'],
        },
        keys: fake.data.keys.filter((k) => k.user_id === userId).map((k) => ({ ...USER_KEY_ROW, ...keyInfoRow(k), token: hashToken(k.secret) })),
        teams,
      },
    };
  }

  if (path === '/team/info') {
    const teamId = q('team_id');
    if (teamId === null) return proxyError(422, "{'message': 'Malformed request. No team id passed in.'}", 'auth_error', 422);
    const team = fake.data.teams.find((t) => t.team_id === teamId);
    if (!team) return proxyError(404, `{'message': 'Team not found, passed team id: ${teamId}.'}`, 'auth_error', 404);
    if (!admin && key.team_id !== teamId && !team.members.includes(key.user_id ?? '')) {
      return proxyError(403, `{'error': 'User=${key.user_id ?? 'None'} not authorized to access this team=${teamId}'}`, 'auth_error', 403);
    }
    return {
      status: 200,
      body: {
        team_id: teamId,
        team_info: teamRow(team),
        keys: fake.data.keys.filter((k) => k.team_id === teamId).map(keyInfoRow),
        team_memberships: (team.memberships ?? []).map((m) => ({ user_id: m.user_id, team_id: teamId, budget_id: m.litellm_budget_table ? 'budget-1' : null, spend: m.spend ?? 0, litellm_budget_table: m.litellm_budget_table ?? null })),
      },
    };
  }

  const aggregatedPath = path === '/user/daily/activity/aggregated';
  if (path === '/user/daily/activity' || aggregatedPath) {
    if (aggregatedPath && !fake.aggregated) return { status: NOT_FOUND.status, body: structuredClone(NOT_FOUND.body) };
    const start = q('start_date');
    const end = q('end_date');
    if (start === null || end === null) return detailError(400, 'Please provide start_date and end_date');
    const page = Number(q('page') ?? '1');
    const pageSize = Number(q('page_size') ?? '50');
    if (!aggregatedPath && (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)) {
      return { status: 422, body: { detail: [{ type: 'less_than_equal', loc: ['query', 'page_size'], msg: 'Input should be less than or equal to 1000', input: String(pageSize) }] } };
    }
    // What the proxy makes of user_id (see userIdFilter).
    const asked = fake.userIdFilter === 'ignored' ? null : q('user_id');
    let userId = asked;
    if (!admin) {
      userId ??= key.user_id ?? null;
      if (userId !== (key.user_id ?? null)) return detailError(403, 'Non-admin users can only view their own spend data.');
    }
    const apiKey = q('api_key');
    const emptied = fake.userIdFilter === 'empty' && q('user_id') !== null;
    const matching = fake.data.spend
      .map((r, id) => ({ r, id }))
      .filter(({ r }) => !emptied && (userId === null || r.user_id === userId) && (apiKey === null || r.api_key === apiKey) && r.date >= start && r.date <= end);
    const keyMeta = (hash: string): KeyMeta => {
      const k = fake.data.keys.find((candidate) => hashToken(candidate.secret) === hash);
      if (fake.shape === 'flat' || fake.legacyMetadata) return { key_alias: k?.key_alias ?? null, team_id: k?.team_id ?? null };
      const owner = k?.user_id ?? null;
      return { key_alias: k?.key_alias ?? null, team_id: k?.team_id ?? null, user_id: owner, user_email: fake.data.users.find((u) => u.user_id === owner)?.user_email ?? null, key_exists: k !== undefined };
    };
    if (aggregatedPath) {
      const rows = matching.map(({ r }) => r);
      const distinct = new Set(rows.map((r) => r.api_key)).size;
      return { status: 200, body: { results: aggregateDays(rows, 'nested', keyMeta, API_KEY_LIMIT), metadata: { ...totalsOf(rows), total_flat_cost: 0, page: 1, total_pages: 1, has_more: false, api_key_limit: API_KEY_LIMIT, total_api_keys: distinct } } };
    }
    // 'date-only': within a date, every other page sees the rows in the opposite order.
    const flip = fake.ordering === 'date-only' && page % 2 === 0;
    const sorted = matching.sort((a, b) => (a.r.date < b.r.date ? 1 : a.r.date > b.r.date ? -1 : flip ? b.id - a.id : a.id - b.id)).map(({ r }) => r);
    const slice = sorted.slice((page - 1) * pageSize, page * pageSize);
    const metadata: Record<string, unknown> = totalsOf(slice);
    if (!fake.legacyMetadata) {
      metadata['page'] = page;
      metadata['total_pages'] = Math.ceil(sorted.length / pageSize);
      metadata['has_more'] = page * pageSize < sorted.length;
    }
    return { status: 200, body: { results: aggregateDays(slice, fake.shape, keyMeta), metadata } };
  }

  return { status: NOT_FOUND.status, body: structuredClone(NOT_FOUND.body) };
}
